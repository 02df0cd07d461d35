"""Element checks: one small predicate per `check` kind of the rule format."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ita_checker.rules.facts import BundleFacts
from ita_checker.rules.model import Element
from ita_checker.text.thaidate import MONTHS_TH, MONTHS_TH_ABBR, fy_window, months_in
from ita_checker.text.thaitext import contains_any, match_key

PERSON = re.compile(
    r"(นางสาว|นาง|นาย(?!ก(องค์การ|เทศมนตรี|อบ[ตจ]|รัฐมนตรี|สภา))(?!อำเภอ)|น\.ส\.|ดร\.|ว่าที่ร(้อย)?\.?ต(รี)?\.?|ผศ\.|รศ\.|ศ\.|พ\.ต\.[อทต]\.)"
    r"[ก-๏]{2,}"
)
PHONE = re.compile(r"(?<![\d-])(0(?:[-.]?\d){8,9}|1\d{3})(?![\d])")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
POSTCODE = re.compile(r"(?<!\d)[1-9]\d{4}(?!\d)")
ADDRESS_WORDS = ("ตำบล", "ต.", "อำเภอ", "อ.", "จังหวัด", "จ.", "ถนน", "ถ.", "แขวง", "เขต", "หมู่ที่", "ม.")
HEAD_TITLE = re.compile(
    r"(ผู้อำนวยการ|อธิบดี|นายก|ผู้ว่าราชการจังหวัด|นายอำเภอ|อธิการบดี|เลขาธิการ|ปลัด|ประธาน|"
    r"คณบดี|ผู้บัญชาการ|ผอ\.|ผู้ว่าการ|หัวหน้าส่วนราชการ|สาธารณสุขอำเภอ|สาธารณสุขจังหวัด|ศึกษาธิการ|"
    r"ผู้บังคับการ|ผู้กำกับการ)"
)
SIGN_BLOCK = re.compile(r"\((นางสาว|นาง|นาย|น\.ส\.|ดร\.|ว่าที่)[^)]{2,60}\)")
SOCIAL_HOSTS = (
    "facebook.com",
    "fb.com",
    "line.me",
    "youtube.com",
    "tiktok.com",
    "x.com",
    "twitter.com",
    "instagram.com",
    "m.me",
)
IMG_NOISE = re.compile(r"(logo|icon|banner|bullet|arrow|spacer|bg|background|button|btn|flag|qr)", re.I)


@dataclass(frozen=True)
class Ctx:
    """What a check needs besides the evidence: the assessed fiscal year and the element's window."""

    fy: int
    window: tuple[date, date]
    target_fy: int


@dataclass(frozen=True)
class CheckResult:
    found: bool
    detail: str = ""


def _kw(b: BundleFacts, el: Element) -> list[str]:
    return contains_any(b.text_key, el.keywords)


def _all_links(b: BundleFacts) -> list[tuple[str, str]]:
    return [(ln.href, ln.text) for ev in b.docs for ln in ev.doc.links]


def _content_links(b: BundleFacts) -> list[tuple[str, str]]:
    """Links in the page's own content (menus, header and footer excluded)."""
    return [(ln.href, ln.text) for ev in b.docs for ln in ev.doc.content_links]


def check_text(b: BundleFacts, el: Element, ctx: Ctx) -> CheckResult:
    hits = _kw(b, el)
    return CheckResult(len(hits) >= 1, ", ".join(hits[:3]))


def check_person(b: BundleFacts, el: Element, ctx: Ctx) -> CheckResult:
    m = PERSON.search(b.text_key)
    return CheckResult(m is not None, m.group(0) if m else "")


def check_phone(b: BundleFacts, el: Element, ctx: Ctx) -> CheckResult:
    kws = _kw(b, el)
    if not kws:
        return CheckResult(False)
    # the keyword (โทรศัพท์ / โทรสาร) must be followed by a number somewhere after it
    for kw in kws:
        pos = b.text_key.find(match_key(kw))
        while pos >= 0:
            window = b.text_key[pos : pos + 60]
            m = PHONE.search(window)
            if m:
                return CheckResult(True, f"{kw} {m.group(0)}")
            pos = b.text_key.find(match_key(kw), pos + 1)
    return CheckResult(False)


def check_email(b: BundleFacts, el: Element, ctx: Ctx) -> CheckResult:
    m = EMAIL.search(b.text_key)
    if m:
        return CheckResult(True, m.group(0))
    mail = [h for h, _ in _all_links(b) if h.lower().startswith("mailto:")]
    return CheckResult(bool(mail), mail[0] if mail else "")


def check_address(b: BundleFacts, el: Element, ctx: Ctx) -> CheckResult:
    m = POSTCODE.search(b.text_key)
    words = contains_any(b.text_key, ADDRESS_WORDS)
    return CheckResult(m is not None and len(words) >= 1, m.group(0) if m else "")


def check_contact(b: BundleFacts, el: Element, ctx: Ctx) -> CheckResult:
    p = PHONE.search(b.text_key)
    e = EMAIL.search(b.text_key)
    return CheckResult(p is not None or e is not None, (p or e).group(0) if (p or e) else "")  # type: ignore[union-attr]


def check_map(b: BundleFacts, el: Element, ctx: Ctx) -> CheckResult:
    if any(ev.doc.has_map for ev in b.docs):
        return CheckResult(True, "map")
    return check_text(b, el, ctx)


def check_link(b: BundleFacts, el: Element, ctx: Ctx) -> CheckResult:
    keys = [match_key(k) for k in el.keywords]
    for href, text in _all_links(b):
        hay = match_key(href + " " + text)
        if any(k and k in hay for k in keys) or any(h in href.lower() for h in SOCIAL_HOSTS):
            return CheckResult(True, href)
    return check_text(b, el, ctx)


def check_link_or_form(b: BundleFacts, el: Element, ctx: Ctx) -> CheckResult:
    if any(ev.doc.has_form and not ev.doc.has_password_form for ev in b.docs):
        return CheckResult(True, "form")
    keys = [match_key(k) for k in el.keywords]
    for href, text in _content_links(b):
        hay = match_key(href + " " + text)
        if any(k and k in hay for k in keys):
            return CheckResult(True, href)
    return CheckResult(False)


def _content_images(b: BundleFacts) -> list[str]:
    out = []
    for ev in b.docs:
        for img in ev.doc.images:
            if img.src and not IMG_NOISE.search(img.src + " " + img.alt):
                out.append(img.src)
    return out


def check_image(b: BundleFacts, el: Element, ctx: Ctx) -> CheckResult:
    imgs = _content_images(b)
    return CheckResult(len(imgs) >= el.min_count, f"{len(imgs)} images")


def check_image_or_text(b: BundleFacts, el: Element, ctx: Ctx) -> CheckResult:
    r = check_text(b, el, ctx)
    if r.found:
        return r
    keys = [match_key(k) for k in el.keywords]
    for ev in b.docs:
        for img in ev.doc.images:
            hay = match_key(img.src + img.alt + img.near)
            if any(k and k in hay for k in keys):
                return CheckResult(True, img.src)
    return CheckResult(False)


def check_dated_items(b: BundleFacts, el: Element, ctx: Ctx) -> CheckResult:
    lo, hi = ctx.window
    inside = [d for d in b.all_dates if lo <= d <= hi]
    return CheckResult(len(inside) >= el.min_count, f"{len(inside)} dated entries in period")


def check_date_in_period(b: BundleFacts, el: Element, ctx: Ctx) -> CheckResult:
    if ctx.target_fy in b.fy_labels:
        return CheckResult(True, f"ปีงบประมาณ {ctx.target_fy}")
    lo, hi = ctx.window
    inside = [d for d in b.all_dates if lo <= d <= hi]
    return CheckResult(bool(inside), str(inside[0]) if inside else "")


def check_year_range(b: BundleFacts, el: Element, ctx: Ctx) -> CheckResult:
    cover = [r for r in b.year_ranges if r[0] <= ctx.fy <= r[1]]
    return CheckResult(bool(cover), f"{cover[0][0]}-{cover[0][1]}" if cover else "")


def month_coverage(b: BundleFacts, ctx: Ctx) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(months required, months missing) for the window; month names without a year count when the
    evidence is labelled with the target fiscal year."""
    need = months_in(*ctx.window)
    have = set(b.all_months)
    if ctx.target_fy in b.fy_labels:
        for i, (full, abbr) in enumerate(zip(MONTHS_TH, MONTHS_TH_ABBR, strict=True)):
            if match_key(full) in b.text_key or match_key(abbr) in b.text_key:
                month = i + 1
                ce = (ctx.target_fy - 543) - (1 if month >= 10 else 0)
                have.add((ce, month))
    return need, [m for m in need if m not in have]


def check_month_coverage(b: BundleFacts, el: Element, ctx: Ctx) -> CheckResult:
    need, missing = month_coverage(b, ctx)
    if not missing:
        return CheckResult(True, f"{len(need)}/{len(need)} months")
    names = ", ".join(f"{MONTHS_TH_ABBR[m - 1]} {y + 543}" for y, m in missing)
    return CheckResult(False, f"ขาดเดือน: {names}")


def check_number_table(b: BundleFacts, el: Element, ctx: Ctx) -> CheckResult:
    r = check_text(b, el, ctx)
    return CheckResult(r.found and bool(re.search(r"\d", b.text_key)), r.detail)


def check_count(b: BundleFacts, el: Element, ctx: Ctx) -> CheckResult:
    hits = sum(1 for ev in b.docs if contains_any(match_key(ev.doc.title + ev.anchor + ev.doc.text), el.keywords))
    return CheckResult(hits >= el.min_count, f"{hits} documents")


def check_signature(b: BundleFacts, el: Element, ctx: Ctx) -> CheckResult:
    head = HEAD_TITLE.search(b.text_key)
    if head is None:
        return CheckResult(False)
    if SIGN_BLOCK.search(b.text_key) or _kw(b, el):
        return CheckResult(True, head.group(0))
    return CheckResult(False)


def check_date_range(b: BundleFacts, el: Element, ctx: Ctx) -> CheckResult:
    has = any(f.ranges for f in b.per_doc)
    return CheckResult(has or check_text(b, el, ctx).found)


CHECKS: dict[str, Callable[[BundleFacts, Element, Ctx], CheckResult]] = {
    "text": check_text,
    "image": check_image,
    "image_or_text": check_image_or_text,
    "person_name": check_person,
    "contact": check_contact,
    "phone": check_phone,
    "email": check_email,
    "address": check_address,
    "map": check_map,
    "link": check_link,
    "link_or_form": check_link_or_form,
    "dated_items": check_dated_items,
    "date_in_period": check_date_in_period,
    "year_range": check_year_range,
    "month_coverage": check_month_coverage,
    "number_table": check_number_table,
    "count": check_count,
    "signature": check_signature,
    "date_range": check_date_range,
}


def period_window(period: str, fy: int) -> tuple[tuple[date, date], int]:
    """(window, target fiscal year) of a period kind for assessed fiscal year ``fy``."""
    if period == "previous_fy":
        return fy_window(fy - 1), fy - 1
    if period == "first_half_current_fy":
        lo, _ = fy_window(fy)
        return (lo, date(lo.year + 1, 3, 31)), fy
    return fy_window(fy), fy
