"""Evidence assembly: fetched records plus their extracted documents, indexed by URL and parent."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import unquote, urlparse

from ita_checker.extract.dispatch import EXTRACTOR_VERSION, extract, sniff_kind
from ita_checker.extract.document import Document
from ita_checker.extract.html import extract_html, is_document_url
from ita_checker.extract.notfound import not_found_reason
from ita_checker.extract.sandbox import extract_limited
from ita_checker.interrupts import checkpoint
from ita_checker.store.blobs import FetchRecord, Store
from ita_checker.urls import locator, url_key

log = logging.getLogger("ita_checker.extract.evidence")
WRAPPER_TEXT = 300  # a linked page with less own text than this may only wrap documents (the crawler's too)


@dataclass
class EvidenceDoc:
    """One fetched URL with its extracted content and how the crawler reached it."""

    record: FetchRecord
    doc: Document

    @property
    def url(self) -> str:
        return self.record.url

    @property
    def shown_url(self) -> str:
        return self.record.final_url or self.record.url

    @property
    def anchor(self) -> str:
        return self.record.anchor or ""

    @property
    def url_words(self) -> str:
        p = urlparse(self.shown_url)
        return unquote(p.path + " " + p.query).replace("_", " ").replace("-", " ")


@dataclass
class EvidenceIndex:
    """All evidence of one crawl run."""

    site: str
    by_url: dict[str, EvidenceDoc] = field(default_factory=dict)  # keyed by url_key()
    failures: dict[str, FetchRecord] = field(default_factory=dict)  # keyed by url_key()
    children: dict[str, dict[str, str]] = field(default_factory=dict)  # parent key → {child key: anchor}
    html: dict[str, bytes] = field(default_factory=dict)  # key → body of each fetched HTML page (for sections)
    topics: dict[str, list[str]] = field(default_factory=dict)  # item code → topic terms (index pages by title)
    _sections: dict[tuple[str, str | None, str | None], EvidenceDoc | None] = field(default_factory=dict, repr=False)

    def docs(self) -> list[EvidenceDoc]:
        """Each fetched document once (final-URL aliases removed)."""
        return [d for u, d in self.by_url.items() if url_key(d.record.url) == u]

    def doc(self, url: str) -> EvidenceDoc | None:
        """The fetched document at ``url`` in any spelling (fragment, encoding, case of the host), or None."""
        return self.by_url.get(url_key(url))

    def section(self, url: str, code: str | None = None) -> EvidenceDoc | None:
        """The part of the page that ``url`` submits for an item, as a document of its own: the element its
        fragment points to, or, on an ITA index page whose headings carry item codes, the section of item
        ``code`` (empty when the page has none for it). None when neither applies (the whole page counts)."""
        fragment = locator(url)
        cache_key = (url_key(url), fragment, code)
        if cache_key not in self._sections:  # every rule asks for its section of the same few pages
            self._sections[cache_key] = self._section(url, fragment, code)
        return self._sections[cache_key]

    def _section(self, url: str, fragment: str | None, code: str | None) -> EvidenceDoc | None:
        ev = self.doc(url)
        body = self.html.get(url_key(url))
        if ev is None or body is None:
            return None
        rec = ev.record
        where = rec.final_url or rec.url
        doc = None
        if fragment and "=" not in fragment:  # '#page=2' locates inside a PDF, not a section
            doc = extract_html(
                body, url=where, content_type=rec.content_type, section=fragment, item=code, topics=self.topics
            )
        if (doc is None or "section-missing #" in doc.note) and code:
            doc = extract_html(body, url=where, content_type=rec.content_type, item=code, topics=self.topics)
        if doc is None or "section-missing" in doc.note:
            return None
        return EvidenceDoc(record=rec, doc=doc)

    def failure(self, url: str) -> FetchRecord | None:
        """Why ``url`` could not be fetched, when it was tried and failed."""
        return self.failures.get(url_key(url))

    def bundle(
        self, url: str, *, documents_only: bool = False, code: str | None = None
    ) -> tuple[list[EvidenceDoc], list[FetchRecord]]:
        """The doc at ``url`` and the docs one level below it (each seen through the link text that led
        there from ``url``), plus the children that could not be fetched. When ``url`` points to a section of
        the page (``#id``), the section is the doc and only the links inside it lead below."""
        out = []
        failed = []
        key = url_key(url)
        section = self.section(url, code)
        inside: set[str] | None = None
        if section is not None:
            out.append(section)
            inside = {url_key(ln.href) for ln in [*section.doc.links, *section.doc.content_links]}
        elif key in self.by_url:
            out.append(self.by_url[key])
        for child, anchor in self.children.get(key, {}).items():
            if child == key or (documents_only and not is_document_url(child)):
                continue
            if inside is not None and child not in inside:
                continue
            if child in self.by_url:
                ev = self.by_url[child]
                out.append(EvidenceDoc(record=replace(ev.record, anchor=anchor or ev.record.anchor), doc=ev.doc))
                if ev.doc.kind == "html" and len(ev.doc.text) < WRAPPER_TEXT:  # a viewer or download page
                    wrapped, wfailed = self._wrapped(child, anchor)
                    out.extend(w for w in wrapped if w.url not in {o.url for o in out})
                    failed.extend(wfailed)
            elif child in self.failures:
                failed.append(self.failures[child])
        return out, failed

    def _wrapped(self, key: str, anchor: str) -> tuple[list[EvidenceDoc], list[FetchRecord]]:
        """The documents a linked page only wraps, seen through the link text that led to the page."""
        out, failed = [], []
        for child in self.children.get(key, {}):
            if not is_document_url(child) or child == key:
                continue
            if child in self.by_url:
                ev = self.by_url[child]
                out.append(EvidenceDoc(record=replace(ev.record, anchor=anchor or ev.record.anchor), doc=ev.doc))
            elif child in self.failures:
                failed.append(self.failures[child])
        return out, failed

    def on_main_site(self, url: str) -> bool:
        """On the agency's own host, or linked from a page on it (a document on a drive or e-GP counts then)."""
        host = _host(self.site)
        if _host(url) == host:
            return True
        key = url_key(url)
        return any(_host(parent) == host and key in kids for parent, kids in self.children.items())

    def is_home(self, url: str) -> bool:
        """Whether ``url`` is the agency's home page (the site root or its index file)."""
        a, b = urlparse(url), urlparse(self.site)
        path = re.sub(r"/(index|default|home)\.(html?|php|aspx?|jsp)$", "/", a.path or "/")
        return a.netloc.lower() == b.netloc.lower() and path in ("", "/", b.path or "/")

    def site_home_failed(self) -> FetchRecord | None:
        for rec in self.failures.values():
            if rec.source == "home":
                return rec
        return None


def _host(url: str) -> str:
    return (urlparse(url).hostname or "").lower().removeprefix("www.")


def _extract_cached(store: Store, rec: FetchRecord, body: bytes, *, ocr: bool) -> Document:
    assert rec.sha256 is not None
    kind = sniff_kind(body, rec.content_type, rec.final_url or rec.url)
    if kind == "html":  # cheap, and its links depend on the URL: not cached
        return extract(body, url=rec.final_url or rec.url, content_type=rec.content_type, ocr=ocr)
    cached = store.get_text(rec.sha256, EXTRACTOR_VERSION)
    if cached is not None:
        return Document.from_json(cached)
    doc = extract_limited(body, url=rec.final_url or rec.url, content_type=rec.content_type, ocr=ocr)
    if not doc.note.startswith("ocr unavailable"):  # retry OCR when tesseract is installed later
        store.put_text(rec.sha256, EXTRACTOR_VERSION, doc.to_json())
    return doc


def build_index(
    store: Store,
    run_id: str,
    *,
    site: str,
    ocr: bool = True,
    on_progress: Callable[[int, int, int], None] | None = None,
) -> EvidenceIndex:
    """Extract every fetched body of the run (cached by content hash) and index it.

    ``on_progress(done, total, ocr_documents)`` follows the extraction; a stop request raises Interrupted.
    """
    idx = EvidenceIndex(site=site)
    records = store.fetches(run_id)
    ocr_docs = 0
    for done, rec in enumerate(records):
        checkpoint()
        if on_progress is not None:
            on_progress(done, len(records), ocr_docs)
        key = url_key(rec.url)
        if rec.parent_url and rec.source == "linked":  # one level below an item page, not menu discovery
            idx.children.setdefault(url_key(rec.parent_url), {}).setdefault(key, rec.anchor or "")
        if not rec.ok:
            idx.failures[key] = rec
            continue
        body = b""
        try:
            assert rec.sha256 is not None  # an ok fetch has a body
            body = store.get_blob(rec.sha256)
            doc = _extract_cached(store, rec, body, ocr=ocr)
            ocr_docs += doc.ocr_used
        except Exception as exc:  # an extractor bug must not lose the rest of the run
            log.warning("extraction failed for %s: %s", rec.url, exc)
            doc = Document(kind="other", note=f"bad_content: extraction failed ({type(exc).__name__})")
        if rec.source != "home" and (why := not_found_reason(rec.url, rec.final_url, doc, site)) is not None:
            idx.failures[key] = replace(rec, fail_class="not_found", detail=why)
            continue
        idx.by_url[key] = EvidenceDoc(record=rec, doc=doc)
        if doc.kind == "html" and body:
            idx.html[key] = body
        if rec.final_url and url_key(rec.final_url) != key:
            idx.by_url.setdefault(url_key(rec.final_url), idx.by_url[key])
    for parent, child, anchor in store.edges(run_id):
        idx.children.setdefault(url_key(parent), {}).setdefault(url_key(child), anchor)
    return idx
