"""Store pipeline: body → content-addressed blob, record → fetch log."""

from __future__ import annotations

from typing import Any

from crawler.items import FetchedItem
from ita_checker.store import Store


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
        if not isinstance(item, FetchedItem):
            return item
        rec = item.record
        if item.body is not None:
            rec.sha256 = self.store.put_blob(item.body)
            rec.size = len(item.body)
        self.store.record_fetch(self.run_id, rec)
        self.crawler.stats.inc_value(f"ita/fetch/{rec.fail_class or 'ok'}")
        return item
