"""Downloader middleware: the SSRF guard, applied to every request including each redirect hop."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import IgnoreRequest

from ita_checker.errors import BlockedTarget
from ita_checker.netguard import Guard


class RefusedByGuard(IgnoreRequest):
    """The SSRF guard refused this request; the spider records it as ``refused_private``."""


class SsrfGuardMiddleware:
    """Refuse requests whose host is or resolves to a private/loopback/reserved address unless allowed."""

    def __init__(self, guard: Guard) -> None:
        self.guard = guard

    @classmethod
    def from_crawler(cls, crawler: Any) -> SsrfGuardMiddleware:
        s = crawler.settings
        return cls(
            Guard(allow_private=s.getbool("ITA_ALLOW_PRIVATE"), allowed_hosts=frozenset(s.getlist("ITA_ALLOWED_HOSTS")))
        )

    def process_request(self, request: Any, spider: Any = None) -> None:
        try:
            self.guard.check(request.url)
        except BlockedTarget as exc:
            raise RefusedByGuard(exc.reason) from exc
