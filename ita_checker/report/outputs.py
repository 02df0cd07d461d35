"""The three outputs of one agency check, written together: result.json, report.html and report.xlsx."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ita_checker.report.html import render_agency_html
from ita_checker.report.xlsx import write_agency_xlsx
from ita_checker.result import validate_result, write_json_atomic


def write_outputs(result: dict[str, Any], out_dir: Path) -> dict[str, Path]:
    """Validate ``result`` against schema v1, then write result.json, report.html and report.xlsx into ``out_dir``."""
    validate_result(result)
    paths = {"json": out_dir / "result.json", "html": out_dir / "report.html", "xlsx": out_dir / "report.xlsx"}
    write_json_atomic(paths["json"], result)
    render_agency_html(result, paths["html"])
    write_agency_xlsx(result, paths["xlsx"])
    return paths
