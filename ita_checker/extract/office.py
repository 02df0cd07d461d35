"""DOCX, XLSX and ODT text extraction (bounded)."""

from __future__ import annotations

import io
import re
import zipfile

from ita_checker.extract.document import Document
from ita_checker.inputs.archives import DOCUMENT_LIMITS, ArchiveRefused, check_archive
from ita_checker.text.thaitext import normalize

MAX_CELLS = 200_000
MAX_XML_BYTES = 30 * 1024 * 1024  # of an ODT's content.xml read as text


def _zip_guard(body: bytes) -> zipfile.ZipFile:
    """The body as a zip once its central directory is within ``DOCUMENT_LIMITS`` (else ArchiveRefused)."""
    check_archive(body, DOCUMENT_LIMITS)
    return zipfile.ZipFile(io.BytesIO(body))


def _refused(kind: str, exc: ArchiveRefused) -> Document:
    return Document(kind=kind, note=f"bad_content: refused by the zip bomb guard ({exc.english})")


def extract_docx(body: bytes) -> Document:
    try:
        import docx

        check_archive(body, DOCUMENT_LIMITS)
        d = docx.Document(io.BytesIO(body))
        parts = [p.text for p in d.paragraphs]
        for t in d.tables:
            for row in t.rows:
                parts.append(" | ".join(c.text for c in row.cells))
    except ArchiveRefused as exc:
        return _refused("docx", exc)
    except Exception as exc:
        return Document(kind="docx", note=f"bad_content: {type(exc).__name__}")
    text = normalize("\n".join(parts))
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    return Document(kind="docx", title=first[:200], text=text, full_text=text)


def extract_xlsx(body: bytes) -> Document:
    try:
        import openpyxl

        check_archive(body, DOCUMENT_LIMITS)
        wb = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
        parts: list[str] = []
        cells = 0
        for ws in wb.worksheets:
            parts.append(str(ws.title))
            for row in ws.iter_rows(values_only=True):
                vals = [str(v) for v in row if v is not None]
                cells += len(row)
                if vals:
                    parts.append(" | ".join(vals))
                if cells > MAX_CELLS:
                    break
        wb.close()
    except ArchiveRefused as exc:
        return _refused("xlsx", exc)
    except Exception as exc:
        return Document(kind="xlsx", note=f"bad_content: {type(exc).__name__}")
    text = normalize("\n".join(parts))
    return Document(kind="xlsx", title=parts[0] if parts else "", text=text, full_text=text)


def extract_odt(body: bytes) -> Document:
    try:
        zf = _zip_guard(body)
        with zf, zf.open("content.xml") as fh:
            xml = fh.read(MAX_XML_BYTES).decode("utf-8", "replace")
    except ArchiveRefused as exc:
        return _refused("odt", exc)
    except Exception as exc:
        return Document(kind="odt", note=f"bad_content: {type(exc).__name__}")
    xml = re.sub(r"</text:(p|h)>", "\n", xml)
    text = normalize(re.sub(r"<[^>]+>", " ", xml))
    return Document(kind="odt", text=text, full_text=text)
