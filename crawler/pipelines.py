"""Store pipeline: body → content-addressed blob, record → fetch log."""

from __future__ import annotations

from typing import Any

from crawler.items import FetchedItem
from ita_checker.store import Store


class StorePipeline:
    def __init__(self) -> None:
        self.store: Store | None = None
        self.run_id = ""

    def open_spider(self, spider: Any) -> None:
        self.store = Store(spider.job.store_dir)
        self.run_id = spider.job.run_id

    def close_spider(self, spider: Any) -> None:
        if self.store:
            self.store.close()

    def process_item(self, item: Any, spider: Any) -> Any:
        assert self.store is not None
        if not isinstance(item, FetchedItem):
            return item
        rec = item.record
        if item.body is not None:
            rec.sha256 = self.store.put_blob(item.body)
            rec.size = len(item.body)
        self.store.record_fetch(self.run_id, rec)
        spider.crawler.stats.inc_value(f"ita/fetch/{rec.fail_class or 'ok'}")
        return item
