"""crawl.log in a normal run says what was requested, what came back, what the limits left out and what failed."""

from __future__ import annotations

import re
from pathlib import Path

from ita_checker.check import CheckOptions, run_check
from ita_checker.demo.server import SiteConfig, serve

from .conftest import SITES


def test_crawl_log_lists_requests_budget_and_failures(tmp_path: Path) -> None:
    site = serve(SiteConfig(root=SITES / "mini" / "www"), host="127.0.45.1")
    try:
        form = tmp_path / "form.csv"
        form.write_text(f"ข้อ,ข้อมูล,URL,คำอธิบาย\nO1,โครงสร้าง,{site.base_url}/oit/gone.html,\n", encoding="utf-8")
        run_check(
            CheckOptions(
                submissions=form,
                site=site.base_url + "/",
                year=2569,
                agency_type="local",
                allow_private=True,
                out_dir=tmp_path / "out",
                store_dir=tmp_path / "store",
                screenshots=False,
                browser="never",
                max_pages=2,
            )
        )
    finally:
        site.stop()
    text = (tmp_path / "out" / "crawl.log").read_text(encoding="utf-8")
    assert re.search(rf"INFO: fetch 200 text/html \d+B \d+ms \[home\] {re.escape(site.base_url)}/\n", text), text
    assert "budget: max_pages=2 reached; not fetching" in text
    assert re.search(r"INFO: fail not_found \(status 404\) \[submitted\] \S+/oit/gone\.html", text), text
    assert re.search(
        r"crawl finished \(finished\): \d+ pages and \d+ documents scheduled; left out by limits: max_pages=\d+", text
    )
    assert "scrapy.middleware" not in text  # component lists say nothing about this agency
    assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", text)
