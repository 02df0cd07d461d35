"""SSRF guard end to end: pre-flight refusals, redirect hops refused by the crawler, exact --allow-host."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ita_checker.check import CheckOptions, run_check
from ita_checker.cli.main import main as cli_main
from ita_checker.demo.server import RunningSite, SiteConfig, serve
from ita_checker.store.blobs import Store

from .conftest import SITES

MINI = SITES / "mini" / "www"
FAKE_HOST = "www.agency-ssrf-test.go.th"


@pytest.fixture(scope="module")
def target() -> Iterator[RunningSite]:
    """The loopback service an attacker wants reached: it must never see a request."""
    site = serve(SiteConfig(root=MINI))
    yield site
    site.stop()


def _cli(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(
        cli_main,
        [
            "check",
            *args,
            "--year",
            "2569",
            "--agency-type",
            "local",
            "--store",
            str(cwd / "store"),
            "--out",
            str(cwd / "out"),
        ],
    )


def test_localhost_site_is_refused_before_any_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: RunningSite
) -> None:
    port = target.server.server_address[1]
    result = _cli([f"http://localhost:{port}/"], tmp_path, monkeypatch)
    assert result.exit_code == 2, result.output
    assert "loopback" in result.output
    assert "--allow-private-network" in result.output
    assert target.hits == []


def test_public_looking_name_resolving_to_loopback_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: RunningSite
) -> None:
    port = target.server.server_address[1]
    real = socket.getaddrinfo

    def fake_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == FAKE_HOST:  # an agency name whose DNS record points at the checker's own machine
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 0))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    result = _cli([f"http://{FAKE_HOST}:{port}/"], tmp_path, monkeypatch)
    assert result.exit_code == 2, result.output
    assert FAKE_HOST in result.output
    assert "loopback" in result.output
    assert target.hits == []


@pytest.fixture(scope="module")
def redirecting(tmp_path_factory: pytest.TempPathFactory, target: RunningSite) -> dict[str, Any]:
    """An allowed site (--allow-host 127.0.0.1:PORT) whose pages redirect into the forbidden target."""
    tmp_path = tmp_path_factory.mktemp("ssrf")
    tport = target.server.server_address[1]
    routes = {
        "/go-port.html": {"redirect": f"http://127.0.0.1:{tport}/oit/structure.html"},
        "/go-decimal.html": {"redirect": f"http://2130706433:{tport}/oit/structure.html"},
        "/go-name.html": {"redirect": f"http://localhost:{tport}/oit/structure.html"},
        "/go-local.html": {"redirect": "/oit/structure.html"},  # same allowed host: followed
    }
    site = serve(SiteConfig(root=MINI, routes=routes))
    base = site.base_url
    form = tmp_path / "form.csv"
    rows = [
        ("O1", f"{base}/go-local.html"),
        ("O3", f"{base}/go-port.html"),
        ("O4", f"{base}/go-decimal.html"),
        ("O5", f"{base}/go-name.html"),
        ("O8", f"http://2130706433:{tport}/oit/structure.html"),
        ("O9", f"http://0x7f.1:{tport}/oit/structure.html"),
        ("O10", f"http://017700000001:{tport}/oit/structure.html"),
        ("O11", f"http://127.0.0.1:{tport}/oit/structure.html"),  # another port of the allowed host
    ]
    form.write_text("ข้อ,URL\n" + "".join(f"{c},{u}\n" for c, u in rows), encoding="utf-8")
    host = f"127.0.0.1:{site.server.server_address[1]}"
    opts = CheckOptions(
        site=base + "/",
        year=2569,
        agency_type="local",
        submissions=form,
        allowed_hosts=[host],
        out_dir=tmp_path / "out",
        store_dir=tmp_path / "store",
        screenshots=False,
        browser="never",
        timeout_s=3.0,
    )
    try:
        res = run_check(opts).result
    finally:
        site.stop()
    store = Store(tmp_path / "store")
    recs = {r.url: r for r in store.fetches(res["run_id"])}
    store.close()
    return {
        "res": res,
        "recs": recs,
        "base": base,
        "tport": tport,
        "hits": list(site.hits),
        "items": {it["code"]: it for it in res["items"]},
    }


def test_redirects_into_a_forbidden_port_are_refused_by_the_crawler(
    redirecting: dict[str, Any], target: RunningSite
) -> None:
    base, recs, items = redirecting["base"], redirecting["recs"], redirecting["items"]
    for code, path in (("O3", "/go-port.html"), ("O4", "/go-decimal.html"), ("O5", "/go-name.html")):
        rec = recs[base + path]
        assert rec.fail_class == "refused_private", (path, rec.fail_class, rec.detail)
        assert items[code]["verdict"] == "unreachable"
        assert [e["class"] for e in items[code]["fetch_errors"]] == ["refused_private"]
        assert path in redirecting["hits"]  # the allowed site was asked ...
    assert target.hits == []  # ... and the forbidden one never was


def test_other_spellings_and_ports_are_refused_without_a_request(
    redirecting: dict[str, Any], target: RunningSite
) -> None:
    tport = redirecting["tport"]
    for code, host in (("O8", "2130706433"), ("O9", "0x7f.1"), ("O10", "017700000001"), ("O11", "127.0.0.1")):
        url = f"http://{host}:{tport}/oit/structure.html"
        rec = redirecting["recs"][url]
        assert rec.fail_class == "refused_private", (url, rec)
        assert rec.status is None
        assert redirecting["items"][code]["verdict"] == "unreachable"
    assert target.hits == []


def test_allow_host_lets_exactly_that_host_port_through(redirecting: dict[str, Any]) -> None:
    base, recs = redirecting["base"], redirecting["recs"]
    assert recs[base + "/"].ok  # the home page of the allowed host:port
    assert recs[base + "/go-local.html"].ok  # and a redirect that stays on it
    assert recs[base + "/go-local.html"].final_url == base + "/oit/structure.html"
    assert redirecting["items"]["O1"]["verdict"] == "pass"
