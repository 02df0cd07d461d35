"""Plain dataclass view model of one result dict, shared by the HTML, PDF and XLSX reports."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote, urlsplit

from ita_checker.models import AGENCY_TYPE_TH, FAIL_CLASS_TH, VERDICT_LOOK, VERDICT_ORDER, VERDICT_TH, code_sort_key
from ita_checker.text.snippets import Excerpt, boilerplate, excerpt, thai_only
from ita_checker.text.thaidate import MONTHS_TH
from ita_checker.text.thaidate import MONTHS_TH_ABBR as THAI_MONTHS_ABBR

__all__ = ["AgencyReport", "ItemView", "Link", "build_agency_report", "code_sort_key", "safe_link"]

SAFE_SCHEMES: frozenset[str] = frozenset({"http", "https"})
BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")  # no daylight saving: a fixed offset needs no tzdata

CRAWL_LABELS_TH: tuple[tuple[str, str], ...] = (
    ("pages_fetched", "หน้าเว็บที่ดึงมา"),
    ("documents_fetched", "เอกสารที่ดึงมา (PDF, Word, Excel, ภาพ)"),
    ("errors", "URL ที่ดึงไม่สำเร็จ"),
    ("duration_s", "เวลาที่ใช้ดึงข้อมูล (วินาที)"),
)
CRAWL_TECH_TH: dict[str, str] = {
    "not_modified": "ใช้ซ้ำจากรอบก่อน (ไม่เปลี่ยนแปลง 304 หรือตรวจต่อ)",
    "via_browser": "เปิดด้วยเบราว์เซอร์ (หน้าที่ต้องใช้ JavaScript)",
    "fresh_reused": "เอกสารที่ใช้ฉบับที่เก็บไว้โดยไม่ขอใหม่ (ไม่เปลี่ยนมานานพอตามรอบขอใหม่)",
}
CONFIDENCE_TH: dict[str, str] = {"H": "เกณฑ์ยืนยันแล้ว", "M": "เกณฑ์ยืนยันแล้ว", "L": "เกณฑ์คาดการณ์", "?": "เกณฑ์คาดการณ์"}
KIND_TH: dict[str, str] = {  # files only: a web page needs no label
    "pdf": "ไฟล์ PDF",
    "docx": "ไฟล์ Word",
    "odt": "ไฟล์เอกสาร",
    "xlsx": "ไฟล์ Excel",
    "image": "ไฟล์ภาพ",
    "text": "ไฟล์ข้อความ",
}
SOURCE_TH: dict[str, str] = {
    "home": "หน้าแรก",
    "submitted": "URL ที่ส่ง",
    "discovered": "พบจากการค้นเว็บไซต์",
    "linked": "ลิงก์จากหน้าที่ตรวจ",
    "sitemap": "แผนผังเว็บไซต์",
}
VERDICT_MEANING_TH: dict[str, str] = {v: look.meaning_th for v, look in VERDICT_LOOK.items()}
# Fix first: what the agency can fix itself comes before what only a person can judge.
FIX_ORDER: tuple[str, ...] = ("fail", "stale", "incomplete", "unreachable", "needs_review")

_UNSAFE_CHARS_RE = re.compile(r"[\x00-\x20\x7f]")
_TOPIC_PREFIX = "พบหัวข้อ: "
_TARGET_YEAR_RE = re.compile(r"พ\.ศ\. (\d{4})")

TechRow = tuple[str, str]
ImageEmbedder = Callable[[str], str | None]  # relative screenshot path → data: URI (None: cannot be shown)


@dataclass(frozen=True)
class Link:
    """A URL from the data: ``href`` is set only when the URL is safe to link (http/https)."""

    text: str
    href: str | None


@dataclass(frozen=True)
class EvidenceView:
    """One piece of evidence found for an item."""

    url: Link
    snippet: str  # as stored in the result (the XLSX shows it whole)
    excerpt: Excerpt  # what the HTML shows: centred on the matched words, banner and menu cut
    kind_th: str
    same_as_submitted: bool  # the URL is already listed as submitted: not repeated
    years_found: list[int]
    dates_found: list[str]
    screenshot_src: str | None  # a data: URI when embedded, else the relative path (percent-encoded)
    screenshot_text: str | None
    tech: list[TechRow]


@dataclass(frozen=True)
class FetchErrorView:
    """One URL that could not be fetched, with its Thai failure label."""

    url: Link
    fail_class: str
    fail_class_th: str
    detail: str


@dataclass(frozen=True)
class ItemView:
    """One checklist item (O1, O2 …) ready for display."""

    code: str
    title: str
    verdict: str
    verdict_th: str
    urls: list[Link]
    evidence: list[EvidenceView]
    reasons: list[str]
    reasons_th: list[str]  # without English codes and debug counts
    elements_found: list[str]
    elements_missing: list[str]
    missing_th: list[str]
    found_th: list[str]
    suggested_urls: list[Link]
    found_on_site: Link | None  # where the item is published, when that is not the submitted URL
    found_verdict_th: str
    fetch_errors: list[FetchErrorView]
    fix_hint: str
    confidence: str
    confidence_th: str  # "เกณฑ์ยืนยันแล้ว" / "เกณฑ์คาดการณ์", "" when unknown
    low_confidence_rule: bool
    tech: list[TechRow]
    step: FixStep | None = None  # what to do, for an item that does not pass

    @property
    def checked_urls(self) -> list[Link]:
        """The URLs the item was judged on: those submitted, else (a self-check) the evidence pages."""
        return self.urls or [ev.url for ev in self.evidence if ev.url.text][:1]


@dataclass(frozen=True)
class FixStep:
    """One not-passing item on the "fix first" list: one sentence of what to do and where."""

    code: str
    title: str
    verdict: str
    verdict_th: str
    action_th: str
    url_label_th: str  # "ส่ง URL นี้", "แก้ที่", "เปิดไม่ได้", "ตรวจที่"; "" when there is no URL
    url: Link | None
    resubmit: bool  # a better page of the site is the fix: the quickest one


@dataclass(frozen=True)
class VerdictCount:
    """How many items got one verdict."""

    verdict: str
    label_th: str
    meaning_th: str
    count: int


@dataclass(frozen=True)
class Standing:
    """The OIT score against its result scale's line (summary.standing in result.json)."""

    pass_line: str | None
    meets_pass_line: bool | None
    best_possible: str | None
    note_th: str


@dataclass(frozen=True)
class AgencyReport:
    """Everything a per-agency report shows, in display order."""

    agency_name: str
    agency_type: str
    agency_type_th: str
    site: Link
    year: int
    ruleset: str
    ruleset_caveat: str | None
    ruleset_caveat_th: str | None
    checked_at: str
    checked_at_th: str  # as recorded, with its UTC offset
    checked_at_local_th: str  # in Bangkok time, as the agency reads it
    date_th: str  # the letter's date: "3 ธันวาคม พ.ศ. 2569" (Bangkok)
    score: float
    score_text: str
    standing: Standing | None
    counts: list[VerdictCount]
    total_items: int
    items: list[ItemView]
    fix_first: list[FixStep]
    site_unreachable: bool  # the site answered nothing: ตรวจไม่ได้, no score
    crawl: list[tuple[str, str]]
    notes: list[str]
    run_id: str | None
    tech: list[TechRow]


def _standing(raw: Any) -> Standing | None:
    if not isinstance(raw, dict) or not raw.get("note_th"):
        return None
    line = raw.get("pass_line")
    meets = raw.get("meets_pass_line")
    best = raw.get("best_possible")
    return Standing(
        pass_line=format_score(float(line)) if isinstance(line, int | float) else None,
        meets_pass_line=meets if isinstance(meets, bool) else None,
        best_possible=str(best) if best else None,
        note_th=str(raw["note_th"]),
    )


def safe_link(url: str) -> Link:
    """Return a link whose ``href`` is set only for absolute http(s) URLs without control characters."""
    candidate = url.strip()
    if not candidate or _UNSAFE_CHARS_RE.search(candidate):
        return Link(text=url, href=None)
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return Link(text=url, href=None)
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc:
        return Link(text=url, href=None)
    return Link(text=url, href=candidate)


def safe_relative_path(path: str) -> str | None:
    """Return a percent-encoded relative href for a screenshot path, or None when it is not relative."""
    candidate = path.strip()
    if not candidate or _UNSAFE_CHARS_RE.search(candidate.replace(" ", "")):
        return None
    if candidate.startswith(("/", "\\")) or "\\" in candidate:
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme or parts.netloc or ":" in candidate.split("/", 1)[0]:
        return None
    return quote(candidate, safe="/._-~")


def format_score(score: float) -> str:
    """Show a 0–100 score without a trailing ``.0`` and with at most two decimals."""
    if float(score).is_integer():
        return str(int(score))
    return f"{score:.2f}".rstrip("0").rstrip(".")


def format_checked_at_th(value: str) -> str:
    """Format an ISO date-time as a Thai date with a Buddhist-era year; fall back to the raw text."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    text = f"{moment.day} {THAI_MONTHS_ABBR[moment.month - 1]} {moment.year + 543} เวลา {moment:%H:%M} น."
    offset = moment.utcoffset()
    if offset is not None:
        minutes = int(offset.total_seconds()) // 60
        sign = "+" if minutes >= 0 else "-"
        hours, mins = divmod(abs(minutes), 60)
        text += f" (UTC{sign}{hours:02d}:{mins:02d})"
    return text


def _in_bangkok(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(BANGKOK) if moment.tzinfo is not None else moment


def format_local_th(value: str) -> str:
    """An ISO date-time in Bangkok time: ``4 ธ.ค. 2569 เวลา 01:20 น.``; the raw text when it is not one."""
    moment = _in_bangkok(value)
    if moment is None:
        return value
    return f"{moment.day} {THAI_MONTHS_ABBR[moment.month - 1]} {moment.year + 543} เวลา {moment:%H:%M} น."


def format_date_th(value: str) -> str:
    """The date of an ISO date-time in Bangkok, as a Thai letter writes it: ``3 ธันวาคม พ.ศ. 2569``."""
    moment = _in_bangkok(value)
    if moment is None:
        return value
    return f"{moment.day} {MONTHS_TH[moment.month - 1]} พ.ศ. {moment.year + 543}"


def thai_text(text: str) -> str:
    """User text without English codes (the raw text stays in the technical section)."""
    return thai_only(text, codes=VERDICT_TH)


def _str_list(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [str(v) for v in value]


def _int_list(value: Any) -> list[int]:
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, int) and not isinstance(v, bool)]


def _terms(raw: dict[str, Any]) -> list[str]:
    """The words an item was matched on: the topics the engine names in its reasons, then the item's title."""
    terms: list[str] = []
    for reason in _str_list(raw.get("reasons")):
        if reason.startswith(_TOPIC_PREFIX):
            terms.extend(t.strip() for t in reason[len(_TOPIC_PREFIX) :].split(",") if t.strip())
    return [*terms, str(raw.get("title", ""))]


def _is_page(ev: dict[str, Any]) -> bool:
    return str(ev.get("kind") or "html") == "html"


def _evidence_view(
    raw: dict[str, Any],
    *,
    terms: list[str],
    submitted: list[str],
    boiler: frozenset[tuple[str, ...]],
    embed: ImageEmbedder | None,
) -> EvidenceView:
    screenshot = raw.get("screenshot") if isinstance(raw.get("screenshot"), str) else None
    src = safe_relative_path(screenshot) if screenshot else None
    if src is not None and embed is not None:
        src = embed(screenshot or "")
    url = str(raw.get("url", ""))
    kind = str(raw.get("kind") or "")
    source = str(raw.get("source", ""))
    tech = [("ชนิด", kind), ("ที่มา", f"{SOURCE_TH[source]} ({source})" if source in SOURCE_TH else source)]
    if raw.get("via_browser"):
        tech.append(("เปิดด้วยเบราว์เซอร์", "via_browser"))
    if raw.get("linked_from"):
        tech.append(("ลิงก์จาก", str(raw["linked_from"])))
    if raw.get("ocr_confidence") is not None:
        tech.append(("ความชัดของ OCR", str(raw["ocr_confidence"])))
    if screenshot:
        tech.append(("ไฟล์ภาพหน้าจอ", screenshot))
    snippet = str(raw.get("snippet", ""))
    return EvidenceView(
        url=safe_link(url),
        snippet=snippet,
        excerpt=excerpt(snippet, terms, boiler=boiler if _is_page(raw) else frozenset()),
        kind_th=KIND_TH.get(kind, ""),
        same_as_submitted=url in submitted,
        years_found=_int_list(raw.get("years_found")),
        dates_found=_str_list(raw.get("dates_found")),
        screenshot_src=src,
        screenshot_text=screenshot if screenshot else None,
        tech=[(label, value) for label, value in tech if value],
    )


def _fetch_error_view(raw: dict[str, Any]) -> FetchErrorView:
    fail_class = str(raw.get("class", "other"))
    return FetchErrorView(
        url=safe_link(str(raw.get("url", ""))),
        fail_class=fail_class,
        fail_class_th=FAIL_CLASS_TH.get(fail_class, fail_class),
        detail=str(raw.get("detail", "")),
    )


def _item_tech(raw: dict[str, Any], item_reasons: list[str], missing: list[str]) -> list[TechRow]:
    rows: list[TechRow] = [("ผลการตรวจ (รหัส)", str(raw.get("verdict", "")))]
    tool = raw.get("tool_verdict")
    if tool and tool != raw.get("verdict"):
        rows.append(("ผลจากโปรแกรม ก่อนผู้ตรวจกำหนด", str(tool)))
    for key, label in (("rule_id", "กฎที่ใช้"), ("confidence", "ความเชื่อมั่นของเกณฑ์"), ("period", "ช่วงเวลาที่เกณฑ์กำหนด")):
        if raw.get(key):
            rows.append((label, str(raw[key])))
    rows.extend(("เหตุผล (ข้อความเดิม)", r) for r in _str_list(raw.get("reasons")) if r not in item_reasons)
    rows.extend(("สิ่งที่ขาด (ข้อความเดิม)", m) for m in _str_list(raw.get("elements_missing")) if m not in missing)
    rows.extend(("ข้อสังเกต", w) for w in _str_list(raw.get("warnings")))
    for fe in raw.get("fetch_errors") or []:
        if isinstance(fe, dict):
            rows.append(("ดึงไม่สำเร็จ", f"{fe.get('url', '')} [{fe.get('class', '')}] {fe.get('detail', '')}".strip()))
    return rows


def _item_view(raw: dict[str, Any], *, boiler: frozenset[tuple[str, ...]], embed: ImageEmbedder | None) -> ItemView:
    verdict = str(raw.get("verdict", ""))
    if verdict not in VERDICT_TH:
        raise ValueError(f"ผลการตรวจไม่รู้จัก / unknown verdict {verdict!r} in item {raw.get('code')!r}")
    found = raw.get("found_on_site") if isinstance(raw.get("found_on_site"), dict) else None
    submitted = _str_list(raw.get("urls"))
    terms = _terms(raw)
    reasons_th = [thai_text(r) for r in _str_list(raw.get("reasons"))]
    missing_th = [thai_text(m) for m in _str_list(raw.get("elements_missing"))]
    confidence = str(raw.get("confidence", ""))
    return ItemView(
        code=str(raw.get("code", "")),
        title=str(raw.get("title", "")),
        verdict=verdict,
        verdict_th=VERDICT_TH[verdict],
        urls=[safe_link(u) for u in submitted],
        evidence=[
            _evidence_view(e, terms=terms, submitted=submitted, boiler=boiler, embed=embed)
            for e in raw.get("evidence", [])
            if isinstance(e, dict)
        ],
        reasons=_str_list(raw.get("reasons")),
        reasons_th=[r for r in reasons_th if r],
        elements_found=_str_list(raw.get("elements_found")),
        elements_missing=_str_list(raw.get("elements_missing")),
        missing_th=[m for m in missing_th if m],
        found_th=[thai_text(f) for f in _str_list(raw.get("elements_found"))],
        suggested_urls=[safe_link(u) for u in _str_list(raw.get("suggested_urls"))],
        found_on_site=(
            safe_link(str(found["url"]))
            if found and not found.get("submitted") and found.get("url") not in submitted
            else None
        ),
        found_verdict_th=VERDICT_TH.get(str(found.get("verdict")), "") if found else "",
        fetch_errors=[_fetch_error_view(e) for e in raw.get("fetch_errors", []) if isinstance(e, dict)],
        fix_hint=str(raw.get("fix_hint", "")),
        confidence=confidence,
        confidence_th=CONFIDENCE_TH.get(confidence, ""),
        low_confidence_rule=bool(raw.get("low_confidence_rule", False)),
        tech=_item_tech(raw, reasons_th, missing_th),
    )


def _listed(values: list[str], *, most: int = 3) -> str:
    """``A, B และ C`` (and how many more)."""
    shown = values[:most]
    more = len(values) - len(shown)
    if more:
        return ", ".join(shown) + f" และอีก {more} รายการ"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " และ " + shown[-1]


def _page_of(item: ItemView) -> Link | None:
    """The page to fix: the first evidence page, else the first submitted URL."""
    if item.evidence and item.evidence[0].url.text:
        return item.evidence[0].url
    return item.urls[0] if item.urls else None


def _fail_action(item: ItemView, *, discovery: bool) -> tuple[str, str, Link | None]:
    if not item.urls:
        if discovery:
            return "ไม่พบข้อมูลของข้อนี้บนเว็บไซต์: เผยแพร่บนเว็บไซต์หลักของหน่วยงานแล้วตรวจซ้ำ", "", None
        return "ยังไม่ได้ส่ง URL ของข้อนี้: เผยแพร่ข้อมูลบนเว็บไซต์หลักแล้วกรอก URL ของหน้านั้นในแบบฟอร์ม", "", None
    first = item.reasons[0] if item.reasons else ""
    if first.startswith("หน้านี้แจ้งเพียงว่า"):
        action = "หน้าที่ส่งแจ้งเพียงว่ากำลังดำเนินการ: ลงข้อมูลจริงของข้อนี้ในหน้านั้นแล้วตรวจซ้ำ"
    elif first.startswith("พบเพียงชื่อเรื่อง"):
        action = "หน้าที่ส่งมีเพียงชื่อเรื่อง: ใส่เนื้อหาหรือไฟล์เอกสารของข้อนี้ที่เปิดอ่านได้ลงในหน้านั้น"
    else:
        action = "หน้าที่ส่งไม่มีเนื้อหาของข้อนี้: ลงข้อมูลในหน้านั้น หรือส่ง URL ของหน้าที่มีข้อมูลนี้แทน"
    return action, "แก้ที่", item.urls[0]


def _stale_action(item: ItemView, raw: dict[str, Any], year: int) -> str:
    target_match = _TARGET_YEAR_RE.search(item.fix_hint)
    target = int(target_match.group(1)) if target_match else year
    older = [y for y in _int_list(raw.get("years_found")) if y < target]
    seen = f"ข้อมูลที่พบเป็นของปี พ.ศ. {max(older)}" if older else "ข้อมูลที่พบไม่ใช่ของปีที่ตรวจ"
    return f"{seen}: ลงข้อมูลของปีงบประมาณ พ.ศ. {target} แทน"


def _fix_step(item: ItemView, raw: dict[str, Any], *, year: int, discovery: bool) -> FixStep:
    """One sentence of what to do for a not-passing item, and the URL to fix or to submit."""
    better = item.suggested_urls[0] if item.suggested_urls else None
    if better is None and item.found_on_site is not None and item.found_verdict_th == VERDICT_TH["pass"]:
        better = item.found_on_site
    label, url = "แก้ที่", _page_of(item)
    if better is not None and item.verdict != "needs_review":
        same = item.found_on_site is not None and item.found_on_site.text == better.text
        result_th = f" (ถ้าใช้หน้านี้ ผลจะเป็น “{item.found_verdict_th}”)" if same and item.found_verdict_th else ""
        action, label, url = f"ส่ง URL ของหน้าที่พบข้อมูลข้อนี้แทน URL เดิม{result_th}", "ส่ง URL นี้", better
    elif item.verdict == "fail":
        action, label, url = _fail_action(item, discovery=discovery)
    elif item.verdict == "stale":
        action = _stale_action(item, raw, year)
    elif item.verdict == "incomplete":
        if item.missing_th:
            action = f"เพิ่มสิ่งที่ยังขาดลงในหน้านี้: {_listed(item.missing_th)}"
        else:
            action = f"แก้ตามที่พบ: {item.reasons_th[-1]}" if item.reasons_th else "เพิ่มองค์ประกอบที่ยังขาดลงในหน้านี้"
    elif item.verdict == "unreachable":
        if item.fetch_errors:
            fe = item.fetch_errors[0]
            action = f"เปิด URL นี้ไม่ได้เพราะ{fe.fail_class_th}: แก้ให้เปิดได้จากภายนอกโดยไม่ต้องเข้าสู่ระบบ หรือส่ง URL ใหม่"
            label, url = "เปิดไม่ได้", fe.url
        else:
            action = "เอกสารของข้อนี้ที่ลิงก์ไว้เปิดไม่ได้: แก้ลิงก์ให้เปิดได้จากภายนอกแล้วตรวจซ้ำ"
    else:  # needs_review
        why = item.reasons_th[-1] if item.reasons_th else "หลักฐานไม่ชัดพอให้ตัดสินอัตโนมัติ"
        action, label = f"ให้เจ้าหน้าที่เปิดหลักฐานตรวจเอง: {why}", "ตรวจที่"
    return FixStep(
        code=item.code,
        title=item.title,
        verdict=item.verdict,
        verdict_th=item.verdict_th,
        action_th=action,
        url_label_th=label if url is not None else "",
        url=url,
        resubmit=label == "ส่ง URL นี้",
    )


SITE_DOWN_TH = (
    "เปิดเว็บไซต์ไม่ได้เลยสักหน้า จึงยังไม่ได้ตรวจและไม่ให้คะแนน: ตรวจว่าเว็บไซต์เปิดได้จากภายนอก "
    "(ชื่อโดเมน เซิร์ฟเวอร์ ไฟร์วอลล์) แล้วสั่งตรวจอีกครั้ง"
)


def _site_down_step(site: Link) -> FixStep:
    """The one thing to fix when the site answered nothing: not 26 copies of the same "cannot open"."""
    return FixStep(
        code="",
        title="ทั้งเว็บไซต์",
        verdict="unreachable",
        verdict_th=VERDICT_TH["unreachable"],
        action_th=SITE_DOWN_TH,
        url_label_th="เปิดไม่ได้",
        url=site,
        resubmit=False,
    )


def _fix_first(items: list[ItemView]) -> list[FixStep]:
    """Not-passing items, most actionable first: a better URL to submit, then by verdict (``FIX_ORDER``)."""
    steps = [it.step for it in items if it.step is not None]
    return sorted(steps, key=lambda s: (not s.resubmit, FIX_ORDER.index(s.verdict), code_sort_key(s.code)))


def _crawl_rows(raw: Any, items: list[dict[str, Any]]) -> tuple[list[tuple[str, str]], list[TechRow]]:
    """Thai rows of what was fetched, and the technical rest.

    ``documents_fetched`` counts only files found by following a link (``source == "linked"``): a PDF that was
    submitted or discovered is counted as a page. The files among the evidence are counted here, so a report
    never says "0 documents" above PDF evidence; pages are the rest of what was fetched."""
    if not isinstance(raw, dict):
        return [], []
    values = dict(raw)
    if isinstance(values.get("pages_fetched"), int) and isinstance(values.get("documents_fetched"), int):
        files = {
            str(ev.get("url"))
            for it in items
            for ev in it.get("evidence", [])
            if isinstance(ev, dict) and not _is_page(ev)
        }
        total = values["pages_fetched"] + values["documents_fetched"]
        documents = min(total, max(values["documents_fetched"], len(files)))
        values.update(pages_fetched=total - documents, documents_fetched=documents)
    rows = [(label, str(values[key])) for key, label in CRAWL_LABELS_TH if key in values]
    known = {key for key, _ in CRAWL_LABELS_TH}
    tech = [(CRAWL_TECH_TH.get(str(k), str(k)), f"{v} ({k})") for k, v in raw.items() if k not in known]
    return rows, tech


def build_agency_report(result: dict[str, Any], *, embed_image: ImageEmbedder | None = None) -> AgencyReport:
    """Build the view model of one result dict (result-v1 schema) for the HTML, PDF and XLSX reports.

    ``embed_image`` turns an evidence screenshot (a path relative to the result's folder) into a data: URI for a
    self-contained page; without it the relative path is kept.
    """
    agency = result.get("agency", {})
    summary = result.get("summary", {})
    raw_counts = summary.get("counts", {})
    site = safe_link(str(agency.get("site", "")))
    raw_score = summary.get("score")  # None: the site answered nothing, not scored (ตรวจไม่ได้)
    score = float(raw_score) if raw_score is not None else 0.0
    raw_items = [i for i in result.get("items", []) if isinstance(i, dict)]
    pages = {
        str(ev.get("url")): str(ev.get("snippet", ""))
        for it in raw_items
        for ev in it.get("evidence", [])
        if isinstance(ev, dict) and _is_page(ev)
    }
    boiler = boilerplate(pages.values())
    year = int(result.get("year", 0))
    discovery = result.get("mode") == "discovery"
    items = []
    for raw in raw_items:
        item = _item_view(raw, boiler=boiler, embed=embed_image)
        if item.verdict in FIX_ORDER:
            item = replace(item, step=_fix_step(item, raw, year=year, discovery=discovery))
        items.append(item)
    items.sort(key=lambda item: code_sort_key(item.code))
    counts = [
        VerdictCount(
            verdict=v,
            label_th=VERDICT_TH[v],
            meaning_th=VERDICT_MEANING_TH[v],
            count=int(raw_counts.get(v, 0)),
        )
        for v in VERDICT_ORDER
    ]
    agency_type = str(agency.get("type", ""))
    checked_at = str(result.get("checked_at", ""))
    run_id = result.get("run_id")
    crawl, crawl_tech = _crawl_rows(result.get("crawl"), raw_items)
    caveat = result.get("ruleset_caveat")
    tech: list[TechRow] = [
        ("ชุดเกณฑ์", str(result.get("ruleset", ""))),
        ("ประเภทหน่วยงาน (รหัส)", agency_type),
        ("เวลาที่ตรวจ (ตามที่บันทึก)", format_checked_at_th(checked_at)),
    ]
    for key, label in (("ruleset_status", "สถานะชุดเกณฑ์"), ("mode", "วิธีตรวจ"), ("schema", "รูปแบบผล")):
        if result.get(key):
            tech.append((label, str(result[key])))
    if caveat:
        tech.append(("หมายเหตุชุดเกณฑ์ (ข้อความเดิม)", str(caveat)))
    tech.extend(crawl_tech)
    timings = result.get("timings")
    if isinstance(timings, dict):
        tech.extend((f"เวลา {k}", str(v)) for k, v in timings.items())
    return AgencyReport(
        agency_name=str(agency.get("name", "")),
        agency_type=agency_type,
        agency_type_th=AGENCY_TYPE_TH.get(agency_type, agency_type),
        site=site,
        year=year,
        ruleset=str(result.get("ruleset", "")),
        ruleset_caveat=caveat,
        ruleset_caveat_th=thai_text(str(caveat)) if caveat else None,
        checked_at=checked_at,
        checked_at_th=format_checked_at_th(checked_at),
        checked_at_local_th=format_local_th(checked_at),
        date_th=format_date_th(checked_at),
        score=score,
        score_text=format_score(score) if raw_score is not None else "ตรวจไม่ได้",
        standing=_standing(summary.get("standing")),
        counts=counts,
        total_items=len(items),
        items=items,
        fix_first=_fix_first(items)
        if raw_score is not None
        else [_site_down_step(safe_link(str(agency.get("site", ""))))],
        site_unreachable=raw_score is None,
        crawl=crawl,
        notes=[thai_text(n) or n for n in _str_list(result.get("notes"))],
        run_id=str(run_id) if run_id is not None else None,
        tech=tech,
    )
