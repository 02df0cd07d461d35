"""Carry-over: a re-check whose evidence is byte-identical reuses the last verdicts, and says so."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from ita_checker.check import CheckOptions, run_check
from ita_checker.demo.server import SiteConfig, serve
from ita_checker.result import validate_result

from .conftest import SITES


def _opts(tmp: Path, base: str, out: str, **kw: Any) -> CheckOptions:
    return CheckOptions(
        site=base + "/",
        year=2569,
        agency_type="local",
        allow_private=True,
        out_dir=tmp / out,
        store_dir=tmp / "store",
        browser="never",
        pdf=False,
        **kw,
    )


def test_unchanged_evidence_is_carried_over_and_a_change_is_judged_again(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "mini" / "www", root)
    site = serve(SiteConfig(root=root), host="127.0.47.1")
    try:
        first = run_check(_opts(tmp_path, site.base_url, "out1", screenshots=False)).result
        second = run_check(_opts(tmp_path, site.base_url, "out2", screenshots=False)).result
        page = root / "oit" / "structure.html"
        page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<p>ปรับปรุงแล้ว</p></body>"), "utf-8")
        third = run_check(_opts(tmp_path, site.base_url, "out3", screenshots=False)).result
    finally:
        site.stop()
    assert "carried_over" not in first
    assert second["carried_over"] == {"from_run": first["run_id"], "checked_at": first["checked_at"]}
    assert second["run_id"] != first["run_id"]
    assert [(i["code"], i["verdict"]) for i in second["items"]] == [(i["code"], i["verdict"]) for i in first["items"]]
    assert "extract_s" not in second["timings"]  # nothing was extracted or judged again
    assert "extract_s" in first["timings"]
    assert any("ใช้ผลการตัดสินเดิม" in n for n in second["notes"])
    assert "ใช้ผลการตัดสินเดิม" in (tmp_path / "out2" / "report.html").read_text(encoding="utf-8")
    validate_result(second)
    assert "carried_over" not in third, "a page changed: the agency must be judged again"
    assert "extract_s" in third["timings"]


def test_carry_over_can_be_turned_off(tmp_path: Path) -> None:
    site = serve(SiteConfig(root=SITES / "mini" / "www"), host="127.0.47.2")
    try:
        run_check(_opts(tmp_path, site.base_url, "out1", screenshots=False))
        again = run_check(_opts(tmp_path, site.base_url, "out2", screenshots=False, carry_over=False)).result
    finally:
        site.stop()
    assert "carried_over" not in again
