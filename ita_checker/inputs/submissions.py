"""Read the province submission form (one row per OIT item: code, title, URL, note) and write a blank one."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from ita_checker.errors import InputError

HEADER_SCAN_ROWS = 16  # the header row may follow up to 15 title/banner rows
XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv",)
TEMPLATE_HEADERS = ("ข้อ", "ข้อมูล", "URL", "คำอธิบาย")
TEMPLATE_WIDTHS = (10, 60, 60, 40)

_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("ข้อ", "ข้อที่", "รหัส", "รหัสข้อ", "ตัวชี้วัด", "code", "item", "oit"),
    "title": ("ข้อมูล", "รายการ", "รายการข้อมูล", "ชื่อข้อมูล", "หัวข้อ", "title", "name"),
    "url": (
        "url", "urls", "ลิงก์", "ลิงค์", "url ที่เผยแพร่", "ลิงก์ที่เผยแพร่", "ลิงค์ที่เผยแพร่",
        "link", "links", "ที่อยู่เว็บ", "ที่อยู่ url",
    ),
    "note": ("คำอธิบาย", "คำอธิบายเพิ่มเติม", "หมายเหตุ", "note", "notes", "remark", "remarks", "description"),
}  # fmt: skip
_ROLE_TH = {"code": "ข้อ", "title": "ข้อมูล", "url": "URL", "note": "คำอธิบาย"}

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_CODE_RE = re.compile(r"(MOIT|O)?[\s.\-_]*(\d{1,3})([.):\-]?(\s.*)?)", re.ASCII | re.DOTALL)
_URL_SPLIT = re.compile(r"[\s,;\u200b\u200c\u200d\u2060\ufeff]+")
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


@dataclass(frozen=True)
class _Table:
    """Raw cell text of one sheet (or the CSV) with where it came from, for messages."""

    sheet: str | None
    rows: list[list[str]]
    report: bool = True  # describe it in the "no header" error (False for alternative CSV delimiters)


@dataclass(frozen=True)
class _Header:
    row: int  # 1-based
    columns: dict[str, list[int]]  # role -> 0-based column indexes
    names: list[str]


# --------------------------------------------------------------------------- cell helpers


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _show(text: str, limit: int = 60) -> str:
    """Cell text made safe and short for a one-line message."""
    clean = _CONTROL_RE.sub("?", text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def normalize_code(text: str) -> str | None:
    """'O1', 'o1', 'O 1', 'O01', '๑', '1', 'ข้อ 1', 'O1.' -> 'O1'; 'MOIT 01' -> 'MOIT1'; else None."""
    value = unicodedata.normalize("NFKC", text).translate(_THAI_DIGITS).strip()
    for prefix in ("ข้อที่", "ข้อ"):
        if value.startswith(prefix):
            value = value[len(prefix) :].strip()
            break
    match = _CODE_RE.fullmatch(value.upper())
    if match is None or int(match.group(2)) == 0:
        return None
    return f"{match.group(1) or 'O'}{int(match.group(2))}"


def _header_key(text: str) -> str:
    value = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(value.split()).strip(" .:*")


_ALIAS_ROLE: dict[str, str] = {
    _header_key(alias).replace(" ", ""): role for role, aliases in _ALIASES.items() for alias in aliases
}


def _header_role(text: str) -> str | None:
    """The column role ('code', 'title', 'url', 'note') a header cell names, if any.

    'ข้อ / code' or 'URL (ลิงก์)' match through any of their parts.
    """
    key = _header_key(text)
    for candidate in [key, *re.split(r"[/()\[\]\n]", key)]:
        role = _ALIAS_ROLE.get(_header_key(candidate).replace(" ", ""))
        if role is not None:
            return role
    return None


# --------------------------------------------------------------------------- header detection


def _match_header(cells: Sequence[str], row: int) -> _Header:
    columns: dict[str, list[int]] = {}
    for index, text in enumerate(cells):
        role = _header_role(text) if text else None
        if role is not None:
            columns.setdefault(role, []).append(index)
    return _Header(row=row, columns=columns, names=list(cells))


def _find_header(table: _Table) -> tuple[_Header | None, _Header | None]:
    """(matching header, best near-miss for the error message) among the first rows."""
    best: _Header | None = None
    best_key = (-1, -1)
    for index, cells in enumerate(table.rows[:HEADER_SCAN_ROWS]):
        header = _match_header(cells, index + 1)
        if "code" in header.columns and "url" in header.columns:
            return header, header
        key = (len(header.columns), sum(1 for c in cells if c))
        if key > best_key and key[1] > 0:
            best, best_key = header, key
    return None, best


def _describe_seen(table: _Table, header: _Header | None) -> str:
    where = f"sheet '{table.sheet}' " if table.sheet is not None else ""
    if header is None:
        return f"{where}(empty)"
    seen = ", ".join(f"{get_column_letter(i + 1)} '{_show(name, 30)}'" for i, name in enumerate(header.names) if name)
    return f"{where}row {header.row}: {seen}"


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


def split_urls(text: str) -> tuple[list[str], list[str]]:
    """(URLs, rejected words) of a URL cell; separators are whitespace, commas and semicolons."""
    urls: list[str] = []
    rejected: list[str] = []
    for raw in _URL_SPLIT.split(text):
        token = _trim_token(raw)
        if not token:
            continue
        url = _as_url(token)
        if url is None:
            rejected.append(token)
        elif url not in urls:
            urls.append(url)
    return urls, rejected


# --------------------------------------------------------------------------- rows -> items


@dataclass
class _Builder:
    path: Path
    table: _Table
    header: _Header
    form: SubmissionForm

    def where(self, row: int, column: int | None = None) -> tuple[str, str]:
        """(Thai, English) location of a row/cell for messages."""
        sheet_th = f" แผ่นงาน '{self.table.sheet}'" if self.table.sheet is not None else ""
        sheet_en = f" sheet '{self.table.sheet}'" if self.table.sheet is not None else ""
        if column is None:
            return f"{self.path.name}{sheet_th} แถว {row}", f"{self.path.name}{sheet_en} row {row}"
        name = _show(self.header.names[column], 30)
        letter = get_column_letter(column + 1)
        return (
            f"{self.path.name}{sheet_th} แถว {row} คอลัมน์ {letter} '{name}'",
            f"{self.path.name}{sheet_en} row {row} column {letter} '{name}'",
        )

    def warn(self, thai: str, english: str) -> None:
        self.form.warnings.append(f"{thai} / {english}")

    def first(self, cells: Sequence[str], role: str) -> str:
        for index in self.header.columns.get(role, []):
            if index < len(cells) and cells[index]:
                return cells[index]
        return ""

    def urls(self, cells: Sequence[str], row: int) -> list[str]:
        found: list[str] = []
        for index in self.header.columns["url"]:
            text = cells[index] if index < len(cells) else ""
            urls, rejected = split_urls(text)
            found.extend(u for u in urls if u not in found)
            if rejected:
                th, en = self.where(row, index)
                words = ", ".join(f"'{_show(w, 40)}'" for w in rejected[:5])
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
        th, en = self.where(row, self.header.columns["code"][0])
        if raw_code:
            self.warn(
                f"{th}: ไม่รู้จักรหัสข้อ '{_show(raw_code)}' (ใช้ เช่น O1) จึงข้ามแถวนี้",
                f"{en}: unrecognised item code '{_show(raw_code)}' (use e.g. O1); row skipped",
            )
        else:
            self.warn(
                f"{th}: มี URL แต่ไม่ระบุข้อ จึงข้ามแถวนี้",
                f"{en}: row has a URL but no item code; row skipped",
            )

    def merge(self, item: Submission) -> None:
        old = self.form.items.get(item.code)
        if old is None:
            self.form.items[item.code] = item
            return
        th, en = self.where(item.row, self.header.columns["code"][0])
        self.warn(
            f"{th}: ข้อ {item.code} ซ้ำกับแถว {old.row} จึงรวม URL ของทั้งสองแถว",
            f"{en}: item {item.code} repeats row {old.row}; URLs of both rows merged",
        )
        urls = old.urls + tuple(u for u in item.urls if u not in old.urls)
        notes = [n for n in (old.note, item.note) if n]
        note = "; ".join(dict.fromkeys(notes))
        self.form.items[item.code] = Submission(item.code, old.title or item.title, urls, note, old.row)


# --------------------------------------------------------------------------- file readers


def _unreadable(path: Path, kind: str, exc: BaseException) -> InputError:
    detail = _show(f"{type(exc).__name__}: {exc}", 200)
    return InputError(
        f"อ่านไฟล์ {path} ไม่ได้: ไฟล์เสีย มีรหัสผ่าน หรือไม่ใช่ไฟล์ {kind} ที่ถูกต้อง ({detail}) "
        f"กรุณาเปิดด้วย Excel แล้วบันทึกใหม่ / cannot read {path}: the file is damaged, "
        f"password-protected or not a valid {kind} file ({detail}); open it in Excel and save it again."
    )


def _sheet_table(sheet: object) -> _Table:
    if not isinstance(sheet, ReadOnlyWorksheet):
        raise TypeError(f"unexpected sheet type {type(sheet).__name__}")
    sheet.reset_dimensions()  # the stored dimension is often wrong and would truncate rows
    values: Iterable[Sequence[object]] = sheet.iter_rows(values_only=True)  # type: ignore[misc]  # stub bug
    rows = [[_cell_text(value) for value in row] for row in values]
    return _Table(sheet.title, rows)


def _read_xlsx(path: Path) -> list[_Table]:
    try:
        # Our own handle: openpyxl leaves the file open when the workbook is damaged.
        with warnings.catch_warnings(), path.open("rb") as fh:
            warnings.simplefilter("ignore")
            workbook = load_workbook(fh, read_only=True, data_only=True)
            try:
                return [_sheet_table(sheet) for sheet in workbook.worksheets]
            finally:
                workbook.close()
    except Exception as exc:  # openpyxl/zipfile/lxml raise many unrelated types for damaged files
        raise _unreadable(path, "Excel .xlsx", exc) from exc


def _decode_csv(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp874", "tis-620")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(
        f"อ่านไฟล์ {path} ไม่ได้: ไม่ใช่ข้อความ UTF-8 หรือ TIS-620/Windows-874 "
        f"กรุณาบันทึกเป็น 'CSV UTF-8' / cannot read {path}: it is neither UTF-8 nor "
        "TIS-620/Windows-874 text; save it as 'CSV UTF-8'."
    )


def _read_csv(path: Path) -> Iterator[_Table]:
    """Tables of the CSV read with ',' and then, lazily, ';' and tab (used only if ',' finds no header)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, "CSV", exc) from exc
    text = _decode_csv(path, data)
    for delimiter in (",", ";", "\t"):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            rows = [[cell.strip() for cell in row] for row in reader]
        except csv.Error as exc:
            if delimiter == ",":
                raise _unreadable(path, "CSV", exc) from exc
            continue
        yield _Table(None, rows, report=delimiter == ",")


def _read_tables(path: Path) -> Iterable[_Table]:
    if not path.exists():
        raise InputError(f"ไม่พบไฟล์ {path} / file not found: {path}")
    if not path.is_file():
        raise InputError(f"{path} ไม่ใช่ไฟล์ / {path} is not a file")
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path)
    if suffix in CSV_SUFFIXES:
        return _read_csv(path)
    raise InputError(
        f"ไม่รองรับไฟล์ {path} (นามสกุล '{suffix}') ใช้ .xlsx หรือ .csv (ไฟล์ .xls ให้บันทึกเป็น .xlsx ก่อน) / "
        f"unsupported file {path} (extension '{suffix}'): use .xlsx or .csv (save .xls files as .xlsx first)."
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
    tables = _read_tables(path)
    seen: list[str] = []
    for table in tables:
        header, near_miss = _find_header(table)
        if header is None:
            if not table.report:
                continue
            description = _describe_seen(table, near_miss)
            if description not in seen:
                seen.append(description)
            continue
        form = SubmissionForm(path=path)
        builder = _Builder(path, table, header, form)
        for offset, cells in enumerate(table.rows[header.row :]):
            builder.add_row(cells, header.row + offset + 1)
        return form
    raise _no_header_error(path, seen)


def write_template(path: Path, codes_titles: list[tuple[str, str]]) -> None:
    """Write a blank submission form (.xlsx) listing ``codes_titles`` with empty URL cells."""
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"ไฟล์แบบฟอร์ม {path} ต้องมีนามสกุล .xlsx / the form file {path} must have the .xlsx extension")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = "OIT"
    sheet.append(list(TEMPLATE_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for code, title in codes_titles:
        sheet.append([code, title, None, None])
    for index, width in enumerate(TEMPLATE_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    try:
        workbook.save(path)
    except OSError as exc:
        raise InputError(f"บันทึกไฟล์ {path} ไม่ได้ ({exc}) / cannot write {path} ({exc})") from exc
