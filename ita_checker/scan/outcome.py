"""What a scan produced: one outcome per agency, the reviewer overrides as applied, and the scan as a whole."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ita_checker.inputs.overrides import Override
from ita_checker.inputs.registry import Agency
from ita_checker.scoring.province import AgencyEntry, ProvinceSummary
from ita_checker.store.history import Diff, ProvincePoint


@dataclass(frozen=True)
class AgencyOutcome:
    """How one agency's check ended: done (or resumed), unreachable (site answered nothing, not scored),
    input_error, error (internal), or interrupted (left for the resumed scan)."""

    agency: Agency
    status: str
    result: dict[str, Any] | None = None
    error: str = ""
    resumed: bool = False

    def entry(self) -> AgencyEntry:
        """This outcome as a row of the province roll-ups."""
        a = self.agency
        return AgencyEntry(
            a.id, a.name, a.agency_type, a.province, a.district, a.site, self.status, self.error, self.result
        )


@dataclass(frozen=True)
class OverrideState:
    """An override as applied in this scan, with whether the evidence changed under it."""

    override: Override
    agency_name: str
    tool_verdict: str
    evidence_changed: bool


@dataclass
class ScanOutcome:
    """Everything a scan produced, for the CLI and the reports."""

    scan_id: str
    year: int
    out_dir: Path
    outcomes: list[AgencyOutcome]
    province: ProvinceSummary
    changes: Diff | None
    previous_scan: str | None
    trends: dict[str, list[tuple[str, float]]]
    overrides: list[OverrideState]
    problems: list[str]
    paths: dict[str, Path]
    started_at: str
    duration_s: float
    province_trend: list[ProvincePoint] = field(default_factory=list)  # mean score per recorded scan, oldest first

    @property
    def internal_errors(self) -> int:
        return sum(1 for o in self.outcomes if o.status == "error")

    def rulesets_used(self) -> list[tuple[str, str, str, int]]:
        """(rule set, status, caveat or "", agencies checked with it) for every rule set this scan used."""
        seen: dict[str, tuple[str, str, int]] = {}
        for o in self.outcomes:
            if o.result is None:
                continue
            rid = str(o.result.get("ruleset", ""))
            status, caveat, n = seen.get(rid, (str(o.result.get("ruleset_status") or ""), "", 0))
            seen[rid] = (status, str(o.result.get("ruleset_caveat") or caveat), n + 1)
        return [(rid, st, cav, n) for rid, (st, cav, n) in sorted(seen.items())]

    def summary_line(self) -> str:
        done = sum(1 for o in self.outcomes if o.status == "done")
        under = len(self.province.under_line)
        ch = self.changes
        changes = (
            f"ผ่านใหม่ {len(ch.newly_passing)} ถดถอย {len(ch.regressions)} เข้าถึงไม่ได้ใหม่ {len(ch.newly_unreachable)}"
            if ch
            else "ไม่มีรอบก่อนหน้า"
        )
        unreachable = sum(1 for o in self.outcomes if o.status == "unreachable")
        return (
            f"สแกน {self.scan_id}: ตรวจแล้ว {done}/{len(self.outcomes)} หน่วยงาน, "
            f"ตรวจไม่ได้ (เข้าเว็บไซต์ไม่ได้) {unreachable}, "
            f"ต่ำกว่า 85 คะแนน {under}, ข้อมูลนำเข้าผิด {len(self.problems)} จุด, "
            f"ผิดพลาดภายใน {self.internal_errors}; {changes} | summary: {self.paths['summary']}"
        )


ProgressFn = Callable[[int, int, AgencyOutcome | None], None]
