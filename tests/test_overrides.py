"""Reviewer overrides: reading YAML/CSV, applying over the tool's verdicts, noticing evidence changes."""

from __future__ import annotations

import copy

import pytest

from ita_checker.errors import InputError
from ita_checker.inputs.overrides import Override, apply_overrides, evidence_hash, read_overrides
from ita_checker.inputs.registry import Agency
from ita_checker.scan.local import ScanOptions, _override_states
from ita_checker.scan.outcome import AgencyOutcome
from ita_checker.store.history import History


def _result() -> dict:
    items = [
        {"code": "O1", "title": "โครงสร้าง", "verdict": "pass", "urls": ["https://a.go.th/s"], "reasons": [],
         "evidence": [{"url": "https://a.go.th/s", "snippet": "โครงสร้างองค์กร"}]},
        {"code": "O5", "title": "แผน", "verdict": "fail", "urls": ["https://a.go.th/p"], "reasons": ["ไม่พบ"],
         "evidence": [{"url": "https://a.go.th/p", "snippet": "แผนพัฒนา"}]},
    ]  # fmt: skip
    return {"summary": {"score": 50.0, "counts": {"pass": 1, "fail": 1}}, "items": items}


def test_read_yaml_and_csv(tmp_path):
    y = tmp_path / "o.yaml"
    y.write_text(
        "overrides:\n"
        "  - {agency: '6501001', item: O5, verdict: ผ่าน, reason: อยู่ใน PDF, reviewer: สมชาย, date: '2026-01-10'}\n"
        "  - {agency: '6501001', item: O9, verdict: maybe, reviewer: สมชาย}\n"
        "  - {agency: '6501002', item: O1, verdict: fail}\n",
        encoding="utf-8",
    )
    found, problems = read_overrides(y)
    assert found == [Override("6501001", "O5", "pass", "อยู่ใน PDF", "สมชาย", "2026-01-10")]
    assert len(problems) == 2
    assert problems[0].startswith("o.yaml รายการที่ 2: ไม่รู้จักผล 'maybe'")
    assert "o.yaml รายการที่ 3" in problems[1]
    assert "reviewer" in problems[1]
    c = tmp_path / "o.csv"
    c.write_text(
        "รหัสหน่วยงาน,ข้อ,ผล,เหตุผล,ผู้ตรวจ,วันที่\n"
        "6501001,O5,pass,อยู่ใน PDF,สมชาย,2026-01-10\n"
        "6501001,O6,fail,,สมชาย,10/01/2026\n",
        encoding="utf-8",
    )
    found, problems = read_overrides(c)
    assert [o.code for o in found] == ["O5"]
    assert problems == [
        "o.csv แถว 3: วันที่ '10/01/2026' ต้องเป็น ปปปป-ดด-วว (ค.ศ.) / o.csv row 3: date '10/01/2026' must be YYYY-MM-DD"
    ]
    with pytest.raises(InputError):
        read_overrides(tmp_path / "missing.csv")


def test_apply_keeps_both_verdicts_and_rescores():
    res = _result()
    ov = Override("A", "O5", "pass", "อยู่ใน PDF หน้า 3", "สมชาย", "2026-01-10")
    assert apply_overrides(res, {"O5": ov}) == ["O5"]
    o5 = res["items"][1]
    assert o5["verdict"] == "pass"
    assert o5["tool_verdict"] == "fail"
    assert o5["override"]["reviewer"] == "สมชาย"
    assert "ผู้ตรวจ สมชาย กำหนดผลเป็น 'ผ่าน' (ผลจากโปรแกรม: 'ไม่พบข้อมูล')" in o5["reasons"][0]
    assert res["summary"]["score"] == 100.0
    apply_overrides(res, {"O5": ov})  # applying twice keeps the tool's verdict
    assert o5["tool_verdict"] == "fail"
    assert len(o5["reasons"]) == 2


def test_evidence_hash_ignores_verdict_but_not_snippets():
    item = _result()["items"][1]
    changed = copy.deepcopy(item)
    changed["verdict"] = "pass"
    assert evidence_hash(item) == evidence_hash(changed)
    changed["evidence"][0]["snippet"] = "แผนพัฒนา ฉบับแก้ไข"
    assert evidence_hash(item) != evidence_hash(changed)


def test_evidence_change_under_an_override_is_reported(tmp_path):
    h = History(tmp_path / "store")
    agency = Agency("A", "อบต.ก", "local", "", "", "https://a.go.th/", 2)
    opts = ScanOptions(registry=tmp_path / "r.xlsx", year=2569, out_dir=tmp_path / "out")
    try:
        h.replace_overrides(2569, [Override("A", "O5", "pass", "", "สมชาย", "2026-01-10")])
        res = _result()
        first = _override_states(opts, h, [AgencyOutcome(agency, "done", result=res)], h.overrides(2569))
        assert [(s.tool_verdict, s.evidence_changed) for s in first] == [("fail", False)]
        same = _override_states(opts, h, [AgencyOutcome(agency, "done", result=res)], h.overrides(2569))
        assert not same[0].evidence_changed
        res2 = _result()
        res2["items"][1]["evidence"][0]["snippet"] = "เนื้อหาใหม่"
        moved = _override_states(opts, h, [AgencyOutcome(agency, "done", result=res2)], h.overrides(2569))
        assert moved[0].evidence_changed
    finally:
        h.close()
