"""Browser path (scrapy-playwright with Debian chromium): settings, and the request filter that keeps the
SSRF guard in force for every sub-request the page makes."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from urllib.parse import urlparse

from crawler.resolver import REFUSED
from ita_checker.crawl.chromium import CHROMIUM_ARGS, chromium_path
from ita_checker.crawl.egress import proxy_args
from ita_checker.crawl.netguard import Guard
from ita_checker.errors import BlockedTarget

SKIP_RESOURCES = {"image", "media", "font"}

_guard = Guard()


def configure_guard(guard: Guard) -> None:
    global _guard
    _guard = guard


async def abort_request(request: Any) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: drop heavy resources and anything the SSRF guard refuses."""
    if request.resource_type in SKIP_RESOURCES:
        return True
    url = request.url
    if url.startswith(("data:", "blob:", "about:")):
        return False
    try:
        await asyncio.to_thread(_guard.check, url)
    except BlockedTarget as exc:
        host = urlparse(url).hostname
        if host:
            REFUSED.setdefault(host.lower(), exc.reason)  # the failed page load is then classified refused_private
        return True
    return False


async def settle(page: Any, timeout_ms: int = 8000) -> None:
    """Wait until the network is idle, but take what is rendered when a page keeps polling or the machine is
    slow: a timeout here must not turn a rendered page into a failed request."""
    from playwright.async_api import Error as PlaywrightError

    with contextlib.suppress(PlaywrightError):
        await page.wait_for_load_state("networkidle", timeout=timeout_ms)


def browser_settings(*, proxy_url: str | None = None, max_pages_per_context: int = 4) -> dict[str, Any]:
    """Settings that route requests with ``meta['playwright']`` through chromium; others stay on HTTP.

    ``proxy_url`` is the guarded egress proxy (ita_checker.crawl.egress) every browser connection goes through.
    """
    exe = chromium_path()
    if exe is None:
        return {}
    args = [*CHROMIUM_ARGS, *(proxy_args(proxy_url) if proxy_url else [])]
    return {
        "DOWNLOAD_HANDLERS": {
            "http": "crawler.browser_handler.GuardedPlaywrightHandler",
            "https": "crawler.browser_handler.GuardedPlaywrightHandler",
        },
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": exe, "headless": True, "args": args},
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": max_pages_per_context,
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_ABORT_REQUEST": "crawler.browser.abort_request",
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": 20_000,
    }
