"""Benchmark: agencies/hour per worker of distributed scans (Redis queue + PostgreSQL) with 1 and 2 worker processes."""

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

from benchmarks.services import missing_services, start_postgres, start_redis
from benchmarks.sites import ROOT, make_small_agency_site, write_registry_csv
from ita_checker.demo.server import SiteConfig, serve
from ita_checker.store.history import History


def run_scan(tmp: Path, registry: Path, redis_url: str, db_url: str, workers: int, scan_id: str) -> dict[str, Any]:
    """Start ``workers`` worker processes on one scan and wait for all; wall time from first start to last exit."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    base = [sys.executable, "-m", "ita_checker", "scan", "--registry", str(registry), "--year", "2569"]
    base += ["--redis", redis_url, "--db", db_url, "--scan-id", scan_id, "--workers", "1", "--no-progress"]
    base += ["--out", str(tmp / scan_id), "--allow-private-network", "--no-ocr", "--no-screenshots"]
    base += ["--browser", "never"]
    t0 = time.perf_counter()
    procs = [
        subprocess.Popen(
            [*base, "--worker-id", f"w{i}", "--store", str(tmp / f"store-{scan_id}-{i}")],
            cwd=tmp,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for i in range(workers)
    ]
    for p in procs:
        _, err = p.communicate(timeout=1800)
        if p.returncode != 0:
            raise SystemExit(f"worker failed ({p.returncode}): {err.decode(errors='replace')[-2000:]}")
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
    redis, pg = start_redis(), start_postgres()
    rows = []
    try:
        for n in args.workers:
            rows.append(run_scan(tmp, registry, redis.url, pg.url, n, f"bench-{n}w"))
            print(json.dumps(rows[-1], ensure_ascii=False))
    finally:
        pg.stop()
        redis.stop()
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
