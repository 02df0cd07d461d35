"""``ita-checker scan``: every agency of a province registry, here or queued on the task engine for workers."""

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
@click.option("--scan-id", help="กับ --db PostgreSQL: ชื่อรอบสแกน (สั่งซ้ำด้วยชื่อเดิม = ติดตามรอบเดิม ไม่ส่งงานซ้ำ)")
@click.option("--no-wait", is_flag=True,
              help="กับ --db PostgreSQL: ส่งงานเข้าคิวแล้วจบทันที (worker ตรวจต่อ) / enqueue and return")  # fmt: skip
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
    scan_id: str | None,
    no_wait: bool,
    **params: Any,
) -> None:
    """ตรวจทุกหน่วยงานในทะเบียน / scan every agency of a province registry."""
    from ita_checker.scan.engine import is_postgres
    from ita_checker.scan.local import ScanOptions, run_scan
    from ita_checker.scan.outcome import AgencyOutcome

    queued = is_postgres(db_url)  # a shared PostgreSQL: the scan goes to the task engine's queue
    if not queued and (scan_id or no_wait):
        raise click.UsageError("--scan-id และ --no-wait ใช้กับ --db PostgreSQL เท่านั้น / only with a PostgreSQL --db")

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
    if queued and db_url:
        _queue_scan(opts, db_url, scan_id, wait=not no_wait, show=not no_progress and console.is_terminal)
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


def _queue_scan(opts: Any, db_url: str, scan_id: str | None, *, wait: bool, show: bool) -> None:
    """Queue the registry on the task engine; then follow it until the province reports are written."""
    import secrets
    import time

    from ita_checker.errors import InputError
    from ita_checker.inputs.registry import read_registry
    from ita_checker.scan.engine import enqueue_scan, scan_progress
    from ita_checker.scan.local import no_agencies_message
    from ita_checker.text import clock

    def enqueue() -> tuple[str, int, int]:
        reg = read_registry(opts.registry, opts.submissions)
        if not reg.agencies:
            raise InputError(no_agencies_message(opts.registry, reg.problems))
        sid = scan_id or clock.stamp() + "-" + secrets.token_hex(2)
        return sid, len(reg.agencies), enqueue_scan(db_url, opts, reg, sid)

    sid, total, queued = guarded_long(enqueue)
    console.print(
        f"สแกน {sid}: ส่ง {queued} หน่วยงานเข้าคิว (จาก {total}) / queued {queued} of {total} agencies", soft_wrap=True
    )
    if not wait:
        console.print("worker (ita-checker worker --db …) จะตรวจต่อ / workers do the checks", soft_wrap=True)
        return
    progress = Progress(
        TextColumn("[bold]สแกน[/]"), BarColumn(), MofNCompleteColumn(), TextColumn("หน่วยงาน ผ่านไป"),
        TimeElapsedColumn(), TextColumn("เหลือประมาณ"), TimeRemainingColumn(), TextColumn("{task.description}"),
        console=console, disable=not show,
    )  # fmt: skip
    task = progress.add_task("", total=total)

    def follow() -> Any:
        while True:
            p = scan_progress(db_url, sid)
            progress.update(task, completed=p.recorded, description=f"กำลังตรวจ {p.running}")
            if p.finished:
                return p
            time.sleep(2)

    with progress:
        done = guarded_long(follow)
    from ita_checker.store.history import History

    h = History(db_url)
    try:
        run = h.get_run(sid)
    finally:
        h.close()
    console.print(
        f"สแกน {sid} เสร็จ: ตรวจแล้ว {run.done}/{run.agencies} หน่วยงาน ผิดพลาด {run.errors} · รายงานจังหวัดเขียนโดย worker "
        f"ที่ {run.out_dir} / scan done: {run.done}/{run.agencies}, errors {run.errors}, reports in {run.out_dir}",
        soft_wrap=True,
    )
    if done.failed or run.status != "done":
        sys.exit(1)
