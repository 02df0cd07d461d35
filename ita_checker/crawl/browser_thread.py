"""A thread that owns one long-lived Chromium and runs the work handed to it (a scan's letters, screenshots)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import AbstractContextManager, nullcontext
from typing import Any, TypeVar

R = TypeVar("R")
_Job = tuple[Callable[[Any], Any], "Future[Any]"]


class BrowserThread:
    """Playwright's sync objects belong to the thread that made them, so every piece of work is handed to this
    thread, which starts with the first piece (a night with nothing to do starts no browser, proxy or driver),
    launches the browser with ``launch(playwright, around)`` (``around``: what the browser needs for its
    lifetime, e.g. the guarded egress proxy) and launches it again when it has crashed."""

    def __init__(
        self,
        name: str,
        launch: Callable[[Any, Any], Any],
        around: Callable[[], AbstractContextManager[Any]] | None = None,
    ) -> None:
        self.name = name
        self._launch = launch
        self._around = around
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def run(self, work: Callable[[Any], R], *, timeout_s: float) -> R:
        """``work(browser)`` in the browser's thread; its result, or its exception (a stop request too)."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name=self.name, daemon=True)
                self._thread.start()
        done: Future[Any] = Future()
        self._jobs.put((work, done))
        result: R = done.result(timeout=timeout_s)
        return result

    def close(self) -> None:
        with self._lock:
            thread = self._thread
        if thread is None:
            return
        self._jobs.put(None)
        thread.join(timeout=15)

    def _serve(self) -> None:
        from playwright.sync_api import sync_playwright

        with self._around() if self._around else nullcontext() as extra, sync_playwright() as p:
            browser: Any = None
            try:
                while (job := self._jobs.get()) is not None:
                    work, done = job
                    try:
                        if browser is None or not browser.is_connected():
                            browser = self._launch(p, extra)
                        done.set_result(work(browser))
                    except BaseException as exc:  # a stop request or a browser failure goes back to the caller
                        done.set_exception(exc)
            finally:
                if browser is not None and browser.is_connected():
                    browser.close()
