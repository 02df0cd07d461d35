"""Entry point of the crawler process: ``python -m crawler.run JOB.json`` crawls one agency into the store."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler import resolver
from crawler import settings as default_settings
from crawler.browser import browser_settings, configure_guard
from crawler.pipelines import STORE_ERROR_STAT
from crawler.spiders.agency import AgencySpider
from ita_checker.crawl.chromium import chromium_path
from ita_checker.crawl.egress import EgressProxy
from ita_checker.crawl.job import CrawlJob
from ita_checker.crawl.netguard import Guard
from ita_checker.crawl.process import EXIT_STORE, STORE_ERROR_PREFIX


def job_settings(job: CrawlJob, *, egress_url: str | None) -> Settings:
    """The Scrapy settings of one agency's crawl (limits, politeness, browser through ``egress_url``)."""
    s = Settings()
    s.setmodule(default_settings, priority="project")
    s.set("ITA_ALLOW_PRIVATE", job.allow_private, priority="cmdline")
    s.set("ITA_ALLOWED_HOSTS", job.allowed_hosts, priority="cmdline")
    s.set("ROBOTSTXT_OBEY", job.obey_robots, priority="cmdline")
    s.set("DOWNLOAD_TIMEOUT", job.timeout_s, priority="cmdline")
    s.set("DOWNLOAD_MAXSIZE", job.max_bytes, priority="cmdline")
    s.set("LOG_LEVEL", job.log_level, priority="cmdline")
    s.set("ITA_JOB", job, priority="cmdline")
    if not job.polite:
        s.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")
        s.set("CONCURRENT_REQUESTS_PER_DOMAIN", 16, priority="cmdline")
    if egress_url is not None:
        for key, value in browser_settings(proxy_url=egress_url).items():
            s.set(key, value, priority="cmdline")
        if s.get("PLAYWRIGHT_BROWSER_TYPE"):  # the per-request timeout applies to browser page loads too
            s.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", job.timeout_s * 1000, priority="cmdline")
    return s


def configure_process(job: CrawlJob) -> str | None:
    """Process-wide parts of a crawl: the SSRF guard of the resolver and the browser filter, and the browser's
    guarded egress proxy (its URL, or None when no browser is used). Same for every job of one process."""
    guard = Guard(allow_private=job.allow_private, allowed_hosts=frozenset(job.allowed_hosts))
    configure_guard(guard)
    resolver.configure(guard)
    if job.browser == "never" or chromium_path() is None:
        return None
    # Chromium reaches the network only through this proxy, which connects to guard-validated addresses.
    egress = EgressProxy(guard).start()
    _EGRESS.append(egress)
    return egress.url


def build_settings(job: CrawlJob) -> Settings:
    """Settings for a process that crawls this one job (``crawler.run``)."""
    return job_settings(job, egress_url=configure_process(job))


_EGRESS: list[EgressProxy] = []  # the browser's proxy, alive as long as this crawler process


QUIET_LOGGERS = ("scrapy.middleware", "scrapy.extensions.telnet", "scrapy.addons")
EXIT_ORPHANED = 4  # the checker that started us died
PARENT_POLL_S = 0.5
ORPHAN_GRACE_S = 2.0


def _stop_when_orphaned(process: Any, parent: int) -> None:
    """Stop the crawl when the checker that started it dies (SIGKILL gives it no chance to stop us).

    An orphaned crawler would go on writing into the run that the next ``check`` resumes, fetching the same
    pages twice. Ask Scrapy to stop, then exit hard if it has not after a short grace period (every fetch
    record is its own SQLite transaction, so nothing half-written is left behind).
    """
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    print("crawler: the checker process is gone; stopping", file=sys.stderr, flush=True)
    from twisted.internet import reactor

    reactor.callFromThread(process.stop)
    time.sleep(ORPHAN_GRACE_S)
    os._exit(EXIT_ORPHANED)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m crawler.run JOB.json", file=sys.stderr)
        return 2
    job = CrawlJob.from_json(Path(argv[0]).read_text(encoding="utf-8"))
    process = CrawlerProcess(build_settings(job))
    for noisy in QUIET_LOGGERS:  # component lists and telnet banners say nothing about this agency's crawl
        logging.getLogger(noisy).setLevel(logging.WARNING)
    crawler = process.create_crawler(AgencySpider)
    process.crawl(crawler, job=job)
    threading.Thread(target=_stop_when_orphaned, args=(process, os.getppid()), daemon=True).start()
    process.start()
    store_error = crawler.stats.get_value(STORE_ERROR_STAT) if crawler.stats else None
    if store_error:
        print(f"{STORE_ERROR_PREFIX}{store_error}", file=sys.stderr, flush=True)
        return EXIT_STORE
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
