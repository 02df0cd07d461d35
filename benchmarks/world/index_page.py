"""HTML of an agency's ITA index page in its markup variants, and the pages around it (viewers, soft 404s, news)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from benchmarks.world.content import Agency

ID_STYLES = ("o{n}", "O{n}", "item{n}", "ita-o{n}", "collapse{n}")
CODE_STYLES = ("{code} {title}", "ข้อ {n} {title}", "{code} : {title}", "{title}")
CODE_STYLE_WEIGHTS = (4, 2, 2, 1)  # most index pages print the item code
INDEX_TITLES = (
    "ข้อมูลเพื่อการประเมิน ITA ประจำปี {fy}",
    "การเปิดเผยข้อมูลสาธารณะ (OIT) ประจำปีงบประมาณ พ.ศ. {fy}",
    "ITA {fy} การประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ",
)
GROUPS = ("ตัวชี้วัดที่ 9 การเปิดเผยข้อมูล", "ตัวชี้วัดที่ 10 การป้องกันการทุจริต")


@dataclass
class Section:
    """One item's part of the index page: heading, optional requirement sentence and what it holds."""

    code: str
    title: str
    anchor: str
    description: str = ""
    body: str = ""  # links, inline content, a placeholder sentence, or nothing (title only)
    group: int = 0  # 0 = indicator 9 (disclosure), 1 = indicator 10 (prevention)


def code_number(code: str) -> int:
    return int(re.sub(r"\D", "", code))


def anchor_id(code: str, style: int, fy: int | None = None) -> str:
    """The id an item's section carries (``fy`` given: inside that year's tab)."""
    base = ID_STYLES[style % len(ID_STYLES)].format(n=code_number(code))
    return f"ita{fy}-{base}" if fy else base


def heading_text(code: str, title: str, style: int) -> str:
    return CODE_STYLES[style % len(CODE_STYLES)].format(code=code, n=code_number(code), title=title)


def tab_label(code: str, title: str, style: int) -> str:
    if CODE_STYLES[style % len(CODE_STYLES)] == "{title}":
        return title[:40]
    return f"ข้อ {code_number(code)}" if style % len(CODE_STYLES) == 1 else code


def demote_headings(html: str) -> str:
    """Inline item content under an ``<h3>`` item heading: its own ``<h3>`` become ``<h4>``."""
    return re.sub(r"<(/?)h3\b", r"<\1h4", html)


def links_html(links: list[tuple[str, str]], *, blank: bool = False) -> str:
    target = ' target="_blank"' if blank else ""
    items = "".join(f'<li><a href="{escape(h, quote=True)}"{target}>{t}</a></li>' for h, t in links)
    return f'<ul class="documents">{items}</ul>'


def _desc(s: Section) -> str:
    return f'<p class="item-desc">{s.description}</p>' if s.description else ""


def _tabs(sections: list[Section], style: int, *, id_prefix: str = "") -> str:
    buttons, panes = [], []
    for i, s in enumerate(sections):
        active = " active" if i == 0 else ""
        buttons.append(
            f'<li class="nav-item" role="presentation"><button class="nav-link{active}" data-bs-toggle="tab" '
            f'data-bs-target="#{s.anchor}" type="button" role="tab" aria-controls="{s.anchor}">'
            f"{tab_label(s.code, s.title, style)}</button></li>"
        )
        panes.append(
            f'<div class="tab-pane fade{" show active" if i == 0 else ""}" id="{s.anchor}" role="tabpanel">'
            f"<h4>{heading_text(s.code, s.title, style)}</h4>{_desc(s)}{s.body}</div>"
        )
    return (
        f'<ul class="nav nav-tabs" id="{id_prefix}itaTab" role="tablist">{"".join(buttons)}</ul>'
        f'<div class="tab-content" id="{id_prefix}itaTabContent">{"".join(panes)}</div>'
    )


def _accordion(sections: list[Section], style: int, *, id_prefix: str = "") -> str:
    parent = f"{id_prefix}itaAccordion"
    items = "".join(
        f'<div class="accordion-item"><h2 class="accordion-header" id="{s.anchor}-head">'
        f'<button class="accordion-button collapsed" type="button" data-bs-toggle="collapse" '
        f'data-bs-target="#{s.anchor}" aria-expanded="false" aria-controls="{s.anchor}">'
        f"{heading_text(s.code, s.title, style)}</button></h2>"
        f'<div id="{s.anchor}" class="accordion-collapse collapse" data-bs-parent="#{parent}">'
        f'<div class="accordion-body">{_desc(s)}{s.body}</div></div></div>'
        for s in sections
    )
    return f'<div class="accordion" id="{parent}">{items}</div>'


def _details(sections: list[Section], style: int, *, id_prefix: str = "") -> str:
    return "".join(
        f'<details class="ita-item" id="{s.anchor}"><summary>{heading_text(s.code, s.title, style)}</summary>'
        f'<div class="ita-item-body">{_desc(s)}{s.body}</div></details>'
        for s in sections
    )


def _table(sections: list[Section], style: int, *, id_prefix: str = "") -> str:
    rows = "".join(
        f'<tr id="{s.anchor}"><td>{s.code}</td><td>{s.title}{_small(s.description)}</td><td>{s.body or "-"}</td></tr>'
        for s in sections
    )
    head = "<thead><tr><th>ข้อ</th><th>ข้อมูล</th><th>รายละเอียด / ลิงก์</th></tr></thead>"
    return f'<table class="table table-bordered ita-table">{head}<tbody>{rows}</tbody></table>'


def _small(text: str) -> str:
    return f"<br><small>{text}</small>" if text else ""


def _headings(sections: list[Section], style: int, *, id_prefix: str = "") -> str:
    out, group = [], -1
    for s in sections:
        if s.group != group:
            group = s.group
            out.append(f'<h2 class="ita-group">{GROUPS[group]}</h2>')
        out.append(f'<h3 id="{s.anchor}">{heading_text(s.code, s.title, style)}</h3>{_desc(s)}{s.body}')
    return "".join(out)


RENDERERS = {"tabs": _tabs, "accordion": _accordion, "details": _details, "table": _table, "headings": _headings}


def render_sections(sections: list[Section], markup: str, style: int, *, id_prefix: str = "") -> str:
    """The sections in ``markup`` (tabs, accordion, details, table, headings)."""
    if markup == "headings":
        sections = [Section(**{**s.__dict__, "body": demote_headings(s.body)}) for s in sections]
    return RENDERERS[markup](sections, style, id_prefix=id_prefix)


def render_year_tabs(years: list[tuple[int, list[Section]]], inner: str, style: int) -> str:
    """One Bootstrap tab per fiscal year (newest first), each holding that year's sections in ``inner`` markup."""
    buttons, panes = [], []
    for i, (fy, sections) in enumerate(years):
        active = " active" if i == 0 else ""
        buttons.append(
            f'<li class="nav-item"><button class="nav-link{active}" data-bs-toggle="tab" '
            f'data-bs-target="#ita{fy}" type="button" role="tab">ITA {fy}</button></li>'
        )
        body = render_sections(sections, inner, style, id_prefix=f"y{fy}")
        panes.append(
            f'<div class="tab-pane fade{" show active" if i == 0 else ""}" id="ita{fy}" role="tabpanel">'
            f'<h2 class="year-title">ข้อมูลเพื่อการประเมิน ITA ประจำปีงบประมาณ พ.ศ. {fy}</h2>{body}</div>'
        )
    nav = f'<ul class="nav nav-tabs year-tabs" role="tablist">{"".join(buttons)}</ul>'
    return f'{nav}<div class="tab-content">{"".join(panes)}</div>'


def ascii_codes(html: str) -> str:
    """Item codes stay as ITAS writes them (``O5``) on a site that writes its other digits in Thai."""
    return re.sub(r"(?<![A-Za-z])O([๐-๙]{1,2})(?![๐-๙])", lambda m: "O" + m.group(1).translate(_ARABIC), html)


_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def index_intro(a: Agency, fy: int) -> str:
    return (
        f"<p>{a.name} เผยแพร่ข้อมูลสาธารณะตามแบบวัดการเปิดเผยข้อมูลสาธารณะ (Open Data Integrity and "
        f"Transparency Assessment: OIT) ประจำปีงบประมาณ พ.ศ. {fy} เลือกหัวข้อเพื่อดูเอกสารของแต่ละข้อ</p>"
    )


# --- pages around the index --------------------------------------------------------------------------


def pdfjs_viewer() -> str:
    """A small viewer page in the manner of pdf.js: it reads ``?file=`` and loads the PDF by script."""
    return (
        '<!DOCTYPE html><html dir="ltr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>PDF.js viewer</title>'
        '<link rel="stylesheet" href="viewer.css"><script src="../build/pdf.min.js"></script>'
        '<script src="viewer.js"></script></head><body tabindex="1"><div id="outerContainer">'
        '<div id="toolbarContainer"><button id="print" title="พิมพ์">พิมพ์</button>'
        '<button id="download" title="ดาวน์โหลด">ดาวน์โหลด</button></div>'
        '<div id="viewerContainer" tabindex="0"><div id="viewer" class="pdfViewer"></div></div></div>'
        "<script>var params=new URLSearchParams(window.location.search);"
        "openDocument(decodeURIComponent(params.get('file')||''));</script></body></html>"
    )


PDFJS_FILES = {
    "pdfjs/web/viewer.css": "#viewerContainer{position:absolute;top:32px;bottom:0;width:100%;overflow:auto}\n",
    "pdfjs/build/pdf.min.js": "/* stand-in for the PDF rendering library of the test world */\nvar pdfLib={};\n",
    "pdfjs/web/viewer.js": (
        "/* stand-in viewer: fetches the PDF named by ?file= */\n"
        "function openDocument(url){if(!url){return;}fetch(url).then(function(r){return r.arrayBuffer();})"
        ".then(function(b){document.getElementById('viewer').setAttribute('data-bytes',String(b.byteLength));});}\n"
    ),
}


def embed_body(title: str, href: str, kind: str) -> str:
    """A page that shows the PDF at ``href`` in an ``iframe``, an ``object`` (with ``embed`` inside) or an ``embed``."""
    src = escape(href, quote=True)
    if kind == "iframe":
        frame = f'<iframe src="{src}" width="100%" height="900" title="{title}"></iframe>'
    elif kind == "object":
        frame = (
            f'<object data="{src}" type="application/pdf" width="100%" height="900">'
            f'<embed src="{src}" type="application/pdf" width="100%" height="900">'
            "<p>เบราว์เซอร์ของท่านไม่รองรับการแสดงไฟล์ PDF</p></object>"
        )
    else:
        frame = f'<embed src="{src}" type="application/pdf" width="100%" height="900">'
    return f'<p class="doc-title">{title}</p><div class="pdf-frame">{frame}</div>'


SOFT404_TITLES = ("ไม่พบหน้าที่ต้องการ", "404 Page not found")


def soft404_body() -> str:
    return (
        '<div class="error-404"><p class="big">404</p><p>ขออภัย ไม่พบหน้าที่ต้องการ (Page not found)</p>'
        "<p>หน้าที่ท่านเรียกอาจถูกย้าย เปลี่ยนชื่อ หรือลบออกจากระบบแล้ว</p>"
        '<p><a href="/">กลับสู่หน้าหลัก</a></p></div>'
    )


def news_list_body(headlines: list[tuple[str, str, str]]) -> str:
    """``headlines`` = (href, headline, date)."""
    lis = "".join(f'<li><a href="{h}">{t}</a> <span class="date">{d}</span></li>' for h, t, d in headlines)
    return f'<ul class="news-list">{lis}</ul>'


def news_detail_body(a: Agency, headline: str, when: str) -> str:
    return (
        f"<p>เมื่อวันที่ {when} {a.name} {headline} ณ ห้องประชุมสำนักงาน โดยมี{a.head_title} เป็นประธาน "
        "ผู้เข้าร่วมได้หารือแนวทางการดำเนินงานและมอบหมายผู้รับผิดชอบ</p>"
        f'<p><img src="/images/exec-1.png" alt="ภาพกิจกรรม {headline}"></p>'
    )


def qa_page_body() -> str:
    return (
        '<h3>กระดานถาม-ตอบ</h3><form action="/qa/post" method="post"><label>ชื่อ</label><input type="text" name="name">'
        '<label>คำถาม</label><textarea name="question"></textarea><button type="submit">ส่งคำถาม</button></form>'
    )
