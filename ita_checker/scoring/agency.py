"""Agency score as the NACC counts OIT: the share of applicable items that pass, 0-100."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ita_checker.models import AT_RISK, VERDICT_ORDER
from ita_checker.scoring.standing import standing


def verdict_counts(items: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    c = Counter(str(it["verdict"]) for it in items)
    return {v: c.get(v, 0) for v in VERDICT_ORDER}


def score(counts: Mapping[str, int]) -> float:
    """Pass share of applicable items. Unreachable and needs_review count as not passing (they are
    reported apart as 'at risk', never silently as passes)."""
    applicable = sum(n for v, n in counts.items() if v != "not_applicable")
    if applicable == 0:
        return 0.0
    return round(100.0 * counts.get("pass", 0) / applicable, 2)


def summary(
    items: Sequence[Mapping[str, Any]], ruleset: str | None = None, *, site_unreachable: bool = False
) -> dict[str, Any]:
    """Score, counts and at-risk items; with ``ruleset``, also where the score stands on its result scale.

    A site that answered nothing at all (``site_unreachable``) is not scored: ``score`` is None, because 0
    would say the agency published nothing when the checker could not look.
    """
    counts = verdict_counts(items)
    out: dict[str, Any] = {
        "score": None if site_unreachable else score(counts),
        "counts": counts,
        "applicable": sum(n for v, n in counts.items() if v != "not_applicable"),
        "at_risk": sum(counts[v] for v in AT_RISK),
        "at_risk_codes": [str(it["code"]) for it in items if it["verdict"] in AT_RISK],
        "site_unreachable": site_unreachable,
    }
    if ruleset is not None and not site_unreachable:
        out["standing"] = standing(out["score"], ruleset)
    return out


def is_scored(result: Mapping[str, Any]) -> bool:
    """False for a result whose site could not be reached at all (reported as ตรวจไม่ได้, not as 0)."""
    return result.get("summary", {}).get("score") is not None


def resummarise(result: dict[str, Any]) -> None:
    """Recompute a result's ``summary`` after its item verdicts changed (reviewer overrides)."""
    unreachable = bool(result.get("summary", {}).get("site_unreachable"))
    result["summary"] = summary(result["items"], str(result.get("ruleset", "")) or None, site_unreachable=unreachable)
