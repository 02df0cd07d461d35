"""Per-agency HTML and XLSX reports: content, Thai labels, ordering and safety against hostile page text."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from jinja2 import StrictUndefined
from jsonschema import Draft202012Validator
from openpyxl import load_workbook

from ita_checker.models import AGENCY_TYPE_TH, FAIL_CLASS_TH, VERDICT_ORDER, VERDICT_TH
from ita_checker.report.html import make_environment, render_agency_html
from ita_checker.report.view import (
    build_agency_report,
    code_sort_key,
    format_checked_at_th,
    safe_link,
    safe_relative_path,
)
from ita_checker.report.xlsx import ITEM_HEADERS, write_agency_xlsx

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "ita_checker" / "schemas" / "result-v1.json"

SCRIPT = "<script>alert(1)</script>"
IMG_ONERROR = "<img src=x onerror=alert(1)>"
JS_URL = "javascript:alert(1)"
FORMULA = "=cmd|' /C calc'!A0"
SITE = "https://www.example-tambon.go.th/"


def _item(code: str, title: str, verdict: str, **extra: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "code": code,
        "title": title,
        "verdict": verdict,
        "urls": [],
        "evidence": [],
        "reasons": [],
    }
    item.update(extra)
    return item


def sample_result() -> dict[str, Any]:
    """A result with every verdict, Thai text and hostile content; items deliberately out of order."""
    items = [
        _item(
            "O10",
            SCRIPT,
            "fail",
            urls=[JS_URL],
            evidence=[
                {"url": JS_URL, "snippet": IMG_ONERROR, "screenshot": JS_URL},
                {
                    "url": "data:text/html,<b>x</b>",
                    "snippet": "onclick=alert(1)",
                    "screenshot": "/etc/passwd",
                },
            ],
            reasons=[IMG_ONERROR],
            suggested_urls=["JaVaScRiPt:alert(1)", " java\tscript:alert(1)"],
            fix_hint="+SUM(1,1)",
            fetch_errors=[{"url": JS_URL, "class": "other", "detail": SCRIPT}],
        ),
        _item(
            "O2",
            "ข้อมูลผู้บริหาร",
            "incomplete",
            urls=[SITE + "executives"],
            evidence=[
                {
                    "url": SITE + "executives",
                    "snippet": "นายกองค์การบริหารส่วนตำบล",
                    "years_found": [2569],
                    "dates_found": ["1 ต.ค. 2568"],
                    "screenshot": None,
                }
            ],
            reasons=["ขาดช่องทางการติดต่อของผู้บริหาร"],
            elements_found=["ชื่อ-นามสกุล", "ตำแหน่ง"],
            elements_missing=["รูปถ่าย", "ช่องทางการติดต่อ"],
            fix_hint="เพิ่มรูปถ่ายและเบอร์โทรศัพท์ของผู้บริหารทุกคน",
            confidence="M",
        ),
        _item(
            "O1",
            "โครงสร้าง",
            "pass",
            urls=[SITE + "structure"],
            evidence=[
                {
                    "url": SITE + "structure",
                    "snippet": "แผนผังโครงสร้างองค์กร ปีงบประมาณ พ.ศ. 2569",
                    "years_found": [2569],
                    "dates_found": ["2025-10-01"],
                    "screenshot": "screenshots/O1 หน้าแรก.png",
                }
            ],
            reasons=["พบแผนผังโครงสร้างของปีงบประมาณ พ.ศ. 2569"],
            elements_found=["แผนผังโครงสร้าง"],
            confidence="H",
        ),
        _item(
            "O3",
            "อำนาจหน้าที่",
            "stale",
            urls=[SITE + "duty"],
            evidence=[{"url": SITE + "duty", "snippet": "อำนาจหน้าที่ ปี 2568", "years_found": [2568]}],
            reasons=["พบข้อมูลของปี 2568 ไม่ใช่ปี 2569"],
            fix_hint="ปรับปรุงข้อมูลเป็นปีงบประมาณ พ.ศ. 2569",
        ),
        _item(
            "O4",
            "แผนยุทธศาสตร์หรือแผนพัฒนาหน่วยงาน",
            "unreachable",
            urls=[SITE + "plan", "http://plan.example-tambon.go.th/"],
            reasons=["เปิด URL ที่ส่งไม่ได้ทั้งหมด"],
            fetch_errors=[
                {"url": SITE + "plan", "class": "timeout", "detail": "no response in 30 s"},
                {"url": "http://plan.example-tambon.go.th/", "class": "dns"},
            ],
        ),
        _item(
            "O5",
            "ข้อมูลการติดต่อ",
            "needs_review",
            urls=[SITE + "contact"],
            evidence=[{"url": SITE + "contact", "snippet": "ติดต่อเรา (ภาพสแกน)", "screenshot": None}],
            reasons=["หลักฐานเป็นภาพสแกน อ่านด้วย OCR ได้ไม่ชัด"],
            confidence="L",
            low_confidence_rule=True,
        ),
        _item(
            "O6",
            "กฎหมายที่เกี่ยวข้อง",
            "not_applicable",
            reasons=["รายการนี้ไม่ใช้กับหน่วยงานประเภทนี้"],
        ),
        _item(
            "O11",
            FORMULA,
            "needs_review",
            urls=['=HYPERLINK("http://evil.example/","x")'],
            evidence=[{"url": "", "snippet": FORMULA + "\x07"}],
            reasons=["@SUM(A1)", "-2+3"],
            fix_hint="#N/A",
        ),
        _item("O8", "ช่องทางการรับฟังความคิดเห็น", "pass", urls=[SITE + "webboard"], confidence="M"),
        _item("O9", "Q&A", "pass", urls=[SITE + "qa"]),
        _item("O7", "ข่าวประชาสัมพันธ์", "fail", urls=[SITE + "news"], suggested_urls=[SITE + "news/all"]),
    ]
    counts: dict[str, int] = {}
    for item in items:
        counts[item["verdict"]] = counts.get(item["verdict"], 0) + 1
    return {
        "schema": "ita-checker/result/v1",
        "agency": {"name": "องค์การบริหารส่วนตำบลตัวอย่าง", "type": "local", "site": SITE},
        "year": 2569,
        "ruleset": "nacc-2569",
        "checked_at": "2026-03-15T10:30:00+07:00",
        "summary": {"score": 36.36, "counts": counts},
        "items": items,
        "crawl": {"pages_fetched": 42, "documents_fetched": 7, "errors": 2, "duration_s": 81.5},
        "notes": ["ตรวจด้วยค่าเริ่มต้น", SCRIPT],
        "run_id": "run-20260315-103000",
    }


def data_urls(result: dict[str, Any]) -> set[str]:
    """Every URL string that the result data itself carries."""
    urls = {result["agency"]["site"]}
    for item in result["items"]:
        urls.update(item["urls"])
        urls.update(item.get("suggested_urls", []))
        urls.update(ev["url"] for ev in item["evidence"])
        urls.update(fe["url"] for fe in item.get("fetch_errors", []))
    return urls


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    data = sample_result()
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    errors = list(Draft202012Validator(schema).iter_errors(data))
    assert errors == []
    return data


@pytest.fixture(scope="module")
def html_path(result: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html") / "agency.html"
    render_agency_html(result, out)
    return out


@pytest.fixture(scope="module")
def soup(html_path: Path) -> BeautifulSoup:
    return BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def xlsx_path(result: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("xlsx") / "agency.xlsx"
    write_agency_xlsx(result, out)
    return out


# --- view model -------------------------------------------------------------------------------------


def test_view_orders_items_naturally_and_counts_in_verdict_order(result: dict[str, Any]) -> None:
    report = build_agency_report(result)
    assert [i.code for i in report.items] == [f"O{n}" for n in range(1, 12)]
    assert [c.verdict for c in report.counts] == list(VERDICT_ORDER)
    assert [c.label_th for c in report.counts] == [VERDICT_TH[v] for v in VERDICT_ORDER]
    assert {c.verdict: c.count for c in report.counts}["pass"] == 3
    assert report.agency_type_th == AGENCY_TYPE_TH["local"]
    assert report.score_text == "36.36"
    assert report.checked_at_th == "15 มี.ค. 2569 เวลา 10:30 น. (UTC+07:00)"


def test_code_sort_key_is_natural() -> None:
    codes = ["O10", "O2", "MOIT3", "O1", "MOIT12", "O21"]
    assert sorted(codes, key=code_sort_key) == ["MOIT3", "MOIT12", "O1", "O2", "O10", "O21"]


@pytest.mark.parametrize(
    ("url", "href"),
    [
        ("https://a.go.th/x?y=1", "https://a.go.th/x?y=1"),
        ("HTTP://A.GO.TH/", "HTTP://A.GO.TH/"),
        (JS_URL, None),
        ("JaVaScRiPt:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,x", None),
        ("//evil.example/x", None),
        ("http:///nohost", None),
        ("ftp://a.go.th/file", None),
        ("", None),
    ],
)
def test_safe_link(url: str, href: str | None) -> None:
    assert safe_link(url).href == href
    assert safe_link(url).text == url


@pytest.mark.parametrize(
    ("path", "href"),
    [
        ("screenshots/O1.png", "screenshots/O1.png"),
        ("shots/O1 หน้า.png", "shots/O1%20%E0%B8%AB%E0%B8%99%E0%B9%89%E0%B8%B2.png"),
        ("shots/a#b?.png", "shots/a%23b%3F.png"),
        (JS_URL, None),
        ("/etc/passwd", None),
        ("https://evil.example/x.png", None),
        ("C:\\shots\\a.png", None),
        ("", None),
    ],
)
def test_safe_relative_path(path: str, href: str | None) -> None:
    assert safe_relative_path(path) == href


def test_checked_at_falls_back_to_raw_text() -> None:
    assert format_checked_at_th("not a date") == "not a date"
    assert format_checked_at_th("2025-10-01T00:00:00Z").startswith("1 ต.ค. 2568 เวลา 00:00 น. (UTC+00:00)")


def test_unknown_verdict_is_rejected(result: dict[str, Any]) -> None:
    bad = json.loads(json.dumps(result))
    bad["items"][0]["verdict"] = "maybe"
    with pytest.raises(ValueError, match="maybe"):
        build_agency_report(bad)


# --- HTML -------------------------------------------------------------------------------------------


def test_environment_autoescapes_and_is_strict() -> None:
    env = make_environment()
    assert env.autoescape is True
    assert env.undefined is StrictUndefined


def test_html_has_thai_header_and_labels(soup: BeautifulSoup) -> None:
    html_tag = soup.select_one("html")
    assert html_tag is not None
    assert html_tag.get("lang") == "th"
    title = soup.find("title")
    assert title is not None
    assert "รายงานผลการตรวจ OIT" in title.get_text()
    text = soup.get_text(" ")
    for expected in (
        "รายงานผลการตรวจ OIT",
        "องค์การบริหารส่วนตำบลตัวอย่าง",
        AGENCY_TYPE_TH["local"],
        "พ.ศ. 2569",
        "nacc-2569",
        "15 มี.ค. 2569",
        "URL ที่แนะนำ",
        "ไม่มีภาพหน้าจอ",
        "เกณฑ์คาดการณ์",
        "รูปถ่าย",
        "เพิ่มรูปถ่ายและเบอร์โทรศัพท์ของผู้บริหารทุกคน",
        FAIL_CLASS_TH["timeout"],
        FAIL_CLASS_TH["dns"],
        "หน้าเว็บที่ดึงมา",
        "run-20260315-103000",
    ):
        assert expected in text, expected
    for header in ("ข้อ", "ชื่อรายการ", "ผล", "หลักฐาน", "สิ่งที่ขาด", "วิธีแก้ไข"):
        assert header in [th.get_text(strip=True) for th in soup.select("table.items-table thead th")]
    score = soup.select_one(".score-value")
    assert score is not None
    assert score.get_text(strip=True) == "36.36"


def test_html_has_every_verdict_badge(soup: BeautifulSoup) -> None:
    for verdict in VERDICT_ORDER:
        badges = soup.select(f".counts .badge.v-{verdict}")
        assert len(badges) == 1, verdict
        assert badges[0].get_text(strip=True) == VERDICT_TH[verdict]  # the code is in the technical details
        assert soup.select(f"tr.item .badge.v-{verdict}"), verdict
    counts = {
        li.select_one(".badge")["class"][1]: li.select_one(".count-n").get_text()  # type: ignore[index,union-attr]
        for li in soup.select(".counts li")
    }
    assert counts == {
        "v-pass": "3",
        "v-fail": "2",
        "v-stale": "1",
        "v-incomplete": "1",
        "v-unreachable": "1",
        "v-needs_review": "2",
        "v-not_applicable": "1",
    }


def test_html_rows_are_in_natural_order(soup: BeautifulSoup) -> None:
    codes = [th.get_text(strip=True) for th in soup.select("tr.item > th.col-code")]
    assert codes == [f"O{n}" for n in range(1, 12)]
    assert soup.select_one("#item-O5 .flag-lowconf") is not None
    assert soup.select_one("#item-O1 .flag-lowconf") is None


def test_html_screenshot_is_embedded_as_a_small_thumbnail(result: dict[str, Any], tmp_path: Path) -> None:
    from PIL import Image

    shots = tmp_path / "screenshots"
    shots.mkdir()
    Image.effect_noise((1280, 900), 80).convert("RGB").save(shots / "O1 หน้าแรก.png")
    out = tmp_path / "report.html"
    render_agency_html(result, out)
    page = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    img = page.select_one("#item-O1 img.shot")
    assert img is not None
    src = str(img["src"])
    assert src.startswith(("data:image/webp;base64,", "data:image/jpeg;base64,"))
    assert len(src) <= 60_000
    assert page.select_one("a.shot") is None  # nothing to open beside the page
    assert "ไม่มีภาพหน้าจอ" in page.select_one("#item-O2 .evidence").get_text()  # type: ignore[union-attr]
    assert page.select_one("#item-O10 img") is None  # an absolute or javascript: path is never read


def test_html_hostile_text_is_inert(soup: BeautifulSoup, html_path: Path) -> None:
    assert soup.find_all("script") == []
    assert soup.find_all(["iframe", "object", "embed", "base", "form"]) == []
    for tag in soup.find_all(True):
        for attr, value in tag.attrs.items():
            assert not attr.lower().startswith("on"), (tag.name, attr)
            values = value if isinstance(value, list) else [value]
            for v in values:
                assert not str(v).strip().lower().startswith("javascript:"), (tag.name, attr, v)
    # the hostile strings are shown as text, not markup
    text = soup.get_text(" ")
    assert SCRIPT in text
    assert IMG_ONERROR in text
    assert JS_URL in text
    raw = html_path.read_text(encoding="utf-8")
    assert "<script" not in raw.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw


def test_html_has_no_external_assets(soup: BeautifulSoup, result: dict[str, Any]) -> None:
    allowed = {u for u in data_urls(result) if u.lower().startswith(("http://", "https://"))}
    assert soup.find_all("link") == []
    for tag in soup.find_all(src=True):
        assert str(tag["src"]).startswith("data:image/"), tag
    linked = set()
    for a in soup.find_all("a", href=True):
        href = str(a["href"])
        if href.lower().startswith(("http:", "https:", "//")):
            assert href in allowed, href
            linked.add(href)
        else:
            assert href.startswith("#item-"), href  # the fix-first list links to its rows
    assert SITE + "news/all" in linked
    style = "".join(s.get_text() for s in soup.find_all("style"))
    assert "@import" not in style
    assert "url(" not in style
    assert "@font-face" not in style
    assert "Sarabun" in style
    assert "@media print" in style
    assert "max-width: 700px" in style
    for tag in soup.find_all(style=True):
        assert "url(" not in str(tag["style"])


def test_html_renders_minimal_result(tmp_path: Path) -> None:
    minimal = {
        "schema": "ita-checker/result/v1",
        "agency": {"name": "กรมตัวอย่าง", "type": "department", "site": "https://dept.example.go.th"},
        "year": 2568,
        "ruleset": "nacc-2568",
        "checked_at": "2025-05-01T09:00:00+07:00",
        "summary": {"score": 100, "counts": {}},
        "items": [],
    }
    out = tmp_path / "sub" / "min.html"
    render_agency_html(minimal, out)
    page = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    assert "ไม่มีรายการในผลการตรวจนี้" in page.get_text()
    assert page.select_one(".score-value").get_text(strip=True) == "100"  # type: ignore[union-attr]
    assert page.select_one(".run-info") is None
    assert not (tmp_path / "sub" / "min.html.tmp").exists()


# --- XLSX -------------------------------------------------------------------------------------------


def test_xlsx_sheets_and_headers(xlsx_path: Path) -> None:
    wb = load_workbook(xlsx_path)
    assert wb.sheetnames == ["สรุป", "รายข้อ"]
    items = wb["รายข้อ"]
    header = [c.value for c in items[1]]
    assert header == [h for h, _ in ITEM_HEADERS]
    assert header == [
        "ข้อ",
        "ชื่อรายการ",
        "ผล",
        "ผล (EN)",
        "URL ที่ส่ง",
        "หลักฐาน",
        "ปีที่พบ",
        "สิ่งที่ขาด",
        "เหตุผล",
        "วิธีแก้ไข",
        "URL ที่แนะนำ",
    ]
    for ws in (wb["สรุป"], items):
        assert ws.freeze_panes == "A2"
        assert all(c.font.bold for c in ws[1])
    assert items.column_dimensions["B"].width == 40
    assert items.cell(row=2, column=2).alignment.wrap_text is True


def test_xlsx_summary_sheet(xlsx_path: Path) -> None:
    ws = load_workbook(xlsx_path)["สรุป"]
    values = {row[0]: row[1] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert values["หน่วยงาน"] == "องค์การบริหารส่วนตำบลตัวอย่าง"
    assert values["ปีงบประมาณ พ.ศ."] == 2569
    assert values["ชุดเกณฑ์"] == "nacc-2569"
    assert values["คะแนน (0–100)"] == pytest.approx(36.36)
    assert values[VERDICT_TH["pass"]] == 3
    assert values[VERDICT_TH["needs_review"]] == 2
    for verdict in VERDICT_ORDER:
        assert VERDICT_TH[verdict] in values


def test_xlsx_item_rows(xlsx_path: Path) -> None:
    ws = load_workbook(xlsx_path)["รายข้อ"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [f"O{n}" for n in range(1, 12)]
    o2 = rows[1]
    assert o2[2] == VERDICT_TH["incomplete"]
    assert o2[3] == "incomplete"
    assert o2[6] == "2569"
    assert o2[7] == "รูปถ่าย\nช่องทางการติดต่อ"
    o4 = rows[3]
    assert FAIL_CLASS_TH["timeout"] in str(o4[5])
    o5 = rows[4]
    assert "เกณฑ์ความเชื่อมั่นต่ำ" in str(o5[8])
    o7 = rows[6]
    assert o7[10] == SITE + "news/all"
    pass_fill = ws.cell(row=2, column=3).fill.fgColor.rgb
    fail_fill = ws.cell(row=8, column=3).fill.fgColor.rgb
    assert str(pass_fill).endswith("1B7F3B")
    assert str(fail_fill).endswith("C62828")


def test_xlsx_page_text_is_never_a_formula(xlsx_path: Path) -> None:
    ws = load_workbook(xlsx_path)["รายข้อ"]
    row = 12  # O11
    assert ws.cell(row=row, column=1).value == "O11"
    title = ws.cell(row=row, column=2)
    assert title.value == FORMULA
    assert title.data_type == "s"
    evidence = ws.cell(row=row, column=6)
    assert evidence.value == FORMULA  # the control character \x07 is dropped
    assert evidence.data_type == "s"
    url = ws.cell(row=row, column=5)
    assert str(url.value).startswith("=HYPERLINK(")
    assert url.data_type == "s"
    reasons = ws.cell(row=row, column=9)
    assert reasons.value == "@SUM(A1)\n-2+3"
    assert reasons.data_type == "s"
    fix = ws.cell(row=row, column=10)
    assert fix.value == "#N/A"
    assert fix.data_type == "s"
    plus = ws.cell(row=11, column=10)  # O10
    assert plus.value == "+SUM(1,1)"
    assert plus.data_type == "s"
    with zipfile.ZipFile(xlsx_path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                xml = zf.read(name).decode("utf-8")
                assert "<f>" not in xml, name
                assert "<f " not in xml, name
                assert 't="e"' not in xml, name


def test_provisional_rule_set_is_named_at_the_top_of_the_report(tmp_path: Path) -> None:
    from ita_checker.rules.loader import get_ruleset

    result = {
        "schema": "ita-checker/result/v1",
        "agency": {"name": "อบต.ตัวอย่าง", "type": "local", "site": "https://example.go.th"},
        "year": 2570,
        "ruleset": "nacc-2570",
        "ruleset_status": "provisional",
        "ruleset_caveat": get_ruleset("nacc-2570").caveat_th,
        "checked_at": "2026-12-02T09:00:00+07:00",
        "summary": {"score": 50, "counts": {}},
        "items": [],
    }
    out = tmp_path / "r.html"
    render_agency_html(result, out)
    page = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    note = page.select_one("header .ruleset-caveat")
    assert note is not None
    assert "ชุดเกณฑ์ปี 2570 (nacc-2570) ยังเป็นฉบับคาดการณ์" in note.get_text()
    result.pop("ruleset_caveat")
    render_agency_html(result, out)
    assert BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser").select_one(".ruleset-caveat") is None


def test_item_published_elsewhere_on_the_site_is_named() -> None:
    elsewhere = SITE + "ita/o5.html"
    raw = _item(
        "O5",
        "แผนยุทธศาสตร์",
        "fail",
        urls=[SITE],
        found_on_site={"verdict": "pass", "url": elsewhere, "submitted": False},
    )
    same = _item(
        "O6",
        "แผนปฏิบัติการ",
        "pass",
        urls=[elsewhere],
        found_on_site={"verdict": "pass", "url": elsewhere, "submitted": True},
    )
    view = build_agency_report({**sample_result(), "items": [raw, same]})
    shown = {it.code: it for it in view.items}
    assert shown["O5"].found_on_site is not None
    assert shown["O5"].found_on_site.href == elsewhere
    assert shown["O5"].found_verdict_th == VERDICT_TH["pass"]
    assert shown["O6"].found_on_site is None  # the submitted URL is where the item is: nothing to add
