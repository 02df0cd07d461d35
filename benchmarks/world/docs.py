"""Document writers for the world: DOCX, XLSX, committed LibreOffice PDF templates and scanned (image-only) PDFs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import docx
import openpyxl
import pymupdf

from benchmarks.world.content import Agency, Content, html_to_text, thai_digits

ASSETS = Path(__file__).resolve().parent / "assets"
MANIFEST = ASSETS / "manifest.json"

# The neutral agency that the committed PDF templates were written for.
TEMPLATE_AGENCY = Agency(
    slug="template",
    agency_type="department",
    name="สำนักงานส่งเสริมการบริหารงานภาครัฐ",
    short="สำนักงานฯ",
    province="นครสวรรค์",
    place="หนองบัว",
    head_title="ผู้อำนวยการ",
    deputy_title="รองผู้อำนวยการ",
    head="นายประเสริฐ บุญมา",
    deputies=["นางสาวศิริพร ทองคำ", "นายชาตรี มั่นคง"],
    staff_head="นางวันเพ็ญ ใจดี",
    domain="template.go.th",
    postcode="60000",
    phone="0-5622-1234",
)


def template_key(concept: str, year: int, drop: tuple[str, ...]) -> str:
    return f"{concept}-{year}-{'+'.join(sorted(drop)) or 'full'}"


def load_manifest() -> dict[str, str]:
    if not MANIFEST.exists():
        return {}
    data: dict[str, str] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return data


def copy_template(key: str, dest: Path) -> bool:
    """Copy the committed LibreOffice PDF for ``key`` to ``dest``; False when there is none."""
    name = load_manifest().get(key)
    if not name or not (ASSETS / name).exists():
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ASSETS / name, dest)
    return True


def scan_pdf(src: Path, dest: Path, *, dpi: int = 150) -> None:
    """Rasterise every page of ``src`` to grayscale and write an image-only PDF (no text layer)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with pymupdf.open(src) as pdf, pymupdf.open() as out:  # type: ignore[no-untyped-call]
        for page in pdf:
            pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
            new = out.new_page(width=page.rect.width, height=page.rect.height)
            new.insert_image(new.rect, stream=pix.tobytes("png"))
        out.save(dest, garbage=4, deflate=True, no_new_id=True)


def content_text(c: Content, drop: frozenset[str], *, thai: bool) -> list[str]:
    html = c.html(drop)
    if thai:
        html = thai_digits("<x>" + html + "</x>")
    return html_to_text(html).splitlines()


def write_docx(c: Content, drop: frozenset[str], dest: Path, *, thai: bool) -> None:
    doc = docx.Document()
    style = doc.styles["Normal"]
    style.font.name = "TH Sarabun New"
    doc.add_heading(c.title.translate(_digits(thai)), level=1)
    for line in content_text(c, drop, thai=thai):
        if " | " in line:
            cells = [x.strip() for x in line.split(" | ") if x.strip()]
            table = doc.add_table(rows=1, cols=max(1, len(cells)))
            for cell, value in zip(table.rows[0].cells, cells, strict=False):
                cell.text = value
        else:
            doc.add_paragraph(line)
    dest.parent.mkdir(parents=True, exist_ok=True)
    doc.core_properties.title = c.title
    doc.save(str(dest))


def write_xlsx(c: Content, drop: frozenset[str], dest: Path, *, thai: bool) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "ข้อมูล"
    tr = _digits(thai)
    ws.append([c.title.translate(tr)])
    if c.tables:
        for t in c.tables:
            for row in t:
                ws.append([str(v).translate(tr) for v in row])
            ws.append([])
    else:
        for line in content_text(c, drop, thai=thai):
            ws.append([x.strip() for x in line.split(" | ")])
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)


def _digits(thai: bool) -> dict[int, int]:
    return str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙") if thai else {}
