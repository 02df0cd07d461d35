"""Build the committed PDF templates with LibreOffice: `python -m benchmarks.world.make_assets` (needs soffice)."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.world.content import BUILDERS, Ctx, thai_digits
from benchmarks.world.docs import ASSETS, MANIFEST, TEMPLATE_AGENCY, template_key

# (concept, years, incomplete variants): current-FY concepts for FY2568/2569 assessments and their stale
# year; previous-FY concepts one year earlier; the complaint guideline has no year.
SPECS: list[tuple[str, tuple[int, ...], tuple[tuple[str, ...], ...]]] = [
    ("ac_plan", (2567, 2568, 2569), ((), ("duration",))),
    ("risk_assessment", (2567, 2568, 2569), ((), ("measures",))),
    ("proc_annual", (2566, 2567, 2568), ((),)),
    ("ac_report", (2566, 2567, 2568), ((),)),
    ("complaint_guideline", (0,), ((), ("handling_steps",))),
]
CSS = "body{font-family:'Loma','Garuda','Norasi',sans-serif;font-size:13pt} table{border-collapse:collapse}"
CSS += " td,th{border:1px solid #000;padding:3px} h1{font-size:16pt}"


def template_html(concept: str, year: int, drop: tuple[str, ...]) -> str:
    key = template_key(concept, year, drop)
    rng = random.Random(key)
    ctx = Ctx(agency=TEMPLATE_AGENCY, fy=year or 2569, year=year or 2569, rng=rng, drop=frozenset(drop))
    c = BUILDERS[concept](ctx)
    body = f"<h1>{c.title}</h1><p>{TEMPLATE_AGENCY.name}</p>" + c.html(frozenset(drop))
    if year % 2 == 1:  # odd years in Thai digits, as many official letters are
        body = thai_digits("<div>" + body + "</div>")
    head = f'<head><meta charset="utf-8"><style>{CSS}</style></head>'
    return f'<!DOCTYPE html><html lang="th">{head}<body>{body}</body></html>'


def main() -> int:
    soffice = shutil.which("soffice")
    if soffice is None:
        print("soffice (LibreOffice) is not installed", file=sys.stderr)
        return 2
    manifest: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="world-assets-") as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for concept, years, variants in SPECS:
            for year in years:
                for drop in variants:
                    key = template_key(concept, year, drop)
                    (src / f"{key}.html").write_text(template_html(concept, year, drop), encoding="utf-8")
                    manifest[key] = f"{key}.pdf"
        files = sorted(str(p) for p in src.glob("*.html"))
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--infilter=HTML (StarWriter)",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(ASSETS),
                *files,
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
    MANIFEST.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(manifest)} templates in {ASSETS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
