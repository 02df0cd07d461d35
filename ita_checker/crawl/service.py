"""Crawl adapter for scans: one long-lived crawler process (``crawler.serve``) shared by many agencies' crawls."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from ita_checker.crawl.job import CrawlJob
from ita_checker.crawl.process import CRAWL_TIMEOUT_S, STOP_GRACE_S, TICK_S, CrawlError, CrawlOutcome
from ita_checker.errors import StorageError
from ita_checker.interrupts import Interrupted, stopping

log = logging.getLogger("ita_checker.crawl.service")

READY_TIMEOUT_S = 60.0
JOBS_PER_PROCESS = 500  # then a fresh process takes the next jobs (bounds whatever a long run accumulates)


@dataclass
class _Waiter:
    done: threading.Event = field(default_factory=threading.Event)
    message: dict[str, Any] = field(default_factory=dict)


class _CrawlerProcess:
    """One ``python -m crawler.serve`` child: its pipes, the jobs waiting on it, and its reader thread."""

    def __init__(self, *, log_path: Path, env: dict[str, str]) -> None:
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = log_path.open("ab")
        # Its own session: a Ctrl-C in the terminal reaches the checker only, which stops the crawls itself.
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=env,
            start_new_session=True,
            text=True,
            encoding="utf-8",
        )
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.stdin: IO[str] = self.proc.stdin
        self.waiters: dict[str, _Waiter] = {}
        self.submitted = 0
        self.retiring = False
        self.pid: int | None = None
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True, name="crawler-io")
        self._reader.start()
        if not self._ready.wait(READY_TIMEOUT_S) or self.pid is None:
            self.kill()
            raise CrawlError(f"the shared crawler did not start; see {log_path}:\n{self._tail()}")

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None and not self.stdin.closed

    def _tail(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        except OSError:
            return ""

    def _read(self, stdout: IO[str]) -> None:
        for line in stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if message.get("event") == "ready":
                self.pid = int(message["pid"])
                self._ready.set()
            elif message.get("event") == "done":
                with self._lock:
                    waiter = self.waiters.pop(str(message.get("run_id")), None)
                    idle = self.retiring and not self.waiters
                if waiter is not None:
                    waiter.message = message
                    waiter.done.set()
                if idle:
                    self.close_input()
        stdout.close()
        rc = self.proc.wait()
        self._ready.set()
        with self._lock:
            orphans, self.waiters = self.waiters, {}
        for waiter in orphans.values():  # the process died under these crawls
            waiter.message = {"status": "died", "detail": f"the shared crawler exited with status {rc}"}
            waiter.done.set()

    def send(self, message: dict[str, Any]) -> None:
        with self._lock:
            if self.stdin.closed:
                raise CrawlError("the shared crawler is closing")
            try:
                self.stdin.write(json.dumps(message, ensure_ascii=False) + "\n")
                self.stdin.flush()
            except (BrokenPipeError, OSError) as exc:
                raise CrawlError(f"the shared crawler is gone ({exc}); see {self.log_path}") from exc

    def submit(self, job: CrawlJob, log_path: Path) -> _Waiter:
        waiter = _Waiter()
        with self._lock:
            self.waiters[job.run_id] = waiter
            self.submitted += 1
        job_dict = json.loads(job.to_json())
        try:
            self.send({"op": "crawl", "job": job_dict, "log": str(log_path)})
        except CrawlError:
            with self._lock:
                self.waiters.pop(job.run_id, None)
            raise
        return waiter

    def retire(self) -> None:
        """Take no more jobs; close the input once the running ones are done (the process then exits)."""
        with self._lock:
            self.retiring = True
            idle = not self.waiters
        if idle:
            self.close_input()

    def close_input(self) -> None:
        with self._lock:
            if not self.stdin.closed:
                with contextlib.suppress(OSError):
                    self.stdin.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def close(self, grace_s: float) -> None:
        self.close_input()
        try:
            self.proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            self.kill()
        self._reader.join(timeout=2.0)
        self._log.close()


class CrawlService:
    """Runs agencies' crawls in one shared crawler process, many at once; a drop-in for ``run_crawl``.

    ``service.run(job, log_dir=…)`` blocks like ``run_crawl`` (same outcome, errors and stop behaviour) and
    may be called from many threads at once. The process is started with the first job and replaced when it
    dies or has taken ``jobs_per_process`` jobs; ``close()`` stops it. Every job must share the first job's
    SSRF guard and browser settings (one scan's options).
    """

    def __init__(self, *, log_path: Path, jobs_per_process: int = JOBS_PER_PROCESS) -> None:
        self.log_path = log_path
        self.jobs_per_process = jobs_per_process
        self._current: _CrawlerProcess | None = None
        self._retired: list[_CrawlerProcess] = []
        self._lock = threading.Lock()
        self.processes_started = 0

    def __enter__(self) -> CrawlService:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _process(self, job: CrawlJob) -> _CrawlerProcess:
        with self._lock:
            current = self._current
            if current is not None and (not current.alive or current.submitted >= self.jobs_per_process):
                current.retire()
                self._retired.append(current)
                current = None
            if current is None:
                env = dict(os.environ, PYTHONUNBUFFERED="1", TLDEXTRACT_CACHE=str(job.store_dir / "tldextract"))
                env.setdefault("TZ", "Asia/Bangkok")  # crawl.log timestamps in the time the reviewers read
                current = _CrawlerProcess(log_path=self.log_path, env=env)
                self.processes_started += 1
                log.info("shared crawler process %s started (log %s)", current.pid, self.log_path)
                self._current = current
            return current

    def run(
        self,
        job: CrawlJob,
        *,
        log_dir: Path,
        timeout_s: float = CRAWL_TIMEOUT_S,
        on_tick: Callable[[], None] | None = None,
    ) -> CrawlOutcome:
        """Crawl ``job`` in the shared process; its log goes to ``log_dir/crawl.log``."""
        log_dir.mkdir(parents=True, exist_ok=True)
        log_path = (log_dir / "crawl.log").resolve()
        if os.environ.get("ITA_CRAWL_LOG_LEVEL"):
            job = replace(job, log_level=os.environ["ITA_CRAWL_LOG_LEVEL"])
        t0 = time.monotonic()
        proc = self._process(job)
        waiter = proc.submit(job, log_path)
        while not waiter.done.wait(TICK_S):
            if stopping():  # no wait: the caller closes the service, which ends the process within a grace
                self._cancel(proc, job, waiter, wait_s=0)
                raise Interrupted()
            if time.monotonic() - t0 > timeout_s:
                self._cancel(proc, job, waiter, wait_s=STOP_GRACE_S)
                raise CrawlError(f"crawler exceeded {timeout_s}s; see {log_path}")
            if on_tick is not None:
                on_tick()
        status = waiter.message.get("status")
        detail = str(waiter.message.get("detail") or "")
        if status == "store_error":
            raise StorageError(job.store_dir, detail or "write failed")
        if status != "ok":
            raise CrawlError(f"crawl failed ({status}): {detail}; logs {log_path} and {self.log_path}")
        return CrawlOutcome(duration_s=time.monotonic() - t0, log_path=log_path)

    @staticmethod
    def _cancel(proc: _CrawlerProcess, job: CrawlJob, waiter: _Waiter, *, wait_s: float) -> None:
        """Ask the process to stop this crawl and wait up to ``wait_s`` for it (its fetches stay in the store)."""
        try:
            proc.send({"op": "cancel", "run_id": job.run_id})
        except CrawlError:
            return
        if wait_s > 0:
            waiter.done.wait(wait_s)

    def close(self) -> None:
        """Stop the shared process(es): running crawls are stopped, then the process exits; one that lingers
        past the grace period (a download that does not end) is killed. Every fetch record is its own
        transaction, so nothing half-written is left and the runs stay resumable."""
        with self._lock:
            procs = [*self._retired, *([self._current] if self._current else [])]
            self._current, self._retired = None, []
        for proc in procs:
            proc.close_input()
        deadline = time.monotonic() + STOP_GRACE_S
        for proc in procs:
            proc.close(max(0.1, deadline - time.monotonic()))
