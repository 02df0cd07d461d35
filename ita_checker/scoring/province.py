"""Province roll-ups with pandas: agencies × items matrix, scores, pass rate per item, weakest items."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ita_checker.models import AT_RISK, NOT_MET, VERDICT_ORDER, code_sort_key

PASS_LINE = 85.0


@dataclass(frozen=True)
class AgencyEntry:
    """One registry agency with its scan outcome (``result`` is None when it was not checked)."""

    id: str
    name: str
    agency_type: str
    province: str
    district: str
    site: str
    status: str  # done | unreachable (site answered nothing: not scored) | input_error | error
    error: str
    result: Mapping[str, Any] | None


@dataclass(frozen=True)
class ProvinceSummary:
    """Roll-ups of one scan; every frame is indexed by agency id or item code in display order."""

    agencies: pd.DataFrame
    matrix: pd.DataFrame
    items: pd.DataFrame
    under_line: list[str]
    missing: pd.DataFrame

    def to_json(self) -> dict[str, Any]:
        def records(df: pd.DataFrame, key: str) -> list[dict[str, Any]]:
            out = df.reset_index().rename(columns={"index": key}).to_dict(orient="records")
            return [{str(k): _plain(v) for k, v in row.items()} for row in out]

        return {
            "agencies": records(self.agencies, "id"),
            "matrix": {str(a): {str(c): v for c, v in row.items() if v} for a, row in self.matrix.iterrows()},
            "items": records(self.items, "code"),
            "under_line": self.under_line,
            "pass_line": PASS_LINE,
            "most_missing": records(self.missing, "code"),
        }


def cell_float(value: object) -> float | None:
    """A pandas cell as a float, or None for missing/NaN."""
    if value is None:
        return None
    f = float(str(value))
    return None if math.isnan(f) else f


def cell_int(value: object) -> int:
    """A pandas count cell as an int."""
    return int(float(str(value)))


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value != value:  # NaN
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def summarize(entries: Sequence[AgencyEntry], top_missing: int = 10) -> ProvinceSummary:
    """Build the province roll-ups from the agencies' results."""
    records = [
        {"agency": e.id, "code": str(it["code"]), "verdict": str(it["verdict"])}
        for e in entries
        if e.result is not None and e.status == "done"  # an unreachable site was not examined: no item figures
        for it in e.result["items"]
    ]
    long = pd.DataFrame.from_records(records, columns=["agency", "code", "verdict"])
    titles: dict[str, str] = {}
    for e in entries:
        for it in (e.result or {}).get("items", []):
            titles.setdefault(str(it["code"]), str(it["title"]))
    codes = sorted(titles, key=code_sort_key)
    ids = [e.id for e in entries]
    matrix = (
        long.pivot(index="agency", columns="code", values="verdict").reindex(index=ids, columns=codes).fillna("")
        if not long.empty
        else pd.DataFrame("", index=ids, columns=codes)
    )
    counts = pd.crosstab(long["agency"], long["verdict"]).reindex(index=ids, columns=list(VERDICT_ORDER), fill_value=0)
    applicable = counts.drop(columns="not_applicable").sum(axis=1)
    score = (100.0 * counts["pass"] / applicable.where(applicable > 0)).round(2)
    agencies = pd.DataFrame(
        {
            "name": [e.name for e in entries],
            "type": [e.agency_type for e in entries],
            "province": [e.province for e in entries],
            "district": [e.district for e in entries],
            "site": [e.site for e in entries],
            "status": [e.status for e in entries],
            "error": [e.error for e in entries],
        },
        index=ids,
    )
    checked = agencies["status"] == "done"
    agencies["score"] = score.where(checked).fillna(0.0).where(checked)
    agencies["applicable"] = applicable
    agencies["at_risk"] = counts[list(AT_RISK)].sum(axis=1)
    for verdict in VERDICT_ORDER:
        agencies[verdict] = counts[verdict]
    item_counts = pd.crosstab(long["code"], long["verdict"]).reindex(
        index=codes, columns=list(VERDICT_ORDER), fill_value=0
    )
    item_applicable = item_counts.drop(columns="not_applicable").sum(axis=1)
    items = pd.DataFrame(
        {
            "title": [titles[c] for c in codes],
            "applicable": item_applicable,
            "passed": item_counts["pass"],
            "pass_rate": (100.0 * item_counts["pass"] / item_applicable.where(item_applicable > 0)).round(1),
            "not_met": item_counts[list(NOT_MET)].sum(axis=1),
            "at_risk": item_counts[list(AT_RISK)].sum(axis=1),
        },
        index=codes,
    )
    under = agencies[checked & (agencies["score"] < PASS_LINE)].sort_values("score").index
    missing = items[items["not_met"] > 0].sort_values(["not_met", "pass_rate"], ascending=[False, True])
    missing = missing.loc[sorted(missing.index, key=lambda c: (-cell_int(missing.at[c, "not_met"]), code_sort_key(c)))]
    return ProvinceSummary(agencies, matrix, items, [str(i) for i in under], missing.head(top_missing))
