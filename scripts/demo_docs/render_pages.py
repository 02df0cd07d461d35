"""Render the demo sites' HTML pages from the sources in scripts/demo_docs/<site>/pages/.

Each site keeps one layout (``pages/_layout.html``) and one fragment per page. A fragment starts
with a header comment, for example::

    <!-- title: โครงสร้างองค์กร -->
    <!-- layout: none -->          (optional: write the file as it is, no layout)

Placeholders: ``{{title}}`` and ``{{content}}`` in the layout, ``{{root}}`` anywhere (the relative
path from the page back to the site root, e.g. ``./`` or ``../../``). Links stay relative so a site
works both at ``http://127.0.0.1:PORT/`` and under a sub-path.

The output goes to ita_checker/demo/sites/<site>/www/<same relative path>, encoded as the site
needs (the อบต. site is windows-874, the others UTF-8). Small placeholder executive photos are
drawn with Pillow. Run through scripts/build_demo_docs.sh.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "scripts" / "demo_docs"
DEST = ROOT / "ita_checker" / "demo" / "sites"

# Output encoding per site. cp874 is Python's name for windows-874.
ENCODING = {
    "abt-suan-dok": "cp874",
    "dept-community-water": "utf-8",
    "province-nakhon-thai": "utf-8",
}

# Placeholder photos (relative path under www → (background, shirt colour)).
PHOTOS = {
    "abt-suan-dok": {
        "images/exec-m.png": ((206, 224, 240), (40, 60, 110)),
        "images/exec-f.png": ((240, 226, 206), (120, 40, 60)),
    },
    "dept-community-water": {
        "images/exec-1.png": ((200, 225, 245), (30, 50, 90)),
        "images/exec-2.png": ((225, 240, 230), (90, 40, 50)),
    },
    "province-nakhon-thai": {
        "images/gov.png": ((220, 220, 235), (245, 245, 245)),
        "images/exec.png": ((235, 228, 210), (50, 50, 60)),
    },
}

HEADER = re.compile(r"^<!--\s*(\w+)\s*:\s*(.*?)\s*-->\s*\n")


def read_fragment(path: Path) -> tuple[dict[str, str], str]:
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    while m := HEADER.match(text):
        meta[m.group(1)] = m.group(2)
        text = text[m.end() :]
    return meta, text


def root_prefix(rel: Path) -> str:
    depth = len(rel.parts) - 1
    return "./" if depth == 0 else "../" * depth


def render_site(site: str) -> int:
    pages = SRC / site / "pages"
    layout = (pages / "_layout.html").read_text(encoding="utf-8")
    www = DEST / site / "www"
    count = 0
    for src in sorted(pages.rglob("*")):
        if not src.is_file() or src.name.startswith("_"):
            continue
        rel = src.relative_to(pages)
        meta, body = read_fragment(src)
        if meta.get("layout") == "none":
            html = body
        else:
            html = layout.replace("{{content}}", body.rstrip("\n"))
        html = html.replace("{{title}}", meta.get("title", "")).replace("{{root}}", root_prefix(rel))
        out = www / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        # newline="\r\n" for the old windows-874 site, like pages saved by an old Windows editor.
        newline = "\r\n" if ENCODING[site] == "cp874" else "\n"
        with open(out, "w", encoding=ENCODING[site], errors="strict", newline=newline) as fh:
            fh.write(html)
        count += 1
    return count


def draw_photo(path: Path, background: tuple[int, int, int], shirt: tuple[int, int, int]) -> None:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (120, 150), background)
    d = ImageDraw.Draw(img)
    d.ellipse((38, 22, 82, 72), fill=(222, 184, 150))  # face
    d.pieslice((34, 14, 86, 62), 180, 360, fill=(35, 30, 30))  # hair
    d.rounded_rectangle((14, 82, 106, 170), radius=30, fill=shirt)  # shoulders
    d.polygon([(52, 82), (68, 82), (60, 104)], fill=(250, 250, 250))  # collar
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, optimize=True)


def main() -> int:
    sites = sys.argv[1:] or sorted(ENCODING)
    for site in sites:
        n = render_site(site)
        for rel, (bg, shirt) in PHOTOS.get(site, {}).items():
            draw_photo(DEST / site / "www" / rel, bg, shirt)
        print(f"{site}: {n} pages ({ENCODING[site]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
