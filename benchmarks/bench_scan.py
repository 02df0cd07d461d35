"""Benchmark: a province scan of world agencies, cold and unchanged, shared crawler vs one crawler per agency.

Each scan is the real command (``python -m ita_checker scan``) in its own process; CPU is that process tree's
(user + system of the scan and every process it waited for: crawler, Chromium, tesseract), peak memory is the
largest sum of the tree's proportional set sizes (PSS), sampled twice a second. Everything is measured in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil

from benchmarks.world.generator import build_world
from ita_checker.demo.server import RunningSite, SiteConfig, serve

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2569
SAMPLE_S = 0.5


def world_agencies(tmp: Path, n: int, seed: int) -> tuple[Path, list[dict[str, Any]]]:
    """``n`` FY2569 agencies of world ``seed`` (a quarter of the world's agencies are FY2568: skipped)."""
    world = tmp / "world"
    total = min(250, n + n // 2 + 4)
    build_world(world, total, seed, slow=False)
    meta = json.loads((world / "world.json").read_text(encoding="utf-8"))
    sites = [json.loads((world / s / "site.json").read_text(encoding="utf-8")) for s in meta["sites"]]
    chosen = [s for s in sites if int(s["year"]) == YEAR][:n]
    if len(chosen) < n:
        raise SystemExit(f"world {seed} has only {len(chosen)} FY{YEAR} agencies among {total}")
    return world, chosen


def serve_world(world: Path, sites: list[dict[str, Any]]) -> list[RunningSite]:
    servers = []
    for site in sites:
        root = world / site["slug"]
        cfg = SiteConfig(root=root / "www", send_charset=bool(site["send_charset"]), routes=site["routes"])
        servers.append(serve(cfg, host=site["host"], port=int(site["port"])))
        if (root / "ext").is_dir():
            servers.append(serve(SiteConfig(root=root / "ext"), host=site["ext_host"], port=int(site["port"])))
    return servers


def write_inputs(tmp: Path, world: Path, sites: list[dict[str, Any]]) -> tuple[Path, Path]:
    """The province's registry (CSV) and its folder of per-agency forms (``forms/<id>.csv``)."""
    forms = tmp / "forms"
    forms.mkdir(parents=True, exist_ok=True)
    rows = ["id,name,type,province,district,site"]
    for s in sites:
        rows.append(f"{s['slug']},{s['name']},{s['agency_type']},พิษณุโลก,เมือง,{s['site_url']}")
        shutil.copy(world / s["slug"] / "submissions.csv", forms / f"{s['slug']}.csv")
    registry = tmp / "registry.csv"
    registry.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return registry, forms


def _kind(p: psutil.Process) -> str:
    """What a process of the tree is: the checker, the crawler, Chromium, the Playwright driver, tesseract."""
    cmd = " ".join(p.cmdline())
    if "crawler.serve" in cmd or "crawler.run" in cmd:
        return "crawler"
    if "chrom" in cmd:
        return "chromium"
    if "playwright" in cmd or p.name() == "node":
        return "playwright driver"
    if "tesseract" in cmd:
        return "tesseract"
    return "checker" if "ita_checker" in cmd else p.name()


def _tree_memory(proc: psutil.Process, cpu: dict[int, tuple[str, float]]) -> tuple[int, int, dict[str, int]]:
    """(bytes, processes, bytes per kind) of ``proc`` and every descendant alive now, counted as PSS (shared
    pages split between the processes that share them: Chromium's processes share most of theirs); ``cpu``
    gets each process's CPU seconds so far (pid → (kind, seconds))."""
    total, count = 0, 0
    kinds: dict[str, int] = {}
    try:
        members = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0, 0, {}
    for p in members:
        try:
            pss = p.memory_full_info().pss
            kind = _kind(p)
            t = p.cpu_times()
        except psutil.Error:
            continue
        cpu[p.pid] = (kind, t.user + t.system)
        total += pss
        count += 1
        kinds[kind] = kinds.get(kind, 0) + pss
    return total, count, kinds


def _by_kind(cpu: dict[int, tuple[str, float]]) -> dict[str, float]:
    """CPU seconds per kind of process, as last sampled (a process's last half second is missed)."""
    out: dict[str, float] = {}
    for kind, seconds in cpu.values():
        out[kind] = round(out.get(kind, 0.0) + seconds, 1)
    return dict(sorted(out.items()))


def measure(cmd: list[str], *, cwd: Path) -> dict[str, Any]:
    """Run ``cmd``; wall, CPU of its whole waited-for tree, peak tree RSS and peak process count."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ps = psutil.Process(proc.pid)
    peak: dict[str, Any] = {"rss": 0, "procs": 0, "kinds": {}}
    cpu: dict[int, tuple[str, float]] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss, count, kinds = _tree_memory(ps, cpu)
            if rss > peak["rss"]:
                peak["rss"], peak["kinds"] = rss, kinds
            peak["procs"] = max(peak["procs"], count)
            done.wait(SAMPLE_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"scan failed ({proc.returncode}): {err.decode(errors='replace')[-3000:]}")
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "cpu_s_by_kind_sampled": _by_kind(cpu),
        "peak_tree_pss_mb": round(peak["rss"] / 2**20),
        "peak_pss_mb_by_kind": {k: round(v / 2**20) for k, v in sorted(peak["kinds"].items())},
        "peak_processes": peak["procs"],
        "load_avg_1m_at_end": round(os.getloadavg()[0], 2),  # other work on the machine skews the figures
    }


def scan_cmd(
    registry: Path, forms: Path, out: Path, store: Path, *, workers: int, shared: bool, revisit_days: int = 0
) -> list[str]:
    cmd = [sys.executable, "-m", "ita_checker", "scan", "--registry", str(registry), "--year", str(YEAR)]
    cmd += ["--submissions", str(forms), "--out", str(out), "--store", str(store), "--workers", str(workers)]
    cmd += ["--allow-private-network", "--no-progress", "--revisit-stable-days", str(revisit_days)]
    return cmd + ([] if shared else ["--crawler-per-agency"])


def age_store(store: Path, days: float) -> None:
    """Move every recorded fetch ``days`` into the past: the nights between scans, without waiting for them."""
    db = sqlite3.connect(store / "ita.sqlite")
    try:
        db.execute("UPDATE fetches SET fetched_at = fetched_at - ?", (days * 86400,))
        db.commit()
    finally:
        db.close()


def reused(out: Path) -> tuple[int, int]:
    """(agencies whose result was carried over, fetches reused without a request) in the last scan's results."""
    results = [json.loads(p.read_text(encoding="utf-8")) for p in (out / "agencies").glob("*/result.json")]
    carried = sum(1 for r in results if "carried_over" in r)
    return carried, sum(int(r["crawl"].get("fresh_reused", 0)) for r in results)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--agencies", type=int, default=16)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=4, help="agencies checked at once (scan --workers)")
    ap.add_argument("--only-shared", action="store_true", help="skip the crawler-per-agency scans")
    ap.add_argument("--keep", action="store_true", help="keep the world, stores and outputs (path printed)")
    ap.add_argument("--out", type=Path, default=ROOT / "outputs" / "bench_scan.json")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ita-bench-scan-"))
    world, sites = world_agencies(tmp, args.agencies, args.seed)
    servers = serve_world(world, sites)
    registry, forms = write_inputs(tmp, world, sites)
    n = len(sites)
    nproc = os.cpu_count() or 1
    rows: list[dict[str, Any]] = []
    try:
        for shared in (True, False) if not args.only_shared else (True,):
            tag = "shared" if shared else "per-agency"
            out, store = tmp / f"out-{tag}", tmp / f"store-{tag}"
            # cold: empty store; unchanged: the next night, every URL asked again (304s); warm: a night in the
            # steady state of --revisit-stable-days 7 (documents and renderings unchanged for 9 days, last
            # requested the night before, are reused without a request)
            for night, age_before, revisit in (("cold", 0, 0), ("unchanged", 8, 0), ("warm-revisit-7", 1, 7)):
                if age_before:
                    age_store(store, age_before)
                row = {"crawler": tag, "night": night, "agencies": n, "workers": args.workers}
                cmd = scan_cmd(registry, forms, out, store, workers=args.workers, shared=shared, revisit_days=revisit)
                row |= measure(cmd, cwd=tmp)
                row["cpu_s_per_agency"] = round(row["cpu_s"] / n, 2)
                row["agencies_per_cpu_hour"] = round(n / max(row["cpu_s"], 0.1) * 3600)
                row["agencies_per_hour_per_core"] = round(n / row["wall_s"] * 3600 / nproc)
                row["carried_over"], row["fresh_reused"] = reused(out)
                rows.append(row)
                print(json.dumps(row, ensure_ascii=False), flush=True)
    finally:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda s: s.stop(), servers))
        if args.keep:
            print(f"kept {tmp}", flush=True)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    by = {(r["crawler"], r["night"]): r for r in rows}
    ratios = {
        "unchanged_vs_cold_cpu_shared": round(by["shared", "unchanged"]["cpu_s"] / by["shared", "cold"]["cpu_s"], 3)
    }
    if ("per-agency", "cold") in by:
        ratios["shared_vs_per_agency_cold_cpu"] = round(
            by["shared", "cold"]["cpu_s"] / by["per-agency", "cold"]["cpu_s"], 3
        )
        ratios["shared_vs_per_agency_unchanged_cpu"] = round(
            by["shared", "unchanged"]["cpu_s"] / by["per-agency", "unchanged"]["cpu_s"], 3
        )
        ratios["unchanged_vs_cold_cpu_per_agency"] = round(
            by["per-agency", "unchanged"]["cpu_s"] / by["per-agency", "cold"]["cpu_s"], 3
        )
    doc = {
        "benchmark": "scan",
        "measured": time.strftime("%Y-%m-%d %H:%M"),
        "nproc": nproc,
        "machine": platform.machine(),
        "python": platform.python_version(),
        "world": {"seed": args.seed, "agencies": n, "slow": False, "year": YEAR},
        "runs": rows,
        "ratios": ratios,
    }
    print(json.dumps(ratios, ensure_ascii=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
