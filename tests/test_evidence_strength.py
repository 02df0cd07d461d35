"""Evidence strength end to end: titles never pass, documents date themselves, dead and placeholder pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pymupdf
import pytest

from ita_checker.check import CheckOptions, run_check
from ita_checker.demo.server import SiteConfig, serve
from ita_checker.extract.html import extract_html, unwrap_viewer
from ita_checker.result import validate_result
from ita_checker.rules.loader import rules_root

FONT = "/usr/share/fonts/truetype/tlwg/Garuda.ttf"
CASES = rules_root() / "nacc-2569"


def _case_text(rule_dir: str, name: str) -> str:
    lines = (CASES / rule_dir / "cases" / name).read_text(encoding="utf-8").splitlines()
    return "\n".join(ln for ln in lines if not ln.startswith("#"))


def _pdf(path: Path, text: str) -> None:
    """A text PDF in Thai (the project's own case text), one line per line."""
    doc = pymupdf.open()
    page = doc.new_page()
    y = 60.0
    for line in text.splitlines():
        if y > 780:
            page, y = doc.new_page(), 60.0
        page.insert_text((40, y), line[:90], fontname="garuda", fontfile=FONT, fontsize=10)
        y += 14
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    doc.close()


HEAD = '<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>{t}</title></head><body>'
INDEX = (
    HEAD.format(t="ITA 2569 อบต.ทดสอบ")
    + """<nav class="menu"><a href="/">หน้าหลัก</a></nav><main>
<h1>ข้อมูลเพื่อการประเมิน ITA ประจำปี 2569</h1>
<h2 id="o20">O20 การขับเคลื่อนนโยบาย No Gift Policy ประจำปี 2569</h2>
<p>หน่วยงานแสดงข้อมูลการประกาศเจตนารมณ์นโยบายไม่รับของขวัญ เช่น ประกาศและรายงานผล</p>
<h2 id="o23">O23 แผนปฏิบัติการป้องกันการทุจริต ประจำปี 2569</h2>
<p><a href="/files/o23-plan.pdf">แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ 2569</a></p>
<h2 id="o22">O22 รายงานผลการดำเนินการเพื่อจัดการความเสี่ยงการทุจริต ประจำปี 2569</h2>
<p><a href="/files/o22-missing.pdf">รายงานผลการดำเนินการเพื่อจัดการความเสี่ยงการทุจริต 2569</a></p>
<h2 id="o13">O13 หลักเกณฑ์การบริหารและพัฒนาทรัพยากรบุคคล</h2>
<p><a href="/ita/o13-view.html">หลักเกณฑ์และแผนการบริหารและพัฒนาทรัพยากรบุคคล ประจำปี 2569</a></p>
<h2 id="o24">O24 รายงานผลการดำเนินการป้องกันการทุจริต ประจำปี 2569</h2>
<p>ขออภัย อยู่ระหว่างดำเนินการ</p>
</main></body></html>"""
)
HOME = (
    HEAD.format(t="องค์การบริหารส่วนตำบลทดสอบ")
    + """<nav class="menu"><a href="/ita/">ITA</a></nav><main><h1>ยินดีต้อนรับสู่ อบต.ทดสอบ</h1>
<p>ข่าวกิจกรรมของตำบล</p></main>
<footer class="site-footer"><a href="/webboard/">กระดานถาม-ตอบ</a>
องค์การบริหารส่วนตำบลทดสอบ เลขที่ 99 หมู่ที่ 1 ตำบลทดสอบ อำเภอเมือง จังหวัดลำปาง 52000
โทรศัพท์ 054-123456 อีเมล saraban@tambon-test.go.th</footer></body></html>"""
)
VIEWER = HEAD.format(t="PDF.js viewer") + '<div id="viewer"></div><script src="viewer.js"></script></body></html>'
IFRAME = (
    HEAD.format(t="O21 การประเมินความเสี่ยงการทุจริต")
    + "<main><h1>O21 การประเมินความเสี่ยงการทุจริต ประจำปี 2569</h1>"
    + '<iframe src="/files/o21-risk.pdf" width="100%" height="800"></iframe></main></body></html>'
)
VIEW = HEAD.format(t="เอกสาร") + '<main><iframe src="/files/o13-hr.pdf"></iframe></main></body></html>'
SOFT_404 = HEAD.format(t="404 Not Found") + "<main><h1>ไม่พบหน้าที่ต้องการ</h1><p>กลับหน้าหลัก</p></main></body></html>"


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("strength")
    www = tmp / "www"
    (www / "ita").mkdir(parents=True)
    (www / "pdfjs" / "web").mkdir(parents=True)
    (www / "index.html").write_text(HOME, encoding="utf-8")
    (www / "ita" / "index.html").write_text(INDEX, encoding="utf-8")
    (www / "ita" / "o21.html").write_text(IFRAME, encoding="utf-8")
    (www / "ita" / "news.html").write_text(SOFT_404, encoding="utf-8")
    (www / "ita" / "o13-view.html").write_text(VIEW, encoding="utf-8")
    _pdf(www / "files" / "o13-hr.pdf", _case_text("o13-hr-criteria", "pass-hr-plan-2569.txt"))
    (www / "pdfjs" / "web" / "viewer.html").write_text(VIEWER, encoding="utf-8")
    _pdf(www / "files" / "o23-plan.pdf", _case_text("o23-anticorruption-plan", "fail-stale-plan-2568.txt"))
    _pdf(www / "files" / "o9-manual.pdf", _case_text("o09-service-manual", "pass-building-permit-manual.txt"))
    _pdf(www / "files" / "o21-risk.pdf", _case_text("o21-risk-assessment", "pass-local-risk-assessment.txt"))
    site = serve(SiteConfig(root=www))
    b = site.base_url
    rows = {
        "O3": f"{b}/",
        "O4": f"{b}/ita/news.html",
        "O9": f"{b}/pdfjs/web/viewer.html?file=/files/o9-manual.pdf",
        "O13": f"{b}/ita/#o13",
        "O20": f"{b}/ita/#o20",
        "O21": f"{b}/ita/o21.html",
        "O22": f"{b}/ita/#o22",
        "O23": f"{b}/ita/#o23",
        "O24": f"{b}/ita/#o24",
    }
    form = tmp / "form.csv"
    form.write_text("ข้อ,URL\n" + "".join(f"{c},{u}\n" for c, u in rows.items()), encoding="utf-8")
    try:
        res = run_check(
            CheckOptions(
                site=b + "/", year=2569, agency_type="local", allow_private=True, submissions=form,
                out_dir=tmp / "out", store_dir=tmp / "store", screenshots=False, browser="never",
            )
        ).result  # fmt: skip
    finally:
        site.stop()
    return res


def _item(res: dict[str, Any], code: str) -> dict[str, Any]:
    return next(it for it in res["items"] if it["code"] == code)


def test_a_heading_and_a_description_of_the_criteria_never_pass(checked: dict[str, Any]) -> None:
    o20 = _item(checked, "O20")
    assert o20["verdict"] == "fail", o20["reasons"]
    assert any("พบเพียงชื่อเรื่อง" in r for r in o20["reasons"])


def test_an_old_document_under_a_current_year_heading_is_stale(checked: dict[str, Any]) -> None:
    o23 = _item(checked, "O23")
    assert o23["verdict"] == "stale", o23["reasons"]
    assert 2568 in o23["years_found"]
    assert 2569 not in o23["years_found"]


def test_an_item_whose_only_document_is_dead_is_unreachable(checked: dict[str, Any]) -> None:
    o22 = _item(checked, "O22")
    assert o22["verdict"] == "unreachable", o22["reasons"]
    assert [e["class"] for e in o22["fetch_errors"]] == ["not_found"]


def test_a_placeholder_section_fails_with_its_own_words(checked: dict[str, Any]) -> None:
    o24 = _item(checked, "O24")
    assert o24["verdict"] == "fail", o24["reasons"]
    assert any("อยู่ระหว่างดำเนินการ" in r for r in o24["reasons"])


def test_a_soft_404_page_is_unreachable_not_found(checked: dict[str, Any]) -> None:
    o4 = _item(checked, "O4")
    assert o4["verdict"] == "unreachable", o4["reasons"]
    assert [e["class"] for e in o4["fetch_errors"]] == ["not_found"]


def test_the_home_page_is_judged_with_its_footer(checked: dict[str, Any]) -> None:
    """Address, phone, e-mail and a Q&A board link in a footer that never says "ติดต่อ": the contact item."""
    o3 = _item(checked, "O3")
    assert o3["verdict"] == "pass", (o3["reasons"], o3["elements_missing"])


def test_documents_inside_viewers_and_iframes_are_judged(checked: dict[str, Any]) -> None:
    for code in ("O9", "O21", "O13"):  # O13: its section links a page that only shows the PDF in an iframe
        it = _item(checked, code)
        assert it["verdict"] == "pass", (code, it["reasons"], it["elements_missing"])
        assert any(e["url"].endswith(".pdf") for e in it["evidence"]), it["evidence"]


def test_found_on_site_is_in_every_item_and_the_result_validates(checked: dict[str, Any]) -> None:
    validate_result(checked)
    assert all("found_on_site" in it for it in checked["items"])
    o3 = _item(checked, "O3")
    assert o3["found_on_site"] == {"verdict": "pass", "url": o3["found_on_site"]["url"], "submitted": True, "path": []}
    assert _item(checked, "O20")["found_on_site"] is None


def test_viewer_urls_lead_to_their_document() -> None:
    assert (
        unwrap_viewer("http://a.go.th/pdfjs/web/viewer.html?file=%2Fdoc%2Fx.pdf#page=2") == "http://a.go.th/doc/x.pdf"
    )
    assert (
        unwrap_viewer("https://docs.google.com/viewer?url=http://a.go.th/b.pdf&embedded=true") == "http://a.go.th/b.pdf"
    )
    assert unwrap_viewer("http://a.go.th/download.php?file=x.pdf") == "http://a.go.th/download.php?file=x.pdf"
    page = b'<html><body><main><embed src="/e.pdf"><object data="/o.docx"></object></main></body></html>'
    doc = extract_html(page, url="http://a.go.th/p")
    assert {ln.href for ln in doc.content_links} == {"http://a.go.th/e.pdf", "http://a.go.th/o.docx"}
