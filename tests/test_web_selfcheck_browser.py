"""A visitor self-checks a demo site through ``ita-checker serve`` in Debian's Chromium, and downloads the PDF."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ita_checker.demo.runner import load_demo_sites
from ita_checker.demo.server import RunningSite, serve

pytestmark = pytest.mark.browser

SITE_HOST = "127.0.33.1"
SERVICE_HOST = "127.0.33.2"
GUARDED_HOST = "127.0.33.3"


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def demo_site() -> Iterator[tuple[RunningSite, Any]]:
    site = next(s for s in load_demo_sites() if s.slug == "abt-suan-dok")
    running = serve(site.config(), host=SITE_HOST)
    try:
        yield running, site
    finally:
        running.stop()


def _service(tmp: Path, host: str, *extra: str) -> Iterator[str]:
    port = _free_port(host)
    cmd = [sys.executable, "-m", "ita_checker", "serve", "--host", host, "--port", str(port),
           "--data", str(tmp / "web"), "--store", str(tmp / "store"), "--max-pages", "40", *extra]  # fmt: skip
    log = (tmp / "serve.log").open("wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=os.environ | {"PYTHONUNBUFFERED": "1"})
    base = f"http://{host}:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                pass
            assert proc.poll() is None, (tmp / "serve.log").read_text(encoding="utf-8", errors="replace")
            assert time.monotonic() < deadline, "the service did not start"
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _service(tmp_path_factory.mktemp("svc"), SERVICE_HOST, "--allow-private-network")


@pytest.fixture(scope="module")
def guarded_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _service(tmp_path_factory.mktemp("guarded"), GUARDED_HOST)


def test_a_visitor_self_checks_a_site_sees_the_verdicts_and_downloads_the_pdf(
    service: str, demo_site: tuple[RunningSite, Any], browser: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    running, site = demo_site
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(service + "/")
    page.fill("#site", running.base_url + "/")
    page.fill("#name", site.name)
    page.select_option("#year", str(site.year))
    page.select_option("#agency_type", site.agency_type)
    page.click("button[type=submit]")
    expect(page.locator(".progress, main.report").first).to_be_visible(timeout=10_000)  # queued, then progress
    page.wait_for_selector("main.report", timeout=240_000)
    page.screenshot(path=str(tmp_path / "selfcheck-result.png"), full_page=False)
    expect(page.locator("h1.agency-name")).to_have_text(site.name)
    with urllib.request.urlopen(page.url + "/files/result.json", timeout=10) as r:
        result = json.loads(r.read())
    assert page.locator("tr.item").count() == len(result["items"])
    for it in result["items"]:  # the page shows the verdicts of the check's own result
        assert page.locator(f"#item-{it['code']}").get_attribute("class") == f"item v-{it['verdict']}"
    shown = {it["code"]: it["verdict"] for it in result["items"] if it["code"] in ("O1", "O2")}
    assert shown == {"O1": "pass", "O2": "pass"}, shown  # the demo site's answers for these two
    with page.expect_download() as dl:
        page.click("a[href$='/files/report.pdf']")
    pdf = Path(dl.value.path())
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert running.hits  # the site itself was crawled
    assert not [e for e in errors if "Content Security Policy" in e], errors  # the page breaks none of its CSP
    shot = os.environ.get("ITA_SCREENSHOT_DIR")
    if shot:  # keep the screenshot for a closing note
        Path(shot).mkdir(parents=True, exist_ok=True)
        (Path(shot) / "selfcheck-result.png").write_bytes((tmp_path / "selfcheck-result.png").read_bytes())


def test_a_loopback_site_is_refused_in_thai_without_a_request(
    guarded_service: str, demo_site: tuple[RunningSite, Any], browser: Any
) -> None:
    running, _ = demo_site
    before = len(running.hits)
    page = browser.new_page()
    page.goto(guarded_service + "/")
    page.fill("#site", f"http://{SITE_HOST}:{running.server.server_address[1]}/")
    page.click("button[type=submit]")
    alert = page.locator(".form-error")
    alert.wait_for(timeout=10_000)
    assert "ภายใน" in alert.inner_text() or "loopback" in alert.inner_text()
    assert len(running.hits) == before
