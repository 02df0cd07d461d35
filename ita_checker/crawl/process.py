"""Crawl adapter: runs the Scrapy crawler in its own process for one agency and waits for it."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from ita_checker.crawl.job import CrawlJob
from ita_checker.errors import StorageError
from ita_checker.interrupts import Interrupted, stopping

log = logging.getLogger("ita_checker.crawl.process")

CRAWL_TIMEOUT_S = 1800
EXIT_STORE = 3  # crawler.run's exit status when the store could not be written
STORE_ERROR_PREFIX = "ITA_STORE_ERROR: "
TICK_S = 0.5
STOP_GRACE_S = 5.0  # after SIGINT Scrapy closes the spider; past this it is killed


def _wait(
    proc: subprocess.Popen[bytes], *, t0: float, timeout_s: float, on_tick: Callable[[], None] | None
) -> int | None:
    """The crawler's exit status, or None when it ran past ``timeout_s`` (then it is killed)."""
    while True:
        try:
            return proc.wait(timeout=TICK_S)
        except subprocess.TimeoutExpired:
            pass
        if stopping():
            _stop(proc)
            raise Interrupted()
        if time.monotonic() - t0 > timeout_s:
            proc.kill()
            proc.wait()
            return None
        if on_tick is not None:
            on_tick()


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Ask the crawler to close (SIGINT: Scrapy stops scheduling and flushes), kill it if it lingers."""
    try:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    except ProcessLookupError:
        pass


class CrawlError(Exception):
    """The crawler process failed; the message carries the tail of its log."""


@dataclass(frozen=True)
class CrawlOutcome:
    duration_s: float
    log_path: Path


class CrawlFn(Protocol):
    """How a check has its crawl run: ``run_crawl`` (a process of its own) or ``CrawlService.run`` (shared)."""

    def __call__(
        self,
        job: CrawlJob,
        *,
        log_dir: Path,
        timeout_s: float = ...,
        on_tick: Callable[[], None] | None = ...,
    ) -> CrawlOutcome: ...


def run_crawl(
    job: CrawlJob,
    *,
    log_dir: Path,
    timeout_s: float = CRAWL_TIMEOUT_S,
    on_tick: Callable[[], None] | None = None,
) -> CrawlOutcome:
    """Run ``python -m crawler.run`` on ``job``; the fetch log and blobs land in ``job.store_dir``.

    A separate process keeps Twisted's reactor (which cannot restart) out of the caller, so a library
    user can check many agencies in one Python process. ``on_tick`` is called about twice a second while
    it runs (progress display). A stop request (:mod:`ita_checker.interrupts`) stops the crawler and raises
    ``Interrupted``; what it fetched stays in the store and the run stays resumable.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / "crawl.log"
    if os.environ.get("ITA_CRAWL_LOG_LEVEL"):  # debugging aid: a more verbose crawl.log
        job = replace(job, log_level=os.environ["ITA_CRAWL_LOG_LEVEL"])
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        fh.write(job.to_json())
        job_path = Path(fh.name)
    env = dict(os.environ, PYTHONUNBUFFERED="1", TLDEXTRACT_CACHE=str(job.store_dir / "tldextract"))
    env.setdefault("TZ", "Asia/Bangkok")  # crawl.log timestamps in the time the reviewers read

    t0 = time.monotonic()
    try:
        with log_path.open("wb") as out:
            # Its own session: a Ctrl-C in the terminal reaches the checker only, which stops the crawler
            # itself (graceful first, then hard) so it never writes into the store after we gave up on it.
            proc = subprocess.Popen(
                [sys.executable, "-m", "crawler.run", str(job_path)],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
            try:
                returncode = _wait(proc, t0=t0, timeout_s=timeout_s, on_tick=on_tick)
            except BaseException:
                if proc.poll() is None:  # a second Ctrl-C, or a progress callback that failed
                    proc.kill()
                    proc.wait()
                raise
    finally:
        job_path.unlink(missing_ok=True)
    if returncode is None:
        raise CrawlError(f"crawler exceeded {timeout_s}s; see {log_path}")
    if returncode == EXIT_STORE:
        text = log_path.read_text(encoding="utf-8", errors="replace")
        cause = next(
            (
                ln.removeprefix(STORE_ERROR_PREFIX)
                for ln in reversed(text.splitlines())
                if ln.startswith(STORE_ERROR_PREFIX)
            ),
            "write failed",
        )
        raise StorageError(job.store_dir, cause)
    if returncode != 0:
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise CrawlError(f"crawler exited with {returncode}; log {log_path}:\n{tail}")
    return CrawlOutcome(duration_s=time.monotonic() - t0, log_path=log_path)
