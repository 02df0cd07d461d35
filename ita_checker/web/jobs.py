"""Self-check jobs of the web service: queued, run in-process one per site at a time, kept on disk."""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from ita_checker.check import CheckOptions, run_check
from ita_checker.errors import InputError
from ita_checker.inputs.submissions import SubmissionForm
from ita_checker.interrupts import Interrupted
from ita_checker.options import CrawlSettings
from ita_checker.result import write_json_atomic

log = logging.getLogger(__name__)

STATES = ("queued", "running", "done", "failed", "interrupted")
JOB_FILE = "job.json"
OUT = "out"  # the check's output folder inside the job folder
# What a visitor may download from a finished job (the check's own file names).
DOWNLOADS = ("report.pdf", "report.xlsx", "submission-form.xlsx", "result.json", "report.html")
STAGE_TH = {
    "queued": "รอคิวตรวจ",
    "crawl": "กำลังเก็บหน้าเว็บและเอกสาร",
    "extract": "กำลังอ่านข้อความจากเอกสาร",
    "rules": "กำลังตรวจตามเกณฑ์รายข้อ",
    "screenshots": "กำลังถ่ายภาพหน้าจอหลักฐาน",
    "reports": "กำลังทำรายงาน",
}


@dataclass
class Job:
    """One self-check: what was asked, where it stands, and its output folder once done."""

    id: str
    site: str
    year: int
    agency_type: str
    created: float
    state: str = "queued"
    stage: str = "queued"
    counts: dict[str, int] = field(default_factory=dict)
    error: str = ""
    started: float | None = None
    finished: float | None = None
    with_form: bool = False
    name: str = ""  # the agency's name as the visitor typed it (the report's heading)

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")

    @property
    def stage_th(self) -> str:
        return STAGE_TH.get(self.stage, self.stage)

    def wall_s(self) -> float | None:
        return None if self.started is None or self.finished is None else self.finished - self.started


def new_job_id() -> str:
    """An unguessable id: a self-check's result page is reachable only by whoever holds its address."""
    return secrets.token_urlsafe(18)


def valid_job_id(job_id: str) -> bool:
    return 16 <= len(job_id) <= 40 and all(c.isalnum() or c in "-_" for c in job_id)


class JobBoard:
    """Runs self-checks in a small pool of threads of this process (the single-machine default).

    A second request for a site that is already queued or running (same year and type) gets that job back
    instead of a second crawl of the same site. Each job's state is written to ``<data>/jobs/<id>/job.json``
    so a restarted service still shows finished results; a job that was running when the service stopped is
    shown as interrupted.
    """

    def __init__(self, data_dir: Path, settings: CrawlSettings, *, workers: int = 2) -> None:
        self.root = data_dir / "jobs"
        self.root.mkdir(parents=True, exist_ok=True)
        self.settings = settings
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._active: dict[tuple[str, int, str], str] = {}
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="selfcheck")

    def folder(self, job_id: str) -> Path:
        return self.root / job_id

    def out_dir(self, job_id: str) -> Path:
        return self.folder(job_id) / OUT

    def submit(self, *, site: str, year: int, agency_type: str, form: SubmissionForm | None, name: str = "") -> Job:
        """Queue a check (or return the one already queued or running for this site, year and type)."""
        key = (site, year, agency_type)
        with self._lock:
            running = self._active.get(key)
            if running is not None and form is None:
                return self._jobs[running]
            job = Job(
                id=new_job_id(),
                site=site,
                year=year,
                agency_type=agency_type,
                created=time.time(),
                with_form=form is not None,
                name=name,
            )
            self._jobs[job.id] = job
            self._active[key] = job.id
            self.folder(job.id).mkdir(parents=True)
            self._save(job)
        self._pool.submit(self._run, job, form)
        return job

    def get(self, job_id: str) -> Job | None:
        """The job from memory, else from its folder (a job of an earlier run of the service)."""
        if not valid_job_id(job_id):
            return None
        with self._lock:
            if job_id in self._jobs:
                return replace(self._jobs[job_id], counts=dict(self._jobs[job_id].counts))
        path = self.folder(job_id) / JOB_FILE
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            job = Job(**{k: v for k, v in data.items() if k in Job.__dataclass_fields__})
        except (OSError, ValueError, TypeError):
            return None
        if job.active:  # the service stopped while it ran
            job.state, job.error = "interrupted", "การตรวจถูกหยุดเพราะบริการถูกปิดระหว่างตรวจ กรุณาส่งตรวจใหม่"
        return job

    def queued_ahead(self, job_id: str) -> int:
        """How many jobs were queued before this one and have not started."""
        with self._lock:
            me = self._jobs.get(job_id)
            if me is None or me.state != "queued":
                return 0
            return sum(1 for j in self._jobs.values() if j.state == "queued" and j.created < me.created)

    def close(self) -> None:
        """Stop taking jobs; the running ones stop at their next checkpoint (the caller sets the stop flag)."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _save(self, job: Job) -> None:
        write_json_atomic(self.folder(job.id) / JOB_FILE, asdict(job))

    def _update(self, job: Job, **changes: Any) -> None:
        with self._lock:
            for k, v in changes.items():
                setattr(job, k, v)
            self._save(job)

    def _run(self, job: Job, form: SubmissionForm | None) -> None:
        def progress(stage: str, counts: Any) -> None:
            with self._lock:
                job.stage, job.counts = stage, {k: int(v) for k, v in dict(counts).items()}

        self._update(job, state="running", stage="crawl", started=time.time())
        opts = CheckOptions(
            **self.settings.crawl_settings(),
            site=job.site,
            year=job.year,
            agency_type=job.agency_type,
            name=job.name or None,
            form=form,
            out_dir=self.out_dir(job.id),
        )
        try:
            run_check(opts, progress)
        except InputError as exc:
            self._update(job, state="failed", error=str(exc), finished=time.time())
        except Interrupted:
            self._update(job, state="interrupted", error="การตรวจถูกหยุดเพราะบริการกำลังปิด", finished=time.time())
        except Exception as exc:  # one broken check must not take the service down
            log.exception("self-check %s of %s failed", job.id, job.site)
            self._update(
                job,
                state="failed",
                finished=time.time(),
                error=f"ตรวจไม่สำเร็จเพราะข้อผิดพลาดภายในของโปรแกรม ({type(exc).__name__}) / internal error",
            )
        else:
            self._update(job, state="done", stage="reports", finished=time.time())
        finally:
            with self._lock:
                key = (job.site, job.year, job.agency_type)
                if self._active.get(key) == job.id:
                    del self._active[key]
