"""Carry-over: when a re-check fetched byte-identical evidence, the last result is reused instead of re-judged.

The fingerprint covers the evidence and what judges it: every URL of the run with its final URL, status,
failure class and body hash (and whether it is the home page or a submitted URL), the link edges of the
submitted pages, the agency, year, type, rule set and submitted URLs, and the code that judges (the rule
set's contents, the rules engine and extractor sources). Equal fingerprints mean the same bytes came back
from the same URLs, so extraction, OCR, rules and screenshots are skipped and the stored result is carried
over with the new run id and ``checked_at``, marked ``carried_over`` and said in the report's notes.

Not in it: which page linked a discovered page first, and with what link text (``parent_url``, ``anchor``,
linked or discovered). Many agencies are crawled at once and responses arrive in any order, so a page that
several pages link is recorded with whichever link was followed first; that order is not evidence (the link
texts themselves are in the linking pages' bytes), and a re-scan that only saw another order carries over.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import ita_checker
from ita_checker.rules.loader import RuleSet
from ita_checker.store.blobs import FetchRecord

_CODE_PACKAGES = ("rules", "extract", "text")  # the code a verdict depends on (judging, extraction, Thai text)


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A hash of the judging code's sources: a new checker version never carries over an old verdict."""
    root = Path(ita_checker.__file__).parent
    h = hashlib.sha256()
    for package in _CODE_PACKAGES:
        for path in sorted((root / package).glob("*.py")):
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def ruleset_digest(rs: RuleSet) -> str:
    """A hash of the rule set as loaded (every rule's criteria, keywords and elements)."""
    rules = [rule.model_dump(mode="json") for rule in rs.rules]
    data = json.dumps({"info": rs.info.model_dump(mode="json"), "rules": rules}, sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


def evidence_fingerprint(
    fetches: Iterable[FetchRecord], edges: Iterable[tuple[str, str, str]], context: Mapping[str, Any]
) -> str:
    """The fingerprint of one run's evidence (see the module docstring); ``context`` is the check's inputs."""
    records = sorted(
        (
            r.url,
            r.final_url or "",
            r.status or 0,
            r.fail_class or "",
            r.sha256 or "",
            r.source if r.source in ("home", "submitted") else "",
            sorted(r.item_codes),
        )
        for r in fetches
    )
    data = json.dumps(
        {"records": records, "edges": sorted(edges), "context": context, "code": code_digest()},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def carry_screenshots(items: list[dict[str, Any]], *, shot_cache: Path, out_dir: Path) -> None:
    """Copy the screenshots the carried-over items refer to from the store's cache into ``out_dir``; an
    evidence entry whose picture is gone loses the reference (the report then shows none)."""
    for item in items:
        for ev in item.get("evidence", []):
            shot = ev.get("screenshot")
            if not shot:
                continue
            cached = shot_cache / Path(str(shot)).name
            target = out_dir / str(shot)
            if cached.is_file():
                if target.is_file() and target.stat().st_size == cached.stat().st_size:
                    continue  # the name is the page's content hash: last night's copy is this picture
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(cached, target)
            else:
                ev["screenshot"] = None


def carried_note(previous: Mapping[str, Any]) -> str:
    """The report's note for a carried-over result (Thai first)."""
    when = str(previous.get("checked_at", ""))
    return (
        f"หลักฐานที่ดึงมารอบนี้เหมือนรอบก่อน ({when}) ทุกไบต์ จึงใช้ผลการตัดสินเดิมโดยไม่อ่านและตัดสินใหม่ / "
        f"the evidence fetched is byte-identical to the run of {when}: its verdicts were carried over"
    )
