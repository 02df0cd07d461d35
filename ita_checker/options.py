"""The one options model: crawl settings shared by ``check`` and ``scan``, and the crawl job built from them."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

BROWSER_MODES = ("auto", "always", "never")


@dataclass(kw_only=True)
class CrawlSettings:
    """How to crawl and judge an agency; every field is a CLI option of both ``check`` and ``scan``."""

    allow_private: bool = False  # --allow-private-network
    allowed_hosts: list[str] = field(default_factory=list)  # --allow-host
    ruleset: str | None = None  # --ruleset
    store_dir: Path = Path("outputs/store")  # --store
    max_pages: int = 60  # --max-pages
    max_depth: int = 2
    max_documents: int = 150
    ocr: bool = True  # --no-ocr
    obey_robots: bool = True  # --ignore-robots
    browser: str = "auto"  # --browser auto|always|never
    screenshots: bool = True  # --screenshots/--no-screenshots
    pdf: bool = True  # --pdf/--no-pdf: report.pdf, the printable letter (needs chromium)
    timeout_s: float = 20.0  # --timeout, per request
    per_ip_concurrency: int = 4  # --per-ip: requests in flight per server IP, shared by all runs on the store
    per_ip_delay_s: float = 0.0  # --per-ip-delay: seconds between two request starts to one server IP
    revisit_stable_days: float = 0.0  # --revisit-stable-days: freshness policy (ita_checker.crawl.freshness)
    crawl_timeout_s: float = 1800.0

    def crawl_settings(self) -> dict[str, Any]:
        """The shared fields only, to build another options object from this one (scan → check)."""
        return {f.name: getattr(self, f.name) for f in fields(CrawlSettings)}
