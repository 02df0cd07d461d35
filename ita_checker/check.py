"""One agency check end to end: inputs → SSRF pre-flight → crawl → extract → rules → score → outputs."""

from __future__ import annotations

import logging
import re
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ita_checker.crawl.job import CrawlJob
from ita_checker.crawl.netguard import Guard
from ita_checker.crawl.process import CrawlFn, run_crawl
from ita_checker.errors import BlockedTarget, InputError, StorageError
from ita_checker.extract.dispatch import sniff_kind
from ita_checker.extract.evidence import EvidenceIndex, build_index
from ita_checker.extract.navigation import LinkGraph, clicks_to, link_graph
from ita_checker.inputs.submissions import SubmissionForm, read_submissions
from ita_checker.interrupts import checkpoint
from ita_checker.models import AgencyType
from ita_checker.options import CrawlSettings
from ita_checker.outdir import locked_out_dir
from ita_checker.report.outputs import write_outputs
from ita_checker.result import new_result
from ita_checker.rules.engine import judge_item
from ita_checker.rules.loader import RuleSet, find_ruleset, get_ruleset
from ita_checker.scoring.agency import summary
from ita_checker.store.blobs import FetchRecord, Store
from ita_checker.store.carryover import carried_note, carry_screenshots, evidence_fingerprint, ruleset_digest
from ita_checker.text import clock

log = logging.getLogger("ita_checker.check")

TOPIC_KEYWORDS_PER_ITEM = 25
Progress = Callable[[str, Mapping[str, int]], None]  # (stage, counts): crawl, extract, rules, screenshots, reports


@dataclass(kw_only=True)
class CheckOptions(CrawlSettings):
    """Inputs of ``ita-checker check`` (the stable CLI contract, see README); crawl options from CrawlSettings."""

    site: str
    year: int
    agency_type: str
    submissions: Path | None = None
    name: str | None = None
    out_dir: Path | None = None
    resume: bool = True  # continue an interrupted run of the same agency/site/year instead of starting over
    form: SubmissionForm | None = None  # an already-read form (province scans); takes precedence over submissions
    carry_over: bool = True  # reuse the last result when the evidence is byte-identical (ita_checker.store.carryover)


@dataclass
class CheckRun:
    """One computed check: the result dict, where its outputs go, and the paths written (empty until written)."""

    result: dict[str, Any]
    out_dir: Path
    duration_s: float
    paths: dict[str, Path] = field(default_factory=dict)
    pdf: bool = True  # also print report.pdf

    def write(self) -> dict[str, Path]:
        """Write result.json, report.html, report.xlsx, submission-form.xlsx (and report.pdf), atomically each."""
        self.paths = write_outputs(self.result, self.out_dir, pdf=self.pdf)
        return self.paths


def validate_site(site: str) -> str:
    p = urlparse(site.strip())
    if p.scheme not in ("http", "https") or not p.hostname:
        raise InputError(
            f"SITE_URL ไม่ถูกต้อง: '{site}' ต้องขึ้นต้นด้วย http:// หรือ https:// และมีชื่อโดเมน / "
            f"invalid SITE_URL '{site}': it must be an absolute http(s) URL, e.g. https://www.example.go.th/"
        )
    return site.strip() if p.path else site.strip() + "/"


def load_inputs(opts: CheckOptions) -> tuple[RuleSet, SubmissionForm | None]:
    if opts.agency_type not in AgencyType.__members__:
        raise InputError(
            f"--agency-type '{opts.agency_type}' ไม่รู้จัก / unknown; use one of: " + ", ".join(AgencyType.__members__)
        )
    rs = get_ruleset(opts.ruleset) if opts.ruleset else find_ruleset(year=opts.year, agency_type=opts.agency_type)
    if rs.info.year != opts.year:
        raise InputError(f"ชุดกฎ {rs.id} เป็นของปี {rs.info.year} ไม่ใช่ {opts.year} / rule set year mismatch")
    if opts.form is not None:
        return rs, opts.form
    form = read_submissions(opts.submissions) if opts.submissions else None
    return rs, form


def default_out_dir(site: str) -> Path:
    host = re.sub(r"[^A-Za-z0-9.-]+", "_", urlparse(site).netloc) or "site"
    return Path("outputs") / f"{host}-{clock.stamp()}"


def _attach_screenshots(
    items: list[dict[str, Any]], index: EvidenceIndex, guard: Guard, *, store_dir: Path, out_dir: Path
) -> list[str]:
    """Screenshot the first HTML evidence page of each item and reference it from the evidence entry."""
    from ita_checker.crawl.screenshots import ShotRequest, chromium_available, take_screenshots

    wanted: dict[str, ShotRequest] = {}
    for it in items:
        for ev in it["evidence"][:1]:
            doc = index.doc(ev["url"])
            if doc is not None and doc.doc.kind == "html" and doc.record.sha256:
                wanted.setdefault(ev["url"], ShotRequest(url=ev["url"], sha256=doc.record.sha256))
    if not wanted:
        return []
    shots = take_screenshots(list(wanted.values()), cache_dir=store_dir / "shots", out_dir=out_dir, guard=guard)
    for it in items:
        for ev in it["evidence"][:1]:
            ev["screenshot"] = shots.get(ev["url"])
    if not chromium_available() and len(shots) < len(wanted):
        return ["ไม่มีภาพหน้าจอหลักฐาน: ไม่พบเบราว์เซอร์ chromium (ติดตั้งด้วย scripts/setup.sh)"]
    return []


def is_file(rec: FetchRecord) -> bool:
    """A fetched file (PDF, Word, Excel, image), whatever led to it: submitted and discovered PDFs count too."""
    return sniff_kind(b"", rec.content_type, rec.final_url or rec.url) not in ("html", "text")


def _judging_context(opts: CheckOptions, rs: RuleSet, site: str, form: SubmissionForm | None) -> dict[str, Any]:
    """What a verdict depends on besides the fetched evidence (ita_checker.store.carryover)."""
    return {
        "site": site,
        "name": opts.name,
        "year": opts.year,
        "agency_type": opts.agency_type,
        "ruleset": rs.id,
        "rules": ruleset_digest(rs),
        "submitted": None if form is None else {r.code: form.urls_for(r.code) for r in rs.rules},
        "ocr": opts.ocr,
        "screenshots": opts.screenshots,
    }


def _judge(
    opts: CheckOptions,
    rs: RuleSet,
    form: SubmissionForm | None,
    store: Store,
    run_id: str,
    site: str,
    progress: Progress | None,
    lap: Callable[[str], None],
) -> tuple[list[dict[str, Any]], EvidenceIndex]:
    """Extract the run's evidence and judge every item (the stages extract and rules, timed by ``lap``)."""

    def extract_tick(done: int, total: int, ocr_documents: int) -> None:
        if progress is not None:
            progress("extract", {"done": done, "total": total, "ocr": ocr_documents})

    index = build_index(store, run_id, site=site, ocr=opts.ocr, on_progress=extract_tick)
    index.topics = {rule.code: rule.topic_terms for rule in rs.rules}
    lap("extract_s")
    items = []
    for done, rule in enumerate(rs.rules):
        checkpoint()
        if progress is not None:
            progress("rules", {"done": done, "total": len(rs.rules)})
        urls = None if form is None else list(form.urls_for(rule.code))
        items.append(judge_item(rule, index, fy=opts.year, agency_type=opts.agency_type, submitted=urls))
    lap("rules_s")
    return items, index


def add_navigation(items: list[dict[str, Any]], graph: LinkGraph, *, home: str) -> None:
    """Give each item's ``found_on_site`` the link texts that lead to it from the home page (``path``): the
    explanation an agency writes in the form's คำอธิบาย column."""
    targets = [str(it["found_on_site"]["url"]) for it in items if it.get("found_on_site")]
    paths = clicks_to(graph, home, targets)
    for it in items:
        found = it.get("found_on_site")
        if found and found["url"] in paths:
            found["path"] = paths[found["url"]]


def run_check(opts: CheckOptions, progress: Progress | None = None) -> CheckRun:
    """Check one agency site and write result.json, report.html and report.xlsx (the ``check`` command).

    The output folder is locked for the whole run: a second run on the same ``--out`` is refused (exit 2).
    """
    out_dir = opts.out_dir or default_out_dir(validate_site(opts.site))
    with locked_out_dir(out_dir):
        run = compute_check(replace(opts, out_dir=out_dir), progress)
        checkpoint()  # stopped while screenshots were taken: nothing that looks complete is written
        if progress is not None:
            progress("reports", {})
        run.write()
    return run


def open_store(store_dir: Path) -> Store:
    """The store, or bad input (exit 2) when ``--store`` cannot be opened at all (not a folder, no rights)."""
    try:
        return Store(store_dir)
    except StorageError as exc:
        raise InputError(
            f"--store {store_dir}: เปิดหรือสร้างที่เก็บข้อมูลนี้ไม่ได้ ({exc.cause}) ระบุโฟลเดอร์ที่เขียนได้ / "
            f"--store {store_dir}: cannot open or create this store ({exc.cause}); give a writable folder"
        ) from exc


def compute_check(opts: CheckOptions, progress: Progress | None = None, *, crawl_fn: CrawlFn = run_crawl) -> CheckRun:
    """Check one agency site; nothing is written but the crawl log and screenshots (the caller writes outputs).

    Raises InputError (exit 2) for bad input or a refused target before any request is made, and
    Interrupted when a stop was asked for (the store keeps what was fetched; the next run resumes it).
    ``progress(stage, counts)`` follows the stages: crawl, extract, rules, screenshots. ``crawl_fn`` runs
    the crawl: a crawler process of its own by default, the scan's shared crawler (CrawlService.run) in scans.
    """
    t0 = time.monotonic()
    site = validate_site(opts.site)
    rs, form = load_inputs(opts)
    guard = Guard(allow_private=opts.allow_private, allowed_hosts=frozenset(opts.allowed_hosts))
    guard.check(site)  # BlockedTarget: exit 2, nothing fetched
    notes: list[str] = []
    submitted: dict[str, list[str]] = {}
    refused: list[FetchRecord] = []
    if form is not None:
        notes.extend(form.warnings)
        codes = {r.code for r in rs.rules}
        unknown = sorted(set(form.items) - codes)
        if unknown:
            notes.append(f"แบบฟอร์มมีข้อที่ไม่อยู่ในชุดกฎ {rs.id}: {', '.join(unknown)} (ไม่นำมาตรวจ)")
        for code in codes:
            for url in form.urls_for(code):
                try:
                    guard.check(url)
                except BlockedTarget as exc:
                    refused.append(
                        FetchRecord(
                            url=url,
                            source="submitted",
                            fail_class="refused_private",
                            detail=exc.reason,
                            item_codes=[code],
                        )
                    )
                    continue
                submitted.setdefault(code, []).append(url)
    store = open_store(opts.store_dir)
    try:
        agency_key = f"{opts.name or site}|{opts.year}|{rs.id}"
        resumed = store.find_unfinished_run(agency=agency_key, site=site) if opts.resume else None
        run_id = resumed or store.begin_run(agency=agency_key, site=site, meta={"year": opts.year, "ruleset": rs.id})
        if resumed:
            log.info("resuming interrupted run %s", resumed)
            notes.append(f"ตรวจต่อจากรอบที่ถูกขัดจังหวะ ({resumed}) / resumed interrupted run")
        for rec in refused:
            store.record_fetch(run_id, rec)
        job = CrawlJob(
            run_id=run_id,
            store_dir=opts.store_dir.resolve(),
            site=site,
            submitted=submitted,
            topics={r.code: r.topic_terms[:TOPIC_KEYWORDS_PER_ITEM] for r in rs.rules},
            allow_private=opts.allow_private,
            allowed_hosts=list(opts.allowed_hosts),
            max_pages=opts.max_pages,
            max_depth=opts.max_depth,
            max_documents=opts.max_documents,
            obey_robots=opts.obey_robots,
            browser=opts.browser,
            timeout_s=opts.timeout_s,
            per_ip_concurrency=opts.per_ip_concurrency,
            per_ip_delay_s=opts.per_ip_delay_s,
            revisit_stable_s=opts.revisit_stable_days * 86400,
        )
        out_dir = opts.out_dir or default_out_dir(site)
        timings: dict[str, float] = {}
        mark = time.monotonic()

        def lap(name: str) -> None:
            nonlocal mark
            now = time.monotonic()
            timings[name] = round(now - mark, 3)
            mark = now

        def crawl_tick() -> None:
            if progress is not None:
                pages, documents, errors = store.fetch_counts(run_id)
                progress("crawl", {"pages": pages, "documents": documents, "errors": errors})

        crawl_tick()
        crawl = crawl_fn(job, log_dir=out_dir, timeout_s=opts.crawl_timeout_s, on_tick=crawl_tick)
        checkpoint()
        lap("crawl_s")

        fetches = store.fetches(run_id)
        edges = store.edges(run_id)
        fresh = sum(1 for f in fetches if f.fresh)
        if fresh:
            days = f"{opts.revisit_stable_days:g}"
            notes.append(
                f"เอกสาร {fresh} ไฟล์ใช้ฉบับที่เก็บไว้โดยไม่ขอใหม่ เพราะไม่เปลี่ยนแปลงมาแล้วอย่างน้อย {days} วัน "
                f"(ขอใหม่ทุก {days} วัน; --revisit-stable-days 0 เพื่อขอใหม่ทั้งหมด) / {fresh} documents reused "
                f"without a request: unchanged for at least {days} days, re-requested every {days} days"
            )
        fingerprint = evidence_fingerprint(fetches, edges, _judging_context(opts, rs, site, form))
        previous = (
            store.result_with_fingerprint(agency=agency_key, site=site, fingerprint=fingerprint)
            if opts.carry_over
            else None
        )
        if previous is not None:  # byte-identical evidence: no extraction, OCR, rules or screenshots
            items = previous["items"]
            carry_screenshots(items, shot_cache=opts.store_dir / "shots", out_dir=out_dir)
            notes.append(carried_note(previous))
            log.info("evidence unchanged since %s: result carried over", previous.get("run_id"))
        else:
            items, index = _judge(opts, rs, form, store, run_id, site, progress, lap)
            add_navigation(items, link_graph(fetches, edges), home=site)
            if opts.screenshots:
                if progress is not None:
                    progress("screenshots", {})
                notes.extend(_attach_screenshots(items, index, guard, store_dir=opts.store_dir, out_dir=out_dir))
            lap("screenshots_s")
        result = new_result(
            agency={"name": opts.name or urlparse(site).netloc, "type": opts.agency_type, "site": site},
            year=opts.year,
            ruleset=rs.id,
            ruleset_status=rs.info.status,
            ruleset_caveat=rs.caveat_th,
            run_id=run_id,
            mode="submissions" if form is not None else "discovery",
            items=items,
            summary=summary(items, rs.id, site_unreachable=not any(f.ok for f in fetches)),
            crawl={
                "pages_fetched": sum(1 for f in fetches if f.ok and not is_file(f)),
                "documents_fetched": sum(1 for f in fetches if f.ok and is_file(f)),
                "errors": sum(1 for f in fetches if not f.ok),
                "duration_s": round(crawl.duration_s, 2),
                "not_modified": sum(1 for f in fetches if f.not_modified),
                "fresh_reused": fresh,
                "via_browser": sum(1 for f in fetches if f.via_browser),
            },
            timings=timings,
            notes=notes,
        )
        if previous is not None:
            result["carried_over"] = {"from_run": previous.get("run_id"), "checked_at": previous.get("checked_at")}
        else:
            stored = {k: v for k, v in result.items() if k != "notes"}  # notes belong to the run, not the verdicts
            store.save_result(run_id, agency=agency_key, site=site, fingerprint=fingerprint, result=stored)
        store.finish_run(run_id)
    except sqlite3.OperationalError as exc:  # disk full, read-only, I/O error: the run stays resumable
        raise StorageError(opts.store_dir, exc) from exc
    finally:
        store.close()
    return CheckRun(result=result, out_dir=out_dir, duration_s=time.monotonic() - t0, pdf=opts.pdf)
