"""The result document (schema ita-checker/result/v1): the one builder of it, its validation, and its outputs."""

from __future__ import annotations

import io
import json
import os
import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO

import jsonschema

from ita_checker.text import clock

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
        "checked_at": clock.iso_now(),
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


_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


@contextmanager
def atomic_output(path: Path) -> Iterator[BinaryIO]:
    """Write ``path`` through a new temporary file beside it, renamed over ``path`` only when writing succeeded.

    The temporary file is created like a plain open() does (mode 0o666, O_EXCL): the kernel applies the umask and
    any default ACL of the folder, so outputs are 0644/0664 like the user's other files and not mkstemp's 0600.
    """
    for _ in range(100):
        tmp = path.with_name(f".tmp-{secrets.token_hex(8)}{path.suffix}")
        try:
            fd = os.open(tmp, _NEW_FILE_FLAGS, 0o666)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(f"no free temporary name next to {path}")
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as UTF-8 JSON to ``path`` atomically, creating its folder; the file mode follows the umask."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path) as fh, io.TextIOWrapper(fh, encoding="utf-8") as text:
        json.dump(data, text, ensure_ascii=False, indent=2)
