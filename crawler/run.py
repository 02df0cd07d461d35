"""Entry point of the crawler process: ``python -m crawler.run JOB.json`` crawls one agency into the store."""

from __future__ import annotations

import sys
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler import settings as default_settings
from crawler.browser import browser_settings, configure_guard
from crawler.spiders.agency import AgencySpider
from ita_checker.crawljob import CrawlJob
from ita_checker.netguard import Guard


def build_settings(job: CrawlJob) -> Settings:
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
    if job.browser != "never":
        for key, value in browser_settings().items():
            s.set(key, value, priority="cmdline")
    configure_guard(Guard(allow_private=job.allow_private, allowed_hosts=frozenset(job.allowed_hosts)))
    return s


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m crawler.run JOB.json", file=sys.stderr)
        return 2
    job = CrawlJob.from_json(Path(argv[0]).read_text(encoding="utf-8"))
    process = CrawlerProcess(build_settings(job))
    process.crawl(AgencySpider, job=job)
    process.start()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
