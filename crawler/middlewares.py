"""Downloader middlewares: the SSRF guard (every request and redirect hop) and the store cache (resume, 304)."""

from __future__ import annotations

import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.responsetypes import responsetypes

from ita_checker.crawl.freshness import reusable
from ita_checker.crawl.netguard import Guard
from ita_checker.errors import BlockedTarget
from ita_checker.store.blobs import FetchRecord, Store


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


class StoreCacheMiddleware:
    """Resume and incremental re-scans from the store.

    * A URL already fetched in this run (an interrupted run being resumed) is replayed from its blob with no
      request, so the spider follows its links again and nothing fetched is lost or fetched twice.
    * A URL fetched in an earlier run gets ``If-None-Match`` / ``If-Modified-Since``; a 304 is answered with
      the stored body, marked ``ita_not_modified``.
    * With a freshness period (``CrawlJob.revisit_stable_s``, nightly scans), a document whose content has not
      changed for that long is answered from the store with no request, marked ``ita_fresh``, until it is
      due again (ita_checker.crawl.freshness).
    """

    def __init__(self, store: Store, run_id: str, *, revisit_stable_s: float = 0.0) -> None:
        self.store = store
        self.run_id = run_id
        self.revisit_stable_s = revisit_stable_s

    @classmethod
    def from_crawler(cls, crawler: Any) -> StoreCacheMiddleware:
        job = crawler.settings.get("ITA_JOB")
        mw = cls(Store(job.store_dir), job.run_id, revisit_stable_s=job.revisit_stable_s)
        crawler.signals.connect(mw.close, signal=signals.spider_closed)
        return mw

    def close(self, *args: Any, **kwargs: Any) -> None:
        self.store.close()

    def _stored(self, request: Any, rec: FetchRecord, *, status: int = 200) -> Any:
        assert rec.sha256 is not None
        body = self.store.get_blob(rec.sha256)
        headers = {b"Content-Type": (rec.content_type or "application/octet-stream").encode("latin-1")}
        url = rec.final_url or request.url
        cls = responsetypes.from_args(headers=headers, url=url, body=body)
        return cls(url=url, status=status, headers=headers, body=body, request=request)

    def process_request(self, request: Any, spider: Any = None) -> Any:
        if request.meta.get("playwright") or "ita_source" not in request.meta:
            return None
        # The run records a URL under the address first requested (a redirect hop is recorded as its start):
        # a hop to a page this run already has (a submitted URL redirecting home) is fetched, not replayed.
        first = request.meta.get("redirect_urls", [request.url])[0]
        done = self.store.fetch_in_run(self.run_id, first)
        if done is not None and done.ok:
            request.meta["ita_replayed"] = True
            return self._stored(request, done)
        if self.revisit_stable_s > 0:
            history = self.store.ok_history(request.url, exclude_run=self.run_id)
            fresh = reusable(history, now=time.time(), stable_s=self.revisit_stable_s)
            if fresh is not None:
                request.meta["ita_fresh"] = True
                request.meta["ita_not_modified"] = True
                replay = self._stored(request, fresh)
                replay.headers["ETag"] = fresh.etag or ""
                replay.headers["Last-Modified"] = fresh.last_modified or ""
                return replay
            prev = history[0] if history else None
        else:
            prev = self.store.latest_ok_fetch(request.url, exclude_run=self.run_id)
        if prev is not None and (prev.etag or prev.last_modified) and not prev.via_browser:
            request.meta["ita_prev"] = prev
            if prev.etag:
                request.headers["If-None-Match"] = prev.etag
            if prev.last_modified:
                request.headers["If-Modified-Since"] = prev.last_modified
        return None

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        prev = request.meta.get("ita_prev")
        if response.status == 304 and prev is not None:
            request.meta["ita_not_modified"] = True
            replay = self._stored(request, prev)
            replay.headers["ETag"] = prev.etag or ""
            replay.headers["Last-Modified"] = prev.last_modified or ""
            return replay
        return response
