"""Store pipeline: body → content-addressed blob, record → fetch log; a store write failure stops the crawl."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from crawler.items import FetchedItem, LinkEdge
from ita_checker.store.blobs import FetchRecord, Store

log = logging.getLogger(__name__)

STORE_ERROR_STAT = "ita/store_error"
STORE_ERROR_REASON = "ita_store_error"


class StorePipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        job = crawler.settings.get("ITA_JOB")
        self.store = Store(job.store_dir)
        self.run_id = job.run_id

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(crawler)

    def close_spider(self) -> None:
        self.store.close()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedItem | LinkEdge):
            return item
        if self.crawler.stats.get_value(STORE_ERROR_STAT):
            raise DropItem("store not writable")
        try:
            if isinstance(item, LinkEdge):
                self.store.record_edge(self.run_id, item.parent, item.child, item.anchor)
                return item
            rec = item.record
            if item.body is not None:
                rec.sha256 = self.store.put_blob(item.body)
                rec.size = len(item.body)
            self.store.record_fetch(self.run_id, rec)
        except (OSError, sqlite3.Error) as exc:
            # Disk full, read-only or over a file-size limit: every later write would fail too, and a record
            # silently dropped would turn into a false 'unreachable'. Stop; crawler.run exits with EXIT_STORE.
            log.error(
                "store write failed for %s: %s", getattr(item, "record", item), exc, extra={"ita_run": self.run_id}
            )
            self.crawler.stats.set_value(STORE_ERROR_STAT, f"{type(exc).__name__}: {exc}")
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=STORE_ERROR_REASON))
            raise DropItem(f"store write failed: {exc}") from exc
        self.crawler.stats.inc_value(f"ita/fetch/{item.record.fail_class or 'ok'}")
        log_fetch(item.record, run_id=self.run_id)
        return item


def log_fetch(rec: FetchRecord, *, run_id: str) -> None:
    """One crawl.log line per URL tried: status or failure class, size, time, how and why it was fetched.

    ``run_id`` goes with the record (``ita_run``) so a crawler shared by many agencies (crawler.serve) writes
    the line into that agency's crawl.log."""
    extra = {"ita_run": run_id}
    how = "".join(
        (
            " browser" if rec.via_browser else "",
            " fresh" if rec.fresh else " not-modified" if rec.not_modified else "",
        )
    )
    if rec.fail_class is None:
        log.info(
            "fetch %s %s %sB %sms [%s%s] %s",
            rec.status,
            (rec.content_type or "-").split(";")[0],
            rec.size if rec.size is not None else "-",
            rec.elapsed_ms if rec.elapsed_ms is not None else "-",
            rec.source,
            how,
            rec.url,
            extra=extra,
        )
    else:
        log.info(
            "fail %s (status %s) [%s%s] %s: %s",
            rec.fail_class,
            rec.status if rec.status is not None else "-",
            rec.source,
            how,
            rec.url,
            (rec.detail or "")[:200],
            extra=extra,
        )
