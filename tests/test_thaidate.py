"""Tests for ita_checker.text.thaidate (B.E. years, fiscal years, dates and ranges)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ita_checker.text.thaidate import (
    MONTHS_TH,
    MONTHS_TH_ABBR,
    DateRange,
    FoundDate,
    be_year,
    find_be_years,
    find_dates,
    find_fiscal_years,
    find_ranges,
    find_year_ranges,
    first_half_window,
    fiscal_year_of,
    format_th,
    fy_window,
    months_in,
)

TO_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


# --- years and fiscal years -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("69", 2569),
        ("๖๙", 2569),
        (68, 2568),
        ("2569", 2569),
        ("๒๕๖๙", 2569),
        (2400, 2400),
        ("2026", 2569),
        (1900, 2443),
        ("2200", 2743),
        ("1899", None),
        ("2300", None),
        ("569", None),
        ("5", None),
        ("", None),
        ("abcd", None),
        (-69, None),
    ],
)
def test_be_year(token: str | int, expected: int | None) -> None:
    assert be_year(token) == expected


@pytest.mark.parametrize(
    ("fy", "start", "end", "half_end"),
    [
        (2566, date(2022, 10, 1), date(2023, 9, 30), date(2023, 3, 31)),
        (2567, date(2023, 10, 1), date(2024, 9, 30), date(2024, 3, 31)),
        (2568, date(2024, 10, 1), date(2025, 9, 30), date(2025, 3, 31)),
        (2569, date(2025, 10, 1), date(2026, 9, 30), date(2026, 3, 31)),
        (2570, date(2026, 10, 1), date(2027, 9, 30), date(2027, 3, 31)),
    ],
)
def test_fiscal_year_windows(fy: int, start: date, end: date, half_end: date) -> None:
    assert fy_window(fy) == (start, end)
    assert first_half_window(fy) == (start, half_end)
    assert fiscal_year_of(start) == fy
    assert fiscal_year_of(end) == fy
    assert fiscal_year_of(start - timedelta(days=1)) == fy - 1
    assert fiscal_year_of(end + timedelta(days=1)) == fy + 1


def test_months_in() -> None:
    start, end = first_half_window(2569)
    assert months_in(start, end) == [(2025, 10), (2025, 11), (2025, 12), (2026, 1), (2026, 2), (2026, 3)]
    assert months_in(date(2026, 1, 31), date(2026, 1, 1)) == [(2026, 1)]
    assert months_in(date(2026, 2, 1), date(2026, 1, 1)) == []
    assert len(months_in(*fy_window(2569))) == 12


def test_format_th() -> None:
    assert format_th(date(2026, 3, 31)) == "31 มี.ค. 2569"
    assert format_th(date(2026, 3, 31), short=False) == "31 มีนาคม 2569"
    assert format_th(date(2025, 10, 1)) == "1 ต.ค. 2568"


# --- single dates -----------------------------------------------------------------------------

DAY_EXAMPLES = [
    ("31 มีนาคม 2569", date(2026, 3, 31)),
    ("๓๑ มีนาคม ๒๕๖๙", date(2026, 3, 31)),
    ("วันที่ 12 เดือน มกราคม พ.ศ. 2569", date(2026, 1, 12)),
    ("ประกาศ ณ วันที่ 1 ตุลาคม 2568", date(2025, 10, 1)),
    ("ประกาศ ณ วันที่ ๑ ตุลาคม พ.ศ. ๒๕๖๘", date(2025, 10, 1)),
    ("1 ต.ค. 68", date(2025, 10, 1)),
    ("12 ม.ค.2569", date(2026, 1, 12)),
    ("12 มค 2569", date(2026, 1, 12)),
    ("12 ม.ค 2569", date(2026, 1, 12)),
    ("5 มิ.ย. 2567", date(2024, 6, 5)),
    ("5 เม.ย. 67", date(2024, 4, 5)),
    ("30 ก.ย. 2568", date(2025, 9, 30)),
    ("15 กรกฏาคม 2568", date(2025, 7, 15)),
    ("29 กุมภาพันธ์ 2567", date(2024, 2, 29)),
    ("12/01/2569", date(2026, 1, 12)),
    ("12/01/2026", date(2026, 1, 12)),
    ("๑๒/๐๑/๒๕๖๙", date(2026, 1, 12)),
    ("1/1/69", date(2026, 1, 1)),
    ("12-01-69", date(2026, 1, 12)),
    ("2026-01-12", date(2026, 1, 12)),
    ("2026-01-12T08:30:00+07:00", date(2026, 1, 12)),
    ("มกราคม 12, 2026", date(2026, 1, 12)),
    ("January 12, 2026", date(2026, 1, 12)),
    ("Jan 12, 2026", date(2026, 1, 12)),
    ("12 January 2026", date(2026, 1, 12)),
    ("วันที่ 1 ต.ค. ค.ศ. 2025", date(2025, 10, 1)),
]


@pytest.mark.parametrize(("text", "expected"), DAY_EXAMPLES)
def test_find_dates_day_precision(text: str, expected: date) -> None:
    found = find_dates(text)
    assert [(f.date, f.precision) for f in found] == [(expected, "day")]
    assert text[found[0].start : found[0].end] == found[0].raw


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("เดือนตุลาคม 2568", date(2025, 10, 1)),
        ("ต.ค. 68", date(2025, 10, 1)),
        ("ตุลาคม พ.ศ. 2568", date(2025, 10, 1)),
        ("ประจำเดือน ธ.ค. ๒๕๖๘", date(2025, 12, 1)),
        ("รายงานเดือนมีนาคม2569", date(2026, 3, 1)),
        ("ผลการจัดซื้อ ม.ค.พ.ศ.2569", date(2026, 1, 1)),
    ],
)
def test_find_dates_month_precision(text: str, expected: date) -> None:
    assert [(f.date, f.precision) for f in find_dates(text)] == [(expected, "month")]


def test_find_dates_span_and_raw() -> None:
    text = "ประกาศ ณ วันที่ ๓๑ มีนาคม ๒๕๖๙ เป็นต้นไป"
    assert find_dates(text) == [FoundDate(date(2026, 3, 31), "day", "๓๑ มีนาคม ๒๕๖๙", 16, 30)]


def test_find_dates_month_word_in_span() -> None:
    [found] = find_dates("สรุปผล เดือนตุลาคม 2568")
    assert found.raw == "เดือนตุลาคม 2568"


def test_find_dates_several_in_order() -> None:
    text = "ฉบับที่ 1 ลงวันที่ 1 ต.ค. 68 แก้ไขเมื่อ 2026-01-12 และ มกราคม 12, 2026"
    assert [f.date for f in find_dates(text)] == [date(2025, 10, 1), date(2026, 1, 12), date(2026, 1, 12)]


@pytest.mark.parametrize(
    "text",
    [
        "31 ก.พ. 2569",
        "30 กุมภาพันธ์ 2569",
        "29 ก.พ. 2569",
        "31/04/2569",
        "12/13/2569",
        "2026-02-30",
        "สำนักงาน ก.พ.ร. 2569",
        "มคอ. 3 ปี 2569",
        "โทร 02-141-2569",
        "จำนวน 12,569 บาท",
        "2566-2570",
        "",
    ],
)
def test_find_dates_rejects(text: str) -> None:
    assert find_dates(text) == []


# --- ranges -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("ตุลาคม 2568 – มีนาคม 2569", date(2025, 10, 1), date(2026, 3, 31)),
        ("1 ต.ค. 68 - 31 มี.ค. 69", date(2025, 10, 1), date(2026, 3, 31)),
        ("ต.ค. 68 – มี.ค. 69", date(2025, 10, 1), date(2026, 3, 31)),
        ("๑ ต.ค. ๖๘ – ๓๑ มี.ค. ๖๙", date(2025, 10, 1), date(2026, 3, 31)),
        ("1 ตุลาคม - 31 ธันวาคม 2568", date(2025, 10, 1), date(2025, 12, 31)),
        ("1 ธันวาคม - 31 มกราคม 2569", date(2025, 12, 1), date(2026, 1, 31)),
        ("ตุลาคม - ธันวาคม 2568", date(2025, 10, 1), date(2025, 12, 31)),
        ("ตั้งแต่วันที่ 1 ตุลาคม 2568 ถึงวันที่ 31 มีนาคม 2569", date(2025, 10, 1), date(2026, 3, 31)),
        ("ตั้งแต่เดือนตุลาคม 2568 ถึงเดือนมีนาคม 2569", date(2025, 10, 1), date(2026, 3, 31)),
        ("ระหว่าง 12/01/2569-13/01/2569", date(2026, 1, 12), date(2026, 1, 13)),
        ("1-31 ตุลาคม 2568", date(2025, 10, 1), date(2025, 10, 31)),
        ("ก.พ. 67 - ก.พ. 67", date(2024, 2, 1), date(2024, 2, 29)),
    ],
)
def test_find_ranges(text: str, start: date, end: date) -> None:
    assert [(r.start, r.end) for r in find_ranges(text)] == [(start, end)]


def test_find_ranges_raw_and_rejects() -> None:
    assert find_ranges("ต.ค. 68 – มี.ค. 69") == [DateRange(date(2025, 10, 1), date(2026, 3, 31), "ต.ค. 68 – มี.ค. 69")]
    assert find_ranges("มีนาคม 2569 - ตุลาคม 2568") == []
    assert find_ranges("ตุลาคม 2568 และ มีนาคม 2569") == []
    assert find_ranges("2566-2570") == []


# --- year ranges, fiscal years, B.E. years --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("แผนพัฒนาท้องถิ่น 2566-2570", [(2566, 2570)]),
        ("2566 – 2570", [(2566, 2570)]),
        ("๒๕๖๖-๒๕๗๐", [(2566, 2570)]),
        ("พ.ศ. 2566 ถึง 2570", [(2566, 2570)]),
        ("(พ.ศ.2566-2570)", [(2566, 2570)]),
        ("พ.ศ. 2566 - พ.ศ. 2570 และ 2561-2580", [(2566, 2570), (2561, 2580)]),
        ("2570-2566", []),
        ("2540-2570", []),
        ("2023-2027", []),
        ("1 ตุลาคม 2568 - 2569", []),
        ("ตุลาคม 2568 - มีนาคม 2569", []),
        ("12/01/2566-2570", []),
    ],
)
def test_find_year_ranges(text: str, expected: list[tuple[int, int]]) -> None:
    assert find_year_ranges(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ปีงบประมาณ พ.ศ. 2569", [2569]),
        ("ปีงบประมาณ 2569", [2569]),
        ("ประจำปีงบประมาณ พ.ศ.2569", [2569]),
        ("ประจําปีงบประมาณ พ.ศ.๒๕๖๙", [2569]),
        ("ปีงบ 69", [2569]),
        ("ปีงบประมาณ 69", [2569]),
        ("งบประมาณ 2569", [2569]),
        ("ปีงบประมาณ พ.ศ.. 2568", [2568]),
        ("ปีงบประมาณ พ.ศ. 2566-2570", []),
        ("ปีงบประมาณ 2568 และปีงบประมาณ 2569 และ ปีงบ 68", [2568, 2569]),
        ("งบประมาณ 250,000 บาท", []),
        ("งบประมาณ 25 ล้านบาท", []),
        ("พ.ศ. 2569", []),
    ],
)
def test_find_fiscal_years(text: str, expected: list[int]) -> None:
    assert find_fiscal_years(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("รายงานประจำปี 2568", [2568]),
        ("๒๕๖๙ และ 2568 และ 2569", [2569, 2568]),
        ("แผน 2566-2570", [2566, 2570]),
        ("จำนวน 12,569 บาท", []),
        ("รหัส 125690", []),
        ("โทร 02-141-2569", []),
        ("โทร. 0 2141 2569 ต่อ 2555", []),
        ("มือถือ 081-234-2569", []),
        ("ราคา 2569.50 บาท", []),
        ("ปี 2026 ไม่ใช่ พ.ศ.", []),
        ("แก้ไขเมื่อ 2026-01-12", [2569]),
        ("January 12, 2026", [2569]),
        ("มกราคม 12, 2026 และ 2570", [2569, 2570]),
        ("12/01/2569", [2569]),
    ],
)
def test_find_be_years(text: str, expected: list[int]) -> None:
    assert find_be_years(text) == expected


# --- properties -------------------------------------------------------------------------------

Formatter = Callable[[date], str]


def _be(d: date) -> int:
    return d.year + 543


FORMATS: list[Formatter] = [
    lambda d: f"{d.day} {MONTHS_TH[d.month - 1]} {_be(d)}",
    lambda d: f"วันที่ {d.day} เดือน {MONTHS_TH[d.month - 1]} พ.ศ. {_be(d)}",
    lambda d: f"{d.day} {MONTHS_TH_ABBR[d.month - 1]} {_be(d)}",
    lambda d: f"{d.day} {MONTHS_TH_ABBR[d.month - 1]}{_be(d)}",
    lambda d: f"{d.day} {MONTHS_TH_ABBR[d.month - 1].replace('.', '')} {_be(d)}",
    lambda d: f"{d.day} {MONTHS_TH_ABBR[d.month - 1][:-1]} {_be(d)}",
    lambda d: f"{d.day} {MONTHS_TH_ABBR[d.month - 1]} {_be(d) % 100:02d}",
    lambda d: f"{d.day} {MONTHS_TH[d.month - 1]} {_be(d) % 100:02d}",
    lambda d: f"{d.day:02d}/{d.month:02d}/{_be(d)}",
    lambda d: f"{d.day}/{d.month}/{d.year}",
    lambda d: f"{d.day:02d}/{d.month:02d}/{_be(d) % 100:02d}",
    lambda d: f"{d.day:02d}-{d.month:02d}-{_be(d) % 100:02d}",
    lambda d: d.isoformat(),
    lambda d: f"{MONTHS_TH[d.month - 1]} {d.day}, {d.year}",
    lambda d: f"{EN_MONTHS[d.month - 1]} {d.day}, {d.year}",
    lambda d: format_th(d),
    lambda d: format_th(d, short=False),
]
# Two-digit B.E. years cover 2500–2599, i.e. C.E. 1957–2056.
dates = st.dates(min_value=date(1957, 1, 1), max_value=date(2056, 12, 31))
PREFIXES = ["", "ประกาศ ณ วันที่ ", "ลงวันที่", "(", "ข้อมูล ณ "]
SUFFIXES = ["", " เป็นต้นไป", ")", "\n", " น."]


@settings(max_examples=200, deadline=None)
@given(
    dates,
    st.sampled_from(FORMATS),
    st.booleans(),
    st.sampled_from(PREFIXES),
    st.sampled_from(SUFFIXES),
)
def test_format_then_find_round_trip(d: date, fmt: Formatter, thai_digits: bool, prefix: str, suffix: str) -> None:
    written = fmt(d)
    if thai_digits:
        written = written.translate(TO_THAI_DIGITS)
    text = prefix + written + suffix
    found = find_dates(text)
    assert [(f.date, f.precision) for f in found] == [(d, "day")]
    assert found[0].raw == written.removeprefix("วันที่ ")
    assert text[found[0].start : found[0].end] == found[0].raw


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2150, 12, 31)))
def test_fiscal_year_of_is_the_window_containing_the_date(d: date) -> None:
    fy = fiscal_year_of(d)
    start, end = fy_window(fy)
    assert start <= d <= end
    half_start, half_end = first_half_window(fy)
    assert (half_start <= d <= half_end) == (d.month >= 10 or d.month <= 3)


DAY_RANGE_FORMATS = FORMATS[:11] + FORMATS[12:]  # not dd-mm-yy: "-" is also a separator
SEPARATORS = [" - ", " – ", " — ", " ถึง ", " ถึงวันที่ ", " to "]


@settings(max_examples=200, deadline=None)
@given(
    dates,
    st.integers(min_value=0, max_value=800),
    st.sampled_from(DAY_RANGE_FORMATS),
    st.sampled_from(DAY_RANGE_FORMATS),
    st.sampled_from(SEPARATORS),
    st.booleans(),
)
def test_day_range_round_trip(
    start: date, days: int, fmt1: Formatter, fmt2: Formatter, sep: str, thai_digits: bool
) -> None:
    end = min(start + timedelta(days=days), date(2056, 12, 31))
    text = ("ตั้งแต่ " + fmt1(start) + sep + fmt2(end)).replace("วันที่ วันที่", "วันที่")
    if thai_digits:
        text = text.translate(TO_THAI_DIGITS)
    assert [(r.start, r.end) for r in find_ranges(text)] == [(start, end)]


def _month_text(year: int, month: int, style: int) -> str:
    be = year + 543
    return [
        f"{MONTHS_TH[month - 1]} {be}",
        f"{MONTHS_TH_ABBR[month - 1]} {be % 100:02d}",
        f"เดือน{MONTHS_TH[month - 1]} พ.ศ. {be}",
        f"{MONTHS_TH_ABBR[month - 1]} {be}",
    ][style]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1957 * 12, max_value=2056 * 12 + 11),
    st.integers(min_value=0, max_value=36),
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=0, max_value=3),
    st.sampled_from(SEPARATORS[:4]),
)
def test_month_range_round_trip(first: int, length: int, style1: int, style2: int, sep: str) -> None:
    last = min(first + length, 2056 * 12 + 11)
    (y1, m1), (y2, m2) = divmod(first, 12), divmod(last, 12)
    text = _month_text(y1, m1 + 1, style1) + sep + _month_text(y2, m2 + 1, style2)
    [found] = find_ranges(text)
    assert found.start == date(y1, m1 + 1, 1)
    assert months_in(found.start, found.end) == months_in(date(y1, m1 + 1, 1), date(y2, m2 + 1, 1))
    assert (found.end + timedelta(days=1)).day == 1


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=2450, max_value=2680), st.integers(min_value=1, max_value=20), st.booleans())
def test_year_range_round_trip(first: int, span: int, thai_digits: bool) -> None:
    text = f"แผนพัฒนาท้องถิ่น (พ.ศ. {first}-{first + span})"
    if thai_digits:
        text = text.translate(TO_THAI_DIGITS)
    assert find_year_ranges(text) == [(first, first + span)]
