"""Benchmark: extraction and rule-evaluation throughput (documents/s) on the synthetic world's files."""

from __future__ import annotations

import argparse
import mimetypes
import os
import platform
import time
from collections import defaultdict
from pathlib import Path

from benchmarks.world.generator import build_world
from ita_checker.extract.dispatch import extract, sniff_kind
from ita_checker.extract.document import Document
from ita_checker.extract.evidence import EvidenceDoc
from ita_checker.rules.engine import judge_bundle
from ita_checker.rules.loader import get_ruleset
from ita_checker.store.blobs import FetchRecord

KINDS = (".html", ".htm", ".pdf", ".docx", ".xlsx")


def world_files(world: Path) -> list[tuple[Path, str]]:
    """(file, URL) of every page and document of the world (not the images)."""
    out = []
    for site in sorted(p for p in world.iterdir() if (p / "www").is_dir()):
        for f in sorted((site / "www").rglob("*")):
            if f.suffix.lower() in KINDS:
                out.append((f, f"http://{site.name}.example/{f.relative_to(site / 'www').as_posix()}"))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Extraction and rule-evaluation throughput")
    ap.add_argument("--agencies", type=int, default=6)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ocr", action="store_true", help="also OCR the scanned PDFs (slow: ~2 s per page)")
    ap.add_argument("--repeat", type=int, default=3, help="rule-evaluation rounds")
    args = ap.parse_args(argv)
    world = Path("outputs/world") / f"bench-{args.seed}-{args.agencies}"
    build_world(world, args.agencies, args.seed, slow=False)
    files = world_files(world)

    # 1. extraction, per document kind
    by_kind: dict[str, list[float]] = defaultdict(list)
    docs: list[EvidenceDoc] = []
    for f, url in files:
        body = f.read_bytes()
        ctype = mimetypes.guess_type(f.name)[0]
        kind = sniff_kind(body, ctype, url)
        t0 = time.perf_counter()
        doc: Document = extract(body, url=url, content_type=ctype, ocr=args.ocr)
        dt = time.perf_counter() - t0
        label = "pdf (scanned)" if kind == "pdf" and not doc.text.strip() else kind
        by_kind[label].append(dt)
        docs.append(EvidenceDoc(record=FetchRecord(url=url, source="submitted", content_type=ctype), doc=doc))

    # 2. rule evaluation: every rule of the rule set on every document (one-document bundles)
    rs = get_ruleset("nacc-2569")
    best = float("inf")
    for _ in range(max(1, args.repeat)):
        fresh = [EvidenceDoc(record=d.record, doc=d.doc) for d in docs]  # drop the memoised facts
        t0 = time.perf_counter()
        for ev in fresh:
            for rule in rs.rules:
                judge_bundle(rule, [ev], fy=2569, agency_type="local", primary={ev.url})
        best = min(best, time.perf_counter() - t0)

    print(f"machine: nproc={os.cpu_count()} arch={platform.machine()} python={platform.python_version()}")
    print(f"world: {world} ({args.agencies} agencies, {len(files)} files)\n")
    print(f"{'extraction':<16}{'docs':>7}{'total s':>10}{'docs/s':>10}{'ms/doc':>9}")
    for kind, times in sorted(by_kind.items()):
        total = sum(times)
        rate = len(times) / total if total else float("inf")
        print(f"{kind:<16}{len(times):>7}{total:>10.2f}{rate:>10.1f}{1000 * total / len(times):>9.1f}")
    n = len(docs)
    print(f"\n{'rule evaluation':<16}{'docs':>7}{'rules':>7}{'best s':>9}{'docs/s':>10}{'judgements/s':>14}")
    print(f"{rs.id:<16}{n:>7}{len(rs.rules):>7}{best:>9.2f}{n / best:>10.1f}{n * len(rs.rules) / best:>14.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
