"""Build N agency sites (www/, site.json, submissions.csv, labels.json, plan.json) from a seed."""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from PIL import Image

from benchmarks.world.catalog import ITEMS, TABLE_CONCEPTS, ItemSpec
from benchmarks.world.content import BUILDERS, DATE_STYLES, Agency, Content, Ctx, make_agency, proc_month, thai_digits
from benchmarks.world.docs import copy_template, scan_pdf, template_key, write_docx, write_xlsx

TYPES = ("local", "department", "local", "province", "district", "local")
LAYOUTS = ("table", "cards", "accordion", "wordpress", "old874", "cards", "accordion", "js", "wordpress", "table")
UNREACHABLE = ("http404", "http500", "login", "timeout")
# defect → (label, weight); labels follow README §5 of the OIT reference
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
MENU_WORDS: dict[str, tuple[str, ...]] = {
    "structure": ("โครงสร้างองค์กร", "โครงสร้างหน่วยงาน", "อำนาจหน้าที่"),
    "executives": ("ผู้บริหาร", "ทำเนียบผู้บริหาร", "คณะผู้บริหาร"),
    "contact": ("ติดต่อเรา", "ติดต่อหน่วยงาน", "Contact"),
    "news": ("ข่าวประชาสัมพันธ์", "ข่าวสาร", "ข่าวกิจกรรม"),
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
    page: str = ""  # path of the item's page on the main site ("" = none)
    submitted: list[str] = field(default_factory=list)  # URL templates ({site}, {ext})
    why: str = ""


def label_for(spec: ItemSpec, defect: str) -> str:
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


def choose_defect(spec: ItemSpec, agency_type: str, rng: random.Random, *, slow: bool) -> tuple[str, tuple[str, ...]]:
    options = dict(DEFECT_WEIGHTS)
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
    if spec.concept == "news":  # a home page lists news: submitting it is not a defect
        options.pop("home_page", None)
    keys = sorted(options)
    defect = rng.choices(keys, weights=[options[k] for k in keys])[0]
    return defect, (rng.choice(drops) if defect == "incomplete" else ())


# --- page rendering ---------------------------------------------------------------------------------


@dataclass
class SiteStyle:
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


def render_page(a: Agency, style: SiteStyle, title: str, body: str, menu: list[tuple[str, str]]) -> str:
    links = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in menu)
    footer = f"{a.name} โทรศัพท์ {a.phone} จังหวัด{a.province} {a.postcode}"
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
        payload = json.dumps({"title": title, "html": body}, ensure_ascii=False).replace("</", "<\\/")
        menu_js = json.dumps(menu, ensure_ascii=False).replace("</", "<\\/")
        return (
            f'{h}<body><div id="menu"></div><div id="app">กำลังโหลด...</div>'
            "<noscript>กรุณาเปิดใช้งาน JavaScript เพื่อดูเนื้อหา</noscript>"
            f"<script>var PAGE={payload};var MENU={menu_js};"
            "document.getElementById('menu').innerHTML='<nav class=\"menu\"><ul>'+MENU.map(function(m){"
            "return '<li><a href=\"'+m[0]+'\">'+m[1]+'</a></li>'}).join('')+'</ul></nav>';"
            "document.getElementById('app').innerHTML='<main><h1>'+PAGE.title+'</h1>'+PAGE.html+'</main>';"
            "</script></body></html>"
        )
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


def _write(path: Path, html: str, style: SiteStyle) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(html.encode("cp874" if style.charset == "windows-874" else "utf-8", errors="xmlcharrefreplace"))


def _png(path: Path, color: tuple[float, float, float]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (60, 40), tuple(int(c * 255) for c in color)).save(path, format="PNG")


# --- one agency ---------------------------------------------------------------------------------------


def build_agency(
    out: Path,
    index: int,
    seed: int,
    *,
    port: int = 8780,
    slow: bool = True,
    allow_js: bool = True,
    scanned: bool = True,
) -> dict[str, Any]:
    rng = random.Random(f"world-{seed}-{index}")
    host, ext_host = f"127.0.10.{index + 1}", f"127.0.20.{index + 1}"
    site_url, ext_url = f"http://{host}:{port}", f"http://{ext_host}:{port}"
    agency_type = TYPES[(index + seed) % len(TYPES)]
    fy = 2568 if rng.random() < 0.25 else 2569
    slug = f"a{index + 1:02d}-{agency_type}"
    a = make_agency(slug, agency_type, rng)
    layout = LAYOUTS[(index * 7 + seed) % len(LAYOUTS)]
    if layout == "js" and not allow_js:
        layout = "cards"
    style = SiteStyle(
        layout=layout,
        charset="windows-874" if layout == "old874" else "utf-8",
        thai=rng.random() < 0.3,
        date_style="wp" if layout == "wordpress" else rng.choice(DATE_STYLES),
        label_style=rng.randrange(4),
        page_dir=rng.choice(("oit", f"ita{fy}", "data", "index.php")),
        doc_dir="wp-content/uploads/2026/01" if layout == "wordpress" else rng.choice(("files", "uploads/ita", "doc")),
        thai_names=rng.random() < 0.3,
    )
    root = out / slug
    if root.exists():
        shutil.rmtree(root)
    www, ext = root / "www", root / "ext"
    www.mkdir(parents=True)
    _png(www / "images" / "org-chart.png", (0.2, 0.4, 0.8))
    _png(www / "images" / "banner.png", (0.9, 0.9, 0.9))
    for i in range(5):
        _png(www / "images" / f"exec-{i + 1}.png", (0.5 + i * 0.1, 0.4, 0.3))
    routes: dict[str, dict[str, Any]] = {}
    plans: list[ItemPlan] = []
    page_ext = ".htm" if layout in ("old874", "table") else ".html"
    menu: list[tuple[str, str]] = [("/", "หน้าหลัก"), ("/about" + page_ext, "ประวัติความเป็นมา")]
    pages: list[tuple[str, str, str]] = []  # (path, title, body)
    uses_ext = False
    for spec in ITEMS[fy]:
        defect, drop = choose_defect(spec, agency_type, rng, slow=slow)
        plan = ItemPlan(code=spec.code, concept=spec.concept, defect=defect, fmt="html", label=label_for(spec, defect))
        plan.drop = list(drop)
        stale = defect == "stale"
        ctx = Ctx(
            agency=a,
            fy=fy,
            year=spec.year_shown(fy, stale=stale),
            rng=rng,
            date_style=style.date_style,
            label_style=style.label_style,
            drop=frozenset(drop),
            months=4 if "months" in drop else 6,
        )
        content = BUILDERS[spec.concept](ctx)
        page_path = f"/{style.page_dir}/{spec.code.lower()}-{spec.concept.replace('_', '-')}{page_ext}"
        if layout == "wordpress":
            page_path = f"/{spec.concept.replace('_', '-')}/"
        exists = defect not in ("absent", "wrong_page")
        # the document format
        fmt = "html"
        if not spec.html_only and layout != "js":
            fmt = rng.choice(("html", "html", "pdf", "pdf", "scanned", "docx", "xlsx"))
            if fmt == "xlsx" and spec.concept not in TABLE_CONCEPTS:
                fmt = "docx"
            if fmt == "scanned" and not scanned:
                fmt = "pdf"
        if spec.concept == "proc_monthly" and fmt != "html":
            fmt = rng.choice(("xlsx", "docx", "pdf"))
        if defect == "external":
            fmt = fmt if fmt != "html" else "pdf"
        key = template_key(spec.concept, ctx.year if spec.concept != "complaint_guideline" else 0, tuple(drop))
        body = content.html(frozenset(drop))
        if spec.concept == "proc_monthly" and fmt == "html":
            for y, m in _months(ctx):
                body += proc_month(ctx, y, m).html(frozenset())
        doc_links: list[tuple[str, str]] = []
        if exists and fmt != "html":
            base_dir, on_ext = (ext, True) if defect == "external" else (www, False)
            docs: list[tuple[Content, str]] = []
            if spec.concept == "proc_monthly":
                docs = [(proc_month(ctx, y, m), f"sor-kor-ror-{y + 543}-{m:02d}") for y, m in _months(ctx)]
            else:
                docs = [(content, f"{spec.code.lower()}-{spec.concept.replace('_', '-')}-{ctx.year}")]
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
                    dest = base_dir / style.doc_dir / name
                    write_docx(c, frozenset(drop), dest, thai=style.thai)
                elif real_fmt == "xlsx":
                    name = stem + ".xlsx"
                    dest = base_dir / style.doc_dir / name
                    if spec.concept == "proc_monthly" and not c.tables:
                        real_fmt = "docx"
                    write_xlsx(c, frozenset(drop), dest, thai=style.thai)
                plan.fmt = real_fmt
                href = f"/{style.doc_dir}/{quote(name)}"
                doc_links.append(((ext_url + href) if on_ext else href, c.title))
            if defect == "external":
                uses_ext = True
            items = "".join(f'<li><a href="{h}">{t}</a></li>' for h, t in doc_links)
            intro = "<p>ดาวน์โหลดเอกสาร:</p>" if rng.random() < 0.5 else ""
            body = intro + f'<ul class="documents">{items}</ul>'
        if exists:
            pages.append((page_path, content.title, body))
            plan.page = page_path
            word = rng.choice(MENU_WORDS.get(spec.concept, (content.title,)))
            menu.append((page_path, f"{spec.code} {word}" if rng.random() < 0.5 else word))
        # what the agency submitted
        if defect == "absent":
            plan.submitted = []
        elif defect == "wrong_page":
            plan.submitted = ["{site}/about" + page_ext if spec.concept != "structure" else "{site}/"]
        elif defect == "home_page":
            plan.submitted = ["{site}/"]
        elif defect in UNREACHABLE:
            bad = page_path if defect in ("timeout", "login") else page_path.replace(".htm", "-old.htm")
            if layout == "wordpress" and defect not in ("timeout", "login"):
                bad = page_path.rstrip("/") + "-old/"
            route: dict[str, dict[str, Any]] = {
                "http404": {"status": 404},
                "http500": {"status": 500},
                "login": {"redirect": "/login.php"},
                "timeout": {"delay": 25},
            }
            routes[bad] = route[defect]
            plan.submitted = ["{site}" + bad]
        elif len(doc_links) == 1 and rng.random() < 0.25 and defect != "external":
            plan.submitted = ["{site}" + doc_links[0][0]]  # the document itself
        else:
            plan.submitted = ["{site}" + page_path]
        plan.why = _why(spec, plan, ctx)
        plans.append(plan)
    # home, about, login, OIT index
    menu_html = menu
    for path, title, body in pages:
        target = www / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
        _write(target, render_page(a, style, title, body, menu_html), style)
    home_body = (
        f"<p>ยินดีต้อนรับสู่เว็บไซต์{a.name}</p>"
        + '<ul class="quick">'
        + "".join(f'<li><a href="{p}">{t}</a></li>' for p, t in menu[2:])
        + "</ul>"
    )
    _write(www / "index.html", render_page(a, style, "หน้าหลัก", home_body, menu_html), style)
    about = (
        f"<p>{a.name} ตั้งอยู่ในจังหวัด{a.province} ก่อตั้งขึ้นเพื่อดูแลความเป็นอยู่ของประชาชนในพื้นที่ "
        "มีพื้นที่ราบลุ่มเหมาะแก่การเกษตร ประชากรส่วนใหญ่ประกอบอาชีพทำนาและทำสวน</p>"
    )
    _write(www / ("about" + page_ext), render_page(a, style, "ประวัติความเป็นมา", about, menu_html), style)
    login = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>เข้าสู่ระบบ</title></head><body>'
        '<form method="post" action="/login.php"><input name="user"><input type="password" name="pw">'
        "<button>เข้าสู่ระบบ</button></form></body></html>"
    )
    (www / "login.php").write_text(login, encoding="utf-8")
    (www / "robots.txt").write_text("User-agent: *\nDisallow:\n", encoding="utf-8")
    site = {
        "slug": slug,
        "name": a.name,
        "agency_type": agency_type,
        "year": fy,
        "layout": layout,
        "charset": style.charset,
        "send_charset": style.charset == "utf-8",
        "thai_digits": style.thai,
        "date_style": style.date_style,
        "needs_browser": layout == "js",
        "has_ext": uses_ext,
        "routes": routes,
        "host": host,
        "ext_host": ext_host,
        "port": port,
        "site_url": site_url + "/",
    }
    (root / "site.json").write_text(json.dumps(site, ensure_ascii=False, indent=1), encoding="utf-8")
    with (root / "submissions.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["ข้อ", "ข้อมูล", "URL", "คำอธิบาย"])
        for spec, plan in zip(ITEMS[fy], plans, strict=True):
            note = "หน้าหลัก > ITA" if plan.submitted else ""
            urls = [u.replace("{site}", site_url) for u in plan.submitted]
            w.writerow([spec.code, spec.title, "\n".join(urls), note])
    labels = {p.code: p.label for p in plans}
    (root / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1), encoding="utf-8")
    (root / "plan.json").write_text(
        json.dumps([asdict(p) for p in plans], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return site


def _months(ctx: Ctx) -> list[tuple[int, int]]:
    ce = ctx.year - 543
    return [(ce - 1, 10), (ce - 1, 11), (ce - 1, 12), (ce, 1), (ce, 2), (ce, 3)][: ctx.months]


def _why(spec: ItemSpec, plan: ItemPlan, ctx: Ctx) -> str:
    if plan.defect == "stale":
        return f"evidence is for FY {ctx.year}, not the required period"
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


def build_world(
    out: Path,
    n: int,
    seed: int,
    *,
    port: int = 8780,
    slow: bool = True,
    allow_js: bool = True,
    scanned: bool = True,
) -> list[dict[str, Any]]:
    """Build ``n`` agencies under ``out`` (deterministic for a seed and port) and write ``world.json``."""
    if not 1 <= n <= 250:
        raise ValueError("--agencies must be between 1 and 250 (one loopback address each)")
    out.mkdir(parents=True, exist_ok=True)
    sites = [build_agency(out, i, seed, port=port, slow=slow, allow_js=allow_js, scanned=scanned) for i in range(n)]
    meta: dict[str, Any] = {"seed": seed, "agencies": n, "port": port, "slow": slow, "allow_js": allow_js}
    meta["sites"] = [s["slug"] for s in sites]
    (out / "world.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return sites


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate the synthetic OIT test world")
    ap.add_argument("--agencies", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--port", type=int, default=8780, help="TCP port every agency host listens on")
    ap.add_argument("--no-slow", action="store_true", help="no timeout defects")
    args = ap.parse_args(argv)
    out = args.out or Path("outputs/world") / f"{args.seed}-{args.agencies}"
    sites = build_world(out, args.agencies, args.seed, port=args.port, slow=not args.no_slow)
    print(f"{len(sites)} agencies in {out}")
    return 0
