"""The agency spider: home page, menu pages and submitted URLs, plus the documents item pages link to."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urldefrag, urljoin, urlparse

import scrapy
from scrapy.http import Response
from scrapy_playwright.page import PageMethod
from twisted.python.failure import Failure

from crawler.browser import settle
from crawler.classify import classify_failure, classify_response
from crawler.items import FetchedItem, LinkEdge
from ita_checker.crawl.freshness import reusable
from ita_checker.crawl.job import CrawlJob
from ita_checker.extract.evidence import WRAPPER_TEXT
from ita_checker.extract.html import extract_html, is_document_url, is_ita_page
from ita_checker.store.blobs import FetchRecord, Store
from ita_checker.text.thaitext import contains_any, match_key

SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "ftp:")
# Calendar-style and query-string traps: bounded per path.
MAX_QUERY_VARIANTS_PER_PATH = 5
WRAPPED_DOCS = 5
_CACHE_META = ("ita_replayed", "ita_not_modified", "ita_fresh", "ita_prev", "download_slot", "download_latency")
_CAL = re.compile(r"(calendar|[?&](month|year|date|day)=)", re.I)


class AgencySpider(scrapy.Spider):
    name = "agency"

    def __init__(self, job: CrawlJob, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job = job
        self.browser_pages = 0
        self.site_host = (urlparse(job.site).hostname or "").lower()
        self.pages_scheduled = 0
        self.docs_scheduled = 0
        self.seen: set[str] = set()
        self.query_variants: dict[str, int] = {}
        self.skipped: dict[str, int] = {}  # URLs left out per limit (max_pages, max_documents, trap)
        self.topic_keys = {kw for kws in job.topics.values() for kw in kws}
        # Scrapy reads start() lazily, so pages can link to a submitted URL before it is requested: it is
        # claimed here, and always fetched as submitted (with its item codes), whatever links to it first.
        self.submitted: dict[str, list[str]] = {}
        for code, urls in job.submitted.items():
            for u in urls:
                self.submitted.setdefault(urldefrag(u)[0], []).append(code)
        self.seen.update(self.submitted)
        self.seen.add(urldefrag(job.site)[0])
        self._store: Store | None = None  # opened when the freshness policy asks for a stored rendering

    # --- requests -------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url, codes in self.submitted.items():
            yield self._request(url, source="submitted", depth=0, codes=codes, robots=False)
        home = urldefrag(self.job.site)[0]
        if home not in self.submitted:
            yield self._request(home, source="home", depth=0, robots=False)
        if self.job.sitemap:
            p = urlparse(home)
            yield scrapy.Request(
                f"{p.scheme}://{p.netloc}/sitemap.xml",
                callback=self.parse_sitemap,
                errback=lambda f: None,
                meta={"ita_sitemap": True},
                priority=-1,
            )

    @property
    def browser_available(self) -> bool:
        handlers = self.crawler.settings.getdict("DOWNLOAD_HANDLERS")
        return "playwright" in str(handlers.get("http", "")).lower()

    def parse_sitemap(self, response: Response, **_: Any) -> Iterator[scrapy.Request]:
        """URLs listed in /sitemap.xml within the agency's host, inside the page budget."""
        if response.status != 200:
            return
        locs = re.findall(rb"<loc>\s*([^<\s]+)\s*</loc>", response.body[:5_000_000])
        for raw in locs:
            url = self._clean(urljoin(response.url, raw.decode("utf-8", "replace").replace("&amp;", "&")))
            if url is None or url in self.seen or not self._same_host(url):
                continue
            if self._over_page_budget(url):
                break
            self.seen.add(url)
            self.pages_scheduled += 1
            yield self._request(url, source="sitemap", depth=1, parent=None, anchor="", priority=0)

    def _request(
        self,
        url: str,
        *,
        source: str,
        depth: int,
        codes: list[str] | None = None,
        parent: str | None = None,
        anchor: str = "",
        robots: bool = True,
        priority: int = 0,
    ) -> scrapy.Request:
        meta: dict[str, Any] = {
            "ita_source": source,
            "ita_depth": depth,
            "ita_codes": codes or [],
            "ita_parent": parent,
            "ita_anchor": anchor,
            "ita_t0": time.monotonic(),
            "dont_obey_robotstxt": not robots,
        }
        if self.job.browser == "always" and not is_document_url(url) and self._take_browser_slot(source):
            _use_browser(meta)
        return scrapy.Request(
            url, callback=self.parse, errback=self.failed, meta=meta, priority=priority, dont_filter=True
        )

    def _take_browser_slot(self, source: str) -> bool:
        """Browser budget: item pages (submitted and one level below) may use all of it; discovery only half,
        so menu pages of a script-built site cannot starve the pages that decide the verdicts."""
        limit = self.job.max_browser_pages
        if source not in ("submitted", "linked"):
            limit //= 2
        if not self.browser_available or self.browser_pages >= limit:
            return False
        self.browser_pages += 1
        return True

    def _record(self, request: scrapy.Request, **kw: Any) -> FetchRecord:
        m = request.meta
        return FetchRecord(
            url=m.get("redirect_urls", [request.url])[0],
            source=m["ita_source"],
            parent_url=m["ita_parent"],
            anchor=m["ita_anchor"] or None,
            item_codes=list(m["ita_codes"]),
            depth=m["ita_depth"],
            elapsed_ms=int((time.monotonic() - m["ita_t0"]) * 1000),
            **kw,
        )

    # --- responses ------------------------------------------------------------------------------
    def parse(self, response: Response, **_: Any) -> Iterator[Any]:
        ctype = (response.headers.get("Content-Type") or b"").decode("latin-1") or None
        request = response.request
        assert request is not None
        m = response.meta
        via_browser = bool(m.get("playwright"))
        fail, detail = classify_response(response, ctype)
        rec = self._record(
            request,
            final_url=response.url,
            status=response.status,
            content_type=ctype,
            fail_class=fail,
            detail=detail,
            etag=(response.headers.get("ETag") or b"").decode("latin-1") or None,
            last_modified=(response.headers.get("Last-Modified") or b"").decode("latin-1") or None,
            via_browser=via_browser,
            not_modified=bool(m.get("ita_not_modified") or m.get("ita_replayed")),
            fresh=bool(m.get("ita_fresh")),
        )
        if fail and via_browser and m.get("ita_plain_ok"):
            return  # keep the plain HTTP version when the browser retry fails
        html = not fail and _is_html(response, ctype)
        doc = extract_html(response.body, url=response.url, content_type=ctype) if html else None
        wants_browser = doc is not None and doc.script_heavy and not via_browser and self.job.browser == "auto"
        reused = self._recent_rendering(request) if wants_browser else None
        if reused is not None:  # freshness policy: the last rendering, stable long enough, stands for tonight's
            yield from self._reuse_rendering(request, response, reused)
            return
        if not m.get("ita_replayed"):
            yield FetchedItem(record=rec, body=None if fail else response.body)
        if doc is None:
            return
        if wants_browser:
            if self._take_browser_slot(m["ita_source"]):
                meta = {k: v for k, v in request.meta.items() if k not in _CACHE_META}
                retry = request.replace(priority=6, meta=meta)
                retry.meta["ita_plain_ok"] = True
                _use_browser(retry.meta)
                yield retry
                return
            self.logger.info("script-built page, no browser available or budget left: %s", request.url)
        yield from self._follow(response, doc)

    def _recent_rendering(self, request: scrapy.Request) -> FetchRecord | None:
        """The stored browser rendering of this page to reuse tonight (ita_checker.crawl.freshness), if any."""
        if self.job.revisit_stable_s <= 0:
            return None
        if self._store is None:
            self._store = Store(self.job.store_dir)
        url = request.meta.get("redirect_urls", [request.url])[0]
        history = self._store.ok_history(url, exclude_run=self.job.run_id)
        return reusable(history, now=time.time(), stable_s=self.job.revisit_stable_s, rendered=True)

    def _reuse_rendering(self, request: scrapy.Request, response: Response, rec: FetchRecord) -> Iterator[Any]:
        assert self._store is not None
        assert rec.sha256 is not None
        body = self._store.get_blob(rec.sha256)
        rendered = response.replace(body=body)
        fresh = replace(
            self._record(request, final_url=rec.final_url, status=rec.status, content_type=rec.content_type),
            via_browser=True,
            not_modified=True,
            fresh=True,
            etag=rec.etag,
            last_modified=rec.last_modified,
        )
        yield FetchedItem(record=fresh, body=body)
        yield from self._follow(rendered, extract_html(body, url=rendered.url, content_type=rec.content_type))

    def failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        if request.meta.get("ita_plain_ok"):
            self.logger.warning("browser retry failed for %s: %s", request.url, failure.value)
            return
        cls, detail = classify_failure(failure)
        yield FetchedItem(
            record=self._record(
                request, fail_class=cls, detail=detail, via_browser=bool(request.meta.get("playwright"))
            )
        )

    # --- link following ---------------------------------------------------------------------------
    def _follow(self, response: Response, doc: Any) -> Iterator[scrapy.Request | LinkEdge]:
        m = response.meta
        source, depth = m["ita_source"], m["ita_depth"]
        here = m.get("redirect_urls", [response.url])[0]  # the URL as submitted/linked, before redirects
        if source == "submitted":
            yield from self._children(here, doc, codes=m["ita_codes"])
        if source == "linked" and len(doc.text) < WRAPPER_TEXT:
            yield from self._wrapped(here, doc)
        if source in ("home", "discovered", "sitemap") or (source == "submitted" and self._same_host(here)):
            yield from self._discover(here, doc, depth)

    def _children(self, here: str, doc: Any, *, codes: list[str]) -> Iterator[scrapy.Request | LinkEdge]:
        """One level below a submitted page: its documents and the pages whose link text names the item.

        Other hosts are allowed here (one hop from the agency's page): evidence on e-GP or a drive counts
        when the main site links to it.
        """
        topic = [kw for c in codes for kw in self.job.topics.get(c, [])]
        ita_page = is_ita_page(doc)  # on an ITA index page every link of a section is some item's evidence
        n = 0
        for link in doc.content_links:
            url = self._clean(link.href)
            if url is None or url == here:
                continue
            if n >= self.job.max_children_per_page * (3 if ita_page else 1):
                break
            page_of_item = ita_page and self._same_host(url)
            if not is_document_url(url) and not page_of_item and not contains_any(match_key(link.text), topic):
                continue
            n += 1
            # The edge is recorded even when the page was already fetched by another path, so the item's
            # bundle does not depend on crawl order.
            yield LinkEdge(parent=here, child=url, anchor=link.text)
            if url in self.seen or self._over_document_budget(url):
                continue
            self.seen.add(url)
            self.docs_scheduled += 1
            yield self._request(url, source="linked", depth=1, parent=here, anchor=link.text, robots=False, priority=5)

    def _wrapped(self, here: str, doc: Any) -> Iterator[scrapy.Request | LinkEdge]:
        """A linked page that only shows documents (a viewer, an iframe, a download page): its documents are
        the item's, one level further."""
        docs = [u for ln in doc.content_links if (u := self._clean(ln.href)) and is_document_url(u)][:WRAPPED_DOCS]
        for url in docs:
            yield LinkEdge(parent=here, child=url, anchor="")
            if url in self.seen or self._over_document_budget(url):
                continue
            self.seen.add(url)
            self.docs_scheduled += 1
            yield self._request(url, source="linked", depth=2, parent=here, anchor="", robots=False, priority=5)

    def _discover(self, here: str, doc: Any, depth: int) -> Iterator[scrapy.Request]:
        """Menu and content links within the agency's host, bounded by depth and page budget. On the agency's
        ITA/OIT page every document its items link is fetched, whatever the link text says."""
        ita_page = is_ita_page(doc)
        content = {ln.href for ln in doc.content_links}
        for link in doc.links:
            url = self._clean(link.href)
            if url is None or url in self.seen:
                continue
            topical = bool(contains_any(match_key(link.text), self.topic_keys))
            if is_document_url(url):
                wanted = topical or (ita_page and link.href in content)
                if not wanted or self._over_document_budget(url):
                    continue
                self.seen.add(url)
                self.docs_scheduled += 1
                yield self._request(url, source="linked", depth=depth + 1, parent=here, anchor=link.text, priority=3)
                continue
            if not self._same_host(url) or depth + 1 > self.job.max_depth:
                continue
            if self._over_page_budget(url):
                continue
            self.seen.add(url)
            self.pages_scheduled += 1
            yield self._request(
                url, source="discovered", depth=depth + 1, parent=here, anchor=link.text, priority=4 if topical else 1
            )

    def _clean(self, href: str) -> str | None:
        if not href or href.startswith(SKIP_SCHEMES):
            return None
        url = urldefrag(href)[0]
        if urlparse(url).scheme not in ("http", "https"):
            return None
        return url

    def _same_host(self, url: str) -> bool:
        host = (urlparse(url).hostname or "").lower()
        return host == self.site_host or host.removeprefix("www.") == self.site_host.removeprefix("www.")

    def _over_document_budget(self, url: str) -> bool:
        if self.docs_scheduled < self.job.max_documents:
            return False
        self._skipped("max_documents", url, f"max_documents={self.job.max_documents} reached")
        return True

    def _over_page_budget(self, url: str) -> bool:
        if self.pages_scheduled >= self.job.max_pages:
            self._skipped("max_pages", url, f"max_pages={self.job.max_pages} reached")
            return True
        if self._trap(url):
            self._skipped(
                "trap", url, f"more than {MAX_QUERY_VARIANTS_PER_PATH} query variants of {urlparse(url).path}"
            )
            return True
        return False

    def _skipped(self, kind: str, url: str, why: str) -> None:
        """Count a URL left out by a budget or trap limit; say so in crawl.log the first time per kind."""
        self.skipped[kind] = self.skipped.get(kind, 0) + 1
        if self.skipped[kind] == 1:
            self.logger.info("budget: %s; not fetching %s and further URLs of this kind", why, url)

    def closed(self, reason: str) -> None:
        """The run's summary line in crawl.log: how it ended and what the limits left out."""
        if self._store is not None:
            self._store.close()
        left_out = ", ".join(f"{k}={n}" for k, n in sorted(self.skipped.items())) or "none"
        self.logger.info(
            "crawl finished (%s): %d pages and %d documents scheduled; left out by limits: %s",
            reason,
            self.pages_scheduled,
            self.docs_scheduled,
            left_out,
        )

    def _trap(self, url: str) -> bool:
        p = urlparse(url)
        if not p.query and not _CAL.search(url):
            return False
        key = p.path
        self.query_variants[key] = self.query_variants.get(key, 0) + 1
        return self.query_variants[key] > MAX_QUERY_VARIANTS_PER_PATH


def _use_browser(meta: dict[str, Any]) -> None:
    meta["playwright"] = True
    meta["playwright_page_methods"] = [PageMethod(settle)]


def _is_html(response: Response, ctype: str | None) -> bool:
    if ctype and "html" in ctype.lower():
        return True
    head = response.body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head
