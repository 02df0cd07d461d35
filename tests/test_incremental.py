"""Re-scans of an unchanged site use conditional requests; an interrupted run resumes without refetching."""

from __future__ import annotations

import pytest

from ita_checker.check import CheckOptions, run_check
from ita_checker.crawl.process import CrawlError
from ita_checker.demo.server import SiteConfig, serve
from ita_checker.store.blobs import Store

from .conftest import SITES, write_submissions


def _opts(tmp_path, base, sub, **kw):
    return CheckOptions(
        site=base + "/",
        year=2569,
        agency_type="local",
        submissions=sub,
        allow_private=True,
        out_dir=tmp_path / "out",
        store_dir=tmp_path / "store",
        screenshots=False,
        **kw,
    )


def test_unchanged_rescan_is_answered_by_304s(tmp_path, mini_site):
    sub = write_submissions(SITES / "mini" / "submissions.csv", mini_site.base_url, tmp_path / "s.csv")
    first = run_check(_opts(tmp_path, mini_site.base_url, sub)).result
    n_first = len(mini_site.statuses)
    second = run_check(_opts(tmp_path, mini_site.base_url, sub)).result
    again = mini_site.statuses[n_first:]
    assert first["run_id"] != second["run_id"]
    ok_before = {p for p, code in mini_site.statuses[:n_first] if code == 200}
    assert ok_before, "the first scan fetched pages"
    # every page that was 200 the first time is answered 304 Not Modified now: no body sent again
    assert {p for p, code in again if code == 200} & ok_before == set()
    assert {p for p, code in again if code == 304} == ok_before
    recs = Store(tmp_path / "store").fetches(second["run_id"])
    assert sum(r.not_modified for r in recs) == len(ok_before)
    assert [it["verdict"] for it in first["items"]] == [it["verdict"] for it in second["items"]]


def test_interrupted_run_resumes_without_losing_or_refetching(tmp_path):
    routes = {"/oit/plan.html": {"delay": 30}}
    cfg = SiteConfig(root=SITES / "mini" / "www", routes=routes)
    site = serve(cfg)
    try:
        sub = write_submissions(SITES / "mini" / "submissions.csv", site.base_url, tmp_path / "s.csv")
        with pytest.raises(CrawlError):
            run_check(_opts(tmp_path, site.base_url, sub, crawl_timeout_s=8))
        store = Store(tmp_path / "store")
        run_id = store.db.execute("SELECT run_id FROM runs WHERE status='running'").fetchone()[0]
        kept = {r.url.removeprefix(site.base_url) for r in store.fetches(run_id) if r.ok}
        store.close()
        assert "/oit/structure.html" in kept  # fetched before the interruption
        routes.clear()  # the slow page answers now
        n = len(site.hits)
        res = run_check(_opts(tmp_path, site.base_url, sub)).result
        assert res["run_id"] == run_id
        assert any("resumed" in note for note in res["notes"])
        assert not kept & set(site.hits[n:]), "pages fetched before the interruption were fetched again"
        assert "/oit/plan.html" in site.hits[n:]
        v = {it["code"]: it["verdict"] for it in res["items"]}
        assert v["O1"] == "pass"
        assert v["O23"] == "stale"
    finally:
        site.stop()
