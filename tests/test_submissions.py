"""Tests for reading and writing the province submission form (XLSX and CSV)."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ita_checker.errors import InputError
from ita_checker.inputs.submissions import (
    Submission,
    SubmissionForm,
    read_submissions,
    split_urls,
    write_template,
)
from ita_checker.models import normalize_code

HEADER = ["ข้อ", "ข้อมูล", "URL", "คำอธิบาย"]


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], title: str = "Sheet1", extra_first: bool = False) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    if extra_first:
        ws.title = "อ่านก่อน"
        ws.append(["คำชี้แจง: กรอกแผ่นงานถัดไป"])
        ws = wb.create_sheet(title)
    else:
        ws.title = title
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[object]], encoding: str = "utf-8-sig", delimiter: str = ",") -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


# --------------------------------------------------------------------------- codes and URL cells


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("O1", "O1"),
        ("o1", "O1"),
        ("O 1", "O1"),
        ("O01", "O1"),
        ("๑", "O1"),
        ("1", "O1"),
        ("ข้อ 1", "O1"),
        ("ข้อที่ 12", "O12"),
        ("O1.", "O1"),
        ("O.1", "O1"),
        ("Ｏ１", "O1"),
        ("O1 ข้อมูลผู้บริหาร", "O1"),
        ("MOIT1", "MOIT1"),
        ("moit 01", "MOIT1"),
        ("O๓๓", "O33"),
    ],
)
def test_normalize_code(text: str, code: str) -> None:
    assert normalize_code(text) == code


@pytest.mark.parametrize("text", ["", "O0", "abc", "1.1", "O1-2", "ตัวชี้วัดที่ 9 การเปิดเผยข้อมูล", "O1234"])
def test_normalize_code_rejects(text: str) -> None:
    assert normalize_code(text) is None


@pytest.mark.parametrize(
    ("cell", "urls", "rejected"),
    [
        ("https://a.go.th/x", ["https://a.go.th/x"], []),
        ("https://a.go.th/x\nhttps://b.go.th/y", ["https://a.go.th/x", "https://b.go.th/y"], []),
        ("https://a.go.th/x https://b.go.th/y", ["https://a.go.th/x", "https://b.go.th/y"], []),
        ("https://a.go.th/x,https://b.go.th/y", ["https://a.go.th/x", "https://b.go.th/y"], []),
        ("https://a.go.th/x; https://b.go.th/y", ["https://a.go.th/x", "https://b.go.th/y"], []),
        ("https://a.go.th/x\u200bhttps://b.go.th/y", ["https://a.go.th/x", "https://b.go.th/y"], []),
        ("www.abc.go.th/x", ["https://www.abc.go.th/x"], []),
        ("abc.go.th", ["https://abc.go.th"], []),
        ("HTTP://A.GO.TH/Doc.pdf", ["http://A.GO.TH/Doc.pdf"], []),
        ("ดูที่ https://a.go.th/x", ["https://a.go.th/x"], ["ดูที่"]),
        ("(https://a.go.th/x).", ["https://a.go.th/x"], []),
        ("https://a.go.th/p_(1)", ["https://a.go.th/p_(1)"], []),
        ("https://a.go.th/x https://a.go.th/x", ["https://a.go.th/x"], []),
        ("รายงาน.pdf", [], ["รายงาน.pdf"]),
        ("report.pdf", [], ["report.pdf"]),
        ("ftp://a.go.th/x", [], ["ftp://a.go.th/x"]),
        ("-", [], ["-"]),
        ("", [], []),
    ],
)
def test_split_urls(cell: str, urls: list[str], rejected: list[str]) -> None:
    assert split_urls(cell) == (urls, rejected)


# --------------------------------------------------------------------------- XLSX


def test_reads_simple_xlsx(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "form.xlsx",
        [
            HEADER,
            ["O1", "โครงสร้าง", "https://www.abc.go.th/o1", ""],
            ["O2", "ข้อมูลผู้บริหาร", None, "ยังไม่ได้เผยแพร่"],
            [3, "อำนาจหน้าที่", "www.abc.go.th/o3", None],
        ],
    )
    form = read_submissions(path)
    assert isinstance(form, SubmissionForm)
    assert form.path == path
    assert list(form.items) == ["O1", "O2", "O3"]
    assert form.items["O1"] == Submission("O1", "โครงสร้าง", ("https://www.abc.go.th/o1",), "", 2)
    assert form.items["O2"].urls == ()
    assert form.items["O2"].note == "ยังไม่ได้เผยแพร่"
    assert form.urls_for("o3") == ["https://www.abc.go.th/o3"]
    assert form.urls_for("O2") == []
    assert form.urls_for("O99") == []
    assert form.warnings == []


def test_banner_rows_before_header(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "แบบฟอร์มรายงาน ITA 2569 อบต.ตัวอย่าง"
    ws.merge_cells("A1:D1")
    ws["A2"] = "อำเภอเมือง จังหวัดตัวอย่าง"
    for row, values in (
        (5, ["ข้อที่", "รายการ", "URL ที่เผยแพร่", "หมายเหตุ"]),
        (6, ["O1", "x", "https://a.go.th/1", None]),
    ):
        for col, value in enumerate(values, start=1):
            ws.cell(row=row, column=col, value=value)
    ws.cell(row=8, column=1, value="o 2")
    ws.cell(row=8, column=3, value="https://a.go.th/2")
    path = tmp_path / "banner.xlsx"
    wb.save(path)
    form = read_submissions(path)
    assert form.items["O1"].row == 6
    assert form.items["O2"].row == 8
    assert form.urls_for("O2") == ["https://a.go.th/2"]


def test_header_may_be_after_fifteen_title_rows(tmp_path: Path) -> None:
    rows: list[list[object]] = [[f"บรรทัดหัวเรื่อง {i}"] for i in range(15)]
    path = write_xlsx(tmp_path / "f.xlsx", [*rows, HEADER, ["O1", "", "https://a.go.th", ""]])
    assert read_submissions(path).items["O1"].row == 17


def test_header_after_sixteen_title_rows_is_not_found(tmp_path: Path) -> None:
    rows: list[list[object]] = [[f"บรรทัดหัวเรื่อง {i}"] for i in range(16)]
    path = write_xlsx(tmp_path / "f.xlsx", [*rows, HEADER, ["O1", "", "https://a.go.th", ""]])
    with pytest.raises(InputError, match="no header row"):
        read_submissions(path)


@pytest.mark.parametrize(
    "header",
    [
        ["code", "title", "url", "note"],
        ["  CODE ", "Title", "Link", "Notes"],
        ["รหัส", "ข้อมูล", "ลิงก์", "คำอธิบายเพิ่มเติม"],
        ["ตัวชี้วัด", "ข้อมูล", "ลิงค์", "หมายเหตุ"],
        ["ข้อ / code", "ข้อมูล / title", "URL / link", "คำอธิบาย / note"],
        ["ข้อ", "ข้อมูล", "url  ที่เผยแพร่", "คำอธิบาย"],
    ],
)
def test_header_aliases(tmp_path: Path, header: list[str]) -> None:
    path = write_xlsx(tmp_path / "f.xlsx", [header, ["O5", "t", "https://a.go.th/5", "n"]])
    form = read_submissions(path)
    assert form.items["O5"] == Submission("O5", "t", ("https://a.go.th/5",), "n", 2)


def test_uses_first_sheet_with_matching_header(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "f.xlsx", [HEADER, ["O7", "", "https://a.go.th/7", ""]], "OIT", extra_first=True)
    assert read_submissions(path).urls_for("O7") == ["https://a.go.th/7"]


def test_several_urls_and_separators_in_one_cell(tmp_path: Path) -> None:
    cell = "https://a.go.th/1\nhttps://a.go.th/2 https://a.go.th/3, https://a.go.th/4;www.a.go.th/5"
    path = write_xlsx(tmp_path / "f.xlsx", [HEADER, ["O1", "", cell, ""]])
    form = read_submissions(path)
    assert form.urls_for("O1") == [
        "https://a.go.th/1",
        "https://a.go.th/2",
        "https://a.go.th/3",
        "https://a.go.th/4",
        "https://www.a.go.th/5",
    ]


def test_non_url_words_warn_with_location(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "f.xlsx", [HEADER, ["O1", "", "คลิกที่นี่ https://a.go.th/1", ""]], "ส่งงาน")
    form = read_submissions(path)
    assert form.urls_for("O1") == ["https://a.go.th/1"]
    assert len(form.warnings) == 1
    warning = form.warnings[0]
    assert "f.xlsx" in warning
    assert "ส่งงาน" in warning
    assert "แถว 2" in warning
    assert "row 2" in warning
    assert "column C 'URL'" in warning
    assert "คลิกที่นี่" in warning
    assert " / " in warning


def test_url_without_code_warns_and_is_skipped(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "f.xlsx",
        [
            HEADER,
            ["O1", "", "https://a.go.th/1", ""],
            [None, "", "https://a.go.th/orphan", ""],
            ["xyz", "", "https://a.go.th/x", ""],
        ],
    )
    form = read_submissions(path)
    assert list(form.items) == ["O1"]
    assert len(form.warnings) == 2
    assert "row 3" in form.warnings[0]
    assert "no item code" in form.warnings[0]
    assert "row 4" in form.warnings[1]
    assert "xyz" in form.warnings[1]


def test_section_heading_rows_are_ignored_silently(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "f.xlsx", [HEADER, ["ตัวชี้วัดย่อยที่ 9.1 ข้อมูลพื้นฐาน", None, None, None], ["O1", "", "", ""]])
    form = read_submissions(path)
    assert list(form.items) == ["O1"]
    assert form.warnings == []


def test_duplicate_codes_merge_urls_and_warn(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "f.xlsx",
        [
            HEADER,
            ["O1", "แผนดำเนินงาน", "https://a.go.th/1", "ส่วนที่ 1"],
            ["O2", "", "https://a.go.th/2", ""],
            ["o01", "", "https://a.go.th/1\nhttps://a.go.th/1b", "ส่วนที่ 2"],
        ],
    )
    form = read_submissions(path)
    item = form.items["O1"]
    assert item.urls == ("https://a.go.th/1", "https://a.go.th/1b")
    assert item.row == 2
    assert item.title == "แผนดำเนินงาน"
    assert item.note == "ส่วนที่ 1; ส่วนที่ 2"
    assert len(form.warnings) == 1
    assert "O1" in form.warnings[0]
    assert "row 4" in form.warnings[0]


def test_missing_url_column_names_the_columns_seen(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "f.xlsx", [["ข้อ", "ข้อมูล", "หมายเหตุ"], ["O1", "x", ""]], "แผ่น1")
    with pytest.raises(InputError) as info:
        read_submissions(path)
    message = str(info.value)
    assert "ไม่พบแถวหัวตาราง" in message
    assert "no header row" in message
    assert "sheet 'แผ่น1' row 1" in message
    assert "A 'ข้อ'" in message
    assert "C 'หมายเหตุ'" in message


def test_missing_code_column(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "f.xlsx", [["ลำดับ", "URL"], [1, "https://a.go.th"]])
    with pytest.raises(InputError, match="B 'URL'"):
        read_submissions(path)


def test_empty_workbook(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "f.xlsx", [])
    with pytest.raises(InputError, match=r"\(empty\)"):
        read_submissions(path)


def test_corrupt_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(InputError, match="cannot read") as info:
        read_submissions(path)
    assert "broken.xlsx" in str(info.value)


def test_truncated_xlsx(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", [HEADER, ["O1", "", "https://a.go.th", ""]])
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good.read_bytes()[:1500])
    with pytest.raises(InputError, match="cannot read"):
        read_submissions(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_submissions(tmp_path / "nope.xlsx")


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "dir.xlsx"
    folder.mkdir()
    with pytest.raises(InputError, match="not a file"):
        read_submissions(folder)


@pytest.mark.parametrize("name", ["form.xls", "form.ods", "form.txt", "form"])
def test_unsupported_extension(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"x")
    with pytest.raises(InputError, match="unsupported file"):
        read_submissions(path)


# --------------------------------------------------------------------------- CSV


def test_reads_utf8_csv(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "f.csv",
        [
            ["แบบฟอร์ม ITA 2569"],
            [],
            HEADER,
            ["O1", "ก", "https://a.go.th/1;https://a.go.th/2", ""],
            ["O2", "", "", ""],
        ],
    )
    form = read_submissions(path)
    assert form.urls_for("O1") == ["https://a.go.th/1", "https://a.go.th/2"]
    assert form.items["O1"].row == 4
    assert form.items["O2"].urls == ()


def test_reads_cp874_csv(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "f.csv",
        [HEADER, ["ข้อ ๒", "ข้อมูลผู้บริหาร", "www.abc.go.th/o2", "หมายเหตุไทย"]],
        encoding="cp874",
    )
    form = read_submissions(path)
    assert form.items["O2"] == Submission("O2", "ข้อมูลผู้บริหาร", ("https://www.abc.go.th/o2",), "หมายเหตุไทย", 2)


def test_reads_semicolon_and_tab_csv(tmp_path: Path) -> None:
    semi = write_csv(tmp_path / "s.csv", [HEADER, ["O1", "", "https://a.go.th/1", ""]], delimiter=";")
    tab = write_csv(tmp_path / "t.csv", [HEADER, ["O1", "", "https://a.go.th/1", ""]], delimiter="\t")
    assert read_submissions(semi).urls_for("O1") == ["https://a.go.th/1"]
    assert read_submissions(tab).urls_for("O1") == ["https://a.go.th/1"]


def test_reads_utf16_csv(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", [HEADER, ["O3", "", "https://a.go.th/3", ""]], encoding="utf-16")
    assert read_submissions(path).urls_for("O3") == ["https://a.go.th/3"]


def test_csv_warning_names_row_and_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", [HEADER, ["O1", "", "ไม่มี", ""]])
    form = read_submissions(path)
    assert form.items["O1"].urls == ()
    assert form.warnings
    assert "f.csv" in form.warnings[0]
    assert "row 2 column C 'URL'" in form.warnings[0]


def test_undecodable_csv(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"\xff\xfc\xdb" * 20)
    with pytest.raises(InputError, match="UTF-8"):
        read_submissions(path)


def test_csv_without_header(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", [["a", "b"], ["1", "2"]])
    with pytest.raises(InputError, match="columns seen: row 1: A 'a', B 'b'"):
        read_submissions(path)


def test_csv_with_huge_field_is_input_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", [HEADER, ["O1", "x" * 200_000, "https://a.go.th", ""]])
    with pytest.raises(InputError, match="cannot read"):
        read_submissions(path)


# --------------------------------------------------------------------------- template


def test_write_template_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path, [("O1", "โครงสร้าง"), ("O2", "ข้อมูลผู้บริหาร")])
    wb = load_workbook(path)
    ws = wb.active
    assert ws is not None
    assert [c.value for c in ws[1]] == HEADER
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["C"].width >= 40
    form = read_submissions(path)
    assert list(form.items) == ["O1", "O2"]
    assert form.items["O2"].title == "ข้อมูลผู้บริหาร"
    assert all(item.urls == () for item in form.items.values())


def test_write_template_rejects_other_extensions(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\.xlsx"):
        write_template(tmp_path / "t.csv", [("O1", "x")])


def test_write_template_unwritable(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot write"):
        write_template(tmp_path / "missing-dir" / "t.xlsx", [("O1", "x")])


# --------------------------------------------------------------------------- robustness (hypothesis)

_text = st.text(
    alphabet=st.characters(codec="utf-8"),
    max_size=60,
)
_cell = st.one_of(
    st.none(),
    _text,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet="abcก ข\n\t,;:/.", min_size=500, max_size=5000),
    st.sampled_from(["O1", "ข้อ ๒", "www.x.go.th", "http://", "https://[::1", "O", "\x00\x01\x1f", "=1+1"]),
)
_random_row = st.lists(_cell, min_size=0, max_size=6)


def _xlsx_safe(value: object) -> object:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return "'" + value if value.startswith("=") else value
    return value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    junk=st.lists(_random_row, max_size=8),
    positions=st.lists(st.integers(min_value=0, max_value=8), min_size=3, max_size=3),
    fmt=st.sampled_from(["xlsx", "csv"]),
)
@example(junk=[[None, "\r"]], positions=[0, 0, 0], fmt="csv")  # quoted CR broke the ';' re-parse
def test_random_cells_never_crash_nor_lose_valid_rows(junk: list[list[object]], positions: list[int], fmt: str) -> None:
    valid = {f"O{n}": f"https://valid.example.go.th/item{n}" for n in (11, 12, 13)}
    rows: list[list[object]] = list(junk)
    for (code, url), position in zip(valid.items(), positions, strict=True):
        rows.insert(min(position, len(rows)), [code, "ข้อมูล", url, "หมายเหตุ"])
    with tempfile.TemporaryDirectory() as folder:
        if fmt == "xlsx":
            safe = [[_xlsx_safe(v) for v in row] for row in rows]
            path = write_xlsx(Path(folder) / "f.xlsx", [HEADER, *safe])
        else:
            text_rows = [["" if v is None else str(v).replace("\x00", "") for v in row] for row in rows]
            path = write_csv(Path(folder) / "f.csv", [HEADER, *text_rows])
        try:
            form = read_submissions(path)
        except InputError:
            pytest.fail("a valid header row must be found whatever the data rows contain")
    for code, url in valid.items():
        assert code in form.items
        assert url in form.urls_for(code)
    for item in form.items.values():
        assert all(u.startswith(("http://", "https://")) for u in item.urls)
    assert all(" / " in w for w in form.warnings)
