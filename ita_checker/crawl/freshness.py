"""Freshness policy of nightly scans: a document unchanged for K days is re-requested only every K days, and a
script-built page whose rendering has not changed for K days is re-rendered only every K days."""

from __future__ import annotations

from collections.abc import Sequence

from ita_checker.extract.dispatch import sniff_kind
from ita_checker.store.blobs import FetchRecord

PAGE_KINDS = ("html", "text")  # pages carry item sections and links: requested every night


def is_document(rec: FetchRecord) -> bool:
    """A PDF, office file or image (by content type or name), not a page; browser-rendered bodies never."""
    return not rec.via_browser and sniff_kind(b"", rec.content_type, rec.final_url or rec.url) not in PAGE_KINDS


def reusable(
    history: Sequence[FetchRecord], *, now: float, stable_s: float, rendered: bool = False
) -> FetchRecord | None:
    """The stored fetch to reuse without any request, or None when the URL must be requested tonight.

    ``history``: the URL's successful fetches in earlier runs, newest first. A document is reused when its
    content hash has stayed the same for at least ``stable_s`` (every fetch since then, requested or reused,
    had that hash) and it was last actually requested less than ``stable_s`` ago; so it is requested again
    every ``stable_s``, and any change seen then restarts the count. ``stable_s`` 0 turns the policy off.

    ``rendered``: the same for a script-built page's browser renderings (only those records count; its HTML
    shell is still requested every night, and its links followed from the rendering reused).
    """
    if rendered:
        history = [r for r in history if r.via_browser]
    if stable_s <= 0 or not history:
        return None
    newest = history[0]
    if not rendered and not is_document(newest):
        return None
    requested = next((r.fetched_at for r in history if not r.fresh), None)
    if requested is None or now - requested >= stable_s:
        return None
    since = newest.fetched_at
    for rec in history:
        if rec.sha256 != newest.sha256:
            break
        since = rec.fetched_at
    return newest if now - since >= stable_s else None
