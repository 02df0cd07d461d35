"""Failure classes for responses and download errors (dns, connect, timeout, tls, blocked, login_wall ...)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

from twisted.internet import error as terr
from twisted.python.failure import Failure

_LOGIN_URL = re.compile(r"(login|signin|sign-in|logon|auth|wp-login|user/password|sso)", re.I)
_PASSWORD = re.compile(rb"""<input[^>]+type\s*=\s*["']?password""", re.I)
_WAF = re.compile(
    rb"(access denied|attention required|request blocked|web application firewall|"
    rb"checking your browser|ddos protection)",
    re.I,
)

# Connection refused, reset or lost mid-response: Twisted's names and (Scrapy >= 2.13) Scrapy's own wrappers.
_CONNECT_ERRORS = frozenset(
    {
        "ResponseNeverReceived",
        "ResponseFailed",
        "_ResponseFailed",
        "PotentialDataLoss",
        "DownloadConnectionRefusedError",
        "ResponseDataLossError",
        "DownloadFailedError",
    }
)


def classify_response(response: Any, content_type: str | None) -> tuple[str | None, str | None]:
    """Return (fail_class, detail) for a received response, or (None, None) when it is usable."""
    status = int(response.status)
    if status in (401, 403, 429):
        return "blocked", f"HTTP {status}"
    if status in (404, 410):
        return "not_found", f"HTTP {status}"
    if status >= 500:
        return "server_error", f"HTTP {status}"
    if status >= 400:
        return "blocked", f"HTTP {status}"
    if status >= 300:
        return "other", f"HTTP {status} redirect not followed"
    body = response.body or b""
    if not body:
        return "bad_content", "empty body"
    is_html = "html" in (content_type or "").lower() or body[:200].lstrip().lower().startswith((b"<!doctype", b"<html"))
    if is_html:
        redirected = bool(response.meta.get("redirect_urls"))
        path = urlparse(response.url).path + "?" + urlparse(response.url).query
        if _PASSWORD.search(body[:200_000]) and (redirected or _LOGIN_URL.search(path)):
            return "login_wall", f"login form at {response.url}"
        if redirected and _LOGIN_URL.search(path):
            return "login_wall", f"redirected to {response.url}"
        if len(body) < 20_000 and _WAF.search(body):
            return "blocked", "WAF / access-denied page"
    return None, None


def _refused_at_connect(failure: Failure) -> str | None:
    """Why the resolver refused the address of the failed request's host (crawler.resolver), if it did."""
    from crawler.resolver import REFUSED

    request = getattr(failure, "request", None)
    host = urlparse(str(getattr(request, "url", ""))).hostname or ""
    return REFUSED.get(host.lower())


def classify_failure(failure: Failure) -> tuple[str, str]:
    """Map a download error to a failure class."""
    from crawler.middlewares import RefusedByGuard

    exc = failure.value
    name = type(exc).__name__
    text = str(exc)[:300]
    if isinstance(exc, RefusedByGuard):
        return "refused_private", text
    refused = _refused_at_connect(failure)
    if refused:  # the resolver or the browser's request filter refused this host (DNS rebinding, sub-request)
        return "refused_private", refused
    if name == "BrowserCrashedError":
        return "other", f"{name}: {text}"
    if isinstance(exc, terr.DNSLookupError) or name == "CannotResolveHostError":
        return "dns", text
    if isinstance(exc, (terr.TimeoutError, terr.TCPTimedOutError)) or "timeout" in name.lower():
        return "timeout", text
    if "SSL" in name or "TLS" in name or "certificate" in text.lower() or "ssl" in text.lower():
        return "tls", text
    if "maxsize" in text.lower() or ("Cancelled" in name and "size" in text.lower()):
        return "too_large", text
    if name in ("DownloadCancelledError", "CancelledError") and not text:
        # Scrapy cancels a body without Content-Length silently once it passes DOWNLOAD_MAXSIZE (timeouts
        # have their own error): an endless or oversized stream.
        return "too_large", f"{name}: body larger than the download size limit"
    if isinstance(exc, (terr.ConnectionRefusedError, terr.ConnectError, terr.ConnectionLost)):
        return "connect", text
    if name in _CONNECT_ERRORS:
        return "connect", f"{name}: {text}"
    return "other", f"{name}: {text}"
