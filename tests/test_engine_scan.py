"""Distributed scans on the task engine (procrastinate, PostgreSQL): `scan --db` queues, `worker` processes check."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
import pytest

from benchmarks.services import pg_bin, start_postgres
from benchmarks.sites import make_small_agency_site, write_registry_csv
from ita_checker.demo.server import SiteConfig, serve
from ita_checker.scan.engine import CHECK_TASK, conninfo
from ita_checker.store.history import History

from .conftest import ROOT

pytestmark = pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL server binaries are not installed")

AGENCIES = 20


@pytest.fixture(scope="module")
def pg() -> Iterator[str]:
    server = start_postgres()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("engine")
    servers = {}
    for i in range(AGENCIES):
        make_small_agency_site(tmp / "sites" / f"a{i}", i)
        servers[f"E{i:03d}"] = serve(SiteConfig(root=tmp / "sites" / f"a{i}"), host=f"127.0.34.{i + 1}")
    try:
        registry = write_registry_csv(tmp / "registry.csv", {k: s.base_url for k, s in servers.items()})
        yield {"tmp": tmp, "registry": registry, "ids": sorted(servers)}
    finally:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda s: s.stop(), servers.values()))


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT))


def _scan(province: dict[str, Any], db: str, scan_id: str, *extra: str) -> subprocess.CompletedProcess[str]:
    tmp = province["tmp"]
    cmd = [sys.executable, "-m", "ita_checker", "scan", "--registry", str(province["registry"]), "--year", "2569",
           "--db", db, "--scan-id", scan_id, "--out", str(tmp / "out"), "--store", str(tmp / "store-scan"),
           "--allow-private-network", "--no-ocr", "--no-screenshots", "--no-pdf", "--browser", "never",
           "--max-pages", "5", "--no-progress", *extra]  # fmt: skip
    return subprocess.run(cmd, cwd=tmp, env=_env(), capture_output=True, text=True, timeout=300, check=False)


def _worker(province: dict[str, Any], db: str, name: str) -> subprocess.Popen[str]:
    tmp = province["tmp"]
    cmd = [sys.executable, "-m", "ita_checker", "worker", "--db", db, "--name", name, "--workers", "1",
           "--store", str(tmp / f"store-{name}"), "--heartbeat", "1", "--stall", "4"]  # fmt: skip
    with (tmp / f"{name}.log").open("w") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(cmd, cwd=tmp, env=_env(), stdout=log, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)  # fmt: skip


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # procrastinate finishes the running job, then stops
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _wait_finished(db: str, scan_id: str, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        h = History(db)
        try:
            run = next((r for r in h.runs() if r.scan_id == scan_id), None)
        finally:
            h.close()
        if run is not None and run.finished_at is not None:
            return
        time.sleep(0.5)
    raise AssertionError(f"scan {scan_id} did not finish")


def _jobs(db: str, scan_id: str) -> dict[str, tuple[str, int]]:
    """(status, attempts) of each agency's job."""
    with psycopg.connect(conninfo(db)) as c:
        rows = c.execute(
            "SELECT args->>'agency_id', status, attempts FROM procrastinate_jobs "
            "WHERE task_name = %s AND args->>'scan_id' = %s",
            (CHECK_TASK, scan_id),
        ).fetchall()
    return {str(a): (str(s), int(n)) for a, s, n in rows}


def _assert_once_each(db: str, scan_id: str, ids: list[str]) -> dict[str, tuple[str, int]]:
    h = History(db)
    try:
        attempts = h.attempts(scan_id)
        run = h.get_run(scan_id)
    finally:
        h.close()
    assert run.status == "done"
    assert (run.agencies, run.done, run.errors) == (len(ids), len(ids), 0)
    assert sorted(attempts) == ids
    assert all(n == 1 for _, n in attempts.values()), attempts  # each agency recorded exactly once
    return attempts


def test_two_workers_finish_a_queued_registry_each_agency_once(pg: str, province: dict[str, Any]) -> None:
    ids, scan_id = province["ids"], "engine-two"
    queued = _scan(province, pg, scan_id, "--no-wait")
    assert queued.returncode == 0, queued.stdout + queued.stderr
    assert f"ส่ง {AGENCIES} หน่วยงานเข้าคิว" in queued.stdout
    again = _scan(province, pg, scan_id, "--no-wait")  # the same scan queued twice: no job added
    assert "ส่ง 0 หน่วยงานเข้าคิว" in again.stdout, again.stdout + again.stderr
    workers = [_worker(province, pg, n) for n in ("w1", "w2")]
    try:
        _wait_finished(pg, scan_id)
    finally:
        for w in workers:
            _stop(w)
    attempts = _assert_once_each(pg, scan_id, ids)
    assert {w for w, _ in attempts.values()} == {"w1", "w2"}  # both did some of the work
    assert set(_jobs(pg, scan_id).values()) == {("succeeded", 1)}  # one attempt each
    summary = json.loads((province["tmp"] / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["scan_id"] == scan_id
    assert [a["id"] for a in summary["agencies"]] == ids


def test_a_killed_workers_agency_is_redone_by_another(pg: str, province: dict[str, Any]) -> None:
    ids, scan_id = province["ids"], "engine-kill"
    assert _scan(province, pg, scan_id, "--no-wait").returncode == 0
    victim = _worker(province, pg, "victim")
    held = ""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not held:  # kill it mid-check, after it recorded one agency
        jobs = _jobs(pg, scan_id)
        h = History(pg)
        did = [a for a, (w, _) in h.attempts(scan_id).items() if w == "victim"]
        h.close()
        doing = [a for a, (s, _) in jobs.items() if s == "doing" and a not in did]
        if did and doing:
            os.killpg(victim.pid, signal.SIGKILL)  # the worker and its crawler process
            held = doing[0]
        time.sleep(0.05)
    assert held, "the victim never held a job"
    victim.wait(timeout=10)
    h = History(pg)
    raced = h.attempts(scan_id).get(held, ("", 0))[0] == "victim"  # recorded between the look and the kill
    h.close()
    survivor = _worker(province, pg, "survivor")
    follow = [sys.executable, "-m", "ita_checker", "scan", "--registry", str(province["registry"]), "--year", "2569",
              "--db", pg, "--scan-id", scan_id, "--out", str(province["tmp"] / "out"), "--no-progress",
              "--allow-private-network"]  # fmt: skip
    # scan --db without --no-wait joins the queued scan (queues nothing again) and follows it to its end
    waiting = subprocess.Popen(follow, cwd=province["tmp"], env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)  # fmt: skip
    try:
        out, err = waiting.communicate(timeout=150)
    finally:
        _stop(survivor)
    assert waiting.returncode == 0, out + err
    assert f"ส่ง 0 หน่วยงานเข้าคิว (จาก {AGENCIES})" in out
    assert f"สแกน {scan_id} เสร็จ: ตรวจแล้ว {AGENCIES}/{AGENCIES}" in out
    attempts = _assert_once_each(pg, scan_id, ids)
    assert attempts[held][0] == ("victim" if raced else "survivor")  # redone by the live worker
    assert _jobs(pg, scan_id)[held] == ("succeeded", 2)  # the engine retried the stalled job once


def test_a_worker_needs_postgres(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "ita_checker", "worker", "--db", f"sqlite:///{tmp_path}/h.sqlite"],
        capture_output=True, text=True, env=_env(), timeout=60, check=False,
    )  # fmt: skip
    assert r.returncode == 2
    assert "ต้องใช้ PostgreSQL" in r.stderr


def test_sql_history_on_postgres_upserts(pg: str) -> None:
    h = History(pg)
    try:
        agency = {"id": "X1", "name": "อบต.ทดสอบ", "type": "local", "site": "https://x1.example.go.th/"}
        items = [{"code": "O1", "verdict": "pass", "urls": [], "evidence": []}]
        result = {"summary": {"score": 100.0, "counts": {}}, "items": items, "run_id": "r"}
        h.begin_scan("pg-a", year=2569, registry=Path("r.csv"), out_dir=Path("o"), meta={})
        for worker in ("w1", "w2"):  # the same agency recorded twice (a redone lease): still one row
            h.record_agency("pg-a", agency, status="done", result=result, worker=worker)
        h.finish_scan("pg-a", "done")
        h.begin_scan("pg-b", year=2569, registry=Path("r.csv"), out_dir=Path("o"), meta={})
        items[0]["verdict"] = "stale"
        h.record_agency("pg-b", agency, status="done", result={**result, "items": items})
        h.finish_scan("pg-b", "done")
        assert h.attempts("pg-a") == {"X1": ("w2", 2)}
        assert [r.agencies for r in h.runs(2569) if r.scan_id.startswith("pg-")] == [1, 1]
        d = h.diff("pg-a", "pg-b")
        assert [(c.code, c.before, c.after) for c in d.regressions] == [("O1", "pass", "stale")]
    finally:
        h.close()
