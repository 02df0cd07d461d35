"""Decode HTML bytes: charset from the HTTP header, then a meta tag, then detection (UTF-8 vs TIS-620/windows-874)."""

from __future__ import annotations

import codecs
import re

_ALIASES = {
    "tis-620": "cp874",
    "tis620": "cp874",
    "tis_620": "cp874",
    "iso-8859-11": "cp874",
    "iso8859-11": "cp874",
    "windows-874": "cp874",
    "x-windows-874": "cp874",
    "cp874": "cp874",
    "dos-874": "cp874",
}
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)


def codec_for(label: str | None) -> str | None:
    """A Python codec name for an HTTP/HTML charset label, or None when unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _ALIASES:
        return _ALIASES[label]
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = re.search(r"charset\s*=\s*([^;\s]+)", content_type, re.I)
    return m.group(1) if m else None


def _thai_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if "\u0e00" <= c <= "\u0e7f") / len(letters)


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return (text, how) where ``how`` says which source decided the encoding."""
    header = codec_for(charset_from_content_type(content_type))
    if header:
        try:
            return body.decode(header), f"header:{header}"
        except UnicodeDecodeError:
            pass
    m = _META.search(body[:4096])
    meta = codec_for(m.group(1).decode("ascii", "ignore")) if m else None
    if meta:
        try:
            return body.decode(meta), f"meta:{meta}"
        except UnicodeDecodeError:
            pass
    try:
        return body.decode("utf-8"), "detected:utf-8"
    except UnicodeDecodeError:
        pass
    thai = body.decode("cp874", errors="replace")
    high = sum(1 for b in body if b >= 0xA1)
    if high and _thai_share(thai) > 0.2:
        return thai, "detected:cp874"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body).best()
        if best is not None:
            return str(best), f"detected:{best.encoding}"
    except Exception:  # pragma: no cover - detector failure falls back below
        pass
    return body.decode("utf-8", errors="replace"), "fallback:utf-8"
