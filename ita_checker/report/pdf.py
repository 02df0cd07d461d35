"""report.pdf: one agency's result as a printable A4 letter (Thai), printed to PDF by Debian chromium."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ita_checker.crawl.chromium import chromium_path
from ita_checker.crawl.printing import print_pdf
from ita_checker.report.html import content_security_policy, load_css, make_environment
from ita_checker.report.view import AgencyReport, build_agency_report
from ita_checker.result import atomic_output

log = logging.getLogger("ita_checker.report.pdf")

NO_CHROMIUM_NOTE = (
    "ไม่ได้สร้าง report.pdf: ไม่พบเบราว์เซอร์ chromium (ติดตั้งด้วย scripts/setup.sh) / report.pdf skipped: chromium not found"
)
FAILED_NOTE = "สร้าง report.pdf ไม่สำเร็จ ({reason}) ผลการตรวจอื่นครบ / report.pdf could not be printed"
# Page numbers in the bottom margin; the print footer is drawn apart from the page, so it names its own font.
FOOTER = (
    '<div style="width:100%;font-size:8pt;font-family:Loma,Garuda,sans-serif;color:#57606a;'
    'padding:0 15mm;display:flex;justify-content:space-between">'
    '<span class="title"></span><span>หน้า <span class="pageNumber"></span> / <span class="totalPages"></span></span>'
    "</div>"
)


def render_letter_html(report: AgencyReport) -> str:
    """The letter as one HTML page (the print template, the report's stylesheet, nothing to load)."""
    css = load_css()
    template = make_environment().get_template("agency_letter.html.j2")
    return template.render(r=report, css=css, csp=content_security_policy(str(css)))


def write_agency_pdf(result: dict[str, Any], out_path: Path) -> str | None:
    """Write the letter of one result dict (result-v1 schema) to ``out_path``.

    Returns None when the PDF was written, else a Thai-first note saying why not (no chromium, or printing
    failed): a missing letter never stops the other outputs.
    """
    executable = chromium_path()
    if executable is None:
        return NO_CHROMIUM_NOTE
    html = render_letter_html(build_agency_report(result))
    try:
        data = print_pdf(html, executable=executable, footer=FOOTER)
    except Exception as exc:  # any browser failure: the check's other outputs must still be written
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        log.warning("report.pdf for %s failed: %s", out_path.parent, reason)
        return FAILED_NOTE.format(reason=reason)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(out_path) as fh:
        fh.write(data)
    return None
