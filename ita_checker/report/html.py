"""Render one agency result as one self-contained HTML page: Thai first, CSS and screenshots inlined, strict CSP."""

from __future__ import annotations

import base64
import hashlib
import io
import warnings
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from PIL import Image, features

from ita_checker.report.view import AgencyReport, build_agency_report
from ita_checker.result import atomic_output

REPORT_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = REPORT_DIR / "templates"
STATIC_DIR = REPORT_DIR / "static"

THUMB_WIDTHS = (320, 240, 160)  # shown 128 px wide: sharp on a 2x screen; narrower when a page is busy
THUMB_QUALITIES = (65, 50, 35)
MAX_THUMB_BYTES = 45_000  # about 60 KB once base64-encoded into the page
MAX_SHOT_BYTES = 30 * 1024 * 1024  # a larger file is not a screenshot of ours


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


def content_security_policy(css: str) -> str:
    """Nothing may load: images only from data: URIs, the one inline stylesheet by its hash, no script at all."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return f"default-src 'none'; img-src data:; style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"


def thumbnail_data_uri(path: Path, *, root: Path) -> str | None:
    """A small WebP (JPEG where Pillow has no WebP) data: URI of a screenshot inside ``root``, at most
    ``MAX_THUMB_BYTES`` before encoding; None when the file is missing, outside ``root`` or not an image."""
    try:
        real = path.resolve()
        if not real.is_relative_to(root.resolve()) or not real.is_file() or real.stat().st_size > MAX_SHOT_BYTES:
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(real) as img:
                picture = img.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        return None
    fmt, mime = ("WEBP", "image/webp") if features.check("webp") else ("JPEG", "image/jpeg")
    data = b""
    for width in THUMB_WIDTHS:
        thumb = picture.copy()
        thumb.thumbnail((width, width * 4))
        for quality in THUMB_QUALITIES:
            buf = io.BytesIO()
            thumb.save(buf, format=fmt, quality=quality)
            data = buf.getvalue()
            if len(data) <= MAX_THUMB_BYTES:
                return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")
    return None


def render_agency_report(report: AgencyReport) -> str:
    """Render a prepared view model to an HTML string."""
    css = load_css()
    template = make_environment().get_template("agency.html.j2")
    return template.render(r=report, css=css, csp=content_security_policy(str(css)))


def build_embedded_report(result: dict[str, Any], base_dir: Path) -> AgencyReport:
    """The view model with each screenshot (a path relative to ``base_dir``) embedded as a thumbnail."""
    cache: dict[str, str | None] = {}

    def embed(rel: str) -> str | None:
        if rel not in cache:
            cache[rel] = thumbnail_data_uri(base_dir / rel, root=base_dir)
        return cache[rel]

    return build_agency_report(result, embed_image=embed)


def render_agency_html(result: dict[str, Any], out_path: Path) -> None:
    """Write the per-agency HTML report of one result dict (result-v1 schema) to ``out_path``: one file that
    opens anywhere, screenshots (relative to its folder) embedded."""
    html = render_agency_report(build_embedded_report(result, out_path.parent))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(out_path) as fh:
        fh.write(html.encode("utf-8"))
