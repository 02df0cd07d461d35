"""Render one agency result as a single self-contained HTML page (Thai first, print and phone friendly)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ita_checker.report.view import AgencyReport, build_agency_report

REPORT_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = REPORT_DIR / "templates"
STATIC_DIR = REPORT_DIR / "static"


def make_environment() -> Environment:
    """Jinja2 environment for reports: autoescape on for every template, undefined names are errors."""
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def load_css() -> Markup:
    """Our own stylesheet, inlined into the page; refuses text that could close the <style> element."""
    css = (STATIC_DIR / "report.css").read_text(encoding="utf-8")
    if "</" in css or "<!--" in css:
        raise ValueError("report.css must not contain '</' or '<!--' (it is inlined into <style>)")
    return Markup(css)  # trusted: our own file shipped with the package, checked above


def render_agency_report(report: AgencyReport) -> str:
    """Render a prepared view model to an HTML string."""
    template = make_environment().get_template("agency.html.j2")
    return template.render(r=report, css=load_css())


def render_agency_html(result: dict[str, Any], out_path: Path) -> None:
    """Write the per-agency HTML report of one result dict (result-v1 schema) to ``out_path``."""
    html = render_agency_report(build_agency_report(result))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = out_path.with_name(out_path.name + ".tmp")
    tmp_path.write_text(html, encoding="utf-8")
    tmp_path.replace(out_path)
