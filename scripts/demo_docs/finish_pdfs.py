"""Post-process the PDFs that LibreOffice wrote for the demo sites.

Usage: finish_pdfs.py SRC_HTML PDF [SRC_HTML PDF ...]

For each pair:
* set the PDF's CreationDate/ModDate from ``<meta name="pdf-date" content="YYYY-MM-DD">`` in the
  source (LibreOffice stamps the build time, which would put every document in the wrong fiscal
  year for a checker that looks at metadata);
* if the source file name ends in ``-scan.html``, replace the PDF by an image-only copy: every
  page rendered to a grayscale PNG at 150 dpi and placed on an empty page (no text layer), like a
  document that was printed, signed and scanned. The gray is reduced to 4 levels (as a cheap
  office scanner does) to keep the file under 60 KB; tesseract tha+eng still reads it;
* re-save compactly.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pymupdf
from PIL import Image

GRAY_LEVELS = 4
DATE = re.compile(r'<meta\s+name="pdf-date"\s+content="(\d{4})-(\d{2})-(\d{2})"')


def pdf_date(src: Path) -> str | None:
    m = DATE.search(src.read_text(encoding="utf-8"))
    if not m:
        return None
    y, mo, d = m.groups()
    return f"D:{y}{mo}{d}090000+07'00'"


def scan(doc: pymupdf.Document) -> pymupdf.Document:
    out = pymupdf.open()
    for page in doc:
        pix = page.get_pixmap(dpi=150, colorspace=pymupdf.csGRAY)
        img = Image.open(io.BytesIO(pix.tobytes("png")))
        img = img.point(lambda v: round(v * (GRAY_LEVELS - 1) / 255) * 255 // (GRAY_LEVELS - 1))
        png = io.BytesIO()
        img.save(png, "PNG", optimize=True)
        new = out.new_page(width=page.rect.width, height=page.rect.height)
        new.insert_image(new.rect, stream=png.getvalue())
    return out


def finish(src: Path, pdf: Path) -> None:
    doc = pymupdf.open(pdf)
    meta = dict(doc.metadata or {})
    if src.name.endswith("-scan.html"):
        doc = scan(doc)
        meta = {"title": "", "author": "", "subject": "", "keywords": "", "creator": "Scanner", "producer": "Scanner"}
    date = pdf_date(src)
    if date:
        meta["creationDate"] = date
        meta["modDate"] = date
    doc.set_metadata(meta)
    data = doc.tobytes(garbage=4, deflate=True, clean=True)
    doc.close()
    pdf.write_bytes(data)


def main(argv: list[str]) -> int:
    if len(argv) % 2:
        print(__doc__, file=sys.stderr)
        return 2
    for i in range(0, len(argv), 2):
        src, pdf = Path(argv[i]), Path(argv[i + 1])
        finish(src, pdf)
        kind = "scan" if src.name.endswith("-scan.html") else "text"
        print(f"  {pdf.name}: {pdf.stat().st_size // 1024} KB ({kind})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
