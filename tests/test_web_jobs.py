"""The self-check job board: one check per site at a time, states kept on disk, errors shown as said."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from ita_checker.errors import InputError
from ita_checker.options import CrawlSettings
from ita_checker.web import jobs
from ita_checker.web.jobs import Job, JobBoard


def _wait(board: JobBoard, job_id: str, state: str) -> Job:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        job = board.get(job_id)
        assert job is not None
        if job.state == state:
            return job
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} never reached {state}")


def test_one_check_per_site_at_a_time_and_results_survive_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    seen: list[Any] = []

    def fake_check(opts: Any, progress: Any) -> None:
        seen.append(opts)
        progress("crawl", {"pages": 3, "documents": 1, "errors": 0})
        release.wait(10)
        opts.out_dir.mkdir(parents=True)
        (opts.out_dir / "result.json").write_text("{}", encoding="utf-8")

    monkeypatch.setattr(jobs, "run_check", fake_check)
    board = JobBoard(tmp_path, CrawlSettings(store_dir=tmp_path / "store"), workers=2)
    first = board.submit(site="https://a.go.th/", year=2570, agency_type="local", form=None, name="อบต.ทดสอบ")
    running = _wait(board, first.id, "running")
    while not running.counts:  # the check reports its first counts
        time.sleep(0.02)
        running = board.get(first.id) or running
    assert running.stage == "crawl"
    assert running.counts["pages"] == 3
    again = board.submit(site="https://a.go.th/", year=2570, agency_type="local", form=None)
    assert again.id == first.id  # the same site is not crawled twice at once
    other = board.submit(site="https://b.go.th/", year=2570, agency_type="local", form=None)
    assert other.id != first.id
    release.set()
    done = _wait(board, first.id, "done")
    assert done.wall_s() is not None
    _wait(board, other.id, "done")
    assert [o.site for o in seen] == ["https://a.go.th/", "https://b.go.th/"]
    assert seen[0].name == "อบต.ทดสอบ"
    assert seen[0].out_dir == board.out_dir(first.id)
    board.close()
    restarted = JobBoard(tmp_path, CrawlSettings(store_dir=tmp_path / "store"))
    kept = restarted.get(first.id)
    assert kept is not None
    assert kept.state == "done"
    assert restarted.get("not-a-job") is None
    assert restarted.get("../" + first.id) is None


def test_a_job_running_when_the_service_stopped_is_shown_interrupted(tmp_path: Path) -> None:
    board = JobBoard(tmp_path, CrawlSettings(store_dir=tmp_path / "store"))
    job = Job(id=jobs.new_job_id(), site="https://a.go.th/", year=2570, agency_type="local", created=time.time())
    job.state = "running"
    board.folder(job.id).mkdir(parents=True)
    board._save(job)
    shown = JobBoard(tmp_path, CrawlSettings(store_dir=tmp_path / "store")).get(job.id)
    assert shown is not None
    assert shown.state == "interrupted"
    assert "ส่งตรวจใหม่" in shown.error


def test_bad_input_found_during_the_check_is_shown_as_the_check_said_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(opts: Any, progress: Any) -> None:
        raise InputError("เว็บไซต์นี้ชี้ไปยังที่อยู่ภายใน / refused")

    def crash(opts: Any, progress: Any) -> None:
        raise RuntimeError("boom")

    board = JobBoard(tmp_path, CrawlSettings(store_dir=tmp_path / "store"))
    monkeypatch.setattr(jobs, "run_check", refuse)
    refused = _wait(
        board, board.submit(site="https://a.go.th/", year=2570, agency_type="local", form=None).id, "failed"
    )
    assert refused.error.startswith("เว็บไซต์นี้ชี้ไปยังที่อยู่ภายใน")
    monkeypatch.setattr(jobs, "run_check", crash)
    crashed = _wait(
        board, board.submit(site="https://c.go.th/", year=2570, agency_type="local", form=None).id, "failed"
    )
    assert "ข้อผิดพลาดภายใน" in crashed.error
    assert "boom" not in crashed.error  # no internals shown to a visitor
    board.close()
