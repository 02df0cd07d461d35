"""Chromium print-to-PDF through Playwright: the browser side of report.pdf (the page comes from report/)."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any

from playwright.sync_api import sync_playwright

from ita_checker.crawl.chromium import CHROMIUM_ARGS

log = logging.getLogger("ita_checker.crawl.printing")

PRINT_TIMEOUT_MS = 60_000
_Job = tuple[str, str, Future[bytes]]


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
    """One Chromium kept open for many letters (a scan prints one per agency), driven by its own thread.

    Playwright's sync objects belong to the thread that made them, so every print is handed to that thread;
    a browser that crashed is launched again for the next letter.
    """

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None  # started with the first letter
        self._start_lock = threading.Lock()

    def print(self, html: str, footer: str) -> bytes:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name="pdf-printer", daemon=True)
                self._thread.start()
        done: Future[bytes] = Future()
        self._jobs.put((html, footer, done))
        return done.result(timeout=PRINT_TIMEOUT_MS / 1000 * 2)

    def close(self) -> None:
        with self._start_lock:
            if self._thread is None:
                return
        self._jobs.put(None)
        self._thread.join(timeout=15)

    def _serve(self) -> None:
        with sync_playwright() as p:
            browser: Any = None
            try:
                while (job := self._jobs.get()) is not None:
                    html, footer, done = job
                    try:
                        if browser is None or not browser.is_connected():
                            browser = p.chromium.launch(
                                executable_path=self.executable, headless=True, args=CHROMIUM_ARGS
                            )
                        done.set_result(_print_page(browser, html, footer))
                    except Exception as exc:  # handed to the caller, which notes a missing letter
                        done.set_exception(exc)
            finally:
                if browser is not None and browser.is_connected():
                    browser.close()


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
