"""Read the province submission form (one row per OIT item: code, title, URL, note) and write a blank one."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.styles import Alignment

from ita_checker.errors import InputError
from ita_checker.inputs.tables import HEADER_SCAN_ROWS, ITEM_COLUMNS, Sheet, find_header, read_tables, show
from ita_checker.models import normalize_code
from ita_checker.report.xlsx_style import WRAP_TOP, add_choices, new_workbook, print_setup, save_workbook, style_header

TEMPLATE_HEADERS = ("ข้อ", "ข้อมูล", "URL", "คำอธิบาย")
TEMPLATE_WIDTHS = (10, 60, 60, 40)
TEMPLATE_SPARE_ROWS = 50  # the drop-down also covers rows an agency adds below the listed items

_URL_SEPARATOR = re.compile(r"([\s,;\u200b\u200c\u200d\u2060\ufeff]+)")
_PLAIN_SPACE = re.compile(r"[ \u00a0]+")
_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_HTTP_RE = re.compile(r"https?://[^\s/?#]+", re.IGNORECASE)
_BARE_HOST_RE = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?\.)+([A-Za-z]{2,24})(?::\d{1,5})?(?:[/?#].*)?",
    re.DOTALL,
)
_FILE_EXTENSIONS = frozenset(
    {"pdf", "doc", "docx", "xls", "xlsx", "xlsm", "csv", "ppt", "pptx", "txt", "rtf"}
    | {"jpg", "jpeg", "png", "gif", "zip", "rar", "html", "htm", "php", "aspx"}
)
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_LEAD_TRIM = "<(\"'“”‘’「"
_TRAIL_TRIM = ">\"'“”‘’.,:」"


@dataclass(frozen=True)
class Submission:
    """One OIT item as the agency submitted it; empty ``urls`` means not submitted."""

    code: str
    title: str
    urls: tuple[str, ...]
    note: str
    row: int


@dataclass
class SubmissionForm:
    """A parsed submission form: items by normalised code, plus non-fatal warnings for the user."""

    path: Path
    items: dict[str, Submission] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def urls_for(self, code: str) -> list[str]:
        """Submitted URLs for ``code`` (any accepted spelling), or [] if absent or blank."""
        key = normalize_code(code) or code
        item = self.items.get(key)
        return list(item.urls) if item else []

    def add(self, item: Submission) -> Submission | None:
        """Add a row; a repeated item code merges into the first row (URLs of both, notes joined, first title).

        Returns the earlier row when there was one, so the reader can say which rows were merged.
        """
        old = self.items.get(item.code)
        if old is None:
            self.items[item.code] = item
            return None
        urls = old.urls + tuple(u for u in item.urls if u not in old.urls)
        note = "; ".join(dict.fromkeys(n for n in (old.note, item.note) if n))
        self.items[item.code] = Submission(item.code, old.title or item.title, urls, note, old.row)
        return old


# --------------------------------------------------------------------------- URL cells


def _trim_token(token: str) -> str:
    token = token.lstrip(_LEAD_TRIM).rstrip(_TRAIL_TRIM)
    for close, open_ in ((")", "("), ("]", "[")):
        while token.endswith(close) and token.count(close) > token.count(open_):
            token = token[:-1].rstrip(_TRAIL_TRIM)
    return token


def _as_url(token: str) -> str | None:
    """The http(s) URL ``token`` denotes (adding https:// to 'www.x.go.th/...'), or None."""
    if _CONTROL_RE.search(token):
        return None
    if _HTTP_RE.match(token):
        scheme, rest = token.split("://", 1)
        return f"{scheme.lower()}://{rest}"
    if _SCHEME_RE.match(token):
        return None
    match = _BARE_HOST_RE.fullmatch(token)
    if match is None or match.group(1).lower() in _FILE_EXTENSIONS:
        return None
    return f"https://{token}"


def _path_tail(words: list[str]) -> bool:
    """Whether words that followed a URL after plain spaces are the rest of its path ('ปี 2569.pdf', 'a/b.html')."""
    last = words[-1]
    ext = last.rsplit(".", 1)[-1].lower() if "." in last else ""
    return ext in _FILE_EXTENSIONS or "/" in last


def split_urls(text: str) -> tuple[list[str], list[str]]:
    """(URLs, rejected words) of a URL cell; separators are whitespace, commas and semicolons.

    A URL typed with spaces in its file name ('https://x.go.th/ita/แผน ปี 2569.pdf') is kept whole (spaces as
    %20) when the words after it, separated by plain spaces only, end in a file name or a path.
    """
    urls: list[str] = []
    rejected: list[str] = []
    pieces = _URL_SEPARATOR.split(text)  # token, separator, token, ...
    i = 0
    while i < len(pieces):
        token = _trim_token(pieces[i])
        i += 2
        if not token:
            continue
        url = _as_url(token)
        if url is None:
            rejected.append(token)
            continue
        tail: list[str] = []
        j = i
        while j < len(pieces) and _PLAIN_SPACE.fullmatch(pieces[j - 1]) and _as_url(pieces[j].strip()) is None:
            if not pieces[j].strip():
                break
            tail.append(pieces[j].strip())
            j += 2
            if _path_tail(tail):
                url = url + "%20" + "%20".join(_trim_token(w) if k == len(tail) - 1 else w for k, w in enumerate(tail))
                i = j
                tail = []
                break
        if url not in urls:
            urls.append(url)
    return urls, rejected


# --------------------------------------------------------------------------- rows -> items


@dataclass
class _Builder:
    sheet: Sheet
    form: SubmissionForm

    def where(self, row: int, column: int | None = None) -> tuple[str, str]:
        return self.sheet.where(row, column=column)

    def warn(self, thai: str, english: str) -> None:
        self.form.warnings.append(f"{thai} / {english}")

    def first(self, cells: Sequence[str], role: str) -> str:
        return self.sheet.cell(cells, role)

    def urls(self, cells: Sequence[str], row: int) -> list[str]:
        found: list[str] = []
        for index in self.sheet.columns["url"]:
            text = cells[index] if index < len(cells) else ""
            urls, rejected = split_urls(text)
            found.extend(u for u in urls if u not in found)
            if rejected:
                th, en = self.where(row, index)
                words = ", ".join(f"'{show(w, 40)}'" for w in rejected[:5])
                self.warn(
                    f"{th}: ข้าม {words} เพราะไม่ใช่ URL (ใส่ที่อยู่เว็บเต็ม เช่น https://www.example.go.th/...)",
                    f"{en}: ignored {words}: not a URL (give a full web address, e.g. https://www.example.go.th/...)",
                )
        return found

    def add_row(self, cells: Sequence[str], row: int) -> None:
        if not any(cells):
            return
        raw_code = self.first(cells, "code")
        code = normalize_code(raw_code) if raw_code else None
        urls = self.urls(cells, row)
        if code is None:
            if urls:
                self.warn_no_code(raw_code, row)
            return
        item = Submission(code, self.first(cells, "title"), tuple(urls), self.first(cells, "note"), row)
        self.merge(item)

    def warn_no_code(self, raw_code: str, row: int) -> None:
        th, en = self.where(row, self.sheet.columns["code"][0])
        if raw_code:
            self.warn(
                f"{th}: ไม่รู้จักรหัสข้อ '{show(raw_code)}' (ใช้ เช่น O1) จึงข้ามแถวนี้",
                f"{en}: unrecognised item code '{show(raw_code)}' (use e.g. O1); row skipped",
            )
        else:
            self.warn(
                f"{th}: มี URL แต่ไม่ระบุข้อ จึงข้ามแถวนี้",
                f"{en}: row has a URL but no item code; row skipped",
            )

    def merge(self, item: Submission) -> None:
        old = self.form.add(item)
        if old is not None:
            th, en = self.where(item.row, self.sheet.columns["code"][0])
            self.warn(
                f"{th}: ข้อ {item.code} ซ้ำกับแถว {old.row} จึงรวม URL ของทั้งสองแถว",
                f"{en}: item {item.code} repeats row {old.row}; URLs of both rows merged",
            )


def _no_header_error(path: Path, seen: Iterable[str]) -> InputError:
    seen_text = "; ".join(seen) or "(empty)"
    return InputError(
        f"{path}: ไม่พบแถวหัวตารางที่มีคอลัมน์ 'ข้อ' และคอลัมน์ 'URL' ใน {HEADER_SCAN_ROWS} แถวแรก "
        f"(คอลัมน์ที่พบ: {seen_text}) / {path}: no header row with an item-code column ('ข้อ'/'code') "
        f"and a URL column ('URL'/'ลิงก์'/'link') in the first {HEADER_SCAN_ROWS} rows; "
        f"columns seen: {seen_text}"
    )


def read_submissions(path: Path) -> SubmissionForm:
    """Read a submission form (.xlsx or .csv); raises InputError for files that cannot be used."""
    seen: list[str] = []
    for table in read_tables(path):
        sheet, near_miss = find_header(table, ITEM_COLUMNS, ("code", "url"))
        if sheet is None:
            if not table.report:
                continue
            where = f"sheet '{table.sheet}' " if table.sheet is not None else ""
            description = near_miss.describe() if near_miss is not None else f"{where}(empty)"
            if description not in seen:
                seen.append(description)
            continue
        form = SubmissionForm(path=path)
        builder = _Builder(sheet, form)
        for offset, cells in enumerate(table.rows[sheet.header_row :]):
            builder.add_row(cells, sheet.header_row + offset + 1)
        return form
    raise _no_header_error(path, seen)


def write_template(path: Path, codes_titles: list[tuple[str, str]]) -> None:
    """Write a blank submission form (.xlsx) listing ``codes_titles`` with empty URL cells.

    The item-code column offers the codes of ``codes_titles`` as a drop-down (other spellings the reader accepts,
    such as '1' or 'ข้อ 1', still go in after a warning); Thai font, frozen and printed header row.
    """
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"ไฟล์แบบฟอร์ม {path} ต้องมีนามสกุล .xlsx / the form file {path} must have the .xlsx extension")
    workbook = new_workbook()
    sheet = workbook.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = "OIT"
    sheet.append(list(TEMPLATE_HEADERS))
    style_header(sheet, list(zip(TEMPLATE_HEADERS, TEMPLATE_WIDTHS, strict=True)))
    for cell in sheet[1]:
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for code, title in codes_titles:
        sheet.append([code, title, None, None])
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=4):
        for cell in row:
            cell.alignment = WRAP_TOP
    sheet.freeze_panes = "A2"
    print_setup(sheet)
    codes = list(dict.fromkeys(code for code, _ in codes_titles))
    if codes:
        add_choices(
            sheet,
            f"A2:A{len(codes_titles) + 1 + TEMPLATE_SPARE_ROWS}",
            codes,
            title="รหัสข้อ",
            prompt="เลือกรหัสข้อจากรายการ (ข้อของชุดเกณฑ์ที่ใช้สร้างแบบฟอร์มนี้)",
            error="ไม่ใช่รหัสข้อในรายการของชุดเกณฑ์นี้ ตรวจรหัสข้อ (เช่น O1) ก่อนส่งแบบฟอร์ม",
        )
    try:
        save_workbook(workbook, path)
    except OSError as exc:
        raise InputError(f"บันทึกไฟล์ {path} ไม่ได้ ({exc}) / cannot write {path} ({exc})") from exc
