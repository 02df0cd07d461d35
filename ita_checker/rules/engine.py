"""The rule engine: judges one OIT item from fetched evidence (topic → period → elements → verdict)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote, urlparse

from ita_checker.extract.evidence import EvidenceDoc, EvidenceIndex
from ita_checker.extract.html import is_document_url
from ita_checker.models import FAIL_CLASS_TH, Verdict
from ita_checker.result import new_item
from ita_checker.rules.checks import CHECKS, Ctx, period_window
from ita_checker.rules.facts import BundleFacts, doc_facts
from ita_checker.rules.model import Element, Period, Rule
from ita_checker.rules.substance import (
    PLACEHOLDER,
    ContentView,
    content_view,
    dated_view,
    placeholder,
    substantial,
    without_criteria,
)
from ita_checker.text.thaidate import format_th
from ita_checker.text.thaitext import contains_any, match_key, normalize, snippet
from ita_checker.urls import url_key

OCR_REVIEW_BELOW = 60.0
TRANSIENT = {"timeout", "connect", "dns", "server_error", "tls", "other"}
RANK = {"pass": 5, "incomplete": 4, "stale": 3, "needs_review": 2, "unreachable": 1, "fail": 0}
MAX_DISCOVERED_CANDIDATES = 8
DOC_KIND = {"docx": "office", "xlsx": "office", "odt": "office"}  # extractor kind → rule document_kinds
SIGNATURE_DEFAULT = Element(
    id="signed_by_head",
    label_th="ลงนามโดยผู้บริหารสูงสุด",
    keywords=["ลงนาม", "ลงชื่อ", "ประกาศ ณ วันที่", "สั่ง ณ วันที่"],
    check="signature",
)


@dataclass
class Judgement:
    """The verdict on one bundle of evidence, with everything a reviewer needs to see why."""

    verdict: str
    reasons: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    title_only: bool = False  # the item was named but none of its content could be read
    failed_links: list[Any] = field(default_factory=list)  # FetchRecords of the bundle's links that failed

    @property
    def rank(self) -> tuple[int, int]:
        return RANK.get(self.verdict, 0), len(self.found)


def topic_hits(rule: Rule, ev: EvidenceDoc, *, allow_body: bool) -> list[str]:
    """Topic keywords found where the rule says they count (title, headings, link text, URL, document)."""
    d = ev.doc
    if "any" not in rule.document_kinds and DOC_KIND.get(d.kind, d.kind) not in rule.document_kinds:
        return []
    if rule.topic.none and contains_any(d.head_key + match_key(ev.anchor), rule.topic.none):
        return []
    places: list[str] = []
    where = set(rule.topic.where)
    if "title" in where or "heading" in where:
        places.append(d.head_key)
    if "anchor" in where:
        places.append(match_key(ev.anchor))
    if "url" in where:
        places.append(match_key(ev.url_words))
    if "document" in where and d.kind != "html":
        places.append(d.start_key)
    if allow_body or "body" in where:
        places.append(d.text_key)
    hay = "\n".join(places)
    hits = contains_any(hay, rule.topic_terms)
    if not hits and rule.topic.regex:
        text = "\n".join([d.title, *d.headings, ev.anchor, ev.url_words] + ([d.text] if allow_body else []))
        hits = [m.group(0) for rx in rule.topic.regex if (m := re.search(rx, normalize(text), re.I))]
    if hits and rule.topic.all and len(contains_any(hay, rule.topic.all)) < len(rule.topic.all):
        return []
    return hits


def _period(rule: Rule, b: BundleFacts, fy: int) -> tuple[str, str]:
    """('ok' | 'stale' | 'unknown', Thai reason); a rule's ``period_also`` periods are accepted with a note."""
    status, why = _period_of(rule.period, b, fy)
    if status == "ok":
        return status, why
    for alt in rule.period_also:
        if _period_of(alt, b, fy)[0] == "ok":
            _, wanted = period_window(rule.period, fy)
            _, got = period_window(alt, fy)
            return "ok", f"ยอมรับข้อมูลปีงบประมาณ {got} (เกณฑ์ระบุปี {wanted} แต่ยังไม่ยืนยัน จึงยอมรับทั้งสองแบบ)"
    return status, why


def _period_of(kind: Period, b: BundleFacts, fy: int) -> tuple[str, str]:
    if kind == "none":
        return "ok", ""
    if kind == "multi_year_covering_current":
        ranges = b.year_ranges
        if any(a <= fy <= z for a, z in ranges):
            return "ok", ""
        if ranges:
            shown = ", ".join(f"{a}-{z}" for a, z in sorted(ranges))
            return "stale", f"ช่วงปีของแผนที่พบ ({shown}) ไม่ครอบคลุมปีงบประมาณ {fy}"
        if fy in b.fy_labels:
            return "ok", ""
        return "unknown", f"ไม่พบช่วงปีของแผน (เช่น พ.ศ. {fy - 3}-{fy + 1})"
    _, target = period_window(kind, fy)
    if any(a <= target <= z for a, z in b.year_ranges):  # a multi-year plan covering the year counts
        return "ok", ""
    for label, years in (("ปีงบประมาณที่ระบุ", b.fy_labels), ("วันที่ในเอกสาร", b.date_fys), ("ปี พ.ศ. ที่ระบุ", b.head_years)):
        if not years:
            continue
        if target in years:
            return "ok", ""
        shown = ", ".join(str(y) for y in sorted(years))
        return "stale", f"{label}: {shown} ไม่ใช่ปีงบประมาณ {target} ที่ต้องการ"
    return "unknown", f"ไม่พบปีหรือวันที่ในหลักฐาน จึงยืนยันไม่ได้ว่าเป็นข้อมูลปีงบประมาณ {target}"


def _elements(rule: Rule, b: BundleFacts, *, fy: int, agency_type: str) -> Judgement:
    j = Judgement(verdict="pass")
    elements = list(rule.elements)
    if rule.signed_by_head is True and not any(e.check == "signature" for e in elements):
        elements.append(SIGNATURE_DEFAULT)
    results: dict[str, bool] = {}
    years = set(b.years_found())
    for el in elements:
        if el.applies_to is not None and agency_type not in el.applies_to:
            continue
        period = el.period or rule.period
        window, target = period_window(period if period != "none" else "current_fy", fy)
        r = CHECKS[el.check](b, el, Ctx(fy=fy, window=window, target_fy=target))
        ok = r.found
        detail = r.detail
        if ok and el.period not in (None, "none", rule.period) and target not in years:
            ok, detail = False, f"ไม่พบข้อมูลของปีงบประมาณ {target}"
        results[el.id] = ok
        label = el.label_th + (f" ({detail})" if detail and not ok else "")
        if ok:
            j.found.append(el.label_th)
        elif el.required is True:
            j.missing.append(label)
        elif el.required == "unknown":
            j.warnings.append(f"ไม่พบ {label} (เกณฑ์นี้ยังไม่แน่ชัด)")
    if rule.satisfied_by and j.missing:
        for group in rule.satisfied_by:
            if all(results.get(e, False) for e in group):
                j.missing = []
                break
    return j


CONTACT_CHECKS = {"address", "phone", "email", "contact"}


def _all_required(rule: Rule, docs: list[EvidenceDoc], *, fy: int, agency_type: str) -> bool:
    """Whether a contact-type item (address, phone, e-mail required) shows every required element."""
    required = [e for e in rule.elements if e.required is True]
    if not any(e.check in CONTACT_CHECKS for e in required):
        return False
    return not _elements(rule, BundleFacts.of(docs), fy=fy, agency_type=agency_type).missing


def judge_bundle(
    rule: Rule,
    docs: list[EvidenceDoc],
    *,
    fy: int,
    agency_type: str,
    primary: set[str] | None = None,
    home: bool = False,
) -> Judgement:
    """Judge one bundle: the submitted page(s) (``primary``, whose body text may carry the topic) plus
    the documents linked from them.

    Titles, headings, link texts and file names find the item's topic and may name its parts, but never pass
    it alone: a bundle with no content (the page's own text, a fetched document) is ``fail`` (``title_only``).
    The period is read from the content first: a document's own years decide over an "ITA 2569" heading.
    """
    primary = {url_key(u) for u in primary or ()}
    hits_by_doc = {ev.url: topic_hits(rule, ev, allow_body=url_key(ev.url) in primary) for ev in docs}
    topical = [ev for ev in docs if hits_by_doc[ev.url]]
    if not topical and home and docs and _all_required(rule, docs, fy=fy, agency_type=agency_type):
        # a home page names no topic in its footer, but shows the item's every required element there
        hits_by_doc[docs[0].url] = ["องค์ประกอบครบบนหน้าแรก"]
        topical = docs[:1]
    if not topical:
        j = Judgement(verdict="fail", reasons=[f"ไม่พบเนื้อหาเรื่อง “{rule.title_th}” ในหน้าที่ตรวจ"])
        j.evidence = [_evidence(ev, "", include_snippet=True) for ev in docs[:1]]
        return _weak_evidence(j, docs)
    views = [content_view(ev, rule) for ev in docs]
    if not any(substantial(v, rule) for v in views):
        return _weak_evidence(_title_only(rule, topical, views, hits_by_doc), docs)
    j = _elements(rule, BundleFacts.of([without_criteria(ev, rule) for ev in docs]), fy=fy, agency_type=agency_type)
    if len(topical) < rule.min_documents:
        j.missing.append(f"เอกสารอย่างน้อย {rule.min_documents} ฉบับ (พบ {len(topical)})")
    status, why, b = _dated(rule, docs, topical, fy)
    j.years = b.years_found()
    j.evidence = [_evidence(ev, hits_by_doc[ev.url][0]) for ev in topical[:5]]
    j.url = topical[0].url
    j.reasons.append("พบหัวข้อ: " + ", ".join(dict.fromkeys(h for ev in topical for h in hits_by_doc[ev.url][:2]))[:200])
    for where, years in b.dropped_years.items():
        j.warnings.append(f"ไม่นับปี {', '.join(map(str, years))} ที่อ่านด้วย OCR จาก {where} (นอกช่วงที่เป็นไปได้)")
    if status == "stale":
        j.verdict = "stale"
        j.reasons.append(why)
    elif j.missing:
        j.verdict = "incomplete"
        j.reasons.append("ขาดองค์ประกอบ: " + "; ".join(j.missing))
        if status == "unknown":
            j.reasons.append(why)
    elif status == "unknown":
        j.verdict = "needs_review"
        j.reasons.append(why)
    else:
        j.verdict = "pass"
        if why:  # accepted under an alternative period
            j.warnings.append(why)
    return _weak_evidence(j, docs)


def _dated(rule: Rule, docs: list[EvidenceDoc], topical: list[EvidenceDoc], fy: int) -> tuple[str, str, BundleFacts]:
    """The period of a bundle from the most direct evidence that carries a year: the fetched documents of the
    item themselves; else the pages' own text and headings (banners naming the assessment excluded); else
    also the link texts and file names that led to them."""
    files = [dated_view(ev) for ev in topical if ev.doc.kind != "html"]
    tiers = [files] if files else []
    tiers += [[dated_view(ev) for ev in docs], [dated_view(ev, keep_names=True) for ev in docs]]
    for tier in tiers:
        b = BundleFacts.of(tier, fy=fy)
        status, why = _period(rule, b, fy)
        if status != "unknown":
            return status, why, b
    return status, why, b


def _title_only(
    rule: Rule, topical: list[EvidenceDoc], views: list[ContentView], hits_by_doc: dict[str, list[str]]
) -> Judgement:
    """The item is named (a heading, a link text, a file name, a description of the criteria) but nothing of
    its content was fetched: fail, or a placeholder's own words."""
    j = Judgement(verdict="fail", title_only=True)
    held = [v for v in views if placeholder(v)]
    if held:
        said = PLACEHOLDER.search(held[0].doc.text)
        j.reasons.append(f"หน้านี้แจ้งเพียงว่า “{said.group(0) if said else 'อยู่ระหว่างดำเนินการ'}” ยังไม่มีข้อมูลของข้อนี้")
    else:
        j.reasons.append(
            f"พบเพียงชื่อเรื่อง “{rule.title_th}” (หัวข้อ ชื่อลิงก์ ชื่อไฟล์ หรือคำอธิบายเกณฑ์) ไม่พบเนื้อหาหรือเอกสารของข้อนี้ที่เปิดอ่านได้"
        )
    j.evidence = [_evidence(ev, hits_by_doc[ev.url][0]) for ev in topical[:5]]
    j.url = topical[0].url
    return j


def _weak_evidence(j: Judgement, docs: list[EvidenceDoc]) -> Judgement:
    """Unreadable or low-confidence documents turn a negative verdict into needs_review."""
    if j.verdict == "pass":
        return j
    weak = [
        ev
        for ev in docs
        if (ev.doc.ocr_confidence is not None and ev.doc.ocr_confidence < OCR_REVIEW_BELOW)
        or ev.doc.note.startswith(("bad_content", "ocr unavailable"))
    ]
    if weak:
        j.reasons.append("มีเอกสารที่อ่านได้ไม่ชัด/อ่านไม่ได้ ต้องให้คนตรวจ: " + ", ".join(ev.shown_url for ev in weak[:3]))
        j.verdict = "needs_review"
    return j


def _evidence(ev: EvidenceDoc, kw: str, *, include_snippet: bool = True) -> dict[str, Any]:
    f = doc_facts(ev)
    base = ev.doc.text or ev.doc.title
    snip = snippet(base, kw, 90) if kw else base[:180]
    dates = sorted(set(f.dates))[:6]
    return {
        "url": ev.shown_url,
        "snippet": snip if include_snippet else "",
        "title": ev.doc.title,
        "kind": ev.doc.kind,
        "source": ev.record.source,
        "years_found": sorted(set(f.fy_labels) | f.date_fys() | set(f.head_years)),
        "dates_found": [format_th(d) for d in dates],
        "ocr_confidence": ev.doc.ocr_confidence,
        "linked_from": ev.record.parent_url,
        "via_browser": ev.record.via_browser,
        "screenshot": None,
    }


def _discovered(rule: Rule, index: EvidenceIndex, *, fy: int, agency_type: str, exclude: set[str]) -> Judgement | None:
    cands = []
    for ev in index.docs():
        if url_key(ev.url) in exclude or url_key(ev.shown_url) in exclude:
            continue
        hits = topic_hits(rule, ev, allow_body=False)
        if hits:
            cands.append((len(hits), ev))
    cands.sort(key=lambda t: -t[0])
    best: Judgement | None = None
    for _, ev in cands[:MAX_DISCOVERED_CANDIDATES]:
        docs, failed = index.bundle(ev.url, code=rule.code)
        j = judge_bundle(rule, docs, fy=fy, agency_type=agency_type, primary={ev.url})
        j.url = ev.shown_url
        j.failed_links = failed
        if j.title_only and failed:  # the item's own documents are there but cannot be opened
            j.verdict = "unreachable"
            j.reasons.append("เอกสารของข้อนี้ที่ลิงก์ไว้เปิดไม่ได้")
        if best is None or j.rank > best.rank:
            best = j
    return best


def _fetch_error(rec: Any) -> dict[str, str]:
    cls = rec.fail_class or "other"
    return {"url": rec.url, "class": cls, "detail": f"{FAIL_CLASS_TH.get(cls, cls)}: {rec.detail or ''}".strip()}


def fix_hint(rule: Rule, verdict: str, *, missing: list[str], suggested: list[str], fy: int) -> str:
    """What the agency should do, for this verdict (Thai, shown in reports)."""
    base = rule.fix_hint_th
    if verdict in ("pass", "not_applicable"):
        return ""
    if suggested and verdict in ("fail", "stale", "incomplete", "unreachable"):
        return f"ส่ง URL {suggested[0]} แทน URL เดิม (พบข้อมูลที่นั่น) / {base}"
    if verdict == "incomplete":
        return "เพิ่มสิ่งที่ขาด: " + "; ".join(missing) + f" / {base}"
    if verdict == "stale":
        _, target = period_window(rule.period if rule.period != "none" else "current_fy", fy)
        return f"เปลี่ยนเป็นข้อมูลของปีงบประมาณ พ.ศ. {target} / {base}"
    if verdict == "unreachable":
        return "ทำให้ URL ที่ส่งเปิดได้จากภายนอกโดยไม่ต้องเข้าสู่ระบบ (ไม่ใช่ลิงก์เสียหรือเซิร์ฟเวอร์ล่ม) แล้วตรวจซ้ำ"
    if verdict == "needs_review":
        return f"ผู้ตรวจควรเปิดดูหลักฐานเอง / {base}"
    return base


def judge_item(
    rule: Rule, index: EvidenceIndex, *, fy: int, agency_type: str, submitted: list[str] | None
) -> dict[str, Any]:
    """The result entry of one item (schema ita-checker/result/v1 ``items[]``).

    ``submitted`` is the list of URLs the agency gave for this item, or None when no form was given
    (self-check by discovery). Steps: applicability, judge the submitted URLs or what discovery found,
    suggest a better page, cap placeholders, then fill the entry.
    """
    out = new_item(
        code=rule.code,
        title=rule.title_th,
        rule_id=f"{rule.ruleset}/{rule.id}",
        urls=submitted or [],
        confidence=rule.confidence,
        placeholder=rule.placeholder,
        period=rule.period,
        fix_hint=rule.fix_hint_th,
        message=rule.message_th,
    )
    if agency_type not in rule.applies_to:
        out.update(verdict="not_applicable", reasons=[f"ข้อนี้ไม่ใช้กับหน่วยงานประเภท {agency_type}"])
        return out
    if not rule.evidence.submitted:
        submitted = None  # the rule reads only what discovery finds on the site
    if submitted is None:
        j, unreachable = _judge_discovery(rule, index, out, fy=fy, agency_type=agency_type)
    elif not submitted:
        j, unreachable = Judgement(verdict="fail", reasons=["หน่วยงานไม่ได้ส่ง URL สำหรับข้อนี้"]), False
    else:
        j, unreachable = _judge_submitted(rule, index, out, submitted, fy=fy, agency_type=agency_type)
    alt = None
    if submitted is not None and rule.evidence.discovered:
        alt = _suggest_better_page(rule, index, out, j, submitted, fy=fy, agency_type=agency_type)
    out["found_on_site"] = _found_on_site(j, alt, submitted=bool(submitted))
    return _finish(rule, out, j, unreachable=unreachable, fy=fy)


def _worth_submitting(alt: Judgement) -> bool:
    """A page found elsewhere that is the item: it passes, or shows more of the item's elements than it lacks
    (a document on another topic that shares a word with this one is not worth naming)."""
    return alt.verdict == "pass" or (alt.verdict == "incomplete" and len(alt.found) > len(alt.missing))


def _found_on_site(j: Judgement, alt: Judgement | None, *, submitted: bool) -> dict[str, Any] | None:
    """The best evidence of the item on the site: the submitted (or discovered) page, or a better page found
    elsewhere; None when nothing on the site shows the item."""
    best = j
    if alt is not None and alt.url and _worth_submitting(alt) and alt.rank > j.rank:
        best = alt  # only what would be worth submitting instead, as the fix hint suggests
    if not best.url or best.verdict == "fail":
        return None
    return {"verdict": best.verdict, "url": best.url, "submitted": submitted and best is j}


def _judge_discovery(
    rule: Rule, index: EvidenceIndex, out: dict[str, Any], *, fy: int, agency_type: str
) -> tuple[Judgement, bool]:
    """Self-check: the best page discovery found for the item, else fail (or unreachable when the site is down)."""
    j = _discovered(rule, index, fy=fy, agency_type=agency_type, exclude=set()) if rule.evidence.discovered else None
    if j is not None:
        if j.url:
            out["urls"] = [j.url]
        out["fetch_errors"].extend(_fetch_error(r) for r in j.failed_links)  # dead links of the item, reported
        return j, j.verdict == "unreachable"
    home = index.site_home_failed()
    if home is not None and not index.docs():
        out["fetch_errors"].append(_fetch_error(home))
        return Judgement(verdict="unreachable", reasons=["เข้าเว็บไซต์ของหน่วยงานไม่ได้"]), True
    reason = "ไม่พบหน้าที่เกี่ยวกับข้อนี้บนเว็บไซต์ (ตรวจแบบค้นหาเอง ไม่มีแบบฟอร์ม URL)"
    return Judgement(verdict="fail", reasons=[reason]), False


def _judge_submitted(
    rule: Rule, index: EvidenceIndex, out: dict[str, Any], submitted: list[str], *, fy: int, agency_type: str
) -> tuple[Judgement, bool]:
    """The submitted URLs (and, where the rule allows, the documents they link) judged as one bundle."""
    ok_urls = [u for u in submitted if index.doc(u) is not None]
    failed = [rec for u in submitted if index.doc(u) is None and (rec := index.failure(u)) is not None]
    out["fetch_errors"] = [_fetch_error(r) for r in failed]
    for u in submitted:
        if index.doc(u) is None and index.failure(u) is None:
            out["fetch_errors"].append({"url": u, "class": "other", "detail": "ไม่ได้ดึงข้อมูล (เกินงบประมาณหน้า?)"})
    if not ok_urls:
        return Judgement(verdict="unreachable", reasons=["เปิด URL ที่ส่งไม่ได้ทั้งหมด"]), True
    docs: list[EvidenceDoc] = []
    failed_children = []
    for u in ok_urls:
        # A home page submitted for an item: only what is on it (and files it links) counts, not the
        # pages its links lead to; the NACC panel opens the link that was submitted.
        home = index.is_home(u)
        if rule.evidence.linked_documents:
            bdocs, bfailed = index.bundle(u, documents_only=home, code=rule.code)
        else:
            bdocs, bfailed = [ev for ev in [index.section(u, rule.code) or index.doc(u)] if ev is not None], []
        if bdocs and _is_news_list(bdocs[0]) and not any("ข่าว" in t for t in rule.topic_terms):
            # a news list submitted for another item: its headlines lead to news stories, not to the item
            bdocs = [bdocs[0], *(d for d in bdocs[1:] if d.doc.kind != "html")]
        if home and bdocs and index.section(u, rule.code) is None:
            # the home page itself is judged, its footer (address, phone, e-mail) included
            bdocs[0] = _with_footer(bdocs[0])
            bfailed = []  # a dead file linked from the home page says nothing about this item
        docs.extend(d for d in bdocs if d not in docs)
        failed_children.extend(bfailed)
    home = any(index.is_home(u) and index.section(u, rule.code) is None for u in ok_urls)
    j = judge_bundle(rule, docs, fy=fy, agency_type=agency_type, primary=set(ok_urls), home=home)
    # In an item's own section every link is its evidence; on a whole page only the links that name the item.
    sectioned = any(index.section(u, rule.code) is not None for u in ok_urls)
    if not sectioned:
        failed_children = [r for r in failed_children if _names_topic(rule, r)]
    for rec in failed_children:
        out["fetch_errors"].append(_fetch_error(rec))
    off_site = [u for u in ok_urls if not index.on_main_site(u)] if rule.on_main_site else []
    if off_site and j.verdict == "pass":
        j.verdict = "needs_review"
        j.reasons.append("URL ที่ส่งอยู่นอกเว็บไซต์หลักและไม่พบลิงก์จากเว็บไซต์หลัก (OIT ตรวจบนเว็บไซต์หลัก): " + ", ".join(off_site))
    # A link of the item that cannot be opened leaves the item unjudged.
    transient = any(r.fail_class in TRANSIENT for r in failed_children)
    if j.verdict != "pass" and (failed or transient or ((sectioned or j.title_only) and failed_children)):
        j.reasons.append("บาง URL/เอกสารเปิดไม่ได้ จึงยังตัดสินไม่ได้ว่าไม่มีข้อมูล")
        j.verdict = "unreachable"
        return j, True
    return j, False


_NEWS = re.compile(r"ข่าว|news|กิจกรรม|ประชาสัมพันธ์|activity", re.I)


def _is_news_list(ev: EvidenceDoc) -> bool:
    """A list of news stories (a news page or category): named so, and linking three or more pages."""
    d = ev.doc
    if d.kind != "html" or not any(_NEWS.search(h) for h in [d.title, *d.headings[:2], ev.url_words]):
        return False
    return sum(1 for ln in d.content_links if not is_document_url(ln.href)) >= 3


def _names_topic(rule: Rule, rec: Any) -> bool:
    """Whether a failed link's text or file name names the item."""
    p = urlparse(rec.url)
    words = unquote(p.path + " " + p.query).replace("_", " ").replace("-", " ")
    return bool(contains_any(match_key(f"{rec.anchor or ''} {words}"), rule.topic_terms))


def _with_footer(ev: EvidenceDoc) -> EvidenceDoc:
    d = ev.doc
    if not d.footer or d.footer in d.text:
        return ev
    links = d.content_links + [ln for ln in d.footer_links if ln not in d.content_links]
    return EvidenceDoc(record=ev.record, doc=replace(d, text=f"{d.text}\n{d.footer}", content_links=links))


def _suggest_better_page(
    rule: Rule,
    index: EvidenceIndex,
    out: dict[str, Any],
    j: Judgement,
    submitted: list[str],
    *,
    fy: int,
    agency_type: str,
) -> Judgement | None:
    """When the submitted URL does not pass, name a page on the site that answers the item better (and
    return what was found there)."""
    if j.verdict not in ("fail", "incomplete", "stale", "unreachable"):
        return None
    alt = _discovered(rule, index, fy=fy, agency_type=agency_type, exclude={url_key(u) for u in submitted})
    if alt is not None and _worth_submitting(alt) and alt.rank > (RANK.get(j.verdict, 0), len(j.found)) and alt.url:
        out["suggested_urls"] = [alt.url]
        j.reasons.append(f"พบข้อมูลที่ดีกว่าที่ {alt.url} (ผลถ้าใช้ URL นี้: {alt.verdict}) ควรส่ง URL นี้แทน")
    return alt


def _finish(rule: Rule, out: dict[str, Any], j: Judgement, *, unreachable: bool, fy: int) -> dict[str, Any]:
    """Cap a placeholder item at needs_review, write the fix hint, and fill the entry from the judgement."""
    verdict = j.verdict
    out["tool_verdict"] = verdict
    if rule.placeholder and verdict not in ("unreachable", "not_applicable") and not unreachable:
        verdict = "needs_review"
        j.reasons.append(rule.placeholder_reason or "ข้อนี้เป็นข้อคาดการณ์ จึงต้องให้คนตรวจ")
    out["fix_hint"] = fix_hint(rule, verdict, missing=j.missing, suggested=out["suggested_urls"], fy=fy)
    out.update(
        verdict=Verdict(verdict).value,
        reasons=j.reasons,
        elements_found=j.found,
        elements_missing=j.missing,
        warnings=j.warnings,
        evidence=j.evidence,
        years_found=j.years,
    )
    return out
