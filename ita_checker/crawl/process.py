"""Crawl adapter: runs the Scrapy crawler in its own process for one agency and waits for it."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from ita_checker.crawl.job import CrawlJob
from ita_checker.errors import StorageError

log = logging.getLogger("ita_checker.crawl.process")

CRAWL_TIMEOUT_S = 1800
EXIT_STORE = 3  # crawler.run's exit status when the store could not be written
STORE_ERROR_PREFIX = "ITA_STORE_ERROR: "


class CrawlError(Exception):
    """The crawler process failed; the message carries the tail of its log."""


@dataclass(frozen=True)
class CrawlOutcome:
    duration_s: float
    log_path: Path


def run_crawl(job: CrawlJob, *, log_dir: Path, timeout_s: float = CRAWL_TIMEOUT_S) -> CrawlOutcome:
    """Run ``python -m crawler.run`` on ``job``; the fetch log and blobs land in ``job.store_dir``.

    A separate process keeps Twisted's reactor (which cannot restart) out of the caller, so a library
    user can check many agencies in one Python process.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / "crawl.log"
    if os.environ.get("ITA_CRAWL_LOG_LEVEL"):  # debugging aid: a more verbose crawl.log
        job = replace(job, log_level=os.environ["ITA_CRAWL_LOG_LEVEL"])
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        fh.write(job.to_json())
        job_path = Path(fh.name)
    env = dict(os.environ, PYTHONUNBUFFERED="1", TLDEXTRACT_CACHE=str(job.store_dir / "tldextract"))

    t0 = time.monotonic()
    try:
        with log_path.open("wb") as out:
            proc = subprocess.run(
                [sys.executable, "-m", "crawler.run", str(job_path)],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                timeout=timeout_s,
                check=False,
            )
    except subprocess.TimeoutExpired as exc:
        raise CrawlError(f"crawler exceeded {timeout_s}s; see {log_path}") from exc
    finally:
        job_path.unlink(missing_ok=True)
    if proc.returncode == EXIT_STORE:
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
    if proc.returncode != 0:
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise CrawlError(f"crawler exited with {proc.returncode}; log {log_path}:\n{tail}")
    return CrawlOutcome(duration_s=time.monotonic() - t0, log_path=log_path)
