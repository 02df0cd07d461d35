"""Plain dataclass view model of one result dict, shared by the HTML and XLSX reports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from ita_checker.models import AGENCY_TYPE_TH, FAIL_CLASS_TH, VERDICT_LOOK, VERDICT_ORDER, VERDICT_TH, code_sort_key
from ita_checker.text.thaidate import MONTHS_TH_ABBR as THAI_MONTHS_ABBR

SAFE_SCHEMES: frozenset[str] = frozenset({"http", "https"})


CRAWL_LABELS_TH: tuple[tuple[str, str], ...] = (
    ("pages_fetched", "หน้าเว็บที่ดึงมา"),
    ("documents_fetched", "เอกสารที่ดึงมา"),
    ("errors", "ข้อผิดพลาดระหว่างดึงข้อมูล"),
    ("duration_s", "เวลาที่ใช้ (วินาที)"),
)

VERDICT_MEANING_TH: dict[str, str] = {v: look.meaning_th for v, look in VERDICT_LOOK.items()}

_UNSAFE_CHARS_RE = re.compile(r"[\x00-\x20\x7f]")


@dataclass(frozen=True)
class Link:
    """A URL from the data: ``href`` is set only when the URL is safe to link (http/https)."""

    text: str
    href: str | None


@dataclass(frozen=True)
class EvidenceView:
    """One piece of evidence found for an item."""

    url: Link
    snippet: str
    years_found: list[int]
    dates_found: list[str]
    screenshot_src: str | None
    screenshot_text: str | None


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
    elements_found: list[str]
    elements_missing: list[str]
    suggested_urls: list[Link]
    found_on_site: Link | None  # where the item is published, when that is not the submitted URL
    found_verdict_th: str
    fetch_errors: list[FetchErrorView]
    fix_hint: str
    confidence: str
    low_confidence_rule: bool


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
    checked_at: str
    checked_at_th: str
    score: float
    score_text: str
    standing: Standing | None
    counts: list[VerdictCount]
    total_items: int
    items: list[ItemView]
    crawl: list[tuple[str, str]]
    notes: list[str]
    run_id: str | None


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


def _str_list(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [str(v) for v in value]


def _int_list(value: Any) -> list[int]:
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, int) and not isinstance(v, bool)]


def _evidence_view(raw: dict[str, Any]) -> EvidenceView:
    screenshot = raw.get("screenshot")
    src = safe_relative_path(screenshot) if isinstance(screenshot, str) else None
    return EvidenceView(
        url=safe_link(str(raw.get("url", ""))),
        snippet=str(raw.get("snippet", "")),
        years_found=_int_list(raw.get("years_found")),
        dates_found=_str_list(raw.get("dates_found")),
        screenshot_src=src,
        screenshot_text=screenshot if isinstance(screenshot, str) and screenshot else None,
    )


def _fetch_error_view(raw: dict[str, Any]) -> FetchErrorView:
    fail_class = str(raw.get("class", "other"))
    return FetchErrorView(
        url=safe_link(str(raw.get("url", ""))),
        fail_class=fail_class,
        fail_class_th=FAIL_CLASS_TH.get(fail_class, fail_class),
        detail=str(raw.get("detail", "")),
    )


def _item_view(raw: dict[str, Any]) -> ItemView:
    verdict = str(raw.get("verdict", ""))
    if verdict not in VERDICT_TH:
        raise ValueError(f"ผลการตรวจไม่รู้จัก / unknown verdict {verdict!r} in item {raw.get('code')!r}")
    found = raw.get("found_on_site") if isinstance(raw.get("found_on_site"), dict) else None
    return ItemView(
        code=str(raw.get("code", "")),
        title=str(raw.get("title", "")),
        verdict=verdict,
        verdict_th=VERDICT_TH[verdict],
        urls=[safe_link(u) for u in _str_list(raw.get("urls"))],
        evidence=[_evidence_view(e) for e in raw.get("evidence", []) if isinstance(e, dict)],
        reasons=_str_list(raw.get("reasons")),
        elements_found=_str_list(raw.get("elements_found")),
        elements_missing=_str_list(raw.get("elements_missing")),
        suggested_urls=[safe_link(u) for u in _str_list(raw.get("suggested_urls"))],
        found_on_site=(
            safe_link(str(found["url"]))
            if found and not found.get("submitted") and found.get("url") not in _str_list(raw.get("urls"))
            else None
        ),
        found_verdict_th=VERDICT_TH.get(str(found.get("verdict")), "") if found else "",
        fetch_errors=[_fetch_error_view(e) for e in raw.get("fetch_errors", []) if isinstance(e, dict)],
        fix_hint=str(raw.get("fix_hint", "")),
        confidence=str(raw.get("confidence", "")),
        low_confidence_rule=bool(raw.get("low_confidence_rule", False)),
    )


def _crawl_rows(raw: Any) -> list[tuple[str, str]]:
    if not isinstance(raw, dict):
        return []
    rows = [(label, str(raw[key])) for key, label in CRAWL_LABELS_TH if key in raw]
    known = {key for key, _ in CRAWL_LABELS_TH}
    rows.extend((str(key), str(value)) for key, value in raw.items() if key not in known)
    return rows


def build_agency_report(result: dict[str, Any]) -> AgencyReport:
    """Build the view model of one result dict (result-v1 schema) for the HTML and XLSX reports."""
    agency = result.get("agency", {})
    summary = result.get("summary", {})
    raw_counts = summary.get("counts", {})
    raw_score = summary.get("score")  # None: the site answered nothing, not scored (ตรวจไม่ได้)
    score = float(raw_score) if raw_score is not None else 0.0
    items = [_item_view(i) for i in result.get("items", []) if isinstance(i, dict)]
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
    return AgencyReport(
        agency_name=str(agency.get("name", "")),
        agency_type=agency_type,
        agency_type_th=AGENCY_TYPE_TH.get(agency_type, agency_type),
        site=safe_link(str(agency.get("site", ""))),
        year=int(result.get("year", 0)),
        ruleset=str(result.get("ruleset", "")),
        ruleset_caveat=result.get("ruleset_caveat"),
        checked_at=checked_at,
        checked_at_th=format_checked_at_th(checked_at),
        score=score,
        score_text=format_score(score) if raw_score is not None else "ตรวจไม่ได้",
        standing=_standing(summary.get("standing")),
        counts=counts,
        total_items=len(items),
        items=items,
        crawl=_crawl_rows(result.get("crawl")),
        notes=_str_list(result.get("notes")),
        run_id=str(run_id) if run_id is not None else None,
    )
