"""Header-driven reading of XLSX/CSV tables for the registry and overrides files (aliases, locations in Thai)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils import get_column_letter

from ita_checker.inputs.submissions import _read_tables

HEADER_SCAN_ROWS = 16


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
    """A table found in a file: where it is, its header row and the role of each column."""

    path: Path
    name: str | None
    header_row: int  # 1-based
    names: list[str]
    columns: dict[str, int]  # role -> 0-based column (first match)
    rows: list[list[str]]  # all rows of the sheet, cell text

    def where(self, row: int, role: str | None = None) -> tuple[str, str]:
        """'file แผ่นงาน 'x' แถว 5 คอลัมน์ C 'URL' / file sheet 'x' row 5 column C 'URL''."""
        sheet_th = f" แผ่นงาน '{self.name}'" if self.name is not None else ""
        sheet_en = f" sheet '{self.name}'" if self.name is not None else ""
        th = f"{self.path.name}{sheet_th} แถว {row}"
        en = f"{self.path.name}{sheet_en} row {row}"
        if role is not None and role in self.columns:
            col = self.columns[role]
            letter = get_column_letter(col + 1)
            label = self.names[col][:30]
            th += f" คอลัมน์ {letter} '{label}'"
            en += f" column {letter} '{label}'"
        return th, en

    def cell(self, cells: Sequence[str], role: str) -> str:
        col = self.columns.get(role)
        if col is None or col >= len(cells):
            return ""
        return cells[col].strip()

    def data_rows(self) -> Iterable[tuple[int, list[str]]]:
        """(1-based row number, cells) of every non-empty row below the header."""
        for offset, cells in enumerate(self.rows[self.header_row :]):
            if any(c.strip() for c in cells):
                yield self.header_row + offset + 1, cells


def message(where: tuple[str, str], thai: str, english: str) -> str:
    """One problem line, Thai first: '<where th>: <thai> / <where en>: <english>'."""
    return f"{where[0]}: {thai} / {where[1]}: {english}"


def find_sheets(path: Path, aliases: Mapping[str, Sequence[str]], required: Sequence[str]) -> list[Sheet]:
    """Every sheet of ``path`` (XLSX or CSV) with a header row naming all ``required`` roles.

    Raises InputError (from the submissions reader) when the file is missing or unreadable.
    """
    found: list[Sheet] = []
    for table in _read_tables(path):
        for index, cells in enumerate(table.rows[:HEADER_SCAN_ROWS]):
            columns: dict[str, int] = {}
            for col, text in enumerate(cells):
                role = header_role(text, aliases) if text else None
                if role is not None and role not in columns:
                    columns[role] = col
            if all(r in columns for r in required):
                found.append(Sheet(path, table.sheet, index + 1, list(cells), columns, table.rows))
                break
        if found and table.sheet is None:
            break  # CSV: the first delimiter that finds a header wins
    return found
