"""scrapy-playwright download handler that cannot hang: a crashed or stuck chromium fails its requests."""

from __future__ import annotations

import asyncio
from typing import Any

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from twisted.internet.defer import succeed

from crawler.middlewares import RefusedByGuard
from ita_checker.crawl.egress import REFUSED_HEADER

NETWORKIDLE_WAIT_S = 8.0  # the wait_for_load_state page method the spider adds (crawler.spiders.agency)
SLACK_S = 5.0  # page creation, routing, reading the content


class BrowserCrashedError(Exception):
    """Chromium went away (crashed or was killed) while this page was loading."""


class BrowserTimeoutError(Exception):
    """The browser gave no answer within the request's deadline (a hung renderer or driver)."""


class GuardedPlaywrightHandler(ScrapyPlaywrightDownloadHandler):  # type: ignore[misc]
    """When chromium dies, scrapy-playwright may leave in-flight page loads waiting forever, and Scrapy's
    DOWNLOAD_TIMEOUT does not cover handler coroutines: the crawl would never end. Here every browser download
    runs in its own task with a hard deadline, and a browser disconnect fails the loads in flight at once."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._inflight: set[asyncio.Task[Any]] = set()
        self._crashed: set[asyncio.Task[Any]] = set()
        self._launched: asyncio.Future[None] | None = None

    def _engine_started(self) -> Any:
        """Start the Playwright driver lazily, with the first browser request: most agency sites need no
        browser, and starting the driver costs about 0.6 s per crawl."""
        return succeed(None)

    async def _maybe_launch_in_thread(self) -> None:
        """The engine_started hook on Scrapy's async API: lazy as well (see _engine_started)."""

    async def _ensure_launched(self) -> None:
        if self._launched is None:
            self._launched = asyncio.ensure_future(self._launch())
        await asyncio.shield(self._launched)

    async def _download_request(self, request: Any, spider: Any = None) -> Any:
        await self._ensure_launched()
        timeout = float(request.meta.get("download_timeout") or self._crawler.settings.getfloat("DOWNLOAD_TIMEOUT"))
        deadline = timeout + NETWORKIDLE_WAIT_S + SLACK_S
        inner = asyncio.ensure_future(super()._download_request(request, spider))
        self._inflight.add(inner)
        try:
            response = await asyncio.wait_for(inner, deadline)
        except TimeoutError as exc:
            raise BrowserTimeoutError(f"browser gave no answer for {request.url} within {deadline:.0f}s") from exc
        except asyncio.CancelledError as exc:
            current = asyncio.current_task()
            if inner in self._crashed and not (current is not None and current.cancelling()):
                raise BrowserCrashedError(f"chromium crashed while loading {request.url}") from exc
            raise
        finally:
            self._inflight.discard(inner)
            self._crashed.discard(inner)
        refused = response.headers.get(REFUSED_HEADER)
        if refused:  # the egress proxy refused the address this name resolved to when the browser connected
            raise RefusedByGuard(f"{refused.decode('latin-1')} at connect time (browser)")
        return response

    async def _browser_disconnected_callback(self) -> None:
        for task in list(self._inflight):
            self._crashed.add(task)
            task.cancel()
        await super()._browser_disconnected_callback()
