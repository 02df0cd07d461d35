"""HTML extraction: title, headings, own text (navigation removed), links, images, forms and JS hints."""

from __future__ import annotations

import copy
import re
from urllib.parse import parse_qs, urljoin, urlsplit

import lxml.html
from lxml import etree

from ita_checker.extract.document import Document, Image, Link
from ita_checker.extract.encoding import decode_html
from ita_checker.text.thaitext import match_key, normalize

DOC_EXT = re.compile(r"\.(pdf|docx?|xlsx?|odt|ods|pptx?|jpe?g|png|gif|tiff?|zip|rar)(\?|#|$)", re.I)
DOC_HOSTS = ("drive.google.com", "docs.google.com", "onedrive.live.com", "1drv.ms", "dropbox.com")
_CHROME_HINT = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|mainmenu|topmenu|sidebar|side-bar|footer|breadcrumb|"
    r"skip|cookie|header-top|topbar)([\s_-]|$)",
    re.I,
)
_REMOVE_TAGS = ("script", "style", "noscript", "template", "svg", "nav", "footer", "aside")
_CONTENT_ANCESTORS = {"main", "article", "section"}
_MAP = re.compile(
    r"google\.[a-z.]+/maps|maps\.google|maps\.app\.goo\.gl|goo\.gl/maps|openstreetmap|longdo\.com/map", re.I
)
_JS_HINT = re.compile(r"enable javascript|javascript is (disabled|required)|เปิด(ใช้งาน)?\s*javascript", re.I)


def is_document_url(href: str) -> bool:
    low = href.lower()
    return bool(DOC_EXT.search(low)) or any(h in low for h in DOC_HOSTS)


_WRAPPED = ("file", "url", "src", "doc", "pdf")  # ?file= of pdf.js, ?url= of the Google Docs viewer
_VIEWER = re.compile(r"(viewer\.html?|/gview|/viewer|pdfjs|/web/viewer|docs\.google\.com/viewer)", re.I)


def unwrap_viewer(href: str) -> str:
    """The document a viewer URL shows (pdf.js ``viewer.html?file=…``, Google Docs ``viewer?url=…``), or
    ``href`` itself when it is not a viewer of a document."""
    parts = urlsplit(href)
    if not parts.query or not _VIEWER.search(parts.path + "/" + parts.netloc + parts.path):
        return href  # download.php?file=x.pdf is the document itself, not a viewer of it
    params = parse_qs(parts.query)
    for name in _WRAPPED:
        for value in params.get(name, []):
            target = urljoin(href, value.strip())
            if urlsplit(target).scheme in ("http", "https"):
                return target.split("#", 1)[0]
    return href


def _embedded(root: lxml.html.HtmlElement, base: str) -> list[Link]:
    """Documents shown inside the page (``<iframe>``, ``<embed>``, ``<object>``, pdf.js viewers): the page
    links them as surely as an ``<a>`` does."""
    out = []
    for el in root.iter("iframe", "embed", "object"):
        src = (el.get("src") or el.get("data") or "").strip()
        if not src or src.startswith(("javascript:", "data:", "about:")):
            continue
        target = unwrap_viewer(urljoin(base, src))
        if is_document_url(target):
            out.append(Link(href=target, text=normalize(el.get("title") or el.get("aria-label") or "")))
    own = unwrap_viewer(base)  # the page itself is a viewer URL: the document it shows
    if own != base:
        out.append(Link(href=own, text=""))
    return out


def _text(el: lxml.html.HtmlElement) -> str:
    return " ".join(t.strip() for t in el.itertext() if t and t.strip())


def _is_chrome(el: lxml.html.HtmlElement) -> bool:
    attrs = " ".join([el.get("id") or "", el.get("class") or "", el.get("role") or ""])
    return bool(attrs.strip()) and bool(_CHROME_HINT.search(attrs)) and el.tag not in ("body", "html", "main")


_FOOTER_HINT = re.compile(r"(^|[\s_-])(footer|site-info|contact-info|colophon)([\s_-]|$)", re.I)


def _footers(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The page's footer blocks (outermost only): where agencies put their address, phone and e-mail."""
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        attrs = " ".join([el.get("id") or "", el.get("class") or "", el.get("role") or ""])
        is_footer = el.tag == "footer" or el.get("role") == "contentinfo" or bool(_FOOTER_HINT.search(attrs))
        if is_footer and not any(a in found for a in el.iterancestors()):
            found.append(el)
    return found


_BLOCKS = {
    "p",
    "li",
    "td",
    "th",
    "dd",
    "dt",
    "div",
    "section",
    "article",
    "blockquote",
    "summary",
    "tr",
    "ul",
    "ol",
    "table",
    "tbody",
    "details",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
}


def _leaf_blocks(body: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Block elements holding no other block: the lines of a section's text."""
    out = []
    for el in body.iter():
        block = isinstance(el.tag, str) and el.tag in _BLOCKS and el is not body
        if block and not any(isinstance(c.tag, str) and c.tag in _BLOCKS for c in el.iterdescendants()):
            out.append(el)
    return out or [body]


def _search_form(form: lxml.html.HtmlElement) -> bool:
    names = " ".join((i.get("name") or "") + " " + (i.get("type") or "") for i in form.iter("input"))
    return (form.get("role") == "search") or (
        bool(re.search(r"\b(q|s|search|keyword)\b", names)) and not list(form.iter("textarea"))
    )


_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _section_root(root: lxml.html.HtmlElement, fragment: str) -> lxml.html.HtmlElement | None:
    """A new document holding only the part of the page that ``#fragment`` points to, or None if nothing has
    that id. An id on a heading or an empty anchor points to what follows it, up to the next heading of the
    same or a higher level; an id on a container (a tab panel, an accordion body, a section) is that container."""
    try:
        target = root.get_element_by_id(fragment)
    except KeyError:
        named = [a for a in root.iter("a") if a.get("name") == fragment]
        if not named:
            return None
        target = named[0]
    parts = [target]
    if target.tag in _HEADING_TAGS or (target.tag == "a" and len(_text(target)) < 3):
        level = int(target.tag[1]) if target.tag in _HEADING_TAGS else 7
        node = target if target.tag in _HEADING_TAGS else (target.getparent() or target)
        for sib in node.itersiblings():
            if not isinstance(sib.tag, str):
                continue
            if sib.tag in _HEADING_TAGS and int(sib.tag[1]) <= level:
                break
            parts.append(sib)
    doc = lxml.html.document_fromstring("<html><head></head><body></body></html>")
    head, body = doc.find("head"), doc.find("body")
    assert head is not None
    assert body is not None
    for t in root.iter("title", "base"):
        head.append(copy.deepcopy(t))
    for part in parts:
        clone = copy.deepcopy(part)
        clone.tail = None
        body.append(clone)
    return doc


_CODE_HEAD = re.compile(r"^\s*(?:ข้อ(?:ที่)?\s*)?(MOIT|O)\s*\.?\s*0*(\d{1,3})(?!\d)", re.I)
_NUMBERED_HEAD = re.compile(r"^\s*ข้อ(?:ที่)?\s*0*(\d{1,2})(?![\d.])")  # "ข้อ 11 …": item O11 of the NACC list
_CONTAINERS = ("section", "article", "details", "li", "tr")


_ITA_PAGE = re.compile(r"(?<![A-Za-z])(ITA|OIT|MOIT)(?![A-Za-z])|การเปิดเผยข้อมูลสาธารณะ|คุณธรรมและความโปร่งใส", re.I)


def is_ita_page(doc: Document) -> bool:
    """An agency's ITA/OIT page: named so in its title or headings, or headed by two or more item codes."""
    if any(_ITA_PAGE.search(h) for h in [doc.title, *doc.headings[:5]]):
        return True
    return sum(1 for h in doc.headings if _CODE_HEAD.match(h)) >= 2


def _heading_code(el: lxml.html.HtmlElement) -> str | None:
    text = normalize(_text(el))
    m = _CODE_HEAD.match(text)
    if m:
        return f"{m.group(1).upper()}{int(m.group(2))}"
    n = _NUMBERED_HEAD.match(text)
    return f"O{int(n.group(1))}" if n else None


def _item_headings(root: lxml.html.HtmlElement) -> dict[str, lxml.html.HtmlElement]:
    """Headings (h1–h6, accordion/tab buttons, summaries) that start with an item code, outside page chrome."""
    found: dict[str, lxml.html.HtmlElement] = {}
    # a real heading wins over a tab button, and that over the first cell of a table row ("O5 | title | links")
    for tags in ((*_HEADING_TAGS, "summary"), ("button",), ("td", "th")):
        for el in root.iter(*tags):
            if any(_is_chrome(a) for a in el.iterancestors() if isinstance(a.tag, str)):
                continue
            code = _heading_code(el)
            if code is not None:
                found.setdefault(code, el)
    return found


def _panel_target(el: lxml.html.HtmlElement) -> str | None:
    """The id of the tab panel or accordion body a tab button opens, if it names one."""
    for attr in ("data-bs-target", "data-target", "aria-controls", "href"):
        value = (el.get(attr) or "").strip()
        if value:
            return value.removeprefix("#") or None
    return None


MIN_TITLED_ITEMS = 3  # headings naming this many different items make a page an ITA index page


def _titled_headings(root: lxml.html.HtmlElement, topics: dict[str, list[str]]) -> dict[str, lxml.html.HtmlElement]:
    """Headings keyed by the item whose title (topic term) they carry, the longest term deciding; empty unless
    headings name at least MIN_TITLED_ITEMS different items (an index page without item codes)."""
    keyed = {code: [match_key(t) for t in terms if len(t) >= 4] for code, terms in topics.items()}
    found: dict[str, lxml.html.HtmlElement] = {}
    for el in root.iter(*_HEADING_TAGS, "summary", "button"):
        if any(_is_chrome(a) for a in el.iterancestors() if isinstance(a.tag, str)):
            continue
        text = match_key(normalize(_text(el)))
        if not text or len(text) > 200:
            continue
        best = max(((len(t), code) for code, terms in keyed.items() for t in terms if t and t in text), default=None)
        if best is not None:
            found.setdefault(best[1], el)
    return found if len(found) >= MIN_TITLED_ITEMS else {}


def _code_section_root(
    root: lxml.html.HtmlElement, code: str, topics: dict[str, list[str]] | None = None
) -> lxml.html.HtmlElement | None:
    """On an ITA index page (two or more item-coded headings, or, given every item's ``topics``, headings
    naming three or more items), the section of item ``code``: the smallest container (section, article, tab
    panel, accordion item, element with an id) around its heading that holds no other item's heading. None
    when the page is not such an index page; an empty document when it is but has no section for ``code``."""
    heads = _item_headings(root)
    if len(heads) < 2 and topics:
        heads = _titled_headings(root, topics)
    if len(heads) < 2:
        return None
    head = heads.get(code)
    if head is None:
        return lxml.html.document_fromstring("<html><head></head><body><p></p></body></html>")
    if head.tag == "button" and (target := _panel_target(head)) and (panel := _section_root(root, target)) is not None:
        return panel
    others = [h for c, h in heads.items() if c != code]
    best = None
    for anc in head.iterancestors():
        if not isinstance(anc.tag, str) or anc.tag in ("body", "html"):
            break
        if any(o in anc.iterdescendants() for o in others):
            break
        if anc.tag in _CONTAINERS or anc.get("id") or anc.get("role") == "tabpanel":
            best = anc
    if best is None:  # no container of its own: the heading and what follows it
        target_id = head.get("id") or ""
        if target_id:
            return _section_root(root, target_id)
        head.set("id", "ita-checker-item-head")
        return _section_root(root, "ita-checker-item-head")
    best_id = best.get("id")
    if not best_id:
        best.set("id", "ita-checker-item-section")
        best_id = "ita-checker-item-section"
    return _section_root(root, best_id)


def extract_html(
    body: bytes,
    *,
    url: str,
    content_type: str | None = None,
    section: str | None = None,
    item: str | None = None,
    topics: dict[str, list[str]] | None = None,
) -> Document:
    """Parse an HTML page into a Document (never raises on bad markup).

    With ``section`` (a URL fragment), only the element with that id (and, for a heading, what follows it) is
    the document: the part of an ITA index page that an anchored URL submits. With ``item`` (an item code) on
    an ITA index page whose headings carry item codes, only that item's section is. ``note`` says
    ``section-missing`` when there is no such part (the whole page is then returned).
    """
    raw, how = decode_html(body, content_type)
    try:
        root = lxml.html.document_fromstring(raw or "<html></html>")
    except (etree.ParserError, ValueError):
        return Document(kind="html", note=f"unparseable html ({how})")
    if section:
        part = _section_root(root, section)
        if part is None:
            how = f"{how}; section-missing #{section}"
        else:
            root = part
            how = f"{how}; section #{section}"
    if item and "section-missing #" not in how:
        # the whole page, or the part a fragment points to when it lists several items itself
        part = _code_section_root(root, item, topics)
        if part is None:
            how = f"{how}; section-missing {item}" if not section else how
        else:
            root = part
            how = f"{how}; section {item}"
    elif item and section:
        how = f"{how}; section-missing {item}"
    base = url
    for b in root.iter("base"):
        if b.get("href"):
            base = urljoin(url, b.get("href"))
            break
    title = normalize(" ".join(_text(t) for t in root.iter("title")))[:300]
    scripts = sum(1 for _ in root.iter("script"))
    noscript = " ".join(_text(n) for n in root.iter("noscript"))
    all_links: list[Link] = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            if href.startswith(("mailto:", "tel:")):
                all_links.append(Link(href=href, text=normalize(_text(a))))
            continue
        text = normalize(_text(a) or (a.get("title") or ""))
        all_links.append(Link(href=unwrap_viewer(urljoin(base, href)), text=text))
    forms = [f for f in root.iter("form") if list(f.iter("input")) or list(f.iter("textarea"))]
    has_password = any(i.get("type", "").lower() == "password" for f in forms for i in f.iter("input"))
    has_form = any(not _search_form(f) for f in forms)
    has_map = any(_MAP.search(fr.get("src") or "") for fr in root.iter("iframe")) or any(
        _MAP.search(ln.href) for ln in all_links
    )
    full_text = normalize(_text(root.body) if root.body is not None else _text(root))
    footers = _footers(root)
    footer = normalize("\n".join(_text(el) for el in footers))[:2000]
    footer_links = [
        Link(href=unwrap_viewer(urljoin(base, a.get("href", "").strip())), text=normalize(_text(a)))
        for el in footers
        for a in el.iter("a")
        if a.get("href", "").strip() and not a.get("href", "").strip().startswith(("#", "javascript:"))
    ]
    # Own content: drop page chrome, then the text of links that lead to other HTML pages.
    for el in list(root.iter(*_REMOVE_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in list(root.iter("header")):  # page banners go; an article's entry header (its title) stays
        if el.getparent() is not None and not any(a.tag in _CONTENT_ANCESTORS for a in el.iterancestors()):
            el.drop_tree()
    for el in [e for e in root.iter() if isinstance(e.tag, str) and _is_chrome(e)]:
        if el.getparent() is not None:
            el.drop_tree()
    headings = [normalize(_text(h)) for h in root.iter("h1", "h2", "h3", "h4")]
    images = []
    for img in root.iter("img"):
        parent = img.getparent()
        near = normalize(_text(parent))[:150] if parent is not None else ""
        images.append(Image(src=urljoin(base, img.get("src") or ""), alt=normalize(img.get("alt") or ""), near=near))
    content_links = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if href and not href.startswith(("#", "javascript:", "mailto:", "tel:")):
            text = normalize(_text(a) or (a.get("title") or ""))
            content_links.append(Link(href=unwrap_viewer(urljoin(base, href)), text=text))
    embedded = _embedded(root, base)
    content_links.extend(embedded)
    for a in list(root.iter("a")):
        href = a.get("href") or ""
        if href and not is_document_url(href) and a.getparent() is not None:
            a.drop_tree()
    body_el = root.body if root.body is not None else root
    if "; section " in how:  # one line per block (cell, paragraph, list item): a quoted criterion stays apart
        lines = [_text(el) for el in _leaf_blocks(body_el)]
    else:
        lines = [_text(el) for el in body_el.iterchildren() if isinstance(el.tag, str)]
    text = normalize("\n".join(ln for ln in lines if ln))
    script_heavy = (scripts > 0 and len(text) < 200) or bool(_JS_HINT.search(noscript))
    return Document(
        kind="html",
        title=title,
        headings=[h for h in headings if h][:50],
        text=text,
        full_text=full_text,
        links=all_links + embedded,
        content_links=content_links,
        images=images,
        has_form=has_form,
        has_password_form=has_password,
        has_map=has_map,
        script_heavy=script_heavy,
        footer=footer,
        footer_links=footer_links,
        note=how,
    )
