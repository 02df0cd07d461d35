"""Distributed scans: worker processes sharing a Redis lease queue and a PostgreSQL history (issue #7)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis

from benchmarks.services import missing_services, start_postgres, start_redis
from benchmarks.sites import make_small_agency_site, write_registry_csv
from ita_checker.demo.server import SiteConfig, serve
from ita_checker.store.history import History

from .conftest import ROOT

pytestmark = pytest.mark.skipif(missing_services() is not None, reason=str(missing_services()))

AGENCIES = 20


@pytest.fixture(scope="session")
def services():
    """redis-server and PostgreSQL on free loopback ports, stopped (no process left) at the end."""
    r = start_redis()
    try:
        pg = start_postgres()
    except BaseException:
        r.stop()
        raise
    yield {"redis": r.url, "db": pg.url}
    pg.stop()
    r.stop()
    assert r.proc.poll() is not None


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """AGENCIES tiny sites, one demosrv server each, and a registry of them."""
    tmp = tmp_path_factory.mktemp("dist")
    servers = {}
    for i in range(AGENCIES):
        make_small_agency_site(tmp / "sites" / f"a{i}", i)
        servers[f"D{i:03d}"] = serve(SiteConfig(root=tmp / "sites" / f"a{i}"))
    try:
        registry = write_registry_csv(tmp / "registry.csv", {k: s.base_url for k, s in servers.items()})
        yield {"tmp": tmp, "registry": registry, "ids": sorted(servers)}
    finally:
        with ThreadPoolExecutor(8) as pool:  # each stop waits for its server's poll interval
            list(pool.map(lambda s: s.stop(), servers.values()))


def _worker(province, services, worker_id: str, *extra: str) -> subprocess.Popen[str]:
    tmp = province["tmp"]
    cmd = [sys.executable, "-m", "ita_checker", "scan", "--registry", str(province["registry"]), "--year", "2569"]
    cmd += ["--redis", services["redis"], "--db", services["db"], "--worker-id", worker_id, "--workers", "1"]
    cmd += ["--out", str(tmp / "out"), "--store", str(tmp / f"store-{worker_id}"), "--allow-private-network"]
    cmd += ["--no-ocr", "--no-screenshots", "--browser", "never", "--max-pages", "5", "--no-progress", *extra]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        cmd, cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def _finish(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, out + err[-3000:]
    return out


def _alive_under(path: Path) -> list[str]:
    """Command lines of live (non-zombie) processes that mention ``path``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if str(path) in cmdline and state != "Z":
            found.append(cmdline)
    return found


def _assert_once_each(services, scan_id: str, ids: list[str]) -> dict[str, tuple[str, int]]:
    h = History(services["db"])
    try:
        runs = {r.scan_id: r for r in h.runs(2569)}
        attempts = h.attempts(scan_id)
        verdict_rows = h.verdicts(scan_id)
    finally:
        h.close()
    run = runs[scan_id]
    assert run.status == "done"
    assert (run.agencies, run.done, run.errors) == (len(ids), len(ids), 0)  # one row per agency: none lost or doubled
    assert sorted(attempts) == ids
    assert len({a for a, _ in verdict_rows}) == len(ids)
    return attempts


def test_two_workers_share_one_scan(services, province):
    ids = province["ids"]
    t0 = time.monotonic()
    procs = [_worker(province, services, w) for w in ("w1", "w2")]
    outs = [_finish(p) for p in procs]
    elapsed = time.monotonic() - t0
    summary = json.loads((province["tmp"] / "out" / "summary.json").read_text(encoding="utf-8"))
    scan_id = summary["scan_id"]
    attempts = _assert_once_each(services, scan_id, ids)
    assert {w for w, _ in attempts.values()} == {"w1", "w2"}  # both workers did some of the work
    assert all(n == 1 for _, n in attempts.values())  # nobody died: each agency checked exactly once
    assert [a["id"] for a in summary["agencies"]] == ids
    assert all(a["status"] == "done" for a in summary["agencies"])
    assert sum("ตรวจแล้ว 20/20" in o for o in outs) == 1  # exactly one worker wrote the province reports
    for aid in ids:
        res = json.loads((province["tmp"] / "out" / "agencies" / aid / "result.json").read_text(encoding="utf-8"))
        assert res["scan_id"] == scan_id
    client = redis.Redis.from_url(services["redis"], decode_responses=True)
    assert client.scard(f"ita:scan:{scan_id}:done") == len(ids)
    assert client.llen(f"ita:scan:{scan_id}:pending") == 0
    client.close()
    print(f"2 workers, {len(ids)} agencies: {elapsed:.1f} s")


def test_killed_worker_loses_nothing_and_its_lease_is_reclaimed(services, province):
    ids, scan_id = province["ids"], "fault-test"
    client = redis.Redis.from_url(services["redis"], decode_responses=True)
    extra = ("--scan-id", scan_id, "--lease-ttl", "3")
    victim, w2 = _worker(province, services, "victim", *extra), _worker(province, services, "w2", *extra)
    held: list[str] = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:  # kill the victim mid-check, after it finished at least one agency
        h = History(services["db"])
        did = [a for a, (w, _) in h.attempts(scan_id).items() if w == "victim"]
        h.close()
        held = client.lrange(f"ita:scan:{scan_id}:processing:victim", 0, -1)
        if did and held:
            os.killpg(victim.pid, signal.SIGKILL)  # the worker and its crawler process
            break
        time.sleep(0.05)
    assert held, "the victim worker never held a lease"
    victim.communicate(timeout=10)  # reap it and close its pipes
    assert victim.returncode == -signal.SIGKILL
    w3 = _worker(province, services, "w3", *extra)
    _finish(w2)
    _finish(w3)
    attempts = _assert_once_each(services, scan_id, ids)
    reclaimed = client.lrange(f"ita:scan:{scan_id}:reclaimed", 0, -1)
    assert any(r.split(" ")[:2] == [held[0], "victim"] for r in reclaimed), reclaimed
    assert attempts[held[0]][0] in ("w2", "w3")  # redone by a live worker
    assert client.scard(f"ita:scan:{scan_id}:done") == len(ids)
    assert client.llen(f"ita:scan:{scan_id}:processing:victim") == 0
    client.close()
    summary = json.loads((province["tmp"] / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["scan_id"] == scan_id
    assert summary["internal_errors"] == 0
    assert _alive_under(province["tmp"]) == []  # no worker or crawler process left behind


def test_sql_history_on_postgres_upserts(services):
    h = History(services["db"])
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
