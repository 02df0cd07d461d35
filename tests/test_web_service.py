"""The web service's front door in-process: the self-check form, CSRF, bad uploads, refusals, limits, headers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from starlette.testclient import TestClient

from ita_checker.demo.server import SiteConfig, serve
from ita_checker.options import CrawlSettings
from ita_checker.web.app import WebConfig, create_app
from ita_checker.web.protect import CSRF_COOKIE

SITE_HOST = "127.0.32.1"


def _client(tmp_path: Path, **config: object) -> TestClient:
    settings = config.pop("settings", CrawlSettings(store_dir=tmp_path / "store"))
    cfg = WebConfig(data_dir=tmp_path / "web", settings=settings, stop_checks_on_shutdown=False)  # type: ignore[arg-type]
    for k, v in config.items():
        setattr(cfg, k, v)
    return TestClient(create_app(cfg), base_url="http://127.0.0.1:8080")


def _token(client: TestClient) -> str:
    page = client.get("/")
    m = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert m, page.text
    return m.group(1)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    www = tmp_path / "www"
    www.mkdir()
    (www / "index.html").write_text("<html><body><h1>อบต.ทดสอบ</h1></body></html>", encoding="utf-8")
    running = serve(SiteConfig(root=www), host=SITE_HOST)
    try:
        yield running.base_url + "/"
        assert running.hits == [], "the refused or rejected self-checks must not reach the site"
    finally:
        running.stop()


def test_the_form_has_the_fields_operators_rely_on_and_strict_headers(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        page = client.get("/")
    assert page.status_code == 200
    for name in ('name="site"', 'name="year"', 'name="agency_type"', 'name="submissions"', 'type="file"'):
        assert name in page.text
    assert 'lang="th"' in page.text
    assert "ตรวจเว็บไซต์ของหน่วยงานด้วยตนเอง" in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "script-src" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    cookie = page.headers["set-cookie"]
    assert cookie.startswith(CSRF_COOKIE + "=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie


def test_a_post_without_the_forms_token_is_refused(tmp_path: Path, site: str) -> None:
    with _client(tmp_path) as client:
        client.get("/")
        r = client.post("/check", data={"site": site, "year": "2569", "agency_type": "local", "csrf": "forged"})
    assert r.status_code == 403
    assert "แบบฟอร์มหมดอายุ" in r.text


def test_a_loopback_site_is_refused_in_thai_and_nothing_is_fetched(tmp_path: Path, site: str) -> None:
    with _client(tmp_path) as client:
        r = client.post("/check", data={"site": site, "year": "2569", "agency_type": "local", "csrf": _token(client)})
    assert r.status_code == 400
    assert "ภายใน" in r.text or "loopback" in r.text, r.text
    assert list((tmp_path / "web" / "jobs").iterdir()) == []


@pytest.mark.parametrize(
    ("filename", "body", "said"),
    [
        ("urls.txt", b"O1,http://a.go.th/\n", "ไม่ใช่แบบฟอร์มที่อ่านได้"),
        ("แบบฟอร์ม.csv", "ชื่อ,ที่อยู่\nก,ข\n".encode(), "แบบฟอร์ม.csv"),
    ],
)
def test_a_bad_submission_form_is_explained_with_the_visitors_file_name(
    tmp_path: Path, site: str, filename: str, body: bytes, said: str
) -> None:
    settings = CrawlSettings(store_dir=tmp_path / "store", allow_private=True)
    with _client(tmp_path, settings=settings) as client:
        r = client.post(
            "/check",
            data={"site": site, "year": "2569", "agency_type": "local", "csrf": _token(client)},
            files={"submissions": (filename, body, "application/octet-stream")},
        )
    assert r.status_code == 400
    assert said in r.text, r.text
    assert "/uploads/" not in r.text  # the service's temporary path is not shown


def test_bad_fields_are_explained_and_kept_in_the_form(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        token = _token(client)
        form = {"year": "2569", "agency_type": "local", "csrf": token}
        no_scheme = client.post("/check", data=form | {"site": "www.a.go.th"})
        bad_year = client.post("/check", data=form | {"site": "https://a.go.th/", "year": "2026"})
    assert no_scheme.status_code == 400
    assert "http://" in no_scheme.text
    assert 'value="www.a.go.th"' in no_scheme.text
    assert bad_year.status_code == 400
    assert "ไม่มีเกณฑ์ให้ตรวจ" in bad_year.text


def test_too_many_checks_of_one_site_are_limited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with _client(tmp_path, per_site="1/hour") as client:
        service = client.app.state.service  # type: ignore[attr-defined]
        monkeypatch.setattr(service, "guard", SimpleNamespace(check=lambda url: None))  # no DNS here
        monkeypatch.setattr(service.board, "submit", lambda **kw: SimpleNamespace(id="x" * 24))  # no crawl
        token = _token(client)
        fields = {"site": "https://a.go.th/", "year": "2569", "agency_type": "local", "csrf": token}
        first = client.post("/check", data=fields, follow_redirects=False)
        second = client.post("/check", data=fields, follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/check/" + "x" * 24
    assert second.status_code == 429
    assert "บ่อยเกินไป" in second.text
    assert int(second.headers["retry-after"]) > 0


def test_unknown_jobs_and_files_are_not_found(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        assert client.get("/check/" + "a" * 24).status_code == 404
        assert client.get("/check/../../etc").status_code == 404
        assert client.get("/check/" + "a" * 24 + "/files/report.pdf").status_code == 404
        assert client.get("/healthz").text == "ok"


def test_serve_says_in_thai_when_it_cannot_start(tmp_path: Path) -> None:
    import socket

    from click.testing import CliRunner

    from ita_checker.cli.main import main

    with socket.socket() as busy:
        busy.bind(("127.0.32.5", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = CliRunner().invoke(main, ["serve", "--host", "127.0.32.5", "--port", str(port), "--data", str(tmp_path)])
    assert r.exit_code == 2
    assert "พอร์ตอาจถูกใช้อยู่" in r.output
    bad = CliRunner().invoke(main, ["serve", "--limit-site", "often", "--data", str(tmp_path)])
    assert bad.exit_code == 2
    assert "ไม่ใช่อัตรา" in bad.output
