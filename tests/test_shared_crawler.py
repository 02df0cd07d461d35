"""One long-lived crawler process for a scan: same verdicts as a process per agency, one process for all,
and a crawl that hangs, a crawler that dies or a process that has done its share never takes the scan down."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ita_checker.crawl.job import CrawlJob
from ita_checker.crawl.process import CrawlError
from ita_checker.crawl.service import CrawlService
from ita_checker.demo.server import SiteConfig, serve
from ita_checker.scan.local import ScanOptions, run_scan
from ita_checker.store.blobs import Store

from .test_scan_e2e import AGENCIES, PROVINCE, write_registry

pytestmark = pytest.mark.timeout(600)
SHARED = re.compile(r"shared crawler process (\d+): agency job (\d+)")


def _verdicts(out: Path) -> dict[str, dict[str, str]]:
    found = {}
    for aid, *_ in AGENCIES:
        result = json.loads((out / "agencies" / aid / "result.json").read_text(encoding="utf-8"))
        found[aid] = {it["code"]: it["verdict"] for it in result["items"]}
    return found


def test_scan_crawls_every_agency_in_one_process_with_the_same_verdicts(tmp_path: Path) -> None:
    servers = {}
    for aid, *_ in AGENCIES:
        shutil.copytree(PROVINCE / aid / "www", tmp_path / "sites" / aid)
        servers[aid] = serve(SiteConfig(root=tmp_path / "sites" / aid), host=f"127.0.61.{len(servers) + 1}")
    try:
        registry = write_registry(tmp_path / "registry.xlsx", {a: s.base_url for a, s in servers.items()})
        scans = {}
        for shared in (True, False):
            tag = "shared" if shared else "apart"
            scans[tag] = run_scan(
                ScanOptions(
                    registry=registry,
                    year=2569,
                    out_dir=tmp_path / tag,
                    store_dir=tmp_path / f"store-{tag}",
                    allow_private=True,
                    ocr=False,
                    screenshots=False,
                    pdf=False,
                    browser="never",
                    max_pages=20,
                    workers=3,
                    shared_crawler=shared,
                )
            )
    finally:
        for s in servers.values():
            s.stop()
    for scan in scans.values():
        assert [o.status for o in scan.outcomes] == ["done"] * len(AGENCIES)
    assert _verdicts(tmp_path / "shared") == _verdicts(tmp_path / "apart")
    pids, jobs = set(), set()
    for aid, *_ in AGENCIES:
        log = (tmp_path / "shared" / "agencies" / aid / "crawl.log").read_text(encoding="utf-8")
        m = SHARED.search(log)
        assert m, log[:500]
        pids.add(m.group(1))
        jobs.add(int(m.group(2)))
        assert re.search(r"INFO: fetch 200 text/html \d+B", log)  # this agency's own fetch lines are in its log
        others = [s for a, s in servers.items() if a != aid]
        assert not any(s.base_url in log for s in others)  # and no other agency's
        apart = (tmp_path / "apart" / "agencies" / aid / "crawl.log").read_text(encoding="utf-8")
        assert not SHARED.search(apart)
    assert len(pids) == 1  # five agencies, one crawler process
    assert jobs == set(range(1, len(AGENCIES) + 1))
    assert (tmp_path / "shared" / "crawler.log").exists()


class _Slow(ThreadingHTTPServer):
    daemon_threads = True


class _SlowHandler(BaseHTTPRequestHandler):
    """Every page answers after 60 s."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        time.sleep(60)
        body = b"<html><body>late</body></html>"
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass


def _job(store: Store, site: str, tmp_path: Path) -> CrawlJob:
    run_id = store.begin_run(agency=site, site=site)
    return CrawlJob(
        run_id=run_id,
        store_dir=tmp_path / "store",
        site=site,
        allow_private=True,
        browser="never",
        sitemap=False,
        obey_robots=False,
        timeout_s=90,
    )


def test_hung_crawl_killed_crawler_and_recycled_process(tmp_path: Path) -> None:
    slow = _Slow(("127.0.61.20", 0), _SlowHandler)
    threading.Thread(target=slow.serve_forever, daemon=True).start()
    slow_url = f"http://127.0.61.20:{slow.server_address[1]}/"
    site = serve(SiteConfig(root=PROVINCE / AGENCIES[0][0] / "www"), host="127.0.61.21")
    store = Store(tmp_path / "store")
    try:
        with CrawlService(log_path=tmp_path / "crawler.log", jobs_per_process=3) as service:
            # a crawl past its time limit is stopped and reported, while another agency's crawl goes on
            errors: list[BaseException] = []
            hung_job = _job(store, slow_url, tmp_path)

            def hung() -> None:
                try:
                    service.run(hung_job, log_dir=tmp_path / "hung", timeout_s=3)
                except CrawlError as exc:
                    errors.append(exc)

            t = threading.Thread(target=hung)
            t.start()
            ok = service.run(_job(store, site.base_url + "/", tmp_path), log_dir=tmp_path / "ok")
            t.join(timeout=30)
            assert not t.is_alive()
            assert len(errors) == 1
            assert "exceeded 3" in str(errors[0])
            assert ok.log_path.read_text(encoding="utf-8").count("fetch 200") >= 3
            assert service.processes_started == 1

            # the crawler dies under a crawl: that crawl fails at once, the next one gets a new process
            def kill_soon() -> None:
                time.sleep(1.5)
                proc = service._current
                assert proc is not None
                assert proc.pid is not None
                os.kill(proc.pid, signal.SIGKILL)

            killer = threading.Thread(target=kill_soon)
            killer.start()
            t0 = time.monotonic()
            with pytest.raises(CrawlError, match="exited with status"):
                service.run(_job(store, slow_url, tmp_path), log_dir=tmp_path / "killed")
            killer.join()
            assert time.monotonic() - t0 < 20
            service.run(_job(store, site.base_url + "/", tmp_path), log_dir=tmp_path / "after")
            assert service.processes_started == 2

            # a process that has taken its share of jobs is replaced for the next ones
            for i in range(3):
                service.run(_job(store, site.base_url + "/", tmp_path), log_dir=tmp_path / f"more{i}")
            assert service.processes_started == 3
    finally:
        store.close()
        site.stop()
        slow.shutdown()
        slow.server_close()
