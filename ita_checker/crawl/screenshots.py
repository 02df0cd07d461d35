"""Evidence screenshots with Debian chromium (Playwright), cached by page content hash; SSRF guard on every
request the page makes."""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ita_checker.crawl.browser_thread import BrowserThread
from ita_checker.crawl.chromium import CHROMIUM_ARGS, chromium_path
from ita_checker.crawl.egress import REFUSED_HEADER, guarded_egress, proxy_args
from ita_checker.crawl.netguard import Guard
from ita_checker.errors import BlockedTarget
from ita_checker.interrupts import checkpoint

log = logging.getLogger("ita_checker.crawl.screenshots")

MAX_SHOTS = 30
PAGE_TIMEOUT_MS = 15_000
VIEWPORT_W, VIEWPORT_H = 1280, 900


def chromium_available() -> bool:
    return chromium_path() is not None


@dataclass(frozen=True)
class ShotRequest:
    url: str
    sha256: str  # content hash of the page as fetched; the cache key


def take_screenshots(shots: list[ShotRequest], *, cache_dir: Path, out_dir: Path, guard: Guard) -> dict[str, str]:
    """Screenshot each page (viewport, PNG); returns url → path relative to ``out_dir``.

    A page whose content hash was shot before is copied from ``cache_dir`` without starting the browser.
    Failures are logged and skipped: a missing screenshot never changes a verdict.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    shot_dir = out_dir / "screenshots"
    shot_dir.mkdir(parents=True, exist_ok=True)
    done: dict[str, str] = {}
    todo: list[ShotRequest] = []
    for s in shots[:MAX_SHOTS]:
        cached = cache_dir / f"{s.sha256}.png"
        if cached.exists():
            shutil.copyfile(cached, shot_dir / cached.name)
            done[s.url] = f"screenshots/{cached.name}"
        else:
            todo.append(s)
    if not todo or not chromium_available():
        return done
    shooter = _shared
    if shooter is not None and shooter.guard == guard:
        done.update(shooter.shoot(todo, cache_dir=cache_dir, shot_dir=shot_dir))
        return done
    from playwright.sync_api import sync_playwright

    with guarded_egress(guard) as egress, sync_playwright() as p:
        browser = _launch(p, egress.url)
        try:
            done.update(_shoot(browser, todo, guard, cache_dir=cache_dir, shot_dir=shot_dir))
        finally:
            browser.close()
    return done


def _launch(p: Any, proxy_url: str) -> Any:
    args = [*CHROMIUM_ARGS, *proxy_args(proxy_url)]  # the browser reaches nothing the guard did not validate
    return p.chromium.launch(executable_path=chromium_path(), headless=True, args=args)


def _shoot(browser: Any, todo: list[ShotRequest], guard: Guard, *, cache_dir: Path, shot_dir: Path) -> dict[str, str]:
    """Screenshot ``todo`` in a fresh context of ``browser``; url → path relative to the agency's folder."""
    from playwright.sync_api import Error as PlaywrightError

    def route(r: Any) -> None:
        try:
            guard.check(r.request.url)
        except BlockedTarget:
            r.abort()
            return
        r.continue_()

    done: dict[str, str] = {}
    context = browser.new_context(viewport={"width": VIEWPORT_W, "height": VIEWPORT_H})
    try:
        context.route("**/*", route)
        page = context.new_page()
        for s in todo:
            checkpoint()
            target = cache_dir / f"{s.sha256}.png"
            try:
                response = page.goto(s.url, wait_until="load", timeout=PAGE_TIMEOUT_MS)
                if response is not None and response.headers.get(REFUSED_HEADER.lower()):
                    log.warning("screenshot of %s refused at connect time by the SSRF guard", s.url)
                    continue  # the proxy's refusal page, not the agency's
                page.screenshot(path=str(target), timeout=PAGE_TIMEOUT_MS)
            except PlaywrightError as exc:
                checkpoint()  # a Ctrl-C in the terminal also closes Chromium: not a failed screenshot
                log.warning("screenshot of %s failed: %s", s.url, str(exc).splitlines()[0])
                continue
            shutil.copyfile(target, shot_dir / target.name)
            done[s.url] = f"screenshots/{target.name}"
    finally:
        context.close()
    return done


class Screenshotter:
    """One Chromium, behind one guarded egress proxy, for the screenshots of many agencies (a scan's)."""

    def __init__(self, guard: Guard) -> None:
        self.guard = guard
        self._thread = BrowserThread(
            "screenshots", lambda p, egress: _launch(p, egress.url), lambda: guarded_egress(guard)
        )

    def shoot(self, todo: list[ShotRequest], *, cache_dir: Path, shot_dir: Path) -> dict[str, str]:
        return self._thread.run(
            lambda browser: _shoot(browser, todo, self.guard, cache_dir=cache_dir, shot_dir=shot_dir),
            timeout_s=PAGE_TIMEOUT_MS / 1000 * 2 * (len(todo) + 1),
        )

    def close(self) -> None:
        self._thread.close()


_shared: Screenshotter | None = None
_shared_lock = threading.Lock()


@contextmanager
def shared_screenshots(guard: Guard | None) -> Iterator[None]:
    """While open, ``take_screenshots`` with this guard uses one long-lived browser (None: no sharing)."""
    global _shared
    if guard is None or not chromium_available():
        yield
        return
    shooter = Screenshotter(guard)
    with _shared_lock:
        previous, _shared = _shared, shooter
    try:
        yield
    finally:
        with _shared_lock:
            _shared = previous
        shooter.close()
