"""Items the agency spider yields: one per URL tried."""

from __future__ import annotations

from dataclasses import dataclass

from ita_checker.store import FetchRecord


@dataclass
class FetchedItem:
    """A fetch record plus the body to store."""

    record: FetchRecord
    body: bytes | None = None
