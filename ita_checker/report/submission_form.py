"""The pre-filled submission form (``submission-form.xlsx``): per item the URL to send and how it was found."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import PatternFill

from ita_checker.inputs.submissions import TEMPLATE_HEADERS, TEMPLATE_WIDTHS
from ita_checker.models import VERDICT_TH
from ita_checker.report.view import safe_link
from ita_checker.report.xlsx_style import WRAP_TOP, new_workbook, print_setup, save_workbook, set_link, style_header

MISSING_FILL = PatternFill(fill_type="solid", start_color="FCE4E4", end_color="FCE4E4")
TO_FIX_FILL = PatternFill(fill_type="solid", start_color="FFF2CC", end_color="FFF2CC")
TO_DO = {
    "stale": "ลงข้อมูลของปีงบประมาณปัจจุบันก่อนส่ง",
    "incomplete": "เพิ่มส่วนที่ยังขาดก่อนส่ง",
    "unreachable": "ทำให้หน้าและเอกสารเปิดได้ก่อนส่ง",
    "needs_review": "เปิดตรวจด้วยตนเองก่อนส่ง",
}


@dataclass(frozen=True)
class FormRow:
    """One row of the form: the item, the URL to submit (None: nothing found) and the คำอธิบาย text."""

    code: str
    title: str
    url: str | None
    note: str
    state: str  # ready | to_fix | missing | not_applicable


def form_row(item: Mapping[str, Any]) -> FormRow:
    """The URL the checker found best for ``item`` (the submitted one where it passes, else the page found on
    the site) and one sentence of explanation, starting with the clicks from the home page when known."""
    code, title = str(item["code"]), str(item["title"])
    if item["verdict"] == "not_applicable":
        return FormRow(code, title, None, "ไม่ใช้กับหน่วยงานประเภทนี้", "not_applicable")
    found = item.get("found_on_site")
    if not found:
        note = "ยังไม่พบข้อมูลข้อนี้บนเว็บไซต์หลัก: เผยแพร่ก่อน แล้วใส่ URL ของหน้านั้น"
        return FormRow(code, title, None, note, "missing")
    path = found.get("path")
    where = " → ".join(["หน้าหลัก", *path]) if path is not None else ""
    if found["verdict"] == "pass":
        if not where:
            where = "URL ที่หน่วยงานส่ง" if found.get("submitted") else "พบบนเว็บไซต์"
        return FormRow(code, title, str(found["url"]), f"{where} (ตรวจแล้วผ่าน)", "ready")
    verdict = str(found["verdict"])
    state = VERDICT_TH.get(verdict, verdict)
    todo = TO_DO.get(verdict, "แก้ก่อนส่ง")
    note = f"{where + ' — ' if where else ''}พบหน้านี้แต่ผลตรวจคือ {state}: {todo}"
    return FormRow(code, title, str(found["url"]), note, "to_fix")


def write_submission_form(result: Mapping[str, Any], path: Path) -> Path:
    """Write the form in the province's layout (ข้อ | ข้อมูล | URL | คำอธิบาย), read back by ``read_submissions``."""
    workbook = new_workbook()
    sheet = workbook.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = "OIT"
    sheet.append(list(TEMPLATE_HEADERS))
    style_header(sheet, list(zip(TEMPLATE_HEADERS, TEMPLATE_WIDTHS, strict=True)))
    for item in result["items"]:
        row = form_row(item)
        sheet.append([row.code, row.title, row.url, row.note])
        cells = sheet[sheet.max_row]
        for cell in cells[1:]:
            cell.alignment = WRAP_TOP
        url_cell = sheet.cell(row=sheet.max_row, column=3)
        if row.url and isinstance(url_cell, Cell):
            set_link(url_cell, safe_link(row.url).href)
        fill = {"missing": MISSING_FILL, "to_fix": TO_FIX_FILL}.get(row.state)
        if fill is not None:
            for cell in cells:
                cell.fill = fill
    sheet.freeze_panes = "A2"
    print_setup(sheet)
    save_workbook(workbook, path)
    return path
