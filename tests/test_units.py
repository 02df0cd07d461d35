"""Unit tests of the pieces: HTML extraction, charset detection, store, engine period logic, scoring."""

from __future__ import annotations

from pathlib import Path

import pytest

from ita_checker.extract.document import Document
from ita_checker.extract.encoding import decode_html
from ita_checker.extract.evidence import EvidenceDoc
from ita_checker.extract.html import extract_html, is_document_url
from ita_checker.rules.engine import judge_bundle
from ita_checker.rules.loader import get_ruleset
from ita_checker.scoring.agency import score, summary
from ita_checker.store.blobs import FetchRecord, Store

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>แผนปฏิบัติการป้องกันการทุจริต</title></head>
<body><header><h1>อบต.ทดสอบ</h1></header><nav class="menu"><a href="/news">ข่าวประชาสัมพันธ์</a></nav>
<main><article><header><h2>แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. 2569</h2></header>
<p>รายละเอียดแผน</p><a href="/files/plan.pdf">ดาวน์โหลดแผน (PDF)</a> <a href="/other.html">ข่าวอื่น</a>
<img src="/img/logo.png" alt="โลโก้"></article></main>
<div id="footer">ที่อยู่ 1 ถนนทดสอบ</div></body></html>"""


def test_html_own_text_drops_chrome_and_page_links_but_keeps_document_links():
    d = extract_html(PAGE.encode(), url="https://www.example.go.th/oit/o23.html")
    assert "ประจำปีงบประมาณ พ.ศ. 2569" in " ".join(d.headings)  # an article's entry header stays
    assert "อบต.ทดสอบ" not in d.text  # the page banner header goes
    assert "ข่าวประชาสัมพันธ์" not in d.text  # the menu goes
    assert "ที่อยู่" not in d.text  # footer by id
    assert "ดาวน์โหลดแผน" in d.text  # link to a document is content
    assert "ข่าวอื่น" not in d.text  # link to another page is not
    assert [ln.href for ln in d.content_links] == [
        "https://www.example.go.th/files/plan.pdf",
        "https://www.example.go.th/other.html",
    ]
    assert any(ln.text == "ข่าวประชาสัมพันธ์" for ln in d.links)


def test_script_built_page_is_flagged_for_the_browser():
    js = b"<html><body><div id='app'></div><script>render()</script></body></html>"
    assert extract_html(js, url="https://x.go.th/").script_heavy
    assert not extract_html(PAGE.encode(), url="https://x.go.th/").script_heavy


@pytest.mark.parametrize(
    ("body", "ctype", "how"),
    [
        ("<p>ภาษาไทย</p>".encode("cp874"), "text/html; charset=TIS-620", "header:cp874"),
        (b'<meta charset="windows-874">' + "<p>ภาษาไทย</p>".encode("cp874"), "text/html", "meta:cp874"),
        ("<p>ภาษาไทย ข้อมูลการติดต่อ</p>".encode("cp874"), None, "detected:cp874"),
        ("<p>ภาษาไทย</p>".encode(), None, "detected:utf-8"),
    ],
)
def test_charset_from_header_meta_or_detection(body, ctype, how):
    text, got = decode_html(body, ctype)
    assert got == how
    assert "ภาษาไทย" in text


def test_document_urls():
    assert is_document_url("https://x.go.th/files/แผน.pdf")
    assert is_document_url("https://drive.google.com/file/d/abc/view")
    assert not is_document_url("https://x.go.th/news.php?id=3")


def test_store_blobs_inline_and_on_disk_and_fetch_log(tmp_path: Path):
    st = Store(tmp_path)
    small, big = b"x" * 10, b"y" * (Store.INLINE_MAX + 1)
    s1, s2 = st.put_blob(small), st.put_blob(big)
    assert st.get_blob(s1) == small
    assert st.get_blob(s2) == big
    assert st.blob_path(s2).exists()
    assert not st.blob_path(s1).exists()
    assert not list(st.blob_path(s2).parent.glob(".tmp-*"))  # atomic write left no temp file
    run = st.begin_run(agency="a", site="https://x.go.th/")
    st.record_fetch(run, FetchRecord(url="https://x.go.th/", source="home", sha256=s1, status=200, etag='"e"'))
    st.record_fetch(run, FetchRecord(url="https://x.go.th/", source="home", sha256=s1, status=200, etag='"e"'))
    assert len(st.fetches(run)) == 1  # one row per run and URL
    assert st.find_unfinished_run(agency="a", site="https://x.go.th/") == run
    st.finish_run(run)
    assert st.find_unfinished_run(agency="a", site="https://x.go.th/") is None
    assert st.latest_ok_fetch("https://x.go.th/", exclude_run="other").etag == '"e"'


def _ev(text: str, title: str) -> EvidenceDoc:
    doc = Document(kind="html", title=title, headings=[title], text=text, full_text=text)
    rec = FetchRecord(url="https://x.go.th/p", source="submitted", sha256="0" * 64, status=200)
    return EvidenceDoc(record=rec, doc=doc)


@pytest.fixture(scope="module")
def o23():
    return next(r for r in get_ruleset("nacc-2569").rules if r.code == "O23")


BODY = "โครงการอบรมคุณธรรม งบประมาณ 50,000 บาท ระยะเวลาดำเนินการ ม.ค. - มี.ค. 2569"


@pytest.mark.parametrize(
    ("title", "verdict"),
    [
        ("แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. 2569", "pass"),
        ("แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. 2568", "stale"),  # the label decides
        ("แผนปฏิบัติการป้องกันการทุจริต พ.ศ. 2566-2570", "pass"),  # a range covering the year counts
        ("ประวัติความเป็นมา", "fail"),
    ],
)
def test_engine_period_and_topic(o23, title, verdict):
    assert judge_bundle(o23, [_ev(BODY, title)], fy=2569, agency_type="local", primary=set()).verdict == verdict


def test_engine_undated_complete_item_needs_review(o23):
    j = judge_bundle(
        o23,
        [_ev("โครงการอบรม งบประมาณ 50,000 บาท ระยะเวลาดำเนินการ 3 เดือน", "แผนปฏิบัติการป้องกันการทุจริต")],
        fy=2569,
        agency_type="local",
        primary=set(),
    )
    assert j.verdict == "needs_review"


def test_engine_missing_elements_are_listed(o23):
    j = judge_bundle(
        o23,
        [_ev("โครงการเสริมสร้างวัฒนธรรมสุจริตแก่บุคลากรทุกกลุ่มงาน", "แผนปฏิบัติการป้องกันการทุจริต ปีงบประมาณ 2569")],
        fy=2569,
        agency_type="local",
        primary=set(),
    )
    assert j.verdict == "incomplete"
    assert len(j.missing) >= 2


def test_score_counts_only_applicable_items_and_reports_at_risk():
    items = [
        {"code": f"O{i}", "verdict": v}
        for i, v in enumerate(["pass", "pass", "fail", "unreachable", "needs_review", "not_applicable"])
    ]
    s = summary(items)
    assert s["score"] == pytest.approx(40.0)
    assert s["at_risk"] == 2
    assert s["at_risk_codes"] == ["O3", "O4"]
    assert score({"not_applicable": 3}) == 0.0


def test_rule_document_kinds_and_min_documents(o23):
    pdf_only = o23.model_copy(update={"document_kinds": ["pdf"]})
    page = _ev(BODY, "แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. 2569")
    assert judge_bundle(pdf_only, [page], fy=2569, agency_type="local", primary=set()).verdict == "fail"
    two_docs = o23.model_copy(update={"min_documents": 2})
    j = judge_bundle(two_docs, [page], fy=2569, agency_type="local", primary=set())
    assert j.verdict == "incomplete"
    assert any("อย่างน้อย 2" in m for m in j.missing)


def _index(site: str, docs: dict[str, EvidenceDoc], children: dict[str, dict[str, str]] | None = None):
    from ita_checker.extract.evidence import EvidenceIndex

    return EvidenceIndex(site=site, by_url=docs, children=children or {})


def _at(url: str, title: str) -> EvidenceDoc:
    ev = _ev(BODY, title)
    ev.record.url = url
    ev.record.final_url = url
    return ev


def test_submitted_url_off_the_main_site_needs_review_unless_linked_from_it(o23):
    from ita_checker.rules.engine import judge_item

    title = "แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. 2569"
    drive = "https://drive.example.com/plan"
    idx = _index("https://www.abt.go.th/", {drive: _at(drive, title)})
    item = judge_item(o23, idx, fy=2569, agency_type="local", submitted=[drive])
    assert item["verdict"] == "needs_review"
    assert any("นอกเว็บไซต์หลัก" in r for r in item["reasons"])
    page = "https://www.abt.go.th/oit/o23.html"
    idx = _index(
        "https://www.abt.go.th/", {drive: _at(drive, title), page: _at(page, "OIT")}, children={page: {drive: "แผน"}}
    )
    assert judge_item(o23, idx, fy=2569, agency_type="local", submitted=[drive])["verdict"] == "pass"


def test_rule_that_reads_only_submitted_pages_ignores_their_links(o23):
    from ita_checker.rules.engine import judge_item

    page, doc = "https://www.abt.go.th/oit/o23.html", "https://www.abt.go.th/files/plan.pdf"
    idx = _index(
        "https://www.abt.go.th/",
        {page: _at(page, "ประวัติ"), doc: _at(doc, "แผนปฏิบัติการป้องกันการทุจริต ปีงบประมาณ 2569")},
        children={page: {doc: "แผน"}},
    )
    assert judge_item(o23, idx, fy=2569, agency_type="local", submitted=[page])["verdict"] == "pass"
    narrow = o23.model_copy(update={"evidence": o23.evidence.model_copy(update={"linked_documents": False})})
    assert judge_item(narrow, idx, fy=2569, agency_type="local", submitted=[page])["verdict"] == "fail"
