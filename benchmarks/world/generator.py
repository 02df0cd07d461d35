"""Build N agency sites (www/, site.json, submissions.csv, labels.json, plan.json) from a seed."""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks.world.catalog import ITEMS, ItemSpec
from benchmarks.world.content import DATE_STYLES, make_agency
from benchmarks.world.plan import ItemPlan, served_status
from benchmarks.world.render import SiteStyle, write_png
from benchmarks.world.shapes import AgencyShapes, world_shapes
from benchmarks.world.site import AgencySite

TYPES = ("local", "department", "local", "province", "district", "local")
LAYOUTS = ("table", "cards", "accordion", "wordpress", "old874", "cards", "accordion", "js", "wordpress", "table")


def layout_for(index: int, seed: int, *, allow_js: bool) -> str:
    layout = LAYOUTS[(index * 7 + seed) % len(LAYOUTS)]
    return "cards" if layout == "js" and not allow_js else layout


# --- one agency ---------------------------------------------------------------------------------------


def build_agency(
    out: Path,
    index: int,
    seed: int,
    *,
    port: int = 8780,
    slow: bool = True,
    allow_js: bool = True,
    scanned: bool = True,
    shapes: AgencyShapes | None = None,
) -> dict[str, Any]:
    """Build agency ``index`` of world ``seed`` under ``out``; ``shapes`` from :func:`world_shapes`."""
    rng = random.Random(f"world-{seed}-{index}")
    host, ext_host = f"127.0.10.{index + 1}", f"127.0.20.{index + 1}"
    agency_type = TYPES[(index + seed) % len(TYPES)]
    fy = 2568 if rng.random() < 0.25 else 2569
    slug = f"a{index + 1:02d}-{agency_type}"
    a = make_agency(slug, agency_type, rng)
    layout = layout_for(index, seed, allow_js=allow_js)
    style = SiteStyle(
        layout=layout,
        charset="windows-874" if layout == "old874" else "utf-8",
        thai=rng.random() < 0.3,
        date_style="wp" if layout == "wordpress" else rng.choice(DATE_STYLES),
        label_style=rng.randrange(4),
        page_dir=rng.choice(("oit", f"ita{fy}", "data", "index.php")),
        doc_dir="wp-content/uploads/2026/01" if layout == "wordpress" else rng.choice(("files", "uploads/ita", "doc")),
        thai_names=rng.random() < 0.3,
    )
    root = out / slug
    if root.exists():
        shutil.rmtree(root)
    (root / "www").mkdir(parents=True)
    _images(root / "www")
    site = AgencySite(
        a=a,
        fy=fy,
        style=style,
        rng=rng,
        srng=random.Random(f"world-{seed}-{index}-shapes"),
        root=root,
        site_url=f"http://{host}:{port}",
        ext_url=f"http://{ext_host}:{port}",
        slow=slow,
        scanned=scanned,
        shapes=shapes or AgencyShapes(),
    )
    plans = site.build()
    meta = {
        "slug": slug,
        "name": a.name,
        "agency_type": agency_type,
        "year": fy,
        "layout": layout,
        "publishing": "ita_index" if site.shapes.index else "item_pages",
        "markup": site.shapes.markup,
        "index_page": site.index_path,
        "charset": style.charset,
        "send_charset": style.charset == "utf-8",
        "thai_digits": style.thai,
        "date_style": style.date_style,
        "needs_browser": layout == "js",
        "has_ext": site.uses_ext,
        "routes": site.routes,
        "host": host,
        "ext_host": ext_host,
        "port": port,
        "site_url": site.site_url + "/",
    }
    for plan in plans:
        urls = [u.replace("{site}", site.site_url).replace("{ext}", site.ext_url) for u in plan.submitted]
        plan.statuses = [served_status(u.split("#")[0], meta, root) for u in urls]
    _write_meta(root, meta, ITEMS[fy], plans, site.site_url)
    return meta


def _images(www: Path) -> None:
    write_png(www / "images" / "org-chart.png", (0.2, 0.4, 0.8))
    write_png(www / "images" / "banner.png", (0.9, 0.9, 0.9))
    for i in range(5):
        write_png(www / "images" / f"exec-{i + 1}.png", (0.5 + i * 0.1, 0.4, 0.3))


def _write_meta(root: Path, meta: dict[str, Any], specs: list[ItemSpec], plans: list[ItemPlan], site_url: str) -> None:
    (root / "site.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    with (root / "submissions.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["ข้อ", "ข้อมูล", "URL", "คำอธิบาย"])
        for spec, plan in zip(specs, plans, strict=True):
            note = "หน้าหลัก > ITA" if plan.submitted else ""
            urls = [u.replace("{site}", site_url) for u in plan.submitted]
            w.writerow([spec.code, spec.title, "\n".join(urls), note])
    labels = {p.code: p.label for p in plans}
    (root / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1), encoding="utf-8")
    plan_json = json.dumps([asdict(p) for p in plans], ensure_ascii=False, indent=1)
    (root / "plan.json").write_text(plan_json, encoding="utf-8")


def build_world(
    out: Path,
    n: int,
    seed: int,
    *,
    port: int = 8780,
    slow: bool = True,
    allow_js: bool = True,
    scanned: bool = True,
) -> list[dict[str, Any]]:
    """Build ``n`` agencies under ``out`` (deterministic for a seed and port) and write ``world.json``."""
    if not 1 <= n <= 250:
        raise ValueError("--agencies must be between 1 and 250 (one loopback address each)")
    out.mkdir(parents=True, exist_ok=True)
    can_index = [layout_for(i, seed, allow_js=allow_js) != "js" for i in range(n)]
    shapes = world_shapes(seed, can_index)
    sites = [
        build_agency(out, i, seed, port=port, slow=slow, allow_js=allow_js, scanned=scanned, shapes=shapes[i])
        for i in range(n)
    ]
    meta: dict[str, Any] = {"seed": seed, "agencies": n, "port": port, "slow": slow, "allow_js": allow_js}
    meta["sites"] = [s["slug"] for s in sites]
    (out / "world.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return sites


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate the synthetic OIT test world")
    ap.add_argument("--agencies", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--port", type=int, default=8780, help="TCP port every agency host listens on")
    ap.add_argument("--no-slow", action="store_true", help="no timeout defects")
    args = ap.parse_args(argv)
    out = args.out or Path("outputs/world") / f"{args.seed}-{args.agencies}"
    sites = build_world(out, args.agencies, args.seed, port=args.port, slow=not args.no_slow)
    print(f"{len(sites)} agencies in {out}")
    return 0
