"""Write one agency result as an XLSX workbook: sheet 'สรุป' (summary) and sheet 'รายข้อ' (one row per item)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ita_checker.models import VERDICT_LOOK
from ita_checker.report.view import AgencyReport, ItemView, Link, build_agency_report
from ita_checker.report.xlsx_style import (
    HEADER_FONT,
    WRAP_TOP,
    new_workbook,
    print_setup,
    save_workbook,
    set_link,
    style_header,
    thai_font,
)

SUMMARY_SHEET = "สรุป"
ITEMS_SHEET = "รายข้อ"

ITEM_HEADERS: tuple[tuple[str, float], ...] = (
    ("ข้อ", 8),
    ("ชื่อรายการ", 40),
    ("ผล", 22),
    ("ผล (EN)", 15),
    ("URL ที่ส่ง", 40),
    ("หลักฐาน", 60),
    ("ปีที่พบ", 12),
    ("สิ่งที่ขาด", 35),
    ("เหตุผล", 45),
    ("วิธีแก้ไข", 45),
    ("URL ที่แนะนำ", 40),
)
SUMMARY_HEADERS: tuple[tuple[str, float], ...] = (("หัวข้อ", 30), ("ค่า", 50), ("รหัส (EN)", 18))
URLS_COLUMN = 1 + [title for title, _ in ITEM_HEADERS].index("URL ที่ส่ง")
SUGGESTED_COLUMN = 1 + [title for title, _ in ITEM_HEADERS].index("URL ที่แนะนำ")

# Fill colour and font colour per verdict (same palette as the HTML report).
VERDICT_FILL: dict[str, tuple[str, str]] = {v: (look.fill, look.ink) for v, look in VERDICT_LOOK.items()}

MAX_CELL_CHARS = 32767


def clean_text(value: str) -> str:
    """Remove characters XLSX cannot store and cut to Excel's cell limit."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_CHARS]


def set_cell(ws: Worksheet, row: int, column: int, value: str | float | None) -> Cell:
    """Write a value; text is always stored as a plain string, never as a formula or an error code."""
    cell = ws.cell(row=row, column=column)
    if not isinstance(cell, Cell):
        raise TypeError(f"cell {row},{column} is merged; report sheets have no merged cells")
    if isinstance(value, str):
        cell.value = clean_text(value)
        cell.data_type = "s"  # a snippet such as '=cmd|...' or '#N/A' stays text
    else:
        cell.value = value
    cell.alignment = WRAP_TOP
    return cell


def _lines(values: list[str]) -> str:
    return "\n".join(values)


def _links(values: list[Link]) -> str:
    return "\n".join(link.text for link in values)


def _first_href(values: list[Link]) -> str | None:
    """The link a cell of several URLs opens: the first safe one (a cell holds one hyperlink)."""
    return next((link.href for link in values if link.href), None)


def _evidence_text(item: ItemView) -> str:
    blocks: list[str] = []
    for ev in item.evidence:
        parts = [ev.url.text] if ev.url.text else []
        if ev.snippet:
            parts.append(ev.snippet)
        if ev.dates_found:
            parts.append("วันที่ที่พบ: " + ", ".join(ev.dates_found))
        if ev.screenshot_text:
            parts.append("ภาพหน้าจอ: " + ev.screenshot_text)
        blocks.append("\n".join(parts))
    for fe in item.fetch_errors:
        line = f"เข้าถึงไม่ได้: {fe.url.text} – {fe.fail_class_th} ({fe.fail_class})"
        if fe.detail:
            line += f": {fe.detail}"
        blocks.append(line)
    return "\n\n".join(blocks)


def _years_text(item: ItemView) -> str:
    years = sorted({year for ev in item.evidence for year in ev.years_found}, reverse=True)
    return ", ".join(str(year) for year in years)


def _reasons_text(item: ItemView) -> str:
    lines = list(item.reasons)
    if item.low_confidence_rule:
        lines.append("เกณฑ์ความเชื่อมั่นต่ำ")
    return _lines(lines)


def _fill_for(verdict: str) -> tuple[PatternFill, Font]:
    fill_hex, font_hex = VERDICT_FILL[verdict]
    fill = PatternFill(fill_type="solid", start_color=fill_hex, end_color=fill_hex)
    return fill, thai_font(bold=True, color=font_hex)


def _write_header(ws: Worksheet, headers: tuple[tuple[str, float], ...]) -> None:
    for column, (title, _) in enumerate(headers, start=1):
        set_cell(ws, 1, column, title)
    style_header(ws, headers)
    ws.freeze_panes = "A2"
    print_setup(ws)


def _write_summary(ws: Worksheet, report: AgencyReport) -> None:
    _write_header(ws, SUMMARY_HEADERS)
    rows: list[tuple[str, str | float, str]] = [
        ("หน่วยงาน", report.agency_name, ""),
        ("ประเภทหน่วยงาน", report.agency_type_th, report.agency_type),
        ("เว็บไซต์", report.site.text, ""),
        ("ปีงบประมาณ พ.ศ.", report.year, ""),
        ("ชุดเกณฑ์", report.ruleset, ""),
        ("ตรวจเมื่อ", report.checked_at_th, report.checked_at),
        ("คะแนน (0–100)", report.score, ""),
        ("จำนวนข้อทั้งหมด", report.total_items, ""),
    ]
    if report.ruleset_caveat:
        rows.insert(5, ("หมายเหตุชุดเกณฑ์", report.ruleset_caveat, ""))
    if report.standing is not None:
        rows.append(("เทียบระดับผล ITA", report.standing.note_th, ""))
    row = 2
    for label, value, code in rows:
        set_cell(ws, row, 1, label).font = HEADER_FONT
        value_cell = set_cell(ws, row, 2, value)
        if label == "เว็บไซต์":
            set_link(value_cell, report.site.href)
        set_cell(ws, row, 3, code)
        row += 1
    for count in report.counts:
        label_cell = set_cell(ws, row, 1, count.label_th)
        label_cell.fill, label_cell.font = _fill_for(count.verdict)
        set_cell(ws, row, 2, count.count)
        set_cell(ws, row, 3, count.verdict)
        row += 1
    if report.run_id:
        set_cell(ws, row, 1, "รหัสการตรวจ (run id)").font = HEADER_FONT
        set_cell(ws, row, 2, report.run_id)
        row += 1
    for label, value in report.crawl:
        set_cell(ws, row, 1, label).font = HEADER_FONT
        set_cell(ws, row, 2, value)
        row += 1
    for note in report.notes:
        set_cell(ws, row, 1, "หมายเหตุ").font = HEADER_FONT
        set_cell(ws, row, 2, note)
        row += 1


def _write_items(ws: Worksheet, report: AgencyReport) -> None:
    _write_header(ws, ITEM_HEADERS)
    for row, item in enumerate(report.items, start=2):
        values: tuple[str, ...] = (
            item.code,
            item.title,
            item.verdict_th,
            item.verdict,
            _links(item.urls),
            _evidence_text(item),
            _years_text(item),
            _lines(item.elements_missing),
            _reasons_text(item),
            item.fix_hint,
            _links(item.suggested_urls),
        )
        cells = [set_cell(ws, row, column, value) for column, value in enumerate(values, start=1)]
        set_link(cells[URLS_COLUMN - 1], _first_href(item.urls))
        set_link(cells[SUGGESTED_COLUMN - 1], _first_href(item.suggested_urls))
        fill, font = _fill_for(item.verdict)
        for cell in cells[2:4]:  # ผล, ผล (EN)
            cell.fill = fill
            cell.font = font
    ws.auto_filter.ref = f"A1:{get_column_letter(len(ITEM_HEADERS))}{max(1, len(report.items) + 1)}"


def write_agency_report_xlsx(report: AgencyReport, out_path: Path) -> None:
    """Write a prepared view model to an XLSX file."""
    wb = new_workbook()
    summary_ws = wb.active
    if summary_ws is None:  # a fresh Workbook always has one sheet
        summary_ws = wb.create_sheet()
    summary_ws.title = SUMMARY_SHEET
    _write_summary(summary_ws, report)
    _write_items(wb.create_sheet(ITEMS_SHEET), report)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(wb, out_path)


def write_agency_xlsx(result: dict[str, Any], out_path: Path) -> None:
    """Write the per-agency XLSX report of one result dict (result-v1 schema) to ``out_path``."""
    write_agency_report_xlsx(build_agency_report(result), out_path)
