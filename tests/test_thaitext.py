"""Tests for ita_checker.text.thaitext (normalisation and keyword matching)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ita_checker.text.thaitext import contains_any, match_key, normalize, snippet

BROKEN_AM = re.compile("\u0e4d[\u0e48-\u0e4b]?\u0e32")
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
SPECIAL_CHARS = (
    list(THAI_DIGITS)
    + list(ZERO_WIDTH)
    + list("กขคนปรเแาำะัิ่้๊๋ํ็ุู์ๆ")
    + list(" \t\n\r\u00a0\u2003\u3000\u2028\x0b\x85")
    + list("-‐‑‒–—―−")
    + ["\u0e4d\u0e32", "\u0e4d\u0e48\u0e32", "\u0e48\u0e4d\u0e32", "เเ", "\n\u0e32", " \n \u0e33", "\n\n\n"]
)
texts = st.lists(
    st.one_of(st.sampled_from(SPECIAL_CHARS), st.characters(codec="utf-8")),
    max_size=40,
).map("".join)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("๒๕๖๙", "2569"),
        ("ปีงบประมาณ พ.ศ. ๒๕๖๙", "ปีงบประมาณ พ.ศ. 2569"),
        ("ดําเนินงาน", "ดำเนินงาน"),
        ("ประจําปี", "ประจำปี"),
        ("น\u0e4d\u0e49\u0e32", "น\u0e49\u0e33"),
        ("น\u0e49\u0e4d\u0e32", "น\u0e49\u0e33"),
        ("น\u0e33\u0e49", "น\u0e49\u0e33"),
        ("เเผนงาน", "แผนงาน"),
        ("ประ\u200bกาศ", "ประกาศ"),
        ("\ufeffหัวข้อ", "หัวข้อ"),
        ("ข้อ\u00adมูล\u2060", "ข้อมูล"),
        ("พ.ศ.\u00a02569", "พ.ศ. 2569"),
        ("a\u2003\u3000b", "a b"),
        ("E–Service", "E-Service"),
        ("2566—2570", "2566-2570"),
        ("1 − 2 ― 3 ‐ 4 ‑ 5 ‒ 6", "1 - 2 - 3 - 4 - 5 - 6"),
        ("ดำเนินงานประจ\nำปี", "ดำเนินงานประจำปี"),
        ("ผู้อ \n ำนวยการ", "ผู้อำนวยการ"),
        ("ประจ\n\u0e4d\u0e32ปี", "ประจำปี"),
        ("ส\n\u0e31ญญา", "สัญญา"),
        ("ก\n\u0e34จกรรม", "กิจกรรม"),
        ("เก\n\u0e47บ", "เก็บ"),
        ("ปร\n\u0e30", "ปร\u0e30"),
        ("ต่าง\n\u0e46", "ต่างๆ"),
        ("บรรทัดแรก\nบรรทัดสอง", "บรรทัดแรก\nบรรทัดสอง"),
        ("a  \t b", "a b"),
        ("  a  \n  b  ", "a\nb"),
        ("a\n\n\n\nb", "a\n\nb"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("\n\n a \n\n", "a"),
    ],
)
def test_normalize_examples(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("พ.ศ. 2569", "พ.ศ.2569"),
        ("E-Service", "e–service"),
        ("ปีงบประมาณ ๒๕๖๙", "ปีงบประมาณ2569"),
        ("ดําเนินงาน", "ดำเนิน งาน"),
        ("แผนการ\u200bจัดซื้อ", "แผน การจัดซื้อ"),
    ],
)
def test_match_key_equivalence(left: str, right: str) -> None:
    assert match_key(left) == match_key(right)


def test_match_key_removes_all_whitespace() -> None:
    assert match_key(" A b\n\tC \u00a0d ") == "abcd"


def test_contains_any() -> None:
    haystack = match_key("ประกาศ ผลการจัดซื้อจัดจ้าง ประจําปีงบประมาณ พ.ศ.๒๕๖๙ ผ่าน E–Service")
    keywords = ["ประจำปี งบประมาณ", "พ.ศ. 2569", "e-service", "", "  ", "ไม่มีคำนี้", "พ.ศ. 2569"]
    assert contains_any(haystack, keywords) == ["ประจำปี งบประมาณ", "พ.ศ. 2569", "e-service"]


def test_contains_any_empty() -> None:
    assert contains_any(match_key("อะไรก็ได้"), []) == []
    assert contains_any("", ["ก"]) == []


def test_snippet_around_keyword() -> None:
    text = "ก" * 200 + " คำ สั่ง\nแต่งตั้ง " + "ข" * 200
    result = snippet(text, "คำสั่งแต่งตั้ง", width=10)
    assert result == "…" + "ก" * 9 + " คำ สั่ง แต่งตั้ง " + "ข" * 9 + "…"
    assert "\n" not in result


def test_snippet_keyword_at_start_and_case() -> None:
    assert snippet("E-Service ของหน่วยงาน", "e–service", width=5) == "E-Service ของห…"


def test_snippet_not_found() -> None:
    assert snippet("abc\ndef", "zzz", width=80) == "abc def"
    assert snippet("x" * 300, "zzz", width=10) == "x" * 20 + "…"


def test_snippet_does_not_cut_combining_mark() -> None:
    text = "น้ำ" * 30 + "เป้าหมาย" + "น้ำ" * 30
    result = snippet(text, "เป้าหมาย", width=4)
    body = result.strip("…")
    assert body.startswith("น")
    assert "เป้าหมาย" in body


def test_snippet_thai_digits() -> None:
    assert "2569" in snippet("รายงาน ประจำปี ๒๕๖๙ ของหน่วยงาน", "ปี 2569", width=3)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_normalize_idempotent_and_clean(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert not any(c in once for c in THAI_DIGITS + ZERO_WIDTH)
    assert not BROKEN_AM.search(once)
    assert "เเ" not in once
    assert "  " not in once
    assert "\n\n\n" not in once
    assert all(line == line.strip(" ") for line in once.split("\n"))


@settings(max_examples=200, deadline=None)
@given(texts)
def test_match_key_idempotent_and_whitespace_free(text: str) -> None:
    key = match_key(text)
    assert match_key(key) == key
    assert not any(c.isspace() for c in key)


@settings(max_examples=100, deadline=None)
@given(texts, st.text(alphabet="กขคงจนบปabcXYZ019๑๒ \u00a0", min_size=1, max_size=12), texts)
def test_contains_any_finds_inserted_keyword(before: str, keyword: str, after: str) -> None:
    haystack = match_key(before + " / " + keyword + " / " + after)
    expected = [keyword] if keyword.strip() else []
    assert contains_any(haystack, [keyword]) == expected
