"""``ita-checker check``: one agency, with a verdict table, the score and the output paths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.table import Table

from ita_checker.cli.common import VERDICT_STYLE, console, guarded
from ita_checker.cli.options import agency_type_option, crawl_options, crawl_settings, year_option
from ita_checker.models import VERDICT_TH


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
    with console.status("กำลังตรวจ / checking …"):
        run = guarded(run_check, opts)
    res = run.result
    console.print(items_table(res))
    counts = ", ".join(f"{VERDICT_TH[v]} {n}" for v, n in res["summary"]["counts"].items() if n)
    console.print(f"คะแนน / score: [bold]{res['summary']['score']}[/] / 100  ({counts})")
    standing = res["summary"].get("standing")
    if standing:
        console.print(standing["note_th"], soft_wrap=True)
    if res.get("ruleset_caveat"):
        console.print(f"[yellow]⚠ {res['ruleset_caveat']}[/]")
    for kind, p in run.paths.items():
        console.print(f"{kind}: {p}")
