"""Thai text normalisation and whitespace-insensitive keyword matching."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# Horizontal whitespace other than ' ' (str.isspace() is True for all of them).
_SPACES = "\t\x1f\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
# Everything str.splitlines() treats as a line boundary, except '\n' itself.
_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"

_TABLE: dict[int, str | None] = {
    **{ord(c): str(i) for i, c in enumerate(_THAI_DIGITS)},
    **dict.fromkeys(map(ord, _ZERO_WIDTH)),
    **dict.fromkeys(map(ord, _SPACES), " "),
    **dict.fromkeys(map(ord, _LINE_BREAKS), "\n"),
    **dict.fromkeys(map(ord, _DASHES), "-"),
}

_MULTI_SPACE_RE = re.compile(" {2,}")
_MULTI_NEWLINE_RE = re.compile("\n{3,}")
# A line break before a mark or following vowel that cannot start a Thai word: PDF extraction artefact.
_FOLLOWING = "[\u0e30-\u0e3a\u0e46-\u0e4e]"
_FOLLOWING_RE = re.compile(_FOLLOWING)
_BROKEN_LINE_RE = re.compile("\n+(?=" + _FOLLOWING + ")")
# Broken sara am: NIKHAHIT (+ optional tone mark) + SARA AA.
_SARA_AM_RE = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")
# Sara am before a tone mark; the canonical order is tone mark, then sara am.
_AM_TONE_RE = re.compile("\u0e33([\u0e48-\u0e4b])")
_NEEDS_COMPOSE_RE = re.compile("\u0e4d[\u0e48-\u0e4b]?\u0e32|\u0e33[\u0e48-\u0e4b]|เเ")
_NON_SPACE_RE = re.compile(r"\S+")
# Abbreviations spaced out by OCR or PDF extraction: "พ . ศ ." -> "พ.ศ.", "ต . ค ." -> "ต.ค.".
_SPACE_DOT_RE = re.compile(r"(?<=[\u0e01-\u0e4e]) +\.")
_DOT_SPACE_RE = re.compile(r"(?<=[\u0e01-\u0e4e]\.) +(?=[\u0e01-\u0e4e]{1,2}\.)")
_ELLIPSIS = "…"


def _compose(text: str) -> str:
    """Compose broken sara am and doubled sara e, then NFC, until stable."""
    for _ in range(8):
        if not _NEEDS_COMPOSE_RE.search(text) and unicodedata.is_normalized("NFC", text):
            break
        text = _SARA_AM_RE.sub("\\1\u0e33", text)
        text = _AM_TONE_RE.sub("\\1\u0e33", text).replace("เเ", "แ")
        text = unicodedata.normalize("NFC", text)
    return text


def _tidy_lines(text: str) -> str:
    """Collapse spaces, strip every line and keep at most one blank line in a row."""
    text = _MULTI_SPACE_RE.sub(" ", text)
    text = "\n".join(line.strip(" ") for line in text.split("\n"))
    return _MULTI_NEWLINE_RE.sub("\n\n", text).strip("\n")


def normalize(text: str) -> str:
    """Return `text` in the canonical form used everywhere (digits, spaces, dashes, sara am, lines)."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").translate(_TABLE)
    text = _BROKEN_LINE_RE.sub("", _tidy_lines(text))
    if " ." in text:
        text = _DOT_SPACE_RE.sub("", _SPACE_DOT_RE.sub(".", text))
    return _compose(text)


def _key_once(text: str) -> str:
    return "".join(normalize(text).casefold().split())


def match_key(text: str) -> str:
    """Return the whitespace-free, case-folded form of `text` used for keyword matching."""
    key = _key_once(text)
    for _ in range(4):
        again = _key_once(key)
        if again == key:
            break
        key = again
    return key


@lru_cache(maxsize=8192)
def _keyword_key(keyword: str) -> str:
    return match_key(keyword)


def contains_any(haystack_key: str, keywords: Iterable[str]) -> list[str]:
    """Return the keywords (original spelling, no duplicates) whose match key occurs in `haystack_key`."""
    found: list[str] = []
    for keyword in keywords:
        key = _keyword_key(keyword)
        if key and key in haystack_key and keyword not in found:
            found.append(keyword)
    return found


def _find_span(text: str, key: str) -> tuple[int, int] | None:
    """Find `key` in the whitespace-free case-folded view of `text`; return the span in `text`."""
    parts: list[str] = []
    key_starts: list[int] = []
    chunks: list[tuple[int, int, bool]] = []  # text start, text length, same length when folded
    pos = 0
    for match in _NON_SPACE_RE.finditer(text):
        folded = match.group().casefold()
        parts.append(folded)
        key_starts.append(pos)
        chunks.append((match.start(), len(match.group()), len(folded) == len(match.group())))
        pos += len(folded)
    found = "".join(parts).find(key)
    if found < 0:
        return None

    def to_text(key_pos: int) -> int:
        index = bisect.bisect_right(key_starts, key_pos) - 1
        start, length, same = chunks[index]
        offset = key_pos - key_starts[index]
        return start + (offset if same else min(offset, length - 1))

    return to_text(found), to_text(found + len(key) - 1) + 1


def _is_mark(char: str) -> bool:
    """Whether `char` cannot start a word: a combining mark or a Thai following vowel."""
    return _FOLLOWING_RE.match(char) is not None or unicodedata.category(char) in ("Mn", "Mc", "Me")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def snippet(text: str, keyword: str, width: int = 80) -> str:
    """Return a single-line excerpt of normalised `text` around the first occurrence of `keyword`."""
    text = normalize(text)
    key = match_key(keyword)
    span = _find_span(text, key) if key else None
    if span is None:
        head = _one_line(text[: 2 * width])
        return head + _ELLIPSIS if len(text) > 2 * width else head
    start = max(0, span[0] - width)
    end = min(len(text), span[1] + width)
    while start > 0 and _is_mark(text[start]):
        start -= 1
    while end < len(text) and _is_mark(text[end]):
        end += 1
    excerpt = _one_line(text[start:end])
    prefix = _ELLIPSIS if start > 0 else ""
    suffix = _ELLIPSIS if end < len(text) else ""
    return prefix + excerpt + suffix
