"""Scan history: runs and verdict rows in the store DB, damped diffs, trends, overrides kept across runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from ita_checker.errors import InputError
from ita_checker.inputs.overrides import Override
from ita_checker.store.history import History, classify

AGENCY = {"id": "A1", "name": "อบต.ทดสอบ", "type": "local", "site": "https://a1.example.go.th/"}


def result(verdicts: dict[str, str], score: float = 50.0) -> dict:
    items = [
        {"code": c, "title": c, "verdict": v, "urls": [], "evidence": [], "reasons": []} for c, v in verdicts.items()
    ]
    return {"summary": {"score": score, "counts": {}, "at_risk": 0}, "items": items, "run_id": "r"}


def record(h: History, scan_id: str, verdicts: dict[str, str], score: float = 50.0) -> None:
    h.begin_scan(scan_id, year=2569, registry=Path("reg.xlsx"), out_dir=Path("out"), meta={})
    h.record_agency(scan_id, AGENCY, status="done", result=result(verdicts, score))
    h.finish_scan(scan_id, "done")


@pytest.fixture(params=["store-dir", "sqlite-url"])
def hist(request, tmp_path):
    """The history opened both ways a user does: from the store directory, and as a ``sqlite:///`` URL."""
    if request.param == "store-dir":
        h: History = History(tmp_path / "store")
    else:
        h = History(f"sqlite:///{tmp_path / 'store' / 'ita.sqlite'}")
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


# The schema the sqlite3 history of earlier versions created in store/ita.sqlite (before the SQLAlchemy merge).
LEGACY_SCHEMA = """
CREATE TABLE scan_runs (
  scan_id TEXT PRIMARY KEY, year INTEGER NOT NULL, registry TEXT NOT NULL, out_dir TEXT NOT NULL,
  started_at REAL NOT NULL, finished_at REAL, status TEXT NOT NULL DEFAULT 'running', meta TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE scan_agencies (
  scan_id TEXT NOT NULL, agency_id TEXT NOT NULL, name TEXT NOT NULL, agency_type TEXT NOT NULL,
  province TEXT NOT NULL DEFAULT '', district TEXT NOT NULL DEFAULT '', site TEXT NOT NULL,
  status TEXT NOT NULL, score REAL, at_risk INTEGER, run_id TEXT, error TEXT, finished_at REAL NOT NULL,
  PRIMARY KEY (scan_id, agency_id)
);
CREATE TABLE scan_items (
  scan_id TEXT NOT NULL, agency_id TEXT NOT NULL, code TEXT NOT NULL, verdict TEXT NOT NULL,
  tool_verdict TEXT NOT NULL, evidence_hash TEXT NOT NULL, overridden INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (scan_id, agency_id, code)
);
CREATE TABLE reviewer_overrides (
  year INTEGER NOT NULL, agency_id TEXT NOT NULL, code TEXT NOT NULL, verdict TEXT NOT NULL, reason TEXT NOT NULL,
  reviewer TEXT NOT NULL, date TEXT NOT NULL, baseline_hash TEXT, updated_at REAL NOT NULL,
  PRIMARY KEY (year, agency_id, code)
);
"""


def test_history_file_of_an_earlier_version_is_read_and_extended(tmp_path):
    import sqlite3

    store = tmp_path / "store"
    store.mkdir()
    db = sqlite3.connect(store / "ita.sqlite")
    db.executescript(LEGACY_SCHEMA)
    for n, (verdict, started) in enumerate((("pass", 100.0), ("fail", 200.0)), start=1):
        sid = f"old-{n}"
        db.execute("INSERT INTO scan_runs VALUES (?,?,?,?,?,?,?,?)", (sid, 2569, "reg.xlsx", "out", started,
                                                                       started + 5, "done", "{}"))  # fmt: skip
        db.execute("INSERT INTO scan_agencies VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   (sid, "A1", "อบต.ทดสอบ", "local", "", "", "https://a.example/", "done", 50.0 * (2 - n), 0,
                    None, "", started + 1))  # fmt: skip
        db.execute("INSERT INTO scan_items VALUES (?,?,?,?,?,?,?)", (sid, "A1", "O1", verdict, verdict, "h", 0))
    db.execute("INSERT INTO reviewer_overrides VALUES (?,?,?,?,?,?,?,?,?)",
               (2569, "A1", "O2", "pass", "ตรวจแล้ว", "ผู้ตรวจ", "2026-11-01", "h2", 1.0))  # fmt: skip
    db.commit()
    db.close()

    h = History(store)
    try:
        runs = h.runs(2569)
        assert [r.scan_id for r in runs] == ["old-1", "old-2"]
        assert (runs[0].agencies, runs[0].done, runs[0].mean_score) == (1, 1, 50.0)
        d = h.diff("old-1", "old-2")
        assert [(c.code, c.before, c.after) for c in d.regressions] == [("O1", "pass", "fail")]
        assert [(o.code, base) for o, base in h.overrides(2569)] == [("O2", "h2")]
        record(h, "new-1", {"O1": "pass"})  # the old file takes new scans (scan_results is added)
        assert [r.scan_id for r in h.runs(2569)][-1] == "new-1"
        assert h.results("new-1")["A1"][0] == "done"
    finally:
        h.close()
