"""Crawler benchmarks: HTTP path vs a bare Scrapy spider, browser path, one agency check, unchanged re-scan.

Run: .venv/bin/python -m benchmarks.bench_crawl   (see benchmarks/README.md)
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.sites import make_tree_site, serve_dir
from ita_checker.check import CheckOptions, run_check
from ita_checker.crawl.job import CrawlJob
from ita_checker.crawl.process import run_crawl
from ita_checker.store.blobs import Store

OUT = Path("outputs/bench")


def _usage() -> tuple[float, float, int, int]:
    s = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime, c.ru_utime + c.ru_stime, s.ru_maxrss, c.ru_maxrss


def bare(base: str, tmp: Path, concurrent_items: int = 100) -> tuple[int, float]:
    out = tmp / "bare.json"
    t0 = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "benchmarks.bare_spider", base + "/", str(out), str(concurrent_items)], check=True
    )
    wall = time.monotonic() - t0
    return int(json.loads(out.read_text())["items"]), wall


def ours(base: str, tmp: Path, *, browser: str = "never", max_pages: int = 10_000) -> tuple[int, float, int]:
    store_dir = tmp / f"store-{time.monotonic_ns()}"
    store = Store(store_dir)
    run_id = store.begin_run(agency="bench", site=base + "/")
    job = CrawlJob(
        run_id=run_id,
        store_dir=store_dir,
        site=base + "/",
        allow_private=True,
        max_pages=max_pages,
        max_depth=3,
        obey_robots=False,
        sitemap=False,
        polite=False,
        browser=browser,
        max_browser_pages=2 * max_pages,
    )
    t0 = time.monotonic()
    run_crawl(job, log_dir=tmp)
    wall = time.monotonic() - t0
    recs = store.fetches(run_id)
    store.close()
    return sum(1 for r in recs if r.ok), wall, sum(1 for r in recs if r.via_browser)


def bench_http(tmp: Path, sections: int, per_section: int, repeat: int) -> dict[str, Any]:
    root = tmp / "http-site"
    n = make_tree_site(root, sections=sections, per_section=per_section)
    srv = serve_dir(root)
    try:
        rows = []
        for _ in range(repeat):
            b_pages, b_wall = bare(srv.base_url, tmp)
            t_pages, t_wall = bare(srv.base_url, tmp, concurrent_items=16)
            o_pages, o_wall, _ = ours(srv.base_url, tmp)
            rows.append(
                {
                    "bare_pages": b_pages,
                    "bare_s": b_wall,
                    "bare16_pages": t_pages,
                    "bare16_s": t_wall,
                    "ours_pages": o_pages,
                    "ours_s": o_wall,
                    "ratio": (o_pages / o_wall) / (b_pages / b_wall),
                    "ratio_same_settings": (o_pages / o_wall) / (t_pages / t_wall),
                }
            )
    finally:
        srv.stop()
    return {
        "site_pages": n,
        "server": srv.kind,
        "runs": rows,
        "bare_pages_per_s": statistics.median(r["bare_pages"] / r["bare_s"] for r in rows),
        "ours_pages_per_s": statistics.median(r["ours_pages"] / r["ours_s"] for r in rows),
        "bare16_pages_per_s": statistics.median(r["bare16_pages"] / r["bare16_s"] for r in rows),
        "ratio_median": statistics.median(r["ratio"] for r in rows),
        "ratio_same_settings_median": statistics.median(r["ratio_same_settings"] for r in rows),
    }


def bench_browser(tmp: Path, js_pages: int) -> dict[str, Any]:
    root = tmp / "js-site"
    make_tree_site(root, sections=0, per_section=0, js_pages=js_pages)
    srv = serve_dir(root)
    try:
        pages, wall, via_browser = ours(srv.base_url, tmp, browser="always", max_pages=js_pages + 5)
    finally:
        srv.stop()
    return {"pages": pages, "via_browser": via_browser, "wall_s": wall, "pages_per_s": via_browser / wall}


def bench_agency(tmp: Path, sections: int, per_section: int, docs: int) -> dict[str, Any]:
    root = tmp / "agency-site"
    n = make_tree_site(root, sections=sections, per_section=per_section, documents=docs)
    srv = serve_dir(root)
    store_dir = tmp / "agency-store"
    out: dict[str, Any] = {"site_pages": n, "site_documents": docs, "server": srv.kind}
    try:
        for label in ("first", "rescan"):
            cpu0, ccpu0, _, _ = _usage()
            t0 = time.monotonic()
            res = run_check(
                CheckOptions(
                    site=srv.base_url + "/",
                    year=2569,
                    agency_type="local",
                    allow_private=True,
                    out_dir=tmp / f"agency-out-{label}",
                    store_dir=store_dir,
                    max_pages=n + 10,
                    max_documents=docs + 10,
                )
            )
            wall = time.monotonic() - t0
            cpu1, ccpu1, self_rss, child_rss = _usage()
            out[label] = {
                "wall_s": wall,
                "cpu_s": (cpu1 - cpu0) + (ccpu1 - ccpu0),
                "pages": res.result["crawl"]["pages_fetched"],
                "documents": res.result["crawl"]["documents_fetched"],
                "peak_rss_mb_self": self_rss / 1024,
                "peak_rss_mb_children": child_rss / 1024,
                "timings": res.result["timings"],
                "not_modified": res.result["crawl"]["not_modified"],
                "carried_over": "carried_over" in res.result,
            }
    finally:
        srv.stop()
    out["rescan_wall_ratio"] = out["rescan"]["wall_s"] / out["first"]["wall_s"]
    out["rescan_cpu_ratio"] = out["rescan"]["cpu_s"] / out["first"]["cpu_s"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sections", type=int, default=40)
    ap.add_argument("--per-section", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--js-pages", type=int, default=30)
    ap.add_argument("--agency-docs", type=int, default=30)
    ap.add_argument("--only-agency", action="store_true", help="only the one-agency first check vs re-scan")
    args = ap.parse_args()
    if args.only_agency:
        with tempfile.TemporaryDirectory(prefix="ita-bench-") as t:
            a = bench_agency(Path(t), 10, 10, args.agency_docs)
        for k in ("first", "rescan"):
            r = a[k]
            print(
                f"Agency check {k}: wall {r['wall_s']:.2f} s, CPU {r['cpu_s']:.2f} s, "
                f"carried over {r['carried_over']}; {r['timings']}"
            )
        print(f"Re-scan of unchanged site: wall {a['rescan_wall_ratio']:.2f}, CPU {a['rescan_cpu_ratio']:.2f} of first")
        return
    with tempfile.TemporaryDirectory(prefix="ita-bench-") as t:
        tmp = Path(t)
        res = {
            "date": time.strftime("%Y-%m-%d %H:%M"),
            "machine": f"{platform.machine()} {platform.node()}",
            "cpus": __import__("os").cpu_count(),
            "http": bench_http(tmp, args.sections, args.per_section, args.repeat),
            "browser": bench_browser(tmp, args.js_pages),
            "agency": bench_agency(tmp, 10, 10, args.agency_docs),
        }
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"crawl-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(res, indent=2, ensure_ascii=False), encoding="utf-8")
    h, b, a = res["http"], res["browser"], res["agency"]
    print(
        f"HTTP path ({h['site_pages']} pages, {h['server']}): ours {h['ours_pages_per_s']:.0f} p/s, "
        f"bare Scrapy {h['bare_pages_per_s']:.0f} p/s (with CONCURRENT_ITEMS=16: {h['bare16_pages_per_s']:.0f}), "
        f"ratio {h['ratio_median']:.2f} / same settings {h['ratio_same_settings_median']:.2f} "
        f"(median of {args.repeat})"
    )
    print(f"Browser path: {b['via_browser']} pages in {b['wall_s']:.1f} s = {b['pages_per_s']:.1f} p/s")
    for k in ("first", "rescan"):
        r = a[k]
        print(
            f"Agency check {k}: {r['pages']} pages + {r['documents']} docs, wall {r['wall_s']:.1f} s, "
            f"CPU {r['cpu_s']:.1f} s, peak RSS self {r['peak_rss_mb_self']:.0f} MB / "
            f"children {r['peak_rss_mb_children']:.0f} MB; {r['timings']}"
        )
    print(f"Re-scan of unchanged site: wall {a['rescan_wall_ratio']:.2f}, CPU {a['rescan_cpu_ratio']:.2f} of first")
    print(f"written {path}")


if __name__ == "__main__":
    main()
