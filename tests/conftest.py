"""Shared fixtures: local test sites on 127.0.0.1, and paths."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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


@pytest.fixture
def mini_site() -> Iterator[RunningSite]:
    site = serve(SiteConfig(root=SITES / "mini" / "www"))
    yield site
    site.stop()


__all__ = ["HAS_CHROMIUM", "ROOT", "SITES", "write_submissions"]
