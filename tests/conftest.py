"""Shared fixtures: local test sites on 127.0.0.1, and paths."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ita_checker.crawl.chromium import chromium_path
from ita_checker.demo.runner import write_submissions
from ita_checker.demo.server import RunningSite, SiteConfig, serve

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
HAS_CHROMIUM = chromium_path() is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason="Debian chromium is not installed (scripts/setup.sh installs it)")
    for item in items:
        if "browser" in item.keywords and not HAS_CHROMIUM:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright, one per test module."""
    from playwright.sync_api import sync_playwright

    from ita_checker.crawl.chromium import CHROMIUM_ARGS, DEBIAN_CHROMIUM

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=DEBIAN_CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def mini_site() -> Iterator[RunningSite]:
    site = serve(SiteConfig(root=SITES / "mini" / "www"))
    yield site
    site.stop()


__all__ = ["HAS_CHROMIUM", "ROOT", "SITES", "write_submissions"]


def local_check(site: RunningSite, form: Path, out: Path, store: Path, **opts: Any) -> dict[str, Any]:
    """``run_check`` of a loopback test site with its form: no screenshots, no PDF, no browser, 3 pages, year
    2569, local agency, unless ``opts`` says otherwise; the result dict."""
    from ita_checker.check import CheckOptions, run_check

    settings: dict[str, Any] = {"screenshots": False, "pdf": False, "browser": "never", "max_pages": 3} | opts
    options = CheckOptions(
        submissions=form,
        site=site.base_url + "/",
        year=2569,
        agency_type="local",
        allow_private=True,
        out_dir=out,
        store_dir=store,
        **settings,
    )
    return run_check(options).result
