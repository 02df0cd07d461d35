"""Registry import: agencies and submitted URLs from XLSX/CSV or a folder of forms; every problem located, in Thai."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from ita_checker.cli.main import main
from ita_checker.errors import InputError
from ita_checker.inputs.registry import normalize_type, read_registry

HEADER = ["รหัส", "ชื่อหน่วยงาน", "ประเภท", "จังหวัด", "อำเภอ", "เว็บไซต์"]


def xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_agencies_and_submission_sheet(tmp_path):
    path = xlsx(
        tmp_path / "reg.xlsx",
        {
            "หน่วยงาน": [
                ["ทะเบียนหน่วยงาน"],
                HEADER,
                [6501001, "อบต.หนึ่ง", "อบต.", "พิษณุโลก", "เมือง", "www.one.go.th"],
                ["6501002", "โรงเรียนสอง", "school", "พิษณุโลก", "", "https://two.ac.th/ita"],
            ],
            "URL": [
                ["รหัสหน่วยงาน", "ข้อ", "URL", "คำอธิบาย"],
                ["6501001", "O1", "https://www.one.go.th/a\nhttps://www.one.go.th/b", "สองหน้า"],
                ["6501001", "ข้อ 3", "", ""],
                ["6501002", "o4", "https://two.ac.th/news", ""],
            ],
        },
    )
    reg = read_registry(path)
    assert reg.problems == []
    assert [(a.id, a.agency_type, a.site) for a in reg.agencies] == [
        ("6501001", "local", "https://www.one.go.th/"),
        ("6501002", "school", "https://two.ac.th/ita"),
    ]
    assert reg.forms["6501001"].urls_for("O1") == ["https://www.one.go.th/a", "https://www.one.go.th/b"]
    assert reg.forms["6501001"].items["O3"].urls == ()  # listed but not submitted
    assert reg.forms["6501002"].urls_for("O4") == ["https://two.ac.th/news"]


def test_url_sheet_reads_the_form_columns_and_merges_repeats_like_a_form(tmp_path):
    """One alias table and one merge rule for the form file and the registry's URL sheet."""
    from ita_checker.inputs.submissions import read_submissions

    rows = [
        ["6501001", "O1", "https://www.one.go.th/a", "หน้าแรก"],
        ["6501001", "O1", "https://www.one.go.th/b https://www.one.go.th/a", "หน้าที่สอง"],
    ]
    path = xlsx(
        tmp_path / "reg.xlsx",
        {
            "หน่วยงาน": [HEADER, [6501001, "อบต.หนึ่ง", "อบต.", "พิษณุโลก", "เมือง", "www.one.go.th"]],
            "URL": [["รหัสหน่วยงาน", "ข้อที่", "ลิงก์ที่เผยแพร่", "หมายเหตุ"], *rows],
        },
    )
    form_path = xlsx(tmp_path / "form.xlsx", {"OIT": [["ข้อที่", "ลิงก์ที่เผยแพร่", "หมายเหตุ"], *[r[1:] for r in rows]]})
    from_registry = read_registry(path).forms["6501001"]
    from_form = read_submissions(form_path)
    for form in (from_registry, from_form):
        item = form.items["O1"]
        assert item.urls == ("https://www.one.go.th/a", "https://www.one.go.th/b")
        assert item.note == "หน้าแรก; หน้าที่สอง"
        assert item.row == 2
        assert any("ซ้ำกับแถว 2" in w for w in form.warnings)


def test_bad_rows_are_located_and_skipped_but_others_kept(tmp_path):
    path = xlsx(
        tmp_path / "reg.xlsx",
        {
            "Agencies": [
                ["ID", "Name", "Type", "Province", "District", "Website"],
                ["A1", "อบต.ดี", "local", "", "", "https://good.go.th/"],
                ["A2", "", "local", "", "", "https://noname.go.th/"],
                ["A3", "กระทรวง", "ministry", "", "", "https://x.go.th/"],
                ["A4", "เว็บผิด", "local", "", "", "ไม่มีเว็บ"],
                ["A/5", "รหัสผิด", "local", "", "", "https://y.go.th/"],
                ["A1", "ซ้ำ", "local", "", "", "https://dup.go.th/"],
            ],
            "Submissions": [
                ["agency", "item", "url", "note"],
                ["A1", "X9", "https://good.go.th/x", ""],
                ["A9", "O1", "https://good.go.th/x", ""],
                ["A1", "O2", "ดูที่หน้าแรก", ""],
            ],
        },
    )
    reg = read_registry(path)
    assert [a.id for a in reg.agencies] == ["A1"]
    text = "\n".join(reg.problems)
    assert "reg.xlsx แผ่นงาน 'Agencies' แถว 3 คอลัมน์ B 'Name': ไม่มีข้อมูลในช่องที่จำเป็น" in text
    assert "แถว 4 คอลัมน์ C 'Type': ไม่รู้จักประเภท 'ministry'" in text
    assert "แถว 5 คอลัมน์ F 'Website'" in text
    assert "แถว 6 คอลัมน์ A 'ID'" in text
    assert "แถว 7 คอลัมน์ A 'ID': รหัส A1 ซ้ำกับแถว 2" in text
    assert "แผ่นงาน 'Submissions' แถว 2 คอลัมน์ B 'item': ไม่รู้จักรหัสข้อ 'X9'" in text
    assert "แผ่นงาน 'Submissions' แถว 3 คอลัมน์ A 'agency'" in text
    assert "แถว 4 คอลัมน์ C 'url': ข้าม 'ดูที่หน้าแรก'" in text
    assert all(" / " in p for p in reg.problems)  # Thai first, English after


def test_csv_registry_with_folder_of_forms(tmp_path):
    reg_csv = tmp_path / "reg.csv"
    reg_csv.write_text(
        "id,name,type,province,district,site\n"
        "B1,เทศบาลหนึ่ง,เทศบาล,ตาก,,https://b1.go.th/\n"
        "B2,เทศบาลสอง,local,ตาก,,https://b2.go.th/\n"
        "B3,เทศบาลสาม,local,ตาก,,https://b3.go.th/\n",
        encoding="utf-8-sig",
    )
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "B1.csv").write_text("ข้อ,ข้อมูล,URL,คำอธิบาย\nO1,โครงสร้าง,https://b1.go.th/s,\n", encoding="utf-8")
    (forms / "B2.xlsx").write_bytes(b"not a workbook")
    (forms / "Z9.csv").write_text("ข้อ,URL\nO1,https://z.go.th/\n", encoding="utf-8")
    reg = read_registry(reg_csv, forms)
    assert [a.id for a in reg.agencies] == ["B1", "B2", "B3"]
    assert reg.forms["B1"].urls_for("O1") == ["https://b1.go.th/s"]
    assert "B2" in reg.form_errors
    assert "B2.xlsx" in reg.form_errors["B2"]
    text = "\n".join(reg.problems)
    assert "Z9" in text
    assert "B3" in text
    assert "ตรวจแบบค้นหาเอง" in text


def test_unusable_registry_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match=r"missing\.xlsx"):
        read_registry(tmp_path / "missing.xlsx")
    bad = xlsx(tmp_path / "x.xlsx", {"Sheet": [["a", "b"], ["1", "2"]]})
    with pytest.raises(InputError, match="รหัส \\| ชื่อหน่วยงาน"):
        read_registry(bad)


def test_normalize_type():
    assert normalize_type("องค์กรปกครองส่วนท้องถิ่น") == "local"
    assert normalize_type(" Hospital ") == "hospital"
    assert normalize_type("รพ.สต.") == "hospital"
    assert normalize_type("กระทรวง") is None


@pytest.mark.parametrize(("kind", "name"), [("registry", "reg.xlsx"), ("registry", "reg.csv"), ("overrides", "o.yaml")])
def test_template_command_writes_readable_blank_files(tmp_path, kind, name):
    path = tmp_path / name
    res = CliRunner().invoke(main, ["template", str(path), "--kind", kind])
    assert res.exit_code == 0, res.output
    if kind == "registry":
        reg = read_registry(path)
        assert reg.agencies == []
        assert reg.problems == []
    else:
        from ita_checker.inputs.overrides import read_overrides

        assert read_overrides(path) == ([], [])


def test_template_command_still_writes_the_submission_form(tmp_path):
    path = tmp_path / "form.xlsx"
    res = CliRunner().invoke(main, ["template", str(path), "--year", "2569"])
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    assert ws["A1"].value == "ข้อ"
    assert ws["A2"].value == "O1"
    res = CliRunner().invoke(main, ["template", str(tmp_path / "f2.xlsx")])
    assert res.exit_code == 2
    assert "--year" in res.output
