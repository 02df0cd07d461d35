"""The one table reader for the spreadsheets people hand us: XLSX/CSV to cell text, header detection, locations."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from ita_checker.errors import InputError
from ita_checker.inputs.archives import FORM_LIMITS, ArchiveRefused, check_archive

HEADER_SCAN_ROWS = 16  # the header row may follow up to 15 title/banner rows
XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv",)

# The one alias table of item rows: the submission form, the registry's URL sheet and the overrides file.
ITEM_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("ข้อ", "ข้อที่", "รหัส", "รหัสข้อ", "ตัวชี้วัด", "code", "item", "oit"),
    "title": ("ข้อมูล", "รายการ", "รายการข้อมูล", "ชื่อข้อมูล", "หัวข้อ", "title", "name"),
    "url": (
        "url", "urls", "ลิงก์", "ลิงค์", "url ที่เผยแพร่", "ลิงก์ที่เผยแพร่", "ลิงค์ที่เผยแพร่",
        "link", "links", "ที่อยู่เว็บ", "ที่อยู่ url",
    ),
    "note": ("คำอธิบาย", "คำอธิบายเพิ่มเติม", "หมายเหตุ", "note", "notes", "remark", "remarks", "description"),
}  # fmt: skip
AGENCY_ID_ALIASES: tuple[str, ...] = ("รหัสหน่วยงาน", "หน่วยงาน", "agency", "agency id", "agency_id")


@dataclass(frozen=True)
class Table:
    """Raw cell text of one sheet (or the CSV) with where it came from, for messages."""

    path: Path
    sheet: str | None
    rows: list[list[str]]
    report: bool = True  # describe it in a "no header" error (False for alternative CSV delimiters)


_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def show(text: str, limit: int = 60) -> str:
    """Cell text made safe and short for a one-line message."""
    clean = _CONTROL_RE.sub("?", text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


# --------------------------------------------------------------------------- headers


def header_key(text: str) -> str:
    """Normalised header text: NFKC, case-folded, single spaces, without trailing dots/colons/stars."""
    value = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(value.split()).strip(" .:*")


def header_role(text: str, aliases: Mapping[str, Sequence[str]]) -> str | None:
    """The role a header cell names; 'รหัส / id' or 'URL (ลิงก์)' match through any of their parts."""
    table = {header_key(a).replace(" ", ""): role for role, names in aliases.items() for a in names}
    key = header_key(text)
    for part in [key, *re.split(r"[/()\[\]\n]", key)]:
        role = table.get(header_key(part).replace(" ", ""))
        if role is not None:
            return role
    return None


@dataclass(frozen=True)
class Sheet:
    """A table with its header row found: where it is and the columns of each role (in order)."""

    path: Path
    name: str | None
    header_row: int  # 1-based
    names: list[str]
    columns: dict[str, list[int]]  # role -> 0-based columns
    rows: list[list[str]]  # all rows of the sheet, cell text

    def where(self, row: int, role: str | None = None, column: int | None = None) -> tuple[str, str]:
        """('file แผ่นงาน 'x' แถว 5 คอลัมน์ C 'URL'', 'file sheet 'x' row 5 column C 'URL'')."""
        sheet_th = f" แผ่นงาน '{self.name}'" if self.name is not None else ""
        sheet_en = f" sheet '{self.name}'" if self.name is not None else ""
        th = f"{self.path.name}{sheet_th} แถว {row}"
        en = f"{self.path.name}{sheet_en} row {row}"
        if column is None and role is not None and self.columns.get(role):
            column = self.columns[role][0]
        if column is not None:
            letter = get_column_letter(column + 1)
            label = show(self.names[column], 30) if column < len(self.names) else ""
            th += f" คอลัมน์ {letter} '{label}'"
            en += f" column {letter} '{label}'"
        return th, en

    def cell(self, cells: Sequence[str], role: str) -> str:
        """The first non-empty cell of ``role`` in the row."""
        for col in self.columns.get(role, []):
            if col < len(cells) and cells[col].strip():
                return cells[col].strip()
        return ""

    def data_rows(self) -> Iterable[tuple[int, list[str]]]:
        """(1-based row number, cells) of every non-empty row below the header."""
        for offset, cells in enumerate(self.rows[self.header_row :]):
            if any(c.strip() for c in cells):
                yield self.header_row + offset + 1, cells

    def describe(self) -> str:
        """'sheet 'x' row 3: A 'ชื่อ', B 'URL'' for a "no header" message."""
        where = f"sheet '{self.name}' " if self.name is not None else ""
        seen = ", ".join(f"{get_column_letter(i + 1)} '{show(n, 30)}'" for i, n in enumerate(self.names) if n)
        return f"{where}row {self.header_row}: {seen}"


def find_header(
    table: Table, aliases: Mapping[str, Sequence[str]], required: Sequence[str]
) -> tuple[Sheet | None, Sheet | None]:
    """(header naming every ``required`` role, best near miss for the error message) among the first rows."""
    best: Sheet | None = None
    best_key = (-1, -1)
    for index, cells in enumerate(table.rows[:HEADER_SCAN_ROWS]):
        columns: dict[str, list[int]] = {}
        for col, text in enumerate(cells):
            role = header_role(text, aliases) if text else None
            if role is not None:
                columns.setdefault(role, []).append(col)
        sheet = Sheet(table.path, table.sheet, index + 1, list(cells), columns, table.rows)
        if all(r in columns for r in required):
            return sheet, sheet
        key = (len(columns), sum(1 for c in cells if c))
        if key > best_key and key[1] > 0:
            best, best_key = sheet, key
    return None, best


def find_sheets(path: Path, aliases: Mapping[str, Sequence[str]], required: Sequence[str]) -> list[Sheet]:
    """Every sheet of ``path`` (XLSX or CSV) with a header row naming all ``required`` roles."""
    found: list[Sheet] = []
    for table in read_tables(path):
        sheet, _ = find_header(table, aliases, required)
        if sheet is not None:
            found.append(sheet)
            if table.sheet is None:
                break  # CSV: the first delimiter that finds a header wins
    return found


def message(where: tuple[str, str], thai: str, english: str) -> str:
    """One problem line, Thai first: '<where th>: <thai> / <where en>: <english>'."""
    return f"{where[0]}: {thai} / {where[1]}: {english}"


# --------------------------------------------------------------------------- files


def unreadable(path: Path, kind: str, exc: BaseException) -> InputError:
    detail = show(f"{type(exc).__name__}: {exc}", 200)
    return InputError(
        f"อ่านไฟล์ {path} ไม่ได้: ไฟล์เสีย มีรหัสผ่าน หรือไม่ใช่ไฟล์ {kind} ที่ถูกต้อง ({detail}) "
        f"กรุณาเปิดด้วย Excel แล้วบันทึกใหม่ / cannot read {path}: the file is damaged, "
        f"password-protected or not a valid {kind} file ({detail}); open it in Excel and save it again."
    )


def refused(path: Path, exc: ArchiveRefused) -> InputError:
    return InputError(
        f"ไม่อ่านไฟล์ {path}: {exc.thai} (อาจเป็นไฟล์อันตรายแบบ zip bomb หรือใหญ่เกินแบบฟอร์มจริง) "
        "กรุณาตรวจสอบไฟล์หรือแบ่งเป็นหลายไฟล์ (ดูขีดจำกัดใน README) / "
        f"refusing to read {path}: {exc.english}; it may be a zip bomb, or it is far larger than a real form. "
        "Check the file or split it into smaller files (limits in the README)."
    )


def _sheet_table(path: Path, sheet: object) -> Table:
    if not isinstance(sheet, ReadOnlyWorksheet):
        raise TypeError(f"unexpected sheet type {type(sheet).__name__}")
    sheet.reset_dimensions()  # the stored dimension is often wrong and would truncate rows
    values: Iterable[Sequence[object]] = sheet.iter_rows(values_only=True)  # type: ignore[misc]  # stub bug
    rows = [[cell_text(value) for value in row] for row in values]
    return Table(path, sheet.title, rows)


def _read_xlsx(path: Path) -> list[Table]:
    try:
        # Our own handle: openpyxl leaves the file open when the workbook is damaged.
        check_archive(path, FORM_LIMITS)  # from the central directory, before anything is inflated
        with warnings.catch_warnings(), path.open("rb") as fh:
            warnings.simplefilter("ignore")
            workbook = load_workbook(fh, read_only=True, data_only=True)
            try:
                return [_sheet_table(path, sheet) for sheet in workbook.worksheets]
            finally:
                workbook.close()
    except ArchiveRefused as exc:
        raise refused(path, exc) from exc
    except Exception as exc:  # openpyxl/zipfile/lxml raise many unrelated types for damaged files
        raise unreadable(path, "Excel .xlsx", exc) from exc


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


def _read_csv(path: Path) -> Iterator[Table]:
    """Tables of the CSV read with ',' and then, lazily, ';' and tab (used only if ',' finds no header)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise unreadable(path, "CSV", exc) from exc
    text = _decode_csv(path, data)
    for delimiter in (",", ";", "\t"):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            rows = [[cell.strip() for cell in row] for row in reader]
        except csv.Error as exc:
            if delimiter == ",":
                raise unreadable(path, "CSV", exc) from exc
            continue
        yield Table(path, None, rows, report=delimiter == ",")


def read_tables(path: Path) -> Iterable[Table]:
    """The tables of an XLSX (one per sheet) or CSV file; InputError for a missing or unusable file, or an XLSX
    over the ``FORM_LIMITS`` of ``archives`` (zip bomb guard)."""
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
