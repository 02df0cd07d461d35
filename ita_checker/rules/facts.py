"""Facts a rule reads from a bundle of evidence: keyed text, years, dates and fiscal-year labels."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ita_checker.extract.evidence import EvidenceDoc
from ita_checker.text.thaidate import (
    find_be_years,
    find_dates,
    find_fiscal_years,
    find_ranges,
    find_year_ranges,
    fiscal_year_of,
)
from ita_checker.text.thaitext import match_key


@dataclass
class DocFacts:
    """Dates and years of one document, from its own text plus title, headings and link text."""

    fy_labels: list[int] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)
    month_dates: list[date] = field(default_factory=list)
    ranges: list[tuple[date, date]] = field(default_factory=list)
    year_ranges: list[tuple[int, int]] = field(default_factory=list)
    head_years: list[int] = field(default_factory=list)

    def date_fys(self) -> set[int]:
        return {fiscal_year_of(d) for d in self.dates + self.month_dates} | {fiscal_year_of(a) for a, _ in self.ranges}

    def within(self, lo: int, hi: int) -> tuple[DocFacts, list[int]]:
        """These facts without years outside fiscal years ``lo``..``hi`` (OCR misreads such as 2500), and the
        years dropped."""
        dropped: set[int] = set()

        def keep_year(y: int) -> bool:
            if lo <= y <= hi:
                return True
            dropped.add(y)
            return False

        facts = DocFacts(
            fy_labels=[y for y in self.fy_labels if keep_year(y)],
            dates=[d for d in self.dates if keep_year(fiscal_year_of(d))],
            month_dates=[d for d in self.month_dates if keep_year(fiscal_year_of(d))],
            ranges=[(a, b) for a, b in self.ranges if keep_year(fiscal_year_of(a))],
            year_ranges=[(a, b) for a, b in self.year_ranges if keep_year(a) and keep_year(b)],
            head_years=[y for y in self.head_years if keep_year(y)],
        )
        return facts, sorted(dropped)


OCR_YEARS_BACK = 10  # an OCR'd year older than this many years before the assessed one is a misread

# The year in the name of a law or code ("พระราชบัญญัติ ... พ.ศ. 2562") is not the year of the evidence.
LAW_YEAR = re.compile(
    r"(พระราชบัญญัติ|พ\.ร\.บ\.|พระราชกฤษฎีกา|พ\.ร\.ฎ\.|กฎกระทรวง|ระเบียบ[^\n]{0,60}ว่าด้วย|ประมวลจริยธรรม|"
    r"รัฐธรรมนูญ)[^\n]{0,80}?พ\.\s?ศ\.\s?\d{4}"
)


def _without_dates(text: str) -> str:
    """Drop full dates: their year belongs to the date (a fiscal year is derived from it), not a year label."""
    for f in reversed(find_dates(text)):
        if f.precision == "day":
            text = text[: f.start] + " " + text[f.end :]
    return text


def doc_facts(ev: EvidenceDoc) -> DocFacts:
    """Facts of one evidence document (memoised on the object)."""
    cached = ev.__dict__.get("_facts")
    if isinstance(cached, DocFacts):
        return cached
    d = ev.doc
    head = " ".join([d.title, *d.headings, ev.anchor, ev.url_words])
    text = head + "\n" + d.text
    found = find_dates(text)
    facts = DocFacts(
        fy_labels=find_fiscal_years(text),
        dates=[f.date for f in found if f.precision == "day"],
        month_dates=[f.date for f in found if f.precision == "month"],
        ranges=[(r.start, r.end) for r in find_ranges(text)],
        year_ranges=find_year_ranges(text),
        head_years=find_be_years(_without_dates(LAW_YEAR.sub(" ", head + " " + d.text[:300]))),
    )
    ev.__dict__["_facts"] = facts
    return facts


@dataclass
class BundleFacts:
    """Everything a rule needs from a bundle (a submitted page and its one-level documents)."""

    docs: list[EvidenceDoc]
    text_key: str
    per_doc: list[DocFacts]
    dropped_years: dict[str, list[int]] = field(default_factory=dict)  # OCR'd document → implausible years

    @classmethod
    def of(cls, docs: list[EvidenceDoc], *, fy: int | None = None) -> BundleFacts:
        """The facts of ``docs``; with ``fy``, years that OCR read outside fiscal years fy−10 … fy+1 are dropped."""
        parts = []
        per_doc = []
        dropped: dict[str, list[int]] = {}
        for ev in docs:  # the link text that led to a page names its topic, it is not an element of it
            parts.append(" ".join([ev.doc.title, *ev.doc.headings]))
            parts.append(ev.doc.text)
            facts = doc_facts(ev)
            if fy is not None and ev.doc.ocr_used:
                facts, out = facts.within(fy - OCR_YEARS_BACK, fy + 1)
                if out:
                    dropped[ev.shown_url] = out
            per_doc.append(facts)
        return cls(docs=docs, text_key=match_key("\n".join(parts)), per_doc=per_doc, dropped_years=dropped)

    @property
    def fy_labels(self) -> set[int]:
        return {y for f in self.per_doc for y in f.fy_labels}

    @property
    def date_fys(self) -> set[int]:
        return {y for f in self.per_doc for y in f.date_fys()}

    @property
    def head_years(self) -> set[int]:
        return {y for f in self.per_doc for y in f.head_years}

    @property
    def year_ranges(self) -> set[tuple[int, int]]:
        return {r for f in self.per_doc for r in f.year_ranges}

    @property
    def all_dates(self) -> list[date]:
        return [d for f in self.per_doc for d in f.dates]

    @property
    def all_months(self) -> set[tuple[int, int]]:
        out = {(d.year, d.month) for f in self.per_doc for d in f.dates + f.month_dates}
        for f in self.per_doc:
            for a, b in f.ranges:
                if (b - a).days <= 31:
                    out.add((a.year, a.month))
        return out

    def years_found(self) -> list[int]:
        return sorted(self.fy_labels | self.date_fys | self.head_years)
