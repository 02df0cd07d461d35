"""Benchmark: `check` of one world agency: wall time, CPU seconds and peak RSS (self and children)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.world.generator import build_world
from ita_checker.check import CheckOptions, run_check
from ita_checker.demo.server import SiteConfig, serve


def pick_agency(world: Path, wanted: str | None) -> dict[str, Any]:
    meta = json.loads((world / "world.json").read_text(encoding="utf-8"))
    for slug in meta["sites"]:
        site: dict[str, Any] = json.loads((world / slug / "site.json").read_text(encoding="utf-8"))
        if wanted and slug != wanted:
            continue
        if wanted or not site["needs_browser"]:
            return site
    raise SystemExit(f"no agency {wanted!r} in {world}")


def one_check(world: Path, site: dict[str, Any], store: Path, out: Path) -> dict[str, float]:
    root = world / site["slug"]
    servers = [
        serve(
            SiteConfig(root=root / "www", send_charset=bool(site["send_charset"]), routes=site["routes"]),
            host=site["host"],
            port=int(site["port"]),
        )
    ]
    if (root / "ext").is_dir():
        servers.append(serve(SiteConfig(root=root / "ext"), host=site["ext_host"], port=int(site["port"])))
    self0, kids0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    try:
        run = run_check(
            CheckOptions(
                site=site["site_url"],
                year=int(site["year"]),
                agency_type=site["agency_type"],
                submissions=root / "submissions.csv",
                name=site["name"],
                out_dir=out,
                allowed_hosts=[f"{site['host']}:{site['port']}", f"{site['ext_host']}:{site['port']}"],
                store_dir=store,
            )
        )
    finally:
        for s in servers:
            s.stop()
    wall = time.perf_counter() - t0
    self1, kids1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall_s": wall,
        "cpu_self_s": (self1.ru_utime + self1.ru_stime) - (self0.ru_utime + self0.ru_stime),
        "cpu_children_s": (kids1.ru_utime + kids1.ru_stime) - (kids0.ru_utime + kids0.ru_stime),
        "peak_rss_self_mb": self1.ru_maxrss / 1024,
        "peak_rss_children_mb": kids1.ru_maxrss / 1024,
        "pages": float(run.result["crawl"]["pages_fetched"]),
        "documents": float(run.result["crawl"]["documents_fetched"]),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Time `check` on one agency of the synthetic world")
    ap.add_argument("--agencies", type=int, default=6)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--agency", default=None, help="slug, e.g. a02-local (default: the first non-JS agency)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--port", type=int, default=8790)
    args = ap.parse_args(argv)
    world = Path("outputs/world") / f"bench-{args.seed}-{args.agencies}"
    build_world(world, args.agencies, args.seed, port=args.port, slow=False)
    site = pick_agency(world, args.agency)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        warm_store = Path(tmp) / "warm"
        for i in range(args.repeat):
            cold = Path(tmp) / f"cold-{i}"
            rows.append(("cold", one_check(world, site, cold, Path(tmp) / f"out-c{i}")))
            shutil.rmtree(cold, ignore_errors=True)
        one_check(world, site, warm_store, Path(tmp) / "out-w")  # fill the extraction cache
        for i in range(args.repeat):
            rows.append(("warm", one_check(world, site, warm_store, Path(tmp) / f"out-w{i}")))
    print(f"machine: nproc={os.cpu_count()} arch={platform.machine()} python={platform.python_version()}")
    print(f"agency: {site['slug']} ({site['agency_type']}, FY{site['year']}, layout {site['layout']})\n")
    head = f"{'store':<6}{'wall s':>8}{'cpu self s':>12}{'cpu child s':>13}{'rss self MB':>13}{'rss child MB':>14}"
    print(head + f"{'pages':>7}{'docs':>6}")
    for kind, r in rows:
        print(
            f"{kind:<6}{r['wall_s']:>8.2f}{r['cpu_self_s']:>12.2f}{r['cpu_children_s']:>13.2f}"
            f"{r['peak_rss_self_mb']:>13.0f}{r['peak_rss_children_mb']:>14.0f}{r['pages']:>7.0f}{r['documents']:>6.0f}"
        )
    print("\n(cold = empty store, warm = extraction cache filled; RSS peaks are process lifetime maxima)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
