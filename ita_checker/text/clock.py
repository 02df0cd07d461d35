"""Wall-clock times as the checker's users read them: Asia/Bangkok, dates in the Buddhist era."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from ita_checker.text.thaidate import fiscal_year_of, format_th

BANGKOK = ZoneInfo("Asia/Bangkok")


def now() -> datetime:
    """The current time in Bangkok (an aware datetime), whatever the machine's own time zone."""
    return datetime.now(BANGKOK)


def current_fiscal_year() -> int:
    """The Thai fiscal year (B.E.) of today's date in Bangkok."""
    return fiscal_year_of(now().date())


def stamp() -> str:
    """``YYYYMMDD-HHMMSS`` of Bangkok's clock, for folder names and ids (digits in C.E. so they sort)."""
    return now().strftime("%Y%m%d-%H%M%S")


def iso_now() -> str:
    """ISO 8601 with the +07:00 offset, for result.json and summary.json."""
    return now().isoformat(timespec="seconds")


def format_be(timestamp: float, *, with_time: bool = True, short_year: bool = False) -> str:
    """A Unix time as a Thai reader writes it: ``3 ธ.ค. 2569 01:37`` or, short, ``3 ธ.ค. 69 01:37`` (Bangkok
    time, B.E. year)."""
    moment = datetime.fromtimestamp(timestamp, BANGKOK)
    day = format_th(moment.date())
    if short_year:
        day = day[:-4] + day[-2:]
    return f"{day} {moment:%H:%M}" if with_time else day
