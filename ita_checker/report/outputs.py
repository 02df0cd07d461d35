"""The outputs of one agency check, written together: result.json, report.html, report.xlsx, the form, report.pdf."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ita_checker.report.html import render_agency_html
from ita_checker.report.pdf import write_agency_pdf
from ita_checker.report.submission_form import write_submission_form
from ita_checker.report.xlsx import write_agency_xlsx
from ita_checker.result import validate_result, write_json_atomic


def write_outputs(result: dict[str, Any], out_dir: Path, *, pdf: bool = True) -> dict[str, Path]:
    """Validate ``result`` against schema v1, then write result.json, report.html, report.xlsx, the pre-filled
    submission-form.xlsx and (with ``pdf``) report.pdf into ``out_dir``; returns their paths by kind ("json",
    "html", "xlsx", "form", "pdf").

    The letter is printed first: when it cannot be (no chromium), its note is added to ``result["notes"]``, so
    result.json and report.html say why report.pdf is missing, and "pdf" is not in the returned paths.
    """
    validate_result(result)
    paths = {"json": out_dir / "result.json", "html": out_dir / "report.html", "xlsx": out_dir / "report.xlsx"}
    pdf_path = out_dir / "report.pdf"
    note = write_agency_pdf(result, pdf_path) if pdf else None
    if pdf and note is None:
        paths["pdf"] = pdf_path
    else:
        pdf_path.unlink(missing_ok=True)  # a letter from an earlier run would not match this result
    if note is not None:
        result["notes"] = [*result.get("notes", []), note]
    write_json_atomic(paths["json"], result)
    render_agency_html(result, paths["html"])
    write_agency_xlsx(result, paths["xlsx"])
    paths["form"] = write_submission_form(result, out_dir / "submission-form.xlsx")
    return paths
