"""Distributed scan worker: agencies from a shared Redis lease queue, results upserted into a shared SQL history."""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field

import redis

from ita_checker.crawl.chromium import chromium_path
from ita_checker.crawl.printing import shared_printer
from ita_checker.crawl.process import CrawlFn
from ita_checker.crawl.screenshots import shared_screenshots
from ita_checker.errors import InputError
from ita_checker.inputs.overrides import Override
from ita_checker.inputs.registry import Registry, read_registry
from ita_checker.interrupts import Interrupted, stopping
from ita_checker.scan.local import (
    ScanOptions,
    agency_dict,
    check_one,
    crawler_for,
    finalize,
    load_overrides,
    scan_guard,
)
from ita_checker.scan.outcome import AgencyOutcome, ScanOutcome
from ita_checker.scan.workqueue import WorkQueue
from ita_checker.store.history import History
from ita_checker.text import clock

log = logging.getLogger("ita_checker.scan.distributed")

FINISHED_KEEP_S = 6 * 3600  # a finished scan stays "current" this long, so late workers join it instead of a new one
KEYS_KEEP_S = 7 * 24 * 3600  # queue keys of a finished scan are kept a week for inspection, then expire


@dataclass
class WorkerOptions:
    """``ita-checker scan --redis URL --db URL``: one worker of a shared scan."""

    scan: ScanOptions
    redis_url: str
    db_url: str
    worker_id: str = field(default_factory=lambda: f"{socket.gethostname()}-{os.getpid()}")
    scan_id: str | None = None  # default: the registry's current scan in Redis (a new one when none is running)
    lease_ttl: int = 60


@dataclass
class WorkerReport:
    """What one worker did; ``scan`` is set for the worker that wrote the province reports."""

    scan_id: str
    worker_id: str
    checked: list[str]
    reclaimed: list[str]
    total: int
    scan: ScanOutcome | None = None

    def summary_line(self) -> str:
        if self.scan is not None:
            return self.scan.summary_line()
        return (
            f"worker {self.worker_id} สแกน {self.scan_id}: ตรวจ {len(self.checked)} หน่วยงาน จาก {self.total} "
            f"(ดึงคืนจาก worker ที่หยุด {len(self.reclaimed)}) / checked {len(self.checked)} of {self.total}; "
            "another worker writes the province reports"
        )


def _registry_digest(opts: ScanOptions) -> str:
    h = hashlib.sha256(opts.registry.read_bytes())
    if opts.submissions is not None and opts.submissions.is_file():
        h.update(opts.submissions.read_bytes())
    return h.hexdigest()[:16]


def _connect(url: str) -> redis.Redis:
    try:
        client = redis.Redis.from_url(url, decode_responses=True, socket_timeout=30, health_check_interval=30)
        client.ping()
    except ValueError as exc:
        raise InputError(f"--redis '{url}' ไม่ใช่ URL ของ Redis / is not a Redis URL: {exc}") from exc
    except redis.ConnectionError as exc:
        raise InputError(f"ติดต่อ Redis ที่ '{url}' ไม่ได้ / cannot reach Redis at '{url}': {exc}") from exc
    return client


def current_scan_id(client: redis.Redis, opts: WorkerOptions) -> str:
    """The scan this worker joins: ``--scan-id``, or the registry's current one (created by the first worker)."""
    if opts.scan_id:
        return opts.scan_id
    key = f"ita:current:{opts.scan.year}:{_registry_digest(opts.scan)}"
    fresh = clock.stamp() + "-" + secrets.token_hex(2)
    client.set(key, fresh, nx=True)
    return str(client.get(key) or fresh)


def _work(
    q: WorkQueue,
    opts: WorkerOptions,
    reg: Registry,
    history: History,
    by_agency: dict[str, dict[str, Override]],
    report: WorkerReport,
    lock: threading.Lock,
    crawl_fn: CrawlFn,
) -> None:
    """One worker thread: reclaim expired leases, claim, check, store, then mark done; until all are done."""
    last_reap = 0.0
    while not stopping():
        if time.monotonic() - last_reap > q.ttl / 2:
            back = q.reclaim_expired()
            last_reap = time.monotonic()
            with lock:
                report.reclaimed.extend(back)
        agency_id = q.claim()
        if agency_id is None:
            if q.finished():
                return
            time.sleep(min(2.0, q.ttl / 4))
            continue
        agency = reg.agency(agency_id)
        if q.is_done(agency_id) or agency is None:  # a reclaimed duplicate, or not in this worker's registry
            q.complete(agency_id)
            continue
        outcome: AgencyOutcome = check_one(opts.scan, q.scan_id, reg, agency, by_agency.get(agency_id, {}), crawl_fn)
        if outcome.status == "interrupted":  # not completed: its lease expires and another worker redoes it
            return
        history.record_agency(
            q.scan_id,
            agency_dict(agency),
            status=outcome.status,
            result=outcome.result,
            error=outcome.error,
            worker=opts.worker_id,
        )
        done = q.complete(agency_id)  # only now: a worker dying before this leaves the lease to expire
        with lock:
            report.checked.append(agency_id)
        log.info("agency %s: %s (%d/%d done)", agency_id, outcome.status, done, report.total)


def _outcomes(history: History, scan_id: str, reg: Registry) -> list[AgencyOutcome]:
    stored = history.results(scan_id)
    out: list[AgencyOutcome] = []
    for agency in reg.agencies:
        status, error, result = stored.get(agency.id, ("error", "no result stored / ไม่มีผลในฐานข้อมูล", None))
        out.append(AgencyOutcome(agency, status, result=result, error=error))
    return out


def run_worker(opts: WorkerOptions) -> WorkerReport:
    """Work on the shared scan until every agency is done; the last worker standing writes the province reports."""
    t0 = time.monotonic()
    started = clock.iso_now()
    sopts = opts.scan
    reg = read_registry(sopts.registry, sopts.submissions)
    sopts.out_dir.mkdir(parents=True, exist_ok=True)
    client = _connect(opts.redis_url)
    history = History(opts.db_url)
    try:
        stored = load_overrides(sopts, reg, history)
        by_agency: dict[str, dict[str, Override]] = {}
        for ov, _ in stored:
            by_agency.setdefault(ov.agency_id, {})[ov.code] = ov
        scan_id = current_scan_id(client, opts)
        q = WorkQueue(client, scan_id, opts.worker_id, lease_ttl=opts.lease_ttl)
        first = q.enqueue_once([a.id for a in reg.agencies])
        history.begin_scan(
            scan_id, year=sopts.year, registry=sopts.registry, out_dir=sopts.out_dir, meta={"agencies": q.total()}
        )
        log.info("worker %s joins scan %s (%s)", opts.worker_id, scan_id, "enqueued" if first else "joined")
        report = WorkerReport(scan_id, opts.worker_id, [], [], q.total())
        lock = threading.Lock()
        failures: list[BaseException] = []

        def work() -> None:
            try:
                _work(q, opts, reg, history, by_agency, report, lock, crawl_fn)
            except BaseException as exc:  # Redis or DB gone: stop; the leases expire and other workers redo them
                failures.append(exc)

        service, crawl_fn = crawler_for(sopts)  # one crawler process for this worker's agencies
        printer = shared_printer(chromium_path() if sopts.pdf else None)  # and one browser for the letters
        shots = shared_screenshots(scan_guard(sopts) if sopts.screenshots else None)  # one for the screenshots
        q.start_heartbeat()
        try:
            with printer, shots:
                threads = [
                    threading.Thread(target=work, name=f"agency-{i}", daemon=True) for i in range(max(1, sopts.workers))
                ]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
        finally:
            q.stop_heartbeat()
            if service is not None:
                service.close()
        if failures:
            raise failures[0]
        if stopping():
            raise Interrupted(
                f"worker หยุดตามคำสั่ง: ตรวจเสร็จ {len(report.checked)} หน่วยงาน หน่วยงานที่ค้างอยู่จะถูก worker อื่นตรวจต่อ "
                f"เมื่อ lease หมดอายุ / worker interrupted after {len(report.checked)} agencies; the ones it held are "
                "redone by another worker when their leases expire."
            )
        if q.try_finalize():
            outcomes = _outcomes(history, scan_id, reg)
            report.scan = finalize(sopts, history, scan_id, reg, outcomes, stored, started=started, t0=t0)
            q.finalized()
            for key in client.scan_iter(match=f"ita:scan:{scan_id}:*"):
                client.expire(key, KEYS_KEEP_S)
            if not opts.scan_id:
                client.expire(f"ita:current:{sopts.year}:{_registry_digest(sopts)}", FINISHED_KEEP_S)
        return report
    finally:
        history.close()
        client.close()
