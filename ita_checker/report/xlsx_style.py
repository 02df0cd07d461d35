"""The one look of every workbook the checker writes: Thai default font, headers, links, print setup, drop-downs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ita_checker.result import atomic_output

# Tahoma: installed with every Windows (and macOS), and the Thai-script font of Excel's own Office theme, so Thai
# text looks the same on every reviewer's machine. TH Sarabun New, the government document font, is not part of
# Windows; where it is missing Excel would substitute another font and the column widths would no longer fit.
FONT_NAME = "Tahoma"
FONT_SIZE = 10
LINK_COLOR = "0563C1"  # Excel's own hyperlink blue
HEADER_FILL = PatternFill(fill_type="solid", start_color="D9E1F2", end_color="D9E1F2")
LINK_STYLE = "Hyperlink"  # Excel's built-in style name (builtinId 8), redefined in the Thai font
LIST_SHEET = "รายการเลือก"  # hidden sheet for drop-down lists too long to write into the rule itself
MAX_INLINE_LIST = 255  # Excel refuses an inline list longer than this (quotes included)
MAX_LINK_CHARS = 2000  # Excel cannot open a hyperlink target longer than about 2,080 characters
MAX_LINKS_PER_SHEET = 65_530  # Excel's limit; cells past it keep their URL text without a link
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"  # kept as typed; spaces, Thai letters and the rest are percent-encoded


def thai_font(*, bold: bool = False, color: str | None = None, underline: bool = False) -> Font:
    """A font of the house face and size; every font the checker puts in a workbook comes from here."""
    return Font(name=FONT_NAME, size=FONT_SIZE, bold=bold, color=color, underline="single" if underline else None)


HEADER_FONT = thai_font(bold=True)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")  # every data cell: long Thai text wraps, rows line up on top


def new_workbook() -> Workbook:
    """An empty workbook whose default font (Normal style, and so every cell without a font of its own) is Thai."""
    wb = Workbook()
    base = thai_font()
    # Font 0 is the font of every unstyled cell, including the cells a user types into later; openpyxl has no
    # public setter for it, so the list is replaced before any cell exists.
    wb._fonts = IndexedList([base])  # type: ignore[attr-defined]
    wb._named_styles["Normal"].font = base  # type: ignore[attr-defined]
    wb.add_named_style(NamedStyle(name=LINK_STYLE, font=thai_font(color=LINK_COLOR, underline=True), builtinId=8))
    return wb


def style_header(ws: Worksheet, headers: Sequence[tuple[str, float]], row: int = 1) -> None:
    """Bold, shaded header cells (already holding their text) and the column widths of ``headers``."""
    for column, (_, width) in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=column)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(column)].width = width


def set_link(cell: Cell, href: str | None) -> bool:
    """Make ``cell`` open ``href`` (an http(s) URL already judged safe, or None for no link); its text stays.

    Returns whether the cell got a link.
    """
    if not href or len(href) > MAX_LINK_CHARS:
        return False
    cell.hyperlink = quote(href, safe=_URL_SAFE)
    cell.style = LINK_STYLE  # a named style replaces the cell's whole format, so the alignment is set again
    cell.alignment = WRAP_TOP
    return True


def print_setup(ws: Worksheet, title_rows: str = "1:1") -> None:
    """A4 landscape, all columns on one page width, the header row repeated on every page, page numbers."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.page_setup.fitToPage = True
    ws.print_title_rows = title_rows
    footer = ws.oddFooter
    if footer is not None:  # always there on a new sheet
        footer.center.text = "หน้า &P / &N"
        footer.right.text = "&A"  # the sheet name


def _list_range(wb: Workbook, choices: Sequence[str]) -> str:
    """Write ``choices`` into a new column of the hidden list sheet; the range a list rule can name."""
    if LIST_SHEET in wb.sheetnames:
        sheet = wb[LIST_SHEET]
        column = sheet.max_column + 1
    else:
        sheet = wb.create_sheet(LIST_SHEET)
        sheet.sheet_state = "hidden"
        column = 1
    for row, choice in enumerate(choices, start=1):
        cell = sheet.cell(row=row, column=column)
        cell.value = choice
        cell.data_type = "s"
    letter = get_column_letter(column)
    return f"{quote_sheetname(sheet.title)}!${letter}$1:${letter}${max(1, len(choices))}"


def add_choices(
    ws: Worksheet, cells: str, choices: Sequence[str], *, title: str, prompt: str, error: str
) -> DataValidation:
    """A drop-down of ``choices`` on ``cells`` (e.g. 'C2:C2000'); other text is let through after a warning.

    A warning and not a stop, because the readers also accept other spellings (e.g. 'อบต.', '1' for O1).
    """
    inline = ",".join(choices)
    if len(inline) + 2 <= MAX_INLINE_LIST and not any("," in c or '"' in c for c in choices):
        formula = f'"{inline}"'
    else:
        parent = ws.parent
        if not isinstance(parent, Workbook):
            raise TypeError("the sheet belongs to no workbook")
        formula = _list_range(parent, choices)
    rule = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showInputMessage=True,
        showErrorMessage=True,
        errorStyle="warning",
        promptTitle=title[:32],  # Excel's limits: 32 characters for titles, 255 for messages
        prompt=prompt[:255],
        errorTitle=title[:32],
        error=error[:255],
    )
    rule.add(cells)
    ws.add_data_validation(rule)
    return rule


def save_workbook(wb: Workbook, path: Path) -> None:
    """Save through a temporary file renamed over ``path``: readers never see half a workbook; mode follows umask."""
    with atomic_output(path) as fh:
        wb.save(fh)
