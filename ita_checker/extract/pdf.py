"""PDF extraction with PyMuPDF (keeps Thai mark order); image-only pages go to OCR."""

from __future__ import annotations

import logging

import pymupdf

from ita_checker.extract.document import Document
from ita_checker.extract.ocr import OcrUnavailable, ocr_png
from ita_checker.text.thaitext import normalize

log = logging.getLogger("ita_checker.extract")

MAX_PAGES = 60
MAX_OCR_PAGES = 8
OCR_DPI = 200
MIN_TEXT_PER_PAGE = 25


def extract_pdf(body: bytes, *, max_pages: int = MAX_PAGES, ocr: bool = True) -> Document:
    """Extract text from a PDF; OCR pages that carry no text layer (bounded by MAX_OCR_PAGES)."""
    try:
        doc = pymupdf.open(stream=body, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises several types for broken files
        return Document(kind="pdf", note=f"bad_content: {type(exc).__name__}")
    if doc.needs_pass:
        return Document(kind="pdf", note="bad_content: encrypted pdf")
    texts: list[str] = []
    confs: list[float] = []
    ocr_pages = 0
    notes: list[str] = []
    try:
        n = min(doc.page_count, max_pages)
        if doc.page_count > max_pages:
            notes.append(f"only first {max_pages} of {doc.page_count} pages read")
        for i in range(n):
            page = doc.load_page(i)
            t = page.get_text("text") or ""
            if len(t.strip()) < MIN_TEXT_PER_PAGE and ocr and ocr_pages < MAX_OCR_PAGES and page.get_images():
                pix = page.get_pixmap(dpi=OCR_DPI, colorspace=pymupdf.csGRAY)
                try:
                    ot, conf = ocr_png(pix.tobytes("png"))
                    t = t + "\n" + ot
                    confs.append(conf)
                    ocr_pages += 1
                except OcrUnavailable as exc:
                    notes.append(f"ocr unavailable: {exc}")
                    ocr = False
            texts.append(t)
    except Exception as exc:
        notes.append(f"bad_content: {type(exc).__name__} while reading pages")
    finally:
        pages = doc.page_count
        doc.close()
    text = normalize("\n".join(texts))
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    return Document(
        kind="pdf",
        title=first_line[:200],
        text=text,
        full_text=text,
        pages=pages,
        ocr_used=bool(confs),
        ocr_confidence=(min(confs) if confs else None),
        note="; ".join(notes),
    )
