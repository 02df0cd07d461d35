"""DNS rebinding: a name that answers a public address first and a loopback one next never reaches loopback.

The seam is a ``sitecustomize`` module put on the checker's PYTHONPATH (so the crawler process gets it too): it
answers ``getaddrinfo``/``gethostbyname`` for the scripted names from a JSON file, one answer per lookup in
order, the last one repeated. The pre-flight checks see the public address; the connection (Scrapy's resolver,
the browser's egress proxy, the screenshot browser) gets the loopback one and must refuse it. Without the
connect-time guard, each of these tests' servers would receive the request.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from ita_checker.crawl.egress import REFUSED_HEADER, guarded_egress
from ita_checker.crawl.netguard import Guard
from ita_checker.crawl.screenshots import chromium_available
from ita_checker.demo.server import RunningSite, SiteConfig, serve
from ita_checker.errors import BlockedTarget
from ita_checker.store.blobs import Store

from .conftest import ROOT, SITES

PUBLIC = "93.184.216.34"  # an ordinary global address (never connected to: the second answer is the one used)
SEAM = textwrap.dedent(
    '''
    """Test seam: scripted DNS answers for the names in $ITA_TEST_DNS_SCRIPT (one per lookup, last repeated)."""
    import json, os, socket, threading

    _script = json.loads(open(os.environ["ITA_TEST_DNS_SCRIPT"], encoding="utf-8").read())
    _calls = {}
    _lock = threading.Lock()
    _getaddrinfo, _gethostbyname = socket.getaddrinfo, socket.gethostbyname

    def _answer(host):
        name = (host.decode() if isinstance(host, bytes) else str(host)).lower().rstrip(".")
        if name not in _script:
            return None
        with _lock:
            n = _calls.get(name, 0)
            _calls[name] = n + 1
        answers = _script[name]
        return answers[min(n, len(answers) - 1)]

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        ip = _answer(host) if host is not None else None
        if ip is None:
            return _getaddrinfo(host, port, family, type, proto, flags)
        fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
        addr = (ip, port or 0, 0, 0) if fam == socket.AF_INET6 else (ip, port or 0)
        return [(fam, socket.SOCK_STREAM, 6, "", addr)]

    def gethostbyname(host):
        ip = _answer(host)
        return _gethostbyname(host) if ip is None else ip

    socket.getaddrinfo, socket.gethostbyname = getaddrinfo, gethostbyname
    '''
)

pytestmark = pytest.mark.timeout(180)


def _seam(tmp_path: Path, script: dict[str, list[str]]) -> dict[str, str]:
    seam = tmp_path / "seam"
    seam.mkdir()
    (seam / "sitecustomize.py").write_text(SEAM, encoding="utf-8")
    (tmp_path / "dns.json").write_text(json.dumps(script), encoding="utf-8")
    return dict(os.environ, PYTHONPATH=f"{seam}{os.pathsep}{ROOT}", ITA_TEST_DNS_SCRIPT=str(tmp_path / "dns.json"))


def _check(tmp_path: Path, site: str, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "ita_checker",
            "check",
            site,
            "--year",
            "2569",
            "--agency-type",
            "local",
            "--store",
            str(tmp_path / "store"),
            "--out",
            str(tmp_path / "out"),
            "--no-pdf",
            *extra,
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=150,
        check=False,
    )


def _scripted(*answers: str) -> Any:
    """A resolver for the guard: ``rebind.test`` answers ``answers`` in turn (the last repeated), others fail."""
    left = list(answers)

    def resolve(host: str) -> list[str]:
        if host != "rebind.test":
            raise OSError(f"no DNS for {host} in this test")
        return [left.pop(0) if len(left) > 1 else left[0]]

    return resolve


def _records(tmp_path: Path) -> dict[str, Any]:
    store = Store(tmp_path / "store")
    try:
        (run_id,) = store.db.execute("SELECT run_id FROM runs").fetchone()
        return {r.url: r for r in store.fetches(run_id)}
    finally:
        store.close()


@pytest.fixture
def site() -> Any:
    running: RunningSite = serve(SiteConfig(root=SITES / "mini" / "www"), host="127.0.0.1")
    yield running
    running.stop()


def test_crawler_refuses_a_rebinding_name_at_connect_time(tmp_path: Path, site: RunningSite) -> None:
    port = site.base_url.rsplit(":", 1)[1]
    env = _seam(tmp_path, {"rebind.test": [PUBLIC, "127.0.0.1"]})
    proc = _check(tmp_path, f"http://rebind.test:{port}/", env, "--browser", "never", "--no-screenshots")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert site.hits == [], "the crawler connected to the loopback address the name rebound to"
    home = _records(tmp_path)[f"http://rebind.test:{port}/"]
    assert home.fail_class == "refused_private", (home.fail_class, home.detail)
    assert "loopback" in (home.detail or "")


def test_redirect_to_a_rebinding_name_is_refused(tmp_path: Path) -> None:
    target: RunningSite = serve(SiteConfig(root=SITES / "mini" / "www"), host="127.0.0.1")
    port = target.base_url.rsplit(":", 1)[1]
    first: RunningSite = serve(
        SiteConfig(root=SITES / "mini" / "www", routes={"/": {"redirect": f"http://rebind.test:{port}/"}}),
        host="127.0.0.1",
    )
    try:
        env = _seam(tmp_path, {"rebind.test": [PUBLIC, "::ffff:127.0.0.1"]})
        allowed = first.base_url.removeprefix("http://")
        proc = _check(
            tmp_path, first.base_url + "/", env, "--allow-host", allowed, "--browser", "never", "--no-screenshots"
        )
    finally:
        first.stop()
        target.stop()
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert first.hits, "the allowed first hop was not fetched"
    assert target.hits == [], "a redirect hop reached the loopback address its name rebound to"


@pytest.mark.skipif(not chromium_available(), reason="needs Debian chromium")
def test_browser_path_goes_through_the_guarded_proxy(tmp_path: Path, site: RunningSite) -> None:
    port = site.base_url.rsplit(":", 1)[1]
    env = _seam(tmp_path, {"rebind.test": [PUBLIC, "127.0.0.1"]})
    proc = _check(tmp_path, f"http://rebind.test:{port}/", env, "--browser", "always", "--no-screenshots")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert site.hits == [], "the browser reached the loopback address the name rebound to"
    home = _records(tmp_path)[f"http://rebind.test:{port}/"]
    assert home.fail_class == "refused_private", (home.fail_class, home.detail)


def test_egress_proxy_validates_at_connect_time(site: RunningSite) -> None:
    """The proxy (used by the crawler's and the screenshots' Chromium) asks the guard at every connection."""
    import urllib.request

    guard = Guard(resolver=_scripted(PUBLIC, "127.0.0.1"))
    guard.check("http://rebind.test/")  # the pre-check sees the public answer
    port = site.base_url.rsplit(":", 1)[1]
    with guarded_egress(guard) as proxy:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy.url}))
        with pytest.raises(urllib.error.HTTPError) as exc:
            opener.open(f"http://rebind.test:{port}/", timeout=10)
    exc.value.close()
    assert exc.value.code == 403
    assert "loopback" in (exc.value.headers.get(REFUSED_HEADER) or "")
    assert proxy.refused == [("rebind.test", "loopback")]
    assert site.hits == []


def test_egress_proxy_forwards_what_the_guard_allows(site: RunningSite) -> None:
    import urllib.request

    with guarded_egress(Guard(allow_private=True)) as proxy:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy.url}))
        with opener.open(site.base_url + "/oit/structure.html", timeout=10) as response:
            body = response.read().decode("utf-8")
    assert "โครงสร้าง" in body
    assert site.hits == ["/oit/structure.html"]


@pytest.mark.parametrize("answer", ["10.0.0.7", "::ffff:127.0.0.1", "::ffff:10.1.2.3", "fd00::1", "169.254.169.254"])
def test_resolve_for_connect_refuses_private_answers(answer: str) -> None:
    guard = Guard(resolver=_scripted(PUBLIC, answer))
    guard.check("https://rebind.test/")
    with pytest.raises(BlockedTarget):
        guard.resolve_for_connect("rebind.test", 443)


@pytest.mark.skipif(not chromium_available(), reason="needs Debian chromium")
def test_screenshots_do_not_reach_a_rebinding_name(
    tmp_path: Path, site: RunningSite, caplog: pytest.LogCaptureFixture
) -> None:
    from ita_checker.crawl.screenshots import ShotRequest, take_screenshots

    # our check and the page route's check see the public answer; the connection (the proxy) the loopback one
    guard = Guard(resolver=_scripted(PUBLIC, PUBLIC, "127.0.0.1"))
    port = site.base_url.rsplit(":", 1)[1]
    url = f"http://rebind.test:{port}/oit/structure.html"
    guard.check(url)  # passes: the first answer is public
    shots = take_screenshots(
        [ShotRequest(url=url, sha256="0" * 64)], cache_dir=tmp_path / "cache", out_dir=tmp_path / "out", guard=guard
    )
    assert site.hits == [], "the screenshot browser reached the loopback address"
    assert shots == {}
    assert any("egress proxy refused rebind.test" in r.getMessage() for r in caplog.records), caplog.text


@pytest.mark.skipif(not chromium_available(), reason="needs Debian chromium")
def test_crawler_browser_is_launched_through_the_proxy() -> None:
    from crawler.browser import browser_settings

    args = browser_settings(proxy_url="http://127.0.0.1:1")["PLAYWRIGHT_LAUNCH_OPTIONS"]["args"]
    assert "--proxy-server=http://127.0.0.1:1" in args
    assert "--proxy-bypass-list=<-loopback>" in args  # loopback targets go through the proxy too
    assert any(a.startswith("--host-resolver-rules=MAP * ~NOTFOUND") for a in args)  # no lookups of its own


@pytest.mark.skipif(not chromium_available(), reason="needs Debian chromium")
def test_shared_screenshot_browser_of_a_scan_holds_the_guard_too(
    tmp_path: Path, site: RunningSite, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scan keeps one screenshot browser for every agency (behind one guarded proxy): the rebinding name is
    refused there as well, and the batches of two agencies are shot by the same browser."""
    from ita_checker.crawl import screenshots
    from ita_checker.crawl.screenshots import ShotRequest, shared_screenshots, take_screenshots

    browsers: list[object] = []
    real = screenshots._shoot

    def spy(browser: object, *args: object, **kwargs: object) -> dict[str, str]:
        browsers.append(browser)
        return real(browser, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(screenshots, "_shoot", spy)
    guard = Guard(resolver=_scripted(PUBLIC, PUBLIC, "127.0.0.1", PUBLIC, PUBLIC, "127.0.0.1"))
    port = site.base_url.rsplit(":", 1)[1]
    url = f"http://rebind.test:{port}/oit/structure.html"
    with shared_screenshots(guard):
        for agency in ("a", "b"):
            guard.check(url)
            shots = take_screenshots(
                [ShotRequest(url=url, sha256=agency * 64)],
                cache_dir=tmp_path / "cache",
                out_dir=tmp_path / agency,
                guard=guard,
            )
            assert shots == {}
    assert site.hits == [], "the screenshot browser reached the loopback address"
    assert len(browsers) == 2
    assert browsers[0] is browsers[1]
    assert any("egress proxy refused rebind.test" in r.getMessage() for r in caplog.records), caplog.text
