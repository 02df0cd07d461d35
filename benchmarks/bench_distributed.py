"""Benchmark: agencies/hour per worker of distributed scans (procrastinate on PostgreSQL) with 1 and 2 workers."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.services import missing_services, start_postgres
from benchmarks.sites import ROOT, make_small_agency_site, write_registry_csv
from ita_checker.demo.server import SiteConfig, serve
from ita_checker.store.history import History


def run_scan(tmp: Path, registry: Path, db_url: str, workers: int, scan_id: str) -> dict[str, Any]:
    """Queue the registry, start ``workers`` worker processes, wait until the scan's reports are written; wall
    time from the first worker's start to the end of the scan."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    scan = [sys.executable, "-m", "ita_checker", "scan", "--registry", str(registry), "--year", "2569"]
    scan += ["--db", db_url, "--scan-id", scan_id, "--no-wait", "--no-progress", "--out", str(tmp / scan_id)]
    scan += ["--allow-private-network", "--no-ocr", "--no-screenshots", "--no-pdf", "--browser", "never"]
    subprocess.run(scan, cwd=tmp, env=env, check=True, stdout=subprocess.DEVNULL)
    t0 = time.perf_counter()
    worker = [sys.executable, "-m", "ita_checker", "worker", "--db", db_url, "--workers", "1"]
    procs = [
        subprocess.Popen(
            [*worker, "--name", f"w{i}", "--store", str(tmp / f"store-{scan_id}-{i}")],
            cwd=tmp,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for i in range(workers)
    ]
    try:
        while True:
            h = History(db_url)
            try:
                run = next((r for r in h.runs() if r.scan_id == scan_id), None)
            finally:
                h.close()
            if run is not None and run.finished_at is not None:
                break
            if any(p.poll() is not None for p in procs):
                raise SystemExit(f"a worker stopped: {procs[0].stderr.read().decode(errors='replace')[-2000:]}")  # type: ignore[union-attr]
            time.sleep(0.2)
    finally:
        for p in procs:
            p.terminate()
            p.communicate(timeout=120)
    wall = time.perf_counter() - t0
    h = History(db_url)
    try:
        run = next(r for r in h.runs() if r.scan_id == scan_id)
        per_worker: dict[str, int] = {}
        for worker, _ in h.attempts(scan_id).values():
            per_worker[worker] = per_worker.get(worker, 0) + 1
    finally:
        h.close()
    n = run.done
    return {
        "workers": workers,
        "agencies": n,
        "wall_s": round(wall, 1),
        "agencies_per_hour": round(n / wall * 3600),
        "agencies_per_hour_per_worker": round(n / wall * 3600 / workers),
        "per_worker": per_worker,
        "load_avg_1m_at_end": round(os.getloadavg()[0], 2),  # other work on the machine skews the figures
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--agencies", type=int, default=20)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--out", type=Path, default=ROOT / "outputs" / "bench_distributed.json")
    args = ap.parse_args()
    if (why := missing_services()) is not None:
        raise SystemExit(why)
    tmp = Path(tempfile.mkdtemp(prefix="ita-bench-dist-"))
    servers = {}
    for i in range(args.agencies):
        make_small_agency_site(tmp / "sites" / f"a{i}", i)
        servers[f"B{i:04d}"] = serve(SiteConfig(root=tmp / "sites" / f"a{i}"))
    registry = write_registry_csv(tmp / "registry.csv", {k: s.base_url for k, s in servers.items()})
    pg = start_postgres()
    rows = []
    try:
        for n in args.workers:
            rows.append(run_scan(tmp, registry, pg.url, n, f"bench-{n}w"))
            print(json.dumps(rows[-1], ensure_ascii=False))
    finally:
        pg.stop()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda s: s.stop(), servers.values()))
        shutil.rmtree(tmp, ignore_errors=True)
    doc = {
        "benchmark": "distributed",
        "measured": time.strftime("%Y-%m-%d"),
        "nproc": os.cpu_count(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "site": "3 pages per agency on loopback (demosrv), --no-ocr --no-screenshots --browser never",
        "runs": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
