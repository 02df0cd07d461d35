"""Command line: ita-checker check | demo | rules ... (thin commands over the library)."""

from __future__ import annotations

import logging
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from ita_checker.cli_options import agency_type_callback, year_callback
from ita_checker.errors import InputError, StorageError
from ita_checker.models import VERDICT_ORDER, VERDICT_TH, AgencyType

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

VERDICT_SHORT = {
    "pass": "ผ่าน",
    "fail": "ไม่พบ",
    "stale": "เก่า",
    "incomplete": "ไม่ครบ",
    "unreachable": "เข้าไม่ได้",
    "needs_review": "ให้คนตรวจ",
    "not_applicable": "N/A",
}
VERDICT_STYLE = {
    "pass": "green",
    "fail": "red",
    "stale": "dark_orange",
    "incomplete": "yellow",
    "unreachable": "grey50",
    "needs_review": "blue",
    "not_applicable": "grey70",
}


def _fail_input(exc: InputError) -> None:
    err_console.print(f"[bold red]ข้อผิดพลาด / error:[/] {exc}", soft_wrap=True)
    sys.exit(2)


def _fail_internal(exc: BaseException) -> None:
    log_path = Path("outputs") / f"error-{time.strftime('%Y%m%d-%H%M%S')}.log"
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_path.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
        where = f" รายละเอียดอยู่ที่ / details in {log_path}"
    except OSError:
        where = ""
    err_console.print(
        f"[bold red]ข้อผิดพลาดภายใน / internal error:[/] {type(exc).__name__}: {exc}.{where}", soft_wrap=True
    )
    sys.exit(1)


def _fail_storage(exc: StorageError) -> None:
    err_console.print(f"[bold red]ข้อผิดพลาดที่เก็บข้อมูล / storage error:[/] {exc}", soft_wrap=True)
    sys.exit(1)


def _guarded(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except InputError as exc:
        _fail_input(exc)
    except StorageError as exc:
        _fail_storage(exc)
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:
        _fail_internal(exc)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="log details (English) to stderr")
def main(verbose: bool) -> None:
    """ตรวจเว็บไซต์หน่วยงานตามแบบ OIT ของ ITA / Check Thai agency websites against the ITA's OIT items."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


def _items_table(result: dict[str, Any]) -> Table:
    t = Table(title=f"{result['agency']['name']} — ปีงบประมาณ {result['year']} ({result['ruleset']})")
    t.add_column("ข้อ")
    t.add_column("รายการ", max_width=50, overflow="ellipsis", no_wrap=True)
    t.add_column("ผล")
    for it in result["items"]:
        v = it["verdict"]
        t.add_row(it["code"], it["title"], f"[{VERDICT_STYLE[v]}]{VERDICT_TH[v]} ({v})[/]")
    return t


@main.command()
@click.argument("site_url")
@click.option(
    "--year",
    type=int,
    callback=year_callback,
    help="ปีงบประมาณ พ.ศ. (ค่าเริ่มต้น: ปีงบประมาณปัจจุบัน) / fiscal year (B.E.; default: current)",
)
@click.option(
    "--agency-type",
    required=True,
    callback=agency_type_callback,
    help="ประเภทหน่วยงาน: " + ", ".join(t.value for t in AgencyType) + " หรือชื่อไทย เช่น อบต., เทศบาล, โรงพยาบาล",
)
@click.option(
    "--submissions", type=click.Path(path_type=Path), help="แบบฟอร์ม URL (XLSX/CSV): ข้อ | ข้อมูล | URL | คำอธิบาย"
)
@click.option("--name", help="ชื่อหน่วยงาน / agency name")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), help="โฟลเดอร์ผลลัพธ์ (ค่าเริ่มต้น outputs/...)")
@click.option("--allow-private-network", is_flag=True, help="ยอมตรวจที่อยู่ภายใน/loopback (ทดสอบ, อินทราเน็ต)")
@click.option("--allow-host", "allowed_hosts", multiple=True, help="ยอมเฉพาะโฮสต์นี้ (host หรือ host:port) ซ้ำได้")
@click.option("--ruleset", help="ระบุชุดกฎเอง เช่น ovec-2569 / override the rule set")
@click.option("--store", "store_dir", type=click.Path(path_type=Path), default=Path("outputs/store"), show_default=True)
@click.option("--max-pages", type=int, default=60, show_default=True, help="งบหน้าที่สำรวจ / discovery page budget")
@click.option("--no-ocr", is_flag=True, help="ไม่ทำ OCR เอกสารสแกน")
@click.option(
    "--browser",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="ใช้ chromium กับหน้าที่สร้างด้วย JavaScript / browser for script-built pages",
)
@click.option("--screenshots/--no-screenshots", default=True, show_default=True, help="ภาพหน้าจอหลักฐาน")
@click.option("--timeout", "timeout_s", type=float, default=20.0, show_default=True, help="วินาทีต่อคำขอ")
@click.option("--ignore-robots", is_flag=True, help="ไม่ทำตาม robots.txt ขณะสำรวจ (URL ที่ส่งมาตรวจเสมอ)")
def check(
    site_url: str,
    year: int,
    agency_type: str,
    submissions: Path | None,
    name: str | None,
    out_dir: Path | None,
    allow_private_network: bool,
    allowed_hosts: tuple[str, ...],
    ruleset: str | None,
    store_dir: Path,
    max_pages: int,
    no_ocr: bool,
    browser: str,
    screenshots: bool,
    timeout_s: float,
    ignore_robots: bool,
) -> None:
    """ตรวจหน่วยงานเดียว / check one agency site (writes result.json, report.html, report.xlsx)."""
    from ita_checker.check import CheckOptions, run_check

    opts = CheckOptions(
        site=site_url,
        year=year,
        agency_type=agency_type,
        submissions=submissions,
        name=name,
        out_dir=out_dir,
        allow_private=allow_private_network,
        allowed_hosts=list(allowed_hosts),
        ruleset=ruleset,
        store_dir=store_dir,
        max_pages=max_pages,
        ocr=not no_ocr,
        browser=browser,
        screenshots=screenshots,
        timeout_s=timeout_s,
        obey_robots=not ignore_robots,
    )
    with console.status("กำลังตรวจ / checking …"):
        run = _guarded(run_check, opts)
    res = run.result
    console.print(_items_table(res))
    counts = ", ".join(f"{VERDICT_TH[v]} {n}" for v, n in res["summary"]["counts"].items() if n)
    console.print(f"คะแนน / score: [bold]{res['summary']['score']}[/] / 100  ({counts})")
    if res.get("ruleset_caveat"):
        console.print(f"[yellow]⚠ {res['ruleset_caveat']}[/]")
    for kind, p in run.paths.items():
        console.print(f"{kind}: {p}")


@main.command()
@click.option("--out", "out_root", type=click.Path(path_type=Path), default=Path("outputs/demo"), show_default=True)
def demo(out_root: Path) -> None:
    """ตรวจเว็บตัวอย่างที่มากับโปรแกรม / check the bundled demo sites on 127.0.0.1."""
    from ita_checker.demo import run_demo

    t0 = time.monotonic()

    def progress(site: Any, base: str) -> None:
        console.print(f"ตรวจ [bold]{site.name}[/] ({site.agency_type}) ที่ {base} …")

    outcomes = _guarded(run_demo, out_root=out_root, store_dir=out_root / "store", on_progress=progress)
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
        t.add_row(f"{o.site.name} ({o.site.agency_type})", f"{res['summary']['score']:.1f}", verdicts, f"{ok}/{n}")
    console.print(t)
    for o in outcomes:
        console.print(f"รายงาน HTML / report: {o.run.paths['html'].resolve()}")
    console.print(f"เสร็จใน / done in {time.monotonic() - t0:.1f} s")


@main.group()
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

    a = _guarded(get_ruleset, ruleset_a)
    b = _guarded(get_ruleset, ruleset_b)
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
            status = "ฉบับคาดการณ์" if rs.info.status == "provisional" else "ยืนยันแล้ว"
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

    report = _guarded(run_cases, ruleset_id=ruleset_id)
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


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--year", type=int, required=True)
@click.option("--agency-type", default="department", type=click.Choice([t.value for t in AgencyType]))
def template(path: Path, year: int, agency_type: str) -> None:
    """เขียนแบบฟอร์ม URL เปล่า / write a blank submission form for a year's items."""
    from ita_checker.rules.loader import find_ruleset
    from ita_checker.submissions import write_template

    rs = _guarded(find_ruleset, year=year, agency_type=agency_type)
    _guarded(write_template, path, [(r.code, r.title_th) for r in rs.rules])
    console.print(f"เขียนแบบฟอร์มแล้ว / written: {path}")


# Province commands (ita_checker/cli_scan.py); `template` is replaced by a superset with --kind.
from ita_checker.cli_scan import diff, history, scan  # noqa: E402
from ita_checker.cli_scan import template as template_any_kind  # noqa: E402

main.add_command(scan)
main.add_command(history)
main.add_command(diff)
main.add_command(template_any_kind, name="template")
