"""Province page at province size (60 agencies × 26 items): links, filters, trends, sticky matrix, in Chromium."""

from __future__ import annotations

import random
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from ita_checker.inputs.registry import Agency
from ita_checker.report.html import TEMPLATES_DIR
from ita_checker.report.province_html import BANGKOK, write_province_html
from ita_checker.report.view import format_score
from ita_checker.scan.outcome import AgencyOutcome, ScanOutcome
from ita_checker.scoring.province import summarize
from ita_checker.store.history import Change, Diff, History, ProvincePoint

CODES = [f"O{i}" for i in range(1, 27)]
DISTRICTS = ["เมืองพิษณุโลก", "นครไทย", "ชาติตระการ", "บางระกำ", "บางกระทุ่ม", "พรหมพิราม", "วัดโบสถ์", "วังทอง", "เนินมะปราง"]
PLACES = ["บ้านใหม่", "หนองบัว", "ท่าทอง", "วังน้ำคู้", "ดอนทอง", "บึงพระ", "หัวรอ", "ไผ่ขอดอน", "งิ้วงาม", "จอมทอง"]
KINDS = [
    ("local", "องค์การบริหารส่วนตำบล"),
    ("local", "เทศบาลตำบล"),
    ("school", "โรงเรียนบ้าน"),
    ("hospital", "โรงพยาบาลส่งเสริมสุขภาพตำบล"),
    ("district", "ที่ว่าการอำเภอ"),
]
INPUT_ERRORS, INTERNAL_ERRORS, UNREACHABLE, ALL_PASS = {7, 31}, {44}, {12, 25, 50}, {0, 10, 19, 33, 46, 55}
HOSTILE = '<script>alert("x")</script>อบต.'
HOSTILE_SCAN = 's0"><b>x'
PROBLEMS = 954
SCANS = [  # (scan id, start in Bangkok time): three earlier runs and this one
    ("s1", datetime(2025, 10, 20, 9, 0, tzinfo=BANGKOK)),
    ("s2", datetime(2025, 11, 17, 9, 0, tzinfo=BANGKOK)),
    ("s3", datetime(2025, 12, 15, 9, 0, tzinfo=BANGKOK)),
    ("s4", datetime(2026, 1, 15, 2, 0, tzinfo=BANGKOK)),
]


def _agency_id(i: int) -> str:
    return f"6501{i + 1:03d}"


def build_scan(out_dir: Path) -> ScanOutcome:
    """A finished scan of 60 agencies, without crawling: every status, a history of four runs, 954 problems."""
    rnd = random.Random(13)
    outcomes: list[AgencyOutcome] = []
    for i in range(60):
        aid = _agency_id(i)
        kind, prefix = KINDS[i % len(KINDS)]
        name = HOSTILE if i == 3 else f"{prefix}{PLACES[i % len(PLACES)]}" + ("" if i < 10 else f" {i // 10}")
        agency = Agency(aid, name, kind, "พิษณุโลก", DISTRICTS[i % len(DISTRICTS)], f"https://{aid}.go.th/", i + 2)
        if i in INPUT_ERRORS:
            outcomes.append(AgencyOutcome(agency, "input_error", error="แบบฟอร์มอ่านไม่ได้"))
            continue
        if i in INTERNAL_ERRORS:
            outcomes.append(AgencyOutcome(agency, "error", error="RuntimeError: boom"))
            continue
        if i in ALL_PASS:
            verdicts = ["pass"] * 25 + ["not_applicable"]
        elif i in UNREACHABLE:
            verdicts = ["unreachable"] * len(CODES)
        else:
            pool = ["pass"] * 6 + ["fail", "stale", "incomplete", "unreachable", "needs_review", "not_applicable"]
            verdicts = [rnd.choice(pool) for _ in CODES]
            verdicts[0] = "fail"  # never all passing by chance
        items = [
            {"code": c, "title": f"รายการข้อ {c}", "verdict": v, "urls": [], "evidence": [], "reasons": []}
            for c, v in zip(CODES, verdicts, strict=True)
        ]
        result = {
            "agency": {"name": name, "type": kind, "site": agency.site},
            "items": items,
            "summary": {"site_unreachable": i in UNREACHABLE},
        }
        outcomes.append(AgencyOutcome(agency, "unreachable" if i in UNREACHABLE else "done", result=result))
    entries = [o.entry() for o in outcomes]
    province = summarize(entries)
    trends: dict[str, list[tuple[str, float]]] = {}
    for o in outcomes:
        if o.status != "done":
            continue
        now = float(province.agencies.at[o.agency.id, "score"])
        past = []
        for k, (sid, _) in enumerate(SCANS[:3]):
            past.append((sid, round(min(100.0, max(0.0, now - (3 - k) * rnd.uniform(-4, 6))), 2)))
        trends[o.agency.id] = [*past, ("s4", now)]
    trends[_agency_id(1)] = [(HOSTILE_SCAN, 40.0), *trends[_agency_id(1)]]  # a scan id is text too
    scored = [float(s) for s in province.agencies["score"].dropna()]
    mean_now = round(sum(scored) / len(scored), 2)
    series = [
        ProvincePoint(sid, when.timestamp(), mean, len(scored))
        for (sid, when), mean in zip(SCANS, [52.4, 55.1, 58.75, mean_now], strict=True)
    ]
    first = outcomes[1].agency
    changes = Diff("s3", "s4", newly_passing=[Change(first.id, first.name, "O3", "fail", "pass")])
    problems = [f"registry.xlsx แผ่นงาน 'URL ที่ส่ง' แถว {r} คอลัมน์ C: URL ไม่ถูกต้อง / bad URL" for r in range(PROBLEMS)]
    return ScanOutcome(
        scan_id="s4",
        year=2569,
        out_dir=out_dir,
        outcomes=outcomes,
        province=province,
        changes=changes,
        previous_scan="s3",
        trends=trends,
        overrides=[],
        problems=problems,
        paths={"summary": out_dir / "summary.json"},
        started_at="2026-01-15T02:00:00+0700",
        duration_s=1.0,
        province_trend=series,
    )


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScanOutcome, Path]:
    out = tmp_path_factory.mktemp("province-ui")
    scan = build_scan(out)
    path = out / "province.html"
    write_province_html(scan, path)
    return scan, path


@pytest.fixture(scope="module")
def soup(big: tuple[ScanOutcome, Path]) -> BeautifulSoup:
    return BeautifulSoup(big[1].read_text(encoding="utf-8"), "html.parser")


def _rows(soup: BeautifulSoup) -> dict[str, Any]:
    return {str(r["data-id"]): r for r in soup.select("#matrix-table tbody tr.agency-row")}


def test_every_cell_links_to_the_agency_item(soup: BeautifulSoup) -> None:
    rows = _rows(soup)
    assert len(rows) == 60
    for i in range(60):
        aid = _agency_id(i)
        cells = rows[aid].select("td.cell")
        assert [c["data-code"] for c in cells] == CODES
        links = [c.select_one("a") for c in cells]
        if i in INPUT_ERRORS | INTERNAL_ERRORS:  # no report to open
            assert links == [None] * len(CODES)
            assert rows[aid].select_one("th a") is None
            continue
        assert [a["href"] if a else None for a in links] == [
            f"agencies/{aid}/report.html#item-{code}" for code in CODES
        ]
    fail = rows[_agency_id(1)].select_one('td.cell[data-code="O1"]')
    assert fail["data-verdict"] == "fail"
    assert fail["data-ok"] == "0"
    assert fail.select_one(".sr").get_text() == "O1: ไม่พบข้อมูล"


def test_agency_report_gives_each_item_the_id_we_link_to() -> None:
    # the contract with the agency page (_items.html.j2): one row per item, id "item-<code>"
    text = (TEMPLATES_DIR / "_items.html.j2").read_text(encoding="utf-8")
    assert re.search(r'id="item-\{\{\s*it\.code\s*\}\}"', text)


def test_rows_carry_what_the_filters_read(big: tuple[ScanOutcome, Path], soup: BeautifulSoup) -> None:
    scan, _ = big
    rows = _rows(soup)
    for i, o in enumerate(scan.outcomes):
        row = rows[o.agency.id]
        assert row["data-district"] == o.agency.district
        assert row["data-type"] == o.agency.agency_type
        assert row["data-status"] == o.status
        assert row["data-allpass"] == ("1" if i in ALL_PASS else "0")
        assert o.agency.id in row["data-search"]
    assert rows[_agency_id(1)]["data-search"] == f"{_agency_id(1)}เทศบาลตำบลหนองบัว"  # id and name only
    assert " " not in rows[_agency_id(11)]["data-search"]  # one key, whitespace-free like the search box's
    districts = [o["value"] for o in soup.select("#f-district option")]
    assert districts[0] == ""  # all districts
    assert sorted(districts[1:]) == sorted(DISTRICTS)
    assert districts.index("นครไทย") < districts.index("เนินมะปราง") < districts.index("บางกระทุ่ม")  # Thai order
    assert [o["value"] for o in soup.select("#f-type option")] == ["", "district", "hospital", "local", "school"]
    assert soup.select_one("#f-notpass")["type"] == "checkbox"
    assert "ไม่ผ่านทั้งหมด" in soup.select_one("#f-notpass").parent.get_text()
    assert soup.select_one("#filters").has_attr("hidden")  # shown by the script; without it every row is shown
    assert not soup.select("#matrix-table tr[hidden]")


def test_problems_are_collapsed_under_their_count(soup: BeautifulSoup) -> None:
    box = soup.select_one("details.problems")
    assert box is not None
    assert not box.has_attr("open")
    assert box.summary.get_text().startswith(f"ปัญหาข้อมูลนำเข้า {PROBLEMS} จุด")
    assert len(box.select("li")) == PROBLEMS


def test_trend_charts_are_inline_svg_with_their_numbers(big: tuple[ScanOutcome, Path], soup: BeautifulSoup) -> None:
    scan, path = big
    chart = soup.select_one("#province-trend svg")
    assert chart is not None
    assert chart["role"] == "img"
    label = chart["aria-label"]
    assert label == chart.title.get_text()
    mean_now = scan.province_trend[-1].mean_score
    assert "20 ต.ค. 2568 09:00 น. 52.4" in label  # B.E. dates with the mean of each recorded scan
    assert f"15 ม.ค. 2569 02:00 น. {format_score(mean_now)}" in label
    axis = [t.get_text() for t in chart.select("text.axis")]
    assert {"20 ต.ค. 68", "15 ม.ค. 69", "วันที่สแกน (พ.ศ.)"} <= set(axis)
    assert len(chart.select("circle.trend-dot")) == 4
    assert soup.select_one(".kpi-mean .kpi-n").get_text() == format_score(mean_now)  # the chart ends at the page's mean
    rows = _rows(soup)
    for o in scan.outcomes:
        spark = rows[o.agency.id].select_one(".col-trend svg.spark")
        if o.status != "done":
            assert spark is None
            assert rows[o.agency.id].select_one(".col-trend").get_text(strip=True) == "–"
            continue
        scores = [s for _, s in scan.trends[o.agency.id]]
        assert spark["role"] == "img"
        first = HOSTILE_SCAN if o.agency.id == _agency_id(1) else "20 ต.ค. 2568 09:00 น."  # a scan's B.E. date
        assert spark["aria-label"].startswith(f"แนวโน้มคะแนน {len(scores)} รอบ: {first} {format_score(scores[0])}")
        assert f"15 ม.ค. 2569 02:00 น. {format_score(scores[-1])}" in spark["aria-label"]
        assert spark.title.get_text() == spark["aria-label"]
        delta = rows[o.agency.id].select_one(".trend-delta").get_text()
        assert delta[0] == ("▲" if scores[-1] > scores[-2] else "▼" if scores[-1] < scores[-2] else "=")
    text = path.read_text(encoding="utf-8")
    assert HOSTILE_SCAN not in text  # escaped wherever it is shown
    assert 'aria-label="แนวโน้มคะแนน 5 รอบ: s0&#34;&gt;&lt;b&gt;x 40, ' in text
    assert "<script>alert" not in text


def test_unreachable_agencies_are_counted_and_styled_apart(soup: BeautifulSoup) -> None:
    def kpi(cls: str) -> str:
        return soup.select_one(f".{cls} .kpi-n").get_text()

    assert kpi("kpi-total") == "60"
    assert kpi("kpi-checked") == str(60 - len(INPUT_ERRORS | INTERNAL_ERRORS | UNREACHABLE))
    assert kpi("kpi-unreachable") == str(len(UNREACHABLE))
    assert kpi("kpi-not-checked") == str(len(INPUT_ERRORS | INTERNAL_ERRORS))
    rows = _rows(soup)
    for i in UNREACHABLE:
        row = rows[_agency_id(i)]
        assert "status-unreachable" in row["class"]
        assert "under-line" not in row["class"]
        assert row.select_one(".status-flag-unreachable").get_text() == "ตรวจไม่ได้ (เข้าเว็บไซต์ไม่ได้)"
        assert row.select_one(".col-score").get_text() == "ตรวจไม่ได้"
    assert rows[_agency_id(44)].select_one(".status-flag-error").get_text() == "ผิดพลาดภายใน"


def test_history_gives_the_province_mean_per_scan(tmp_path: Path) -> None:
    hist = History(tmp_path / "store")
    try:
        scores = {"s1": [40.0, 60.0, None], "s2": [70.0, None, None], "s3": [10.0, 10.0, 10.0]}
        for sid, year in (("s1", 2569), ("s2", 2569), ("s3", 2570)):
            hist.begin_scan(sid, year=year, registry=Path("reg.xlsx"), out_dir=tmp_path, meta={})
            for n, score in enumerate(scores[sid]):
                agency = {"id": f"A{n}", "name": f"หน่วยงาน {n}", "type": "local", "site": "https://a.go.th/"}
                status = "done" if score is not None else "unreachable"
                result = {"items": [], "summary": {"score": score, "at_risk": 0}}
                hist.record_agency(sid, agency, status=status, result=result)
            hist.finish_scan(sid, "done")
        trend = hist.province_trend("s2")
        assert [(p.scan_id, p.mean_score, p.scored) for p in trend] == [("s1", 50.0, 2), ("s2", 70.0, 1)]
        assert trend[0].started_at <= trend[1].started_at
        assert [p.scan_id for p in hist.province_trend("s1")] == ["s1"]  # nothing after the scan asked for
        assert [p.scan_id for p in hist.province_trend("s2", limit=1)] == ["s2"]
        assert [p.mean_score for p in hist.province_trend("s3")] == [10.0]  # another fiscal year apart
    finally:
        hist.close()


def _visible_ids(page: Any) -> list[str]:
    ids: list[str] = page.eval_on_selector_all(
        "#matrix-table tbody tr", "rs => rs.filter(r => !r.hidden && r.offsetParent !== null).map(r => r.dataset.id)"
    )
    return ids


@pytest.mark.browser
def test_matrix_in_chromium(big: tuple[ScanOutcome, Path], browser: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    scan, path = big
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri())
    assert [u for u in requests if u != path.as_uri() and not u.startswith(("data:", "about:"))] == []
    assert errors == []  # the CSP lets the inline script run, nothing fails
    assert page.locator("#filters").is_visible()
    assert page.locator("#f-count").inner_text() == "แสดง 60 จาก 60 หน่วยงาน"
    height = page.evaluate("document.body.scrollHeight")
    assert height < 6000  # the 954 problems are folded and the matrix scrolls in its own box
    assert page.locator("details.problems li").first.is_hidden()

    # sticky header row and agency column inside the scrolling matrix box
    wrap = page.locator("#matrix-wrap")
    wrap.scroll_into_view_if_needed()
    box = wrap.bounding_box()
    assert box is not None
    assert box["height"] <= 0.8 * 768
    page.eval_on_selector("#matrix-wrap", "w => { w.scrollTop = 900; w.scrollLeft = 500; }")
    assert page.eval_on_selector("#matrix-wrap", "w => w.scrollTop") > 800
    header = page.locator("#matrix-table thead th").nth(3).bounding_box()
    assert header is not None
    assert abs(header["y"] - box["y"]) <= 2  # still at the top of the box after scrolling down
    corner = page.locator("#matrix-table thead th.col-agency").bounding_box()
    assert corner is not None
    assert abs(corner["x"] - box["x"]) <= 2
    assert abs(corner["y"] - box["y"]) <= 2
    first_col = page.locator(f'tr[data-id="{_agency_id(30)}"] th.col-agency').bounding_box()
    assert first_col is not None
    assert abs(first_col["x"] - box["x"]) <= 2  # agency names stay at the left after scrolling right
    page.screenshot(path=str(tmp_path / "scrolled.png"))
    page.eval_on_selector("#matrix-wrap", "w => { w.scrollTop = 0; w.scrollLeft = 0; }")

    # district filter
    page.select_option("#f-district", "นครไทย")
    expected = [o.agency.id for o in scan.outcomes if o.agency.district == "นครไทย"]
    assert _visible_ids(page) == expected
    assert page.locator("#f-count").inner_text() == f"แสดง {len(expected)} จาก 60 หน่วยงาน"

    # the filters combine: district + not passing (the all-passing agencies of นครไทย go)
    page.check("#f-notpass")
    combined = [aid for aid in expected if int(aid[-3:]) - 1 not in ALL_PASS]
    assert _visible_ids(page) == combined
    assert len(combined) < len(expected)
    page.click("#f-reset")
    expect(page.locator("#f-count")).to_have_text("แสดง 60 จาก 60 หน่วยงาน")  # the reset re-applies the filters
    assert not page.locator("#f-notpass").is_checked()

    # search by a Thai name fragment, typed with a space and a zero-width space, and by id
    page.fill("#f-search", "หนอง\u200bบัว")
    found = [o.agency.id for o in scan.outcomes if "หนองบัว" in o.agency.name]
    assert _visible_ids(page) == found
    page.fill("#f-search", "บ้าน ท่าทอง")
    school = [o.agency.id for o in scan.outcomes if "โรงเรียนบ้านท่าทอง" in o.agency.name]
    assert len(school) == 6
    assert _visible_ids(page) == school
    page.fill("#f-search", _agency_id(41))
    assert _visible_ids(page) == [_agency_id(41)]
    page.fill("#f-search", "")

    # everything but pass: rows passing every item go, passing cells are dimmed
    page.check("#f-notpass")
    shown = _visible_ids(page)
    assert shown == [o.agency.id for i, o in enumerate(scan.outcomes) if i not in ALL_PASS]
    assert _agency_id(12) in shown  # an unreachable site is not passing
    pass_cell = page.locator(f'tr[data-id="{_agency_id(1)}"] td.cell[data-verdict="pass"]').first
    assert "dim" in (pass_cell.get_attribute("class") or "")
    fail_cell = page.locator(f'tr[data-id="{_agency_id(1)}"] td.cell[data-code="O1"]')
    assert "dim" not in (fail_cell.get_attribute("class") or "")
    page.uncheck("#f-notpass")
    assert len(_visible_ids(page)) == 60

    # cells are links into the agency report
    href = page.locator(f'tr[data-id="{_agency_id(1)}"] td.cell[data-code="O5"] a').get_attribute("href")
    assert href == f"agencies/{_agency_id(1)}/report.html#item-O5"
    assert errors == []
    assert [u for u in requests if u != path.as_uri() and not u.startswith(("data:", "about:"))] == []
    page.close()


@pytest.mark.browser
def test_without_script_everything_is_shown(big: tuple[ScanOutcome, Path], browser: Any) -> None:
    _, path = big
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1366, "height": 768})
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        assert page.locator("#filters").is_hidden()
        assert len(_visible_ids(page)) == 60
        assert page.locator("#province-trend svg").is_visible()
        page.locator("#matrix-wrap").scroll_into_view_if_needed()
        page.eval_on_selector("#matrix-wrap", "w => { w.scrollTop = 900; }")
        box = page.locator("#matrix-wrap").bounding_box()
        header = page.locator("#matrix-table thead th").first.bounding_box()
        assert box is not None
        assert header is not None
        assert abs(header["y"] - box["y"]) <= 2  # CSS alone keeps the header row in view
    finally:
        context.close()
