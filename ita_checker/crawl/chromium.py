"""The one Chromium configuration (Debian's /usr/bin/chromium, headless flags) for the crawler and the screenshots."""

from __future__ import annotations

import shutil
from pathlib import Path

DEBIAN_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    """Debian's chromium, else one on PATH; None when there is none (browser features then say so)."""
    if Path(DEBIAN_CHROMIUM).exists():
        return DEBIAN_CHROMIUM
    return shutil.which("chromium")
