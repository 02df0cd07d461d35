"""``ita-checker history`` and ``diff``: recorded scans and what changed between two of them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table

from ita_checker.cli.common import console, guarded
from ita_checker.cli.options import db_option, store_option
from ita_checker.models import VERDICT_TH
from ita_checker.text import clock

if TYPE_CHECKING:
    from ita_checker.store.history import History, ScanRun


def _history(store_dir: Path, db_url: str | None) -> History:
    from ita_checker.store.history import open_history

    history: History = guarded(open_history, store_dir, db_url)
    return history


SCAN_STATUS_TH = {
    "running": "กำลังทำ",
    "done": "เสร็จ",
    "partial": "เสร็จบางส่วน",
    "interrupted": "ถูกขัดจังหวะ",
}


def history_table(runs: list[ScanRun]) -> Table:
    """One row per scan that fits 80 columns: short Thai headers that never wrap, B.E. dates in Bangkok time."""
    t = Table(
        title="ประวัติการสแกน / scan history",
        title_justify="left",
        box=None,
        pad_edge=False,
        header_style="bold underline",
    )
    t.add_column("รอบสแกน", no_wrap=True)
    t.add_column("ปี", no_wrap=True)
    t.add_column("เริ่ม", no_wrap=True)
    t.add_column("สถานะ", no_wrap=True)
    t.add_column("ตรวจแล้ว", no_wrap=True, justify="right")
    t.add_column("ผิดพลาด", no_wrap=True, justify="right")
    t.add_column("เฉลี่ย", no_wrap=True, justify="right")
    for r in runs:
        t.add_row(
            r.scan_id,
            str(r.year),
            clock.format_be(r.started_at, short_year=True),
            SCAN_STATUS_TH.get(r.status, r.status),
            f"{r.done}/{r.agencies}",
            str(r.errors),
            "–" if r.mean_score is None else f"{r.mean_score:.1f}",
        )
    return t


@click.command()
@store_option
@db_option
@click.option("--year", type=int, help="เฉพาะปีงบประมาณนี้")
def history(store_dir: Path, db_url: str | None, year: int | None) -> None:
    """แสดงประวัติการสแกน / list recorded scans."""
    h = _history(store_dir, db_url)
    try:
        runs = h.runs(year)
    finally:
        h.close()
    console.print(history_table(runs))
    for r in runs:  # the folders on their own lines: a path in a table column would squeeze the Thai words
        console.print(f"  {r.scan_id}: {r.out_dir}", soft_wrap=True, highlight=False)
    if not runs:
        console.print("ยังไม่มีการสแกน / no scans recorded")


@click.command()
@click.argument("run_a")
@click.argument("run_b")
@store_option
@db_option
@click.option("--json", "as_json", is_flag=True, help="พิมพ์เป็น JSON")
def diff(run_a: str, run_b: str, store_dir: Path, db_url: str | None, as_json: bool) -> None:
    """เปรียบเทียบสองรอบ / compare two scans (ids, unique prefixes, 'previous' or 'latest')."""
    import json

    h = _history(store_dir, db_url)
    try:
        d = guarded(h.diff, run_a, run_b)
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
