"""Ctrl-C / SIGTERM during check and scan: prompt stop, exit 130, no complete-looking result, resume; --out locks."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from ita_checker.check import run_check
from ita_checker.demo.server import RunningSite, SiteConfig, serve
from ita_checker.errors import InputError
from ita_checker.outdir import locked_out_dir
from ita_checker.store.blobs import Store
from ita_checker.store.history import History

from .conftest import ROOT, SITES, write_submissions
from .test_crawler import _marked_pids
from .test_faults import MINI, _ok_urls, _opts, _wait_for
from .test_scan_e2e import AGENCIES, PROVINCE, write_registry

pytestmark = pytest.mark.timeout(240)


def _check_cmd(base: str, sub: Path, tmp_path: Path, out: str = "out1") -> list[str]:
    return [
        sys.executable,
        "-m",
        "ita_checker",
        "check",
        base + "/",
        "--year",
        "2569",
        "--agency-type",
        "local",
        "--submissions",
        str(sub),
        "--allow-private-network",
        "--store",
        str(tmp_path / "store"),
        "--out",
        str(tmp_path / out),
        "--no-screenshots",
        "--browser",
        "never",
    ]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_check_exits_130_writes_nothing_and_resumes(tmp_path: Path, sig: signal.Signals) -> None:
    routes: dict[str, dict[str, Any]] = {"/oit/plan.html": {"delay": 30}}
    site: RunningSite = serve(SiteConfig(root=MINI, routes=routes))
    marker = uuid.uuid4().hex
    try:
        sub = write_submissions(SITES / "mini" / "submissions.csv", site.base_url, tmp_path / "s.csv")
        env = dict(os.environ, PYTHONPATH=str(ROOT), ITA_TEST_MARKER=marker)
        proc = subprocess.Popen(
            _check_cmd(site.base_url, sub, tmp_path),
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert _wait_for(lambda: f"{site.base_url}/oit/structure.html" in _ok_urls(tmp_path / "store"), 60)
            time.sleep(0.5)  # the slow page (30 s) is in flight
            t0 = time.monotonic()
            proc.send_signal(sig)
            _, err = proc.communicate(timeout=20)
            stopped_in = time.monotonic() - t0
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == 130, (proc.returncode, err[-2000:])
        assert stopped_in < 10, stopped_in
        assert "Traceback" not in err
        assert "ถูกขัดจังหวะ" in err
        assert "interrupted" in err
        assert err.index("ถูกขัดจังหวะ") < err.index("interrupted")  # Thai first
        # nothing that looks like a complete check was written
        for name in ("result.json", "report.html", "report.xlsx"):
            assert not (tmp_path / "out1" / name).exists(), name
        # the crawler did not outlive the checker
        assert _wait_for(lambda: not (_marked_pids(marker) - {str(os.getpid())}), 8), "crawler left running"
        kept = _ok_urls(tmp_path / "store")
        assert kept
        store = Store(tmp_path / "store")
        assert store.db.execute("SELECT status FROM runs").fetchall() == [("running",)]  # resumable
        store.close()
        routes.clear()
        n = len(site.hits)
        res = run_check(_opts(tmp_path, site.base_url, sub)).result
        again = set(site.hits[n:])
    finally:
        site.stop()
    assert any("resumed" in note for note in res["notes"])
    assert not {u.removeprefix(site.base_url) for u in kept} & again, "pages fetched before the stop were refetched"
    assert {it["code"]: it["verdict"] for it in res["items"]}["O1"] == "pass"


def _down_site_check(tmp_path: Path, *, store: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """``check`` of a site nothing listens on, in its own process: for refusals that come before any request."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "ita_checker",
            "check",
            "http://127.0.0.1:9/",
            "--year",
            "2569",
            "--agency-type",
            "local",
            "--allow-private-network",
            "--store",
            str(store),
            "--out",
            str(out),
        ],
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_out_folder_in_use_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with locked_out_dir(out):
        # a second process (another check) is refused at once with exit 2
        proc = _down_site_check(tmp_path, store=tmp_path / "store", out=out)
    assert proc.returncode == 2, proc.stderr
    assert "กำลังถูกใช้" in proc.stderr
    assert "in use by another run" in proc.stderr
    assert "Traceback" not in proc.stderr
    with locked_out_dir(out):  # released when the holder leaves the block
        pass


@pytest.mark.parametrize("kind", ["file", "readonly", "proc"])
def test_bad_out_paths_are_input_errors(tmp_path: Path, kind: str) -> None:
    if kind == "file":
        path = tmp_path / "report.txt"
        path.write_text("x", encoding="utf-8")
    elif kind == "readonly":
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")  # the /proc case covers unwritable for root
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        path = ro / "out"
    else:
        path = Path("/proc/ita-checker-out")
    with pytest.raises(InputError) as exc, locked_out_dir(path):
        pass
    assert "--out" in str(exc.value)
    assert str(path) in str(exc.value)


def test_bad_store_path_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "not-a-dir").write_text("x", encoding="utf-8")
    proc = _down_site_check(tmp_path, store=tmp_path / "not-a-dir" / "st", out=tmp_path / "out")
    assert proc.returncode == 2, proc.stderr
    assert "--store" in proc.stderr
    assert "ที่เก็บ" in proc.stderr
    assert "Traceback" not in proc.stderr


def _scan_cmd(registry: Path, tmp_path: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "ita_checker",
        "scan",
        "--registry",
        str(registry),
        "--year",
        "2569",
        "--out",
        str(tmp_path / "out"),
        "--store",
        str(tmp_path / "store"),
        "--allow-private-network",
        "--no-screenshots",
        "--browser",
        "never",
        "--workers",
        "2",
        "--no-progress",
        *extra,
    ]


def test_interrupted_scan_exits_130_and_resume_checks_only_the_rest(tmp_path: Path) -> None:
    servers: dict[str, RunningSite] = {}
    slow: dict[str, dict[str, Any]] = {"/oit/plan.html": {"delay": 60}, "/oit/contact.html": {"delay": 60}}
    for i, (aid, *_) in enumerate(AGENCIES):
        shutil.copytree(PROVINCE / aid / "www", tmp_path / "sites" / aid)
        routes = slow if i >= 2 else {}  # the first two finish, the others hang until interrupted
        servers[aid] = serve(SiteConfig(root=tmp_path / "sites" / aid, routes=routes))
    try:
        registry = write_registry(tmp_path / "registry.xlsx", {aid: s.base_url for aid, s in servers.items()})
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        proc = subprocess.Popen(
            _scan_cmd(registry, tmp_path), cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        first_two = [tmp_path / "out" / "agencies" / aid / "result.json" for aid, *_ in AGENCIES[:2]]
        try:
            assert _wait_for(lambda: all(p.exists() for p in first_two), 120), "first agencies never finished"
            assert _wait_for(lambda: any(s.hits for s in list(servers.values())[2:]), 60)
            t0 = time.monotonic()
            proc.send_signal(signal.SIGINT)
            out_b, err_b = proc.communicate(timeout=30)
            stopped_in = time.monotonic() - t0
        finally:
            if proc.poll() is None:
                proc.kill()
        err = err_b.decode("utf-8", "replace") + out_b.decode("utf-8", "replace")
        assert proc.returncode == 130, (proc.returncode, err[-3000:])
        assert stopped_in < 10, stopped_in
        assert "Traceback" not in err
        assert "สแกนหยุด" in err, err[-2000:]
        state = json.loads((tmp_path / "out" / "scan.json").read_text(encoding="utf-8"))
        assert state["status"] == "interrupted"
        assert not (tmp_path / "out" / "summary.json").exists()
        history = History(tmp_path / "store")
        try:
            runs = history.runs()
        finally:
            history.close()
        assert [r.status for r in runs if r.scan_id == state["scan_id"]] == ["interrupted"]
        # the rest of the sites answer now; the resumed scan checks only the agencies not done
        slow.clear()
        hits_before = {aid: len(s.hits) for aid, s in servers.items()}
        done = subprocess.run(
            _scan_cmd(registry, tmp_path, "--resume"), cwd=tmp_path, env=env, capture_output=True, timeout=300
        )
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-3000:]
        hits_after = {aid: len(s.hits) for aid, s in servers.items()}
    finally:
        for s in servers.values():
            s.stop()
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["scan_id"] == state["scan_id"]
    assert {a["id"]: a["status"] for a in summary["agencies"]} == {aid: "done" for aid, *_ in AGENCIES}
    for aid, *_ in AGENCIES[:2]:
        assert hits_after[aid] == hits_before[aid], f"{aid} was done before the stop and was checked again"
    for aid, *_ in AGENCIES[2:]:
        assert hits_after[aid] > hits_before[aid], f"{aid} was not finished before the stop and must be checked"
    assert not list((tmp_path / "out" / "agencies").glob("*/error.log"))
