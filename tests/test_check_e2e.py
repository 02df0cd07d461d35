"""End-to-end: serve a local agency site, run `check` in-process and as a subprocess, assert verdicts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from ita_checker.check import CheckOptions, run_check
from ita_checker.demo.server import SiteConfig, serve
from ita_checker.errors import BlockedTarget, InputError
from ita_checker.result import validate_result
from ita_checker.rules.loader import get_ruleset

from .conftest import ROOT, SITES

MINI_ROUTES = {"/oit/broken.html": {"status": 500}, "/oit/members-only.html": {"redirect": "/login.html"}}
FORM_ROWS = [
    ("O1", "โครงสร้าง", "{site}/oit/structure.html", "หน้าหลัก > โครงสร้าง"),
    ("O3", "ข้อมูลการติดต่อ", "{site}/oit/contact.html", ""),
    ("O4", "ข่าวประชาสัมพันธ์", "{site}/oit/news.html", ""),
    ("O5", "แผนยุทธศาสตร์", "{site}/oit/strategy.html", "ไฟล์ถูกลบไปแล้ว"),
    ("O8", "คู่มือการปฏิบัติงาน", "{site}/oit/broken.html", ""),
    ("O9", "คู่มือบริการ", "{site}/oit/members-only.html", ""),
    ("O15", "ประมวลจริยธรรม", "{site}/", "ส่งหน้าแรก"),
    ("O23", "แผนป้องกันทุจริต", "{site}/oit/plan.html", ""),
    ("O24", "รายงานผลป้องกันทุจริต", None, ""),
]


def make_form(path: Path, base: str) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["แบบรายงาน URL ITA 2569 อบต.ทดสอบ"])
    ws.append(["ข้อ", "ข้อมูล", "URL", "คำอธิบาย"])
    for code, title, url, note in FORM_ROWS:
        ws.append([code, title, url.replace("{site}", base) if url else None, note])
    wb.save(path)
    return path


@pytest.fixture
def site():
    s = serve(SiteConfig(root=SITES / "mini" / "www", routes=MINI_ROUTES))
    yield s
    s.stop()


def _opts(tmp_path: Path, base: str, **kw) -> CheckOptions:
    defaults = dict(
        site=base + "/",
        year=2569,
        agency_type="local",
        allow_private=True,
        out_dir=tmp_path / "out",
        store_dir=tmp_path / "store",
    )
    defaults.update(kw)
    return CheckOptions(**defaults)


def test_check_in_process_verdicts_follow_the_site(tmp_path, site):
    form = make_form(tmp_path / "form.xlsx", site.base_url)
    run = run_check(_opts(tmp_path, site.base_url, submissions=form, name="อบต.ทดสอบ"))
    res = run.result
    validate_result(json.loads((tmp_path / "out" / "result.json").read_text(encoding="utf-8")))
    assert (tmp_path / "out" / "report.html").stat().st_size > 1000
    assert (tmp_path / "out" / "report.xlsx").exists()
    codes = [it["code"] for it in res["items"]]
    assert codes == [r.code for r in get_ruleset("nacc-2569").rules]  # every 2569 item, in order
    v = {it["code"]: it for it in res["items"]}
    assert v["O1"]["verdict"] == "pass"  # chart, units, both local sides, duties
    assert v["O3"]["verdict"] == "incomplete"
    assert "ไปรษณีย์อิเล็กทรอนิกส์" in v["O3"]["elements_missing"]  # no e-mail on the contact page
    assert "หมายเลขโทรศัพท์" in v["O3"]["elements_found"]
    assert v["O4"]["verdict"] == "pass"  # news dated ม.ค. 2569
    assert v["O5"]["verdict"] == "unreachable"
    assert v["O5"]["fetch_errors"][0]["class"] == "not_found"
    assert v["O8"]["verdict"] == "unreachable"
    assert v["O8"]["fetch_errors"][0]["class"] == "server_error"
    assert v["O9"]["verdict"] == "unreachable"
    assert v["O9"]["fetch_errors"][0]["class"] == "login_wall"
    assert v["O23"]["verdict"] == "stale"
    assert 2568 in v["O23"]["years_found"]
    assert v["O24"]["verdict"] == "fail"  # blank URL: not submitted
    assert v["O2"]["verdict"] == "fail"  # a real FY2569 item since the catalog revision; not submitted
    assert v["O15"]["verdict"] == "fail"  # home page submitted, nothing about ethics there
    assert res["summary"]["counts"]["pass"] == 2
    assert res["summary"]["score"] == pytest.approx(100 * 2 / 26, abs=0.01)


def test_home_page_submitted_suggests_the_real_page(tmp_path, site):
    sub = tmp_path / "s.csv"
    sub.write_text(f"ข้อ,ข้อมูล,URL,คำอธิบาย\nO1,โครงสร้าง,{site.base_url}/,\n", encoding="utf-8")
    res = run_check(_opts(tmp_path, site.base_url, submissions=sub)).result
    o1 = next(it for it in res["items"] if it["code"] == "O1")
    assert o1["verdict"] == "fail"
    assert o1["suggested_urls"] == [f"{site.base_url}/oit/structure.html"]


def test_discovery_mode_without_form_finds_menu_pages(tmp_path, site):
    res = run_check(_opts(tmp_path, site.base_url)).result
    v = {it["code"]: it for it in res["items"]}
    assert res["mode"] == "discovery"
    assert v["O1"]["verdict"] == "pass"
    assert v["O1"]["urls"] == [f"{site.base_url}/oit/structure.html"]
    assert v["O23"]["verdict"] == "stale"


def test_refused_without_allow_private_and_nothing_fetched(tmp_path, site):
    with pytest.raises(BlockedTarget):
        run_check(_opts(tmp_path, site.base_url, allow_private=False))
    assert site.hits == []


def test_bad_inputs_are_input_errors(tmp_path, site):
    with pytest.raises(InputError, match="SITE_URL"):
        run_check(_opts(tmp_path, site.base_url, site="www.example.go.th"))
    with pytest.raises(InputError, match="2550"):
        run_check(_opts(tmp_path, site.base_url, year=2550))
    with pytest.raises(InputError):
        run_check(_opts(tmp_path, site.base_url, submissions=tmp_path / "missing.xlsx"))
    assert site.hits == []


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "ita_checker", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=240,
        check=False,
    )


def test_cli_subprocess_contract(tmp_path, site):
    form = make_form(tmp_path / "form.xlsx", site.base_url)
    out = tmp_path / "cli-out"
    p = _cli(
        "check",
        site.base_url + "/",
        "--year",
        "2569",
        "--agency-type",
        "local",
        "--submissions",
        str(form),
        "--allow-private-network",
        "--out",
        str(out),
        cwd=tmp_path,
    )
    assert p.returncode == 0, p.stderr
    res = json.loads((out / "result.json").read_text(encoding="utf-8"))
    validate_result(res)
    assert len(res["items"]) == 26
    assert str(out / "report.html") in p.stdout


def test_cli_refuses_private_target_with_exit_2(tmp_path, site):
    p = _cli("check", site.base_url + "/", "--year", "2569", "--agency-type", "local", cwd=tmp_path)
    assert p.returncode == 2
    assert "--allow-private-network" in p.stderr
    assert "Traceback" not in p.stderr
    assert site.hits == []


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--year", "2569", "--agency-type", "local", "--submissions", "nope.xlsx"], "nope.xlsx"),
        (["--year", "2400", "--agency-type", "local"], "2400"),
        (["--year", "2569", "--agency-type", "ministry"], "ministry"),
    ],
)
def test_cli_bad_input_exit_2_without_traceback(tmp_path, site, args, needle):
    p = _cli("check", site.base_url + "/", *args, "--allow-private-network", cwd=tmp_path)
    assert p.returncode == 2, p.stdout + p.stderr
    assert needle in p.stderr
    assert "Traceback" not in p.stderr


@pytest.mark.parametrize("year", [2566, 2567, 2568, 2569, 2570])
def test_every_year_lists_every_catalog_item(tmp_path, site, year):
    res = run_check(_opts(tmp_path, site.base_url, year=year, screenshots=False)).result
    validate_result(res)
    rs_id = f"nacc-{year}"
    assert res["ruleset"] == rs_id
    assert [it["code"] for it in res["items"]] == [r.code for r in get_ruleset(rs_id).rules]
    assert all(it["verdict"] != "not_applicable" for it in res["items"])


def test_hospital_gets_the_moit_list(tmp_path, site):
    res = run_check(_opts(tmp_path, site.base_url, year=2568, agency_type="hospital", screenshots=False)).result
    assert res["ruleset"] == "moph-moit-2568"
    assert len(res["items"]) == 22
