"""The crawler's DNS resolver: every address Scrapy is about to connect to passes the SSRF guard first.

``Guard.check`` in the downloader middleware looks a name up before the request; the connection looks it up
again. A name that answers a public address the first time and a private one the second (DNS rebinding, TTL 0)
would pass the first check and reach the private address. Scrapy connects to exactly the address this resolver
returns, so validating it here closes that gap. A refused name fails its request as a DNS error; the host is
remembered in ``REFUSED`` so the failure is classified ``refused_private`` (crawler.classify).
"""

from __future__ import annotations

from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

from ita_checker.crawl.netguard import Guard
from ita_checker.errors import BlockedTarget

REFUSED: dict[str, str] = {}  # host name → why its connect-time address was refused
_guard = Guard()


def configure(guard: Guard) -> None:
    """The guard of this crawl (crawler.run sets it from the job before the crawl starts)."""
    global _guard
    _guard = guard


class GuardedResolver(CachingThreadedResolver):
    """CachingThreadedResolver whose every answer, cached or fresh, is checked against the SSRF guard."""

    def getHostByName(self, name: str, timeout: Any = ()) -> defer.Deferred[str]:
        d: defer.Deferred[str] = super().getHostByName(name, timeout)
        d.addCallback(self._validated, name)
        return d

    @staticmethod
    def _validated(address: str, name: str) -> str:
        if _guard.allow_private or _guard.allows_name(name):
            return address
        try:
            _guard.check_ip(address, name)
        except BlockedTarget as exc:
            REFUSED[name.lower()] = f"{exc.reason} at connect time (resolved {address})"
            raise DNSLookupError(f"refused by the SSRF guard: {name} resolved to {address} ({exc.reason})") from exc
        return address
