"""A site that answers nothing is ตรวจไม่ได้: not scored 0, not in the under-85 list, counted apart in a scan."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from bs4 import BeautifulSoup

from ita_checker.check import CheckOptions, run_check
from ita_checker.demo.server import SiteConfig, serve
from ita_checker.result import validate_result
from ita_checker.scan.local import ScanOptions, run_scan

from .conftest import SITES

DOWN = "http://127.0.0.1:9/"  # the discard port: nothing listens, every connection is refused


def test_check_of_a_site_that_answers_nothing_is_not_scored(tmp_path: Path) -> None:
    run = run_check(
        CheckOptions(
            site=DOWN,
            year=2569,
            agency_type="local",
            allow_private=True,
            out_dir=tmp_path / "out",
            store_dir=tmp_path / "store",
            screenshots=False,
            browser="never",
        )
    )
    summary = run.result["summary"]
    assert summary["site_unreachable"] is True
    assert summary["score"] is None
    assert "standing" not in summary  # no claim about the 85 line for a site nobody could look at
    validate_result(json.loads((tmp_path / "out" / "result.json").read_text(encoding="utf-8")))
    html = BeautifulSoup((tmp_path / "out" / "report.html").read_text(encoding="utf-8"), "html.parser")
    score = html.select_one(".score")
    assert score is not None
    assert "ตรวจไม่ได้" in score.get_text()
    assert "จึงไม่ให้คะแนน" in score.get_text()
    assert "จาก 100" not in score.get_text()
    steps = html.select(".fix-list .fix")
    assert len(steps) == 1  # one thing to fix, the site itself: not one "cannot open" per item
    assert "เปิดเว็บไซต์ไม่ได้เลยสักหน้า" in steps[0].get_text()


def test_scan_counts_an_unreachable_site_apart(tmp_path: Path) -> None:
    site = serve(SiteConfig(root=SITES / "mini" / "www"), host="127.0.43.1")
    try:
        wb = openpyxl.Workbook()
        ws = wb.active
        assert ws is not None
        ws.append(["รหัส", "ชื่อหน่วยงาน", "ประเภท", "จังหวัด", "อำเภอ", "เว็บไซต์"])
        ws.append(["6601001", "อบต.ที่เปิดได้", "อบต.", "พิษณุโลก", "เมือง", site.base_url + "/"])
        ws.append(["6601002", "อบต.ที่เว็บล่ม", "อบต.", "พิษณุโลก", "เมือง", DOWN])
        wb.save(tmp_path / "registry.xlsx")
        scan = run_scan(
            ScanOptions(
                registry=tmp_path / "registry.xlsx",
                year=2569,
                out_dir=tmp_path / "out",
                store_dir=tmp_path / "store",
                allow_private=True,
                screenshots=False,
                browser="never",
            )
        )
    finally:
        site.stop()
    status = {o.agency.id: o.status for o in scan.outcomes}
    assert status == {"6601001": "done", "6601002": "unreachable"}
    assert "6601002" not in scan.province.under_line
    assert scan.province.agencies.loc["6601002", "score"] != scan.province.agencies.loc["6601002", "score"]  # NaN
    assert "ตรวจไม่ได้ (เข้าเว็บไซต์ไม่ได้) 1" in scan.summary_line()
    assert scan.internal_errors == 0
    doc = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert {a["id"]: a["status"] for a in doc["agencies"]}["6601002"] == "unreachable"
    # the down site's items do not count as "missing" items of the province
    assert all(row["applicable"] <= 1 for row in doc["province"]["items"])
    html = (tmp_path / "out" / "province.html").read_text(encoding="utf-8")
    assert "ตรวจไม่ได้" in html
