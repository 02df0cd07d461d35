"""A queued scan's specification as JSON: its options and its registry, so a worker anywhere can check an agency."""

from __future__ import annotations

from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from ita_checker.inputs.registry import Agency, Registry
from ita_checker.inputs.submissions import Submission, SubmissionForm
from ita_checker.scan.local import ScanOptions

_PATHS = {"store_dir", "registry", "out_dir", "submissions", "overrides"}


def options_to_json(opts: ScanOptions) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(ScanOptions):
        value = getattr(opts, f.name)
        out[f.name] = str(value) if isinstance(value, Path) else value
    return out


def options_from_json(data: dict[str, Any], **override: Any) -> ScanOptions:
    """The scan's options; ``override`` replaces fields that belong to the worker's machine (out_dir, store_dir)."""
    known = {f.name for f in fields(ScanOptions)}
    values: dict[str, Any] = {
        k: (Path(v) if k in _PATHS and v is not None else v) for k, v in data.items() if k in known
    }
    values.update({k: v for k, v in override.items() if v is not None})
    return ScanOptions(**values)


def _form_to_json(form: SubmissionForm) -> dict[str, Any]:
    return {"path": str(form.path), "warnings": list(form.warnings), "items": [asdict(s) for s in form.items.values()]}


def _form_from_json(data: dict[str, Any]) -> SubmissionForm:
    form = SubmissionForm(path=Path(data["path"]), warnings=list(data["warnings"]))
    for s in data["items"]:
        form.items[s["code"]] = Submission(s["code"], s["title"], tuple(s["urls"]), s["note"], int(s["row"]))
    return form


def registry_to_json(reg: Registry) -> dict[str, Any]:
    return {
        "path": str(reg.path),
        "agencies": [asdict(a) for a in reg.agencies],
        "forms": {k: _form_to_json(f) for k, f in reg.forms.items()},
        "form_errors": dict(reg.form_errors),
        "problems": list(reg.problems),
    }


def registry_from_json(data: dict[str, Any]) -> Registry:
    return Registry(
        path=Path(data["path"]),
        agencies=[Agency(**a) for a in data["agencies"]],
        forms={k: _form_from_json(f) for k, f in data["forms"].items()},
        form_errors=dict(data["form_errors"]),
        problems=list(data["problems"]),
    )
