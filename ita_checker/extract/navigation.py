"""How a page is reached from the home page: the link texts to click, from the crawl's links (for the form)."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence

from ita_checker.store.blobs import FetchRecord
from ita_checker.urls import UrlKey, url_key

MAX_STEP_CHARS = 40
MAX_STEPS = 5
LinkGraph = Mapping[UrlKey, Sequence[tuple[UrlKey, str]]]  # parent → [(child, link text)]


def link_graph(
    fetches: Iterable[FetchRecord], edges: Iterable[tuple[str, str, str]]
) -> dict[UrlKey, list[tuple[UrlKey, str]]]:
    """parent → [(child, link text)] from the fetch log (parent_url, anchor) and the recorded link edges."""
    graph: dict[UrlKey, list[tuple[UrlKey, str]]] = {}
    seen: set[tuple[UrlKey, UrlKey]] = set()

    def add(parent: str, child: str, anchor: str) -> None:
        pair = (url_key(parent), url_key(child))
        if pair[0] == pair[1] or pair in seen:
            return
        seen.add(pair)
        graph.setdefault(pair[0], []).append((pair[1], anchor))

    for rec in fetches:
        if rec.parent_url:
            add(rec.parent_url, rec.url, rec.anchor or "")
    for parent, child, anchor in edges:
        add(parent, child, anchor)
    return graph


def clicks_to(graph: LinkGraph, home: str, targets: Iterable[str]) -> dict[str, list[str]]:
    """For each target URL, the link texts of a shortest path from ``home`` (empty list: it is the home page).

    Targets the crawl never reached from the home page (a URL only the form named) are left out.
    """
    start = url_key(home)
    came: dict[UrlKey, tuple[UrlKey, str] | None] = {start: None}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        for child, anchor in graph.get(here, ()):
            if child not in came:
                came[child] = (here, anchor)
                queue.append(child)
    out: dict[str, list[str]] = {}
    for url in targets:
        key = url_key(url)
        if key not in came:
            continue
        steps: list[str] = []
        step = came[key]
        while step is not None:
            parent, anchor = step
            steps.append(_short(anchor) or "(ลิงก์)")
            step = came[parent]
        out[url] = list(reversed(steps))[-MAX_STEPS:]
    return out


def _short(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= MAX_STEP_CHARS else text[: MAX_STEP_CHARS - 1].rstrip() + "…"
