"""Items the agency spider yields: one per URL tried."""

from __future__ import annotations

from dataclasses import dataclass, field

from ita_checker.store.blobs import FetchRecord


@dataclass
class FetchedItem:
    """A fetch record plus the body to store."""

    record: FetchRecord
    body: bytes | None = field(default=None, repr=False)  # Scrapy logs dropped items: never a 25 MB body

    def __repr__(self) -> str:
        size = "none" if self.body is None else f"{len(self.body)} bytes"
        return f"FetchedItem(record={self.record!r}, body={size})"


@dataclass(frozen=True)
class LinkEdge:
    """An item page links to ``child`` (a document or an item sub-page), whether or not it is fetched now."""

    parent: str
    child: str
    anchor: str
