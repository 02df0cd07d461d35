"""Province report (HTML and XLSX) from a synthetic scan; the HTML is also checked in headless Chromium."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from bs4 import BeautifulSoup

from ita_checker.inputs.overrides import Override
from ita_checker.inputs.registry import Agency
from ita_checker.report.province_html import write_province_html
from ita_checker.report.province_xlsx import write_province_xlsx
from ita_checker.scan.outcome import AgencyOutcome, OverrideState, ScanOutcome
from ita_checker.scoring.province import AgencyEntry, summarize
from ita_checker.store.history import Change, Diff

CODES = [f"O{i}" for i in range(1, 11)]
HOSTILE = '<script>alert("x")</script>อบต.'


def _result(verdicts: list[str], name: str, kind: str) -> dict:
    items = [
        {"code": c, "title": f"รายการ {c}", "verdict": v, "urls": [], "evidence": [], "reasons": []}
        for c, v in zip(CODES, verdicts, strict=True)
    ]
    return {"agency": {"name": name, "type": kind, "site": "https://x.go.th/"}, "items": items, "summary": {}}


@pytest.fixture
def scan(tmp_path) -> ScanOutcome:
    specs = [
        ("A1", "องค์การบริหารส่วนตำบลบ้านใหม่", "local", ["pass"] * 9 + ["fail"]),
        ("A2", "โรงเรียนบ้านหนองบัว", "school", ["pass", "fail", "stale", "incomplete", "unreachable"] + ["pass"] * 5),
        ("A3", HOSTILE, "local", ["needs_review", "not_applicable"] + ["fail"] * 8),
        ("A4", "ที่ว่าการอำเภอเมือง", "district", None),
    ]
    outcomes = []
    for aid, name, kind, verdicts in specs:
        agency = Agency(aid, name, kind, "พิษณุโลก", "เมือง", f"https://{aid.lower()}.go.th/", 2)
        if verdicts is None:
            outcomes.append(AgencyOutcome(agency, "error", error="RuntimeError: boom"))
            continue
        res = _result(verdicts, name, kind)
        outcomes.append(AgencyOutcome(agency, "done", result=res))
    o2 = outcomes[1].result["items"][1]
    o2.update(verdict="pass", tool_verdict="fail", override={"verdict": "pass", "tool_verdict": "fail"})
    entries = [
        AgencyEntry(
            o.agency.id, o.agency.name, o.agency.agency_type, "", "", o.agency.site, o.status, o.error, o.result
        )
        for o in outcomes
    ]
    changes = Diff("s1", "s2", newly_passing=[Change("A1", specs[0][1], "O9", "stale", "pass")])
    ov = Override("A2", "O2", "pass", "อยู่ในไฟล์ PDF", "สมชาย ผู้ตรวจ", "2026-01-10")
    return ScanOutcome(
        scan_id="s2",
        year=2569,
        out_dir=tmp_path,
        outcomes=outcomes,
        province=summarize(entries),
        changes=changes,
        previous_scan="s1",
        trends={"A1": [("s1", 80.0), ("s2", 90.0)], "A2": [("s2", 70.0)]},
        overrides=[OverrideState(ov, specs[1][1], "fail", True)],
        problems=["reg.xlsx แผ่นงาน 'หน่วยงาน' แถว 8 คอลัมน์ C 'ประเภท': ไม่รู้จักประเภท / ..."],
        paths={"summary": tmp_path / "summary.json"},
        started_at="2026-01-15T02:00:00+0700",
        duration_s=1.0,
    )


def test_rollups(scan):
    p = scan.province
    assert p.agencies.loc["A1", "score"] == 90.0
    assert p.agencies.loc["A2", "score"] == 70.0
    assert p.agencies.loc["A3", "score"] == 0.0  # 0 of 9 applicable
    assert p.agencies.loc["A2", "at_risk"] == 1
    assert p.under_line == ["A3", "A2"]  # lowest first; A1 is at 90, A4 was not checked
    assert p.items.loc["O1", "pass_rate"] == pytest.approx(66.7)
    assert p.items.loc["O2", "applicable"] == 2
    assert list(p.missing.index[:3]) == ["O3", "O4", "O10"]  # not met at 2 agencies each, in code order
    doc = p.to_json()
    assert doc["matrix"]["A1"]["O10"] == "fail"
    assert doc["matrix"]["A4"] == {}  # not checked: no verdicts


@pytest.fixture
def html_path(scan, tmp_path) -> Path:
    path = tmp_path / "province.html"
    write_province_html(scan, path)
    return path


def test_html_content(html_path):
    text = html_path.read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    assert soup.html["lang"] == "th"
    assert "<script>alert" not in text  # autoescaped agency name
    assert len(soup.find_all("script")) == 1
    assert not soup.find_all(src=True)
    assert not soup.select("link[rel=stylesheet]")
    rows = soup.select("#matrix-table tbody tr")
    assert [r["data-id"] for r in rows] == ["A1", "A2", "A3", "A4"]
    ov = soup.select_one('tr[data-id="A2"] td[data-code="O2"]')
    assert "ov" in ov["class"]
    assert "โปรแกรม: ไม่พบข้อมูล" in ov["title"]
    assert soup.select_one('tr[data-id="A4"] .status-flag').get_text() == "ผิดพลาดภายใน"
    assert soup.select_one('tr[data-id="A4"] th a') is None  # no report to drill into
    trend = soup.select_one('tr[data-id="A1"] .col-trend')
    assert trend.select_one(".trend-delta").get_text() == "▲ +10"
    assert trend.select_one("svg.spark")["aria-label"] == (
        "แนวโน้มคะแนน 2 รอบ: s1 80, 15 ม.ค. 2569 02:00 น. 90 (เพิ่มขึ้น +10 จากรอบก่อน)"
    )
    assert [r["data-code"] for r in soup.select("#changes tr.change")] == ["O9"]
    assert "หลักฐานเปลี่ยนไป" in soup.select_one("#overrides").get_text()
    assert "แถว 8 คอลัมน์ C" in soup.select_one(".problems").get_text()


def test_xlsx_layout(scan, tmp_path):
    path = tmp_path / "summary.xlsx"
    write_province_xlsx(scan, path)
    wb = openpyxl.load_workbook(path)
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
        assert ws.freeze_panes in ("A2", "C2")
        assert ws["A1"].font.bold
    m = wb["ตารางผล"]
    assert [c.value for c in m[1]][:4] == ["รหัส", "หน่วยงาน", "คะแนน", "O1"]
    assert m["D2"].value == "ผ่าน"
    assert m["D2"].fill.start_color.rgb.endswith("1B7F3B")
    assert m["M2"].value == "ไม่พบข้อมูล"
    assert m["M2"].fill.start_color.rgb.endswith("C62828")
    assert wb["การเปลี่ยนแปลง"]["A2"].value == "ผ่านใหม่"
    assert wb["ผู้ตรวจกำหนดผล"]["I2"].value == "ใช่ – ทบทวน"
    assert wb["สรุปหน่วยงาน"]["B4"].value == HOSTILE  # stored as plain text


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.mark.browser
def test_rendered_in_chromium(html_path, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            requests: list[str] = []
            errors: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(html_path.as_uri())
            assert requests == [html_path.as_uri()]  # no other asset, local or remote
            assert errors == []  # the CSP lets the inline script run, nothing fails
            heading = page.locator("h1")
            assert "ระดับจังหวัด" in heading.inner_text()
            box = heading.bounding_box()
            assert box is not None
            assert box["width"] > 200
            assert box["height"] > 10
            # Thai glyphs come from a real Thai font: a Thai word is wider than one fallback box per character
            widths = page.evaluate(
                "() => { const c = document.createElement('canvas').getContext('2d');"
                " c.font = '16px ' + getComputedStyle(document.documentElement).fontFamily;"
                " return [c.measureText('สวัสดี').width, c.measureText('\\u0E01').width]; }"
            )
            assert widths[0] > 2 * widths[1] > 0
            assert page.locator("#f-count").inner_text() == "แสดง 4 จาก 4 หน่วยงาน"
            page.select_option("#f-verdict", "stale")
            assert page.locator("#f-count").inner_text() == "แสดง 1 จาก 4 หน่วยงาน"
            assert page.locator('tr[data-id="A2"]').is_visible()
            page.select_option("#f-verdict", "")
            page.select_option("#f-type", "local")
            assert page.locator("#f-count").inner_text() == "แสดง 2 จาก 4 หน่วยงาน"
            page.select_option("#f-type", "")
            page.click('button[data-sort="score"]')
            ids = page.eval_on_selector_all("#matrix-table tbody tr", "rs => rs.map(r => r.dataset.id)")
            assert ids == ["A4", "A3", "A2", "A1"]
            page.screenshot(path=str(tmp_path / "desktop.png"), full_page=True)
            phone = browser.new_page(viewport={"width": 390, "height": 844})
            phone.goto(html_path.as_uri())
            overflow = phone.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1  # the matrix scrolls inside its own box, the page does not
            phone.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
            phone.emulate_media(media="print")
            assert phone.locator("#filters").is_hidden()
        finally:
            browser.close()
