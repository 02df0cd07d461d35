"""End-to-end province scan: five local agency sites from an XLSX registry, scanned twice with one site changed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from bs4 import BeautifulSoup

from ita_checker.demo.server import SiteConfig, serve
from ita_checker.result import validate_result
from ita_checker.scan.local import ScanOptions, run_scan
from ita_checker.store.history import History

from .conftest import ROOT, SITES

PROVINCE = SITES / "province"
AGENCIES = [
    ("6501001", "องค์การบริหารส่วนตำบลบ้านใหม่", "อบต.", "เมืองพิษณุโลก"),
    ("6501002", "เทศบาลตำบลหนองบัว", "local", "เมืองพิษณุโลก"),
    ("6501003", "ที่ว่าการอำเภอเมืองพิษณุโลก", "district", "เมืองพิษณุโลก"),
    ("6501004", "โรงเรียนบ้านหนองบัว", "โรงเรียน", "วังทอง"),
    ("6501005", "องค์การบริหารส่วนตำบลวังทอง", "local", "วังทอง"),
]
SUBMITTED = {
    "6501001": [("O1", "/oit/structure.html"), ("O3", "/oit/contact.html"), ("O23", "/oit/plan.html")],
    "6501002": [
        ("O1", "/oit/structure.html"),
        ("O3", "/oit/contact.html"),
        ("O4", "/oit/news.html"),
        ("O23", "/oit/plan.html"),
    ],
    "6501003": [("O1", "/oit/structure.html"), ("O5", "/oit/strategy.html"), ("O24", "")],
    "6501004": [("O3", "/oit/contact.html"), ("O4", "/oit/news.html")],
}  # 6501005 has no rows: it is self-checked (discovery)


def write_registry(path: Path, bases: dict[str, str]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "หน่วยงาน"
    ws.append(["ทะเบียนหน่วยงาน จังหวัดพิษณุโลก ปีงบประมาณ 2569"])
    ws.append(["รหัส", "ชื่อหน่วยงาน", "ประเภท", "จังหวัด", "อำเภอ", "เว็บไซต์"])
    for aid, name, kind, district in AGENCIES:
        ws.append([int(aid), name, kind, "พิษณุโลก", district, bases[aid] + "/"])
    ws.append(["6501099", "กระทรวงตัวอย่าง", "กระทรวง", "พิษณุโลก", "", "https://www.example.go.th/"])  # bad type
    subs = wb.create_sheet("URL ที่ส่ง")
    subs.append(["รหัสหน่วยงาน", "ข้อ", "URL", "คำอธิบาย"])
    for aid, rows in SUBMITTED.items():
        for code, url in rows:
            subs.append([aid, code, bases[aid] + url if url else None, ""])
    subs.append(["9999999", "O1", "https://www.example.go.th/", ""])  # unknown agency
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """Serve copies of the five sites, scan, fix one page, scan again via the CLI; yield the paths."""
    tmp = tmp_path_factory.mktemp("province")
    servers = {}
    for aid, *_ in AGENCIES:
        shutil.copytree(PROVINCE / aid / "www", tmp / "sites" / aid)
        servers[aid] = serve(SiteConfig(root=tmp / "sites" / aid))
    try:
        bases = {aid: s.base_url for aid, s in servers.items()}
        registry = write_registry(tmp / "registry.xlsx", bases)
        out, store = tmp / "out", tmp / "store"
        first = run_scan(
            ScanOptions(
                registry=registry,
                year=2569,
                out_dir=out,
                store_dir=store,
                allow_private=True,
                ocr=False,
                screenshots=False,
                browser="never",
                max_pages=20,
            )
        )
        first_html = (out / "province.html").read_text(encoding="utf-8")
        # agency 6501001 publishes its FY2569 plan in place of the FY2568 one
        shutil.copy(PROVINCE / "6501001" / "plan-2569.html", tmp / "sites" / "6501001" / "oit" / "plan.html")
        cli = _cli(
            "scan",
            "--registry",
            str(registry),
            "--year",
            "2569",
            "--out",
            str(out),
            "--store",
            str(store),
            "--allow-private-network",
            "--no-ocr",
            "--no-screenshots",
            "--browser",
            "never",
            "--max-pages",
            "20",
            cwd=tmp,
        )
        yield {"tmp": tmp, "out": out, "store": store, "first": first, "first_html": first_html, "cli": cli}
    finally:
        for s in servers.values():
            s.stop()


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


def test_first_scan_checks_every_valid_agency_and_reports_bad_rows(province):
    first = province["first"]
    assert [o.agency.id for o in first.outcomes] == [a[0] for a in AGENCIES]
    assert all(o.status == "done" for o in first.outcomes)
    problems = "\n".join(first.problems)
    assert "registry.xlsx แผ่นงาน 'หน่วยงาน' แถว 8 คอลัมน์ C 'ประเภท'" in problems
    assert "กระทรวง" in problems
    assert "registry.xlsx แผ่นงาน 'URL ที่ส่ง'" in problems
    assert "9999999" in problems
    assert first.changes is None  # nothing to compare with yet
    assert "ยังไม่มีรอบก่อนหน้า" in province["first_html"]
    v = {o.agency.id: {it["code"]: it["verdict"] for it in o.result["items"]} for o in first.outcomes}
    assert v["6501001"]["O23"] == "stale"
    assert v["6501002"]["O23"] == "pass"
    assert v["6501003"]["O5"] == "unreachable"
    assert v["6501003"]["O24"] == "fail"  # blank URL: not submitted
    assert first.outcomes[4].result["mode"] == "discovery"


def test_per_agency_outputs_are_the_check_outputs(province):
    out = province["out"]
    for aid, *_ in AGENCIES:
        d = out / "agencies" / aid
        res = json.loads((d / "result.json").read_text(encoding="utf-8"))
        validate_result(res)
        assert res["agency"]["id"] == aid
        assert (d / "report.html").stat().st_size > 1000
        assert (d / "report.xlsx").exists()
    for name in ("summary.json", "province.html", "summary.xlsx"):
        assert (out / name).exists()


def test_cli_second_scan_prints_one_summary_line_and_exits_0(province):
    cli = province["cli"]
    assert cli.returncode == 0, cli.stderr
    lines = [ln for ln in cli.stdout.splitlines() if ln.strip()]
    assert len(lines) == 1
    assert "ตรวจแล้ว 5/5" in lines[0]
    assert "ผ่านใหม่ 1 ถดถอย 0" in lines[0]


def test_diff_shows_exactly_the_changed_item(province):
    h = History(province["store"])
    try:
        runs = h.runs(2569)
        assert len(runs) == 2
        d = h.diff(runs[0].scan_id, runs[1].scan_id)
    finally:
        h.close()
    assert [(c.agency_id, c.code, c.before, c.after) for c in d.newly_passing] == [("6501001", "O23", "stale", "pass")]
    assert d.regressions == []
    assert d.newly_unreachable == []
    assert d.other == []
    assert d.watch == []
    p = _cli("diff", "previous", "latest", "--store", str(province["store"]), "--json", cwd=province["tmp"])
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["newly_passing"] == [
        {"agency_id": "6501001", "name": "องค์การบริหารส่วนตำบลบ้านใหม่", "code": "O23", "before": "stale", "after": "pass"}
    ]
    assert doc["regressions"] == doc["newly_unreachable"] == doc["other"] == []
    h2 = _cli("history", "--store", str(province["store"]), cwd=province["tmp"])
    assert h2.returncode == 0
    assert runs[1].scan_id in h2.stdout


def test_province_report_shows_exactly_that_change(province):
    soup = BeautifulSoup((province["out"] / "province.html").read_text(encoding="utf-8"), "html.parser")
    rows = soup.select("#changes tr.change")
    assert [(r["data-agency"], r["data-code"], r["data-kind"]) for r in rows] == [("6501001", "O23", "newly_passing")]
    assert "ผ่านใหม่" in rows[0].get_text()
    cell = soup.select_one('tr[data-id="6501001"] td.cell[data-code="O23"]')
    assert cell is not None
    assert cell["data-verdict"] == "pass"
    link = soup.select_one('tr[data-id="6501001"] th a')
    assert link is not None
    assert link["href"] == "agencies/6501001/report.html"
    trend = soup.select_one('tr[data-id="6501001"] .col-trend')
    assert trend is not None
    assert "▲" in trend.get_text()
    summary = json.loads((province["out"] / "summary.json").read_text(encoding="utf-8"))
    assert summary["changes"]["newly_passing"][0]["code"] == "O23"
    assert len(summary["agencies"][0]["trend"]) == 2


def test_resume_skips_finished_agencies(province, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(province["out"], out)
    state = json.loads((out / "scan.json").read_text(encoding="utf-8"))
    state["status"] = "interrupted"
    (out / "scan.json").write_text(json.dumps(state), encoding="utf-8")
    for aid in ("6501002", "6501003", "6501004", "6501005"):
        shutil.rmtree(out / "agencies" / aid)  # only 6501001 had finished before the interruption
    store = tmp_path / "store"
    shutil.copytree(province["store"], store)
    registry = tmp_path / "registry.xlsx"
    shutil.copy(province["tmp"] / "registry.xlsx", registry)
    # only the four unfinished agencies are checked again
    again = run_scan(
        ScanOptions(
            registry=registry,
            year=2569,
            out_dir=out,
            store_dir=store,
            allow_private=True,
            ocr=False,
            screenshots=False,
            browser="never",
        )
    )
    assert again.scan_id == state["scan_id"]
    resumed = {o.agency.id for o in again.outcomes if o.resumed}
    assert resumed == {"6501001"}
    assert all(o.status == "done" for o in again.outcomes)


def test_second_night_keeps_unchanged_agencies_letters_and_rewrites_the_changed_one(province):
    kept = {}
    for aid, *_ in AGENCIES:
        res = json.loads((province["out"] / "agencies" / aid / "result.json").read_text(encoding="utf-8"))
        kept[aid] = res.get("outputs_kept")
    assert kept["6501001"] is None, "its O23 changed: its letter and workbooks must be written again"
    first_runs = {o.agency.id: o.result["run_id"] for o in province["first"].outcomes}
    unchanged = [aid for aid, *_ in AGENCIES if aid != "6501001"]
    assert [kept[a]["from_run"] if kept[a] else None for a in unchanged] == [first_runs[a] for a in unchanged]
