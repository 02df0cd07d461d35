"""Freshness policy: a document unchanged for K days is re-requested only every K days; pages every night."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pymupdf
import pytest

from ita_checker.crawl.freshness import reusable
from ita_checker.demo.server import SiteConfig, serve
from ita_checker.store.blobs import FetchRecord

from .conftest import SITES, local_check

DAY = 86400.0
NOW = 1_800_000_000.0


def _rec(days_ago: float, sha: str = "a", *, fresh: bool = False, ctype: str = "application/pdf") -> FetchRecord:
    return FetchRecord(
        url="https://x.go.th/f/plan.pdf",
        source="linked",
        status=200,
        content_type=ctype,
        sha256=sha,
        fetched_at=NOW - days_ago * DAY,
        fresh=fresh,
    )


def test_policy_reuses_only_long_unchanged_documents_and_revisits_them() -> None:
    week = 7 * DAY
    # unchanged for 8 nights, last requested last night: reused
    nightly = [_rec(d) for d in range(1, 9)]
    assert reusable(nightly, now=NOW, stable_s=week) is nightly[0]
    # unchanged for only 5 nights: requested
    assert reusable([_rec(d) for d in range(1, 6)], now=NOW, stable_s=week) is None
    # changed three nights ago: the count restarts
    changed = [_rec(1, "b"), _rec(2, "b"), _rec(3, "b"), *[_rec(d, "a") for d in range(4, 12)]]
    assert reusable(changed, now=NOW, stable_s=week) is None
    # reused for the last 6 nights, requested 7 nights ago: due again tonight
    due = [*[_rec(d, fresh=True) for d in range(1, 7)], *[_rec(d) for d in range(7, 15)]]
    assert reusable(due, now=NOW, stable_s=week) is None
    assert reusable(due[1:], now=NOW + 0, stable_s=8 * DAY) is not None  # with K = 8 it is not due yet
    # pages (they carry item sections and links) and the policy turned off: always requested
    assert reusable([_rec(d, ctype="text/html") for d in range(1, 9)], now=NOW, stable_s=week) is None
    assert reusable(nightly, now=NOW, stable_s=0) is None
    assert reusable([], now=NOW, stable_s=week) is None


def _site(tmp: Path) -> Path:
    www = tmp / "www"
    shutil.copytree(SITES / "mini" / "www", www)
    doc = pymupdf.open()
    doc.new_page().insert_text((40, 60), "Annual plan 2569", fontsize=12)
    (www / "files").mkdir()
    doc.save(www / "files" / "plan.pdf")
    doc.close()
    return www


def _age_runs(store: Path, days: float) -> None:
    """Make every fetch recorded so far ``days`` older (the nights between scans, without waiting for them)."""
    db = sqlite3.connect(store / "ita.sqlite")
    try:
        db.execute("UPDATE fetches SET fetched_at = fetched_at - ?", (days * DAY,))
        db.commit()
    finally:
        db.close()


def test_nightly_checks_reuse_a_stable_document_without_a_request(tmp_path: Path) -> None:
    site = serve(SiteConfig(root=_site(tmp_path)), host="127.0.62.1")
    form = tmp_path / "form.csv"
    form.write_text(f"ข้อ,ข้อมูล,URL,คำอธิบาย\nO6,แผน,{site.base_url}/files/plan.pdf,\n", encoding="utf-8")

    def night(n: int, days: float) -> dict:
        return local_check(site, form, tmp_path / f"night{n}", tmp_path / "store", revisit_stable_days=days)

    try:
        pdf_hits = lambda: sum(1 for h in site.hits if h.endswith("/files/plan.pdf"))  # noqa: E731
        night(1, 7)
        _age_runs(tmp_path / "store", 8)
        night(2, 7)  # requested: seen once, 8 days ago
        assert pdf_hits() == 2
        _age_runs(tmp_path / "store", 1)
        third = night(3, 7)  # unchanged since 9 days, requested yesterday: reused
        assert pdf_hits() == 2
        assert third["crawl"]["fresh_reused"] == 1
        assert any("ไม่ขอใหม่" in n and "7 วัน" in n for n in third["notes"])
        home_hits = sum(1 for h in site.hits if h == "/")
        assert home_hits == 3  # pages are requested every night
        log = (tmp_path / "night3" / "crawl.log").read_text(encoding="utf-8")
        assert "[submitted fresh]" in log
        # a check without the policy (the default) asks again
        fourth = night(4, 0)
        assert pdf_hits() == 3
        assert fourth["crawl"]["fresh_reused"] == 0
        saved = json.loads((tmp_path / "night3" / "result.json").read_text(encoding="utf-8"))
        assert saved["crawl"]["fresh_reused"] == 1
    finally:
        site.stop()


@pytest.mark.browser
def test_stable_rendering_of_a_script_built_page_is_reused(tmp_path: Path) -> None:
    """The shell is requested every night; the browser renders it again only when the policy says it is due,
    and the links of the reused rendering are still followed."""
    www = tmp_path / "www"
    shutil.copytree(SITES / "mini" / "www", www)
    shutil.copy(SITES / "crawl" / "www" / "js.html", www / "js.html")
    (www / "news").mkdir()
    (www / "news" / "detail-1.html").write_text("<html><body><h1>ข่าว</h1><p>รายละเอียด</p></body></html>", "utf-8")
    site = serve(SiteConfig(root=www), host="127.0.62.3")
    form = tmp_path / "form.csv"
    form.write_text(f"ข้อ,ข้อมูล,URL,คำอธิบาย\nO4,ข่าว,{site.base_url}/js.html,\n", encoding="utf-8")

    def night(n: int) -> dict:
        return local_check(
            site, form, tmp_path / f"night{n}", tmp_path / "store", browser="auto", revisit_stable_days=7
        )

    def js_hits() -> int:
        return sum(1 for h in site.hits if h.startswith("/js.html"))

    try:
        night(1)
        assert js_hits() == 2  # the shell, then the browser
        _age_runs(tmp_path / "store", 8)
        night(2)
        assert js_hits() == 4  # rendered once, 8 days ago: due
        _age_runs(tmp_path / "store", 1)
        before_detail = sum(1 for h in site.hits if h == "/news/detail-1.html")
        third = night(3)
        assert js_hits() == 5  # the shell only: the rendering of the last 9 days stands
        assert third["crawl"]["fresh_reused"] == 1
        assert sum(1 for h in site.hits if h == "/news/detail-1.html") == before_detail + 1  # its link followed
    finally:
        site.stop()
