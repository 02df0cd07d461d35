"""The crawl job handed from the library to the Scrapy crawler process (JSON on disk)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class CrawlJob:
    """What to fetch for one agency, and the limits to respect."""

    run_id: str
    store_dir: Path
    site: str
    submitted: dict[str, list[str]] = field(default_factory=dict)  # item code → URLs
    topics: dict[str, list[str]] = field(default_factory=dict)  # item code → topic keywords
    allow_private: bool = False
    allowed_hosts: list[str] = field(default_factory=list)
    max_pages: int = 60  # discovered HTML pages (home + menu)
    max_depth: int = 2
    max_documents: int = 150  # documents and one-level pages linked from item pages
    max_children_per_page: int = 40
    obey_robots: bool = True
    timeout_s: float = 20.0
    max_bytes: int = 25 * 1024 * 1024
    log_level: str = "INFO"  # crawl.log: one line per URL tried, the budget decisions, failures
    browser: str = "auto"  # auto: only pages that need it | always | never
    max_browser_pages: int = 40
    sitemap: bool = True
    polite: bool = True  # AutoThrottle and 4 requests per host; off only for benchmarks on loopback
    per_ip_concurrency: int = 4  # requests in flight per resolved IP, across every crawler on this store
    per_ip_delay_s: float = 0.0  # minimum time between two request starts to one IP
    revisit_stable_s: float = 0.0  # documents unchanged this long are reused without a request (0: never)

    def to_json(self) -> str:
        d = asdict(self)
        d["store_dir"] = str(self.store_dir)
        return json.dumps(d, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> CrawlJob:
        d: dict[str, Any] = json.loads(text)
        d["store_dir"] = Path(d["store_dir"])
        return cls(**d)
