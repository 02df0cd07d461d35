"""Naive baseline: pass when a submitted page holds the item title's words, else fail (unreachable if unfetchable)."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

import pymupdf

from ita_checker.inputs.submissions import read_submissions
from ita_checker.rules.loader import find_ruleset

_YEAR = re.compile(r"(ประจำ)?(ปีงบประมาณ|ปี)?\s*(พ\.ศ\.)?\s*25\d\d")
_SPLIT = re.compile(r"[\s()\[\]/,]+")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def title_keywords(title: str) -> list[str]:
    """The words of an item title, without the year and the placeholder prefix."""
    title = title.replace("[ไม่ทราบ - คาดว่า]", "")
    title = _YEAR.sub(" ", title)
    return [w.lower() for w in _SPLIT.split(title) if len(w) >= 2]


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text.translate(_THAI_DIGITS)).lower()


def page_text(url: str, *, timeout: float = 10.0) -> str:
    """Fetch ``url`` and return its visible text (HTML or PDF); raises OSError when it cannot be fetched."""
    req = urllib.request.Request(url, headers={"User-Agent": "ita-baseline/0.1"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        body: bytes = resp.read()
        ctype = resp.headers.get("Content-Type", "")
    if body.startswith(b"%PDF"):
        with pymupdf.open(stream=body, filetype="pdf") as pdf:  # type: ignore[no-untyped-call]
            return "\n".join(page.get_text() for page in pdf)
    if "html" not in ctype and not body.lstrip()[:20].lower().startswith((b"<!doctype", b"<html")):
        return ""
    m = re.search(rb"charset=[\"']?([\w-]+)", body[:2000])
    enc = (m.group(1).decode() if m else "utf-8").lower()
    html = body.decode("cp874" if enc in ("windows-874", "tis-620") else "utf-8", errors="replace")
    html = re.sub(r"(?is)<(script|style)[^>]*>.*?</\1>", " ", html)
    return re.sub(r"<[^>]+>", " ", html)


def baseline_verdicts(submissions: Path, *, year: int, agency_type: str) -> dict[str, str]:
    """One verdict per item of the rule set: pass / fail / unreachable (and not_applicable)."""
    rs = find_ruleset(year=year, agency_type=agency_type)
    form = read_submissions(submissions)
    out: dict[str, str] = {}
    for rule in rs.rules:
        if agency_type not in rule.applies_to:
            out[rule.code] = "not_applicable"
            continue
        urls = form.urls_for(rule.code)
        if not urls:
            out[rule.code] = "fail"
            continue
        words = [_key(w) for w in title_keywords(rule.title_th)]
        texts = []
        for url in urls:
            try:
                texts.append(_key(page_text(url)))
            except (OSError, urllib.error.URLError, ValueError):
                continue
        if not texts:
            out[rule.code] = "unreachable"
            continue
        hay = "\n".join(texts)
        found = sum(1 for w in words if w in hay)
        out[rule.code] = "pass" if words and found * 2 >= len(words) else "fail"
    return out
