"""Accuracy harness: run `check` (and the naive baseline) over the synthetic world and compare with its labels."""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks.baseline import baseline_verdicts
from benchmarks.world.generator import build_world
from ita_checker.check import CheckOptions, run_check
from ita_checker.demo.server import RunningSite, SiteConfig, serve

VERDICTS = ("pass", "fail", "stale", "incomplete", "unreachable", "needs_review", "not_applicable")
SHORT = {"pass": "pass", "fail": "fail", "stale": "stale", "incomplete": "incompl", "unreachable": "unreach"}
SHORT |= {"needs_review": "review", "not_applicable": "n/a"}


@dataclass
class Row:
    """One item of one agency: the label and what each system said."""

    agency: str
    code: str
    label: str
    defect: str
    fmt: str
    layout: str
    needs_browser: bool
    shape: str = ""  # how the item is published and submitted (benchmarks/world/README.md)
    answered_200: bool = False  # every submitted URL answered HTTP 200 (per the world's plan)
    checker: str = ""
    baseline: str = ""
    reasons: str = ""


@dataclass
class AgencyRun:
    slug: str
    rows: list[Row]
    wall_s: float
    error: str = ""


def load_world(world: Path) -> list[dict[str, Any]]:
    meta = json.loads((world / "world.json").read_text(encoding="utf-8"))
    return [json.loads((world / s / "site.json").read_text(encoding="utf-8")) for s in meta["sites"]]


def check_agency(world: Path, site: dict[str, Any], run_dir: Path, *, systems: tuple[str, ...]) -> AgencyRun:
    """Serve one agency (and its external host) on its loopback address, run the systems, collect rows."""
    root = world / site["slug"]
    plans = {p["code"]: p for p in json.loads((root / "plan.json").read_text(encoding="utf-8"))}
    rows = {
        code: Row(
            agency=site["slug"],
            code=code,
            label=p["label"],
            defect=p["defect"],
            fmt=p["fmt"],
            layout=site["layout"],
            needs_browser=bool(site["needs_browser"]),
            shape=p.get("shape", ""),
            answered_200=bool(p.get("statuses")) and all(st == 200 for st in p["statuses"]),
        )
        for code, p in plans.items()
    }
    servers: list[RunningSite] = []
    t0 = time.monotonic()
    error = ""
    try:
        cfg = SiteConfig(root=root / "www", send_charset=bool(site["send_charset"]), routes=site["routes"])
        servers.append(serve(cfg, host=site["host"], port=int(site["port"])))
        if (root / "ext").is_dir():
            servers.append(serve(SiteConfig(root=root / "ext"), host=site["ext_host"], port=int(site["port"])))
        hosts = [f"{site['host']}:{site['port']}", f"{site['ext_host']}:{site['port']}"]
        if "checker" in systems:
            opts = CheckOptions(
                site=site["site_url"],
                year=int(site["year"]),
                agency_type=site["agency_type"],
                submissions=root / "submissions.csv",
                name=site["name"],
                out_dir=run_dir / site["slug"],
                allowed_hosts=hosts,
                store_dir=run_dir / "store" / site["slug"],
            )
            result = run_check(opts).result
            for it in result["items"]:
                if it["code"] in rows:
                    rows[it["code"]].checker = it["verdict"]
                    rows[it["code"]].reasons = " | ".join(it.get("reasons", []))[:300]
        if "baseline" in systems:
            base = baseline_verdicts(root / "submissions.csv", year=int(site["year"]), agency_type=site["agency_type"])
            for code, v in base.items():
                if code in rows:
                    rows[code].baseline = v
    except Exception as exc:  # one broken agency must not lose the others
        error = f"{type(exc).__name__}: {exc}"[:500]
    finally:
        for s in servers:
            s.stop()
    return AgencyRun(slug=site["slug"], rows=list(rows.values()), wall_s=time.monotonic() - t0, error=error)


def metrics(rows: list[Row], system: str) -> dict[str, Any]:
    """Agreement, false-pass rate, confusion matrix and worst items of one system over ``rows``."""
    pairs = [(r.label, getattr(r, system)) for r in rows if getattr(r, system)]
    n = len(pairs)
    if n == 0:
        return {"n": 0}
    not_pass = [(lab, got) for lab, got in pairs if lab != "pass"]
    is_pass = [(lab, got) for lab, got in pairs if lab == "pass"]
    confusion: dict[str, dict[str, int]] = {lab: dict.fromkeys(VERDICTS, 0) for lab in VERDICTS}
    for lab, got in pairs:
        confusion.setdefault(lab, dict.fromkeys(VERDICTS, 0))[got] = confusion[lab].get(got, 0) + 1
    per_item: dict[str, Counter[str]] = defaultdict(Counter)
    per_defect: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        got = getattr(r, system)
        if not got:
            continue
        per_item[r.code]["n"] += 1
        per_defect[r.defect]["n"] += 1
        if got != r.label:
            per_item[r.code]["wrong"] += 1
            per_defect[r.defect]["wrong"] += 1
        if got == "pass" and r.label != "pass":
            per_item[r.code]["false_pass"] += 1
            per_defect[r.defect]["false_pass"] += 1
    false_passes = sum(1 for _, got in not_pass if got == "pass")
    worst = sorted(per_item.items(), key=lambda kv: (-kv[1]["false_pass"], -kv[1]["wrong"], kv[0]))
    blind = unreachable_although_200(rows, system)
    return {
        "n": n,
        "exact_agreement": round(sum(1 for lab, got in pairs if lab == got) / n, 4),
        "binary_agreement": round(sum(1 for lab, got in pairs if (lab == "pass") == (got == "pass")) / n, 4),
        "false_pass_rate": round(false_passes / len(not_pass), 4) if not_pass else 0.0,
        "false_passes": false_passes,
        "labelled_not_pass": len(not_pass),
        "missed_pass_rate": round(sum(1 for _, got in is_pass if got != "pass") / len(is_pass), 4) if is_pass else 0.0,
        "confusion": confusion,
        "per_item": {k: dict(v) for k, v in worst},
        "per_defect": {k: dict(v) for k, v in sorted(per_defect.items())},
        "per_shape": per_shape(rows, system),
        "disagreements": disagreements(rows, system),
        "unreachable_although_200": len(blind),
        "unreachable_although_200_rows": [f"{r.agency} {r.code} {r.shape} label {r.label}" for r in blind[:20]],
    }


def per_shape(rows: list[Row], system: str) -> dict[str, dict[str, Any]]:
    """Items, wrong verdicts, false passes and agreement per publishing shape."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        if getattr(r, system):
            groups[r.shape or "-"].append(r)
    out: dict[str, dict[str, Any]] = {}
    for shape, rs in sorted(groups.items()):
        got = [getattr(r, system) for r in rs]
        out[shape] = {
            "n": len(rs),
            "labels": dict(Counter(r.label for r in rs)),
            "wrong": sum(1 for r, g in zip(rs, got, strict=True) if g != r.label),
            "false_pass": sum(1 for r, g in zip(rs, got, strict=True) if g == "pass" and r.label != "pass"),
            "exact_agreement": round(sum(1 for r, g in zip(rs, got, strict=True) if g == r.label) / len(rs), 4),
            "binary_agreement": round(
                sum(1 for r, g in zip(rs, got, strict=True) if (g == "pass") == (r.label == "pass")) / len(rs), 4
            ),
        }
    return out


def disagreements(rows: list[Row], system: str) -> list[dict[str, Any]]:
    """Wrong verdicts grouped by (shape, label, verdict), most frequent first, each with one example."""
    groups: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for r in rows:
        got = getattr(r, system)
        if got and got != r.label:
            groups[(r.shape or "-", r.label, got)].append(r)
    out = []
    for (shape, label, got), rs in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        ex = rs[0]
        out.append({"shape": shape, "label": label, "verdict": got, "n": len(rs), "example": f"{ex.agency} {ex.code}"})
        out[-1]["reasons"] = ex.reasons if system == "checker" else ""
    return out


def unreachable_although_200(rows: list[Row], system: str) -> list[Row]:
    """Items judged unreachable whose submitted URLs all answered HTTP 200 and whose label is not unreachable."""
    return [r for r in rows if getattr(r, system) == "unreachable" and r.answered_200 and r.label != "unreachable"]


def format_report(title: str, m: dict[str, Any], *, worst: int = 8) -> str:
    if not m.get("n"):
        return f"== {title}: no items\n"
    out = [f"== {title}: {m['n']} items"]
    out.append(
        f"binary agreement (pass vs not) {m['binary_agreement']:.3f} | exact agreement {m['exact_agreement']:.3f} | "
        f"false-pass rate {m['false_pass_rate']:.3f} ({m['false_passes']}/{m['labelled_not_pass']}) | "
        f"missed-pass rate {m['missed_pass_rate']:.3f}"
    )
    out.append("confusion (rows = label, columns = verdict)")
    out.append(f"{'':>10} " + " ".join(f"{SHORT[v]:>8}" for v in VERDICTS))
    for lab in VERDICTS:
        row = m["confusion"].get(lab, {})
        if sum(row.values()):
            out.append(f"{SHORT[lab]:>10} " + " ".join(f"{row.get(v, 0):>8}" for v in VERDICTS))
    out.append("by planted defect (wrong / n, false passes)")
    for d, c in m["per_defect"].items():
        out.append(f"  {d:<12} {c.get('wrong', 0):>3} / {c['n']:<4} fp {c.get('false_pass', 0)}")
    if m.get("per_shape"):
        out.append("by shape (wrong / n, false passes, exact and binary agreement)")
        for sh, c in m["per_shape"].items():
            out.append(
                f"  {sh:<20} {c['wrong']:>3} / {c['n']:<4} fp {c['false_pass']:<3} "
                f"exact {c['exact_agreement']:.3f} binary {c['binary_agreement']:.3f}"
            )
    out.append(f"judged unreachable although every submitted URL answered 200: {m.get('unreachable_although_200', 0)}")
    if m.get("disagreements"):
        out.append("disagreements by shape (label -> verdict: n, example)")
        for d in m["disagreements"]:
            out.append(f"  {d['shape']:<20} {d['label']:>11} -> {d['verdict']:<12} {d['n']:>3}  e.g. {d['example']}")
    bad = [(k, c) for k, c in m["per_item"].items() if c.get("wrong", 0)][:worst]
    if bad:
        out.append("worst items (wrong / n, false passes)")
        for k, c in bad:
            out.append(f"  {k:<5} {c.get('wrong', 0):>3} / {c['n']:<4} fp {c.get('false_pass', 0)}")
    return "\n".join(out) + "\n"


def run(
    world: Path, out_root: Path, *, systems: tuple[str, ...], jobs: int = 2, progress: bool = True
) -> dict[str, Any]:
    """Check every agency of ``world``; return (and write) the report."""
    sites = load_world(world)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    run_dir = out_root / f"run-{stamp}"
    run_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    runs: list[AgencyRun] = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(check_agency, world, s, run_dir, systems=systems) for s in sites]
        for f in futures:
            r = f.result()
            runs.append(r)
            if progress:
                bad = sum(1 for x in r.rows if x.checker and x.checker != x.label)
                msg = f"  {r.slug:<18} {r.wall_s:6.1f}s  checker wrong {bad:>2}/{len(r.rows)}"
                print(msg + (f"  ERROR {r.error}" if r.error else ""), file=sys.stderr, flush=True)
    rows = [row for r in runs for row in r.rows]
    main_rows = [r for r in rows if not r.needs_browser]
    browser_rows = [r for r in rows if r.needs_browser]
    report: dict[str, Any] = {
        "world": str(world),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"nproc": os.cpu_count(), "arch": platform.machine(), "python": platform.python_version()},
        "wall_s": round(time.monotonic() - t0, 1),
        "agencies": len(sites),
        "browser_agencies": sorted({r.agency for r in browser_rows}),
        "errors": {r.slug: r.error for r in runs if r.error},
        "agency_wall_s": {r.slug: round(r.wall_s, 1) for r in runs},
        "systems": {},
        "rows": [asdict(r) for r in rows],
    }
    for system in systems:
        report["systems"][system] = {"main": metrics(main_rows, system), "needs_browser": metrics(browser_rows, system)}
    out_root.mkdir(parents=True, exist_ok=True)
    path = out_root / f"{stamp}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    report["path"] = str(path)
    shutil.rmtree(run_dir / "store", ignore_errors=True)
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Accuracy of ita-checker (and a naive baseline) on the synthetic world")
    ap.add_argument("--agencies", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--port", type=int, default=8780)
    ap.add_argument("--world", type=Path, default=None, help="world directory (default outputs/world/SEED-N)")
    ap.add_argument("--out", type=Path, default=Path("outputs/accuracy"))
    ap.add_argument("--jobs", type=int, default=2, help="agencies checked at once")
    ap.add_argument("--system", choices=("both", "checker", "baseline"), default="both")
    ap.add_argument("--no-slow", action="store_true", help="world without timeout defects")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    world = args.world or Path("outputs/world") / f"{args.seed}-{args.agencies}"
    print(f"building world {world} ({args.agencies} agencies, seed {args.seed})", file=sys.stderr)
    build_world(world, args.agencies, args.seed, port=args.port, slow=not args.no_slow)
    systems = ("checker", "baseline") if args.system == "both" else (args.system,)
    rep = run(world, args.out, systems=systems, jobs=args.jobs)
    print(f"\nworld {world}: {rep['agencies']} agencies, {rep['wall_s']} s; browser-only: {rep['browser_agencies']}")
    for system in systems:
        print(format_report(f"{system} (agencies without JS rendering)", rep["systems"][system]["main"]))
        if rep["browser_agencies"]:
            browser = rep["systems"][system]["needs_browser"]
            print(format_report(f"{system} (JS-rendered agencies, needs_browser)", browser, worst=0))
    if rep["errors"]:
        print("errors:", json.dumps(rep["errors"], ensure_ascii=False))
    print(f"written {rep['path']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
