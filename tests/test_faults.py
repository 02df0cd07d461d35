"""Fault tests: resets, stalls, flaky 5xx, a chromium crash, a failing store disk and a SIGKILLed check."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    ResponseDataLossError,
)
from twisted.python.failure import Failure

from crawler.classify import classify_failure
from ita_checker.check import CheckOptions, run_check
from ita_checker.cli.main import main as cli_main
from ita_checker.crawl.job import CrawlJob
from ita_checker.crawl.process import run_crawl
from ita_checker.demo.server import RunningSite, SiteConfig, serve
from ita_checker.rules.loader import get_ruleset
from ita_checker.store.blobs import Store

from .conftest import ROOT, SITES, write_submissions
from .test_crawler import _marked_pids

MINI = SITES / "mini" / "www"
FAULT_ROUTES: dict[str, dict[str, Any]] = {
    "/oit/structure.html": {"flaky": 1},  # O1: one 500, then the page: the retry must give 'pass'
    "/oit/contact.html": {"reset_after": 200},  # O3: headers + 200 bytes, then a TCP reset, every time
    "/oit/news.html": {"delay": 3},  # O4: stalls past the 1 s request timeout
    "/oit/plan.html": {"flaky": 10},  # O23: 500 on every attempt (first try + 2 retries)
}
CLOSED_PORT_URL = "http://127.0.0.1:1/manual.html"  # O8: connection refused


def _opts(tmp_path: Path, base: str, sub: Path | None, **kw: Any) -> CheckOptions:
    return CheckOptions(
        site=base + "/",
        year=2569,
        agency_type="local",
        submissions=sub,
        allow_private=True,
        out_dir=tmp_path / "out",
        store_dir=tmp_path / "store",
        screenshots=False,
        browser="never",
        **kw,
    )


def _integrity(store_dir: Path) -> str:
    db = sqlite3.connect(store_dir / "ita.sqlite")
    try:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        db.close()


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("faults")
    site = serve(SiteConfig(root=MINI, routes=FAULT_ROUTES))
    try:
        sub = write_submissions(SITES / "mini" / "submissions.csv", site.base_url, tmp / "s.csv")
        with sub.open("a", encoding="utf-8") as fh:
            fh.write(f"O8,คู่มือ,{CLOSED_PORT_URL},\n")
        res = run_check(_opts(tmp, site.base_url, sub, timeout_s=1.0)).result
        store = Store(tmp / "store")
        recs = {r.url.removeprefix(site.base_url): r for r in store.fetches(res["run_id"])}
        store.close()
        yield {"res": res, "recs": recs, "hits": list(site.hits), "items": {it["code"]: it for it in res["items"]}}
    finally:
        site.stop()


@pytest.mark.parametrize(
    ("code", "path", "fail_class"),
    [
        ("O3", "/oit/contact.html", "connect"),
        ("O4", "/oit/news.html", "timeout"),
        ("O23", "/oit/plan.html", "server_error"),
        ("O5", "/oit/strategy.html", "not_found"),
        ("O8", CLOSED_PORT_URL, "connect"),
    ],
)
def test_unfetchable_evidence_is_unreachable_never_fail(
    faulty: dict[str, Any], code: str, path: str, fail_class: str
) -> None:
    item = faulty["items"][code]
    assert item["verdict"] == "unreachable", item["reasons"]
    assert [e["class"] for e in item["fetch_errors"]] == [fail_class]
    assert faulty["recs"][path].fail_class == fail_class


@pytest.mark.parametrize(
    ("exc", "fail_class"),
    [
        (CannotResolveHostError("no such host"), "dns"),
        (DownloadConnectionRefusedError("refused"), "connect"),
        (ResponseDataLossError(), "connect"),
        (DownloadTimeoutError("took longer"), "timeout"),
    ],
)
def test_scrapy_download_errors_keep_their_class(exc: Exception, fail_class: str) -> None:
    """Scrapy >= 2.13 wraps Twisted's errors in its own types; they must not all become 'other'."""
    failure = Failure(exc)  # type: ignore[no-untyped-call]
    assert classify_failure(failure)[0] == fail_class


def test_retry_that_succeeds_gives_pass(faulty: dict[str, Any]) -> None:
    assert faulty["items"]["O1"]["verdict"] == "pass"
    assert faulty["items"]["O1"]["fetch_errors"] == []
    assert faulty["hits"].count("/oit/structure.html") == 2  # one 500, one 200


def test_resets_and_5xx_are_retried_twice(faulty: dict[str, Any]) -> None:
    assert faulty["hits"].count("/oit/contact.html") == 3
    assert faulty["hits"].count("/oit/plan.html") == 3


def test_check_finishes_with_every_item_judged(faulty: dict[str, Any]) -> None:
    res = faulty["res"]
    assert [it["code"] for it in res["items"]] == [r.code for r in get_ruleset("nacc-2569").rules]
    assert faulty["items"]["O24"]["verdict"] == "fail"  # blank URL in the form: the only legitimate 'fail' here
    fails = {c for c, it in faulty["items"].items() if it["verdict"] == "fail" and it["urls"]}
    assert fails == set(), "a submitted URL that could not be fetched was judged 'fail'"


# --- chromium dies mid-crawl -------------------------------------------------------------------------------


def _chromium_pids(marker: str) -> list[int]:
    pids = []
    for pid in _marked_pids(marker):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"chromium" in cmd and b"--type=" not in cmd:  # the browser process, not its renderers
            pids.append(int(pid))
    return pids


@pytest.mark.browser
def test_chromium_killed_mid_crawl_is_recorded_and_leaves_no_process(tmp_path: Path) -> None:
    site = serve(SiteConfig(root=MINI, routes={f"/oit/{p}.html": {"delay": 3} for p in ("news", "plan")}))
    marker = uuid.uuid4().hex
    killed: list[int] = []
    stop = threading.Event()

    def killer() -> None:
        while not stop.is_set() and not killed:
            pids = _chromium_pids(marker)
            if pids:
                time.sleep(0.8)  # let the browser start loading the slow pages
                for pid in pids:
                    with contextlib.suppress(ProcessLookupError):  # a helper process may exit on its own
                        os.kill(pid, signal.SIGKILL)
                killed.extend(pids)
            time.sleep(0.05)

    store = Store(tmp_path / "store")
    run_id = store.begin_run(agency="t", site=site.base_url + "/")
    job = CrawlJob(
        run_id=run_id,
        store_dir=tmp_path / "store",
        site=site.base_url + "/",
        submitted={"O4": [f"{site.base_url}/oit/news.html"], "O23": [f"{site.base_url}/oit/plan.html"]},
        allow_private=True,
        browser="always",
        timeout_s=8.0,
        sitemap=False,
        max_pages=3,
    )
    os.environ["ITA_TEST_MARKER"] = marker
    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    try:
        run_crawl(job, log_dir=tmp_path, timeout_s=60)  # raises CrawlError if the crawler does not finish
    finally:
        stop.set()
        del os.environ["ITA_TEST_MARKER"]
        site.stop()
    thread.join(5)
    time.sleep(0.5)
    recs = {r.url.removeprefix(site.base_url): r for r in store.fetches(run_id)}
    assert killed, ("chromium never started", [(r.url, r.fail_class, r.detail) for r in recs.values()])
    store.close()
    slow = [recs[p] for p in ("/oit/news.html", "/oit/plan.html") if p in recs]
    assert len(slow) == 2, recs.keys()  # both slow pages are recorded, whatever happened to the browser
    assert any(r.fail_class is not None and r.via_browser for r in slow), [(r.fail_class, r.detail) for r in slow]
    assert _marked_pids(marker) - {str(os.getpid())} == set()


# --- the store's disk fails --------------------------------------------------------------------------------


def _run_cli_subprocess(args: list[str], cwd: Path, **kw: Any) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="200")
    return subprocess.run(
        [sys.executable, "-m", "ita_checker", *args],
        cwd=cwd,
        env=env,
        text=True,
        capture_output=True,
        timeout=60,
        check=False,
        **kw,
    )


def test_store_write_failure_in_the_crawler_is_a_clear_error(tmp_path: Path) -> None:
    """A file-size limit (as on a full disk) makes the crawler's blob write fail: exit 1, one message."""
    site = serve(SiteConfig(root=MINI, routes={"/oit/big.pdf": {"bytes": 2_000_000}}))
    limit = 1_000_000

    def limit_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    try:
        form = tmp_path / "s.csv"
        form.write_text(f"ข้อ,URL\nO20,{site.base_url}/oit/big.pdf\n", encoding="utf-8")
        proc = _run_cli_subprocess(
            [
                "check",
                site.base_url + "/",
                "--year",
                "2569",
                "--agency-type",
                "local",
                "--submissions",
                str(form),
                "--allow-private-network",
                "--store",
                "st",
                "--out",
                "out",
                "--no-screenshots",
                "--browser",
                "never",
            ],
            tmp_path,
            preexec_fn=limit_files,
        )
    finally:
        site.stop()
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    assert "storage error" in proc.stderr, proc.stderr
    assert "ที่เก็บ" in proc.stderr
    assert "internal error" not in proc.stderr
    assert _integrity(tmp_path / "st") == "ok"
    store = Store(tmp_path / "st")
    assert store.db.execute("SELECT status FROM runs").fetchall() == [("running",)]  # left resumable
    store.close()


def test_unusable_store_directory_is_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "not-a-dir").write_text("x", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli_main,
        [
            "check",
            "http://127.0.0.1:9/",
            "--year",
            "2569",
            "--agency-type",
            "local",
            "--allow-private-network",
            "--store",
            str(tmp_path / "not-a-dir" / "st"),
        ],
    )
    assert result.exit_code == 2, result.output  # a --store that cannot be opened at all is bad input
    assert isinstance(result.exception, SystemExit)
    assert "ที่เก็บข้อมูล" in result.output
    assert "--store" in result.output
    assert "Traceback" not in result.output


# --- SIGKILL mid-crawl, then resume ------------------------------------------------------------------------


def _wait_for(cond: Any, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.1)
    return False


def _ok_urls(store_dir: Path) -> set[str]:
    if not (store_dir / "ita.sqlite").exists():
        return set()
    db = sqlite3.connect(f"file:{store_dir / 'ita.sqlite'}?mode=ro", uri=True, timeout=5)
    try:
        rows = db.execute("SELECT url FROM fetches WHERE fail_class IS NULL AND sha256 IS NOT NULL").fetchall()
    except sqlite3.OperationalError:
        return set()
    finally:
        db.close()
    return {str(r[0]) for r in rows}


def test_sigkilled_check_resumes_without_losing_or_duplicating(tmp_path: Path) -> None:
    routes: dict[str, dict[str, Any]] = {"/oit/plan.html": {"delay": 20}}
    site: RunningSite = serve(SiteConfig(root=MINI, routes=routes))
    marker = uuid.uuid4().hex
    try:
        sub = write_submissions(SITES / "mini" / "submissions.csv", site.base_url, tmp_path / "s.csv")
        env = dict(os.environ, PYTHONPATH=str(ROOT), ITA_TEST_MARKER=marker)
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ita_checker",
                "check",
                site.base_url + "/",
                "--year",
                "2569",
                "--agency-type",
                "local",
                "--submissions",
                str(sub),
                "--allow-private-network",
                "--store",
                str(tmp_path / "store"),
                "--out",
                str(tmp_path / "out1"),
                "--no-screenshots",
                "--browser",
                "never",
            ],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert _wait_for(lambda: f"{site.base_url}/oit/structure.html" in _ok_urls(tmp_path / "store"), 30)
            time.sleep(0.5)  # mid-crawl: the slow page (20 s) is in flight
            assert f"{site.base_url}/oit/plan.html" not in _ok_urls(tmp_path / "store")
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        finally:
            if proc.poll() is None:
                proc.kill()
        # the orphaned crawler process notices and stops instead of writing into the run being resumed
        assert _wait_for(lambda: not (_marked_pids(marker) - {str(os.getpid())}), 8), "crawler left running"
        kept = _ok_urls(tmp_path / "store")
        assert kept
        routes.clear()
        n = len(site.hits)
        res = run_check(_opts(tmp_path, site.base_url, sub)).result
        again = set(site.hits[n:])
    finally:
        site.stop()
    assert any("resumed" in note for note in res["notes"])
    assert not {u.removeprefix(site.base_url) for u in kept} & again, "pages fetched before the kill were refetched"
    store = Store(tmp_path / "store")
    try:
        runs = store.db.execute("SELECT run_id, status FROM runs").fetchall()
        assert runs == [(res["run_id"], "done")]
        dup = store.db.execute("SELECT run_id, url, COUNT(*) FROM fetches GROUP BY run_id, url HAVING COUNT(*) > 1")
        assert dup.fetchall() == []
        urls = {r.url for r in store.fetches(res["run_id"])}
    finally:
        store.close()
    assert kept <= urls, "records fetched before the kill were lost"
    assert _integrity(tmp_path / "store") == "ok"
    v = {it["code"]: it["verdict"] for it in res["items"]}
    assert list(v) == [r.code for r in get_ruleset("nacc-2569").rules]
    assert v["O1"] == "pass"
    assert v["O23"] == "stale"
