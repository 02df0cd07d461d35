"""Where an OIT score stands on the ITA result scale (rules/result-scales.yaml): the 85 line and the best level left."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict

from ita_checker.rules.loader import rules_root

SCALES_FILE = "result-scales.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Band(_Strict):
    """One level or grade: reached when the total is at least ``total_min`` (and each instrument ``each_min``)."""

    label: str
    total_min: float
    each_min: float | None = None
    confidence: str | None = None


class Scale(_Strict):
    """A result scale and the rule sets it applies to; bands from best to worst."""

    id: str
    kind: Literal["grade", "level"]
    rulesets: list[str]
    pass_line: float
    confidence: str
    source: str
    bands: list[Band]


class ScalesFile(_Strict):
    schema_version: int
    scales: list[Scale]


@lru_cache(maxsize=4)
def load_scales(path: Path | None = None) -> tuple[Scale, ...]:
    """Read the scales file (cached); a missing file means no scale is known."""
    p = path or rules_root() / SCALES_FILE
    if not p.is_file():
        return ()
    return tuple(ScalesFile.model_validate(yaml.safe_load(p.read_text(encoding="utf-8"))).scales)


def scale_for(ruleset: str, scales: tuple[Scale, ...] | None = None) -> Scale | None:
    for s in load_scales() if scales is None else scales:
        if ruleset in s.rulesets:
            return s
    return None


def standing(oit_score: float, ruleset: str, scales: tuple[Scale, ...] | None = None) -> dict[str, Any]:
    """The OIT score against its scale. The level itself is never given: it needs the total ITA score."""
    scale = scale_for(ruleset, scales)
    if scale is None:
        return {
            "scale": None,
            "pass_line": None,
            "meets_pass_line": None,
            "best_possible": None,
            "note_th": "ไม่ทราบเกณฑ์ระดับผลของชุดเกณฑ์นี้ คะแนนแสดงเป็นสัดส่วนข้อที่ผ่านเท่านั้น",
        }
    meets = oit_score >= scale.pass_line
    if scale.kind == "grade":
        note = (
            f"เกรดของหน่วยงานคิดจากคะแนนรวม ITA (IIT, EIT และ OIT) คะแนน OIT อย่างเดียวบอกเกรดไม่ได้ "
            f"เป้าหมายระดับชาติคือ {scale.pass_line:g} คะแนน"
        )
        return {
            "scale": scale.id,
            "pass_line": scale.pass_line,
            "meets_pass_line": meets,
            "best_possible": None,
            "confidence": scale.confidence,
            "note_th": note,
        }
    best = next(b for b in scale.bands if b.each_min is None or oit_score >= b.each_min)
    gate = next((b for b in scale.bands if b.each_min == scale.pass_line), None)
    why = "ระดับผลคิดจากคะแนนรวม ITA ร่วมกับ IIT และ EIT คะแนน OIT อย่างเดียวบอกระดับไม่ได้"
    if meets:
        gate_label = gate.label if gate else best.label
        note = (
            f"คะแนน OIT ถึงเกณฑ์ {scale.pass_line:g} คะแนนที่ระดับ “{gate_label}” ต้องการ "
            f"ระดับสูงสุดที่ยังเป็นไปได้: “{best.label}” ({why})"
        )
    else:
        note = (
            f"คะแนน OIT ต่ำกว่า {scale.pass_line:g}: หน่วยงานได้ไม่เกินระดับ “{best.label}” "
            f"แม้คะแนนรวมจะถึง {best.total_min:g} ({why})"
        )
    return {
        "scale": scale.id,
        "pass_line": scale.pass_line,
        "meets_pass_line": meets,
        "best_possible": best.label,
        "confidence": scale.confidence,
        "note_th": note,
    }
