"""Evidence strength: a bundle's content (body text, fetched documents) apart from titles, headings, link texts."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ita_checker.extract.evidence import EvidenceDoc
from ita_checker.extract.html import is_document_url
from ita_checker.rules.checks import IMG_NOISE
from ita_checker.rules.model import Rule
from ita_checker.text.thaidate import find_dates
from ita_checker.text.thaitext import contains_any, normalize

MIN_DOCUMENT_LETTERS = 40  # a fetched document with less readable text than this shows nothing
MAX_PLACEHOLDER_REST = 60  # "ขออภัย ขณะนี้อยู่ระหว่างปรับปรุงข้อมูล" and a few words more
MIN_PAGE_LETTERS = 15  # own text of a page or section that is not a restatement of the criteria
MIN_SECTION_LETTERS = 30  # own text of an index page's item section besides the lines that quote the criterion
LINK_CHECKS = {"link", "link_or_form"}
_LETTER = re.compile(r"[ก-๙A-Za-z0-9]")
# Headings that name the assessment rather than the content ("ข้อมูลเพื่อการประเมิน ITA ประจำปี 2569").
BANNER = re.compile(r"ITA|OIT|MOIT|คุณธรรมและความโปร่งใส|การเปิดเผยข้อมูลสาธารณะ|ข้อมูลเพื่อการประเมิน|ข้อมูลสาธารณะ", re.I)
PLACEHOLDER = re.compile(
    r"อยู่ระหว่าง(การ)?(ดำเนินการ|ปรับปรุง|จัดทำ|รวบรวม|อัป?พ?เดท|อัปโหลด|นำเข้า)|รอ(การ)?(อัปโหลด|ปรับปรุง)ข้อมูล|"
    r"จะแจ้ง(ให้ทราบ)?ภายหลัง|จะเผยแพร่(ใน)?เร็ว\s?ๆ\s?นี้|coming\s*soon|under\s*construction|กำลังปรับปรุง",
    re.I,
)
# How the criteria are worded; a section that only restates them is a description, not the item.
REQUIREMENT = re.compile(
    r"ให้หน่วยงาน|หน่วยงาน(ต้อง|มีการ)?(แสดง|เผยแพร่|จัดทำ|เปิดเผย)|แสดงข้อมูล|ต้องเผยแพร่|อย่างน้อย|ตามแบบวัด|"
    r"เกณฑ์การประเมิน|รายละเอียดตามเกณฑ์|ข้อมูลที่ต้อง|องค์ประกอบ(ของ)?ข้อมูล|เช่น|มีข้อมูล|"
    r"ที่มีระยะ|ตามที่กฎหมายกำหนด|ที่สอดคล้องกับ|สามารถจัดทำ|ที่แสดงถึง|"
    # where the data is said to be (a form's explanation column: "อยู่ที่เมนู "…" หัวข้อ "…""): a pointer, not the data
    r"อยู่(ที่|ใน|บน)\s*(เมนู|หน้า|หัวข้อ|แถบ|ลิงก์|ลิ้งค์)|(เมนู|หัวข้อ)\s*[\"“”']|"
    r"(ดู|ดาวน์โหลด)(รายละเอียด|ข้อมูล)?ได้(ที่|จาก)|สามารถ(ดู|เข้าถึง)|ตามลิง(ก์|ค์)|"
    r"(^|\n)\s*(-|•|\d+[.)])?\s*(ให้)?(เผยแพร่|แสดง|จัดทำ|เปิดเผย)"  # a line that instructs: "แสดงขั้นตอน …"
)
MAX_DESCRIPTION_LETTERS = 300  # a restatement of the criteria is a sentence or two; real guidance is longer
_PERSON = re.compile(r"(นางสาว|นาง|นาย|น\.ส\.|ดร\.)\s?[ก-๏]{2,}\s[ก-๏]{2,}")
_CONTACT = re.compile(r"(?<![\d-])0(?:[-.\s]?\d){8,9}(?![\d])|[\w.+-]+@[\w-]+(\.[\w-]+)+")  # 02-123-4567, 08-1234-5678
_AMOUNT = re.compile(
    r"\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?\s*(บาท|ล้าน|ราย|คน|เรื่อง|ครั้ง|โครงการ|กิจกรรม|อัตรา|หลักสูตร|%|ร้อยละ)"
)


@dataclass
class ContentView(EvidenceDoc):
    """An evidence document seen without what only names it: no link text leading to it, no file name."""

    @property
    def anchor(self) -> str:
        return ""

    @property
    def url_words(self) -> str:
        return ""


# Words around links that say nothing of the content ("ดาวน์โหลด", "คลิกที่นี่").
LINK_WORDS = re.compile(
    r"ดาวน์โหลด|ดาวโหลด|download|คลิก(ที่นี่|เพื่อ\S*)?|click( here)?|ดูรายละเอียด|รายละเอียด|อ่านต่อ|"
    r"เอกสารแนบ|ไฟล์แนบ|ไฟล์|เพิ่มเติม|และ|หรือ|ที่|"
    r"หนังสือแจ้งเวียน|แจ้งเวียน|บันทึกข้อความ|แบบฟอร์ม|เอกสาร|pdf|docx?|xlsx?",  # what a link caption names
    re.I,
)


_NAMING = re.compile(
    r"(?<![A-Za-z])(MOIT|O)\s?\d{1,2}(?!\d)|(ประจำ)?ปี(งบประมาณ)?\s*(พ\.\s?ศ\.)?\s*[\d๐-๙]{4}|พ\.\s?ศ\.\s*[\d๐-๙]{4}"
)


def letters(text: str) -> int:
    """Letters and digits of text, without the words that only point at links."""
    return len(_LETTER.findall(LINK_WORDS.sub(" ", text)))


# How a page title joins the item's name and the site's name ("ชื่อเรื่อง - องค์การบริหารส่วนตำบล…").
_TITLE_SEP = re.compile(r"\s+[-–—|:»·]+\s+|\s*(?:\||::|»)\s*")


def title_parts(title: str) -> list[str]:
    """The title and each name it joins: the site's name in a banner or header row names, it is not content."""
    return [title, *(p.strip() for p in _TITLE_SEP.split(title) if p and p.strip())]


def _strip(text: str, parts: list[str], *, marked: tuple[str, ...] = ()) -> str:
    """Text without ``parts`` (longest first); a ``marked`` part leaves " · " so that what followed it does not
    become the start of a line (the agency's name before "จัดทำ…" is not an instruction "จัดทำ…")."""
    for part in sorted({p for p in [*parts, *marked] if len(p) >= 2}, key=len, reverse=True):
        text = text.replace(part, " · " if part in marked and part not in parts else " ")
    return normalize(text)


def content_view(ev: EvidenceDoc, rule: Rule) -> ContentView:
    """The document's own content: for a page, its text without the title, the headings that only name the
    item or the assessment, and the texts of its links; for a fetched file, its text (not its metadata title)."""
    d = ev.doc
    views: dict[str, ContentView] = d.__dict__.setdefault("_content_views", {})  # every bundle asks again
    key = "" if d.kind != "html" else rule.code
    if key not in views:
        if d.kind != "html":
            views[key] = ContentView(record=ev.record, doc=replace(d, title=""))
        else:
            naming = [h for h in d.headings if _names_item(h, rule)]
            kept = [h for h in d.headings if h not in naming]
            named = [*naming, *(ln.text for ln in d.links), *rule.topic_terms]
            text = _strip(d.text, named, marked=tuple(title_parts(d.title)))
            text = normalize(_NAMING.sub(" ", text))  # item codes and year labels in table cells name, too
            views[key] = ContentView(record=ev.record, doc=replace(d, title="", headings=kept, text=text))
    return views[key]


def dated_view(ev: EvidenceDoc, *, keep_names: bool = False) -> EvidenceDoc:
    """What may date a document: its own text and headings, without the headings and title that name the
    assessment ("ITA 2569" banners); with ``keep_names``, also the link text and file name that led to it."""
    d = ev.doc
    headings = [h for h in d.headings if not BANNER.search(h)]
    title = "" if d.kind != "html" or BANNER.search(d.title) else d.title
    doc = d if headings == d.headings and title == d.title else replace(d, title=title, headings=headings)
    if keep_names:
        return ev if doc is d else EvidenceDoc(record=ev.record, doc=doc)
    return ContentView(record=ev.record, doc=doc)


def _names_item(heading: str, rule: Rule) -> bool:
    """A heading that names the assessment or the item (its code or topic) rather than stating content."""
    if BANNER.search(heading) or contains_any(heading, rule.topic_terms):
        return True
    return bool(re.match(rf"\s*(ข้อ(ที่)?\s*)?{re.escape(rule.code)}(?!\d)", heading, re.I))


def concrete(text: str) -> bool:
    """Whether text states facts (a dated entry, a person, a contact, an amount), not only a topic."""
    if any(f.precision == "day" for f in find_dates(text)):
        return True
    return bool(_PERSON.search(text) or _CONTACT.search(text) or _AMOUNT.search(text))


def placeholder(view: ContentView) -> bool:
    """A page or section that says its content is still to come, and little else."""
    text = view.doc.text
    m = PLACEHOLDER.search(text)
    return m is not None and letters(PLACEHOLDER.sub(" ", text)) < MAX_PLACEHOLDER_REST and not concrete(text)


def substantial(view: ContentView, rule: Rule) -> bool:
    """Whether a document holds content of its own: readable document text, or a page/section body with
    facts, a picture, a form or map, a link to a service (for rules that check links), or enough own text
    that is not a restatement of the criteria."""
    d = view.doc
    if d.kind != "html":
        return letters(d.text) >= MIN_DOCUMENT_LETTERS
    if placeholder(view):
        return False
    if any(img.src and not IMG_NOISE.search(img.src + " " + img.alt) for img in d.images):
        return True
    if (d.has_form and not d.has_password_form) or d.has_map:
        return True
    if any(e.check in LINK_CHECKS for e in rule.elements) and any(
        not is_document_url(ln.href) for ln in d.content_links
    ):
        return True
    if concrete(d.text):
        return True
    if "; section " in d.note:
        # on an index page the row or tab of an item may quote the whole criterion: only the lines that do not
        # quote it are the item's own text (one line per block there)
        own = [ln for ln in d.text.split("\n") if not REQUIREMENT.search(ln)]
        return letters("\n".join(own)) >= MIN_SECTION_LETTERS
    n = letters(d.text)
    return n >= MIN_PAGE_LETTERS and (not REQUIREMENT.search(d.text) or n > MAX_DESCRIPTION_LETTERS)


def without_criteria(ev: EvidenceDoc, rule: Rule) -> EvidenceDoc:
    """An item's section on an index page without the lines that quote the criterion or only name the item
    (what the item must show, or its title in a table cell, is not evidence that it is shown)."""
    d = ev.doc
    if d.kind != "html" or "; section " not in d.note:
        return ev

    def names_only(line: str) -> bool:
        rest = normalize(_NAMING.sub(" ", _strip(line, rule.topic_terms)))
        # a short line that names nothing (a column header "ระยะเวลา", a cell "ไตรมาส 1-2") is content
        return rest != normalize(line) and letters(rest) < MIN_PAGE_LETTERS

    lines = d.text.split("\n")
    content = [concrete(ln) or not (REQUIREMENT.search(ln) or names_only(ln)) for ln in lines]
    # a sub-heading inside the section ("ขั้นตอนการให้บริการ" over the steps) heads content: it stays
    subheads = {h for h in d.headings if h != lines[0]}
    heads = [ln in subheads and i + 1 < len(lines) and content[i + 1] for i, ln in enumerate(lines)]
    kept = [ln for i, ln in enumerate(lines) if content[i] or heads[i]]
    headings = [h for h in d.headings if not _names_item(h, rule) or h in kept]
    if len(kept) == len(lines) and headings == d.headings:
        return ev
    return EvidenceDoc(record=ev.record, doc=replace(d, text="\n".join(kept), headings=headings))
