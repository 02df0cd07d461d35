"""What the terminal shows: Thai-first usage errors, history at 80 columns in B.E. and Bangkok time, --force."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from ita_checker.cli.main import main as cli_main
from ita_checker.store.history import History
from ita_checker.text.clock import BANGKOK


@pytest.mark.parametrize(
    ("args", "thai"),
    [
        (["scan", "--year", "2570"], "ขาดตัวเลือก '--registry'"),
        (["check", "http://x/", "--agency-type", "local", "--bogus"], "ไม่มีตัวเลือก --bogus"),
        (["check", "http://x/", "--agency-type", "local", "--max-pages", "abc"], "ค่าของ '--max-pages' ไม่ถูกต้อง"),
        (["frob"], "ไม่มีคำสั่งนี้"),
        (["scan", "--registry", "r.xlsx", "--year", "2026"], "เป็นปี ค.ศ."),
    ],
)
def test_usage_errors_are_thai_first_and_exit_2(args: list[str], thai: str) -> None:
    result = CliRunner().invoke(cli_main, args)
    assert result.exit_code == 2, result.output
    first = result.output.splitlines()[0]
    assert thai in first
    english_at = min((first.find(w) for w in ("Missing", "No such", "Invalid", "C.E.") if w in first), default=-1)
    assert english_at == -1 or first.index(thai) < english_at  # Thai before English
    assert "--help" in result.output


def test_history_fits_80_columns_with_be_dates(tmp_path: Path) -> None:
    h = History(tmp_path / "store")
    try:
        for i, status in enumerate(("done", "interrupted", "partial")):
            sid = f"20261203-18300{i}-ab1{i}"
            h.begin_scan(
                sid,
                year=2570,
                registry=tmp_path / "ทะเบียนหน่วยงานจังหวัดพิษณุโลก-2570.xlsx",
                out_dir=tmp_path / "outputs" / "scan-2570-พิษณุโลก-ประจำคืน",
                meta={"agencies": 60},
            )
            agency = {"id": "6501001", "name": "องค์การบริหารส่วนตำบลบ้านใหม่", "type": "local", "site": "http://x/"}
            result = {"summary": {"score": 61.54, "at_risk": 2}, "items": [], "run_id": "r"}
            h.record_agency(sid, agency, status="done", result=result)
            h.finish_scan(sid, status)
    finally:
        h.close()
    out = CliRunner(env={"COLUMNS": "80"}).invoke(cli_main, ["history", "--store", str(tmp_path / "store")]).output
    table = [line for line in out.splitlines() if not line.startswith("  ")]  # the folder lines are whole paths
    assert len(table) >= 5
    assert max(cell_len(line.rstrip()) for line in table) <= 80, out
    assert "…" not in out, out  # nothing cut
    for word in ("เสร็จ", "ถูกขัดจังหวะ", "เสร็จบางส่วน", "ตรวจแล้ว", "ผิดพลาด"):
        assert word in out
    today = datetime.now(BANGKOK)
    assert f" {str(today.year + 543)[2:]} " in out  # the B.E. year of the scans, never the C.E. one
    assert f"{today.year} " not in out.replace("2570", "")
    assert "scan-2570-พิษณุโลก-ประจำคืน" in out  # the folder, whole, on its own line


def test_template_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "registry.xlsx"
    runner = CliRunner()
    assert runner.invoke(cli_main, ["template", str(path), "--kind", "registry"]).exit_code == 0
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ws.append(["6501001", "อบต.บ้านใหม่", "อบต.", "พิษณุโลก", "เมือง", "https://www.banmai.go.th/"])
    wb.save(path)
    filled = path.read_bytes()
    again = runner.invoke(cli_main, ["template", str(path), "--kind", "registry"])
    assert again.exit_code == 2
    assert "มีไฟล์นี้อยู่แล้ว" in again.output
    assert "--force" in again.output
    assert path.read_bytes() == filled  # the filled registry is untouched
    forced = runner.invoke(cli_main, ["template", str(path), "--kind", "registry", "--force"])
    assert forced.exit_code == 0
    assert path.read_bytes() != filled
