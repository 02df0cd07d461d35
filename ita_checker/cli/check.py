"""``ita-checker check``: one agency, with a verdict table, the score and the output paths."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.progress import Progress as RichProgress
from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ita_checker.cli.common import VERDICT_STYLE, console, err_console, guarded_long
from ita_checker.cli.options import agency_type_option, crawl_options, crawl_settings, year_option
from ita_checker.models import VERDICT_TH

if TYPE_CHECKING:
    from ita_checker.check import Progress


def items_table(result: dict[str, Any]) -> Table:
    t = Table(title=f"{result['agency']['name']} — ปีงบประมาณ {result['year']} ({result['ruleset']})")
    t.add_column("ข้อ")
    t.add_column("รายการ", max_width=50, overflow="ellipsis", no_wrap=True)
    t.add_column("ผล")
    for it in result["items"]:
        v = it["verdict"]
        t.add_row(it["code"], it["title"], f"[{VERDICT_STYLE[v]}]{VERDICT_TH[v]} ({v})[/]")
    return t


@click.command()
@click.argument("site_url")
@year_option
@agency_type_option(required=True)
@click.option(
    "--submissions", type=click.Path(path_type=Path), help="แบบฟอร์ม URL (XLSX/CSV): ข้อ | ข้อมูล | URL | คำอธิบาย"
)
@click.option("--name", help="ชื่อหน่วยงาน / agency name")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), help="โฟลเดอร์ผลลัพธ์ (ค่าเริ่มต้น outputs/...)")
@crawl_options
def check(
    site_url: str,
    year: int,
    agency_type: str,
    submissions: Path | None,
    name: str | None,
    out_dir: Path | None,
    **params: Any,
) -> None:
    """ตรวจหน่วยงานเดียว / check one agency site (writes result.json, report.html, report.xlsx)."""
    from ita_checker.check import CheckOptions, run_check

    opts = CheckOptions(
        **crawl_settings(params),
        site=site_url,
        year=year,
        agency_type=agency_type,
        submissions=submissions,
        name=name,
        out_dir=out_dir,
    )
    with check_progress() as progress:
        run = guarded_long(run_check, opts, progress)
    res = run.result
    console.print(items_table(res))
    counts = ", ".join(f"{VERDICT_TH[v]} {n}" for v, n in res["summary"]["counts"].items() if n)
    if res["summary"]["score"] is None:
        console.print(
            "[bold magenta]ตรวจไม่ได้ / not checked:[/] เข้าเว็บไซต์ไม่ได้เลยสักหน้า จึงไม่ให้คะแนน "
            "(ตรวจสอบว่าเว็บไซต์เปิดได้ แล้วสั่งตรวจอีกครั้ง) / the site answered nothing, so it is not scored",
            soft_wrap=True,
        )
    else:
        console.print(f"คะแนน / score: [bold]{res['summary']['score']}[/] / 100  ({counts})")
    standing = res["summary"].get("standing")
    if standing:
        console.print(standing["note_th"], soft_wrap=True)
    if res.get("ruleset_caveat"):
        console.print(f"[yellow]⚠ {res['ruleset_caveat']}[/]")
    for kind, p in run.paths.items():
        console.print(f"{kind}: {p}")
    print_notes(res.get("notes") or [])


def print_notes(notes: list[str]) -> None:
    """The notes about the form and the run (skipped rows, merged duplicates, ignored URLs), after the summary."""
    if notes:
        console.print("[bold]หมายเหตุ / notes:[/]")
        for note in notes:
            console.print(f"  • {note}", soft_wrap=True)


STAGE_TH = {
    "crawl": "ดึงหน้าเว็บและเอกสาร",
    "extract": "อ่านเนื้อหา",
    "rules": "ตรวจตามเกณฑ์",
    "screenshots": "ถ่ายภาพหน้าจอหลักฐาน",
    "reports": "เขียนรายงาน",
}


def stage_text(stage: str, counts: Mapping[str, int]) -> str:
    """One line per stage with its counts, e.g. "ดึงหน้าเว็บและเอกสาร: หน้าเว็บ 34, เอกสาร 12, ผิดพลาด 2"."""
    name = STAGE_TH.get(stage, stage)
    if stage == "crawl":
        return (
            f"{name}: หน้าเว็บ {counts.get('pages', 0)}, เอกสาร {counts.get('documents', 0)}, "
            f"ผิดพลาด {counts.get('errors', 0)}"
        )
    if stage == "extract":
        ocr = f" (OCR {counts['ocr']} ไฟล์)" if counts.get("ocr") else ""
        return f"{name}: {counts.get('done', 0)}/{counts.get('total', 0)} รายการ{ocr}"
    if stage == "rules":
        return f"{name}: {counts.get('done', 0)}/{counts.get('total', 0)} ข้อ"
    return name


@contextmanager
def check_progress() -> Iterator[Progress]:
    """A spinner with the current stage and its counts (shown on a terminal only), and the elapsed time."""
    display = RichProgress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        disable=not err_console.is_terminal,
        transient=True,
    )
    task = display.add_task(STAGE_TH["crawl"], total=None)

    def update(stage: str, counts: Mapping[str, int]) -> None:
        display.update(task, description=stage_text(stage, counts))

    with display:
        yield update
