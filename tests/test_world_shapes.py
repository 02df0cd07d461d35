"""The test world's ITA-index shapes: generated, labelled consistently, well-formed, anchors and links as planned."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pymupdf
import pytest

from benchmarks.world import index_page as ix
from benchmarks.world.catalog import ITEMS
from benchmarks.world.generator import build_world
from benchmarks.world.plan import served_status
from benchmarks.world.shapes import CONTENT_SHAPES, FIXED_LABELS, INDEX_DECK, ITEM_DECK, PLACEHOLDER_TEXTS, world_shapes

SEED = 1  # the development seed: fresh seeds stay unseen
AGENCIES = 8
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Checker(HTMLParser):
    """Tag balance and ids of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids += [v for k, v in attrs if k == "id" and v]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> at {self.getpos()} while open: {self.stack[-3:]}")
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass


def _read(path: Path) -> str:
    raw = path.read_bytes()
    return raw.decode("cp874" if b"windows-874" in raw[:400] else "utf-8")


def _page(www: Path, path: str) -> str:
    """The page served at ``path`` (a directory serves its index.html)."""
    f = www / unquote(path).lstrip("/")
    return _read(f / "index.html" if f.is_dir() else f)


def _check(html: str) -> _Checker:
    c = _Checker()
    c.feed(html)
    c.close()
    return c


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("world")
    sites = build_world(out, AGENCIES, SEED, port=8799, slow=False)
    plans = {s["slug"]: json.loads((out / s["slug"] / "plan.json").read_text(encoding="utf-8")) for s in sites}
    return {"out": out, "sites": {s["slug"]: s for s in sites}, "plans": plans}


def _items(world: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(world["sites"][slug], p) for slug, plans in world["plans"].items() for p in plans]


def _url(site: dict[str, Any], template: str) -> str:
    return template.replace("{site}", site["site_url"].rstrip("/"))


def test_every_shape_is_generated(world: dict[str, Any]) -> None:
    shapes = {p["shape"] for _, p in _items(world)}
    wanted = set(INDEX_DECK) | set(ITEM_DECK) | {"year_tab_old", "year_tab_current", "index_anchor", "index_whole"}
    wanted |= {"index_document", "item_page", "home_other"}
    assert wanted <= shapes, wanted - shapes
    publishing = {s["publishing"] for s in world["sites"].values()}
    assert publishing == {"ita_index", "item_pages"}
    assert "year_tabs" in {s["markup"] for s in world["sites"].values()}


def test_labels_follow_the_shapes(world: dict[str, Any]) -> None:
    for site in world["sites"].values():
        labels = json.loads((world["out"] / site["slug"] / "labels.json").read_text(encoding="utf-8"))
        assert labels == {p["code"]: p["label"] for p in world["plans"][site["slug"]]}
    for _, p in _items(world):
        assert p["shape"] in (*CONTENT_SHAPES, *FIXED_LABELS), p
        if p["shape"] in FIXED_LABELS:
            assert p["label"] == FIXED_LABELS[p["shape"]], p
        else:
            assert p["label"] in ("pass", "stale", "incomplete"), p
        if p["label"] != "unreachable" and p["submitted"]:
            assert p["statuses"] == [200] * len(p["submitted"]), p  # what the harness counts as "answered 200"
    undated = {s.concept for specs in ITEMS.values() for s in specs if not s.can_be_stale}
    for _, p in _items(world):  # an item that asks for no period cannot be out of date
        assert not (p["label"] == "stale" and p["concept"] in undated), p


def test_pages_are_well_formed_with_unique_ids(world: dict[str, Any]) -> None:
    pages = [f for f in world["out"].rglob("*") if f.suffix in (".html", ".htm", ".php") and f.is_file()]
    assert len(pages) > 100
    for f in pages:
        c = _check(_read(f))
        assert not c.errors, (f, c.errors[:3])
        assert not c.stack, (f, c.stack)
        assert len(c.ids) == len(set(c.ids)), (f, sorted(i for i in c.ids if c.ids.count(i) > 1))


def test_submitted_anchors_and_sections_exist_on_the_index_page(world: dict[str, Any]) -> None:
    seen = 0
    for site in world["sites"].values():
        if site["publishing"] != "ita_index":
            continue
        ids = set(_check(_page(world["out"] / site["slug"] / "www", site["index_page"])).ids)
        for p in world["plans"][site["slug"]]:
            if p["section"]:
                assert p["section"] in ids, (site["slug"], p["code"], p["section"])
            for u in p["submitted"]:
                if "#" in u:
                    seen += 1
                    assert u.split("#")[0].endswith(site["index_page"])
                    assert u.split("#", 1)[1] in ids, (site["slug"], p["code"], u)
    assert seen > 10


def test_links_answer_as_planned(world: dict[str, Any]) -> None:
    for site, p in _items(world):
        root = world["out"] / site["slug"]
        for link in p["links"]:
            status = served_status(link if link.startswith("http") else _url(site, "{site}" + link), site, root)
            if p["shape"] == "dead_link":
                assert status == 404, p
                assert not (root / "www" / unquote(link).lstrip("/")).exists(), p
            elif p["shape"] == "drive_link":
                assert urlsplit(link).hostname == "drive.google.com", p
                assert status == 0, p
            elif p["shape"] != "soft404_home":
                assert status == 200, (p, link)


def test_viewer_and_embedding_pages_show_an_existing_pdf(world: dict[str, Any]) -> None:
    n = 0
    for site, p in _items(world):
        if p["shape"] not in ("viewer_pdfjs", "embed_iframe", "embed_object"):
            continue
        n += 1
        www = world["out"] / site["slug"] / "www"
        view = urlsplit(p["links"][0])
        if p["shape"] == "viewer_pdfjs":
            assert view.path == "/pdfjs/web/viewer.html"
            assert "URLSearchParams" in (www / "pdfjs/web/viewer.html").read_text(encoding="utf-8")
            pdf = unquote(parse_qs(view.query)["file"][0])
        else:
            html = _page(www, view.path)
            pdf = re.findall(r'(?:<iframe src|<object data|<embed src)="([^"]+)"', html)[0]
        assert unquote(pdf) == unquote(p["links"][1])
        assert (www / unquote(pdf).lstrip("/")).read_bytes().startswith(b"%PDF"), p
    assert n >= 3


def test_fixed_shapes_look_the_way_their_labels_say(world: dict[str, Any]) -> None:
    for site, p in _items(world):
        root = world["out"] / site["slug"]
        url = _url(site, p["submitted"][0]) if p["submitted"] else ""
        if p["shape"] == "soft404_page":
            assert "ไม่พบหน้าที่ต้องการ" in _page(root / "www", urlsplit(url).path)
        elif p["shape"] == "soft404_home":
            assert site["routes"][urlsplit(url).path] == {"redirect": "/"}
        elif p["shape"] == "home_contact":
            home = _read(root / "www" / "index.html")
            assert "mailto:" in home
            assert "/qa.html" in home
            assert (root / "www" / "qa.html").is_file()
        elif p["shape"] == "news_headline":
            assert urlsplit(url).path.startswith(("/news/", "/category/news/"))
        elif p["shape"] == "year_tab_old":
            assert f"#ita{site['year'] - 1}-" in url
        elif p["shape"] in ("title_only", "placeholder") and site["publishing"] == "ita_index":
            section = _section_html(root, site, p["section"])
            assert "<a " not in section, section
            assert (p["shape"] == "placeholder") == any(t in section for t in PLACEHOLDER_TEXTS)
        elif p["shape"] == "scanned_thai":
            pdf = root / "www" / unquote(p["links"][0]).lstrip("/")
            with pymupdf.open(pdf) as doc:  # type: ignore[no-untyped-call]
                assert all(not page.get_text().strip() for page in doc)  # image only


def _section_html(root: Path, site: dict[str, Any], anchor: str) -> str:
    html = _page(root / "www", site["index_page"])
    start = html.index(f'id="{anchor}"')
    ids = [m for m in re.finditer(r' id="([^"]+)"', html) if m.start() > start and not m.group(1).endswith("-head")]
    return html[start : (ids[0].start() if ids else len(html))]


@pytest.mark.parametrize("markup", ["tabs", "accordion", "details", "table", "headings"])
def test_each_markup_carries_the_section_ids(markup: str) -> None:
    sections = [
        ix.Section("O1", "โครงสร้าง", ix.anchor_id("O1", 0), body='<p><a href="/a.pdf">a</a></p>'),
        ix.Section("O23", "แผนปฏิบัติการป้องกันการทุจริต", ix.anchor_id("O23", 0), "เผยแพร่แผน", group=1),
    ]
    html = ix.render_sections(sections, markup, 0)
    c = _check(html)
    assert not c.errors
    assert not c.stack
    assert {"o1", "o23"} <= set(c.ids)
    years = ix.render_year_tabs([(2569, sections), (2568, sections)], markup, 0)
    assert {"ita2569", "ita2568"} <= set(_check(years).ids)


def test_shapes_of_an_agency_do_not_depend_on_the_world_size() -> None:
    big = world_shapes(SEED, [True] * 30)
    assert world_shapes(SEED, [True] * 8) == big[:8]
    assert 0.4 <= sum(s.index for s in big) / len(big) <= 0.5
