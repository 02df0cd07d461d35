"""Province scan: check every registry agency (concurrently, resumable), record history, write province outputs."""

from __future__ import annotations

import json
import logging
import secrets
import shlex
import subprocess
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ita_checker.check import CheckOptions, compute_check
from ita_checker.crawl.chromium import chromium_path
from ita_checker.crawl.netguard import Guard
from ita_checker.crawl.printing import shared_printer
from ita_checker.crawl.process import CrawlFn, run_crawl
from ita_checker.crawl.screenshots import shared_screenshots
from ita_checker.crawl.service import CrawlService
from ita_checker.errors import InputError
from ita_checker.inputs.overrides import Override, apply_overrides, evidence_hash, read_overrides
from ita_checker.inputs.registry import Agency, Registry, read_registry
from ita_checker.interrupts import Interrupted, stopping
from ita_checker.options import CrawlSettings
from ita_checker.outdir import locked_out_dir
from ita_checker.report.outputs import write_outputs
from ita_checker.result import mark_scanned, write_json_atomic
from ita_checker.scan.outcome import AgencyOutcome, OverrideState, ProgressFn, ScanOutcome
from ita_checker.scoring.agency import is_scored
from ita_checker.scoring.province import summarize
from ita_checker.store.history import History
from ita_checker.text import clock

log = logging.getLogger("ita_checker.scan.local")

STATE_FILE = "scan.json"
POLL_S = 0.5  # how often the agency loop looks at the stop flag


@dataclass(kw_only=True)
class ScanOptions(CrawlSettings):
    """Inputs of ``ita-checker scan``; the crawl options (CrawlSettings) are passed on to every agency's check."""

    registry: Path
    year: int
    out_dir: Path
    submissions: Path | None = None
    overrides: Path | None = None
    workers: int = 2
    resume: bool = False
    notify_cmd: str | None = None
    db_url: str | None = None  # history in this SQLAlchemy database instead of the store's SQLite file
    shared_crawler: bool = True  # one long-lived crawler process for all agencies (False: one per agency)


def open_history(opts: ScanOptions) -> History:
    """The scan history: ``--db URL``, else the SQLite file in the store (the default)."""
    return History(opts.db_url) if opts.db_url else History(opts.store_dir)


def agency_dict(a: Agency) -> dict[str, str]:
    return {
        "id": a.id,
        "name": a.name,
        "type": a.agency_type,
        "province": a.province,
        "district": a.district,
        "site": a.site,
    }


def _scan_state(opts: ScanOptions) -> tuple[str, bool]:
    """(scan id, resuming?): an unfinished scan in the same DIR (or --resume) is continued."""
    path = opts.out_dir / STATE_FILE
    if path.exists():
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = {}
        same_year = state.get("year") == opts.year and isinstance(state.get("scan_id"), str)
        if same_year and (opts.resume or state.get("status") != "done"):
            return str(state["scan_id"]), True
    return clock.stamp() + "-" + secrets.token_hex(2), False


def _write_state(opts: ScanOptions, scan_id: str, status: str) -> None:
    write_json_atomic(
        opts.out_dir / STATE_FILE,
        {"scan_id": scan_id, "year": opts.year, "registry": str(opts.registry), "status": status},
    )


def _resumed(agency_dir: Path, scan_id: str) -> dict[str, Any] | None:
    path = agency_dir / "result.json"
    if not path.exists():
        return None
    try:
        result: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return result if result.get("scan_id") == scan_id else None


def scan_guard(opts: ScanOptions) -> Guard:
    """The SSRF guard every agency of the scan is checked with (the one compute_check builds)."""
    return Guard(allow_private=opts.allow_private, allowed_hosts=frozenset(opts.allowed_hosts))


def crawler_for(opts: ScanOptions) -> tuple[CrawlService | None, CrawlFn]:
    """The scan's crawl runner: the shared crawler (its log is DIR/crawler.log), or a process per agency."""
    if not opts.shared_crawler:
        return None, run_crawl
    service = CrawlService(log_path=opts.out_dir / "crawler.log")
    return service, service.run


def check_one(
    opts: ScanOptions,
    scan_id: str,
    reg: Registry,
    agency: Agency,
    overrides: dict[str, Override],
    crawl_fn: CrawlFn = run_crawl,
) -> AgencyOutcome:
    agency_dir = opts.out_dir / "agencies" / agency.id
    (agency_dir / "error.log").unlink(missing_ok=True)  # from an earlier, failed attempt of this agency
    if agency.id in reg.form_errors:
        return AgencyOutcome(agency, "input_error", error=reg.form_errors[agency.id])
    try:
        run = compute_check(
            CheckOptions(
                **opts.crawl_settings(),
                site=agency.site,
                year=opts.year,
                agency_type=agency.agency_type,
                name=agency.name,
                out_dir=agency_dir,
                form=reg.forms.get(agency.id),
            ),
            crawl_fn=crawl_fn,
        )
    except InputError as exc:
        return AgencyOutcome(agency, "input_error", error=str(exc))
    except Interrupted:  # the scan is stopping: this agency is left for the resumed scan, its fetches kept
        return AgencyOutcome(agency, "interrupted")
    except Exception as exc:  # one agency's crash must not stop the others
        log.exception("agency %s failed", agency.id)
        agency_dir.mkdir(parents=True, exist_ok=True)
        (agency_dir / "error.log").write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
        return AgencyOutcome(agency, "error", error=f"{type(exc).__name__}: {exc}")
    if stopping():
        return AgencyOutcome(agency, "interrupted")
    result = run.result
    mark_scanned(result, scan_id=scan_id, agency_id=agency.id, province=agency.province, district=agency.district)
    apply_overrides(result, overrides)
    # the files of check, written once, with scan id and reviewer verdicts; a night that changed nothing they
    # show keeps last night's letter and workbooks (no browser, no workbook), and result.json says so
    write_outputs(result, agency_dir, pdf=opts.pdf, reuse=True)
    if not is_scored(result):  # the site answered nothing: ตรวจไม่ได้, counted apart, never a score of 0
        return AgencyOutcome(agency, "unreachable", result=result, error="เข้าเว็บไซต์ไม่ได้ / site unreachable")
    return AgencyOutcome(agency, "done", result=result)


def _run_agencies(
    opts: ScanOptions,
    scan_id: str,
    reg: Registry,
    by_agency: dict[str, dict[str, Override]],
    history: History,
    resuming: bool,
    on_progress: ProgressFn | None,
) -> list[AgencyOutcome]:
    total = len(reg.agencies)
    outcomes: dict[str, AgencyOutcome] = {}
    todo: list[Agency] = []
    for agency in reg.agencies:
        result = _resumed(opts.out_dir / "agencies" / agency.id, scan_id) if resuming else None
        if result is not None:
            status = "done" if is_scored(result) else "unreachable"
            outcomes[agency.id] = AgencyOutcome(agency, status, result=result, resumed=True)
            history.record_agency(scan_id, agency_dict(agency), status=status, result=result)
        else:
            todo.append(agency)
    if on_progress:
        on_progress(len(outcomes), total, None)
    service, crawl_fn = crawler_for(opts)
    printer = shared_printer(chromium_path() if opts.pdf else None)  # one browser prints every letter
    shots = shared_screenshots(scan_guard(opts) if opts.screenshots else None)  # and one takes the screenshots
    pool = ThreadPoolExecutor(max_workers=max(1, opts.workers), thread_name_prefix="agency")
    with printer, shots, pool:
        pending: set[Future[AgencyOutcome]] = {
            pool.submit(check_one, opts, scan_id, reg, a, by_agency.get(a.id, {}), crawl_fn) for a in todo
        }
        try:
            while pending:
                finished, pending = wait(pending, timeout=POLL_S, return_when=FIRST_COMPLETED)
                for fut in finished:
                    if fut.cancelled():
                        continue
                    outcome = fut.result()
                    if outcome.status == "interrupted":
                        continue
                    outcomes[outcome.agency.id] = outcome
                    history.record_agency(
                        scan_id,
                        agency_dict(outcome.agency),
                        status=outcome.status,
                        result=outcome.result,
                        error=outcome.error,
                    )
                    log.info("agency %s: %s", outcome.agency.id, outcome.status)
                    if on_progress:
                        on_progress(len(outcomes), total, outcome)
                if stopping():
                    for fut in pending:
                        fut.cancel()  # not started yet: left for the resumed scan
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            if service is not None:
                service.close()
    if stopping():
        raise Interrupted(
            f"สแกนหยุดตามคำสั่ง: ตรวจเสร็จ {len(outcomes)}/{total} หน่วยงาน ผลที่เสร็จแล้วเก็บไว้ "
            f"สั่งคำสั่งเดิมอีกครั้ง (หรือเพิ่ม --resume) เพื่อตรวจเฉพาะหน่วยงานที่เหลือ / scan interrupted: "
            f"{len(outcomes)} of {total} agencies done and kept; run the same command again (or add --resume) "
            "to check only the rest."
        )
    return [outcomes[a.id] for a in reg.agencies]


def _override_states(
    opts: ScanOptions, history: History, outcomes: list[AgencyOutcome], stored: list[tuple[Override, str | None]]
) -> list[OverrideState]:
    items = {
        (o.agency.id, str(it["code"])): (o.agency.name, it)
        for o in outcomes
        if o.result is not None
        for it in o.result["items"]
    }
    states: list[OverrideState] = []
    for ov, baseline in stored:
        found = items.get((ov.agency_id, ov.code))
        if found is None:
            continue
        name, item = found
        digest = evidence_hash(item)
        if baseline is None:
            history.set_baseline(opts.year, ov.agency_id, ov.code, digest)
        tool = str(item.get("tool_verdict") or item["verdict"])
        states.append(OverrideState(ov, name, tool, baseline is not None and baseline != digest))
    return states


def load_overrides(opts: ScanOptions, reg: Registry, history: History) -> list[tuple[Override, str | None]]:
    if opts.overrides is not None:
        found, problems = read_overrides(opts.overrides)
        reg.problems.extend(problems)
        known = {a.id for a in reg.agencies}
        for ov in found:
            if ov.agency_id not in known:
                reg.problems.append(
                    f"{opts.overrides.name}: ไม่มีหน่วยงานรหัส '{ov.agency_id}' ในทะเบียน (ข้อ {ov.code}) / "
                    f"{opts.overrides.name}: no agency '{ov.agency_id}' in the registry (item {ov.code})"
                )
        history.replace_overrides(opts.year, found)
    return history.overrides(opts.year)


def notify(cmd: str, summary_path: Path) -> None:
    try:
        done = subprocess.run([*shlex.split(cmd), str(summary_path)], check=False, timeout=300)
    except (OSError, subprocess.TimeoutExpired, ValueError) as exc:
        log.warning("notify command failed: %s", exc)
        return
    if done.returncode != 0:
        log.warning("notify command exited with status %s", done.returncode)


def run_scan(opts: ScanOptions, on_progress: ProgressFn | None = None) -> ScanOutcome:
    """Scan every agency of the registry and write DIR/agencies/<id>/…, summary.json, province.html, summary.xlsx.

    Raises InputError only when the registry (or overrides/submissions file) cannot be used at all.
    """
    t0 = time.monotonic()
    started = clock.iso_now()
    reg = read_registry(opts.registry, opts.submissions)
    if not reg.agencies:
        raise InputError(no_agencies_message(opts.registry, reg.problems))
    with locked_out_dir(opts.out_dir):
        return _scan_locked(opts, reg, on_progress, started=started, t0=t0)


def no_agencies_message(path: Path, problems: list[str]) -> str:
    """Exit 2 for a registry with no agency to check: a nightly job must not "succeed" at checking nobody."""
    shown = "".join(f"\n  - {p}" for p in problems[:10])
    more = f"\n  … และอีก {len(problems) - 10} จุด / and {len(problems) - 10} more" if len(problems) > 10 else ""
    return (
        f"{path.name}: ไม่มีหน่วยงานที่ตรวจได้ในทะเบียน (ต้องมีอย่างน้อยหนึ่งแถวที่มีรหัส ชื่อ ประเภท และเว็บไซต์ถูกต้อง) / "
        f"{path.name}: the registry has no agency that can be checked (at least one row needs a valid id, name, "
        f"type and website){shown}{more}"
    )


def _scan_locked(
    opts: ScanOptions, reg: Registry, on_progress: ProgressFn | None, *, started: str, t0: float
) -> ScanOutcome:
    history = open_history(opts)
    try:
        stored = load_overrides(opts, reg, history)
        by_agency: dict[str, dict[str, Override]] = {}
        for ov, _ in stored:
            by_agency.setdefault(ov.agency_id, {})[ov.code] = ov
        scan_id, resuming = _scan_state(opts)
        _write_state(opts, scan_id, "running")
        history.begin_scan(
            scan_id, year=opts.year, registry=opts.registry, out_dir=opts.out_dir, meta={"agencies": len(reg.agencies)}
        )
        log.info("scan %s: %d agencies (%s)", scan_id, len(reg.agencies), "resumed" if resuming else "new")
        try:
            outcomes = _run_agencies(opts, scan_id, reg, by_agency, history, resuming, on_progress)
        except BaseException:
            history.finish_scan(scan_id, "interrupted")
            _write_state(opts, scan_id, "interrupted")
            raise
        outcome = finalize(opts, history, scan_id, reg, outcomes, stored, started=started, t0=t0)
    finally:
        history.close()
    _write_state(opts, scan_id, "done")
    if opts.notify_cmd:
        notify(opts.notify_cmd, outcome.paths["summary"])
    return outcome


def finalize(
    opts: ScanOptions,
    history: History,
    scan_id: str,
    reg: Registry,
    outcomes: list[AgencyOutcome],
    stored: list[tuple[Override, str | None]],
    *,
    started: str,
    t0: float,
) -> ScanOutcome:
    """Close the scan in the history, compare with the previous one, write summary.json, province.html, .xlsx."""
    from ita_checker.report.province_html import write_province_html
    from ita_checker.report.province_xlsx import write_province_xlsx

    status = "partial" if any(o.status == "error" for o in outcomes) else "done"
    history.finish_scan(scan_id, status)
    prev = history.previous(scan_id)
    changes = history.diff(prev.scan_id, scan_id) if prev else None
    trends = {o.agency.id: history.trend(scan_id, o.agency.id) for o in outcomes}
    override_states = _override_states(opts, history, outcomes, stored)
    entries = [o.entry() for o in outcomes]
    paths = {
        "summary": opts.out_dir / "summary.json",
        "html": opts.out_dir / "province.html",
        "xlsx": opts.out_dir / "summary.xlsx",
    }
    outcome = ScanOutcome(
        scan_id=scan_id,
        year=opts.year,
        out_dir=opts.out_dir,
        outcomes=outcomes,
        province=summarize(entries),
        changes=changes,
        previous_scan=prev.scan_id if prev else None,
        trends=trends,
        overrides=override_states,
        problems=list(reg.problems),
        paths=paths,
        started_at=started,
        duration_s=time.monotonic() - t0,
        province_trend=history.province_trend(scan_id),
    )
    write_json_atomic(paths["summary"], summary_document(outcome))
    write_province_html(outcome, paths["html"])
    write_province_xlsx(outcome, paths["xlsx"])
    return outcome


def summary_document(scan: ScanOutcome) -> dict[str, Any]:
    """The summary.json document (schema ita-checker/scan-summary/v1)."""
    return {
        "schema": "ita-checker/scan-summary/v1",
        "scan_id": scan.scan_id,
        "year": scan.year,
        "started_at": scan.started_at,
        "duration_s": round(scan.duration_s, 1),
        "previous_scan": scan.previous_scan,
        "agencies": [
            {
                "id": o.agency.id,
                "name": o.agency.name,
                "status": o.status,
                "error": o.error,
                "report": f"agencies/{o.agency.id}/report.html" if o.result is not None else None,
                "trend": [score for _, score in scan.trends.get(o.agency.id, [])],
            }
            for o in scan.outcomes
        ],
        "province": scan.province.to_json(),
        "changes": scan.changes.as_dict() if scan.changes else None,
        "overrides": [
            {**s.override.__dict__, "tool_verdict": s.tool_verdict, "evidence_changed": s.evidence_changed}
            for s in scan.overrides
        ],
        "problems": scan.problems,
        "internal_errors": scan.internal_errors,
    }
