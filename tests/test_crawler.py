"""Crawler behaviour over a local site: discovery, robots, sitemap, traps, JS pages, encodings, OCR, failures."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest

from ita_checker.crawl.job import CrawlJob
from ita_checker.crawl.process import run_crawl
from ita_checker.demo.server import SiteConfig, serve
from ita_checker.extract.evidence import build_index
from ita_checker.store.blobs import Store

from .conftest import SITES

ROUTES = {
    "/slow.html": {"delay": 4},
    "/broken.html": {"status": 500},
    "/forbidden.html": {"status": 403},
    "/members.html": {"redirect": "/login.html"},
    "/huge.pdf": {"bytes": 3_000_000},
}


def _marked_pids(marker: str) -> set[str]:
    """Processes still alive that inherited our marker environment variable (the crawler's children)."""
    pids = set()
    for env in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker.encode() in env.read_bytes():
                pids.add(env.parent.name)
        except OSError:
            continue
    return pids


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crawl")
    site = serve(SiteConfig(root=SITES / "crawl" / "www", routes=ROUTES, send_charset=False))
    base = site.base_url
    store = Store(tmp / "store")
    run_id = store.begin_run(agency="t", site=base + "/")
    submitted = {
        "O23": [f"{base}/private/secret.html"],  # robots.txt disallows /private/, but it was submitted
        "O8": [f"{base}/slow.html"],
        "O9": [f"{base}/broken.html"],
        "O10": [f"{base}/forbidden.html"],
        "O11": [f"{base}/members.html"],
        "O12": [f"{base}/huge.pdf"],
        "O13": [f"{base}/nope.html"],
        "O3": [f"{base}/old-nometa.html"],
        "O20": [f"{base}/files/scan.pdf"],
    }
    marker = f"ITA_TEST_MARKER={uuid.uuid4().hex}"
    os.environ["ITA_TEST_MARKER"] = marker.split("=", 1)[1]
    job = CrawlJob(
        run_id=run_id,
        store_dir=tmp / "store",
        site=base + "/",
        submitted=submitted,
        topics={"O4": ["ข่าวประชาสัมพันธ์"]},
        allow_private=True,
        timeout_s=1.0,
        max_bytes=1_000_000,
    )
    try:
        run_crawl(job, log_dir=tmp)
    finally:
        del os.environ["ITA_TEST_MARKER"]
    time.sleep(0.5)
    leftover = _marked_pids(marker) - {str(os.getpid())}
    recs = {r.url.removeprefix(base): r for r in store.fetches(run_id)}
    index = build_index(store, run_id, site=base + "/")
    yield {"recs": recs, "index": index, "base": base, "hits": list(site.hits), "leftover": leftover}
    store.close()
    site.stop()


@pytest.mark.parametrize(
    ("path", "cls"),
    [
        ("/slow.html", "timeout"),
        ("/broken.html", "server_error"),
        ("/forbidden.html", "blocked"),
        ("/members.html", "login_wall"),
        ("/huge.pdf", "too_large"),
        ("/nope.html", "not_found"),
    ],
)
def test_failure_classes(crawled, path, cls):
    rec = crawled["recs"][path]
    assert rec.fail_class == cls, (rec.fail_class, rec.detail)


def test_server_errors_are_retried(crawled):
    assert crawled["hits"].count("/broken.html") == 3  # first try + RETRY_TIMES=2


def test_submitted_url_fetched_despite_robots_but_discovery_obeys(crawled):
    recs = crawled["recs"]
    assert recs["/private/secret.html"].ok
    assert "/private/hidden-by-robots.html" not in recs
    assert "/robots.txt" in crawled["hits"]


def test_sitemap_and_menu_discovery(crawled):
    recs = crawled["recs"]
    assert recs["/sitemap-only.html"].source == "sitemap"
    assert recs["/about.html"].source == "discovered"


def test_calendar_trap_is_bounded(crawled):
    cal = [u for u in crawled["recs"] if u.startswith("/calendar.html")]
    assert 1 <= len(cal) <= 5


def test_tis620_without_charset_header(crawled):
    idx = crawled["index"]
    for path in ("/old.html", "/old-nometa.html"):
        doc = idx.by_url[crawled["base"] + path].doc
        assert "ข้อมูลการติดต่อ" in doc.title, path
        assert "ตำบลทดลอง" in doc.text


def test_scanned_pdf_is_read_by_ocr(crawled):
    doc = crawled["index"].by_url[crawled["base"] + "/files/scan.pdf"].doc
    assert doc.ocr_used
    assert doc.ocr_confidence is not None
    assert doc.ocr_confidence > 60
    assert "ไม่รับของขวัญ" in doc.text
    assert "2569" in doc.text


@pytest.mark.browser
def test_script_built_page_goes_through_the_browser(crawled):
    rec = crawled["recs"]["/js.html"]
    assert rec.via_browser
    doc = crawled["index"].by_url[crawled["base"] + "/js.html"].doc
    assert "วันเด็กแห่งชาติ" in doc.text
    assert "/news/detail-1.html" in crawled["recs"]  # link that only exists after the script ran


@pytest.mark.browser
def test_no_chromium_left_after_the_crawl(crawled):
    assert crawled["recs"]["/js.html"].via_browser  # the browser did run
    assert crawled["leftover"] == set()
