"""Politeness per IP: a scan of 40 agencies on 4 shared "hosting" IPs never has more than N requests in flight
to one IP, counted on the servers themselves."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ita_checker.crawl.politeness import IpLimiter, IpPolicy
from ita_checker.scan.local import ScanOptions, run_scan

HOSTS = [f"127.0.52.{i}" for i in range(1, 5)]
AGENCIES_PER_HOST = 10
PER_IP = 2
PAGES = 4

pytestmark = pytest.mark.timeout(600)


class _Hosting(ThreadingHTTPServer):
    """One shared hosting server: many agencies' sites under /aNN/, and the peak of requests in flight."""

    daemon_threads = True

    def __init__(self, host: str) -> None:
        super().__init__((host, 0), _Handler)
        self.lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0
        self.requests = 0


class _Handler(BaseHTTPRequestHandler):
    server: _Hosting

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        srv = self.server
        with srv.lock:
            srv.in_flight += 1
            srv.requests += 1
            srv.peak = max(srv.peak, srv.in_flight)
        try:
            time.sleep(0.08)  # long enough for requests from parallel agencies to overlap
            parts = self.path.strip("/").split("/")
            if parts[0].startswith("a") and len(parts) == 1:
                links = "".join(f'<li><a href="/{parts[0]}/p{i}.html">ข่าว {i}</a></li>' for i in range(PAGES))
                body = f"<html><body><h1>หน่วยงาน {parts[0]}</h1><ul>{links}</ul></body></html>"
                self._send(200, body)
            elif parts[0].startswith("a"):
                self._send(200, f"<html><body><h1>ประกาศ {self.path}</h1><p>ข้อมูลทั่วไป</p></body></html>")
            else:
                self._send(404, "not found")
        finally:
            with srv.lock:
                srv.in_flight -= 1

    def _send(self, status: int, text: str) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def test_scan_never_exceeds_the_per_ip_limit(tmp_path: Path) -> None:
    servers = [_Hosting(h) for h in HOSTS]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for t in threads:
        t.start()
    try:
        wb = openpyxl.Workbook()
        ws = wb.active
        assert ws is not None
        ws.append(["รหัส", "ชื่อหน่วยงาน", "ประเภท", "จังหวัด", "อำเภอ", "เว็บไซต์"])
        for s in servers:  # agencies of one hosting server next to each other: the parallel workers share it
            host, port = s.server_address[:2]
            for _ in range(AGENCIES_PER_HOST):
                n = len(ws["A"])
                ws.append([f"66{n:05d}", f"อบต.ทดสอบ {n}", "อบต.", "พิษณุโลก", "เมือง", f"http://{host}:{port}/a{n:02d}/"])
        wb.save(tmp_path / "registry.xlsx")
        scan = run_scan(
            ScanOptions(
                registry=tmp_path / "registry.xlsx",
                year=2569,
                out_dir=tmp_path / "out",
                store_dir=tmp_path / "store",
                allow_private=True,
                screenshots=False,
                pdf=False,
                browser="never",
                workers=8,
                per_ip_concurrency=PER_IP,
            )
        )
    finally:
        for s in servers:
            s.shutdown()
            s.server_close()
    assert len(scan.outcomes) == len(HOSTS) * AGENCIES_PER_HOST
    assert all(o.status == "done" for o in scan.outcomes), [(o.agency.id, o.status, o.error) for o in scan.outcomes]
    peaks = {s.server_address[0]: s.peak for s in servers}
    assert all(p <= PER_IP for p in peaks.values()), peaks
    assert max(peaks.values()) == PER_IP, f"no overlap happened, the test shows nothing: {peaks}"
    assert all(s.requests >= AGENCIES_PER_HOST * (PAGES + 1) for s in servers)


def test_limiter_leases_expire_and_respect_the_delay(tmp_path: Path) -> None:
    limiter = IpLimiter(tmp_path, IpPolicy(concurrency=1, min_delay_s=0.2, lease_s=0.3))
    other = IpLimiter(tmp_path, IpPolicy(concurrency=1, min_delay_s=0.2, lease_s=0.3))  # another crawler process
    try:
        token, _ = limiter.try_acquire("203.0.113.5")
        assert token is not None
        blocked, wait = other.try_acquire("203.0.113.5")
        assert blocked is None
        assert wait > 0
        assert other.try_acquire("203.0.113.6")[0] is not None  # another IP is not held up
        time.sleep(0.35)  # the first lease was never released (a crashed crawler): it expires
        assert other.try_acquire("203.0.113.5")[0] is not None
        limiter.release(token)
    finally:
        limiter.close()
        other.close()
