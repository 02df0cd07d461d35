"""Every workbook the checker writes: Thai default font, links, frozen and printed headers, drop-downs, file modes."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from ita_checker.cli.main import main
from ita_checker.inputs.registry import Agency, normalize_type, read_registry, write_registry_template
from ita_checker.inputs.submissions import read_submissions, write_template
from ita_checker.models import AGENCY_TYPE_TH, VERDICT_ORDER, VERDICT_TH
from ita_checker.report import province_xlsx
from ita_checker.report.province_xlsx import ITEM_ROWS_HEADERS, write_province_xlsx
from ita_checker.report.xlsx import write_agency_xlsx
from ita_checker.report.xlsx_style import FONT_NAME, FONT_SIZE, LIST_SHEET
from ita_checker.result import atomic_output, write_json_atomic
from ita_checker.rules.loader import find_ruleset
from ita_checker.scan.outcome import AgencyOutcome, ScanOutcome
from ita_checker.scoring.province import summarize

SITE = "https://www.example-tambon.go.th/"
THAI_URL = SITE + "ita/แผนปี2569.pdf"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _item(code: str, verdict: str, **extra: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"code": code, "title": f"รายการ {code}", "verdict": verdict, "urls": [], "evidence": []}
    item["reasons"] = [f"เหตุผลของ {code}"]
    item.update(extra)
    return item


def _agency_result(name: str = "องค์การบริหารส่วนตำบลตัวอย่าง", kind: str = "local") -> dict[str, Any]:
    items = [
        _item("O2", "fail", urls=['=HYPERLINK("http://evil")'], found_on_site={"verdict": "pass", "url": SITE + "o2"}),
        _item("O1", "pass", urls=[SITE + "structure", SITE + "structure-2"], found_on_site=None),
        _item("O3", "stale", urls=[THAI_URL], suggested_urls=["javascript:alert(1)"]),
        _item("O10", "incomplete", urls=[], suggested_urls=[SITE + "news"], reasons=[]),
    ]
    return {
        "agency": {"name": name, "type": kind, "site": SITE},
        "year": 2569,
        "ruleset": "nacc-2569",
        "checked_at": "2026-01-15T09:30:00+07:00",
        "summary": {"score": 25.0, "counts": {"pass": 1, "fail": 1, "stale": 1, "incomplete": 1}},
        "items": items,
    }


@pytest.fixture
def agency_xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "report.xlsx"
    write_agency_xlsx(_agency_result(), path)
    return path


@pytest.fixture
def scan(tmp_path: Path) -> ScanOutcome:
    specs = [
        ("A1", "อบต.บ้านใหม่", "local", "เมืองพิษณุโลก", True),
        ("A2", "โรงเรียนบ้านหนองบัว", "school", "", True),
        ("A3", "ที่ว่าการอำเภอวังทอง", "district", "วังทอง", False),  # not checked: no item rows
    ]
    outcomes: list[AgencyOutcome] = []
    for aid, name, kind, district, checked in specs:
        agency = Agency(aid, name, kind, "พิษณุโลก", district, f"https://{aid.lower()}.go.th/", 2)
        if checked:
            outcomes.append(AgencyOutcome(agency, "done", result=_agency_result(name, kind)))
        else:
            outcomes.append(AgencyOutcome(agency, "error", error="RuntimeError: boom"))
    entries = [o.entry() for o in outcomes]
    return ScanOutcome(
        scan_id="s1",
        year=2569,
        out_dir=tmp_path,
        outcomes=outcomes,
        province=summarize(entries),
        changes=None,
        previous_scan=None,
        trends={},
        overrides=[],
        problems=[],
        paths={},
        started_at="2026-01-15T02:00:00+0700",
        duration_s=1.0,
    )


@pytest.fixture
def summary_xlsx(scan: ScanOutcome, tmp_path: Path) -> Path:
    path = tmp_path / "summary.xlsx"
    write_province_xlsx(scan, path)
    return path


@pytest.fixture
def form_xlsx(tmp_path: Path) -> tuple[Path, list[tuple[str, str]]]:
    rs = find_ruleset(year=2569, agency_type="local")
    codes_titles = [(r.code, r.title_th) for r in rs.rules]
    path = tmp_path / "form.xlsx"
    write_template(path, codes_titles)
    return path, codes_titles


@pytest.fixture
def registry_xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "registry.xlsx"
    write_registry_template(path)
    return path


def _cell(ws: Worksheet, ref: str) -> Cell:
    cell = ws[ref]
    assert isinstance(cell, Cell)
    return cell


def _column(ws: Worksheet, header: str) -> int:
    names = [c.value for c in ws[1]]
    return names.index(header) + 1


# --------------------------------------------------------------------------- font


def _styles(path: Path) -> ElementTree.Element:
    with zipfile.ZipFile(path) as zf:
        return ElementTree.fromstring(zf.read("xl/styles.xml"))


@pytest.mark.parametrize("name", ["agency_xlsx", "summary_xlsx", "form_xlsx", "registry_xlsx"])
def test_every_font_of_every_workbook_is_the_thai_font(name: str, request: pytest.FixtureRequest) -> None:
    value = request.getfixturevalue(name)
    path: Path = value[0] if isinstance(value, tuple) else value
    styles = _styles(path)
    fonts = styles.findall(f"{MAIN}fonts/{MAIN}font")
    assert fonts
    for font in fonts:
        face = font.find(f"{MAIN}name")
        assert face is not None
        assert face.get("val") == FONT_NAME
        assert font.find(f"{MAIN}scheme") is None  # a theme scheme would make Excel show Calibri instead
    default = fonts[0]  # the font of every unstyled cell, including cells a user types into later
    size = default.find(f"{MAIN}sz")
    assert size is not None
    assert float(size.get("val", "0")) == FONT_SIZE
    normal = next(s for s in styles.iter(f"{MAIN}cellStyle") if s.get("builtinId") == "0")
    xf = styles.findall(f"{MAIN}cellStyleXfs/{MAIN}xf")[int(normal.get("xfId", "-1"))]
    assert xf.get("fontId") == "0"
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows(max_row=min(ws.max_row, 60)):
            for cell in row:
                assert cell.font.name == FONT_NAME, (ws.title, cell.coordinate)
        assert _cell(ws, "Z900").font.name == FONT_NAME  # an empty cell far away, too


# --------------------------------------------------------------------------- frozen panes and print setup


def _assert_printed_with_header(ws: Worksheet) -> None:
    assert int(ws.page_setup.paperSize or 0) == int(ws.PAPERSIZE_A4), ws.title
    assert ws.page_setup.orientation == "landscape", ws.title
    assert ws.page_setup.fitToWidth == 1, ws.title
    assert ws.page_setup.fitToHeight == 0, ws.title
    props = ws.sheet_properties.pageSetUpPr
    assert props is not None
    assert props.fitToPage is True, ws.title
    assert ws.print_title_rows == "$1:$1", ws.title
    assert ws.freeze_panes in ("A2", "C2"), ws.title


def test_agency_report_sheets_are_frozen_and_print_on_a4_landscape(agency_xlsx: Path) -> None:
    wb = openpyxl.load_workbook(agency_xlsx)
    for ws in wb.worksheets:
        _assert_printed_with_header(ws)


def test_summary_sheets_keep_the_agency_in_view_and_print_on_a4_landscape(summary_xlsx: Path) -> None:
    wb = openpyxl.load_workbook(summary_xlsx)
    assert wb.sheetnames == [
        "สรุปหน่วยงาน",
        "ตารางผล",
        "สรุปรายข้อ",
        "รายข้อ",
        "ต่ำกว่า 85 คะแนน",
        "การเปลี่ยนแปลง",
        "ผู้ตรวจกำหนดผล",
        "ปัญหานำเข้า",
        "ชุดเกณฑ์",
    ]
    for ws in wb.worksheets:
        _assert_printed_with_header(ws)
    for title in ("สรุปหน่วยงาน", "ตารางผล", "รายข้อ", "ต่ำกว่า 85 คะแนน", "ผู้ตรวจกำหนดผล"):
        ws = wb[title]
        assert ws.freeze_panes == "C2", title  # agency id and name stay on screen
        assert [c.value for c in ws[1]][:2] in (["รหัส", "หน่วยงาน"], ["รหัสหน่วยงาน", "หน่วยงาน"]), title


@pytest.mark.parametrize("name", ["form_xlsx", "registry_xlsx"])
def test_templates_are_frozen_and_print_on_a4_landscape(name: str, request: pytest.FixtureRequest) -> None:
    value = request.getfixturevalue(name)
    path: Path = value[0] if isinstance(value, tuple) else value
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        _assert_printed_with_header(ws)
        assert all(c.font.bold for c in ws[1])


# --------------------------------------------------------------------------- hyperlinks


def _is_link(cell: object, target: str) -> None:
    assert isinstance(cell, Cell)
    assert cell.hyperlink is not None, cell.coordinate
    assert cell.hyperlink.target == target
    assert cell.style == "Hyperlink"
    assert cell.font.u == "single"
    assert cell.font.name == FONT_NAME
    assert cell.alignment.wrap_text is True  # the link style does not undo the data-cell layout


def test_agency_report_links_its_url_cells_and_nothing_unsafe(agency_xlsx: Path) -> None:
    wb = openpyxl.load_workbook(agency_xlsx)
    summary = wb["สรุป"]
    site_row = next(r for r in range(2, summary.max_row + 1) if summary.cell(row=r, column=1).value == "เว็บไซต์")
    site = summary.cell(row=site_row, column=2)
    assert site.value == SITE
    _is_link(site, SITE)
    items = wb["รายข้อ"]
    urls, suggested = _column(items, "URL ที่ส่ง"), _column(items, "URL ที่แนะนำ")
    rows = {items.cell(row=r, column=1).value: r for r in range(2, items.max_row + 1)}
    o1 = items.cell(row=rows["O1"], column=urls)
    assert o1.value == f"{SITE}structure\n{SITE}structure-2"  # the text shows every URL ...
    _is_link(o1, SITE + "structure")  # ... the cell opens the first
    o3 = items.cell(row=rows["O3"], column=urls)
    assert o3.value == THAI_URL  # readable as typed, linked percent-encoded
    _is_link(o3, SITE + "ita/%E0%B9%81%E0%B8%9C%E0%B8%99%E0%B8%9B%E0%B8%B52569.pdf")
    _is_link(items.cell(row=rows["O10"], column=suggested), SITE + "news")
    for cell in (
        items.cell(row=rows["O2"], column=urls),  # '=HYPERLINK(...)' text: no link, no formula
        items.cell(row=rows["O3"], column=suggested),  # javascript:
        items.cell(row=rows["O10"], column=urls),  # empty
    ):
        assert cell.hyperlink is None, cell.coordinate
        assert cell.data_type != "f"
    assert items.cell(row=rows["O2"], column=urls).value == '=HYPERLINK("http://evil")'


def test_summary_links_agency_sites_and_item_urls(summary_xlsx: Path) -> None:
    wb = openpyxl.load_workbook(summary_xlsx)
    agencies = wb["สรุปหน่วยงาน"]
    site = agencies.cell(row=2, column=_column(agencies, "เว็บไซต์"))
    assert site.value == "https://a1.go.th/"
    _is_link(site, "https://a1.go.th/")
    long = wb["รายข้อ"]
    found = long.cell(row=3, column=_column(long, "URL ที่พบบนเว็บไซต์"))  # A1 O2
    _is_link(found, SITE + "o2")
    submitted = long.cell(row=2, column=_column(long, "URL ที่ส่ง"))  # A1 O1
    _is_link(submitted, SITE + "structure")
    assert long.cell(row=3, column=_column(long, "URL ที่ส่ง")).hyperlink is None  # '=HYPERLINK(...)' text


def test_summary_stops_linking_at_excels_hyperlink_limit(
    scan: ScanOutcome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(province_xlsx, "MAX_LINKS_PER_SHEET", 3)
    path = tmp_path / "many.xlsx"
    write_province_xlsx(scan, path)
    ws = openpyxl.load_workbook(path)["รายข้อ"]
    linked = [c for row in ws.iter_rows(min_row=2) for c in row if c.hyperlink is not None]
    assert len(linked) == 3
    found = [ws.cell(row=r, column=_column(ws, "URL ที่พบบนเว็บไซต์")).value for r in range(2, ws.max_row + 1)]
    assert found.count(SITE + "o2") == 2  # past the limit the URL text is still there, unlinked


# --------------------------------------------------------------------------- the tidy รายข้อ sheet


def test_item_rows_sheet_reads_back_with_pandas_as_a_tidy_table(summary_xlsx: Path) -> None:
    df = pd.read_excel(summary_xlsx, sheet_name="รายข้อ")
    assert list(df.columns) == [name for name, _ in ITEM_ROWS_HEADERS]
    assert len(df) == 2 * 4  # two checked agencies × four items; the unchecked agency has no rows
    assert df[["รหัสหน่วยงาน", "ข้อ"]].drop_duplicates().shape[0] == len(df)  # one row per agency × item
    assert list(df["รหัสหน่วยงาน"]) == ["A1"] * 4 + ["A2"] * 4
    assert list(df["ข้อ"][:4]) == ["O1", "O2", "O3", "O10"]  # natural code order
    assert set(df["ผล (EN)"]) <= set(VERDICT_ORDER)
    assert all(df["ผล"] == df["ผล (EN)"].map(VERDICT_TH))
    a1_o2 = df[(df["รหัสหน่วยงาน"] == "A1") & (df["ข้อ"] == "O2")].iloc[0]
    assert a1_o2["หน่วยงาน"] == "อบต.บ้านใหม่"
    assert a1_o2["อำเภอ"] == "เมืองพิษณุโลก"
    assert a1_o2["จังหวัด"] == "พิษณุโลก"
    assert a1_o2["ประเภท"] == AGENCY_TYPE_TH["local"]
    assert a1_o2["ประเภท (EN)"] == "local"
    assert a1_o2["รายการ"] == "รายการ O2"
    assert a1_o2["ผล"] == "ไม่พบข้อมูล"
    assert a1_o2["ผล (EN)"] == "fail"
    assert a1_o2["เหตุผล"] == "เหตุผลของ O2"
    assert a1_o2["URL ที่พบบนเว็บไซต์"] == SITE + "o2"
    a2 = df[df["รหัสหน่วยงาน"] == "A2"]
    assert a2["อำเภอ"].isna().all()  # an empty district is a missing value, not ''
    assert a2["ประเภท"].eq(AGENCY_TYPE_TH["school"]).all()
    o10 = df[df["ข้อ"] == "O10"]
    assert o10["URL ที่ส่ง"].isna().all()
    assert o10["เหตุผล"].isna().all()
    assert df[df["ข้อ"] == "O1"]["URL ที่พบบนเว็บไซต์"].isna().all()  # found_on_site null


def test_item_rows_sheet_has_one_header_row_and_no_merged_cells(summary_xlsx: Path) -> None:
    ws = openpyxl.load_workbook(summary_xlsx)["รายข้อ"]
    assert not ws.merged_cells.ranges
    assert [c.value for c in ws[1]] == [name for name, _ in ITEM_ROWS_HEADERS]
    assert ws.max_row == 1 + 8
    assert ws.auto_filter.ref == f"A1:M{ws.max_row}"
    verdict = ws.cell(row=3, column=_column(ws, "ผล"))  # A1 O2 fail
    assert str(verdict.fill.fgColor.rgb).endswith("C62828")


# --------------------------------------------------------------------------- drop-downs in the templates


def _list_rules(ws: Worksheet) -> list[Any]:
    return [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]


def _choices(wb: openpyxl.Workbook, formula: str) -> list[str]:
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet, cells = formula.rsplit("!", 1)
    ws = wb[sheet.strip("'")]
    return [str(c.value) for row in ws[cells.replace("$", "")] for c in row]


def test_registry_template_offers_the_thai_agency_types_the_reader_accepts(registry_xlsx: Path) -> None:
    wb = openpyxl.load_workbook(registry_xlsx)
    ws = wb["หน่วยงาน"]
    (rule,) = _list_rules(ws)
    assert _cell(ws, "C1").value == "ประเภท"
    assert "C2" in rule.sqref
    assert "C5000" in rule.sqref
    assert "B2" not in rule.sqref
    choices = _choices(wb, rule.formula1)
    assert choices == list(AGENCY_TYPE_TH.values())
    assert [normalize_type(c) for c in choices] == list(AGENCY_TYPE_TH)
    assert rule.errorStyle == "warning"  # the reader's other spellings (อบต., local) stay possible
    assert rule.showInputMessage
    assert rule.prompt


def test_registry_template_filled_from_the_drop_down_reads_back(registry_xlsx: Path) -> None:
    wb = openpyxl.load_workbook(registry_xlsx)
    ws = wb["หน่วยงาน"]
    ws.append(["6501001", "โรงพยาบาลส่งเสริมสุขภาพตำบลตัวอย่าง", "หน่วยบริการสาธารณสุข", "พิษณุโลก", "เมือง", SITE])
    ws.append(["6501002", "อบต.ตัวอย่าง", "อบต.", "พิษณุโลก", "เมือง", "https://b.go.th/"])
    wb["URL ที่ส่ง"].append(["6501001", "O1", SITE + "structure", ""])
    wb.save(registry_xlsx)
    reg = read_registry(registry_xlsx)
    assert reg.problems == []
    assert [(a.id, a.agency_type) for a in reg.agencies] == [("6501001", "hospital"), ("6501002", "local")]
    assert reg.forms["6501001"].urls_for("O1") == [SITE + "structure"]


def test_submission_template_offers_the_codes_of_its_rule_set(form_xlsx: tuple[Path, list[tuple[str, str]]]) -> None:
    path, codes_titles = form_xlsx
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["OIT"]  # the list fits in the rule itself: no extra sheet
    ws = wb["OIT"]
    (rule,) = _list_rules(ws)
    assert _choices(wb, rule.formula1) == [code for code, _ in codes_titles]
    assert "A2" in rule.sqref
    assert f"A{len(codes_titles) + 1}" in rule.sqref
    assert f"A{len(codes_titles) + 10}" in rule.sqref  # rows an agency adds below the list
    assert "C2" not in rule.sqref
    assert rule.errorStyle == "warning"
    form = read_submissions(path)
    assert list(form.items) == [code for code, _ in codes_titles]
    assert form.warnings == []


def test_template_command_writes_the_drop_down_of_the_agency_types_rule_set(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    res = CliRunner().invoke(main, ["template", str(path), "--year", "2569", "--agency-type", "hospital"])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(path)
    (rule,) = _list_rules(wb["OIT"])
    codes = [r.code for r in find_ruleset(year=2569, agency_type="hospital").rules]
    assert _choices(wb, rule.formula1) == codes
    assert codes[0].startswith("MOIT")


def test_a_code_list_too_long_for_excel_goes_to_a_hidden_sheet_the_reader_ignores(tmp_path: Path) -> None:
    codes_titles = [(f"MOIT{n}", f"รายการที่ {n}") for n in range(1, 61)]  # 'MOIT1,...,MOIT60' > 255 characters
    path = tmp_path / "long.xlsx"
    write_template(path, codes_titles)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["OIT", LIST_SHEET]
    assert wb.active is not None
    assert wb.active.title == "OIT"
    assert wb[LIST_SHEET].sheet_state == "hidden"
    (rule,) = _list_rules(wb["OIT"])
    assert not rule.formula1.startswith('"')
    assert _choices(wb, rule.formula1) == [code for code, _ in codes_titles]
    wb["OIT"]["C3"] = SITE + "moit2"
    wb.save(path)
    form = read_submissions(path)
    assert len(form.items) == 60
    assert form.urls_for("MOIT2") == [SITE + "moit2"]


# --------------------------------------------------------------------------- file modes


@pytest.fixture(params=[0o002, 0o022])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    mask: int = request.param
    old = os.umask(mask)
    try:
        yield mask
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_output_file_follows_the_umask(umask: int, scan: ScanOutcome, tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_json_atomic(out / "result.json", {"ชื่อ": "ทดสอบ"})
    write_agency_xlsx(_agency_result(), out / "report.xlsx")
    write_province_xlsx(scan, out / "summary.xlsx")
    write_template(out / "form.xlsx", [("O1", "โครงสร้าง")])
    write_registry_template(out / "registry.xlsx")
    written = sorted(p.name for p in out.iterdir())
    assert written == ["form.xlsx", "registry.xlsx", "report.xlsx", "result.json", "summary.xlsx"]  # no temp files
    for name in written:
        assert _mode(out / name) == 0o666 & ~umask, name
    assert json.loads((out / "result.json").read_text(encoding="utf-8")) == {"ชื่อ": "ทดสอบ"}


def test_rewriting_a_private_output_leaves_a_file_that_follows_the_umask(umask: int, tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text("{}", encoding="utf-8")
    path.chmod(0o600)
    write_json_atomic(path, [1, 2])
    assert _mode(path) == 0o666 & ~umask
    assert json.loads(path.read_text(encoding="utf-8")) == [1, 2]


def _write_half_then_fail(path: Path) -> None:
    with atomic_output(path) as fh:
        fh.write(b"half a workbook")
        raise RuntimeError("disk full")


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    write_json_atomic(path, {"ok": True})
    with pytest.raises(TypeError):
        write_json_atomic(path, {"bad": object()})
    assert json.loads(path.read_text(encoding="utf-8")) == {"ok": True}
    with pytest.raises(RuntimeError, match="disk full"):
        _write_half_then_fail(tmp_path / "report.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json"]
