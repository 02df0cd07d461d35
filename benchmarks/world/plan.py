"""What the world plants per item (defect, shape, submitted URLs), the label it earns, and what a URL answers."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from benchmarks.world.catalog import ItemSpec

UNREACHABLE = ("http404", "http500", "login", "timeout")
# defect → weight; labels follow README §5 of the OIT reference
DEFECT_WEIGHTS: dict[str, float] = {
    "ok": 10.0,
    "absent": 1.2,
    "wrong_page": 0.8,
    "home_page": 0.8,
    "stale": 1.8,
    "incomplete": 1.8,
    "http404": 0.6,
    "http500": 0.4,
    "login": 0.4,
    "timeout": 0.15,
    "external": 0.8,
}


@dataclass
class ItemPlan:
    """What was planted for one item, and the verdict a careful reviewer would give."""

    code: str
    concept: str
    defect: str
    fmt: str
    label: str
    drop: list[str] = field(default_factory=list)
    page: str = ""  # path of the item's page on the main site ("" = none); index items: index path + #section
    submitted: list[str] = field(default_factory=list)  # URL templates ({site}, {ext})
    why: str = ""
    shape: str = ""  # how the item is published and submitted (benchmarks/world/README.md)
    section: str = ""  # id of the item's section on the ITA index page
    links: list[str] = field(default_factory=list)  # what the item's page or section links to (URL templates)
    statuses: list[int] = field(default_factory=list)  # final HTTP status per submitted URL (0 = not fetchable)


def label_for(spec: ItemSpec, defect: str) -> str:
    """The label of an item whose content carries ``defect``."""
    if defect in UNREACHABLE:
        return "unreachable"
    if spec.placeholder:
        return "needs_review"
    return {
        "ok": "pass",
        "external": "pass",
        "absent": "fail",
        "wrong_page": "fail",
        "home_page": "fail",
        "stale": "stale",
        "incomplete": "incomplete",
    }[defect]


def choose_defect(
    spec: ItemSpec, agency_type: str, rng: random.Random, *, slow: bool, scale: float = 1.0
) -> tuple[str, tuple[str, ...]]:
    """A planted defect (and the elements it drops) for ``spec``; ``scale`` < 1 makes defects rarer."""
    options = {k: (w if k == "ok" else w * scale) for k, w in DEFECT_WEIGHTS.items()}
    if not slow:
        options.pop("timeout")
    if not spec.can_be_stale:
        options.pop("stale")
    drops = list(spec.drops)
    if agency_type in spec.drop_by_type:
        drops.append(spec.drop_by_type[agency_type])
    if not drops:
        options.pop("incomplete")
    if spec.placeholder:
        for k in ("incomplete", "home_page", "external", "http500", "login", "timeout"):
            options.pop(k, None)
    if spec.html_only:
        options.pop("external", None)
    # a home page lists news, and its footer may hold the contact details: submitting it is not a clean defect
    if spec.concept in ("news", "contact"):
        options.pop("home_page", None)
    keys = sorted(options)
    defect = rng.choices(keys, weights=[options[k] for k in keys])[0]
    return defect, (rng.choice(drops) if defect == "incomplete" else ())


def served_status(url: str, site: dict[str, Any], root: Path, *, hops: int = 0) -> int:
    """The final HTTP status the world answers for ``url`` (0 = not fetchable here: a timeout or another host)."""
    site_url, ext_url = site["site_url"].rstrip("/"), f"http://{site['ext_host']}:{site['port']}"
    if url.startswith(site_url):
        path, base = url[len(site_url) :], root / "www"
    elif url.startswith(ext_url):
        path, base = url[len(ext_url) :], root / "ext"
    else:
        return 0
    p = unquote(urlsplit(path).path) or "/"
    route = site["routes"].get(p) if base.name == "www" else None
    if route:
        if "delay" in route:
            return 0
        if "redirect" in route and hops < 5:
            return served_status(site_url + str(route["redirect"]), site, root, hops=hops + 1)
        if "status" in route:
            return int(route["status"])
    target = base / p.lstrip("/")
    if target.is_dir():
        target = target / "index.html"
    return 200 if target.is_file() else 404
