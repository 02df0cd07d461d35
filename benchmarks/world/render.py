"""Page chrome of a world site: the site's layout around a body, charset-aware writing, small PNG images."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from benchmarks.world.content import Agency, thai_digits


@dataclass
class SiteStyle:
    """How one agency's site looks and where it keeps things."""

    layout: str
    charset: str  # utf-8 | windows-874
    thai: bool
    date_style: str
    label_style: int
    page_dir: str
    doc_dir: str
    thai_names: bool


def _head(title: str, style: SiteStyle) -> str:
    meta = (
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-874">'
        if style.charset == "windows-874"
        else '<meta charset="utf-8">'
    )
    return f'<!DOCTYPE html><html lang="th"><head>{meta}<title>{title}</title></head>'


def plain_footer(a: Agency) -> str:
    return f"{a.name} โทรศัพท์ {a.phone} จังหวัด{a.province} {a.postcode}"


def contact_footer(a: Agency) -> str:
    """A home-page footer with everything the contact item asks for: address, phone, e-mail, a Q&A channel."""
    return (
        f'<div class="footer-contact"><p>{a.name} เลขที่ 99 หมู่ที่ 4 ตำบล{a.place} อำเภอเมือง{a.province} '
        f"จังหวัด{a.province} {a.postcode}</p><p>โทรศัพท์ {a.phone} โทรสาร {a.phone[:-1]}9</p>"
        f'<p>อีเมล <a href="mailto:saraban@{a.domain}">saraban@{a.domain}</a></p>'
        f'<p><a href="/qa.html">กระดานถาม-ตอบ (Q&amp;A)</a> | '
        f'<a href="https://line.me/R/ti/p/@{a.slug}">LINE Official Account</a></p></div>'
    )


def render_page(
    a: Agency, style: SiteStyle, title: str, body: str, menu: list[tuple[str, str]], *, footer: str | None = None
) -> str:
    """The page ``title`` with ``body`` in the site's layout, menu and footer."""
    links = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in menu)
    footer = footer if footer is not None else plain_footer(a)
    if style.thai:
        body = thai_digits("<div>" + body + "</div>")
        footer = thai_digits("<x>" + footer + "</x>")[3:-4]
    h = _head(f"{title} - {a.name}", style)
    if style.layout in ("table", "old874"):
        return (
            f'{h}<body><table width="100%" border="0"><tr><td colspan="2"><img src="/images/banner.png" alt="banner">'
            f"<b>{a.name}</b></td></tr><tr>"
            f'<td class="menu" width="200" valign="top"><ul>{links}</ul></td>'
            f'<td valign="top"><h2>{title}</h2>{body}</td></tr>'
            f'<tr><td colspan="2" class="footer">{footer}</td></tr></table></body></html>'
        )
    if style.layout == "wordpress":
        return (
            f'{h}<body class="page-template-default page"><div id="page" class="site">'
            f'<header id="masthead" class="site-header"><p class="site-title">{a.name}</p>'
            f'<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{links}</ul></nav>'
            f'</header><main id="main" class="site-main"><article class="page type-page status-publish">'
            f'<header class="entry-header"><h1 class="entry-title">{title}</h1></header>'
            f'<div class="entry-content">{body}</div></article></main>'
            f'<footer id="colophon" class="site-footer"><div class="site-info">{footer}</div></footer>'
            "</div></body></html>"
        )
    if style.layout == "js":
        return _js_page(h, title, body, menu, footer)
    nav = f'<nav class="navbar"><ul class="nav">{links}</ul></nav>'
    if style.layout == "accordion":
        body = f'<div class="accordion"><details open><summary>{title}</summary>{body}</details></div>'
    else:
        body = f'<div class="card"><div class="card-body">{body}</div></div>'
    return (
        f'{h}<body><div class="header-top">{a.name}</div>{nav}'
        f'<main class="container"><h1>{title}</h1>{body}</main>'
        f'<footer class="footer">{footer}</footer></body></html>'
    )


def _js_page(head: str, title: str, body: str, menu: list[tuple[str, str]], footer: str) -> str:
    page = {"title": title, "html": body, "footer": footer}
    payload = json.dumps(page, ensure_ascii=False).replace("</", "<\\/")
    menu_js = json.dumps(menu, ensure_ascii=False).replace("</", "<\\/")
    return (
        f'{head}<body><div id="menu"></div><div id="app">กำลังโหลด...</div>'
        "<noscript>กรุณาเปิดใช้งาน JavaScript เพื่อดูเนื้อหา</noscript>"
        f"<script>var PAGE={payload};var MENU={menu_js};"
        "document.getElementById('menu').innerHTML='<nav class=\"menu\"><ul>'+MENU.map(function(m){"
        "return '<li><a href=\"'+m[0]+'\">'+m[1]+'</a></li>'}).join('')+'</ul></nav>';"
        "document.getElementById('app').innerHTML='<main><h1>'+PAGE.title+'</h1>'+PAGE.html+'</main>'"
        "+'<footer class=\"footer\">'+PAGE.footer+'</footer>';"
        "</script></body></html>"
    )


def write_page(path: Path, html: str, style: SiteStyle) -> None:
    """Write ``html`` in the site's charset (windows-874 sites get character references for what cp874 lacks)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(html.encode("cp874" if style.charset == "windows-874" else "utf-8", errors="xmlcharrefreplace"))


def write_png(path: Path, color: tuple[float, float, float]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (60, 40), tuple(int(c * 255) for c in color)).save(path, format="PNG")
