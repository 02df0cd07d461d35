"""Choose the extractor for fetched bytes by content type, file name and magic bytes."""

from __future__ import annotations

from ita_checker.extract.document import Document
from ita_checker.extract.html import extract_html
from ita_checker.extract.office import extract_docx, extract_odt, extract_xlsx
from ita_checker.extract.pdf import extract_pdf

EXTRACTOR_VERSION = "1"


def sniff_kind(body: bytes, content_type: str | None, url: str) -> str:
    ct = (content_type or "").lower()
    low = url.lower().split("?")[0]
    if body[:5] == b"%PDF-" or "pdf" in ct:
        return "pdf"
    # An Office type or name without the zip magic is a broken Office file, not HTML ('openxmlformats' has 'xml').
    office = "officedocument" in ct or "opendocument" in ct or low.endswith((".xlsx", ".xlsm", ".docx", ".odt"))
    if body[:2] == b"PK" or office:
        if low.endswith((".xlsx", ".xlsm")) or "spreadsheet" in ct:
            return "xlsx"
        if low.endswith(".odt") or "opendocument.text" in ct:
            return "odt"
        return "docx"
    if body[:8] == b"\x89PNG\r\n\x1a\n" or body[:3] == b"\xff\xd8\xff" or ct.startswith("image/"):
        return "image"
    if "html" in ct or "xml" in ct or body.lstrip()[:1] == b"<" or not ct:
        return "html"
    if ct.startswith("text/"):
        return "text"
    return "other"


def extract(body: bytes, *, url: str, content_type: str | None, ocr: bool = True) -> Document:
    """Extract one fetched body; never raises for bad content (the note says what went wrong)."""
    kind = sniff_kind(body, content_type, url)
    if kind == "pdf":
        return extract_pdf(body, ocr=ocr)
    if kind == "docx":
        return extract_docx(body)
    if kind == "xlsx":
        return extract_xlsx(body)
    if kind == "odt":
        return extract_odt(body)
    if kind == "image":
        return _extract_image(body, ocr=ocr)
    if kind == "html":
        return extract_html(body, url=url, content_type=content_type)
    if kind == "text":
        from ita_checker.text.thaitext import normalize

        t = normalize(body.decode("utf-8", "replace"))
        return Document(kind="text", text=t, full_text=t)
    return Document(kind="other", note=f"unsupported content type {content_type}")


def _extract_image(body: bytes, *, ocr: bool) -> Document:
    if not ocr:
        return Document(kind="image", note="ocr disabled")
    import io

    from PIL import Image, UnidentifiedImageError

    from ita_checker.extract.ocr import OcrUnavailable, ocr_png
    from ita_checker.text.thaitext import normalize

    try:
        with Image.open(io.BytesIO(body)) as im:
            if im.width * im.height > 40_000_000:
                return Document(kind="image", note="too_large: image dimensions")
            gray = im.convert("L")
            buf = io.BytesIO()
            gray.save(buf, format="PNG")
        text, conf = ocr_png(buf.getvalue())
    except (UnidentifiedImageError, OSError) as exc:
        return Document(kind="image", note=f"bad_content: {type(exc).__name__}")
    except OcrUnavailable as exc:
        return Document(kind="image", note=f"ocr unavailable: {exc}")
    t = normalize(text)
    return Document(kind="image", text=t, full_text=t, ocr_used=True, ocr_confidence=conf)
