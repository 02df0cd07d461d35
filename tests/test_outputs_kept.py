"""A night that changes nothing the letter and workbooks show keeps them (no browser, no workbook); result.json
and report.html are written again and say which files were kept, from which run."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from ita_checker.report.outputs import SIDECAR, write_outputs
from ita_checker.result import validate_result

from .test_report_fixfirst import fix_result

KEPT = ("report.pdf", "report.xlsx", "submission-form.xlsx")


def _next_night(result: dict[str, Any], *, run_id: str, checked_at: str) -> dict[str, Any]:
    night = copy.deepcopy(result)
    night.update(run_id=run_id, checked_at=checked_at, scan_id="scan-2", notes=["ดึงซ้ำแบบมีเงื่อนไข"])
    night["crawl"] = {**night.get("crawl", {}), "duration_s": 9.9, "not_modified": 12}
    return night


def _stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {n: ((folder / n).stat().st_ino, (folder / n).stat().st_mtime_ns) for n in KEPT}


@pytest.mark.browser
def test_unchanged_night_keeps_letter_and_workbooks_and_says_so(tmp_path: Path) -> None:
    first = {**fix_result(), "run_id": "run-1"}
    write_outputs(first, tmp_path, reuse=True)
    before = _stamps(tmp_path)
    assert json.loads((tmp_path / SIDECAR).read_text(encoding="utf-8"))["run_id"] == first["run_id"]

    second = _next_night(first, run_id="run-2", checked_at="2026-12-05T18:20:00+00:00")
    paths = write_outputs(second, tmp_path, reuse=True)
    assert set(paths) == {"json", "html", "xlsx", "form", "pdf"}
    assert _stamps(tmp_path) == before, "nothing they show changed: the files must not be written again"
    written = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    validate_result(written)
    assert written["run_id"] == "run-2"
    assert written["outputs_kept"] == {
        "from_run": first["run_id"],
        "checked_at": first["checked_at"],
        "files": list(KEPT),
    }
    kept_note = "report.pdf, report.xlsx, submission-form.xlsx คงไว้จากการตรวจเมื่อ"
    assert any(n.startswith(kept_note) for n in written["notes"])
    assert "คงไว้จากการตรวจเมื่อ" in (tmp_path / "report.html").read_text(encoding="utf-8")

    third = _next_night(first, run_id="run-3", checked_at="2026-12-06T18:20:00+00:00")
    third["items"][0]["verdict"] = "pass" if third["items"][0]["verdict"] != "pass" else "fail"  # e.g. an override
    write_outputs(third, tmp_path, reuse=True)
    after = _stamps(tmp_path)
    assert all(after[n] != before[n] for n in KEPT), "a verdict changed: every file must be written again"
    assert "outputs_kept" not in json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))


def test_check_writes_everything_every_time(tmp_path: Path) -> None:
    first = fix_result()
    write_outputs(first, tmp_path, pdf=False)
    before = _stamps_no_pdf(tmp_path)
    write_outputs(_next_night(first, run_id="run-2", checked_at="2026-12-05T18:20:00+00:00"), tmp_path, pdf=False)
    assert not (tmp_path / SIDECAR).exists()
    assert all(_stamps_no_pdf(tmp_path)[n] != before[n] for n in before)


def test_kept_files_must_all_be_there(tmp_path: Path) -> None:
    first = fix_result()
    write_outputs(first, tmp_path, pdf=False, reuse=True)
    (tmp_path / "report.xlsx").unlink()
    second = _next_night(first, run_id="run-2", checked_at="2026-12-05T18:20:00+00:00")
    write_outputs(second, tmp_path, pdf=False, reuse=True)
    assert (tmp_path / "report.xlsx").is_file()
    assert "outputs_kept" not in second


def _stamps_no_pdf(folder: Path) -> dict[str, tuple[int, int]]:
    return {n: ((folder / n).stat().st_ino, (folder / n).stat().st_mtime_ns) for n in KEPT[1:]}
