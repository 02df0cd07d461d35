"""One store, many writers: four ``check`` processes at once on the same ``--store`` all succeed, nothing lost."""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from ita_checker.demo.server import RunningSite, SiteConfig, serve

from .conftest import ROOT, SITES, write_submissions

MINI = SITES / "mini" / "www"
PARALLEL = int(os.environ.get("ITA_TEST_PARALLEL", "4"))

pytestmark = pytest.mark.timeout(300)


def test_four_checks_in_parallel_on_one_store(tmp_path: Path) -> None:
    sites: list[RunningSite] = [serve(SiteConfig(root=MINI), host=f"127.0.42.{i + 1}") for i in range(PARALLEL)]
    try:
        procs = []
        for i, site in enumerate(sites):
            sub = write_submissions(SITES / "mini" / "submissions.csv", site.base_url, tmp_path / f"s{i}.csv")
            cmd = [
                sys.executable,
                "-m",
                "ita_checker",
                "check",
                site.base_url + "/",
                "--year",
                "2569",
                "--agency-type",
                "local",
                "--name",
                f"หน่วยงานทดสอบ {i}",
                "--submissions",
                str(sub),
                "--allow-private-network",
                "--store",
                str(tmp_path / "store"),
                "--out",
                str(tmp_path / f"out{i}"),
                "--no-screenshots",
                "--browser",
                "never",
            ]
            procs.append(
                subprocess.Popen(
                    cmd,
                    cwd=tmp_path,
                    env=dict(os.environ, PYTHONPATH=str(ROOT)),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        outcomes = [(p.wait(timeout=240), p.communicate()[1]) for p in procs]
        hits = [len(s.hits) for s in sites]
    finally:
        for s in sites:
            s.stop()
    for rc, err in outcomes:
        assert rc == 0, err[-3000:]
        assert "locked" not in err
    results = [json.loads((tmp_path / f"out{i}" / "result.json").read_text(encoding="utf-8")) for i in range(PARALLEL)]
    db = sqlite3.connect(tmp_path / "store" / "ita.sqlite")
    try:
        runs = dict(db.execute("SELECT run_id, status FROM runs").fetchall())
        paths: dict[str, set[str]] = {}
        for run_id, url in db.execute("SELECT run_id, url FROM fetches"):
            paths.setdefault(run_id, set()).add(url.split("/", 3)[-1])
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()
    assert integrity == "ok"
    assert sorted(runs) == sorted(r["run_id"] for r in results)
    assert set(runs.values()) == {"done"}
    assert all(hits), hits
    # four identical sites: every run recorded the same pages (none lost to a write that gave up)
    recorded = [paths[r["run_id"]] for r in results]
    assert recorded[0]
    assert all(rec == recorded[0] for rec in recorded), recorded
    for i, r in enumerate(results):
        verdicts = {it["code"]: it["verdict"] for it in r["items"]}
        assert verdicts["O1"] == "pass", (i, verdicts)
    # the four identical sites got identical verdicts: no run read another's half-written state
    assert len({json.dumps([(it["code"], it["verdict"]) for it in r["items"]]) for r in results}) == 1


def _open_all(root: str) -> str | None:
    """Open the crawl store, the history and the politeness leases on ``root``; the error text, if any."""
    from ita_checker.crawl.politeness import IpLimiter, IpPolicy
    from ita_checker.store.blobs import Store
    from ita_checker.store.history import History

    try:
        Store(Path(root)).close()
        History(Path(root)).close()
        IpLimiter(Path(root), IpPolicy()).close()
    except Exception as exc:  # the test reports any failure of a first open
        return repr(exc)
    return None


def test_first_opens_of_a_fresh_store_do_not_race(tmp_path: Path) -> None:
    """Eight processes opening one new store at once (a scan's workers starting together) all succeed.

    Before the schema lock, every one of 30 rounds had a process fail with "database is locked" (the WAL
    switch) or "table scan_runs already exists" (two processes both creating the history tables).
    """
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(8) as pool:
        for round_no in range(5):
            root = tmp_path / f"store{round_no}"
            errors = [e for e in pool.map(_open_all, [str(root)] * 8) if e]
            assert errors == [], errors
            db = sqlite3.connect(root / "ita.sqlite")
            try:
                assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            finally:
                db.close()
