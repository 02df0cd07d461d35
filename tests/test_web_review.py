"""The reviewer console: sign-in, roles (a reviewer's province, an agency's own results), the dashboard from a scan."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from benchmarks.sites import make_small_agency_site
from ita_checker.demo.server import SiteConfig, serve
from ita_checker.options import CrawlSettings
from ita_checker.scan.local import ScanOptions, run_scan
from ita_checker.store.history import History
from ita_checker.web.accounts import Accounts
from ita_checker.web.app import WebConfig, create_app

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real scan of two tiny agencies in two provinces, and three accounts; yields the store."""
    tmp = tmp_path_factory.mktemp("review")
    sites = []
    for i in range(2):
        make_small_agency_site(tmp / "sites" / f"a{i}", i)
        sites.append(serve(SiteConfig(root=tmp / "sites" / f"a{i}"), host=f"127.0.35.{i + 1}"))
    registry = tmp / "registry.csv"
    registry.write_text(
        "id,name,type,province,district,site\n"
        f"A1,อบต.หนึ่ง,local,พิษณุโลก,เมือง,{sites[0].base_url}/\n"
        f"A2,อบต.สอง,local,สุโขทัย,เมือง,{sites[1].base_url}/\n",
        encoding="utf-8",
    )
    store = tmp / "store"
    try:
        run_scan(
            ScanOptions(
                registry=registry, year=2569, out_dir=tmp / "out", store_dir=store, allow_private=True, ocr=False,
                screenshots=False, pdf=False, browser="never", max_pages=5,
            )
        )  # fmt: skip
    finally:
        for s in sites:
            s.stop()
    h = History(store)
    accounts = Accounts(h)
    accounts.add("rev", role="reviewer", password=PASSWORD, province="พิษณุโลก")
    accounts.add("a2", role="agency", password=PASSWORD, agency_id="A2")
    h.close()
    return store


def _client(tmp_path: Path, store: Path) -> TestClient:
    cfg = WebConfig(data_dir=tmp_path / "web", settings=CrawlSettings(store_dir=store), stop_checks_on_shutdown=False)
    return TestClient(create_app(cfg), base_url="http://127.0.0.1:8080")


def _login(client: TestClient, name: str, password: str = PASSWORD) -> Any:
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    return client.post(
        "/login", data={"name": name, "password": password, "next": "/review/", "csrf": token.group(1)},
        follow_redirects=False,
    )  # fmt: skip


def test_an_anonymous_visitor_is_sent_to_sign_in(tmp_path: Path, scanned: Path) -> None:
    with _client(tmp_path, scanned) as client:
        for path in ("/review/", "/review/agency/A1"):
            r = client.get(path, follow_redirects=False)
            assert r.status_code == 303
            assert r.headers["location"].startswith("/login?next=")


def test_a_reviewer_sees_the_agencies_of_their_province_only(tmp_path: Path, scanned: Path) -> None:
    with _client(tmp_path, scanned) as client:
        r = _login(client, "rev")
        assert r.status_code == 303
        cookie = r.headers["set-cookie"]
        assert "httponly" in cookie.split("ita_session", 1)[1].lower()
        assert "samesite=strict" in cookie.lower()
        dash = client.get("/review/")
        assert dash.status_code == 200
        assert "อบต.หนึ่ง" in dash.text
        assert "อบต.สอง" not in dash.text
        one = client.get("/review/agency/A1")
        assert one.status_code == 200
        assert "agency-name" in one.text  # the report's own header partial
        assert 'class="trend-chart"' in one.text  # the score over the recorded scans
        assert client.get("/review/agency/A2").status_code == 403


def test_an_agency_account_sees_only_its_own_agency(tmp_path: Path, scanned: Path) -> None:
    with _client(tmp_path, scanned) as client:
        _login(client, "a2")
        r = client.get("/review/", follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == "/review/agency/A2"
        assert client.get("/review/agency/A2").status_code == 200
        other = client.get("/review/agency/A1")
        assert other.status_code == 403
        assert "ไม่มีสิทธิ์" in other.text


def test_wrong_passwords_and_forged_forms_do_not_sign_in(tmp_path: Path, scanned: Path) -> None:
    with _client(tmp_path, scanned) as client:
        wrong = _login(client, "rev", "not the password")
        assert wrong.status_code == 401
        assert "ไม่ถูกต้อง" in wrong.text
        unknown = _login(client, "nobody")
        assert unknown.status_code == 401
        forged = client.post("/login", data={"name": "rev", "password": PASSWORD, "csrf": "x"}, follow_redirects=False)
        assert forged.status_code == 403
        assert client.get("/review/", follow_redirects=False).status_code == 303  # still not signed in
        offsite = client.post(
            "/login", follow_redirects=False,
            data={"name": "rev", "password": PASSWORD, "next": "//evil.example/", "csrf": _token(client)},
        )  # fmt: skip
        assert offsite.headers["location"] == "/review/"  # never sent to another site after signing in


def _token(client: TestClient) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert m
    return m.group(1)


def test_users_add_reads_the_password_from_stdin_and_explains_bad_input(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from ita_checker.cli.main import main

    store = tmp_path / "store"
    ok = CliRunner().invoke(main, ["users", "add", "p1", "--role", "reviewer", "--store", str(store)], input=PASSWORD)
    assert ok.exit_code == 0, ok.output
    short = CliRunner().invoke(main, ["users", "add", "p2", "--role", "reviewer", "--store", str(store)], input="abc\n")
    assert short.exit_code == 2
    assert "รหัสผ่านสั้นเกินไป" in short.output
    no_agency = CliRunner().invoke(
        main, ["users", "add", "p3", "--role", "agency", "--store", str(store)], input=PASSWORD
    )
    assert no_agency.exit_code == 2
    assert "--agency" in no_agency.output
    h = History(store)
    try:
        user = Accounts(h).verify("p1", PASSWORD)
        assert user is not None
        assert user.role == "reviewer"
        stored = h.engine.connect().exec_driver_sql("SELECT password_hash FROM web_users").scalar()
        assert str(stored).startswith("$argon2id$")  # hashed with a current KDF, never kept in clear
    finally:
        h.close()


@pytest.mark.browser
def test_reviewer_and_agency_in_chromium(scanned: Path, tmp_path: Path, browser: Any) -> None:
    """A reviewer signs in, corrects a verdict and sees the dashboard follow; an agency account gets 403."""
    import os

    from .test_web_selfcheck_browser import _service

    service = _service(tmp_path, "127.0.35.10", "--store", str(scanned))
    base = next(service)
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(base + "/review/")
        assert page.url.startswith(base + "/login?next=")  # anonymous: sent to sign in
        page.fill("#name", "rev")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("table.dash")
        assert page.url == base + "/review/"
        assert page.locator("tr.agency-row").count() == 1  # their province only
        page.screenshot(path=str(tmp_path / "review-dashboard.png"))
        score_before = page.locator("tr.agency-row td.num").first.inner_text()
        page.click("text=อบต.หนึ่ง")
        page.wait_for_selector("h1.agency-name")
        assert page.locator("tr.item").count() > 0
        h = History(scanned)
        result = h.results(h.runs()[-1].scan_id)["A1"][2]
        h.close()
        assert result is not None
        code = next(it["code"] for it in result["items"] if it["verdict"] != "pass")
        page.select_option(f"#v-{code}", "pass")  # the reviewer corrects one verdict, with a reason
        page.fill(f"#r-{code}", "ตรวจเอกสารฉบับจริงแล้ว ครบตามเกณฑ์")
        page.click(f"#override-{code} button[type=submit]")
        page.wait_for_selector(".saved")
        page.screenshot(path=str(tmp_path / "review-agency.png"))
        page.goto(base + "/review/")
        assert page.locator("tr.agency-row td.num").first.inner_text() != score_before  # seen in the dashboard
        page.goto(base + "/review/agency/A1")
        page.select_option(f"#v-{code}", "")  # and takes it back
        page.click(f"#override-{code} button[type=submit]")
        page.wait_for_selector(".saved")
        agency = browser.new_context().new_page()
        agency.goto(base + "/login")
        agency.fill("#name", "a2")
        agency.fill("#password", PASSWORD)
        agency.click("button[type=submit]")
        agency.wait_for_selector("h1.agency-name")
        assert agency.url.endswith("/review/agency/A2")
        response = agency.goto(base + "/review/agency/A1")
        assert response is not None
        assert response.status == 403
        shot = os.environ.get("ITA_SCREENSHOT_DIR")
        if shot:
            Path(shot).mkdir(parents=True, exist_ok=True)
            for name in ("review-dashboard.png", "review-agency.png"):
                (Path(shot) / name).write_bytes((tmp_path / name).read_bytes())
    finally:
        service.close()


def _csrf(page_text: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', page_text)
    assert m
    return m.group(1)


def test_a_reviewer_override_needs_a_reason_shows_everywhere_and_exports(tmp_path: Path, scanned: Path) -> None:
    from ita_checker.inputs.overrides import read_overrides

    with _client(tmp_path, scanned) as client:
        _login(client, "rev")
        before = client.get("/review/").text
        page = client.get("/review/agency/A1")
        token = _csrf(page.text)
        h = History(scanned)
        result = h.results(h.runs()[-1].scan_id)["A1"][2]
        h.close()
        assert result is not None
        code = next(it["code"] for it in result["items"] if it["verdict"] != "pass")  # passing it moves the score
        no_reason = client.post("/review/agency/A1/override", data={"code": code, "verdict": "pass", "csrf": token})
        assert no_reason.status_code == 400
        assert "เหตุผล" in no_reason.text
        saved = client.post(
            "/review/agency/A1/override", follow_redirects=False,
            data={"code": code, "verdict": "pass", "reason": "เอกสารฉบับจริงอยู่ที่ลิงก์ในหน้า", "csrf": token},
        )  # fmt: skip
        assert saved.status_code == 303
        again = client.get("/review/agency/A1")
        assert "(ผู้ตรวจ rev)" in again.text
        after = client.get("/review/").text
        score = re.compile(r'<td class="num">([\d.]+)</td>')
        assert score.findall(after) != score.findall(before)  # the dashboard's score follows the override
        export = client.get("/review/overrides.yaml")
        assert export.status_code == 200
        path = tmp_path / "overrides.yaml"
        path.write_bytes(export.content)
        found, problems = read_overrides(path)  # the same file `scan --overrides` reads
        assert problems == []
        assert [(o.agency_id, o.code, o.verdict, o.reviewer) for o in found] == [("A1", code, "pass", "rev")]
        cleared = client.post("/review/agency/A1/override", data={"code": code, "verdict": "", "csrf": token})
        assert cleared.status_code == 200
        assert score.findall(client.get("/review/").text) == score.findall(before)
    with _client(tmp_path, scanned) as client:  # an agency account cannot set verdicts, even its own
        _login(client, "a2")
        token = _csrf(client.get("/review/agency/A2").text)
        form = {"code": "O1", "verdict": "pass", "reason": "x", "csrf": token}
        r = client.post("/review/agency/A2/override", data=form)
        assert r.status_code == 403


def test_recheck_runs_the_agency_again_with_the_urls_it_submitted(
    tmp_path: Path, scanned: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    asked: list[dict[str, Any]] = []
    with _client(tmp_path, scanned) as client:
        board = client.app.state.service.board  # type: ignore[attr-defined]
        monkeypatch.setattr(board, "submit", lambda **kw: asked.append(kw) or SimpleNamespace(id="j" * 24))  # no crawl
        _login(client, "rev")
        token = _csrf(client.get("/review/agency/A1").text)
        r = client.post("/review/agency/A1/recheck", data={"csrf": token}, follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == "/check/" + "j" * 24
        assert client.post("/review/agency/A2/recheck", data={"csrf": token}).status_code == 403  # other province
        assert client.post("/review/agency/A1/recheck", data={"csrf": "x"}).status_code == 403
    h = History(scanned)
    result = h.results(h.runs()[-1].scan_id)["A1"][2]
    h.close()
    assert result is not None
    (call,) = asked
    assert call["site"].startswith("http://127.0.35.1:")
    assert (call["year"], call["agency_type"], call["name"]) == (2569, "local", "อบต.หนึ่ง")
    submitted = {it["code"]: list(it["urls"]) for it in result["items"] if it.get("urls")}
    form = call["form"]
    assert ({c: form.urls_for(c) for c in submitted} if form else {}) == submitted  # the same URLs as the scan


def test_the_submitted_form_is_rebuilt_from_a_result() -> None:
    from ita_checker.web.console import submitted_form

    result = {"items": [
        {"code": "O1", "title": "โครงสร้าง", "urls": ["https://a.go.th/o1", "https://a.go.th/o1.pdf"]},
        {"code": "O2", "title": "ผู้บริหาร", "urls": []},
    ]}  # fmt: skip
    form = submitted_form(result, "A1")
    assert form is not None
    assert form.urls_for("O1") == ["https://a.go.th/o1", "https://a.go.th/o1.pdf"]
    assert form.urls_for("O2") == []
    assert submitted_form({"items": [{"code": "O1", "title": "x", "urls": []}]}, "A1") is None  # a self-check


def test_a_reviewer_uploads_the_registry_downloads_it_and_starts_a_scan(
    tmp_path: Path, scanned: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time
    from types import SimpleNamespace

    from ita_checker.web import scans

    started: list[Any] = []

    def fake_scan(opts: Any, progress: Any) -> Any:  # the scan itself is tested elsewhere; no crawl here
        started.append(opts)
        progress(2, 2, None)
        return SimpleNamespace(summary_line=lambda: "ตรวจแล้ว 2/2")

    monkeypatch.setattr(scans, "run_scan", fake_scan)
    body = "id,name,type,province,district,site\nA9,อบต.เก้า,local,พิษณุโลก,เมือง,https://a9.example.go.th/\n"
    with _client(tmp_path, scanned) as client:
        _login(client, "rev")
        token = _csrf(client.get("/review/registry").text)
        bad = client.post("/review/registry", data={"csrf": token}, files={"registry": ("list.txt", b"x")})
        assert bad.status_code == 400
        assert "list.txt" in bad.text
        empty = client.post("/review/registry", data={"csrf": token},
                            files={"registry": ("ทะเบียน.csv", b"id,name\n")})  # fmt: skip
        assert empty.status_code == 400
        assert "ทะเบียน.csv" in empty.text
        assert ".upload-" not in empty.text  # the service's own file name is not shown
        ok = client.post("/review/registry", data={"csrf": token},
                         files={"registry": ("ทะเบียน.csv", body.encode())})  # fmt: skip
        assert ok.status_code == 200
        assert "บันทึกทะเบียนแล้ว: 1 หน่วยงาน" in ok.text
        assert client.get("/review/registry/file").content == body.encode()
        r = client.post("/review/scan", data={"csrf": token, "year": "2569"}, follow_redirects=False)
        assert r.status_code == 303
        deadline = time.monotonic() + 10
        while "สแกนเสร็จ" not in (page := client.get("/review/registry").text) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "สแกนเสร็จ: ตรวจแล้ว 2/2" in page
    (opts,) = started
    assert (opts.year, opts.registry.name, opts.store_dir) == (2569, "registry.csv", scanned)
    with _client(tmp_path, scanned) as client:
        _login(client, "a2")
        assert client.get("/review/registry").status_code == 403
        assert client.get("/review/registry/file").status_code == 403


def test_the_trend_chart_maps_scores_onto_the_chart() -> None:
    from ita_checker.web.console import trend_points

    assert trend_points([]) == ""
    assert trend_points([("s1", 0.0), ("s2", 100.0)]) == "0.0,80.0 320.0,0.0"  # 0 at the bottom, 100 at the top
    assert trend_points([("s1", 50.0)]) == "0.0,40.0"
