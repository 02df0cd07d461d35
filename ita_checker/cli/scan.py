"""``ita-checker scan``: every agency of a province registry, locally or as one worker of a distributed scan."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ita_checker.cli.common import console, guarded_long
from ita_checker.cli.options import crawl_options, crawl_settings, db_option, year_option

STATUS_STYLE = {"done": "green", "unreachable": "magenta", "input_error": "yellow", "error": "red"}
STATUS_TH = {"done": "ตรวจแล้ว", "unreachable": "ตรวจไม่ได้", "input_error": "ข้อมูลนำเข้าผิด", "error": "ผิดพลาดภายใน"}


@click.command()
@click.option("--registry", type=click.Path(path_type=Path), required=True, help="ทะเบียนหน่วยงาน (XLSX/CSV)")
@year_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path), help="โฟลเดอร์ผลลัพธ์ (ค่าเริ่มต้น outputs/scan-YYYY)")
@click.option(
    "--submissions",
    type=click.Path(path_type=Path),
    help="URL ที่ส่ง: ไฟล์ (รหัสหน่วยงาน | ข้อ | URL | คำอธิบาย) หรือโฟลเดอร์แบบฟอร์ม <รหัส>.xlsx",
)
@click.option("--overrides", type=click.Path(path_type=Path), help="ผลที่ผู้ตรวจกำหนดเอง (YAML/CSV/XLSX)")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="ตรวจพร้อมกันกี่หน่วยงาน")
@click.option(
    "--crawler-per-agency",
    is_flag=True,
    help="เริ่มโปรแกรมดึงหน้าเว็บใหม่ทุกหน่วยงาน (ค่าเริ่มต้นใช้ตัวเดียวร่วมกันทั้งสแกน: เร็วกว่า) / one crawler process per agency",
)
@click.option("--resume", is_flag=True, help="ตรวจต่อจากการสแกนล่าสุดใน --out (ข้ามหน่วยงานที่เสร็จแล้ว)")
@crawl_options
@click.option("--notify-cmd", help="คำสั่งที่รันเมื่อเสร็จ โดยต่อท้ายด้วยพาธของ summary.json")
@click.option("--no-progress", is_flag=True, help="ไม่แสดงแถบความคืบหน้า (cron)")
@db_option
@click.option("--redis", "redis_url", help="โหมดกระจายงาน: เป็น worker หนึ่งตัวของคิวใน Redis นี้ (ต้องมี --db)")
@click.option("--worker-id", help="ชื่อ worker (ค่าเริ่มต้น hostname-pid)")
@click.option("--scan-id", help="ชื่อรอบสแกนที่ worker ทุกตัวใช้ร่วมกัน (ค่าเริ่มต้น รอบปัจจุบันของทะเบียนใน Redis)")
@click.option("--lease-ttl", type=click.IntRange(2, 3600), default=60, show_default=True, help="อายุ lease (วินาที)")
def scan(
    registry: Path,
    year: int,
    out_dir: Path | None,
    submissions: Path | None,
    overrides: Path | None,
    workers: int,
    crawler_per_agency: bool,
    resume: bool,
    notify_cmd: str | None,
    no_progress: bool,
    db_url: str | None,
    redis_url: str | None,
    worker_id: str | None,
    scan_id: str | None,
    lease_ttl: int,
    **params: Any,
) -> None:
    """ตรวจทุกหน่วยงานในทะเบียน / scan every agency of a province registry."""
    from ita_checker.scan.local import ScanOptions, run_scan
    from ita_checker.scan.outcome import AgencyOutcome

    if redis_url and not db_url:
        raise click.UsageError("--redis ต้องใช้คู่กับ --db (ฐานข้อมูลผลที่ worker ใช้ร่วมกัน) / --redis needs --db")
    if not redis_url and (worker_id or scan_id):
        raise click.UsageError("--worker-id และ --scan-id ใช้กับ --redis เท่านั้น / only with --redis")

    opts = ScanOptions(
        **crawl_settings(params),
        registry=registry,
        year=year,
        out_dir=out_dir or Path("outputs") / f"scan-{year}",
        submissions=submissions,
        overrides=overrides,
        workers=workers,
        shared_crawler=not crawler_per_agency,
        resume=resume,
        notify_cmd=notify_cmd,
        db_url=db_url,
    )
    if redis_url and db_url:
        _run_worker(opts, redis_url, db_url, worker_id, scan_id, lease_ttl)
        return
    progress = Progress(
        TextColumn("[bold]สแกน[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("หน่วยงาน ผ่านไป"),
        TimeElapsedColumn(),
        TextColumn("เหลือประมาณ"),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
        console=console,
        disable=no_progress or not console.is_terminal,
    )
    task = progress.add_task("", total=None)

    def on_progress(done: int, total: int, outcome: AgencyOutcome | None) -> None:
        text = ""
        if outcome is not None:
            style = STATUS_STYLE.get(outcome.status, "white")
            text = f"[{style}]{outcome.agency.id} {STATUS_TH.get(outcome.status, outcome.status)}[/]"
        progress.update(task, completed=done, total=total, description=text)

    with progress:
        outcome = guarded_long(run_scan, opts, on_progress)
    console.print(outcome.summary_line(), soft_wrap=True)
    if outcome.internal_errors:
        sys.exit(1)


def _run_worker(
    opts: Any, redis_url: str, db_url: str, worker_id: str | None, scan_id: str | None, lease_ttl: int
) -> None:
    from ita_checker.scan.distributed import WorkerOptions, run_worker

    wopts = WorkerOptions(scan=opts, redis_url=redis_url, db_url=db_url, scan_id=scan_id, lease_ttl=lease_ttl)
    if worker_id:
        wopts.worker_id = worker_id
    report = guarded_long(run_worker, wopts)
    console.print(report.summary_line(), soft_wrap=True)
    if opts.notify_cmd and report.scan is not None:
        from ita_checker.scan.local import notify

        notify(opts.notify_cmd, report.scan.paths["summary"])
    if report.scan is not None and report.scan.internal_errors:
        sys.exit(1)
