"""What changed between two rule sets: items added, removed, renamed, re-periodised, elements added or removed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ita_checker.rules.loader import RuleSet
from ita_checker.rules.model import Rule

PERIOD_TH = {
    "none": "ไม่จำกัดช่วงเวลา",
    "current_fy": "ปีงบประมาณปัจจุบัน",
    "previous_fy": "ปีงบประมาณที่ผ่านมา",
    "first_half_current_fy": "ครึ่งปีแรกของปีงบประมาณ",
    "multi_year_covering_current": "แผนหลายปีที่ครอบคลุมปีปัจจุบัน",
}


@dataclass
class ItemChange:
    """One item code present in either rule set, and what differs."""

    code: str
    change: str  # added | removed | changed
    code_a: str | None = None
    title_a: str | None = None
    title_b: str | None = None
    period_a: str | None = None
    period_b: str | None = None
    elements_added: list[str] = field(default_factory=list)
    elements_removed: list[str] = field(default_factory=list)
    placeholder_a: bool | None = None
    placeholder_b: bool | None = None

    @property
    def renamed(self) -> bool:
        return self.change == "changed" and self.title_a != self.title_b


def _required(rule: Rule) -> dict[str, str]:
    return {e.id: e.label_th for e in rule.elements if e.required is True}


def _compare(a: Rule, b: Rule) -> ItemChange | None:
    ea, eb = _required(a), _required(b)
    ch = ItemChange(
        code=b.code,
        code_a=a.code,
        change="changed",
        title_a=a.title_th,
        title_b=b.title_th,
        period_a=a.period,
        period_b=b.period,
        elements_added=[eb[i] for i in eb if i not in ea],
        elements_removed=[ea[i] for i in ea if i not in eb],
        placeholder_a=a.placeholder,
        placeholder_b=b.placeholder,
    )
    same = (
        a.code == b.code
        and a.title_th == b.title_th
        and a.period == b.period
        and not ch.elements_added
        and not ch.elements_removed
        and a.placeholder == b.placeholder
    )
    return None if same else ch


def _concept(rule: Rule) -> str:
    """The concept part of a rule id (``o11-procurement-monthly`` -> ``procurement-monthly``)."""
    return rule.id.split("-", 1)[1] if "-" in rule.id else rule.id


def _keys(rs: RuleSet) -> dict[str, Rule]:
    """Rules keyed by concept where it is unique in the set (codes move between years), else by code."""
    concepts = [_concept(r) for r in rs.rules]
    pairs = zip(concepts, rs.rules, strict=True)
    return {(c if concepts.count(c) == 1 and c != "item" else r.code): r for c, r in pairs}


def diff_rulesets(a: RuleSet, b: RuleSet) -> list[ItemChange]:
    """Changes from ``a`` to ``b`` in ``b``'s order, then what only ``a`` has; items are matched by concept."""
    ka, kb = _keys(a), _keys(b)
    out: list[ItemChange] = []
    for key, rule in kb.items():
        if key not in ka:
            out.append(ItemChange(rule.code, "added", title_b=rule.title_th, period_b=rule.period))
        elif (ch := _compare(ka[key], rule)) is not None:
            out.append(ch)
    out += [ItemChange(r.code, "removed", title_a=r.title_th, period_a=r.period) for k, r in ka.items() if k not in kb]
    return out


def diff_json(a: RuleSet, b: RuleSet, changes: list[ItemChange]) -> dict[str, Any]:
    return {
        "from": {"ruleset": a.id, "year": a.info.year, "items": len(a.rules), "status": a.info.status},
        "to": {"ruleset": b.id, "year": b.info.year, "items": len(b.rules), "status": b.info.status},
        "changes": [asdict(c) | {"renamed": c.renamed} for c in changes],
    }
