"""Option parsers shared by the commands: fiscal year (default today's, Asia/Bangkok) and agency type (Thai names)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import click

from ita_checker.models import AgencyType
from ita_checker.registry import normalize_type
from ita_checker.thaidate import fiscal_year_of

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
