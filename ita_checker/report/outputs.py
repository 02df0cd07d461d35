"""The outputs of one agency check, written together: result.json, report.html, report.xlsx, the form, report.pdf."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from ita_checker.report.html import render_agency_html
from ita_checker.report.pdf import write_agency_pdf
from ita_checker.report.submission_form import write_submission_form
from ita_checker.report.xlsx import write_agency_xlsx
from ita_checker.result import validate_result, write_json_atomic

log = logging.getLogger("ita_checker.report.outputs")

SIDECAR = ".outputs.json"  # what the files in the folder were written from: {"digest", "run_id", "checked_at"}
# Fields that change every night although no verdict, evidence or score does; the kept files show their run's.
VOLATILE = frozenset({"checked_at", "run_id", "scan_id", "timings", "crawl", "notes", "carried_over", "outputs_kept"})
KEPT_FILES = ("report.xlsx", "submission-form.xlsx")


def shown_digest(result: dict[str, Any], *, pdf: bool) -> str:
    """SHA-256 of everything in ``result`` the letter and the workbooks show apart from the run's own fields
    (``VOLATILE``): equal digests mean the files would differ only in the run id, dates and crawl counts."""
    stable = {k: v for k, v in result.items() if k not in VOLATILE}
    data = json.dumps({"result": stable, "pdf": pdf}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _keepable(out_dir: Path, digest: str, pdf: bool) -> dict[str, Any] | None:
    """The sidecar of the files in ``out_dir`` when they were written from a result with ``digest``."""
    try:
        side = json.loads((out_dir / SIDECAR).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(side, dict) or side.get("digest") != digest:
        return None
    files = [*KEPT_FILES, *(["report.pdf"] if pdf else [])]
    if not all((out_dir / f).is_file() for f in files):
        return None
    return side


def kept_note(side: dict[str, Any], files: list[str]) -> str:
    when = str(side.get("checked_at", ""))
    names = ", ".join(files)
    return (
        f"{names} คงไว้จากการตรวจเมื่อ {when} เพราะผลการตัดสิน หลักฐาน และคะแนนไม่เปลี่ยน "
        f"(วันที่และรหัสการตรวจในไฟล์เหล่านั้นเป็นของรอบนั้น) / {names} kept from the run of {when}: nothing they "
        "show changed but that run's id, dates and crawl counts"
    )


def write_outputs(result: dict[str, Any], out_dir: Path, *, pdf: bool = True, reuse: bool = False) -> dict[str, Path]:
    """Validate ``result`` against schema v1, then write result.json, report.html, report.xlsx, the pre-filled
    submission-form.xlsx and (with ``pdf``) report.pdf into ``out_dir``; returns their paths by kind ("json",
    "html", "xlsx", "form", "pdf").

    The letter is printed first: when it cannot be (no chromium), its note is added to ``result["notes"]``, so
    result.json and report.html say why report.pdf is missing, and "pdf" is not in the returned paths.

    With ``reuse`` (nightly scans into the same folder), report.pdf and the two workbooks already in ``out_dir``
    are kept when they were written from a result equal to this one but for ``VOLATILE`` fields: no browser,
    no workbook. result.json and report.html are always written; both say which files were kept, from which run.
    """
    validate_result(result)
    paths = {"json": out_dir / "result.json", "html": out_dir / "report.html", "xlsx": out_dir / "report.xlsx"}
    pdf_path = out_dir / "report.pdf"
    form_path = out_dir / "submission-form.xlsx"
    digest = shown_digest(result, pdf=pdf)
    side = _keepable(out_dir, digest, pdf) if reuse else None
    if side is not None:
        files = [*(["report.pdf"] if pdf else []), *KEPT_FILES]
        result["outputs_kept"] = {"from_run": side.get("run_id"), "checked_at": side.get("checked_at"), "files": files}
        result["notes"] = [*result.get("notes", []), kept_note(side, files)]
        if pdf:
            paths["pdf"] = pdf_path
        paths["form"] = form_path
        log.info("%s: outputs kept from run %s", out_dir, side.get("run_id"))
        write_json_atomic(paths["json"], result)
        render_agency_html(result, paths["html"])
        return paths
    (out_dir / SIDECAR).unlink(missing_ok=True)  # the files are about to change: no longer what it says
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
    paths["form"] = write_submission_form(result, form_path)
    if reuse and note is None:  # a letter that could not be printed is tried again next time
        write_json_atomic(
            out_dir / SIDECAR,
            {"digest": digest, "run_id": result.get("run_id"), "checked_at": result.get("checked_at")},
        )
    return paths
