"""``ita-checker template``: blank, documented files to fill in (submission form, registry, overrides)."""

from __future__ import annotations

from pathlib import Path

import click

from ita_checker.cli.common import console, fail_input, guarded
from ita_checker.cli.options import agency_type_option
from ita_checker.errors import InputError


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(["submissions", "registry", "overrides"]),
    default="submissions",
    show_default=True,
    help="submissions: แบบฟอร์ม URL ของหน่วยงาน; registry: ทะเบียนหน่วยงานของจังหวัด; overrides: ผลที่ผู้ตรวจกำหนด",
)
@click.option("--year", type=int, help="ปีงบประมาณ พ.ศ. (จำเป็นสำหรับ --kind submissions)")
@agency_type_option(required=False, default="department")
@click.option("--force", is_flag=True, help="เขียนทับไฟล์ที่มีอยู่แล้ว / overwrite an existing file")
def template(path: Path, kind: str, year: int | None, agency_type: str, force: bool) -> None:
    """เขียนแบบฟอร์มเปล่าพร้อมคำอธิบาย / write a blank, documented template (form, registry or overrides)."""
    if path.exists() and not force:
        fail_input(
            InputError(
                f"{path}: มีไฟล์นี้อยู่แล้ว ไม่เขียนทับเพื่อไม่ให้ข้อมูลที่กรอกไว้หาย ระบุชื่อไฟล์ใหม่ หรือเพิ่ม --force "
                f"หากต้องการเขียนทับจริง / {path} already exists; not overwritten so nothing filled in is lost. "
                "Give a new file name, or add --force to overwrite it."
            )
        )
    if kind == "submissions":
        if year is None:
            raise click.UsageError("--year จำเป็นสำหรับแบบฟอร์ม URL / --year is required for --kind submissions")
        from ita_checker.inputs.submissions import write_template
        from ita_checker.rules.loader import find_ruleset

        rs = guarded(find_ruleset, year=year, agency_type=agency_type)
        guarded(write_template, path, [(r.code, r.title_th) for r in rs.rules])
    elif kind == "registry":
        from ita_checker.inputs.registry import write_registry_template

        guarded(write_registry_template, path)
    else:
        from ita_checker.inputs.overrides import write_overrides_template

        guarded(write_overrides_template, path)
    console.print(f"เขียนแบบฟอร์มแล้ว / written: {path}")
