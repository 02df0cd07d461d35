"""Long-lived crawler: ``python -m crawler.serve`` crawls agency jobs read as JSON lines, many at once.

A province scan starts one of these instead of a crawler process per agency: Python, Scrapy and the project
are imported once, and one reactor crawls many agencies' sites side by side (each job is its own Scrapy
``Crawler`` with its own budgets, trap limits, resume and failure classes, exactly as ``crawler.run``).

Protocol (one JSON object per line; the client is ``ita_checker.crawl.service``):

- stdin ``{"op": "crawl", "job": {…CrawlJob…}, "log": "/abs/crawl.log"}``: start crawling this job; its log
  lines go to that file. ``{"op": "cancel", "run_id": "…"}``: stop that crawl (what it fetched is kept).
  End of input: stop every crawl and exit.
- stdout ``{"event": "ready", "pid": N}`` once, then ``{"event": "done", "run_id": "…", "status": "ok" |
  "store_error" | "failed", "detail": "…"}`` per job.

The SSRF guard and the browser's egress proxy are process-wide: they come from the first job, and a job
whose guard settings differ is refused (``failed``).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

from scrapy.utils.reactor import install_reactor

from crawler import settings as default_settings

install_reactor(default_settings.TWISTED_REACTOR)  # before anything imports twisted.internet.reactor

from scrapy.crawler import Crawler, CrawlerProcess  # noqa: E402
from scrapy.settings import Settings  # noqa: E402
from scrapy.utils.defer import deferred_from_coro  # noqa: E402
from twisted.internet import reactor  # noqa: E402
from twisted.python.failure import Failure  # noqa: E402

from crawler.pipelines import STORE_ERROR_STAT  # noqa: E402
from crawler.run import PARENT_POLL_S, QUIET_LOGGERS, configure_process, job_settings  # noqa: E402
from crawler.spiders.agency import AgencySpider  # noqa: E402
from ita_checker.crawl.job import CrawlJob  # noqa: E402

LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"
LOG_DATEFMT = "%Y-%m-%d %H:%M:%S"
log = logging.getLogger("crawler.serve")


def _run_id_of(record: logging.LogRecord) -> str | None:
    """The job a log record belongs to: set by the store pipeline, or the spider Scrapy attaches."""
    run_id = getattr(record, "ita_run", None)
    if run_id is None:
        job = getattr(getattr(record, "spider", None), "job", None)
        run_id = getattr(job, "run_id", None)
    return str(run_id) if run_id is not None else None


class JobLogRouter(logging.Handler):
    """Writes each record into its job's crawl.log; records of no job go to the process log (stderr)."""

    def __init__(self, fallback: logging.Handler) -> None:
        super().__init__()
        self.fallback = fallback
        self.files: dict[str, logging.FileHandler] = {}

    def open(self, run_id: str, path: Path, level: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, mode="w", encoding="utf-8")
        handler.setFormatter(logging.Formatter(LOG_FORMAT, LOG_DATEFMT))
        handler.setLevel(level)
        self.files[run_id] = handler

    def close_job(self, run_id: str) -> None:
        handler = self.files.pop(run_id, None)
        if handler is not None:
            handler.close()

    def emit(self, record: logging.LogRecord) -> None:
        run_id = _run_id_of(record)
        target = self.files.get(run_id) if run_id is not None else None
        if target is None:
            self.fallback.handle(record)
        elif record.levelno >= target.level:
            target.handle(record)


class Service:
    """The jobs of this process: start, cancel, report when done."""

    def __init__(self, out: IO[str], router: JobLogRouter) -> None:
        self.out = out
        self.router = router
        base = Settings()
        base.setmodule(default_settings, priority="project")  # the guarded DNS resolver, the asyncio reactor
        self.process = CrawlerProcess(base, install_root_handler=False)
        self.crawlers: dict[str, Crawler] = {}
        self.guard_key: tuple[bool, tuple[str, ...], bool] | None = None
        self.egress_url: str | None = None
        self.jobs_started = 0
        self.closing = False
        self._out_lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> None:
        with self._out_lock:
            self.out.write(json.dumps(message, ensure_ascii=False) + "\n")
            self.out.flush()

    def handle(self, message: dict[str, Any]) -> None:
        """One request from the client (called in the reactor thread)."""
        op = message.get("op")
        if op == "crawl":
            try:
                job = CrawlJob.from_json(json.dumps(message["job"]))
            except (KeyError, TypeError, ValueError) as exc:
                log.error("bad crawl request %r: %s", str(message)[:200], exc)
                return
            try:
                self.start_job(job, Path(message["log"]))
            except Exception as exc:  # a job that cannot start must still be answered, or its caller waits
                log.exception("job %s could not start", job.run_id)
                self.crawlers.pop(job.run_id, None)
                self.router.close_job(job.run_id)
                self.send({"event": "done", "run_id": job.run_id, "status": "failed", "detail": repr(exc)})
        elif op == "cancel":
            crawler = self.crawlers.get(str(message.get("run_id")))
            if crawler is not None:
                log.info("cancel %s", message.get("run_id"), extra={"ita_run": message.get("run_id")})
                deferred_from_coro(crawler.stop_async())
        else:
            log.warning("unknown request %r", message)

    def start_job(self, job: CrawlJob, log_path: Path) -> None:
        key = (job.allow_private, tuple(sorted(job.allowed_hosts)), job.browser != "never")
        if self.guard_key is None:
            self.guard_key = key
            self.egress_url = configure_process(job)
        elif key != self.guard_key:
            self.send(
                {
                    "event": "done",
                    "run_id": job.run_id,
                    "status": "failed",
                    "detail": "job's SSRF guard or browser settings differ from this crawler process's",
                }
            )
            return
        self.jobs_started += 1
        self.router.open(job.run_id, log_path, job.log_level)
        log.info(
            "shared crawler process %d: agency job %d of this process, %d crawling now",
            os.getpid(),
            self.jobs_started,
            len(self.crawlers) + 1,
            extra={"ita_run": job.run_id},
        )
        crawler = Crawler(AgencySpider, job_settings(job, egress_url=self.egress_url))
        self.crawlers[job.run_id] = crawler
        d = self.process.crawl(crawler, job=job)
        d.addBoth(self._finished, job.run_id, crawler)

    def _finished(self, outcome: Any, run_id: str, crawler: Crawler) -> None:
        self.crawlers.pop(run_id, None)
        if isinstance(outcome, Failure):
            log.error("crawl failed: %s", outcome.getTraceback(), extra={"ita_run": run_id})
            status, detail = "failed", f"{outcome.type.__name__ if outcome.type else 'error'}: {outcome.value}"
        else:
            store_error = crawler.stats.get_value(STORE_ERROR_STAT) if crawler.stats else None
            status, detail = ("store_error", str(store_error)) if store_error else ("ok", "")
        self.router.close_job(run_id)
        self.send({"event": "done", "run_id": run_id, "status": status, "detail": detail})
        if self.closing and not self.crawlers:
            self._stop_reactor()

    def shutdown(self) -> None:
        """End of input (or the client is gone): stop every crawl, then the reactor."""
        self.closing = True
        if not self.crawlers:
            self._stop_reactor()
            return
        for crawler in list(self.crawlers.values()):
            deferred_from_coro(crawler.stop_async())

    @staticmethod
    def _stop_reactor() -> None:
        if reactor.running:
            reactor.stop()  # type: ignore[misc]


def _read_requests(service: Service, stdin: IO[str]) -> None:
    """Reader thread: each line is handed to the reactor; end of input shuts the service down."""
    for line in stdin:
        if not line.strip():
            continue
        try:
            message = json.loads(line)
        except ValueError:
            reactor.callFromThread(log.warning, "not a JSON request: %r", line[:200])
            continue
        reactor.callFromThread(service.handle, message)
    reactor.callFromThread(service.shutdown)


def _watch_parent(service: Service, parent: int) -> None:
    """The client died without closing our input (SIGKILL): stop, so no crawl writes into a run nobody reads."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    print("crawler: the checker process is gone; stopping", file=sys.stderr, flush=True)
    reactor.callFromThread(service.shutdown)
    time.sleep(5.0)
    os._exit(4)


def main() -> int:
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints must not corrupt the protocol stream
    fallback = logging.StreamHandler(sys.stderr)
    fallback.setFormatter(logging.Formatter(LOG_FORMAT, LOG_DATEFMT))
    fallback.setLevel(logging.INFO)
    router = JobLogRouter(fallback)
    service = Service(protocol, router)  # Scrapy configures logging here: our handlers go on afterwards
    root = logging.getLogger()
    root.addHandler(router)
    level = logging.DEBUG if os.environ.get("ITA_CRAWL_LOG_LEVEL") == "DEBUG" else logging.INFO
    root.setLevel(level)
    logging.getLogger("scrapy").setLevel(level)  # no DEBUG record per response that no handler writes
    for noisy in QUIET_LOGGERS:  # component lists and telnet banners say nothing about an agency's crawl
        logging.getLogger(noisy).setLevel(logging.WARNING)
    threading.Thread(target=_read_requests, args=(service, sys.stdin), daemon=True).start()
    threading.Thread(target=_watch_parent, args=(service, os.getppid()), daemon=True).start()
    service.send({"event": "ready", "pid": os.getpid()})
    service.process.start(stop_after_crawl=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
