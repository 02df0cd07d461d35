"""``ita-checker rules``: list, validate, test and diff the rule sets."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.table import Table

from ita_checker.cli.common import console, err_console, guarded
from ita_checker.models import RULESET_STATUS_TH


@click.group()
def rules() -> None:
    """จัดการชุดกฎ / rule sets: list, validate, test."""


@rules.command("diff")
@click.argument("ruleset_a")
@click.argument("ruleset_b")
@click.option("--json", "as_json", is_flag=True, help="ผลเป็น JSON / machine-readable output")
def rules_diff(ruleset_a: str, ruleset_b: str, as_json: bool) -> None:
    """เทียบชุดกฎสองชุด / what changed between two rule sets (items, titles, periods, required elements)."""
    import json

    from ita_checker.rules.diff import PERIOD_TH, diff_json, diff_rulesets
    from ita_checker.rules.loader import get_ruleset

    a = guarded(get_ruleset, ruleset_a)
    b = guarded(get_ruleset, ruleset_b)
    changes = diff_rulesets(a, b)
    if as_json:
        click.echo(json.dumps(diff_json(a, b, changes), ensure_ascii=False, indent=2))
        return
    t = Table(title=f"{a.id} ({len(a.rules)} ข้อ) → {b.id} ({len(b.rules)} ข้อ)")
    t.add_column("ข้อ", no_wrap=True)
    t.add_column("เปลี่ยน", no_wrap=True)
    t.add_column("รายละเอียด")
    label = {"added": "[green]ข้อใหม่[/]", "removed": "[red]ตัดออก[/]", "changed": "[yellow]แก้ไข[/]"}
    for c in changes:
        lines: list[str] = []
        if c.change == "added":
            lines.append(f"{c.title_b} ({PERIOD_TH[c.period_b or 'none']})")
        elif c.change == "removed":
            lines.append(str(c.title_a))
        else:
            if c.code_a != c.code:
                lines.append(f"เลขข้อ: {c.code_a} → {c.code}")
            if c.renamed:
                lines.append(f"ชื่อ: {c.title_a} → {c.title_b}")
            if c.period_a != c.period_b:
                lines.append(f"ช่วงเวลา: {PERIOD_TH[c.period_a or 'none']} → {PERIOD_TH[c.period_b or 'none']}")
            if c.elements_added:
                lines.append("องค์ประกอบที่ต้องเพิ่ม: " + ", ".join(c.elements_added))
            if c.elements_removed:
                lines.append("องค์ประกอบที่ไม่ต้องมีแล้ว: " + ", ".join(c.elements_removed))
            if c.placeholder_a and not c.placeholder_b:
                lines.append("เกณฑ์ทราบแล้ว (เดิมเป็นข้อคาดการณ์)")
        t.add_row(c.code, label[c.change], "\n".join(lines))
    console.print(t)
    if not changes:
        console.print("ไม่มีความแตกต่างของรายการข้อ / no item differences")


@rules.command("list")
def rules_list() -> None:
    """แสดงชุดกฎ / list rule sets."""
    from ita_checker.rules.loader import list_rulesets, load_ruleset

    t = Table()
    for col in ("ruleset", "ปี", "สถานะ", "ข้อ", "ความเชื่อมั่นต่ำ", "ใช้กับ"):
        t.add_column(col)
    for d in list_rulesets():
        rs, problems = load_ruleset(d)
        if rs is None:
            t.add_row(d.name, "-", f"[red]{len(problems)} errors[/]", "-", "-", "-")
        else:
            status = RULESET_STATUS_TH.get(rs.info.status, rs.info.status)
            types = rs.info.applies_to
            used_by = f"ทั่วไป {len(types)} ประเภท" if len(types) >= 6 else ", ".join(types)
            t.add_row(
                rs.id,
                str(rs.info.year),
                status,
                str(len(rs.rules)),
                f"{rs.weak_items} ข้อ",
                used_by,
            )
    console.print(t)


@rules.command("validate")
@click.option("--dir", "rules_dir", type=click.Path(path_type=Path), help="rules directory (default: rules/)")
def rules_validate(rules_dir: Path | None) -> None:
    """ตรวจความถูกต้องของไฟล์กฎ / validate every rule file."""
    from ita_checker.rules.loader import list_rulesets, load_ruleset

    total = 0
    bad = 0
    for d in list_rulesets(rules_dir):
        rs, problems = load_ruleset(d)
        for p in problems:
            err_console.print(f"[red]{p}[/]", soft_wrap=True)
        bad += len(problems)
        n = len(rs.rules) if rs else 0
        total += n
        console.print(f"{d.name}: {'OK' if not problems else 'ERROR'} ({n} rules)")
    if bad:
        err_console.print(f"พบปัญหา {bad} จุด / {bad} problems")
        sys.exit(2)
    console.print(f"กฎทั้งหมด {total} ข้อ ถูกต้อง / {total} rules valid")


@rules.command("test")
@click.option("--ruleset", "ruleset_id", help="test one rule set only")
@click.option("-q", "--quiet", is_flag=True, help="print totals only")
def rules_test(ruleset_id: str | None, quiet: bool) -> None:
    """รันกรณีทดสอบของกฎ / run every rule's fixtures; prints TP/FP/FN/TN per rule."""
    from ita_checker.rules.casetest import run_cases

    report = guarded(run_cases, ruleset_id=ruleset_id)
    t = Table(title="rules test")
    for col in ("rule", "TP", "FP", "FN", "TN", "xfail"):
        t.add_column(col)
    for row in report.rows:
        if quiet and not (row.fp or row.fn):
            continue
        t.add_row(row.rule, str(row.tp), str(row.fp), str(row.fn), str(row.tn), str(row.xfail))
    console.print(t)
    for f in report.failures:
        err_console.print(f"[red]FAIL[/] {f}", soft_wrap=True)
    tt = report.totals
    console.print(
        f"totals: TP={tt['tp']} FP={tt['fp']} FN={tt['fn']} TN={tt['tn']} "
        f"(rules={len(report.rows)}, cases={sum(tt.values())}, false passes={tt['fp']})"
    )
    if report.failures:
        sys.exit(1)
