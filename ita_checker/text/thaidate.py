"""Thai date parsing: B.E./C.E. years, fiscal years, dates, date ranges and multi-year ranges."""

from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

# All finders accept raw or normalised text: they apply a length-preserving character mapping
# (Thai digits, dashes, odd spaces), so the spans they report index the string they were given.

MONTHS_TH = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
MONTHS_TH_ABBR = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
_MONTHS_TH_TYPOS = {"กรกฏาคม": 7, "กุมภาพันธ": 2}
_MONTHS_EN = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def _month_keys() -> dict[str, int]:
    keys: dict[str, int] = dict(_MONTHS_TH_TYPOS)
    for number, (full, abbr, english) in enumerate(zip(MONTHS_TH, MONTHS_TH_ABBR, _MONTHS_EN, strict=True), 1):
        keys[full] = number
        keys[abbr.replace(".", "")] = number
        keys[english] = number
        keys[english[:3]] = number
    keys["sept"] = 9
    return keys


_MONTH_KEYS = _month_keys()
_MAX_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

_PREP_TABLE = str.maketrans(
    "๐๑๒๓๔๕๖๗๘๙\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
    "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
    "\u200b\u200c\u200d\u2060\ufeff\u00ad",
    "0123456789" + "-" * 10 + " " * 21,
)

_TL = "\u0e01-\u0e4e"  # Thai letters, vowels and marks
# Abbreviations must stand alone: "ก.พ.ร." (an agency) and "มคอ." (a course spec) are not months.
# The guard before an abbreviation sits after its first character (hence the 2-wide lookbehinds), so that
# every alternative of the month pattern starts with a literal and the regex engine can skip quickly.
_ABBR_BEFORE = rf"(?:(?<![{_TL}].)|(?<=เดือน.)|(?<=ถึง.)|(?<=แต่.))"
_ABBR_AFTER = rf"(?:\.(?!(?!พ\.?\s?ศ)[{_TL}])|(?![{_TL}.]))"


def _month_alternatives() -> str:
    """Return the month-name alternation grouped by first character."""
    tails: dict[str, list[str]] = {}
    for name in sorted([*MONTHS_TH, *_MONTHS_TH_TYPOS], key=len, reverse=True):
        tails.setdefault(name[0], []).append(re.escape(name[1:]))
    for abbr in MONTHS_TH_ABBR:
        first, second = abbr.rstrip(".").split(".")
        tail = re.escape(first[1:]) + r"(?:\.\s?)?" + re.escape(second)
        tails.setdefault(first[0], []).append(_ABBR_BEFORE + tail + _ABBR_AFTER)
    english = sorted([*_MONTHS_EN, *(m[:3] for m in _MONTHS_EN), "sept"], key=len, reverse=True)
    for name in english:
        tail = rf"(?<![A-Za-z].)(?i:{name[1:]})\.?(?![A-Za-z])"
        tails.setdefault(name[0], []).append(tail)
        tails.setdefault(name[0].upper(), []).append(tail)
    return "|".join(re.escape(first) + "(?:" + "|".join(rest) + ")" for first, rest in tails.items())


_MONTH = rf"(?P<m>{_month_alternatives()})"
_ERA = r"[พค]\.?\s?ศ\.{0,2}"
_ERA_OPT = rf"(?:ปี\s*(?:{_ERA}\s*)?|{_ERA}\s*)?"
_YEAR = rf"(?P<era>ปี\s*(?:{_ERA}\s*)?|{_ERA}\s*)?(?P<y>\d{{4}}|\d{{2}})(?!\d|[,.]\d)"

_DMY_RE = re.compile(rf"(?<![\d,./])(?P<d>\d{{1,2}})\s*(?:เดือน\s*)?{_MONTH}(?:\s*{_YEAR})?")
_WP_RE = re.compile(rf"{_MONTH}\s*(?P<d>\d{{1,2}})\s*,\s*(?P<y>\d{{4}})(?!\d)")
_MY_RE = re.compile(rf"{_MONTH}(?:\s*{_YEAR})?")
_MONTH_WORD_BEFORE_RE = re.compile(r"เดือน\s*$")
_NUM_RE = re.compile(
    r"(?<![\d.])(?<!\d/)(?P<d>\d{1,2})(?P<s>[/\-])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})(?!\d|(?P=s)\d|\.\d)"
)
_ISO_RE = re.compile(r"(?<![\d.])(?<!\d/)(?P<y>\d{4})(?P<s>[\-/])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?!\d|(?P=s)\d)")
_DAY_RANGE_RE = re.compile(rf"(?<![\d,./\-])(?P<d1>\d{{1,2}})\s*-\s*(?P<d>\d{{1,2}})\s*(?:เดือน\s*)?{_MONTH}\s*{_YEAR}")
# Kind, pattern; the order breaks ties between matches with the same span.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("wp", _WP_RE),
    ("iso", _ISO_RE),
    ("num", _NUM_RE),
    ("dmy", _DMY_RE),
    ("my", _MY_RE),
)
_RANGE_SEP_RE = re.compile(r"\s*(?:-{1,2}|จนถึง|ถึง|(?i:to|until|through))\s*(?:วันที่\s*|ที่\s*)?")
_YEAR_RANGE_RE = re.compile(
    rf"(?<![\d,/\-])(?<!\d\.)(?P<a>\d{{4}})\s*(?:-|จนถึง|ถึง)\s*(?:{_ERA}\s*)?(?P<b>\d{{4}})(?!\d|[,./\-]\d)"
)
_FISCAL_RE = re.compile(
    rf"(?:ปีงบ(?:ประมาณ|ฯ|\.)?|งบประมาณ)\s*{_ERA_OPT}(?P<y>\d{{4}}|\d{{2}})"
    rf"(?!\d|[,.]\d|\s*(?:-|ถึง)\s*(?:{_ERA}\s*)?\d{{4}}(?!\d)|\s*(?:บาท|ล้าน))"
)
_YEAR4_RE = re.compile(r"(?<!\d)(?<!\d\.)\d{4}(?!\d)(?!\.\d|,\d{3}(?!\d))")
_PHONE_RE = re.compile(
    r"(?<!\d)(?:\+?66[ \-]?|0)\d{1,2}[ \-]?\d{3}[ \-]?\d{4}(?!\d)|(?<!\d)0[ \-]?\d{4}[ \-]?\d{4}(?!\d)"
)
_EXTENSION_WORDS = ("ต่อ", "ext", "ext.", "โทร", "โทร.", "tel", "tel.")


@dataclass(frozen=True)
class FoundDate:
    """A date found in text; `start`/`end` is the character span in the input."""

    date: date
    precision: Literal["day", "month"]
    raw: str
    start: int
    end: int


@dataclass(frozen=True)
class DateRange:
    """A period found in text (inclusive C.E. dates)."""

    start: date
    end: date
    raw: str


@dataclass(frozen=True, slots=True)
class _Token:
    """A date-like match: year (C.E.) and day may be missing; `valid` is False for impossible dates."""

    kind: str
    start: int
    end: int
    day: int | None
    month: int
    year: int | None
    valid: bool


def _prep(text: str) -> str:
    return text.translate(_PREP_TABLE)


def be_year(token: str | int) -> int | None:
    """Return the B.E. year for a 2-digit (B.E.) or 4-digit (B.E. ≥ 2400, C.E. 1900–2200) token."""
    if isinstance(token, int):
        if token < 0:
            return None
        digits = str(token)
    else:
        digits = _prep(token).strip().lstrip("'")
    if not (digits.isascii() and digits.isdigit()):
        return None
    number = int(digits)
    if len(digits) == 2:
        return 2500 + number
    if len(digits) == 4:
        if number >= 2400:
            return number
        if 1900 <= number <= 2200:
            return number + 543
    return None


def fiscal_year_of(d: date) -> int:
    """Return the Thai fiscal year (B.E.) containing `d`; October–December belong to the next one."""
    return d.year + 543 + (1 if d.month >= 10 else 0)


def fy_window(fy: int) -> tuple[date, date]:
    """Return the first and last day (C.E.) of fiscal year `fy` (B.E.)."""
    return date(fy - 544, 10, 1), date(fy - 543, 9, 30)


def first_half_window(fy: int) -> tuple[date, date]:
    """Return 1 October … 31 March of fiscal year `fy` (B.E.) as C.E. dates."""
    return date(fy - 544, 10, 1), date(fy - 543, 3, 31)


def months_in(start: date, end: date) -> list[tuple[int, int]]:
    """Return every (C.E. year, month) from `start`'s month to `end`'s month inclusive."""
    months: list[tuple[int, int]] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def format_th(d: date, *, short: bool = True) -> str:
    """Format `d` the Thai way: `31 มี.ค. 2569` (short) or `31 มีนาคม 2569`."""
    names = MONTHS_TH_ABBR if short else MONTHS_TH
    return f"{d.day} {names[d.month - 1]} {d.year + 543}"


def _month_number(text: str) -> int | None:
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    return _MONTH_KEYS.get("".join(text.split()).replace(".", "").lower())


def _ce_year(digits: str, era: str | None) -> int | None:
    if era and "ค" in era:  # ค.ศ.: Common Era
        number = int(digits)
        if len(digits) == 2:
            return 2000 + number
        if 1 <= number <= 2200:
            return number
    be = be_year(digits)
    return None if be is None else be - 543


def _group(match: re.Match[str], name: str) -> str | None:
    return match.groupdict().get(name)


def _token(kind: str, match: re.Match[str]) -> _Token:
    month = _month_number(match.group("m")) or 0
    day_text = _group(match, "d")
    day = int(day_text) if day_text else None
    year_text = _group(match, "y")
    year = _ce_year(year_text, _group(match, "era")) if year_text else None
    valid = 1 <= month <= 12 and (year_text is None or year is not None)
    if valid and day is not None:
        valid = 1 <= day <= _MAX_DAYS[month - 1]
    if valid and year is not None:
        valid = _safe_date(year, month, day or 1) is not None
    return _Token(kind, match.start(), match.end(), day, month, year, valid)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _with_month_word(text: str, token: _Token) -> _Token:
    """Extend a month token to the left over a preceding `เดือน`."""
    before = _MONTH_WORD_BEFORE_RE.search(text, max(0, token.start - 20), token.start)
    return replace(token, start=before.start()) if before else token


def _scan(text: str) -> list[_Token]:
    """Return non-overlapping date-like tokens of prepared `text`, longest match first, in order."""
    candidates = [
        (_with_month_word(text, _token(kind, match)) if kind == "my" else _token(kind, match), rank)
        for rank, (kind, pattern) in enumerate(_PATTERNS)
        for match in pattern.finditer(text)
    ]
    candidates.sort(key=lambda item: (item[0].start, -item[0].end, item[1]))
    tokens: list[_Token] = []
    last_end = -1
    for token, _rank in candidates:
        if token.start >= last_end:
            tokens.append(token)
            last_end = token.end
    return tokens


def find_dates(text: str) -> list[FoundDate]:
    """Return every complete date (day or month precision) in `text`, in order of appearance."""
    found: list[FoundDate] = []
    for token in _scan(_prep(text)):
        if token.valid and token.year is not None:
            precision: Literal["day", "month"] = "month" if token.day is None else "day"
            when = date(token.year, token.month, token.day or 1)
            found.append(FoundDate(when, precision, text[token.start : token.end], token.start, token.end))
    return found


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _pair_range(first: _Token, second: _Token) -> tuple[date, date] | None:
    """Resolve two tokens into (start, end); the first may borrow the second's year."""
    if second.year is None:
        return None
    end = _last_day(second.year, second.month) if second.day is None else date(second.year, second.month, second.day)
    if first.year is not None:
        start = _safe_date(first.year, first.month, first.day or 1)
    else:
        start = _safe_date(second.year, first.month, first.day or 1)
        if start is None or start > end:
            start = _safe_date(second.year - 1, first.month, first.day or 1)
    if start is None or start > end:
        return None
    return start, end


def _token_ranges(text: str, prepared: str, tokens: list[_Token]) -> list[tuple[int, DateRange]]:
    """Pair neighbouring tokens joined by a range separator (`-`, `ถึง`, …)."""
    ranges: list[tuple[int, DateRange]] = []
    index = 0
    while index < len(tokens) - 1:
        first, second = tokens[index], tokens[index + 1]
        if second.start - first.end <= 40 and _RANGE_SEP_RE.fullmatch(prepared, first.end, second.start):
            pair = _pair_range(first, second)
            if pair is not None:
                ranges.append((first.start, DateRange(pair[0], pair[1], text[first.start : second.end])))
                index += 2
                continue
        index += 1
    return ranges


def _day_ranges(text: str, prepared: str, tokens: list[_Token]) -> list[tuple[int, DateRange]]:
    """Find `1-31 ตุลาคม 2568` (day range within one month) not starting inside another date."""
    spans = [(token.start, token.end) for token in tokens]
    ranges: list[tuple[int, DateRange]] = []
    for match in _DAY_RANGE_RE.finditer(prepared):
        token = _token("dmy", match)
        if not token.valid or token.year is None or _overlaps(spans, *match.span("d1")):
            continue
        start = _safe_date(token.year, token.month, int(match.group("d1")))
        end = date(token.year, token.month, token.day or 1)
        if start is not None and start <= end:
            ranges.append((match.start(), DateRange(start, end, text[match.start() : match.end()])))
    return ranges


def find_ranges(text: str) -> list[DateRange]:
    """Return date ranges (`ต.ค. 68 – มี.ค. 69`, `1 - 31 ตุลาคม 2568`, `ตั้งแต่ … ถึง …`) in order.

    A month-precision end means the last day of that month.
    """
    prepared = _prep(text)
    tokens = [token for token in _scan(prepared) if token.valid]
    ranges = _token_ranges(text, prepared, tokens) + _day_ranges(text, prepared, tokens)
    ranges.sort(key=lambda item: item[0])
    return [found for _start, found in ranges]


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of the sorted, non-overlapping `spans`."""
    index = bisect.bisect_left(spans, (end, end)) - 1
    return index >= 0 and spans[index][1] > start


def find_year_ranges(text: str) -> list[tuple[int, int]]:
    """Return B.E. multi-year ranges such as `2566-2570` or `พ.ศ. 2566 ถึง 2570`, in order."""
    prepared = _prep(text)
    ranges: list[tuple[int, int]] = []
    dated: list[tuple[int, int]] | None = None
    for match in _YEAR_RANGE_RE.finditer(prepared):
        first, last = int(match.group("a")), int(match.group("b"))
        if not (2400 <= first < last <= 2700 and last - first <= 20):
            continue
        if dated is None:
            dated = [(token.start, token.end) for token in _scan(prepared) if token.year is not None]
        if _overlaps(dated, *match.span()):
            continue
        if (first, last) not in ranges:
            ranges.append((first, last))
    return ranges


def find_fiscal_years(text: str) -> list[int]:
    """Return the B.E. years labelled as fiscal years (`ปีงบประมาณ พ.ศ. 2569`, `ปีงบ 69`), deduplicated."""
    years: list[int] = []
    for match in _FISCAL_RE.finditer(_prep(text)):
        year = be_year(match.group("y"))
        if year is not None and 2450 <= year <= 2650 and year not in years:
            years.append(year)
    return years


def _is_extension_or_phone(text: str, start: int, end: int, phones: list[tuple[int, int]]) -> bool:
    if _overlaps(phones, start, end):
        return True
    return text[max(0, start - 8) : start].rstrip().lower().endswith(_EXTENSION_WORDS)


def find_be_years(text: str) -> list[int]:
    """Return plausible B.E. years (2450–2650) written as standalone 4-digit numbers, plus C.E. years
    1990–2100 of ISO and WordPress dates (converted to B.E.), deduplicated in order of appearance."""
    prepared = _prep(text)
    phones = [(match.start(), match.end()) for match in _PHONE_RE.finditer(prepared)]
    hits: list[tuple[int, int]] = []
    for match in _YEAR4_RE.finditer(prepared):
        year = int(match.group())
        if 2450 <= year <= 2650 and not _is_extension_or_phone(prepared, *match.span(), phones):
            hits.append((match.start(), year))
    for pattern in (_ISO_RE, _WP_RE):
        for match in pattern.finditer(prepared):
            token = _token("ce", match)
            if token.valid and token.year is not None and 1990 <= int(match.group("y")) <= 2100:
                hits.append((match.start("y"), token.year + 543))
    hits.sort()
    years: list[int] = []
    for _pos, year in hits:
        if year not in years:
            years.append(year)
    return years
