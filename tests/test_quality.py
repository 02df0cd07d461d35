"""Code quality gates run with the suite: ruff (lint + import boundary) and mypy --strict on the library."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


def test_ruff_clean_and_library_never_imports_scrapy_or_playwright():
    p = _run("ruff", "check", "ita_checker", "crawler", "scripts", "tests", "benchmarks")
    assert p.returncode == 0, p.stdout + p.stderr


def test_mypy_strict_on_library_and_crawler():
    p = _run("mypy", "ita_checker", "crawler")
    assert p.returncode == 0, p.stdout + p.stderr


def test_ruff_format_is_applied():
    p = _run("ruff", "format", "--check", "ita_checker", "crawler", "scripts", "tests", "benchmarks")
    assert p.returncode == 0, p.stdout + p.stderr
