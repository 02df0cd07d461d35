"""Command line for province work: scan, history, diff, and template --kind registry|submissions|overrides."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ita_checker.cli_options import year_callback
from ita_checker.models import VERDICT_TH, AgencyType

console = Console(highlight=False)

STATUS_STYLE = {"done": "green", "input_error": "yellow", "error": "red"}


def _guard(fn: Any, *args: Any, **kwargs: Any) -> Any:
    from ita_checker.cli import _guarded

    return _guarded(fn, *args, **kwargs)


@click.command()
@click.option("--registry", type=click.Path(path_type=Path), required=True, help="ทะเบียนหน่วยงาน (XLSX/CSV)")
@click.option(
    "--year",
    type=int,
    callback=year_callback,
    help="ปีงบประมาณ พ.ศ. (ค่าเริ่มต้น: ปีงบประมาณปัจจุบัน) / fiscal year (B.E.; default: current)",
)
@click.option("--out", "out_dir", type=click.Path(path_type=Path), help="โฟลเดอร์ผลลัพธ์ (ค่าเริ่มต้น outputs/scan-YYYY)")
@click.option(
    "--submissions",
    type=click.Path(path_type=Path),
    help="URL ที่ส่ง: ไฟล์ (รหัสหน่วยงาน | ข้อ | URL | คำอธิบาย) หรือโฟลเดอร์แบบฟอร์ม <รหัส>.xlsx",
)
@click.option("--overrides", type=click.Path(path_type=Path), help="ผลที่ผู้ตรวจกำหนดเอง (YAML/CSV/XLSX)")
@click.option("--workers", type=click.IntRange(1, 16), default=2, show_default=True, help="ตรวจพร้อมกันกี่หน่วยงาน")
@click.option("--resume", is_flag=True, help="ตรวจต่อจากการสแกนล่าสุดใน --out (ข้ามหน่วยงานที่เสร็จแล้ว)")
@click.option("--allow-private-network", is_flag=True, help="ยอมตรวจที่อยู่ภายใน/loopback (ทดสอบ, อินทราเน็ต)")
@click.option("--allow-host", "allowed_hosts", multiple=True, help="ยอมเฉพาะโฮสต์นี้ (host หรือ host:port) ซ้ำได้")
@click.option("--ruleset", help="ระบุชุดกฎเอง / override the rule set")
@click.option("--store", "store_dir", type=click.Path(path_type=Path), default=Path("outputs/store"), show_default=True)
@click.option("--max-pages", type=int, default=60, show_default=True, help="งบหน้าที่สำรวจต่อหน่วยงาน")
@click.option("--no-ocr", is_flag=True, help="ไม่ทำ OCR เอกสารสแกน")
@click.option("--no-screenshots", is_flag=True, help="ไม่ถ่ายภาพหน้าจอหลักฐาน")
@click.option(
    "--browser",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="ใช้ Chromium เปิดหน้าที่ต้องรัน JavaScript",
)
@click.option("--notify-cmd", help="คำสั่งที่รันเมื่อเสร็จ โดยต่อท้ายด้วยพาธของ summary.json")
@click.option("--no-progress", is_flag=True, help="ไม่แสดงแถบความคืบหน้า (cron)")
@click.option("--db", "db_url", help="ประวัติในฐานข้อมูลนี้ (sqlite:///PATH, postgresql+psycopg://…) แทน --store")
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
    resume: bool,
    allow_private_network: bool,
    allowed_hosts: tuple[str, ...],
    ruleset: str | None,
    store_dir: Path,
    max_pages: int,
    no_ocr: bool,
    no_screenshots: bool,
    browser: str,
    notify_cmd: str | None,
    no_progress: bool,
    db_url: str | None,
    redis_url: str | None,
    worker_id: str | None,
    scan_id: str | None,
    lease_ttl: int,
) -> None:
    """ตรวจทุกหน่วยงานในทะเบียน / scan every agency of a province registry."""
    from ita_checker.scan import AgencyOutcome, ScanOptions, run_scan

    if redis_url and not db_url:
        raise click.UsageError("--redis ต้องใช้คู่กับ --db (ฐานข้อมูลผลที่ worker ใช้ร่วมกัน) / --redis needs --db")
    if not redis_url and (worker_id or scan_id):
        raise click.UsageError("--worker-id และ --scan-id ใช้กับ --redis เท่านั้น / only with --redis")

    opts = ScanOptions(
        registry=registry,
        year=year,
        out_dir=out_dir or Path("outputs") / f"scan-{year}",
        submissions=submissions,
        overrides=overrides,
        workers=workers,
        resume=resume,
        allow_private=allow_private_network,
        allowed_hosts=list(allowed_hosts),
        store_dir=store_dir,
        ruleset=ruleset,
        max_pages=max_pages,
        ocr=not no_ocr,
        screenshots=not no_screenshots,
        browser=browser,
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
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        disable=no_progress or not console.is_terminal,
    )
    task = progress.add_task("", total=None)

    def on_progress(done: int, total: int, outcome: AgencyOutcome | None) -> None:
        text = ""
        if outcome is not None:
            style = STATUS_STYLE.get(outcome.status, "white")
            text = f"[{style}]{outcome.agency.id} {outcome.status}[/]"
        progress.update(task, completed=done, total=total, description=text)

    with progress:
        outcome = _guard(run_scan, opts, on_progress)
    console.print(outcome.summary_line(), soft_wrap=True)
    if outcome.internal_errors:
        sys.exit(1)


def _run_worker(
    opts: Any, redis_url: str, db_url: str, worker_id: str | None, scan_id: str | None, lease_ttl: int
) -> None:
    from ita_checker.distributed import WorkerOptions, run_worker

    wopts = WorkerOptions(scan=opts, redis_url=redis_url, db_url=db_url, scan_id=scan_id, lease_ttl=lease_ttl)
    if worker_id:
        wopts.worker_id = worker_id
    report = _guard(run_worker, wopts)
    console.print(report.summary_line(), soft_wrap=True)
    if opts.notify_cmd and report.scan is not None:
        from ita_checker.scan import notify

        notify(opts.notify_cmd, report.scan.paths["summary"])
    if report.scan is not None and report.scan.internal_errors:
        sys.exit(1)


def _history(store_dir: Path, db_url: str | None) -> Any:
    if db_url:
        from ita_checker.history_sql import SqlHistory

        return _guard(SqlHistory, db_url)
    from ita_checker.history import History

    return History(store_dir)


@click.command()
@click.option("--store", "store_dir", type=click.Path(path_type=Path), default=Path("outputs/store"), show_default=True)
@click.option("--db", "db_url", help="ประวัติในฐานข้อมูลนี้ (sqlite:///PATH, postgresql+psycopg://…)")
@click.option("--year", type=int, help="เฉพาะปีงบประมาณนี้")
def history(store_dir: Path, db_url: str | None, year: int | None) -> None:
    """แสดงประวัติการสแกน / list recorded scans."""
    h = _history(store_dir, db_url)
    try:
        runs = h.runs(year)
    finally:
        h.close()
    t = Table(title="ประวัติการสแกน / scan history")
    t.add_column("scan id", no_wrap=True)
    for col in ("ปี", "เริ่ม", "สถานะ", "หน่วยงาน", "ตรวจแล้ว", "ผิดพลาด", "คะแนนเฉลี่ย"):
        t.add_column(col)
    t.add_column("ผลลัพธ์", overflow="fold")
    for r in runs:
        t.add_row(
            r.scan_id,
            str(r.year),
            time.strftime("%Y-%m-%d %H:%M", time.localtime(r.started_at)),
            r.status,
            str(r.agencies),
            str(r.done),
            str(r.errors),
            "–" if r.mean_score is None else f"{r.mean_score:g}",
            r.out_dir,
        )
    console.print(t)
    if not runs:
        console.print("ยังไม่มีการสแกน / no scans recorded")


@click.command()
@click.argument("run_a")
@click.argument("run_b")
@click.option("--store", "store_dir", type=click.Path(path_type=Path), default=Path("outputs/store"), show_default=True)
@click.option("--db", "db_url", help="ประวัติในฐานข้อมูลนี้ (sqlite:///PATH, postgresql+psycopg://…)")
@click.option("--json", "as_json", is_flag=True, help="พิมพ์เป็น JSON")
def diff(run_a: str, run_b: str, store_dir: Path, db_url: str | None, as_json: bool) -> None:
    """เปรียบเทียบสองรอบ / compare two scans (ids, unique prefixes, 'previous' or 'latest')."""
    import json

    h = _history(store_dir, db_url)
    try:
        d = _guard(h.diff, run_a, run_b)
    finally:
        h.close()
    if as_json:
        click.echo(json.dumps(d.as_dict(), ensure_ascii=False, indent=2))
        return
    console.print(f"เปรียบเทียบ / diff {d.a} → {d.b}")
    groups = (
        ("ผ่านใหม่ / newly passing", d.newly_passing, "green"),
        ("ถดถอย / regressions", d.regressions, "red"),
        ("เข้าถึงไม่ได้ใหม่ / newly unreachable", d.newly_unreachable, "grey50"),
        ("เปลี่ยนแปลงอื่น / other changes", d.other, "yellow"),
        ("เฝ้าระวัง (เข้าถึงไม่ได้ครั้งแรก) / watch", d.watch, "blue"),
    )
    for title, changes, style in groups:
        console.print(f"[bold {style}]{title}: {len(changes)}[/]")
        for c in changes:
            before, after = VERDICT_TH.get(c.before, c.before), VERDICT_TH.get(c.after, c.after)
            console.print(f"  {c.agency_id} {c.name} {c.code}: {before} ({c.before}) → {after} ({c.after})")
    for label, ids in (("หน่วยงานใหม่ / added", d.agencies_added), ("หน่วยงานที่หายไป / removed", d.agencies_removed)):
        if ids:
            console.print(f"{label}: {', '.join(ids)}")


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(["submissions", "registry", "overrides"]),
    default="submissions",
    show_default=True,
    help="submissions: แบบฟอร์ม URL ของหน่วยงาน; registry: ทะเบียนหน่วยงานของจังหวัด; overrides: ผลที่ผู้ตรวจกำหนด",
)
@click.option("--year", type=int, help="ปีงบประมาณ (จำเป็นสำหรับ --kind submissions)")
@click.option("--agency-type", default="department", type=click.Choice([t.value for t in AgencyType]))
@click.pass_context
def template(ctx: click.Context, path: Path, kind: str, year: int | None, agency_type: str) -> None:
    """เขียนแบบฟอร์มเปล่าพร้อมคำอธิบาย / write a blank, documented template (form, registry or overrides)."""
    from ita_checker import cli as base

    if kind == "submissions":
        if year is None:
            raise click.UsageError("--year จำเป็นสำหรับแบบฟอร์ม URL / --year is required for --kind submissions")
        ctx.invoke(base.template, path=path, year=year, agency_type=agency_type)
        return
    if kind == "registry":
        from ita_checker.registry import write_registry_template

        _guard(write_registry_template, path)
    else:
        from ita_checker.overrides import write_overrides_template

        _guard(write_overrides_template, path)
    console.print(f"เขียนแบบฟอร์มแล้ว / written: {path}")
