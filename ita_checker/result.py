"""The result document (schema ita-checker/result/v1): the one builder of it, its validation, and its outputs."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA_ID = "ita-checker/result/v1"


def new_item(
    *,
    code: str,
    title: str,
    rule_id: str,
    urls: Sequence[str],
    confidence: str,
    placeholder: bool,
    period: str,
    fix_hint: str | None,
    message: str | None,
) -> dict[str, Any]:
    """An ``items[]`` entry before judging: every key the schema and the reports read, empty lists for evidence."""
    return {
        "code": code,
        "title": title,
        "rule_id": rule_id,
        "urls": list(urls),
        "confidence": confidence,
        "low_confidence_rule": confidence in ("L", "?"),
        "placeholder": placeholder,
        "period": period,
        "fix_hint": fix_hint,
        "message": message,
        "evidence": [],
        "reasons": [],
        "elements_found": [],
        "elements_missing": [],
        "warnings": [],
        "suggested_urls": [],
        "found_on_site": None,
        "fetch_errors": [],
        "years_found": [],
    }


def new_result(
    *,
    agency: Mapping[str, str],
    year: int,
    ruleset: str,
    ruleset_status: str,
    ruleset_caveat: str | None,
    run_id: str,
    mode: str,
    items: list[dict[str, Any]],
    summary: Mapping[str, Any],
    crawl: Mapping[str, Any],
    timings: Mapping[str, float],
    notes: Sequence[str],
) -> dict[str, Any]:
    """The whole result of one agency check; ``summary`` is scoring.agency.summary of ``items``."""
    return {
        "schema": SCHEMA_ID,
        "agency": dict(agency),
        "year": year,
        "ruleset": ruleset,
        "ruleset_status": ruleset_status,
        "ruleset_caveat": ruleset_caveat,
        "checked_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "run_id": run_id,
        "mode": mode,
        "summary": dict(summary),
        "items": items,
        "crawl": dict(crawl),
        "timings": dict(timings),
        "notes": list(notes),
    }


def mark_scanned(result: dict[str, Any], *, scan_id: str, agency_id: str, province: str, district: str) -> None:
    """What a province scan adds: its id, and the agency's registry id and place."""
    result["scan_id"] = scan_id
    result["agency"].update({"id": agency_id, "province": province, "district": district})


@lru_cache(maxsize=1)
def result_schema() -> dict[str, Any]:
    text = resources.files("ita_checker").joinpath("schemas/result-v1.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate_result(result: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError when ``result`` does not follow schema v1."""
    jsonschema.Draft202012Validator(
        result_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(result)


def write_json_atomic(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
