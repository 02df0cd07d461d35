"""Province registry: agencies (XLSX/CSV) and their submitted URLs (a sheet or a folder of forms), row-validated."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ita_checker.errors import InputError
from ita_checker.inputs.submissions import Submission, SubmissionForm, read_submissions, split_urls
from ita_checker.inputs.tables import AGENCY_ID_ALIASES, ITEM_COLUMNS, Sheet, find_sheets, message
from ita_checker.models import AGENCY_TYPE_TH, AgencyType, normalize_code
from ita_checker.report.xlsx_style import WRAP_TOP, add_choices, new_workbook, print_setup, save_workbook, style_header

AGENCY_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("รหัส", "รหัสหน่วยงาน", "id", "agency id", "agency_id"),
    "name": ("ชื่อหน่วยงาน", "ชื่อ", "name", "agency name", "agency"),
    "type": ("ประเภท", "ประเภทหน่วยงาน", "type", "agency type", "agency_type"),
    "province": ("จังหวัด", "province"),
    "district": ("อำเภอ", "เขต", "district", "amphoe"),
    "site": ("เว็บไซต์", "เว็บ", "ที่อยู่เว็บไซต์", "website", "site", "url", "site url"),
}
# The URL sheet: the submission form's columns (one alias table) plus the agency id; a bare 'รหัส' is the agency.
SUBMISSION_COLUMNS: dict[str, tuple[str, ...]] = {
    "agency": AGENCY_ID_ALIASES,
    **{role: tuple(a for a in names if a != "รหัส") for role, names in ITEM_COLUMNS.items()},
}
AGENCY_REQUIRED = ("id", "name", "type", "site")
SUBMISSION_REQUIRED = ("agency", "code", "url")

_TYPE_ALIASES: dict[str, str] = {
    **{t.value: t.value for t in AgencyType},
    **{th: en for en, th in AGENCY_TYPE_TH.items()},
    "กรม": "department",
    "ส่วนราชการ": "department",
    "อปท.": "local",
    "อปท": "local",
    "อบต.": "local",
    "อบจ.": "local",
    "เทศบาล": "local",
    "องค์การบริหารส่วนตำบล": "local",
    "โรงเรียน": "school",
    "โรงพยาบาล": "hospital",
    "รพ.": "hospital",
    "รพ.สต.": "hospital",
    "รพศ.": "hospital",
    "รพท.": "hospital",
    "รพช.": "hospital",
    "สสอ.": "hospital",
    "สสจ.": "hospital",
    "สำนักงานสาธารณสุขอำเภอ": "hospital",
    "สำนักงานสาธารณสุขจังหวัด": "hospital",
    "เทศบาลตำบล": "local",
    "เทศบาลเมือง": "local",
    "เทศบาลนคร": "local",
    "องค์การบริหารส่วนจังหวัด": "local",
    "วิทยาลัย": "school",
    "สถานศึกษา": "school",
    "มหาวิทยาลัย": "university",
    "จังหวัด": "province",
    "อำเภอ": "district",
    "ที่ว่าการอำเภอ": "district",
    "รัฐวิสาหกิจ": "state_enterprise",
    "องค์การมหาชน": "public_org",
    "state enterprise": "state_enterprise",
    "public organization": "public_org",
}
_ID_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,63}")
FORM_SUFFIXES = (".xlsx", ".xlsm", ".csv")

AGENCY_TEMPLATE: tuple[tuple[str, str, str, float], ...] = (
    ("รหัส", "จำเป็น: รหัสหน่วยงานไม่ซ้ำกัน ใช้ตัวเลข/อังกฤษ/-/_ (ใช้เป็นชื่อโฟลเดอร์ผลลัพธ์)", "6501001", 14),
    ("ชื่อหน่วยงาน", "จำเป็น: ชื่อเต็มของหน่วยงาน", "องค์การบริหารส่วนตำบลตัวอย่าง", 40),
    ("ประเภท", "จำเป็น: " + ", ".join(t.value for t in AgencyType) + " หรือชื่อไทย เช่น อบต., เทศบาล", "local", 22),
    ("จังหวัด", "ไม่บังคับ", "พิษณุโลก", 16),
    ("อำเภอ", "ไม่บังคับ", "เมืองพิษณุโลก", 18),
    ("เว็บไซต์", "จำเป็น: หน้าแรกของเว็บไซต์ https://...", "https://www.example.go.th/", 40),
)
SUBMISSION_TEMPLATE: tuple[tuple[str, str, str, float], ...] = (
    ("รหัสหน่วยงาน", "จำเป็น: รหัสจากแผ่นงาน 'หน่วยงาน'", "6501001", 16),
    ("ข้อ", "จำเป็น: รหัสข้อ OIT เช่น O1", "O1", 8),
    ("URL", "URL ที่เผยแพร่ (หลาย URL คั่นด้วยขึ้นบรรทัดใหม่) ว่าง = ไม่ได้ส่ง", "https://www.example.go.th/structure", 50),
    ("คำอธิบาย", "ไม่บังคับ", "หน้าหลัก > ข้อมูลพื้นฐาน > โครงสร้าง", 40),
)
AGENCY_SHEET = "หน่วยงาน"
SUBMISSION_SHEET = "URL ที่ส่ง"
HELP_SHEET = "คำอธิบาย"
TEMPLATE_ROWS = 5000  # the drop-downs of the blank registry reach this row


@dataclass(frozen=True)
class Agency:
    """One agency row of the registry."""

    id: str
    name: str
    agency_type: str
    province: str
    district: str
    site: str
    row: int


@dataclass
class Registry:
    """The agencies to scan, their forms (None = self-check), and every problem found while reading."""

    path: Path
    agencies: list[Agency] = field(default_factory=list)
    forms: dict[str, SubmissionForm] = field(default_factory=dict)
    form_errors: dict[str, str] = field(default_factory=dict)  # agency id -> why it cannot be checked
    problems: list[str] = field(default_factory=list)

    def agency(self, agency_id: str) -> Agency | None:
        return next((a for a in self.agencies if a.id == agency_id), None)


def normalize_type(text: str) -> str | None:
    """'local', 'อบต.', 'องค์กรปกครองส่วนท้องถิ่น' -> 'local'; unknown -> None."""
    value = " ".join(text.strip().split())
    return _TYPE_ALIASES.get(value) or _TYPE_ALIASES.get(value.casefold())


def _site_url(text: str) -> str | None:
    urls, rejected = split_urls(text)
    if len(urls) != 1 or rejected:
        return None
    url = urls[0]
    return url if re.match(r"https?://[^/]+/", url) else url + "/"


def _read_agency_row(sheet: Sheet, row: int, cells: list[str], reg: Registry) -> Agency | None:
    values = {role: sheet.cell(cells, role) for role in AGENCY_COLUMNS}
    for role in AGENCY_REQUIRED:
        if not values[role]:
            reg.problems.append(
                message(
                    sheet.where(row, role),
                    "ไม่มีข้อมูลในช่องที่จำเป็น จึงข้ามหน่วยงานนี้",
                    "required cell is empty; agency skipped",
                )
            )
            return None
    agency_id = values["id"]
    if not _ID_RE.fullmatch(agency_id):
        reg.problems.append(
            message(
                sheet.where(row, "id"),
                f"รหัส '{agency_id[:40]}' ใช้ได้เฉพาะตัวเลข อักษรอังกฤษ - และ _ จึงข้ามหน่วยงานนี้",
                f"id '{agency_id[:40]}' may hold only digits, Latin letters, '-' and '_'; agency skipped",
            )
        )
        return None
    agency_type = normalize_type(values["type"])
    if agency_type is None:
        reg.problems.append(
            message(
                sheet.where(row, "type"),
                f"ไม่รู้จักประเภท '{values['type'][:40]}' (ใช้ {', '.join(t.value for t in AgencyType)}) จึงข้ามหน่วยงานนี้",
                f"unknown agency type '{values['type'][:40]}'; agency skipped",
            )
        )
        return None
    site = _site_url(values["site"])
    if site is None:
        reg.problems.append(
            message(
                sheet.where(row, "site"),
                f"'{values['site'][:60]}' ไม่ใช่ที่อยู่เว็บไซต์เดียวที่ถูกต้อง (เช่น https://www.example.go.th/) จึงข้ามหน่วยงานนี้",
                f"'{values['site'][:60]}' is not one valid web address; agency skipped",
            )
        )
        return None
    return Agency(agency_id, values["name"], agency_type, values["province"], values["district"], site, row)


def _read_agencies(sheet: Sheet, reg: Registry) -> None:
    seen: dict[str, int] = {}
    for row, cells in sheet.data_rows():
        agency = _read_agency_row(sheet, row, cells, reg)
        if agency is None:
            continue
        if agency.id in seen:
            reg.problems.append(
                message(
                    sheet.where(row, "id"),
                    f"รหัส {agency.id} ซ้ำกับแถว {seen[agency.id]} จึงข้ามแถวนี้",
                    f"id {agency.id} repeats row {seen[agency.id]}; row skipped",
                )
            )
            continue
        seen[agency.id] = row
        reg.agencies.append(agency)


def _read_submission_sheet(sheet: Sheet, reg: Registry) -> None:
    known = {a.id for a in reg.agencies}
    for row, cells in sheet.data_rows():
        agency_id = sheet.cell(cells, "agency")
        raw_code = sheet.cell(cells, "code")
        if agency_id not in known:
            reg.problems.append(
                message(
                    sheet.where(row, "agency"),
                    f"ไม่พบรหัสหน่วยงาน '{agency_id[:40]}' ในแผ่นงานหน่วยงาน (หรือแถวของหน่วยงานนั้นมีปัญหา) จึงข้ามแถวนี้",
                    f"agency id '{agency_id[:40]}' is not in the agency list (or its row has problems); row skipped",
                )
            )
            continue
        code = normalize_code(raw_code) if raw_code else None
        if code is None:
            reg.problems.append(
                message(
                    sheet.where(row, "code"),
                    f"ไม่รู้จักรหัสข้อ '{raw_code[:40]}' (ใช้ เช่น O1) จึงข้ามแถวนี้",
                    f"unrecognised item code '{raw_code[:40]}' (use e.g. O1); row skipped",
                )
            )
            continue
        urls, rejected = split_urls(sheet.cell(cells, "url"))
        if rejected:
            words = ", ".join(f"'{w[:40]}'" for w in rejected[:5])
            reg.problems.append(
                message(sheet.where(row, "url"), f"ข้าม {words} เพราะไม่ใช่ URL", f"ignored {words}: not a URL")
            )
        form = reg.forms.setdefault(agency_id, SubmissionForm(path=sheet.path))
        item = Submission(code, sheet.cell(cells, "title"), tuple(urls), sheet.cell(cells, "note"), row)
        earlier = form.add(item)  # the same merge as a form file: URLs of both rows, notes joined, first title
        if earlier is not None:
            th, en = sheet.where(row, "code")
            form.warnings.append(
                f"{th}: ข้อ {code} ของหน่วยงาน {agency_id} ซ้ำกับแถว {earlier.row} จึงรวม URL ของทั้งสองแถว / "
                f"{en}: item {code} of agency {agency_id} repeats row {earlier.row}; URLs of both rows merged"
            )


def _read_form_folder(folder: Path, reg: Registry) -> None:
    by_id: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix.lower() in FORM_SUFFIXES and not path.name.startswith(("~$", ".")):
            if reg.agency(path.stem) is None:
                reg.problems.append(
                    f"{path}: ไม่มีหน่วยงานรหัส '{path.stem}' ในทะเบียน จึงไม่ใช้ไฟล์นี้ / "
                    f"{path}: no agency with id '{path.stem}' in the registry; file ignored"
                )
                continue
            by_id[path.stem] = path
    for agency in reg.agencies:
        form_path = by_id.get(agency.id)
        if form_path is None:
            reg.problems.append(
                f"{folder}: ไม่พบแบบฟอร์มของหน่วยงาน {agency.id} ({agency.id}.xlsx หรือ .csv) จึงตรวจแบบค้นหาเอง / "
                f"{folder}: no form for agency {agency.id}; it is self-checked (discovery mode)"
            )
            continue
        try:
            reg.forms[agency.id] = read_submissions(form_path)
        except InputError as exc:
            reg.form_errors[agency.id] = str(exc)
            reg.problems.append(str(exc))


def read_registry(path: Path, submissions: Path | None = None) -> Registry:
    """Read the agencies (and a submissions sheet in the same workbook, or ``submissions``: a file or folder).

    Raises InputError only when the registry file itself cannot be used; bad rows become ``problems``.
    """
    agency_sheets = find_sheets(path, AGENCY_COLUMNS, AGENCY_REQUIRED)
    sub_sheets: list[Sheet] = []
    if path.suffix.lower() != ".csv":
        sub_sheets = find_sheets(path, SUBMISSION_COLUMNS, SUBMISSION_REQUIRED)
    agency_sheets = [s for s in agency_sheets if s.name not in {t.name for t in sub_sheets}]
    if not agency_sheets:
        raise InputError(
            f"{path}: ไม่พบแผ่นงานที่มีหัวตาราง รหัส | ชื่อหน่วยงาน | ประเภท | เว็บไซต์ "
            "(ใช้ 'ita-checker template ทะเบียน.xlsx --kind registry' สร้างแบบฟอร์ม) / "
            f"{path}: no sheet with the header id | name | type | site (see 'ita-checker template --kind registry')"
        )
    reg = Registry(path=path)
    _read_agencies(agency_sheets[0], reg)
    if submissions is not None:
        if submissions.is_dir():
            _read_form_folder(submissions, reg)
        else:
            sheets = find_sheets(submissions, SUBMISSION_COLUMNS, SUBMISSION_REQUIRED)
            if not sheets:
                raise InputError(
                    f"{submissions}: ไม่พบหัวตาราง รหัสหน่วยงาน | ข้อ | URL | คำอธิบาย / "
                    f"{submissions}: no header agency | item | URL | note"
                )
            sub_sheets = sheets
    for sheet in sub_sheets[:1]:
        _read_submission_sheet(sheet, reg)
    return reg


def _write_sheet(wb: Workbook, title: str, spec: tuple[tuple[str, str, str, float], ...]) -> Worksheet:
    ws: Worksheet = wb.create_sheet(title)
    ws.append([name for name, _, _, _ in spec])
    style_header(ws, [(name, width) for name, _, _, width in spec])
    ws.freeze_panes = "A2"
    print_setup(ws)
    return ws


def write_registry_template(path: Path) -> None:
    """Write a blank registry: .xlsx (agencies, submitted URLs, help sheets) or .csv (agencies only).

    In the .xlsx the ประเภท column offers the Thai agency types as a drop-down (the reader's other spellings, such
    as อบต. or local, still go in after a warning); Thai font, frozen and printed header rows.
    """
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with path.open("w", encoding="utf-8-sig", newline="") as fh:
                csv.writer(fh).writerow([name for name, _, _, _ in AGENCY_TEMPLATE])
            return
        if suffix != ".xlsx":
            raise InputError(f"ไฟล์ทะเบียน {path} ต้องเป็น .xlsx หรือ .csv / the registry file {path} must be .xlsx or .csv")
        wb = new_workbook()
        default = wb.active
        if default is not None:
            wb.remove(default)
        agency_ws = _write_sheet(wb, AGENCY_SHEET, AGENCY_TEMPLATE)
        type_column = get_column_letter(1 + [name for name, _, _, _ in AGENCY_TEMPLATE].index("ประเภท"))
        add_choices(
            agency_ws,
            f"{type_column}2:{type_column}{TEMPLATE_ROWS}",
            list(AGENCY_TYPE_TH.values()),
            title="ประเภทหน่วยงาน",
            prompt="เลือกประเภทหน่วยงานจากรายการ (หรือพิมพ์ชื่อที่โปรแกรมรู้จัก เช่น อบต., เทศบาล, local)",
            error="ไม่ใช่ประเภทในรายการ: ใช้ได้เฉพาะชื่อที่โปรแกรมรู้จัก (เช่น อบต., เทศบาล, local) มิฉะนั้นหน่วยงานนี้จะถูกข้ามตอนสแกน",
        )
        _write_sheet(wb, SUBMISSION_SHEET, SUBMISSION_TEMPLATE)
        help_ws = wb.create_sheet(HELP_SHEET)
        help_ws.append(["แผ่นงาน", "คอลัมน์", "คำอธิบาย", "ตัวอย่าง"])
        style_header(help_ws, list(zip(("แผ่นงาน", "คอลัมน์", "คำอธิบาย", "ตัวอย่าง"), (14, 16, 80, 40), strict=True)))
        for sheet_name, spec in ((AGENCY_SHEET, AGENCY_TEMPLATE), (SUBMISSION_SHEET, SUBMISSION_TEMPLATE)):
            for name, doc, example, _ in spec:
                help_ws.append([sheet_name, name, doc, example])
        help_ws.append(
            [
                SUBMISSION_SHEET,
                "",
                "หรือใช้โฟลเดอร์แบบฟอร์มรายหน่วยงาน <รหัส>.xlsx (รูปแบบเดียวกับคำสั่ง check) ผ่าน --submissions",
                "",
            ]
        )
        for row in help_ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = WRAP_TOP
        help_ws.freeze_panes = "A2"
        print_setup(help_ws)
        save_workbook(wb, path)
    except OSError as exc:
        raise InputError(f"บันทึกไฟล์ {path} ไม่ได้ ({exc}) / cannot write {path} ({exc})") from exc
