"""Scan history on SQLAlchemy Core (SQLite by default, PostgreSQL for workers): runs, verdicts, overrides, diffs."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from ita_checker.errors import InputError
from ita_checker.inputs.overrides import Override, evidence_hash
from ita_checker.models import code_sort_key
from ita_checker.store.sqlite_init import schema_lock, set_wal

HISTORY_FILE = "ita.sqlite"  # in the store directory, beside the crawl store's own tables


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
class ProvincePoint:
    """The province's mean score in one recorded scan (scored agencies only; unreachable sites have no score)."""

    scan_id: str
    started_at: float  # epoch seconds
    mean_score: float
    scored: int


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


meta = sa.MetaData()
T = sa.Text
scan_runs = sa.Table(
    "scan_runs",
    meta,
    sa.Column("scan_id", T, primary_key=True),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("registry", T, nullable=False),
    sa.Column("out_dir", T, nullable=False),
    sa.Column("started_at", sa.Float, nullable=False),
    sa.Column("finished_at", sa.Float),
    sa.Column("status", T, nullable=False, server_default="running"),
    sa.Column("meta", T, nullable=False, server_default="{}"),
)
scan_agencies = sa.Table(
    "scan_agencies",
    meta,
    sa.Column("scan_id", T, primary_key=True),
    sa.Column("agency_id", T, primary_key=True),
    sa.Column("name", T, nullable=False),
    sa.Column("agency_type", T, nullable=False),
    sa.Column("province", T, nullable=False, server_default=""),
    sa.Column("district", T, nullable=False, server_default=""),
    sa.Column("site", T, nullable=False),
    sa.Column("status", T, nullable=False),
    sa.Column("score", sa.Float),
    sa.Column("at_risk", sa.Integer),
    sa.Column("run_id", T),
    sa.Column("error", T),
    sa.Column("finished_at", sa.Float, nullable=False),
)
scan_items = sa.Table(
    "scan_items",
    meta,
    sa.Column("scan_id", T, primary_key=True),
    sa.Column("agency_id", T, primary_key=True),
    sa.Column("code", T, primary_key=True),
    sa.Column("verdict", T, nullable=False),
    sa.Column("tool_verdict", T, nullable=False),
    sa.Column("evidence_hash", T, nullable=False),
    sa.Column("overridden", sa.Integer, nullable=False, server_default="0"),
)
# the whole result.json of each agency, so a worker on any machine can build the province reports
scan_results = sa.Table(
    "scan_results",
    meta,
    sa.Column("scan_id", T, primary_key=True),
    sa.Column("agency_id", T, primary_key=True),
    sa.Column("result", T, nullable=False),
    sa.Column("worker", T, nullable=False, server_default=""),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
)
reviewer_overrides = sa.Table(
    "reviewer_overrides",
    meta,
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("agency_id", T, primary_key=True),
    sa.Column("code", T, primary_key=True),
    sa.Column("verdict", T, nullable=False),
    sa.Column("reason", T, nullable=False),
    sa.Column("reviewer", T, nullable=False),
    sa.Column("date", T, nullable=False),
    sa.Column("baseline_hash", T),
    sa.Column("updated_at", sa.Float, nullable=False),
)


def make_engine(url: str) -> sa.Engine:
    """An engine for ``url``; InputError (exit 2) for a URL that is neither SQLite nor PostgreSQL."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise InputError(f"--db '{url}' ไม่ใช่ URL ฐานข้อมูล / is not a database URL: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(parsed, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _wal(dbapi_conn: Any, _record: Any) -> None:
            set_wal(dbapi_conn)

        return engine
    if parsed.get_backend_name() == "postgresql":
        return sa.create_engine(parsed, pool_pre_ping=True)
    raise InputError(
        f"--db '{url}': ใช้ได้เฉพาะ sqlite:///PATH หรือ postgresql+psycopg://… / "
        "only sqlite:///PATH and postgresql+psycopg://USER@HOST:PORT/DB are supported"
    )


class History:
    """The scan history in one SQLAlchemy database; the same schema and queries on SQLite and PostgreSQL.

    ``History(store_dir)`` opens ``store_dir/ita.sqlite`` (the default, also the file older versions wrote
    with sqlite3: same tables, ``scan_results`` is added); ``History("postgresql+psycopg://…")`` or any
    ``sqlite:///PATH`` opens that database, which workers on several machines can share.
    """

    def __init__(self, where: Path | str) -> None:
        if isinstance(where, Path):
            where.mkdir(parents=True, exist_ok=True)
            where = f"sqlite:///{where / HISTORY_FILE}"
        self.engine = make_engine(where)
        database = self.engine.url.database
        if self.engine.dialect.name == "sqlite" and database and database != ":memory:":
            with schema_lock(Path(database)), self.engine.begin() as c:  # processes opening a fresh file at once
                meta.create_all(c, checkfirst=True)
            return
        with self.engine.begin() as c:
            if self.engine.dialect.name == "postgresql":  # workers starting together must not race on CREATE TABLE
                c.execute(sa.text("SELECT pg_advisory_xact_lock(7007)"))
            meta.create_all(c, checkfirst=True)

    def close(self) -> None:
        self.engine.dispose()

    def _upsert(self, c: Connection, table: sa.Table, values: Mapping[str, Any], update: Iterable[str]) -> None:
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(table).values(**values)
        keys = [col.name for col in table.primary_key.columns]
        c.execute(stmt.on_conflict_do_update(index_elements=keys, set_={k: stmt.excluded[k] for k in update}))

    # runs
    def begin_scan(self, scan_id: str, *, year: int, registry: Path, out_dir: Path, meta: Mapping[str, Any]) -> None:
        row = {
            "scan_id": scan_id,
            "year": year,
            "registry": str(registry),
            "out_dir": str(out_dir),
            "started_at": time.time(),
            "status": "running",
            "meta": json.dumps(dict(meta), ensure_ascii=False),
        }
        with self.engine.begin() as c:
            if c.execute(sa.select(scan_runs.c.scan_id).where(scan_runs.c.scan_id == scan_id)).first() is None:
                dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
                c.execute(dialect.insert(scan_runs).values(**row).on_conflict_do_nothing())
            else:  # a worker joining (or resuming) the scan: keep its start time
                c.execute(
                    scan_runs.update()
                    .where(scan_runs.c.scan_id == scan_id, scan_runs.c.finished_at.is_(None))
                    .values(status="running")
                )

    def scan_meta(self, scan_id: str) -> dict[str, Any] | None:
        """The ``meta`` a scan was begun with (a queued scan keeps its whole specification there), or None."""
        with self.engine.connect() as c:
            text = c.execute(sa.select(scan_runs.c.meta).where(scan_runs.c.scan_id == scan_id)).scalar()
        if text is None:
            return None
        data: dict[str, Any] = json.loads(text)
        return data

    def finish_scan(self, scan_id: str, status: str) -> None:
        with self.engine.begin() as c:
            c.execute(
                scan_runs.update().where(scan_runs.c.scan_id == scan_id).values(finished_at=time.time(), status=status)
            )

    def record_agency(
        self,
        scan_id: str,
        agency: Mapping[str, str],
        *,
        status: str,
        result: Mapping[str, Any] | None = None,
        error: str = "",
        worker: str = "",
    ) -> None:
        """Upsert the agency's outcome, its item rows and its full result, keyed by (scan id, agency id).

        Recording the same agency again (a reclaimed lease whose first worker still finished) replaces the
        rows instead of adding any; ``scan_results.attempts`` counts how often it was recorded.
        """
        summary = (result or {}).get("summary", {})
        row = {
            "scan_id": scan_id,
            "agency_id": agency["id"],
            "name": agency["name"],
            "agency_type": agency["type"],
            "province": agency.get("province", ""),
            "district": agency.get("district", ""),
            "site": agency["site"],
            "status": status,
            "score": float(summary["score"]) if result is not None and summary.get("score") is not None else None,
            "at_risk": int(summary.get("at_risk", 0)) if result is not None else None,
            "run_id": (result or {}).get("run_id"),
            "error": error,
            "finished_at": time.time(),
        }
        key = (scan_items.c.scan_id == scan_id) & (scan_items.c.agency_id == agency["id"])
        with self.engine.begin() as c:
            # the upsert locks the agency row first, so two workers recording it queue up instead of colliding
            self._upsert(c, scan_agencies, row, [k for k in row if k not in ("scan_id", "agency_id")])
            c.execute(scan_items.delete().where(key))
            items = [
                {
                    "scan_id": scan_id,
                    "agency_id": agency["id"],
                    "code": item["code"],
                    "verdict": item["verdict"],
                    "tool_verdict": item.get("tool_verdict") or item["verdict"],
                    "evidence_hash": evidence_hash(item),
                    "overridden": int("override" in item),
                }
                for item in (result or {}).get("items", [])
            ]
            if items:
                c.execute(scan_items.insert(), items)
            doc = {"status": status, "error": error, "result": result}
            values = {
                "scan_id": scan_id,
                "agency_id": agency["id"],
                "result": json.dumps(doc, ensure_ascii=False),
                "worker": worker,
                "attempts": 1,
            }
            dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
            stmt = dialect.insert(scan_results).values(**values)
            c.execute(
                stmt.on_conflict_do_update(
                    index_elements=["scan_id", "agency_id"],
                    set_={
                        "result": stmt.excluded.result,
                        "worker": stmt.excluded.worker,
                        "attempts": scan_results.c.attempts + 1,
                    },
                )
            )

    def results(self, scan_id: str) -> dict[str, tuple[str, str, dict[str, Any] | None]]:
        """(status, error, result) per agency id recorded for ``scan_id``."""
        with self.engine.connect() as c:
            rows = c.execute(
                sa.select(scan_results.c.agency_id, scan_results.c.result).where(scan_results.c.scan_id == scan_id)
            ).all()
        out: dict[str, tuple[str, str, dict[str, Any] | None]] = {}
        for agency_id, text in rows:
            doc = json.loads(text)
            out[str(agency_id)] = (str(doc["status"]), str(doc.get("error") or ""), doc.get("result"))
        return out

    def agencies(self, scan_id: str) -> list[dict[str, Any]]:
        """The agencies recorded in a scan (id, name, type, province, district, site, status, score, at_risk)."""
        a = scan_agencies.c
        with self.engine.connect() as c:
            rows = c.execute(sa.select(scan_agencies).where(a.scan_id == scan_id).order_by(a.agency_id)).mappings()
            return [dict(r) for r in rows]

    def recorded(self, scan_id: str, agency_id: str) -> bool:
        """Whether the agency's outcome is recorded in the scan (a redone job then has nothing to do)."""
        with self.engine.connect() as c:
            found = c.execute(
                sa.select(scan_results.c.agency_id).where(
                    scan_results.c.scan_id == scan_id, scan_results.c.agency_id == agency_id
                )
            ).first()
        return found is not None

    def attempts(self, scan_id: str) -> dict[str, tuple[str, int]]:
        """(last worker, times recorded) per agency id: a test and audit view of redone agencies."""
        with self.engine.connect() as c:
            rows = c.execute(
                sa.select(scan_results.c.agency_id, scan_results.c.worker, scan_results.c.attempts).where(
                    scan_results.c.scan_id == scan_id
                )
            ).all()
        return {str(a): (str(w), int(n)) for a, w, n in rows}

    def runs(self, year: int | None = None) -> list[ScanRun]:
        """Every scan (of ``year``), oldest first."""
        a = scan_agencies.c
        done = sa.func.sum(sa.case((a.status == "done", 1), else_=0))
        errors = sa.func.sum(sa.case((a.status.in_(("error", "input_error")), 1), else_=0))
        stats = (
            sa.select(a.scan_id, sa.func.count().label("n"), done.label("done"), errors.label("errors"))
            .add_columns(sa.func.avg(a.score).label("mean"))
            .group_by(a.scan_id)
            .subquery()
        )
        r = scan_runs.c
        q = (
            sa.select(r.scan_id, r.year, r.registry, r.out_dir, r.started_at, r.finished_at, r.status)
            .add_columns(stats.c.n, stats.c.done, stats.c.errors, stats.c.mean)
            .select_from(scan_runs.outerjoin(stats, stats.c.scan_id == r.scan_id))
            .order_by(r.started_at, r.scan_id)
        )
        if year is not None:
            q = q.where(r.year == year)
        with self.engine.connect() as c:
            rows = c.execute(q).all()
        return [
            ScanRun(
                scan_id=str(row[0]),
                year=int(row[1]),
                registry=str(row[2]),
                out_dir=str(row[3]),
                started_at=float(row[4]),
                finished_at=None if row[5] is None else float(row[5]),
                status=str(row[6]),
                agencies=int(row[7] or 0),
                done=int(row[8] or 0),
                errors=int(row[9] or 0),
                mean_score=None if row[10] is None else round(float(row[10]), 2),
            )
            for row in rows
        ]

    # verdicts
    def verdicts(self, scan_id: str) -> dict[tuple[str, str], str]:
        i = scan_items.c
        with self.engine.connect() as c:
            rows = c.execute(sa.select(i.agency_id, i.code, i.verdict).where(i.scan_id == scan_id)).all()
        return {(str(a), str(code)): str(v) for a, code, v in rows}

    def agency_names(self, scan_id: str) -> dict[str, str]:
        a = scan_agencies.c
        with self.engine.connect() as c:
            rows = c.execute(sa.select(a.agency_id, a.name).where(a.scan_id == scan_id)).all()
        return {str(k): str(v) for k, v in rows}

    def trend(self, scan_id: str, agency_id: str, limit: int = 6) -> list[tuple[str, float]]:
        current = self.get_run(scan_id)
        r, a = scan_runs.c, scan_agencies.c
        q = (
            sa.select(r.scan_id, a.score)
            .select_from(scan_runs.join(scan_agencies, a.scan_id == r.scan_id))
            .where(r.year == current.year, a.agency_id == agency_id, a.score.is_not(None))
            .where(r.started_at <= current.started_at)
            .order_by(r.started_at, r.scan_id)
        )
        with self.engine.connect() as c:
            rows = c.execute(q).all()
        return [(str(s), float(v)) for s, v in rows][-limit:]

    def province_trend(self, scan_id: str, limit: int = 12) -> list[ProvincePoint]:
        """Mean score per scan of the same year up to ``scan_id``, oldest first (as ``trend`` for one agency)."""
        current = self.get_run(scan_id)
        r, a = scan_runs.c, scan_agencies.c
        q = (
            sa.select(r.scan_id, r.started_at, sa.func.avg(a.score), sa.func.count(a.score))
            .select_from(scan_runs.join(scan_agencies, a.scan_id == r.scan_id))
            .where(r.year == current.year, a.score.is_not(None), r.started_at <= current.started_at)
            .group_by(r.scan_id, r.started_at)
            .order_by(r.started_at, r.scan_id)
        )
        with self.engine.connect() as c:
            rows = c.execute(q).all()
        return [ProvincePoint(str(s), float(t), round(float(m), 2), int(n)) for s, t, m, n in rows][-limit:]

    # reviewer overrides
    def replace_overrides(self, year: int, overrides: Iterable[Override]) -> None:
        old = {(o.agency_id, o.code): (o, h) for o, h in self.overrides(year)}
        rows = []
        for ov in overrides:
            prior = old.get((ov.agency_id, ov.code))
            rows.append(
                {
                    "year": year,
                    **ov.__dict__,
                    "baseline_hash": prior[1] if prior and prior[0] == ov else None,
                    "updated_at": time.time(),
                }
            )
        with self.engine.begin() as c:
            c.execute(reviewer_overrides.delete().where(reviewer_overrides.c.year == year))
            if rows:
                c.execute(reviewer_overrides.insert(), rows)

    def put_override(self, year: int, ov: Override, baseline: str | None) -> None:
        """Set one reviewer verdict (from the console), with the evidence hash it was given on."""
        row = {"year": year, **ov.__dict__, "baseline_hash": baseline, "updated_at": time.time()}
        with self.engine.begin() as c:
            self._upsert(c, reviewer_overrides, row, [k for k in row if k not in ("year", "agency_id", "code")])

    def drop_override(self, year: int, agency_id: str, code: str) -> None:
        o = reviewer_overrides.c
        with self.engine.begin() as c:
            c.execute(reviewer_overrides.delete().where(o.year == year, o.agency_id == agency_id, o.code == code))

    def overrides(self, year: int) -> list[tuple[Override, str | None]]:
        o = reviewer_overrides.c
        q = (
            sa.select(o.agency_id, o.code, o.verdict, o.reason, o.reviewer, o.date, o.baseline_hash)
            .where(o.year == year)
            .order_by(o.agency_id, o.code)
        )
        with self.engine.connect() as c:
            rows = c.execute(q).all()
        return [(Override(*(str(v) for v in r[:6])), None if r[6] is None else str(r[6])) for r in rows]

    def set_baseline(self, year: int, agency_id: str, code: str, digest: str) -> None:
        o = reviewer_overrides.c
        with self.engine.begin() as c:
            c.execute(
                reviewer_overrides.update()
                .where(o.year == year, o.agency_id == agency_id, o.code == code)
                .values(baseline_hash=digest)
            )

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
        for key in sorted(eb, key=lambda k: (k[0], code_sort_key(k[1]))):
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


def open_history(store_dir: Path, db_url: str | None = None) -> History:
    """``--db URL`` when given, else the SQLite file in the store."""
    return History(db_url) if db_url else History(store_dir)
