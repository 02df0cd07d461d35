"""The result document (schema ita-checker/result/v1): validation and writing of the three outputs."""

from __future__ import annotations

import json
import os
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA_ID = "ita-checker/result/v1"


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


def write_outputs(result: dict[str, Any], out_dir: Path) -> dict[str, Path]:
    """Write result.json, report.html and report.xlsx into ``out_dir``."""
    from ita_checker.report.html import render_agency_html
    from ita_checker.report.xlsx import write_agency_xlsx

    validate_result(result)
    paths = {"json": out_dir / "result.json", "html": out_dir / "report.html", "xlsx": out_dir / "report.xlsx"}
    write_json_atomic(paths["json"], result)
    render_agency_html(result, paths["html"])
    write_agency_xlsx(result, paths["xlsx"])
    return paths
