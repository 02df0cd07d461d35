"""Pydantic models of one OIT rule file (rules/<ruleset>/<id>/rule.yaml); unknown keys are rejected."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ita_checker.models import AgencyType

_YEAR_TAIL = re.compile(r"\s*(?:ประจำ)?(?:ปี)?(?:งบประมาณ)?\s*(?:พ\.ศ\.)?\s*[0-9๐-๙]{4}(?:\s*[-–]\s*[0-9๐-๙]{4})?\s*$")

Period = Literal["none", "current_fy", "previous_fy", "first_half_current_fy", "multi_year_covering_current"]
Required = Literal[True, False, "unknown"]
Where = Literal["title", "heading", "anchor", "url", "document", "body"]
Check = Literal[
    "text",
    "image",
    "image_or_text",
    "person_name",
    "contact",
    "phone",
    "email",
    "address",
    "map",
    "link",
    "link_or_form",
    "dated_items",
    "date_in_period",
    "year_range",
    "month_coverage",
    "number_table",
    "count",
    "signature",
    "date_range",
]
DocKind = Literal["html", "pdf", "office", "image", "any"]


DEFAULT_WHERE: tuple[Where, ...] = ("title", "heading", "anchor", "url", "document")
ANY_KIND: tuple[DocKind, ...] = ("any",)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Topic(Strict):
    """How a page or document is recognised as being about the item."""

    any: list[str] = Field(min_length=1, description="any one keyword is a topic hit")
    all: list[str] = Field(default_factory=list, description="every keyword must be present")
    regex: list[str] = Field(default_factory=list, description="extra regular expressions on normalized text")
    none: list[str] = Field(default_factory=list, description="negative terms: a title/heading with one is not it")
    where: list[Where] = Field(
        default_factory=lambda: list(DEFAULT_WHERE),
        description="where a topic keyword must appear; body-only mentions are weak",
    )


class Element(Strict):
    """One required element (องค์ประกอบ) of the item."""

    id: str
    label_th: str
    keywords: list[str] = Field(default_factory=list)
    required: Required = True
    check: Check = "text"
    applies_to: list[AgencyType] | None = None
    period: Period | None = None
    min_count: int = Field(default=1, ge=1)
    notes: str | None = None


class EvidenceScope(Strict):
    """What the rule reads."""

    submitted: bool = True
    linked_documents: bool = True
    discovered: bool = True


class Rule(Strict):
    """One OIT item of one rule set."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    code: str = Field(pattern=r"^[A-Z]+[0-9]+$")
    ruleset: str
    year: int = Field(ge=2500, le=2700)
    title_th: str
    applies_to: list[AgencyType] = Field(min_length=1)
    source: str
    sources: list[str] = Field(default_factory=list)
    confidence: Literal["H", "M", "L", "?"]
    placeholder: bool = False
    placeholder_reason: str | None = None
    evidence: EvidenceScope = Field(default_factory=EvidenceScope)
    topic: Topic
    period: Period = "none"
    period_also: list[Period] = Field(default_factory=list)  # also accepted, with a note (catalog: uncertain)
    elements: list[Element] = Field(default_factory=list)
    satisfied_by: list[list[str]] | None = None
    signed_by_head: bool | Literal["unknown"] = False
    document_kinds: list[DocKind] = Field(default_factory=lambda: list(ANY_KIND))
    min_documents: int = Field(default=0, ge=0)
    on_main_site: bool = True
    message_th: str
    fix_hint_th: str
    agency_type_notes: dict[str, str] = Field(default_factory=dict)

    @field_validator("elements")
    @classmethod
    def _unique_element_ids(cls, v: list[Element]) -> list[Element]:
        ids = [e.id for e in v]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"element id ซ้ำ / duplicate element ids: {sorted(dup)}")
        return v

    @property
    def number(self) -> int:
        return int("".join(ch for ch in self.code if ch.isdigit()))

    @property
    def topic_terms(self) -> list[str]:
        """``topic.any`` plus the item's own title without its year: a page headed with the official title
        is about the item (whether it passes is still decided by its elements and period)."""
        terms = list(self.topic.any)
        if not self.placeholder:
            bare = _YEAR_TAIL.sub("", self.title_th).strip()
            if len(bare) >= 8 and bare not in terms:
                terms.append(bare)
        return terms


class RuleSetInfo(Strict):
    """rules/<ruleset>/ruleset.yaml: the rule set's own metadata."""

    ruleset: str
    year: int
    instrument: str
    status: Literal["confirmed", "provisional"]
    applies_to: list[AgencyType]
    item_count: int
    source_catalog: str
    list_confidence: str
    known_gaps: list[str] = Field(default_factory=list)
