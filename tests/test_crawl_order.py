"""Crawl records that do not depend on which answer came first (many agencies crawl at once)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ita_checker.demo.server import SiteConfig, serve

from .conftest import SITES, local_check


def test_submitted_url_redirecting_to_a_page_already_fetched_is_recorded(tmp_path: Path) -> None:
    """A submitted URL that redirects home after the home page was fetched keeps its own record (it was
    taken for a resumed page and dropped, so whether it counted depended on which answer came first)."""
    routes = {"/moved.html": {"delay": 0.8, "redirect": "/"}}
    site = serve(SiteConfig(root=SITES / "mini" / "www", routes=routes), host="127.0.62.2")
    form = tmp_path / "form.csv"
    form.write_text(f"ข้อ,ข้อมูล,URL,คำอธิบาย\nO6,แผน,{site.base_url}/moved.html,\n", encoding="utf-8")
    try:
        result = local_check(site, form, tmp_path / "out", tmp_path / "store")
    finally:
        site.stop()
    db = sqlite3.connect(tmp_path / "store" / "ita.sqlite")
    try:
        rows = db.execute(
            "SELECT source, final_url FROM fetches WHERE run_id=? AND url=?",
            (result["run_id"], site.base_url + "/moved.html"),
        ).fetchall()
    finally:
        db.close()
    assert rows == [("submitted", site.base_url + "/")]
    o6 = next(it for it in result["items"] if it["code"] == "O6")
    assert o6["verdict"] == "unreachable", o6  # redirected to the home page: the item is not there
