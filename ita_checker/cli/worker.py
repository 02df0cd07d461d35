"""``ita-checker worker``: run the queued agency checks of distributed scans (procrastinate on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import click

from ita_checker.cli.common import err_console, guarded


@click.command()
@click.option(
    "--db",
    "db_url",
    required=True,
    help="ฐานข้อมูล PostgreSQL ที่ใช้ร่วมกัน (postgresql+psycopg://USER@HOST:PORT/DB) / the shared database",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="ตรวจพร้อมกันกี่หน่วยงานในเครื่องนี้ / checks at once on this machine",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    help="โฟลเดอร์ผลลัพธ์ของเครื่องนี้ (ค่าเริ่มต้น: --out ของการสแกน) / this machine's output folder",
)
@click.option(
    "--store",
    "store_dir",
    type=click.Path(path_type=Path),
    help="ที่เก็บหน้าเว็บของเครื่องนี้ (ค่าเริ่มต้น: --store ของการสแกน) / this machine's store",
)
@click.option("--name", help="ชื่อ worker (ค่าเริ่มต้น hostname-pid)")
@click.option(
    "--heartbeat",
    "heartbeat_s",
    type=click.FloatRange(0.5, 300),
    default=10.0,
    show_default=True,
    help="วินาทีระหว่างการแจ้งว่ายังทำงานอยู่ / seconds between heartbeats",
)
@click.option(
    "--stall",
    "stall_s",
    type=click.FloatRange(2, 3600),
    default=30.0,
    show_default=True,
    help="worker ที่เงียบเกินกี่วินาทีถือว่าหยุด งานของมันถูกตรวจใหม่ / a silent worker's jobs are redone",
)
@click.option("--crawler-per-agency", is_flag=True, help="เริ่มโปรแกรมดึงหน้าเว็บใหม่ทุกหน่วยงาน")
def worker(db_url: str, workers: int, out_dir: Path | None, store_dir: Path | None, name: str | None,
           heartbeat_s: float, stall_s: float, crawler_per_agency: bool) -> None:  # fmt: skip
    """ทำงานตรวจที่อยู่ในคิวของการสแกนแบบกระจายงาน / run queued agency checks (Ctrl-C: finish, then stop)."""
    from ita_checker.scan.engine import WorkerSettings, conninfo, run_worker

    if heartbeat_s * 2 > stall_s:
        raise click.BadParameter("--stall ต้องมากกว่า 2 เท่าของ --heartbeat / must exceed twice --heartbeat",
                                 param_hint="'--stall'")  # fmt: skip
    guarded(conninfo, db_url)  # bad URL: exit 2 before anything starts
    settings = WorkerSettings(
        db_url=db_url, concurrency=workers, out_dir=out_dir, store_dir=store_dir, heartbeat_s=heartbeat_s,
        stall_s=stall_s, shared_crawler=not crawler_per_agency,
    )  # fmt: skip
    if name:
        settings.name = name
    err_console.print(f"worker {settings.name}: รองานจาก {db_url.split('@')[-1]} (Ctrl-C เพื่อหยุดหลังงานที่ทำอยู่)")
    guarded(run_worker, settings)
