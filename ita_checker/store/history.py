"""Scan history in the store's SQLite DB: runs, agency × item verdicts, reviewer overrides, damped diffs."""

from __future__ import annotations

import json
import sqlite3
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ita_checker.errors import InputError
from ita_checker.inputs.overrides import Override, evidence_hash

SCHEMA = """
CREATE TABLE IF NOT EXISTS scan_runs (
  scan_id TEXT PRIMARY KEY, year INTEGER NOT NULL, registry TEXT NOT NULL, out_dir TEXT NOT NULL,
  started_at REAL NOT NULL, finished_at REAL, status TEXT NOT NULL DEFAULT 'running', meta TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS scan_agencies (
  scan_id TEXT NOT NULL, agency_id TEXT NOT NULL, name TEXT NOT NULL, agency_type TEXT NOT NULL,
  province TEXT NOT NULL DEFAULT '', district TEXT NOT NULL DEFAULT '', site TEXT NOT NULL,
  status TEXT NOT NULL, score REAL, at_risk INTEGER, run_id TEXT, error TEXT, finished_at REAL NOT NULL,
  PRIMARY KEY (scan_id, agency_id)
);
CREATE TABLE IF NOT EXISTS scan_items (
  scan_id TEXT NOT NULL, agency_id TEXT NOT NULL, code TEXT NOT NULL, verdict TEXT NOT NULL,
  tool_verdict TEXT NOT NULL, evidence_hash TEXT NOT NULL, overridden INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (scan_id, agency_id, code)
);
CREATE TABLE IF NOT EXISTS reviewer_overrides (
  year INTEGER NOT NULL, agency_id TEXT NOT NULL, code TEXT NOT NULL, verdict TEXT NOT NULL, reason TEXT NOT NULL,
  reviewer TEXT NOT NULL, date TEXT NOT NULL, baseline_hash TEXT, updated_at REAL NOT NULL,
  PRIMARY KEY (year, agency_id, code)
);
"""

FAILING = ("fail", "stale", "incomplete", "needs_review")


@dataclass(frozen=True)
class ScanRun:
    """One province scan as recorded."""

    scan_id: str
    year: int
    registry: str
    out_dir: str
    started_at: float
    finished_at: float | None
    status: str
    agencies: int
    done: int
    errors: int
    mean_score: float | None


@dataclass(frozen=True)
class Change:
    """One agency item whose (damped) verdict differs between two scans."""

    agency_id: str
    name: str
    code: str
    before: str
    after: str


@dataclass
class Diff:
    """What changed from scan ``a`` to scan ``b`` (verdicts damped: see ``effective_verdicts``)."""

    a: str
    b: str
    newly_passing: list[Change] = field(default_factory=list)
    regressions: list[Change] = field(default_factory=list)
    newly_unreachable: list[Change] = field(default_factory=list)
    watch: list[Change] = field(default_factory=list)  # unreachable once after passing: not flagged yet
    other: list[Change] = field(default_factory=list)
    agencies_added: list[str] = field(default_factory=list)
    agencies_removed: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> list[Change]:
        return [*self.newly_passing, *self.regressions, *self.newly_unreachable, *self.other]

    def as_dict(self) -> dict[str, Any]:
        def rows(changes: Iterable[Change]) -> list[dict[str, str]]:
            return [c.__dict__.copy() for c in changes]

        return {
            "from": self.a,
            "to": self.b,
            "newly_passing": rows(self.newly_passing),
            "regressions": rows(self.regressions),
            "newly_unreachable": rows(self.newly_unreachable),
            "watch": rows(self.watch),
            "other": rows(self.other),
            "agencies_added": self.agencies_added,
            "agencies_removed": self.agencies_removed,
        }


def classify(before: str, after: str) -> str | None:
    """Kind of change between two damped verdicts, or None when there is none."""
    if before == after:
        return None
    if after == "pass":
        return "newly_passing"
    if after == "unreachable":
        return "newly_unreachable"
    if before == "pass":
        return "regressions"
    return "other"


class HistoryBase(ABC):
    """The scan-history interface; backend-independent queries (runs by reference, damping, diffs) live here."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def begin_scan(
        self, scan_id: str, *, year: int, registry: Path, out_dir: Path, meta: Mapping[str, Any]
    ) -> None: ...

    @abstractmethod
    def finish_scan(self, scan_id: str, status: str) -> None: ...

    @abstractmethod
    def record_agency(
        self,
        scan_id: str,
        agency: Mapping[str, str],
        *,
        status: str,
        result: Mapping[str, Any] | None = None,
        error: str = "",
    ) -> None: ...

    @abstractmethod
    def runs(self, year: int | None = None) -> list[ScanRun]: ...

    @abstractmethod
    def verdicts(self, scan_id: str) -> dict[tuple[str, str], str]: ...

    @abstractmethod
    def agency_names(self, scan_id: str) -> dict[str, str]: ...

    @abstractmethod
    def trend(self, scan_id: str, agency_id: str, limit: int = 6) -> list[tuple[str, float]]: ...

    @abstractmethod
    def replace_overrides(self, year: int, overrides: Iterable[Override]) -> None: ...

    @abstractmethod
    def overrides(self, year: int) -> list[tuple[Override, str | None]]: ...

    @abstractmethod
    def set_baseline(self, year: int, agency_id: str, code: str, digest: str) -> None: ...

    def get_run(self, ref: str) -> ScanRun:
        """A scan by id, unique id prefix, 'latest' or 'previous'; InputError when there is none."""
        runs = self.runs()
        if ref in ("latest", "previous") and len(runs) >= (1 if ref == "latest" else 2):
            return runs[-1] if ref == "latest" else runs[-2]
        matches = [r for r in runs if r.scan_id == ref] or [r for r in runs if r.scan_id.startswith(ref)]
        if len(matches) != 1:
            known = ", ".join(r.scan_id for r in runs[-5:]) or "(ไม่มี / none)"
            what = "ไม่พบ" if not matches else "ระบุไม่ชัด (ตรงหลายรายการ)"
            raise InputError(
                f"{what}การสแกน '{ref}' ดูรายการด้วย 'ita-checker history' (ล่าสุด: {known}) / "
                f"scan '{ref}' {'not found' if not matches else 'is ambiguous'}; see 'ita-checker history'"
            )
        return matches[0]

    def previous(self, scan_id: str) -> ScanRun | None:
        """The latest scan of the same year that started before ``scan_id`` and was not left running."""
        runs = self.runs(self.get_run(scan_id).year)
        before = [r for r in runs if r.scan_id != scan_id and r.status != "running"]
        current = next(r for r in runs if r.scan_id == scan_id)
        before = [r for r in before if (r.started_at, r.scan_id) < (current.started_at, current.scan_id)]
        return before[-1] if before else None

    def effective_verdicts(self, scan_id: str) -> dict[tuple[str, str], tuple[str, str]]:
        """(raw, damped) verdict per agency item: an item that passed in the previous scan and is unreachable
        now counts as still passing; a second unreachable scan in a row makes it unreachable."""
        raw = self.verdicts(scan_id)
        prev_run = self.previous(scan_id)
        prev = self.verdicts(prev_run.scan_id) if prev_run else {}
        return {key: (v, "pass" if v == "unreachable" and prev.get(key) == "pass" else v) for key, v in raw.items()}

    def diff(self, a: str, b: str) -> Diff:
        """Changes from scan ``a`` to scan ``b`` by agency item, with unreachable damping."""
        run_a, run_b = self.get_run(a), self.get_run(b)
        ea, eb = self.effective_verdicts(run_a.scan_id), self.effective_verdicts(run_b.scan_id)
        names = {**self.agency_names(run_a.scan_id), **self.agency_names(run_b.scan_id)}
        agencies_a = {k[0] for k in ea}
        agencies_b = {k[0] for k in eb}
        out = Diff(run_a.scan_id, run_b.scan_id)
        out.agencies_added = sorted(agencies_b - agencies_a)
        out.agencies_removed = sorted(agencies_a - agencies_b)
        for key in sorted(eb, key=lambda k: (k[0], _code_key(k[1]))):
            if key not in ea:
                continue
            (_, before), (raw_after, after) = ea[key], eb[key]
            change = Change(key[0], names.get(key[0], key[0]), key[1], before, after)
            kind = classify(before, after)
            if kind is None:
                if raw_after == "unreachable" and after == "pass":
                    out.watch.append(Change(key[0], change.name, key[1], before, raw_after))
                continue
            getattr(out, kind).append(change)
        return out


class History(HistoryBase):
    """Scan tables next to the crawl store's tables in ``store_dir/ita.sqlite``."""

    def __init__(self, store_dir: Path) -> None:
        store_dir.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(store_dir / "ita.sqlite", timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    # runs
    def begin_scan(self, scan_id: str, *, year: int, registry: Path, out_dir: Path, meta: Mapping[str, Any]) -> None:
        self.db.execute(
            "INSERT INTO scan_runs(scan_id, year, registry, out_dir, started_at, meta) VALUES (?,?,?,?,?,?) "
            "ON CONFLICT(scan_id) DO UPDATE SET status='running', finished_at=NULL",
            (scan_id, year, str(registry), str(out_dir), time.time(), json.dumps(dict(meta), ensure_ascii=False)),
        )

    def finish_scan(self, scan_id: str, status: str) -> None:
        self.db.execute("UPDATE scan_runs SET finished_at=?, status=? WHERE scan_id=?", (time.time(), status, scan_id))

    def record_agency(
        self,
        scan_id: str,
        agency: Mapping[str, str],
        *,
        status: str,
        result: Mapping[str, Any] | None = None,
        error: str = "",
    ) -> None:
        """Record one agency's outcome and, when it was checked, one verdict row per item."""
        score = at_risk = run_id = None
        if result is not None:
            score = float(result["summary"]["score"])
            at_risk = int(result["summary"].get("at_risk", 0))
            run_id = result.get("run_id")
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute(
                "INSERT OR REPLACE INTO scan_agencies VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    scan_id,
                    agency["id"],
                    agency["name"],
                    agency["type"],
                    agency.get("province", ""),
                    agency.get("district", ""),
                    agency["site"],
                    status,
                    score,
                    at_risk,
                    run_id,
                    error,
                    time.time(),
                ),
            )
            self.db.execute("DELETE FROM scan_items WHERE scan_id=? AND agency_id=?", (scan_id, agency["id"]))
            for item in (result or {}).get("items", []):
                self.db.execute(
                    "INSERT INTO scan_items VALUES (?,?,?,?,?,?,?)",
                    (
                        scan_id,
                        agency["id"],
                        item["code"],
                        item["verdict"],
                        item.get("tool_verdict") or item["verdict"],
                        evidence_hash(item),
                        int("override" in item),
                    ),
                )

    def _run(self, row: tuple[Any, ...]) -> ScanRun:
        scan_id = row[0]
        stats = self.db.execute(
            "SELECT count(*), sum(status='done'), sum(status IN ('error','input_error')), avg(score) "
            "FROM scan_agencies WHERE scan_id=?",
            (scan_id,),
        ).fetchone()
        mean = None if stats[3] is None else round(float(stats[3]), 2)
        return ScanRun(
            scan_id=str(row[0]),
            year=int(row[1]),
            registry=str(row[2]),
            out_dir=str(row[3]),
            started_at=float(row[4]),
            finished_at=None if row[5] is None else float(row[5]),
            status=str(row[6]),
            agencies=int(stats[0]),
            done=int(stats[1] or 0),
            errors=int(stats[2] or 0),
            mean_score=mean,
        )

    def runs(self, year: int | None = None) -> list[ScanRun]:
        """Every scan (of ``year``), oldest first."""
        sql = "SELECT scan_id, year, registry, out_dir, started_at, finished_at, status FROM scan_runs"
        args: tuple[Any, ...] = ()
        if year is not None:
            sql += " WHERE year=?"
            args = (year,)
        return [self._run(r) for r in self.db.execute(sql + " ORDER BY started_at, scan_id", args).fetchall()]

    # verdicts
    def verdicts(self, scan_id: str) -> dict[tuple[str, str], str]:
        rows = self.db.execute("SELECT agency_id, code, verdict FROM scan_items WHERE scan_id=?", (scan_id,))
        return {(a, c): v for a, c, v in rows.fetchall()}

    def agency_names(self, scan_id: str) -> dict[str, str]:
        rows = self.db.execute("SELECT agency_id, name FROM scan_agencies WHERE scan_id=?", (scan_id,))
        return dict(rows.fetchall())

    def trend(self, scan_id: str, agency_id: str, limit: int = 6) -> list[tuple[str, float]]:
        """(scan id, score) of the agency in the last ``limit`` scans of the year up to ``scan_id``."""
        current = self.get_run(scan_id)
        rows = self.db.execute(
            "SELECT r.scan_id, a.score FROM scan_runs r JOIN scan_agencies a ON a.scan_id = r.scan_id "
            "WHERE r.year=? AND a.agency_id=? AND a.score IS NOT NULL AND r.started_at <= ? "
            "ORDER BY r.started_at, r.scan_id",
            (current.year, agency_id, current.started_at),
        ).fetchall()
        return [(s, float(v)) for s, v in rows][-limit:]

    # reviewer overrides (kept across runs)
    def replace_overrides(self, year: int, overrides: Iterable[Override]) -> None:
        """Make ``overrides`` the year's set; an unchanged override keeps its evidence baseline."""
        old = {(o.agency_id, o.code): (o, h) for o, h in self.overrides(year)}
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("DELETE FROM reviewer_overrides WHERE year=?", (year,))
            for ov in overrides:
                prior = old.get((ov.agency_id, ov.code))
                baseline = prior[1] if prior and prior[0] == ov else None
                self.db.execute(
                    "INSERT INTO reviewer_overrides VALUES (?,?,?,?,?,?,?,?,?)",
                    (year, ov.agency_id, ov.code, ov.verdict, ov.reason, ov.reviewer, ov.date, baseline, time.time()),
                )

    def overrides(self, year: int) -> list[tuple[Override, str | None]]:
        """The year's overrides with the evidence hash seen when each was first applied."""
        rows = self.db.execute(
            "SELECT agency_id, code, verdict, reason, reviewer, date, baseline_hash FROM reviewer_overrides "
            "WHERE year=? ORDER BY agency_id, code",
            (year,),
        ).fetchall()
        return [(Override(*r[:6]), r[6]) for r in rows]

    def set_baseline(self, year: int, agency_id: str, code: str, digest: str) -> None:
        self.db.execute(
            "UPDATE reviewer_overrides SET baseline_hash=? WHERE year=? AND agency_id=? AND code=?",
            (digest, year, agency_id, code),
        )


def _code_key(code: str) -> tuple[str, int]:
    head = code.rstrip("0123456789")
    tail = code[len(head) :]
    return head, int(tail) if tail else 0
