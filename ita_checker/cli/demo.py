"""``ita-checker demo``: check the bundled demo sites on 127.0.0.1 and print how the verdicts match their answers."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from ita_checker.cli.common import VERDICT_STYLE, console, guarded_long
from ita_checker.models import VERDICT_LOOK, VERDICT_ORDER

VERDICT_SHORT: dict[str, str] = {v: look.short_th for v, look in VERDICT_LOOK.items()}


@click.command()
@click.option("--out", "out_root", type=click.Path(path_type=Path), default=Path("outputs/demo"), show_default=True)
def demo(out_root: Path) -> None:
    """ตรวจเว็บตัวอย่างที่มากับโปรแกรม / check the bundled demo sites on 127.0.0.1."""
    from ita_checker.demo.runner import run_demo

    t0 = time.monotonic()

    def progress(site: Any, base: str) -> None:
        console.print(f"ตรวจ [bold]{site.name}[/] ({site.agency_type}) ที่ {base} …")

    outcomes = guarded_long(run_demo, out_root=out_root, store_dir=out_root / "store", on_progress=progress)
    t = Table(title="สรุปผลเว็บตัวอย่าง / demo summary", caption="ตรงเฉลย = ตรงกับคำตอบที่ฝังไว้ในเว็บตัวอย่าง")
    t.add_column("หน่วยงาน (ประเภท)", ratio=3)
    t.add_column("คะแนน", justify="right")
    t.add_column("ผลรายข้อ", ratio=4)
    t.add_column("ตรงเฉลย", justify="right")
    for o in outcomes:
        res = o.run.result
        ok, n = o.agreement()
        counts = res["summary"]["counts"]
        verdicts = " · ".join(
            f"[{VERDICT_STYLE[v]}]{VERDICT_SHORT[v]} {counts[v]}[/]" for v in VERDICT_ORDER if counts.get(v)
        )
        t.add_row(f"{o.site.name} ({o.site.agency_type})", score_cell(res["summary"]["score"]), verdicts, f"{ok}/{n}")
    console.print(t)
    for o in outcomes:
        console.print(f"รายงาน HTML / report: {o.run.paths['html'].resolve()}")
    console.print(f"เสร็จใน / done in {time.monotonic() - t0:.1f} s")


def score_cell(score: float | None) -> str:
    return "ตรวจไม่ได้" if score is None else f"{score:.1f}"
