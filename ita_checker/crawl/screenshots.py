"""Evidence screenshots with Debian chromium (Playwright), cached by page content hash; SSRF guard on every
request the page makes."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    def route(r: Any) -> None:
        try:
            guard.check(r.request.url)
        except BlockedTarget:
            r.abort()
            return
        r.continue_()

    with guarded_egress(guard) as egress, sync_playwright() as p:
        args = [*CHROMIUM_ARGS, *proxy_args(egress.url)]  # the browser reaches nothing the guard did not validate
        browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=args)
        try:
            context = browser.new_context(viewport={"width": VIEWPORT_W, "height": VIEWPORT_H})
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
            context.close()
        finally:
            browser.close()
    return done
