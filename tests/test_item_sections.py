"""Item sections of an ITA index page: an anchored URL is judged on the part of the page it points to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ita_checker.check import CheckOptions, run_check
from ita_checker.demo.server import SiteConfig, serve
from ita_checker.extract.html import extract_html

PAGE = """<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>ITA 2569 อบต.ทดสอบ</title></head>
<body><nav class="menu"><a href="/">หน้าหลัก</a></nav><main><h1>ข้อมูลเพื่อการประเมิน ITA ประจำปี 2569</h1>
<div class="tabs"><button data-bs-target="#o1">O1</button><button data-bs-target="#o3">O3</button></div>
<section id="o1" role="tabpanel"><h2>O1 โครงสร้างและอำนาจหน้าที่</h2>
<img src="/img/chart.png" alt="แผนผังโครงสร้างองค์การบริหารส่วนตำบลทดสอบ">
<h3>ฝ่ายการเมือง</h3><p>นายกองค์การบริหารส่วนตำบล รองนายก สภาองค์การบริหารส่วนตำบล</p>
<h3>ฝ่ายข้าราชการประจำ</h3><p>ปลัด อบต. สำนักปลัด กองคลัง กองช่าง หัวหน้าสำนักปลัด ผู้อำนวยการกองคลัง</p>
<h3>อำนาจหน้าที่</h3><p>องค์การบริหารส่วนตำบลมีอำนาจหน้าที่ตามพระราชบัญญัติสภาตำบลและองค์การบริหารส่วนตำบล พ.ศ. 2537
มาตรา 66 และมาตรา 67 ได้แก่ จัดให้มีและบำรุงรักษาทางน้ำและทางบก รักษาความสะอาดของถนน</p></section>
<section id="o3" role="tabpanel"><h2>O3 ข้อมูลการติดต่อ</h2>
<p><a href="/docs/contact-2569.pdf">ข้อมูลการติดต่อหน่วยงาน (PDF)</a></p></section>
<h2 id="o4">O4 ข่าวประชาสัมพันธ์</h2><p>อยู่ระหว่างดำเนินการ</p>
<h2 id="o5">O5 แผนยุทธศาสตร์</h2><p><a href="/docs/plan.pdf">แผนพัฒนาท้องถิ่น</a></p>
<footer>ที่อยู่ 99 หมู่ 1 ตำบลทดสอบ โทรศัพท์ 055-123456 อีเมล saraban@test.go.th</footer>
</main></body></html>"""


def test_a_section_is_the_element_with_the_fragment_id_and_what_a_heading_heads() -> None:
    page = PAGE.encode("utf-8")
    o1 = extract_html(page, url="http://a.go.th/ita", section="o1")
    assert "ฝ่ายการเมือง" in o1.text
    assert "ข้อมูลการติดต่อ" not in o1.text
    o3 = extract_html(page, url="http://a.go.th/ita", section="o3")
    assert [ln.href for ln in o3.content_links] == ["http://a.go.th/docs/contact-2569.pdf"]
    o4 = extract_html(page, url="http://a.go.th/ita", section="o4")  # an id on a heading: up to the next h2
    assert "อยู่ระหว่างดำเนินการ" in o4.text
    assert "แผนพัฒนาท้องถิ่น" not in o4.full_text
    whole = extract_html(page, url="http://a.go.th/ita", section="nope")
    assert "section-missing" in whole.note
    assert "ฝ่ายการเมือง" in whole.text


def test_anchored_urls_into_an_ita_index_page_are_judged_on_their_sections(tmp_path: Path) -> None:
    www = tmp_path / "www"
    (www / "ita").mkdir(parents=True)
    (www / "ita" / "index.html").write_text(PAGE, encoding="utf-8")
    (www / "index.html").write_text(
        '<html><head><meta charset="utf-8"><title>อบต.ทดสอบ</title></head><body><a href="/ita/">ITA</a></body></html>',
        encoding="utf-8",
    )
    site = serve(SiteConfig(root=www))
    base = site.base_url
    form = tmp_path / "form.csv"
    rows = {"O1": "#o1", "O3": "#o3", "O4": "#o4", "O5": "#o5"}
    form.write_text("ข้อ,URL\n" + "".join(f"{c},{base}/ita/{f}\n" for c, f in rows.items()), encoding="utf-8")
    try:
        res = run_check(
            CheckOptions(
                site=base + "/", year=2569, agency_type="local", allow_private=True, submissions=form,
                out_dir=tmp_path / "out", store_dir=tmp_path / "store", screenshots=False,
            )
        ).result  # fmt: skip
    finally:
        site.stop()
    v = {it["code"]: it for it in res["items"]}
    assert v["O1"]["verdict"] == "pass", v["O1"]["reasons"]
    # O3's section holds only a link to a document that answers 404: unjudged, not judged on the page footer
    assert v["O3"]["verdict"] == "unreachable", v["O3"]["reasons"]
    assert [e["class"] for e in v["O3"]["fetch_errors"]] == ["not_found"]
    assert v["O4"]["verdict"] != "pass"  # 'อยู่ระหว่างดำเนินการ' under a heading is not the news
    assert v["O5"]["verdict"] == "unreachable"  # its only document 404s


def test_a_whole_index_page_is_judged_on_the_items_own_section(tmp_path: Path) -> None:
    """Submitted without an anchor, an ITA index page counts only with the section headed by the item's code."""
    page = PAGE.encode("utf-8")
    o1 = extract_html(page, url="http://a.go.th/ita", item="O1")
    assert "ฝ่ายการเมือง" in o1.text
    assert "ข้อมูลการติดต่อ" not in o1.full_text
    o5 = extract_html(page, url="http://a.go.th/ita", item="O5")  # a heading with no container: what it heads
    assert [ln.href for ln in o5.content_links] == ["http://a.go.th/docs/plan.pdf"]
    o9 = extract_html(page, url="http://a.go.th/ita", item="O9")  # not on this index page: nothing
    assert o9.text == ""
    single = b"<html><body><main><h1>O9 manual</h1><p>x</p></main></body></html>"
    assert "section-missing" in extract_html(single, url="http://a.go.th/o9", item="O1").note  # not an index page

    www = tmp_path / "www"
    (www / "ita").mkdir(parents=True)
    (www / "ita" / "index.html").write_text(PAGE, encoding="utf-8")
    site = serve(SiteConfig(root=www))
    base = site.base_url
    form = tmp_path / "form.csv"
    form.write_text(f"ข้อ,URL\nO1,{base}/ita/\nO3,{base}/ita/\nO9,{base}/ita/\n", encoding="utf-8")
    try:
        res = run_check(
            CheckOptions(
                site=base + "/ita/", year=2569, agency_type="local", allow_private=True, submissions=form,
                out_dir=tmp_path / "out", store_dir=tmp_path / "store", screenshots=False,
            )
        ).result  # fmt: skip
    finally:
        site.stop()
    v = {it["code"]: it for it in res["items"]}
    assert v["O1"]["verdict"] == "pass", v["O1"]["reasons"]
    assert v["O3"]["verdict"] == "unreachable"  # its section's only document 404s; the footer is not its evidence
    assert v["O9"]["verdict"] == "fail"  # not among the page's item sections


TABLE = """<html><head><meta charset="utf-8"><title>ITA 2569</title></head><body><main>
<h2 id="s91">ตัวชี้วัดย่อยที่ 9.1 ข้อมูลพื้นฐาน</h2><table id="t91">
<tr><td>o1</td><td><b>โครงสร้างและอำนาจหน้าที่</b></td>
<td>- แสดงแผนผังโครงสร้างการแบ่งส่วนราชการ และข้อมูลหน้าที่และอำนาจของสถานศึกษาตามที่กฎหมายกำหนด</td>
<td><a href="/img/chart.png">แผนภูมิโครงสร้าง</a></td></tr>
<tr><td>o2</td><td><b>ข้อมูลผู้บริหาร</b></td><td>- แสดงรายนามผู้บริหาร</td><td><a href="/exec.html">ผู้บริหาร</a></td></tr>
</table>
<details><summary>ข้อ 11 สรุปผลการจัดซื้อจัดจ้างรายเดือน</summary><p><a href="/f/11.xlsx">ต.ค. 2568</a></p></details>
<details><summary>ข้อ 12 รายงานผลการจัดซื้อจัดจ้างประจำปี</summary><p><a href="/f/12.pdf">รายงาน</a></p></details>
</main></body></html>""".encode()


def test_a_fragment_over_several_items_rows_narrows_to_the_items_own_row() -> None:
    d = extract_html(TABLE, url="http://a.go.th/ita", section="s91", item="O1")
    assert "แผนผังโครงสร้าง" in d.text
    assert "ข้อมูลผู้บริหาร" not in d.full_text
    assert [ln.href for ln in d.content_links] == ["http://a.go.th/img/chart.png"]
    # one line per cell: a quoted criterion stays apart from the rest of the row
    assert any(line.startswith("- แสดงแผนผัง") for line in d.text.split("\n"))


def test_numbered_headings_key_nacc_items() -> None:
    d = extract_html(TABLE, url="http://a.go.th/ita", item="O11")
    assert [ln.href for ln in d.content_links] == ["http://a.go.th/f/11.xlsx"]


def test_a_row_that_only_quotes_the_criterion_is_not_the_item() -> None:
    from ita_checker.extract.evidence import EvidenceDoc
    from ita_checker.rules.engine import judge_bundle
    from ita_checker.rules.loader import get_ruleset
    from ita_checker.store.blobs import FetchRecord

    rule = next(r for r in get_ruleset("ovec-2569").rules if r.code == "O1")
    doc = extract_html(TABLE, url="http://a.go.th/ita", section="s91", item="O1")
    rec = FetchRecord(url="http://a.go.th/ita#s91", source="submitted", sha256="0" * 64, status=200)
    j = judge_bundle(rule, [EvidenceDoc(record=rec, doc=doc)], fy=2569, agency_type="school", primary={rec.url})
    assert j.verdict == "fail", j.reasons
    assert j.title_only


def _judge_html(html: str, code: str, *, ruleset: str = "nacc-2569", item: str | None = None) -> Any:
    from ita_checker.extract.evidence import EvidenceDoc
    from ita_checker.rules.engine import judge_bundle
    from ita_checker.rules.loader import get_ruleset
    from ita_checker.store.blobs import FetchRecord

    rule = next(r for r in get_ruleset(ruleset).rules if r.code == code)
    doc = extract_html(html.encode("utf-8"), url="http://a.go.th/ita", item=item)
    rec = FetchRecord(url="http://a.go.th/ita", source="submitted", sha256="0" * 64, status=200)
    return judge_bundle(rule, [EvidenceDoc(record=rec, doc=doc)], fy=2569, agency_type="local", primary={rec.url})


# An old table layout: the agency's name sits in the banner row, the item page has a heading and one link.
BANNER_ROW = """<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">
<title>ผลการเปิดโอกาสให้มีส่วนร่วมในการดำเนินงาน ปีงบประมาณ พ.ศ. 2569 - องค์การบริหารส่วนตำบลทดสอบใต้</title></head>
<body><table><tr><td colspan="2"><img src="/images/banner.png" alt="banner"><b>องค์การบริหารส่วนตำบลทดสอบใต้</b></td></tr>
<tr><td class="menu"><ul><li><a href="/">หน้าหลัก</a></li></ul></td>
<td><h2>ผลการเปิดโอกาสให้มีส่วนร่วมในการดำเนินงาน ปีงบประมาณ พ.ศ. 2569</h2>
<ul><li><a href="https://drive.example.net/file/d/123/view">ผลการเปิดโอกาสให้มีส่วนร่วมในการดำเนินงาน 2569</a></li></ul>
</td></tr><tr><td colspan="2" class="footer">องค์การบริหารส่วนตำบลทดสอบใต้ โทรศัพท์ 0-5512-3456</td></tr>
</table></body></html>"""


def test_the_agencys_name_in_a_banner_row_is_not_content_of_the_item() -> None:
    j = _judge_html(BANNER_ROW, "O19")
    assert j.verdict == "fail", j.reasons
    assert j.title_only


# A tab panel of an index page: executives with mobile numbers written 08-XXXX-XXXX, a plan as an inline table.
TABS = """<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>ITA 2569 - อบต.ทดสอบ</title></head>
<body><main><h1>ข้อมูลเพื่อการประเมิน ITA ประจำปี 2569</h1><div class="tab-content">
<div class="tab-pane" id="o2" role="tabpanel"><h4>O2 : ข้อมูลผู้บริหาร</h4><p><b>ข้อมูลผู้บริหาร อบต.ทดสอบ</b></p>
<div><img src="/images/exec-1.png" alt="นางสาวกานดา ทดสอบดี"><p><b>นางสาวกานดา ทดสอบดี</b></p>
<p>ตำแหน่ง นายกองค์การบริหารส่วนตำบล</p><p>โทร. ๐๘-๖๔๒๙-๑๙๗๕</p></div>
<div><img src="/images/exec-2.png" alt="นายสมชาย ใจดี"><p><b>นายสมชาย ใจดี</b></p>
<p>ตำแหน่ง ปลัดองค์การบริหารส่วนตำบล</p><p>โทร. ๐๘-๑๐๗๑-๖๒๐๕</p></div></div>
<div class="tab-pane" id="o6" role="tabpanel"><h4>O6 : แผนและความก้าวหน้าในการดำเนินงานและการใช้งบประมาณประจำปี</h4>
<p><b>แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ.๒๕๖๙</b></p><table><thead><tr><th>ลำดับ</th><th>โครงการ</th>
<th>งบประมาณ (บาท)</th><th>ระยะเวลา</th></tr></thead><tbody><tr><td>๑</td><td>โครงการพัฒนาระบบบริการประชาชน</td>
<td>๑๖๗,๐๐๐</td><td>ไตรมาส ๑-๒</td></tr><tr><td>๒</td><td>โครงการฝึกอบรมบุคลากร</td><td>๓๖๔,๐๐๐</td>
<td>ไตรมาส ๒</td></tr></tbody></table>
<p>ความก้าวหน้าการดำเนินงาน รอบ 6 เดือน (ตุลาคม 2568 - มีนาคม 2569) ดำเนินการแล้ว 2 โครงการ เบิกจ่าย 250,000 บาท</p>
</div></div></main></body></html>"""


def test_short_cells_and_mobile_numbers_in_an_items_tab_are_its_content() -> None:
    o2 = _judge_html(TABS, "O2", item="O2")
    assert "ช่องทางการติดต่อ" in o2.found, o2.reasons
    o6 = _judge_html(TABS, "O6", item="O6")
    assert not any("ระยะเวลา" in m for m in o6.missing), o6.reasons


# An index page whose headings carry the items' titles (no codes); each section quotes its criterion first.
QUOTED = """<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>ITA 2569 - อบต.ทดสอบ</title></head>
<body><main><h1>ข้อมูลเพื่อการประเมิน ITA ประจำปี 2569</h1>
<h3 id="O5">แผนยุทธศาสตร์หรือแผนพัฒนาหน่วยงาน</h3>
<p class="item-desc">แสดงแผนยุทธศาสตร์หรือแผนพัฒนาหน่วยงานระยะมากกว่า 1 ปี ที่มีผลบังคับใช้ครอบคลุมปี พ.ศ. 2569</p>
<p><b>แผนพัฒนาท้องถิ่น (พ.ศ. 2566 – 2570)</b></p><p>แผนพัฒนาท้องถิ่น ระยะ 5 ปี พ.ศ. 2566 – 2570 ขององค์การบริหารส่วนตำบลทดสอบ</p>
<h4>ประเด็นยุทธศาสตร์</h4><ol><li>การพัฒนาโครงสร้างพื้นฐาน</li><li>การพัฒนาคุณภาพชีวิต</li><li>การบริหารจัดการที่ดี</li></ol>
<p>เป้าประสงค์: ประชาชนมีคุณภาพชีวิตที่ดีขึ้น ตัวชี้วัด: ร้อยละความพึงพอใจ 85</p>
<h3 id="O9">คู่มือหรือแนวทางการขอรับบริการสำหรับผู้รับบริการหรือผู้มาติดต่อ</h3>
<p><b>คู่มือสำหรับประชาชน การขอรับเบี้ยยังชีพผู้สูงอายุ</b></p><h4>ขั้นตอนการให้บริการ</h4>
<ol><li>ยื่นคำขอรับเบี้ยยังชีพผู้สูงอายุ</li><li>เจ้าหน้าที่ตรวจสอบเอกสาร</li><li>แจ้งผลการพิจารณา</li></ol>
<p>ระยะเวลาให้บริการ 15 วันทำการ ค่าธรรมเนียม: ไม่มีค่าใช้จ่าย</p><p>เอกสารประกอบ: สำเนาบัตรประจำตัวประชาชน</p>
<h3 id="O12">รายงานผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุประจำปี</h3>
<p class="item-desc">แสดงรายงานผลการจัดซื้อจัดจ้าง ประจำปี พ.ศ. 2568 อย่างน้อยประกอบด้วย งบประมาณ ปัญหา อุปสรรค</p>
<p><b>รายงานผลการจัดซื้อจัดจ้างประจำปี 2568</b></p>
</main></body></html>"""


def test_a_section_that_quotes_its_criterion_is_judged_on_its_other_lines() -> None:
    from ita_checker.rules.loader import get_ruleset

    topics = {r.code: r.topic_terms for r in get_ruleset("nacc-2569").rules}

    def judged(code: str) -> Any:
        from ita_checker.extract.evidence import EvidenceDoc
        from ita_checker.rules.engine import judge_bundle
        from ita_checker.store.blobs import FetchRecord

        rule = next(r for r in get_ruleset("nacc-2569").rules if r.code == code)
        doc = extract_html(QUOTED.encode("utf-8"), url="http://a.go.th/ita", item=code, topics=topics)
        assert f"section {code}" in doc.note
        rec = FetchRecord(url="http://a.go.th/ita", source="submitted", sha256="0" * 64, status=200)
        return judge_bundle(rule, [EvidenceDoc(record=rec, doc=doc)], fy=2569, agency_type="local", primary={rec.url})

    o5 = judged("O5")
    assert o5.verdict == "pass", o5.reasons  # the plan's own lines, besides the quoted criterion
    o9 = judged("O9")
    assert "ขั้นตอนการให้บริการ" in o9.found, o9.reasons  # the sub-heading over the steps is content
    o12 = judged("O12")
    assert o12.verdict == "fail", o12.reasons
    assert o12.title_only  # a quoted criterion and a title only


# An index table whose second column only says where each item's data is (the form's explanation column).
POINTERS = """<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>ITA - เทศบาลตำบลทดสอบ</title></head>
<body><main><h1>การเปิดเผยข้อมูลสาธารณะ (OIT)</h1><table>
<tr><td><p>O18 – <a href="#">ข้อมูลสถิติเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ</a></p></td>
<td>อยู่ที่เมนู "ร้องเรียน" หัวข้อ "สถิติเรื่องร้องเรียนการทุจริต" เป็นรายงานของปีงบประมาณ 2569 (รอบ 6 เดือน)</td></tr>
<tr><td><p>O19 – <a href="#">การเปิดโอกาสให้เกิดการมีส่วนร่วม</a></p></td>
<td>ดูรายละเอียดได้ที่เมนู "กิจกรรม" เป็นการเปิดโอกาสให้ประชาชนมีส่วนร่วมในปีงบประมาณ พ.ศ. 2569</td></tr>
</table></main></body></html>"""


def test_a_row_that_only_says_where_the_data_is_does_not_pass() -> None:
    for code in ("O18", "O19"):
        j = _judge_html(POINTERS, code, item=code)
        assert j.verdict == "fail", (code, j.reasons)
