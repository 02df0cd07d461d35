"""Chromium print-to-PDF through Playwright: the browser side of report.pdf (the page comes from report/)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from playwright.sync_api import sync_playwright

from ita_checker.crawl.browser_thread import BrowserThread
from ita_checker.crawl.chromium import CHROMIUM_ARGS

log = logging.getLogger("ita_checker.crawl.printing")

PRINT_TIMEOUT_MS = 60_000


def _print_page(browser: Any, html: str, footer: str) -> bytes:
    """One A4 portrait PDF of ``html`` in a fresh context of ``browser``; no request leaves the page."""
    context = browser.new_context(java_script_enabled=False)
    try:
        context.route("**/*", lambda route: route.abort())
        page = context.new_page()
        page.set_default_timeout(PRINT_TIMEOUT_MS)
        page.set_content(html, wait_until="load")
        data: bytes = page.pdf(
            format="A4",
            prefer_css_page_size=True,
            print_background=True,
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=footer,
        )
        return data
    finally:
        context.close()


class Printer:
    """One Chromium kept open for many letters (a scan prints one per agency)."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self._thread = BrowserThread(
            "pdf-printer",
            lambda p, _: p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS),
        )

    def print(self, html: str, footer: str) -> bytes:
        return self._thread.run(lambda browser: _print_page(browser, html, footer), timeout_s=PRINT_TIMEOUT_MS / 500)

    def close(self) -> None:
        self._thread.close()


_shared: Printer | None = None
_shared_lock = threading.Lock()


@contextmanager
def shared_printer(executable: str | None) -> Iterator[None]:
    """While open, ``print_pdf`` uses one long-lived browser instead of launching one per letter."""
    global _shared
    if executable is None:
        yield
        return
    printer = Printer(executable)
    with _shared_lock:
        previous, _shared = _shared, printer
    try:
        yield
    finally:
        with _shared_lock:
            _shared = previous
        printer.close()


def print_pdf(html: str, *, executable: str, footer: str) -> bytes:
    """Print ``html`` as an A4 portrait PDF with Chromium (``footer``: the page-number template); returns it.

    No request leaves the page: every one is aborted (the letter has no assets; its CSP also forbids them).
    """
    printer = _shared
    if printer is not None and printer.executable == executable:
        return printer.print(html, footer)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            return _print_page(browser, html, footer)
        finally:
            browser.close()
