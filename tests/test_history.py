"""Scan history: runs and verdict rows in the store DB, damped diffs, trends, overrides kept across runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from ita_checker.errors import InputError
from ita_checker.inputs.overrides import Override
from ita_checker.store.history import History, HistoryBase, classify
from ita_checker.store.history_sql import SqlHistory

AGENCY = {"id": "A1", "name": "อบต.ทดสอบ", "type": "local", "site": "https://a1.example.go.th/"}


def result(verdicts: dict[str, str], score: float = 50.0) -> dict:
    items = [
        {"code": c, "title": c, "verdict": v, "urls": [], "evidence": [], "reasons": []} for c, v in verdicts.items()
    ]
    return {"summary": {"score": score, "counts": {}, "at_risk": 0}, "items": items, "run_id": "r"}


def record(h: HistoryBase, scan_id: str, verdicts: dict[str, str], score: float = 50.0) -> None:
    h.begin_scan(scan_id, year=2569, registry=Path("reg.xlsx"), out_dir=Path("out"), meta={})
    h.record_agency(scan_id, AGENCY, status="done", result=result(verdicts, score))
    h.finish_scan(scan_id, "done")


@pytest.fixture(params=["sqlite3", "sqlalchemy"])
def hist(request, tmp_path):
    """Both implementations of the history interface, on the same SQLite file layout."""
    if request.param == "sqlite3":
        h: HistoryBase = History(tmp_path / "store")
    else:
        h = SqlHistory(f"sqlite:///{tmp_path / 'store' / 'ita.sqlite'}")
    yield h
    h.close()


def test_tables_live_in_the_store_db(tmp_path, hist):
    record(hist, "s1", {"O1": "pass"})
    assert (tmp_path / "store" / "ita.sqlite").exists()
    runs = hist.runs()
    assert [r.scan_id for r in runs] == ["s1"]
    assert runs[0].agencies == 1
    assert runs[0].done == 1
    assert runs[0].mean_score == 50.0


def test_unreachable_once_after_pass_is_damped_then_flagged_on_second(hist):
    record(hist, "s1", {"O1": "pass", "O2": "fail"})
    record(hist, "s2", {"O1": "unreachable", "O2": "fail"})
    d12 = hist.diff("s1", "s2")
    assert d12.flagged == []
    assert [(c.code, c.before, c.after) for c in d12.watch] == [("O1", "pass", "unreachable")]
    record(hist, "s3", {"O1": "unreachable", "O2": "fail"})
    d23 = hist.diff("s2", "s3")
    assert [(c.code, c.before, c.after) for c in d23.newly_unreachable] == [("O1", "pass", "unreachable")]
    assert d23.watch == []
    record(hist, "s4", {"O1": "pass", "O2": "fail"})
    assert [(c.code, c.before) for c in hist.diff("s3", "s4").newly_passing] == [("O1", "unreachable")]


def test_recovery_after_one_unreachable_night_is_no_change(hist):
    record(hist, "s1", {"O1": "pass"})
    record(hist, "s2", {"O1": "unreachable"})
    record(hist, "s3", {"O1": "pass"})
    assert hist.diff("s2", "s3").flagged == []


def test_regressions_and_unreachable_without_prior_pass_are_immediate(hist):
    record(hist, "s1", {"O1": "pass", "O2": "fail", "O3": "stale"})
    record(hist, "s2", {"O1": "incomplete", "O2": "unreachable", "O3": "fail"})
    d = hist.diff("s1", "s2")
    assert [c.code for c in d.regressions] == ["O1"]
    assert [c.code for c in d.newly_unreachable] == ["O2"]
    assert [c.code for c in d.other] == ["O3"]


def test_classify():
    assert classify("fail", "fail") is None
    assert classify("stale", "pass") == "newly_passing"
    assert classify("pass", "needs_review") == "regressions"


def test_get_run_by_prefix_alias_and_errors(hist):
    record(hist, "20260101-aaaa", {"O1": "pass"})
    record(hist, "20260102-bbbb", {"O1": "pass"})
    assert hist.get_run("20260101").scan_id == "20260101-aaaa"
    assert hist.get_run("latest").scan_id == "20260102-bbbb"
    assert hist.get_run("previous").scan_id == "20260101-aaaa"
    with pytest.raises(InputError, match="ไม่พบ"):
        hist.get_run("nope")
    with pytest.raises(InputError, match="ambiguous"):
        hist.get_run("2026")


def test_trend_lists_scores_up_to_the_scan(hist):
    record(hist, "s1", {"O1": "fail"}, score=40.0)
    record(hist, "s2", {"O1": "pass"}, score=60.0)
    record(hist, "s3", {"O1": "pass"}, score=70.0)
    assert hist.trend("s2", "A1") == [("s1", 40.0), ("s2", 60.0)]
    assert [s for _, s in hist.trend("s3", "A1")] == [40.0, 60.0, 70.0]


def test_overrides_are_kept_and_baseline_survives_an_unchanged_reload(hist):
    ov = Override("A1", "O5", "pass", "อยู่ใน PDF", "ผู้ตรวจ ก", "2026-01-10")
    hist.replace_overrides(2569, [ov])
    hist.set_baseline(2569, "A1", "O5", "abc")
    hist.replace_overrides(2569, [ov])  # the same file again
    assert hist.overrides(2569) == [(ov, "abc")]
    newer = Override("A1", "O5", "pass", "ยืนยันอีกครั้ง", "ผู้ตรวจ ก", "2026-02-01")
    hist.replace_overrides(2569, [newer])  # re-confirmed: the baseline starts again
    assert hist.overrides(2569) == [(newer, None)]
    assert hist.overrides(2570) == []
