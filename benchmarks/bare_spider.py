"""A bare Scrapy spider (CSS link following, no storage) as the throughput reference for the crawler benchmark."""

from __future__ import annotations

import json
import sys
from typing import Any
from urllib.parse import urlparse

import scrapy
from scrapy.crawler import CrawlerProcess


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, start: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.start_urls = [start]
        self.host = urlparse(start).netloc

    def parse(self, response: Any, **_: Any) -> Any:
        yield {"url": response.url}
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if urlparse(url).netloc == self.host and not url.endswith(".pdf"):
                yield scrapy.Request(url, callback=self.parse)


def main() -> None:
    start, out = sys.argv[1], sys.argv[2]
    items = int(sys.argv[3]) if len(sys.argv) > 3 else 100  # Scrapy's default CONCURRENT_ITEMS
    settings = {
        "LOG_LEVEL": "WARNING",
        "ROBOTSTXT_OBEY": False,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "COOKIES_ENABLED": False,
        "CONCURRENT_ITEMS": items,
    }
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, start=start)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    with open(out, "w", encoding="utf-8") as fh:
        json.dump({"items": stats.get("item_scraped_count", 0), "elapsed": stats.get("elapsed_time_seconds", 0.0)}, fh)


if __name__ == "__main__":
    main()
