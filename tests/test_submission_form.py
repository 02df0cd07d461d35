"""The pre-filled submission-form.xlsx: the URLs the checker found best, read back by the form reader."""

from __future__ import annotations

from typing import Any

import openpyxl
import pytest

from ita_checker.check import CheckOptions, run_check
from ita_checker.demo.server import SiteConfig, serve
from ita_checker.inputs.submissions import read_submissions
from ita_checker.report.submission_form import form_row, write_submission_form

from .conftest import SITES


@pytest.fixture(scope="module")
def self_check(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("form")
    site = serve(SiteConfig(root=SITES / "mini" / "www"), host="127.0.46.1")
    try:
        run = run_check(
            CheckOptions(
                site=site.base_url + "/",
                year=2569,
                agency_type="local",
                allow_private=True,
                out_dir=tmp / "out",
                store_dir=tmp / "store",
                screenshots=False,
                browser="never",
            )
        )
    finally:
        site.stop()
    return {"result": run.result, "paths": run.paths, "tmp": tmp}


def test_form_read_back_reproduces_the_urls_found(self_check: dict[str, Any]) -> None:
    result = self_check["result"]
    path = write_submission_form(result, self_check["tmp"] / "submission-form.xlsx")
    form = read_submissions(path)
    found = {it["code"]: it["found_on_site"]["url"] for it in result["items"] if it.get("found_on_site")}
    assert found, "the self-check found nothing: the test site should publish several items"
    for it in result["items"]:
        assert form.urls_for(it["code"]) == ([found[it["code"]]] if it["code"] in found else [])


def test_explanations_say_how_to_reach_the_page(self_check: dict[str, Any]) -> None:
    items = {it["code"]: it for it in self_check["result"]["items"]}
    o1 = form_row(items["O1"])
    assert o1.state == "ready"
    assert o1.note.startswith("หน้าหลัก → ")  # the clicks from the home page
    assert items["O1"]["found_on_site"]["path"], items["O1"]["found_on_site"]
    missing = [form_row(it) for it in items.values() if not it.get("found_on_site") and it["verdict"] != "pass"]
    assert missing
    assert all(r.url is None and r.state == "missing" and "ยังไม่พบ" in r.note for r in missing)


def test_missing_items_are_marked_in_the_workbook(self_check: dict[str, Any]) -> None:
    path = write_submission_form(self_check["result"], self_check["tmp"] / "marked.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    assert [c.value for c in ws[1]] == ["ข้อ", "ข้อมูล", "URL", "คำอธิบาย"]
    rows = {str(r[0].value): r for r in ws.iter_rows(min_row=2)}
    for it in self_check["result"]["items"]:
        row = rows[it["code"]]
        if form_row(it).state == "missing":
            assert row[2].value is None
            assert row[0].fill.start_color.rgb.endswith("FCE4E4")
        elif form_row(it).url:
            assert row[2].hyperlink is not None
