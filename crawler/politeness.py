"""Downloader middleware: a lease on the target's IP (ita_checker.crawl.politeness) before each request goes out."""

from __future__ import annotations

import asyncio
import socket
from typing import Any
from urllib.parse import urlparse

from scrapy.exceptions import NotConfigured

from ita_checker.crawl.job import CrawlJob
from ita_checker.crawl.netguard import parse_host_ip
from ita_checker.crawl.politeness import IpLimiter, IpPolicy

LEASE_KEY = "ita_ip_lease"
LEASE_SLACK_S = 60.0


class PerIpPolitenessMiddleware:
    """Waits (without blocking the reactor) until the target IP has a free slot, and frees it on the answer."""

    def __init__(self, limiter: IpLimiter) -> None:
        self.limiter = limiter
        self._ips: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> PerIpPolitenessMiddleware:
        job: CrawlJob | None = crawler.settings.get("ITA_JOB")
        if job is None or not job.polite:
            raise NotConfigured("per-IP politeness is off (benchmarks on loopback)")
        policy = IpPolicy(
            concurrency=job.per_ip_concurrency,
            min_delay_s=job.per_ip_delay_s,
            lease_s=job.timeout_s * 3 + LEASE_SLACK_S,  # a request and its retries, browser included
        )
        return cls(IpLimiter(job.store_dir, policy))

    async def process_request(self, request: Any, spider: Any = None) -> None:
        ip = await self._ip(urlparse(request.url).hostname or "")
        if ip is None:
            return None  # no address: the download fails as a DNS error on its own
        while True:
            token, wait = await asyncio.to_thread(self.limiter.try_acquire, ip)
            if token is not None:
                request.meta[LEASE_KEY] = token
                return None
            await asyncio.sleep(wait)

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        self._release(request)
        return response

    def process_exception(self, request: Any, exception: BaseException, spider: Any = None) -> None:
        self._release(request)

    def _release(self, request: Any) -> None:
        token = request.meta.pop(LEASE_KEY, None)
        if token:
            self.limiter.release(token)

    async def _ip(self, host: str) -> str | None:
        if host not in self._ips:
            literal = parse_host_ip(host)
            if literal is not None:
                self._ips[host] = str(literal)
            else:
                try:
                    self._ips[host] = await asyncio.to_thread(socket.gethostbyname, host)
                except OSError:
                    self._ips[host] = None
        return self._ips[host]
