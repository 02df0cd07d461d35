"""URL identity: one key for a URL wherever it appears (form, crawler, store, engine); the fragment kept aside."""

from __future__ import annotations

from functools import lru_cache
from typing import NewType
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url

UrlKey = NewType("UrlKey", str)
_DEFAULT_PORTS = {"http": 80, "https": 443}


@lru_cache(maxsize=65536)  # the engine asks for the same few hundred URLs' keys for every rule
def url_key(url: str) -> UrlKey:
    """The identity of ``url`` for matching: scheme and host lower-cased, IDN as punycode, default port dropped,
    percent-encoding normalised (Thai paths typed or encoded either way), query sorted, empty ``?`` and the
    fragment dropped, surrounding whitespace ignored. Two URLs that fetch the same resource share a key."""
    text = url.strip()
    try:
        canon = canonicalize_url(text, keep_blank_values=True, keep_fragments=False)
        parts = urlsplit(canon)
        port = parts.port
    except ValueError:  # not a URL we can parse: its own text is its identity
        return UrlKey(text)
    netloc = parts.netloc.lower()
    if port is not None and _DEFAULT_PORTS.get(parts.scheme.lower()) == port:
        netloc = netloc.rsplit(":", 1)[0]
    return UrlKey(urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, "")))


def locator(url: str) -> str | None:
    """The fragment of ``url`` (what it points at inside the page: a section id, a tab, ``page=2``), or None."""
    fragment = urlsplit(url.strip()).fragment
    return fragment or None


def fetch_url(url: str) -> str:
    """``url`` as it is requested: without the fragment and a dangling ``?`` or ``#``, surrounding space removed."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
