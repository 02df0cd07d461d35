"""One agency's site: its items as per-item pages or on one ITA index page, with the planted shapes and labels."""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from benchmarks.world import index_page as ix
from benchmarks.world.catalog import ITEMS, TABLE_CONCEPTS, ItemSpec
from benchmarks.world.content import BUILDERS, Agency, Content, Ctx, date_in, fmt_date, fy_label, proc_month
from benchmarks.world.docs import copy_template, scan_pdf, template_key, write_docx, write_xlsx
from benchmarks.world.plan import DEFECT_WEIGHTS, UNREACHABLE, ItemPlan, choose_defect, label_for
from benchmarks.world.render import SiteStyle, contact_footer, render_page, write_page
from benchmarks.world.shapes import (
    INDEX_DEFECT_SCALE,
    NEWS_HEADLINES,
    PLACEHOLDER_TEXTS,
    VIEWERS,
    YEAR_TAB_OLD_PER_AGENCY,
    AgencyShapes,
    assign,
    has_template,
    requirement,
    shape_label,
)

MENU_WORDS: dict[str, tuple[str, ...]] = {
    "structure": ("โครงสร้างองค์กร", "โครงสร้างหน่วยงาน", "อำนาจหน้าที่"),
    "executives": ("ผู้บริหาร", "ทำเนียบผู้บริหาร", "คณะผู้บริหาร"),
    "contact": ("ติดต่อเรา", "ติดต่อหน่วยงาน", "Contact"),
    "news": ("ข่าวประชาสัมพันธ์", "ข่าวสาร", "ข่าวกิจกรรม"),
}
GENERIC_LINK_TEXTS = ("ดาวน์โหลดเอกสาร", "คลิกที่นี่", "เอกสารประกอบ", "รายละเอียด")
OTHER_NEWS = (
    "ประชุมประจำเดือนหัวหน้าส่วนราชการ",
    "โครงการหน่วยบริการเคลื่อนที่",
    "กิจกรรมจิตอาสาพัฒนาพื้นที่สาธารณะ",
    "ประชาสัมพันธ์การชำระภาษีที่ดินและสิ่งปลูกสร้าง",
    "มอบถุงยังชีพแก่ผู้ประสบภัย",
)
NO_SECTION = ("absent", "wrong_page", "news_headline")
Link = tuple[str, str]  # (href, link text)


@dataclass
class AgencySite:
    """Builds the pages and documents of one agency and the plan of each of its items."""

    a: Agency
    fy: int
    style: SiteStyle
    rng: random.Random  # the agency's content stream
    srng: random.Random  # the agency's shape stream (placement and submission of the special shapes)
    root: Path
    site_url: str
    ext_url: str
    slow: bool
    scanned: bool
    shapes: AgencyShapes
    routes: dict[str, dict[str, Any]] = field(default_factory=dict)
    uses_ext: bool = False
    index_path: str = ""
    menu: list[Link] = field(default_factory=list)
    pages: list[tuple[str, str, str]] = field(default_factory=list)  # (path, title, body) in the site layout
    sections: list[ix.Section] = field(default_factory=list)
    old_sections: list[ix.Section] = field(default_factory=list)
    news: list[tuple[str, str]] = field(default_factory=list)  # (concept, headline) for the news list page
    home_contact: bool = False
    pdfjs: bool = False
    assigned: dict[str, str] = field(default_factory=dict)
    # the index page's look (set by _index_setup)
    id_style: int = 0
    code_style: int = 0
    describe: bool = False
    link_style: str = "title"
    inner: str = ""
    index_title: str = ""
    group_start: int = 0

    @property
    def www(self) -> Path:
        return self.root / "www"

    @property
    def ext(self) -> Path:
        return self.root / "ext"

    @property
    def page_ext(self) -> str:
        return ".htm" if self.style.layout in ("old874", "table") else ".html"

    @property
    def markup(self) -> str:
        """The markup of the item sections (inside the year tabs when the page has them)."""
        return self.inner if self.year_tabs else self.shapes.markup

    @property
    def year_tabs(self) -> bool:
        return self.shapes.markup == "year_tabs"

    # --- the whole site -------------------------------------------------------------------------------

    def build(self) -> list[ItemPlan]:
        specs = ITEMS[self.fy]
        self.menu = [("/", "หน้าหลัก"), ("/about" + self.page_ext, "ประวัติความเป็นมา")]
        extras = list(self.shapes.extras) + (["year_tab_old"] * YEAR_TAB_OLD_PER_AGENCY if self.year_tabs else [])
        self.assigned = assign(extras, specs, self.fy, self.srng, scanned=self.scanned)
        if self.shapes.index:
            self._index_setup()
            plans = [self._index_item(spec) for spec in specs]
            if self.year_tabs:
                self._old_tab(specs, plans)
        else:
            plans = [self._page_item(spec) for spec in specs]
        if self.news:
            self._news_pages()
        self._write_site()
        return plans

    def _index_setup(self) -> None:
        s, fy = self.style, self.fy
        if s.layout == "wordpress":
            self.index_path = f"/ita-{fy}/"
        elif s.page_dir.startswith("ita"):
            self.index_path = f"/{s.page_dir}/"
        else:
            self.index_path = f"/{s.page_dir}/ita{fy}{self.page_ext}"
        self.menu.append((self.index_path, self.srng.choice((f"ITA {fy}", "การเปิดเผยข้อมูลสาธารณะ (OIT)", "ITA"))))
        self.id_style = self.srng.randrange(len(ix.ID_STYLES))
        self.code_style = self.srng.choices(range(len(ix.CODE_STYLES)), weights=ix.CODE_STYLE_WEIGHTS)[0]
        self.describe = self.srng.random() < 0.4
        self.link_style = self.srng.choice(("title", "title", "generic", "file"))
        if self.link_style == "file" and self.style.thai:
            self.link_style = "title"  # a file name shown on a Thai-digit page would get Thai digits
        self.inner = self.srng.choice(("details", "headings", "accordion", "table", "tabs"))
        self.index_title = self.srng.choice(ix.INDEX_TITLES).format(fy=fy)
        codes = [sp.code for sp in ITEMS[fy]]
        first_prevention = next(sp.code for sp in ITEMS[fy] if sp.concept == "ethics")
        self.group_start = codes.index(first_prevention)

    def _write_site(self) -> None:
        style, a = self.style, self.a
        for path, title, body in self.pages:
            write_page(self._file(path), render_page(a, style, title, body, self.menu), style)
        if self.shapes.index:
            write_page(self._file(self.index_path), self._index_html(), style)
        quick = "".join(f'<li><a href="{p}">{t}</a></li>' for p, t in self.menu[2:])
        home_body = f'<p>ยินดีต้อนรับสู่เว็บไซต์{a.name}</p><ul class="quick">{quick}</ul>'
        footer = contact_footer(a) if self.home_contact else None
        write_page(self.www / "index.html", render_page(a, style, "หน้าหลัก", home_body, self.menu, footer=footer), style)
        about = (
            f"<p>{a.name} ตั้งอยู่ในจังหวัด{a.province} ก่อตั้งขึ้นเพื่อดูแลความเป็นอยู่ของประชาชนในพื้นที่ "
            "มีพื้นที่ราบลุ่มเหมาะแก่การเกษตร ประชากรส่วนใหญ่ประกอบอาชีพทำนาและทำสวน</p>"
        )
        about_html = render_page(a, style, "ประวัติความเป็นมา", about, self.menu)
        write_page(self.www / ("about" + self.page_ext), about_html, style)
        if self.home_contact:
            qa = render_page(a, style, "กระดานถาม-ตอบ", ix.qa_page_body(), self.menu)
            write_page(self.www / "qa.html", qa, style)
        if self.pdfjs:
            (self.www / "pdfjs" / "web").mkdir(parents=True, exist_ok=True)
            (self.www / "pdfjs" / "web" / "viewer.html").write_text(ix.pdfjs_viewer(), encoding="utf-8")
            for rel, text in ix.PDFJS_FILES.items():
                (self.www / rel).parent.mkdir(parents=True, exist_ok=True)
                (self.www / rel).write_text(text, encoding="utf-8")
        login = (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>เข้าสู่ระบบ</title></head><body>'
            '<form method="post" action="/login.php"><input name="user"><input type="password" name="pw">'
            "<button>เข้าสู่ระบบ</button></form></body></html>"
        )
        (self.www / "login.php").write_text(login, encoding="utf-8")
        (self.www / "robots.txt").write_text("User-agent: *\nDisallow:\n", encoding="utf-8")

    def _file(self, path: str) -> Path:
        return self.www / (unquote(path).lstrip("/") + ("index.html" if path.endswith("/") else ""))

    def _index_html(self) -> str:
        if self.year_tabs:
            years = [(self.fy, self.sections), (self.fy - 1, self.old_sections)]
            body = ix.render_year_tabs(years, self.inner, self.code_style)
        else:
            body = ix.render_sections(self.sections, self.shapes.markup, self.code_style)
        html = render_page(self.a, self.style, self.index_title, ix.index_intro(self.a, self.fy) + body, self.menu)
        return ix.ascii_codes(html) if self.style.thai else html

    # --- shared item helpers --------------------------------------------------------------------------

    def _ctx(self, spec: ItemSpec, drop: tuple[str, ...], *, stale: bool, fy: int | None = None) -> Ctx:
        return Ctx(
            agency=self.a,
            fy=self.fy,
            year=spec.year_shown(fy or self.fy, stale=stale),
            rng=self.rng,
            date_style=self.style.date_style,
            label_style=self.style.label_style,
            drop=frozenset(drop),
            months=4 if "months" in drop else 6,
        )

    def _page_path(self, spec: ItemSpec, suffix: str = "") -> str:
        slug = spec.concept.replace("_", "-")
        if self.style.layout == "wordpress":
            return f"/{slug}{suffix}/"
        return f"/{self.style.page_dir}/{spec.code.lower()}-{slug}{suffix}{self.page_ext}"

    def _fmt(self, spec: ItemSpec, defect: str) -> str:
        fmt = "html"
        if not spec.html_only and self.style.layout != "js":
            fmt = self.rng.choice(("html", "html", "pdf", "pdf", "scanned", "docx", "xlsx"))
            if fmt == "xlsx" and spec.concept not in TABLE_CONCEPTS:
                fmt = "docx"
            if fmt == "scanned" and not self.scanned:
                fmt = "pdf"
        if spec.concept == "proc_monthly" and fmt != "html":
            fmt = self.rng.choice(("xlsx", "docx", "pdf"))
        if defect == "external":
            fmt = fmt if fmt != "html" else "pdf"
        return fmt

    def _html_body(self, spec: ItemSpec, ctx: Ctx, content: Content, drop: tuple[str, ...]) -> str:
        body = content.html(frozenset(drop))
        if spec.concept == "proc_monthly":
            for y, m in _months(ctx):
                body += proc_month(ctx, y, m).html(frozenset())
        return body

    def _write_docs(
        self, spec: ItemSpec, ctx: Ctx, content: Content, fmt: str, drop: tuple[str, ...], *, on_ext: bool
    ) -> tuple[list[Link], str]:
        """Write the item's document(s) in ``fmt``; returns their links and the format actually written."""
        base_dir, style = (self.ext if on_ext else self.www), self.style
        key = template_key(spec.concept, ctx.year if spec.concept != "complaint_guideline" else 0, tuple(drop))
        if spec.concept == "proc_monthly":
            docs = [(proc_month(ctx, y, m), f"sor-kor-ror-{y + 543}-{m:02d}") for y, m in _months(ctx)]
        else:
            docs = [(content, f"{spec.code.lower()}-{spec.concept.replace('_', '-')}-{ctx.year}")]
        links: list[Link] = []
        real_fmt = fmt
        for c, stem in docs:
            real_fmt = fmt
            if fmt in ("pdf", "scanned"):
                name = stem + ".pdf"
                if style.thai_names:
                    name = c.title.replace(" ", "-").replace("/", "-")[:60] + ".pdf"
                dest = base_dir / style.doc_dir / name
                if fmt == "scanned" and copy_template(key, dest.with_suffix(".src.pdf")):
                    scan_pdf(dest.with_suffix(".src.pdf"), dest)
                    dest.with_suffix(".src.pdf").unlink()
                elif fmt == "scanned" or not copy_template(key, dest):
                    real_fmt = "docx"
            if real_fmt == "docx":
                name = stem + ".docx"
                write_docx(c, frozenset(drop), base_dir / style.doc_dir / name, thai=style.thai)
            elif real_fmt == "xlsx":
                name = stem + ".xlsx"
                if spec.concept == "proc_monthly" and not c.tables:
                    real_fmt = "docx"
                write_xlsx(c, frozenset(drop), base_dir / style.doc_dir / name, thai=style.thai)
            href = f"/{style.doc_dir}/{quote(name)}"
            links.append(((self.ext_url + href) if on_ext else href, c.title))
        if on_ext:
            self.uses_ext = True
        return links, real_fmt

    def _bad_route(self, spec: ItemSpec, defect: str, page_path: str, *, index: bool) -> str:
        """A submitted URL that fails the way ``defect`` says (route registered); returns its path."""
        if index or defect not in ("timeout", "login"):
            bad = page_path.rstrip("/") + "-old/" if page_path.endswith("/") else page_path.replace(".htm", "-old.htm")
        else:
            bad = page_path
        route: dict[str, dict[str, Any]] = {
            "http404": {"status": 404},
            "http500": {"status": 500},
            "login": {"redirect": "/login.php"},
            "timeout": {"delay": 25},
        }
        self.routes[bad] = route[defect]
        return bad

    def _soft404(self, spec: ItemSpec, defect: str) -> str:
        """A URL that answers 200 with a 'page not found' page, or redirects to the home page."""
        path = self._page_path(spec, "-" + str(self.fy))
        if defect == "soft404_page":
            self.pages.append((path, self.srng.choice(ix.SOFT404_TITLES), ix.soft404_body()))
        else:
            self.routes[path] = {"redirect": "/"}
        return path

    def _news_list(self, spec: ItemSpec) -> str:
        label = fy_label(self._ctx(spec, (), stale=False, fy=self.fy), self.fy)
        self.news.append((spec.concept, NEWS_HEADLINES[spec.concept].format(label=label)))
        return self._news_path()

    def _news_path(self) -> str:
        return "/category/news/" if self.style.layout == "wordpress" else f"/news/archive{self.page_ext}"

    def _news_details(self, content: Content) -> None:
        """The pages the news item's headlines link to."""
        for href, headline, when in re.findall(
            r'<a href="(/news/\d+\.html)">([^<]+)</a> <span class="date">([^<]+)<', content.html(frozenset())
        ):
            self.pages.append((href, headline, ix.news_detail_body(self.a, headline, when)))

    def _news_pages(self) -> None:
        """The news list page (with the topical headlines) and one page per headline."""
        ctx = Ctx(agency=self.a, fy=self.fy, year=self.fy, rng=self.srng, date_style=self.style.date_style)
        headlines = [h for _, h in self.news] + [f"{t} {self.a.short}" for t in self.srng.sample(OTHER_NEWS, 4)]
        self.srng.shuffle(headlines)
        rows = []
        for k, headline in enumerate(headlines):
            when = fmt_date(date_in(ctx), self.style.date_style)
            path = f"/news/{101 + k}{self.page_ext}"
            rows.append((path, headline, when))
            self.pages.append((path, headline, ix.news_detail_body(self.a, headline, when)))
        self.pages.append((self._news_path(), "ข่าวประชาสัมพันธ์", ix.news_list_body(rows)))
        self.menu.append((self._news_path(), "ข่าวทั้งหมด"))

    def _drive(self, spec: ItemSpec) -> str:
        digest = hashlib.sha1(f"{self.a.slug}-{spec.code}-{self.fy}".encode()).hexdigest()
        return f"https://drive.google.com/file/d/1{digest[:32]}/view?usp=sharing"

    def _label(self, spec: ItemSpec, defect: str, shape: str) -> str:
        content = label_for(spec, defect if defect in DEFECT_WEIGHTS else "ok")
        return shape_label(shape, content)

    def _link_text(self, href: str, title: str, n: int) -> str:
        if n > 1 or self.link_style == "title":
            return title
        if self.link_style == "generic":
            return self.srng.choice(GENERIC_LINK_TEXTS)
        return unquote(href.rsplit("/", 1)[-1])

    # --- per-item pages -------------------------------------------------------------------------------

    def _page_item(self, spec: ItemSpec) -> ItemPlan:
        extra = self.assigned.get(spec.code)
        defect, drop = choose_defect(spec, self.a.agency_type, self.rng, slow=self.slow)
        if extra:
            defect, drop = extra, ()
        plan = ItemPlan(code=spec.code, concept=spec.concept, defect=defect, fmt="html", label="", drop=list(drop))
        ctx = self._ctx(spec, drop, stale=defect == "stale")
        content = BUILDERS[spec.concept](ctx)
        page_path = self._page_path(spec)
        exists = defect not in ("absent", "wrong_page", "soft404_page", "soft404_home", "news_headline")
        fmt = self._fmt(spec, defect)
        body = self._html_body(spec, ctx, content, drop)
        doc_links: list[Link] = []
        if defect == "placeholder":
            body = f'<p class="notice">{self.srng.choice(PLACEHOLDER_TEXTS)}</p>'
        elif defect == "drive_link":
            doc_links, plan.fmt = [(self._drive(spec), content.title)], "drive"
            body = ix.links_html(doc_links)
        elif exists and fmt != "html":
            doc_links, plan.fmt = self._write_docs(spec, ctx, content, fmt, drop, on_ext=defect == "external")
            intro = "<p>ดาวน์โหลดเอกสาร:</p>" if self.rng.random() < 0.5 else ""
            body = intro + ix.links_html(doc_links)
        if exists and spec.concept == "news" and defect != "placeholder":
            self._news_details(content)
        if exists:
            self.pages.append((page_path, spec.title if defect == "placeholder" else content.title, body))
            plan.page = page_path
            word = self.rng.choice(MENU_WORDS.get(spec.concept, (content.title,)))
            self.menu.append((page_path, f"{spec.code} {word}" if self.rng.random() < 0.5 else word))
        plan.links = [h for h, _ in doc_links]
        plan.submitted, plan.shape = self._page_submission(spec, defect, page_path, doc_links)
        plan.label = self._label(spec, defect, plan.shape)
        plan.why = _why(spec, plan, ctx)
        return plan

    def _page_submission(
        self, spec: ItemSpec, defect: str, page_path: str, doc_links: list[Link]
    ) -> tuple[list[str], str]:
        site = "{site}"
        if defect == "absent":
            return [], "absent"
        if defect == "wrong_page":
            return [site + "/about" + self.page_ext if spec.concept != "structure" else site + "/"], "wrong_page"
        if defect == "home_page":
            return [site + "/"], "home_other"
        if defect == "home_contact":
            self.home_contact = True
            return [site + "/"], "home_contact"
        if defect in UNREACHABLE:
            return [site + self._bad_route(spec, defect, page_path, index=False)], "dead_url"
        if defect in ("soft404_page", "soft404_home"):
            return [site + self._soft404(spec, defect)], defect
        if defect == "news_headline":
            return [site + self._news_list(spec)], defect
        if defect == "drive_link":
            return ([doc_links[0][0]] if self.srng.random() < 0.5 else [site + page_path]), defect
        if defect == "placeholder":
            return [site + page_path], defect
        if len(doc_links) == 1 and self.rng.random() < 0.25 and defect != "external":
            return [site + doc_links[0][0]], "item_document"
        return [site + page_path], "item_page"

    # --- the ITA index page ---------------------------------------------------------------------------

    def _index_defect(self, spec: ItemSpec, extra: str | None) -> tuple[str, tuple[str, ...]]:
        defect, drop = choose_defect(spec, self.a.agency_type, self.rng, slow=self.slow, scale=INDEX_DEFECT_SCALE)
        if extra in VIEWERS or extra == "scanned_thai":
            stale_ok = extra in VIEWERS and has_template(spec, spec.year_shown(self.fy, stale=True))
            roll = self.srng.random() if stale_ok else 1.0  # drawn as before: other items' plans stay the same
            return ("stale" if spec.can_be_stale and roll < 0.2 else "ok"), ()  # no period asked: never stale
        if extra == "stale_under_heading":
            return "stale", ()
        if extra:
            return extra, ()
        return defect, drop

    def _index_item(self, spec: ItemSpec) -> ItemPlan:
        extra = self.assigned.get(spec.code)
        defect, drop = self._index_defect(spec, extra)
        plan = ItemPlan(code=spec.code, concept=spec.concept, defect=defect, fmt="html", label="", drop=list(drop))
        ctx = self._ctx(spec, drop, stale=defect == "stale")
        content = BUILDERS[spec.concept](ctx)
        sec = ix.Section(
            code=spec.code,
            title=spec.title,
            anchor=ix.anchor_id(spec.code, self.id_style, self.fy if self.year_tabs else None),
            description=requirement(spec, self.fy) if self.describe else "",
            group=int(ITEMS[self.fy].index(spec) >= self.group_start),
        )
        fmt = self._fmt(spec, defect)
        links, inline = self._index_body(spec, ctx, content, drop, defect, extra, fmt, plan, sec)
        if defect not in NO_SECTION:
            self.sections.append(sec)
            plan.section = sec.anchor
            plan.page = f"{self.index_path}#{sec.anchor}"
        plan.links = [h for h, _ in links] + plan.links  # a viewer's page, then the PDF it shows
        plan.submitted, plan.shape = self._index_submission(spec, defect, extra, sec, links, inline=inline)
        plan.label = self._label(spec, defect, plan.shape)
        plan.why = _why(spec, plan, ctx)
        return plan

    def _index_body(
        self,
        spec: ItemSpec,
        ctx: Ctx,
        content: Content,
        drop: tuple[str, ...],
        defect: str,
        extra: str | None,
        fmt: str,
        plan: ItemPlan,
        sec: ix.Section,
    ) -> tuple[list[Link], bool]:
        """Fill the item's section; returns the links it holds and whether its content is inline."""
        links: list[Link] = []
        if defect in NO_SECTION or defect == "title_only":
            return links, False
        if defect == "placeholder":
            sec.body = f'<p class="text-muted">{self.srng.choice(PLACEHOLDER_TEXTS)}</p>'
            return links, False
        if defect == "dead_link":
            links, plan.fmt = [(f"/{self.style.doc_dir}/{spec.code.lower()}-{self.fy}.pdf", content.title)], "pdf"
        elif defect == "drive_link":
            links, plan.fmt = [(self._drive(spec), content.title)], "drive"
        elif defect in ("soft404_page", "soft404_home"):
            links = [(self._soft404(spec, defect), content.title)]
        else:
            if extra in VIEWERS:
                fmt = "pdf"
            elif extra == "scanned_thai":
                fmt = "scanned"
            elif defect == "stale" and fmt == "html" and not spec.html_only:
                fmt = "pdf"
            if spec.concept == "news":
                self._news_details(content)
            if fmt == "html":
                body = self._html_body(spec, ctx, content, drop)
                if self.markup != "table" and self.rng.random() < 0.5:
                    sec.body = f'<p class="doc-title"><b>{content.title}</b></p>{body}'  # its title carries the year
                    return links, True
                page_path = self._page_path(spec)
                self.pages.append((page_path, content.title, body))
                if spec.concept in MENU_WORDS:
                    self.menu.append((page_path, self.rng.choice(MENU_WORDS[spec.concept])))
                links = [(page_path, content.title)]
            else:
                links, plan.fmt = self._write_docs(spec, ctx, content, fmt, drop, on_ext=defect == "external")
                if extra in VIEWERS:
                    plan.links = [links[0][0]]
                    links = [(self._viewer(spec, extra, links[0][0], content.title), content.title)]
        shown = [(h, self._link_text(h, t, len(links))) for h, t in links]
        sec.body = ix.links_html(shown, blank=extra in VIEWERS)
        return links, False

    def _viewer(self, spec: ItemSpec, shape: str, pdf: str, title: str) -> str:
        """The URL of a page that shows ``pdf``: the pdf.js viewer, or a page with an iframe / object / embed."""
        if shape == "viewer_pdfjs":
            self.pdfjs = True
            param = pdf if self.srng.random() < 0.5 else quote(pdf, safe="")
            return f"/pdfjs/web/viewer.html?file={param}"
        path = self._page_path(spec, "-view")
        kind = "iframe" if shape == "embed_iframe" else self.srng.choice(("object", "embed"))
        self.pages.append((path, title, ix.embed_body(title, pdf, kind)))
        return path

    def _index_submission(
        self, spec: ItemSpec, defect: str, extra: str | None, sec: ix.Section, links: list[Link], *, inline: bool
    ) -> tuple[list[str], str]:
        site = "{site}"
        anchor, whole = f"{site}{self.index_path}#{sec.anchor}", site + self.index_path
        r = self.srng.random()
        fixed = {"absent": [], "wrong_page": [site + "/about" + self.page_ext], "home_page": [site + "/"]}
        if defect in fixed:
            return fixed[defect], {"home_page": "home_other"}.get(defect, defect)
        if defect == "home_contact":
            self.home_contact = True
            return [site + "/"], defect
        if defect == "news_headline":
            return [site + self._news_list(spec)], defect
        if defect in UNREACHABLE:
            return [site + self._bad_route(spec, defect, self._page_path(spec), index=True)], "dead_url"
        if defect == "year_tab_old":
            return [f"{site}{self.index_path}#{ix.anchor_id(spec.code, self.id_style, self.fy - 1)}"], defect
        if defect in ("soft404_page", "soft404_home"):
            return [site + links[0][0]], defect
        if defect == "drive_link":
            return ([links[0][0]] if r < 0.6 else [anchor]), defect
        if defect in ("title_only", "placeholder"):
            return ([whole] if r < 0.3 and not self.year_tabs else [anchor]), defect
        if defect == "dead_link":
            if r < 0.2:
                return [site + links[0][0]], defect
            return ([whole] if r < 0.4 and not self.year_tabs else [anchor]), defect
        if extra in VIEWERS:
            return ([site + links[0][0]] if r < 0.75 else [anchor]), extra
        return self._content_submission(spec, defect, extra, anchor, whole, links, inline=inline)

    def _content_submission(
        self,
        spec: ItemSpec,
        defect: str,
        extra: str | None,
        anchor: str,
        whole: str,
        links: list[Link],
        *,
        inline: bool,
    ) -> tuple[list[str], str]:
        r = self.rng.random()
        shape = extra or ("stale_under_heading" if defect == "stale" else "")
        whole_ok = not self.year_tabs or label_for(spec, defect) == "pass"
        if r < 0.25 and len(links) == 1 and not inline and defect != "external":
            return ["{site}" + links[0][0]], shape or "index_document"
        if r < 0.5 and whole_ok:
            return [whole], shape or "index_whole"
        return [anchor], shape or ("year_tab_current" if self.year_tabs else "index_anchor")

    def _old_tab(self, specs: list[ItemSpec], plans: list[ItemPlan]) -> None:
        """The previous year's tab: every time-bound item with that year's documents."""
        old = self.fy - 1
        for spec, plan in zip(specs, plans, strict=True):
            if spec.period == "none" or plan.shape in NO_SECTION:
                continue
            ctx = self._ctx(spec, (), stale=False, fy=old)
            content = BUILDERS[spec.concept](ctx)
            if spec.html_only:
                path = self._page_path(spec, f"-{old}")
                self.pages.append((path, content.title, self._html_body(spec, ctx, content, ())))
                links = [(path, content.title)]
            else:
                fmt = "pdf" if has_template(spec, ctx.year) else "docx"
                links, _ = self._write_docs(spec, ctx, content, fmt, (), on_ext=False)
            sec = ix.Section(
                code=spec.code,
                title=_shift_years(spec.title, -1),
                anchor=ix.anchor_id(spec.code, self.id_style, old),
                description=requirement(spec, old) if self.describe else "",
                body=ix.links_html([(h, self._link_text(h, t, len(links))) for h, t in links]),
                group=int(specs.index(spec) >= self.group_start),
            )
            self.old_sections.append(sec)
            if plan.shape == "year_tab_old":
                plan.section, plan.page = sec.anchor, f"{self.index_path}#{sec.anchor}"
                plan.links = [h for h, _ in links]


def _months(ctx: Ctx) -> list[tuple[int, int]]:
    ce = ctx.year - 543
    return [(ce - 1, 10), (ce - 1, 11), (ce - 1, 12), (ce, 1), (ce, 2), (ce, 3)][: ctx.months]


def _shift_years(text: str, by: int) -> str:
    return re.sub(r"25\d\d", lambda m: str(int(m.group(0)) + by), text)


def _why(spec: ItemSpec, plan: ItemPlan, ctx: Ctx) -> str:
    shape_why = {
        "title_only": "the item's section holds its title (and the requirement's wording) but no document",
        "placeholder": "the page or section only says the data is being prepared",
        "dead_link": "the section's only document link answers 404",
        "drive_link": "the document is on Google Drive, which cannot be fetched here",
        "soft404_page": "the submitted URL answers 200 with a 'page not found' page",
        "soft404_home": "the submitted URL redirects to the home page: the page is gone",
        "news_headline": "a news list whose headline names the topic, not the document",
        "home_contact": "home page footer holds address, phone, e-mail and a Q&A channel",
        "year_tab_old": "the anchor points into the previous year's tab",
    }
    if plan.shape in shape_why:
        return shape_why[plan.shape]
    if plan.defect == "stale":
        where = " (under the current year's heading)" if plan.shape == "stale_under_heading" else ""
        return f"evidence is for FY {ctx.year}, not the required period{where}"
    if plan.defect == "incomplete":
        return "missing required element(s): " + ", ".join(plan.drop)
    if plan.defect in UNREACHABLE:
        return f"submitted URL is unreachable ({plan.defect})"
    if plan.defect == "home_page":
        return "submitted URL is the home page; the item is elsewhere"
    if plan.defect == "wrong_page":
        return "submitted URL is an unrelated page; the item is not on the site"
    if plan.defect == "absent":
        return "no URL submitted and the item is not on the site"
    if plan.defect == "external":
        return "evidence on another host, linked from the main site"
    return "complete, right period" + (" (placeholder item: needs_review)" if spec.placeholder else "")
