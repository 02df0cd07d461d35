"""Distributed scans on procrastinate (PostgreSQL): one job per agency, workers on any machine, stalled jobs redone.

``scan --db postgresql+psycopg://…`` stores the scan's specification (options and registry) with the scan in the
history database and defers one ``ita.check_agency`` job per agency, each with a queueing lock (never queued
twice) and a lock (never run twice at once) named after the scan and the agency. ``ita-checker worker --db URL``
processes on any machine run them. A job whose worker stops sending heartbeats (killed, machine gone) is found
by every other worker's reaper and retried. An agency already recorded in the scan is not checked again, so a
retried job that had in fact finished costs nothing; the job recording the last agency defers ``ita.finish_scan``
(one per scan, by its queueing lock), which writes the province reports.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import sqlalchemy as sa
from procrastinate import App, JobContext, PsycopgConnector
from procrastinate.exceptions import AlreadyEnqueued, UniqueViolation
from procrastinate.jobs import Status

from ita_checker.crawl.process import CrawlFn, run_crawl
from ita_checker.crawl.service import CrawlService
from ita_checker.errors import InputError
from ita_checker.inputs.overrides import Override
from ita_checker.inputs.registry import Registry
from ita_checker.scan.local import ScanOptions, agency_dict, check_one, finalize, load_overrides
from ita_checker.scan.outcome import AgencyOutcome
from ita_checker.scan.spec import options_from_json, options_to_json, registry_from_json, registry_to_json
from ita_checker.store.history import History

log = logging.getLogger("ita_checker.scan.engine")

AGENCY_QUEUE = "ita-agencies"
FINISH_QUEUE = "ita-finish"
CHECK_TASK = "ita.check_agency"
FINISH_TASK = "ita.finish_scan"
SCHEMA_LOCK = 0x17A_C4EC  # advisory lock: one process applies the engine's schema


def conninfo(db_url: str) -> str:
    """The libpq connection string of a ``postgresql[+psycopg]://`` URL; anything else is bad input."""
    try:
        url = sa.engine.make_url(db_url)
    except sa.exc.ArgumentError as exc:
        raise InputError(f"--db '{db_url}' ไม่ใช่ URL ฐานข้อมูล / not a database URL") from exc
    if url.get_backend_name() != "postgresql":
        raise InputError(
            f"--db '{db_url}': การสแกนแบบกระจายงานต้องใช้ PostgreSQL (postgresql+psycopg://USER@HOST/DB) "
            "/ distributed scans and workers need PostgreSQL"
        )
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def is_postgres(db_url: str | None) -> bool:
    if not db_url:
        return False
    try:
        return sa.engine.make_url(db_url).get_backend_name() == "postgresql"
    except sa.exc.ArgumentError:
        return False


@dataclass
class _Scan:
    """A scan's specification as one worker runs it."""

    opts: ScanOptions
    reg: Registry
    overrides: dict[str, dict[str, Override]]
    started_at: float


@dataclass
class WorkerContext:
    """What one worker process shares between its jobs: the history, the crawler, the scans it has seen."""

    history: History
    crawl_fn: CrawlFn
    worker_id: str
    out_dir: Path | None = None  # this machine's output folder instead of the scan's
    store_dir: Path | None = None  # this machine's store instead of the scan's
    _scans: dict[str, _Scan] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def scan(self, scan_id: str) -> _Scan:
        with self._lock:
            if scan_id not in self._scans:
                meta = self.history.scan_meta(scan_id)
                if meta is None or "spec" not in meta:
                    raise RuntimeError(f"scan {scan_id} has no specification in the database")
                opts = options_from_json(meta["spec"]["options"], out_dir=self.out_dir, store_dir=self.store_dir)
                reg = registry_from_json(meta["spec"]["registry"])
                by_agency: dict[str, dict[str, Override]] = {}
                for ov, _ in self.history.overrides(opts.year):
                    by_agency.setdefault(ov.agency_id, {})[ov.code] = ov
                self._scans[scan_id] = _Scan(opts, reg, by_agency, float(meta.get("queued_at", time.time())))
            return self._scans[scan_id]


def make_app(db_url: str) -> App:
    """The procrastinate app of the scans, with its two tasks."""
    app = App(connector=PsycopgConnector(conninfo=conninfo(db_url)))
    app.task(name=CHECK_TASK, queue=AGENCY_QUEUE, pass_context=True)(_check_agency)
    app.task(name=FINISH_TASK, queue=FINISH_QUEUE, pass_context=True)(_finish_scan)
    return app


def ensure_schema(db_url: str) -> None:
    """Create the engine's tables once (the first process to arrive; the others wait on an advisory lock)."""
    try:
        with psycopg.connect(conninfo(db_url), autocommit=True) as c:
            c.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
            try:
                row = c.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
                if row is None or row[0] is None:
                    from procrastinate.schema import SchemaManager

                    c.execute(SchemaManager.get_schema())
            finally:
                c.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))
    except psycopg.OperationalError as exc:
        raise InputError(f"ติดต่อฐานข้อมูล --db ไม่ได้ / cannot reach the --db database: {exc}") from exc


def enqueue_scan(db_url: str, opts: ScanOptions, reg: Registry, scan_id: str) -> int:
    """Record the scan with its specification and defer one job per agency (none twice); returns the count."""
    ensure_schema(db_url)
    history = History(db_url)
    try:
        load_overrides(opts, reg, history)  # an overrides file given to scan goes to the database for the workers
        spec = {"options": options_to_json(opts), "registry": registry_to_json(reg)}
        history.begin_scan(
            scan_id, year=opts.year, registry=opts.registry, out_dir=opts.out_dir,
            meta={"agencies": len(reg.agencies), "spec": spec, "queued_at": time.time()},
        )  # fmt: skip
    finally:
        history.close()
    app = make_app(db_url)
    queued = 0
    have = set(_jobs_by_agency(db_url, scan_id))  # the scan queued again (a second `scan` joining it): no new job
    with app.open():
        for agency in reg.agencies:
            if agency.id in have:
                continue
            key = f"{scan_id}/{agency.id}"
            try:
                app.configure_task(CHECK_TASK, lock=key, queueing_lock=key).defer(scan_id=scan_id, agency_id=agency.id)
                queued += 1
            except AlreadyEnqueued:
                pass
        history = History(db_url)
        try:
            all_recorded = len(history.attempts(scan_id)) >= len(reg.agencies)
            run = next((r for r in history.runs() if r.scan_id == scan_id), None)
            finished = run is not None and run.finished_at is not None
        finally:
            history.close()
        if all_recorded and not finished:  # every agency is in but no report was written (its job failed)
            with contextlib.suppress(AlreadyEnqueued):
                app.configure_task(FINISH_TASK, queueing_lock=f"{scan_id}/finish").defer(scan_id=scan_id)
    log.info("scan %s: %d agencies queued", scan_id, queued)
    return queued


def _jobs_by_agency(db_url: str, scan_id: str) -> dict[str, str]:
    """The status of each agency's job in the scan (whatever its state)."""
    with psycopg.connect(conninfo(db_url)) as c:
        rows = c.execute(
            "SELECT args->>'agency_id', status FROM procrastinate_jobs WHERE task_name = %s AND args->>'scan_id' = %s",
            (CHECK_TASK, scan_id),
        ).fetchall()
    return {str(a): str(s) for a, s in rows}


@dataclass(frozen=True)
class Progress:
    """Where a queued scan stands: agencies recorded, jobs by state, and whether the reports are written."""

    total: int
    recorded: int
    running: int
    failed: int
    finished: bool


def scan_progress(db_url: str, scan_id: str) -> Progress:
    history = History(db_url)
    try:
        meta = history.scan_meta(scan_id) or {}
        recorded = len(history.attempts(scan_id))
        run = next((r for r in history.runs() if r.scan_id == scan_id), None)
    finally:
        history.close()
    states: dict[str, int] = {}
    for status in _jobs_by_agency(db_url, scan_id).values():
        states[status] = states.get(status, 0) + 1
    return Progress(
        total=int(meta.get("agencies", 0)),
        recorded=recorded,
        running=states.get("doing", 0),
        failed=states.get("failed", 0),
        finished=run is not None and run.finished_at is not None,
    )


def _check_agency(context: JobContext, scan_id: str, agency_id: str) -> str:
    ctx: WorkerContext = context.additional_context["ita"]
    scan = ctx.scan(scan_id)
    if ctx.history.recorded(scan_id, agency_id):  # a retried job whose first run had recorded it
        log.info("agency %s of scan %s already recorded", agency_id, scan_id)
        _maybe_finish(context, ctx, scan_id, scan)
        return "already recorded"
    agency = scan.reg.agency(agency_id)
    if agency is None:
        raise RuntimeError(f"agency {agency_id} is not in scan {scan_id}'s registry")
    outcome: AgencyOutcome = check_one(
        scan.opts, scan_id, scan.reg, agency, scan.overrides.get(agency_id, {}), ctx.crawl_fn
    )
    if outcome.status == "interrupted":
        raise RuntimeError(f"agency {agency_id}: the check was interrupted")  # the job fails; retried by an operator
    ctx.history.record_agency(
        scan_id, agency_dict(agency), status=outcome.status, result=outcome.result, error=outcome.error,
        worker=ctx.worker_id,
    )  # fmt: skip
    log.info("agency %s of scan %s: %s", agency_id, scan_id, outcome.status)
    _maybe_finish(context, ctx, scan_id, scan)
    return outcome.status


def _maybe_finish(context: JobContext, ctx: WorkerContext, scan_id: str, scan: _Scan) -> None:
    if len(ctx.history.attempts(scan_id)) < len(scan.reg.agencies):
        return
    with contextlib.suppress(AlreadyEnqueued):
        context.app.configure_task(FINISH_TASK, queueing_lock=f"{scan_id}/finish").defer(scan_id=scan_id)


def _finish_scan(context: JobContext, scan_id: str) -> str:
    ctx: WorkerContext = context.additional_context["ita"]
    scan = ctx.scan(scan_id)
    run = next((r for r in ctx.history.runs() if r.scan_id == scan_id), None)
    if run is not None and run.finished_at is not None:
        return "already finished"
    stored = ctx.history.results(scan_id)
    outcomes = []
    for agency in scan.reg.agencies:
        status, error, result = stored.get(agency.id, ("error", "no result stored / ไม่มีผลในฐานข้อมูล", None))
        outcomes.append(AgencyOutcome(agency, status, result=result, error=error))
    started = datetime.fromtimestamp(scan.started_at, UTC).isoformat(timespec="seconds")
    t0 = time.monotonic() - (time.time() - scan.started_at)
    scan.opts.out_dir.mkdir(parents=True, exist_ok=True)
    outcome = finalize(
        scan.opts, ctx.history, scan_id, scan.reg, outcomes, ctx.history.overrides(scan.opts.year),
        started=started, t0=t0,
    )  # fmt: skip
    log.info("scan %s finished: %s", scan_id, outcome.summary_line())
    return "finished"


async def _reap(app: App, stall_s: float) -> None:
    """Retry the jobs of workers that stopped sending heartbeats (killed, or their machine is gone)."""
    while True:
        try:
            for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stall_s):
                log.warning("job %s (%s) of a stalled worker is retried", job.id, job.task_kwargs)
                try:
                    await app.job_manager.retry_job(job)
                except UniqueViolation:  # the same agency is queued again already: that job does it
                    await app.job_manager.finish_job(job, status=Status.FAILED, delete_job=False)
        except Exception:  # the database may be briefly gone: try again next round
            log.exception("stalled-job check failed")
        await asyncio.sleep(max(0.5, stall_s / 3))


@dataclass
class WorkerSettings:
    """``ita-checker worker``: where this machine keeps its outputs and store, how many checks at once."""

    db_url: str
    concurrency: int = 2
    out_dir: Path | None = None
    store_dir: Path | None = None
    name: str = field(default_factory=lambda: f"{socket.gethostname()}-{os.getpid()}")
    heartbeat_s: float = 10.0
    stall_s: float = 30.0
    shared_crawler: bool = True
    log_dir: Path = Path("outputs/worker")


def run_worker(settings: WorkerSettings) -> None:
    """Run jobs until stopped (SIGINT/SIGTERM finish the running checks first, as procrastinate does)."""
    ensure_schema(settings.db_url)
    app = make_app(settings.db_url)
    history = History(settings.db_url)
    service: CrawlService | None = None
    crawl_fn: CrawlFn = run_crawl
    if settings.shared_crawler:
        settings.log_dir.mkdir(parents=True, exist_ok=True)
        service = CrawlService(log_path=settings.log_dir / f"crawler-{settings.name}.log")
        crawl_fn = service.run
    ctx = WorkerContext(
        history=history, crawl_fn=crawl_fn, worker_id=settings.name, out_dir=settings.out_dir,
        store_dir=settings.store_dir,
    )  # fmt: skip

    async def main() -> None:
        async with app.open_async():
            reaper = asyncio.create_task(_reap(app, settings.stall_s))
            try:
                await app.run_worker_async(
                    queues=[AGENCY_QUEUE, FINISH_QUEUE],
                    concurrency=settings.concurrency,
                    name=settings.name,
                    additional_context={"ita": ctx},
                    update_heartbeat_interval=settings.heartbeat_s,
                    stalled_worker_timeout=settings.stall_s,
                    fetch_job_polling_interval=min(5.0, settings.heartbeat_s),
                )
            finally:
                reaper.cancel()

    try:
        asyncio.run(main())
    finally:
        if service is not None:
            service.close()
        history.close()
