"""Options declared once for every command: fiscal year, agency type, and the crawl options of check and scan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click

from ita_checker.inputs.registry import normalize_type
from ita_checker.models import AgencyType
from ita_checker.options import BROWSER_MODES, CrawlSettings
from ita_checker.text.thaidate import fiscal_year_of

BANGKOK = ZoneInfo("Asia/Bangkok")


def current_fiscal_year() -> int:
    """The Thai fiscal year (B.E.) of today's date in Bangkok: 1 Oct 2569 – 30 Sep 2570 is 2570."""
    return fiscal_year_of(datetime.now(BANGKOK).date())


def parse_year(value: int | None) -> int:
    """A B.E. fiscal year; None means the current one (said on stderr); a C.E. year is bad input."""
    if value is None:
        fy = current_fiscal_year()
        click.echo(f"ใช้ปีงบประมาณปัจจุบัน พ.ศ. {fy} (ระบุ --year เพื่อเลือกปีอื่น) / using current fiscal year {fy}", err=True)
        return fy
    if 1900 <= value <= 2200:
        fy = current_fiscal_year()
        raise click.BadParameter(
            f"{value} เป็นปี ค.ศ.; ใช้ปี พ.ศ. เช่น {value + 543} หรือปีงบประมาณปัจจุบัน {fy} "
            f"/ {value} is a C.E. year; give the B.E. fiscal year, e.g. {value + 543} (current: {fy})",
            param_hint="'--year'",
        )
    if not 2500 <= value <= 2700:
        raise click.BadParameter(
            f"ปีงบประมาณ {value} ไม่ถูกต้อง (ใช้ปี พ.ศ. เช่น {current_fiscal_year()}) / not a B.E. fiscal year",
            param_hint="'--year'",
        )
    return value


def year_callback(ctx: click.Context, param: click.Parameter, value: int | None) -> int:
    return parse_year(value)


def agency_type_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """English type names or the Thai names the registry accepts (อบต., เทศบาล, โรงพยาบาล, ...)."""
    if value is None:
        return None
    found = normalize_type(value)
    if found is None:
        known = ", ".join(t.value for t in AgencyType)
        raise click.BadParameter(
            f"ไม่รู้จักประเภทหน่วยงาน '{value}' (ใช้ {known} หรือชื่อไทย เช่น อบต., เทศบาล, โรงพยาบาล) "
            f"/ unknown agency type '{value}'",
            param_hint="'--agency-type'",
        )
    return found


F = TypeVar("F", bound=Callable[..., Any])
TYPE_HELP = "ประเภทหน่วยงาน: " + ", ".join(t.value for t in AgencyType) + " หรือชื่อไทย เช่น อบต., เทศบาล, โรงพยาบาล"
DEFAULTS = CrawlSettings()


def year_option(fn: F) -> F:
    return click.option(
        "--year",
        type=int,
        callback=year_callback,
        help="ปีงบประมาณ พ.ศ. (ค่าเริ่มต้น: ปีงบประมาณปัจจุบัน) / fiscal year (B.E.; default: current)",
    )(fn)


def agency_type_option(*, required: bool, default: str | None = None) -> Callable[[F], F]:
    return click.option(
        "--agency-type", required=required, default=default, callback=agency_type_callback, help=TYPE_HELP
    )


def store_option(fn: F) -> F:
    return click.option(
        "--store", "store_dir", type=click.Path(path_type=Path), default=DEFAULTS.store_dir, show_default=True,
        help="ที่เก็บหน้าเว็บ เอกสาร และประวัติ / store of fetched pages, documents and history",
    )(fn)  # fmt: skip


def db_option(fn: F) -> F:
    return click.option("--db", "db_url", help="ประวัติในฐานข้อมูลนี้ (sqlite:///PATH, postgresql+psycopg://…) แทน --store")(
        fn
    )


_CRAWL_OPTIONS: list[Callable[[F], F]] = [
    click.option("--allow-private-network", "allow_private", is_flag=True,
                 help="ยอมตรวจที่อยู่ภายใน/loopback (ทดสอบ, อินทราเน็ต)"),
    click.option("--allow-host", "allowed_hosts", multiple=True, help="ยอมเฉพาะโฮสต์นี้ (host หรือ host:port) ซ้ำได้"),
    click.option("--ruleset", help="ระบุชุดเกณฑ์เอง เช่น ovec-2570 / override the rule set"),
    store_option,
    click.option("--max-pages", type=click.IntRange(1, 10_000), default=DEFAULTS.max_pages, show_default=True,
                 help="งบหน้าที่สำรวจต่อหน่วยงาน / discovery page budget per agency"),
    click.option("--no-ocr", is_flag=True, help="ไม่ทำ OCR เอกสารสแกน / no OCR of scanned documents"),
    click.option("--browser", type=click.Choice(BROWSER_MODES), default=DEFAULTS.browser, show_default=True,
                 help="ใช้ Chromium กับหน้าที่สร้างด้วย JavaScript / browser for script-built pages"),
    click.option("--screenshots/--no-screenshots", default=DEFAULTS.screenshots, show_default=True,
                 help="ภาพหน้าจอหลักฐาน / evidence screenshots"),
    click.option("--pdf/--no-pdf", default=DEFAULTS.pdf, show_default=True,
                 help="report.pdf หนังสือแจ้งผลพิมพ์ได้ (ต้องมี chromium) / the printable A4 letter"),
    click.option("--timeout", "timeout_s", type=click.FloatRange(0.1, 3600), default=DEFAULTS.timeout_s,
                 show_default=True, help="วินาทีต่อคำขอ / seconds per request"),
    click.option("--ignore-robots", is_flag=True, help="ไม่ทำตาม robots.txt ขณะสำรวจ (URL ที่ส่งมาตรวจเสมอ)"),
    click.option("--per-ip", "per_ip_concurrency", type=click.IntRange(1, 64), default=DEFAULTS.per_ip_concurrency,
                 show_default=True,
                 help="คำขอพร้อมกันสูงสุดต่อ IP ของเซิร์ฟเวอร์ (รวมทุกหน่วยงานที่ใช้ที่เก็บเดียวกัน) / per server IP"),
    click.option("--per-ip-delay", "per_ip_delay_s", type=click.FloatRange(0, 60), default=DEFAULTS.per_ip_delay_s,
                 show_default=True, help="วินาทีระหว่างคำขอสองครั้งไปยัง IP เดียวกัน / seconds between requests"),
    click.option("--revisit-stable-days", "revisit_stable_days", type=click.FloatRange(0, 90),
                 default=DEFAULTS.revisit_stable_days, show_default=True,
                 help="เอกสารที่ไม่เปลี่ยนมา K วัน ดึงใหม่ทุก K วัน (0 = ดึงทุกครั้ง; สแกนรายคืนแนะนำ 7) / "
                      "re-request documents unchanged for K days only every K days"),
]  # fmt: skip


def crawl_options(fn: F) -> F:
    """Every crawl option of CrawlSettings, with the same names and defaults on check and scan."""
    for option in reversed(_CRAWL_OPTIONS):
        fn = option(fn)
    return fn


CRAWL_PARAMS = ("allow_private", "allowed_hosts", "ruleset", "store_dir", "max_pages", "no_ocr", "browser",
                "screenshots", "pdf", "timeout_s", "ignore_robots", "per_ip_concurrency", "per_ip_delay_s",
                "revisit_stable_days")  # fmt: skip


def crawl_settings(params: dict[str, Any]) -> dict[str, Any]:
    """Pop the crawl options out of a command's parameters as CrawlSettings keyword arguments."""
    p = {k: params.pop(k) for k in CRAWL_PARAMS}
    return {
        "allow_private": p["allow_private"],
        "allowed_hosts": list(p["allowed_hosts"]),
        "ruleset": p["ruleset"],
        "store_dir": p["store_dir"],
        "max_pages": p["max_pages"],
        "ocr": not p["no_ocr"],
        "browser": p["browser"],
        "screenshots": p["screenshots"],
        "pdf": p["pdf"],
        "timeout_s": p["timeout_s"],
        "obey_robots": not p["ignore_robots"],
        "per_ip_concurrency": p["per_ip_concurrency"],
        "per_ip_delay_s": p["per_ip_delay_s"],
        "revisit_stable_days": p["revisit_stable_days"],
    }
