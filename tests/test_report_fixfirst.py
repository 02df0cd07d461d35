"""Agency report for the staff who fix things: the fix-first list, Thai-only wording, evidence excerpts, counts,
and one self-contained report.html (embedded screenshots, strict CSP, no request when opened)."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from ita_checker.crawl.chromium import CHROMIUM_ARGS, chromium_path
from ita_checker.models import FAIL_CLASS_TH, VERDICT_TH
from ita_checker.report.html import render_agency_html, thumbnail_data_uri
from ita_checker.report.view import build_agency_report, thai_text
from ita_checker.text import snippets
from ita_checker.text.snippets import boilerplate, excerpt, thai_only, words
from ita_checker.text.thaitext import snippet

SITE = "https://www.example-tambon.go.th/"
NAME = "องค์การบริหารส่วนตำบลทดสอบ"
BANNER = "…ส่วนตำบลทดสอบ... ขอเชิญชวนประชาชนชำระภาษีที่ดินและสิ่งปลูกสร้างภายในเดือนเมษายน... "
needs_pythainlp = pytest.mark.skipif(
    importlib.util.find_spec("pythainlp") is None,
    reason="PyThaiNLP is not installed: without its dictionary, excerpts are cut at spaces only",
)
ENGLISH_CODES = ("needs_review", "not_applicable", "incomplete", "unreachable", "via_browser", "not_modified")
# Words the dictionary tokenizer (newmm) splits this way; joined without spaces, as Thai is written.
WORDS = [
    "หน่วยงาน", "ได้", "จัดทำ", "แผน", "ปฏิบัติ", "การป้องกัน", "การ", "ทุจริต", "ประจำ", "ปีงบประมาณ", "โดย", "มี",
    "โครงการ", "และ", "กิจกรรม", "ที่", "ชัดเจน", "พร้อม", "ตัว", "ชี้", "วัด", "และ", "ผู้รับผิดชอบ", "ทุก",
]  # fmt: skip


def _item(code: str, title: str, verdict: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "title": title, "verdict": verdict, "urls": [], "evidence": [], "reasons": [], **extra}


def _page(path: str, body: str, **extra: Any) -> dict[str, Any]:
    return {"url": SITE + path, "snippet": BANNER + body, "kind": "html", "source": "submitted", **extra}


def fix_result() -> dict[str, Any]:
    """One item of each not-passing verdict (out of order), a pass and a not-applicable item; invented content."""
    items = [
        _item(
            "O1",
            "ข้อมูลการติดต่อ",
            "needs_review",
            urls=[SITE + "contact"],
            evidence=[_page("contact", "ติดต่อเรา ที่ทำการองค์การบริหารส่วนตำบลทดสอบ เลขที่ 1…", via_browser=True)],
            reasons=["พบหัวข้อ: ติดต่อเรา", "ไม่พบวันที่ของข้อมูล ต้องให้คนตรวจ"],
            confidence="L",
            low_confidence_rule=True,
        ),
        _item(
            "O2",
            "ระบบบริการออนไลน์",
            "unreachable",
            urls=[SITE + "eservice"],
            reasons=["เปิด URL ที่ส่งไม่ได้ทั้งหมด"],
            fetch_errors=[{"url": SITE + "eservice", "class": "login_wall", "detail": "HTTP 302 to /login"}],
            confidence="M",
        ),
        _item(
            "O3",
            "ข้อมูลผู้บริหาร",
            "incomplete",
            urls=[SITE + "executives"],
            evidence=[_page("executives", "คณะผู้บริหาร นายตัวอย่าง ใจดี นายกองค์การบริหารส่วนตำบล…")],
            reasons=["พบหัวข้อ: คณะผู้บริหาร", "ขาดองค์ประกอบ: รูปถ่าย; ช่องทางการติดต่อ"],
            elements_found=["ชื่อ-นามสกุล", "ตำแหน่ง"],
            elements_missing=["รูปถ่าย", "ช่องทางการติดต่อ"],
            confidence="M",
        ),
        _item(
            "O4",
            "ข่าวประชาสัมพันธ์",
            "stale",
            urls=[SITE + "news"],
            evidence=[_page("news", "ข่าวประชาสัมพันธ์ ลำดับ เรื่อง วันที่ 12 ประชาสัมพันธ์การรับสมัคร…")],
            reasons=["พบหัวข้อ: ข่าวประชาสัมพันธ์", "วันที่ในเอกสาร: 2567 ไม่ใช่ปีงบประมาณ 2569 ที่ต้องการ"],
            elements_missing=["ข่าวสารที่เกี่ยวกับการดำเนินงาน (0 dated entries in period)"],
            years_found=[2567],
            fix_hint="เปลี่ยนเป็นข้อมูลของปีงบประมาณ พ.ศ. 2569 / เผยแพร่ข่าวประชาสัมพันธ์",
            confidence="M",
        ),
        _item("O5", "รายงานผลการส่งเสริมคุณธรรม", "fail", reasons=["หน่วยงานไม่ได้ส่ง URL สำหรับข้อนี้"]),
        _item(
            "O6",
            "แผนปฏิบัติการป้องกันการทุจริต",
            "fail",
            urls=[SITE + "ita"],
            evidence=[_page("ita", "แผนปฏิบัติการป้องกันการทุจริต")],
            reasons=[
                "พบเพียงชื่อเรื่อง “แผนปฏิบัติการป้องกันการทุจริต” ไม่พบเนื้อหา",
                f"พบข้อมูลที่ดีกว่าที่ {SITE}plan/pass.html (ผลถ้าใช้ URL นี้: pass) ควรส่ง URL นี้แทน",
            ],
            suggested_urls=[SITE + "plan/pass.html"],
            found_on_site={"verdict": "pass", "url": SITE + "plan/pass.html", "submitted": False},
            confidence="H",
        ),
        _item(
            "O7",
            "โครงสร้าง",
            "pass",
            urls=[SITE + "structure"],
            evidence=[_page("structure", "โครงสร้างและอำนาจหน้าที่ แผนผังโครงสร้างองค์การบริหารส่วนตำบล…")],
            reasons=["พบหัวข้อ: โครงสร้างและอำนาจหน้าที่"],
            confidence="H",
        ),
        _item("O8", "กฎหมายที่เกี่ยวข้อง", "not_applicable", reasons=["ข้อนี้ไม่ใช้กับหน่วยงานประเภท local"]),
    ]
    pdfs = [
        {"url": SITE + f"files/doc-{n}.pdf", "snippet": "แผนพัฒนาท้องถิ่น…", "kind": "pdf", "source": "submitted"}
        for n in range(3)
    ]
    items[6]["evidence"].extend(pdfs)
    counts: dict[str, int] = {}
    for it in items:
        counts[it["verdict"]] = counts.get(it["verdict"], 0) + 1
    return {
        "schema": "ita-checker/result/v1",
        "agency": {"name": NAME, "type": "local", "site": SITE},
        "year": 2569,
        "ruleset": "nacc-2569",
        "ruleset_status": "provisional",
        "ruleset_caveat": "ชุดเกณฑ์ปี 2569 (nacc-2569) ยังเป็นฉบับคาดการณ์ (provisional): คะแนนเป็นการประมาณ / "
        "rule set nacc-2569 is provisional; the score is an estimate",
        "checked_at": "2026-12-03T18:20:17+00:00",
        "mode": "submissions",
        "summary": {"score": 14.29, "counts": counts},
        "items": items,
        "crawl": {
            "pages_fetched": 28,
            "documents_fetched": 0,
            "errors": 1,
            "duration_s": 1.9,
            "not_modified": 4,
            "via_browser": 1,
        },
        "notes": [],
    }


@pytest.fixture
def report_dir(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    (out / "screenshots").mkdir(parents=True)
    result = fix_result()
    for n, it in enumerate(result["items"]):
        for ev in it["evidence"][:1]:
            if ev["kind"] == "html":
                name = f"screenshots/shot-{n}.png"
                Image.effect_noise((1280, 900), 60).convert("RGB").save(out / name)
                ev["screenshot"] = name
    render_agency_html(result, out / "report.html")
    return out


# --- fix first --------------------------------------------------------------------------------------------


def test_fix_first_puts_the_most_actionable_first() -> None:
    report = build_agency_report(fix_result())
    assert [s.code for s in report.fix_first] == ["O6", "O5", "O4", "O3", "O2", "O1"]  # resubmit, then by verdict
    steps = {s.code: s for s in report.fix_first}
    assert steps["O6"].resubmit
    assert steps["O6"].url is not None
    assert steps["O6"].url.href == SITE + "plan/pass.html"
    assert steps["O6"].url_label_th == "ส่ง URL นี้"
    assert "“ผ่าน”" in steps["O6"].action_th
    assert steps["O5"].url is None  # nothing submitted: nothing to fix yet
    assert "ยังไม่ได้ส่ง URL" in steps["O5"].action_th
    assert "พ.ศ. 2567" in steps["O4"].action_th
    assert "พ.ศ. 2569" in steps["O4"].action_th
    assert "รูปถ่าย และ ช่องทางการติดต่อ" in steps["O3"].action_th
    assert steps["O3"].url is not None
    assert steps["O3"].url.href == SITE + "executives"
    assert FAIL_CLASS_TH["login_wall"] in steps["O2"].action_th
    assert steps["O2"].url_label_th == "เปิดไม่ได้"
    assert steps["O1"].url_label_th == "ตรวจที่"
    for s in report.fix_first:
        assert "\n" not in s.action_th
        assert re.search(r"[\u0e00-\u0e7f]", s.action_th), s.code
        assert not any(code in s.action_th for code in (*VERDICT_TH, "dated entries")), s.action_th


def test_first_screen_lists_fix_first_with_links_to_the_rows(report_dir: Path) -> None:
    page = BeautifulSoup((report_dir / "report.html").read_text(encoding="utf-8"), "html.parser")
    overview = page.select_one(".overview")
    assert overview is not None
    assert overview.select_one(".score-value").get_text(strip=True) == "14.29"  # type: ignore[union-attr]
    heading = overview.select_one(".fix-first h2")
    assert heading is not None
    assert "แก้ไขก่อน" in heading.get_text()
    fixes = overview.select(".fix-list > li")
    assert [li.select_one(".fix-code").get_text() for li in fixes] == ["O6", "O5", "O4", "O3", "O2", "O1"]  # type: ignore[union-attr]
    for li in fixes:
        code = li.select_one(".fix-code")
        assert code is not None
        assert code["href"] == f"#item-{code.get_text()}"
        assert page.select_one(f"tr#item-{code.get_text()}") is not None
    assert fixes[0].select_one(".fix-url a")["href"] == SITE + "plan/pass.html"  # type: ignore[index]
    caveat = page.select_one("header .ruleset-caveat")
    assert caveat is not None
    assert "ยังเป็นฉบับคาดการณ์" in caveat.get_text()
    assert "provisional" not in caveat.get_text()  # the English half goes to the technical details


def test_a_result_where_everything_passes_says_so(tmp_path: Path) -> None:
    result = fix_result()
    result["items"] = [it for it in result["items"] if it["verdict"] in ("pass", "not_applicable")]
    render_agency_html(result, tmp_path / "r.html")
    page = BeautifulSoup((tmp_path / "r.html").read_text(encoding="utf-8"), "html.parser")
    assert page.select(".fix-list li") == []
    assert "ไม่มีรายการที่ต้องแก้ไข" in page.select_one(".fix-first").get_text()  # type: ignore[union-attr]


# --- Thai only ----------------------------------------------------------------------------------------------


def test_user_text_is_thai_and_codes_live_in_the_technical_details(report_dir: Path) -> None:
    page = BeautifulSoup((report_dir / "report.html").read_text(encoding="utf-8"), "html.parser")
    tech = " ".join(d.get_text(" ") for d in page.select("details.tech"))
    for d in page.select("details.tech"):
        d.decompose()
    text = page.get_text(" ")
    for code in (*ENGLISH_CODES, "dated entries", "provisional", "ความเชื่อมั่นของเกณฑ์: M"):
        assert code not in text, code
    for code in ("needs_review", "0 dated entries in period", "via_browser", "not_modified", "provisional"):
        assert code in tech, code
    assert "(ผลถ้าใช้ URL นี้: ผ่าน)" in text
    assert "(พบรายการที่ลงวันที่ในช่วงที่กำหนด 0 รายการ)" in text
    assert "เกณฑ์ยืนยันแล้ว" in page.select_one("#item-O3 .col-verdict").get_text()  # type: ignore[union-attr]
    assert page.select_one("#item-O1 .flag-lowconf").get_text(strip=True) == "เกณฑ์คาดการณ์"  # type: ignore[union-attr]
    assert "4 ธ.ค. 2569 เวลา 01:20 น." in text  # checked at 18:20 UTC, shown in Bangkok time


def test_thai_only_keeps_urls_and_names_untouched() -> None:
    labels = {"pass": "ผ่าน", "fail": "ไม่พบข้อมูล"}
    assert thai_only("ผลถ้าใช้ URL นี้: pass", codes=labels) == "ผลถ้าใช้ URL นี้: ผ่าน"
    assert thai_only("ดู https://a.go.th/pass/fail.html (ผล: fail)", codes=labels) == (
        "ดู https://a.go.th/pass/fail.html (ผล: ไม่พบข้อมูล)"
    )
    assert thai_only("ไม่พบชื่อโดเมน (DNS)", codes=labels) == "ไม่พบชื่อโดเมน (DNS)"
    assert thai_only("ชุดเกณฑ์ (nacc-2570) (provisional) / rule set is provisional", codes={}) == "ชุดเกณฑ์ (nacc-2570)"
    assert thai_text("passport สำนักงาน") == "passport สำนักงาน"


def test_counts_match_what_was_fetched() -> None:
    crawl = dict(build_agency_report(fix_result()).crawl)
    assert crawl["หน้าเว็บที่ดึงมา"] == "25"  # 28 recorded as pages, three of them the PDFs shown as evidence
    assert crawl["เอกสารที่ดึงมา (PDF, Word, Excel, ภาพ)"] == "3"
    fixed = fix_result()
    fixed["crawl"].update(pages_fetched=20, documents_fetched=8)  # a crawl that already counts files as files
    crawl = dict(build_agency_report(fixed).crawl)
    assert (crawl["หน้าเว็บที่ดึงมา"], crawl["เอกสารที่ดึงมา (PDF, Word, Excel, ภาพ)"]) == ("20", "8")


# --- evidence excerpts ---------------------------------------------------------------------------------------


@needs_pythainlp
def test_excerpt_drops_the_site_banner_and_centres_on_the_match() -> None:
    report = build_agency_report(fix_result())
    shown = {it.code: it.evidence[0].excerpt for it in report.items if it.evidence}
    for code in ("O1", "O3", "O4", "O7"):
        assert "ขอเชิญชวน" not in shown[code].text, code
        assert "ส่วนตำบลทดสอบ..." not in shown[code].text, code
    assert shown["O3"].match == "คณะผู้บริหาร"
    assert shown["O3"].before == "…"  # the banner before it was left out
    assert shown["O4"].match == "ข่าวประชาสัมพันธ์"
    assert shown["O7"].match == "โครงสร้างและอำนาจหน้าที่"
    assert shown["O7"].after.endswith("…")


@needs_pythainlp
def test_boilerplate_needs_several_pages_and_keeps_content() -> None:
    pages = [BANNER + f"หัวข้อที่ {n} เนื้อหาเฉพาะของหน้านี้" for n in range(4)]
    boiler = boilerplate(pages)
    assert boiler
    assert excerpt(pages[2], ["หัวข้อ"], boiler=boiler).text.startswith("…หัวข้อ")
    assert boilerplate(pages[:2]) == frozenset()  # two pages are not a pattern
    assert "ขอเชิญชวน" in excerpt(pages[0], ["หัวข้อ"], width=200).text


@needs_pythainlp
def test_excerpt_cuts_between_words() -> None:
    text = "".join(WORDS * 3)
    assert words(text) == WORDS * 3
    raw = snippet(text, "กิจกรรม", 30)  # as the rules engine stores it: cut by characters
    assert raw.startswith("…")
    bounds = set()
    pos = 0
    for w in WORDS * 3:
        bounds.add(pos)
        pos += len(w)
    bounds.add(pos)
    got = excerpt(raw, ["กิจกรรม"], width=25)
    assert got.match == "กิจกรรม"
    shown = got.text.strip("…")
    start = text.find(shown)
    assert start >= 0
    assert start in bounds
    assert start + len(shown) in bounds
    assert not raw.strip("…").startswith(shown[:3])  # the word the engine cut in two is gone


def test_excerpt_without_a_dictionary_cuts_at_spaces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snippets, "_tokenizer", lambda: snippets._space_runs)
    got = excerpt("…ดับหนึ่ง คำที่สอง คำที่สาม เป้าหมาย คำที่สี่ คำที่ห้า คำที่หก…", ["เป้าหมาย"], width=10)
    assert got.match == "เป้าหมาย"
    assert got.before == "…คำที่สาม "
    assert got.after == " คำที่สี่…"


# --- one self-contained file ---------------------------------------------------------------------------------


def test_screenshots_are_small_embedded_thumbnails(report_dir: Path, tmp_path: Path) -> None:
    page = BeautifulSoup((report_dir / "report.html").read_text(encoding="utf-8"), "html.parser")
    imgs = page.select("img.shot")
    assert len(imgs) == 5
    for img in imgs:
        assert str(img["src"]).startswith(("data:image/webp;base64,", "data:image/jpeg;base64,"))
        assert len(str(img["src"])) <= 60_000
    csp = page.select_one('meta[http-equiv="Content-Security-Policy"]')
    assert csp is not None
    policy = str(csp["content"])
    assert "default-src 'none'" in policy
    assert "img-src data:;" in policy
    assert re.search(r"style-src 'sha256-[A-Za-z0-9+/=]+'", policy)
    assert "script" not in policy
    assert page.find_all("script") == []
    outside = tmp_path / "outside.png"
    Image.new("RGB", (64, 64), "red").save(outside)
    inside = tmp_path / "inside"
    inside.mkdir()
    assert thumbnail_data_uri(inside / ".." / "outside.png", root=inside) is None
    assert thumbnail_data_uri(inside / "missing.png", root=inside) is None
    (inside / "broken.png").write_bytes(b"\x89PNG not really")
    assert thumbnail_data_uri(inside / "broken.png", root=inside) is None


@pytest.mark.browser
def test_report_opens_alone_without_any_request(report_dir: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(report_dir / "report.html", alone / "report.html")
    url = (alone / "report.html").as_uri()
    requests: list[str] = []
    failed: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on("request", lambda r: requests.append(r.url))
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(url, wait_until="load")
            assert failed == []
            assert [r for r in requests if r != url and not r.startswith("data:")] == []
            assert errors == []  # a CSP violation would be reported here
            widths = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
            assert len(widths) == 5
            assert all(w > 0 for w in widths)
            assert page.eval_on_selector(".score-value", "e => getComputedStyle(e).fontSize") == "64px"  # CSS ran
            first = page.locator(".fix-list > li").first.bounding_box()
            assert first is not None
            assert first["y"] + first["height"] < 800  # the fix-first list starts on the first screen
        finally:
            browser.close()
