"""Thai page and document content per OIT concept, built from element blocks so defects can drop them."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

MONTHS_FULL = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
MONTHS_ABBR = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
DATE_STYLES = ("abbr", "full", "full_prefix", "abbr2", "slash", "iso", "wp")
FY_LABELS = ("ปีงบประมาณ พ.ศ. {y}", "ประจำปีงบประมาณ พ.ศ.{y}", "ปีงบประมาณ {y}", "ประจำปีงบประมาณ พ.ศ. {y}")
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")

FIRST_M = ("สมชาย", "ประเสริฐ", "วีระพงษ์", "ธนากร", "สุรชัย", "อำนาจ", "ชาตรี", "บุญเลิศ", "กิตติศักดิ์", "พงศกร")
FIRST_F = ("สุภาพร", "วันเพ็ญ", "กาญจนา", "จันทร์เพ็ญ", "ศิริพร", "อรุณี", "นงลักษณ์", "ปราณี", "พรทิพย์", "รัตนา")
LAST = ("ใจดี", "ศรีสุข", "บุญมา", "แก้วมณี", "ทองคำ", "พรหมวงศ์", "สุขเจริญ", "วงศ์ไทย", "มั่นคง", "อินทร์แก้ว")
PROVINCES = ("นครสวรรค์", "ลำปาง", "สุรินทร์", "ชุมพร", "พิจิตร", "ยโสธร", "ตราด", "น่าน", "สตูล", "อุทัยธานี", "กาฬสินธุ์")
PLACES = ("หนองบัว", "บ้านใหม่", "ท่าช้าง", "โพธิ์ทอง", "หนองหญ้าปล้อง", "วังน้ำเย็น", "ดอนแก้ว", "ห้วยทราย", "นาดี", "บางระจัน")
DEPARTMENTS = (
    "กรมส่งเสริมวิสาหกิจชุมชน",
    "กรมพัฒนาทรัพยากรน้ำบาดาลชนบท",
    "กรมส่งเสริมการเรียนรู้ตลอดชีวิต",
    "กรมพัฒนาฝีมือช่างพื้นบ้าน",
    "สำนักงานส่งเสริมเกษตรอินทรีย์",
)


@dataclass
class Agency:
    """Who the site belongs to: names, type, head and executives (all invented)."""

    slug: str
    agency_type: str
    name: str
    short: str
    province: str
    place: str
    head_title: str
    deputy_title: str
    head: str
    deputies: list[str]
    staff_head: str  # ปลัด / หัวหน้าสำนักงาน
    domain: str
    postcode: str
    phone: str


def person(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"นาย{rng.choice(FIRST_M)} {rng.choice(LAST)}"
    return f"{rng.choice(('นาง', 'นางสาว'))}{rng.choice(FIRST_F)} {rng.choice(LAST)}"


def make_agency(slug: str, agency_type: str, rng: random.Random) -> Agency:
    prov = rng.choice(PROVINCES)
    place = rng.choice(PLACES)
    if agency_type == "department":
        name = rng.choice(DEPARTMENTS)
        short, head_t, dep_t = name, "อธิบดี", "รองอธิบดี"
    elif agency_type == "province":
        name = f"สำนักงานจังหวัด{prov}"
        short, head_t, dep_t = f"จังหวัด{prov}", "ผู้ว่าราชการจังหวัด", "รองผู้ว่าราชการจังหวัด"
    elif agency_type == "district":
        name = f"ที่ว่าการอำเภอ{place}"
        short, head_t, dep_t = f"อำเภอ{place}", "นายอำเภอ", "ปลัดอำเภอ"
    else:
        if rng.random() < 0.5:
            name, short = f"องค์การบริหารส่วนตำบล{place}", f"อบต.{place}"
            head_t, dep_t = "นายกองค์การบริหารส่วนตำบล", "รองนายกองค์การบริหารส่วนตำบล"
        else:
            name, short = f"เทศบาลตำบล{place}", f"ทต.{place}"
            head_t, dep_t = "นายกเทศมนตรีตำบล", "รองนายกเทศมนตรีตำบล"
    return Agency(
        slug=slug,
        agency_type=agency_type,
        name=name,
        short=short,
        province=prov,
        place=place,
        head_title=head_t,
        deputy_title=dep_t,
        head=person(rng),
        deputies=[person(rng) for _ in range(2)],
        staff_head=person(rng),
        domain=f"{slug}.go.th",
        postcode=f"{rng.randint(10, 96)}{rng.randint(100, 999)}",
        phone=f"0-{rng.randint(2000, 7999)}-{rng.randint(1000, 9999)}",
    )


@dataclass
class Ctx:
    """What a content builder needs: the agency, the assessed FY, the year shown and the writing style."""

    agency: Agency
    fy: int  # assessed fiscal year (B.E.)
    year: int  # the fiscal year the content is about (fy, fy-1, or a stale year)
    rng: random.Random
    date_style: str = "abbr"
    label_style: int = 0
    drop: frozenset[str] = frozenset()
    months: int = 6  # procurement: months of the first half present


@dataclass
class Block:
    elem: str  # element id ("" = always kept)
    html: str


@dataclass
class Content:
    """One item's content: a title (page heading / document title) and blocks."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)  # for XLSX output

    def kept(self, drop: frozenset[str]) -> list[Block]:
        return [b for b in self.blocks if not b.elem or b.elem not in drop]

    def html(self, drop: frozenset[str]) -> str:
        return "\n".join(b.html for b in self.kept(drop))

    def text(self, drop: frozenset[str]) -> str:
        return html_to_text(self.html(drop))


def html_to_text(html: str) -> str:
    t = re.sub(r"<(br|/p|/li|/tr|/h\d|/div|/table)[^>]*>", "\n", html)
    t = re.sub(r"</t[dh]>", " | ", t)
    t = re.sub(r"<[^>]+>", "", t)
    t = t.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'")
    return "\n".join(line.strip() for line in t.splitlines() if line.strip())


def thai_digits(html: str) -> str:
    """Arabic → Thai digits in text nodes only (tags, URLs and attributes untouched)."""
    return re.sub(r">([^<]+)<", lambda m: ">" + m.group(1).translate(THAI_DIGITS) + "<", html)


def fy_label(ctx: Ctx, year: int | None = None) -> str:
    return FY_LABELS[ctx.label_style % len(FY_LABELS)].format(y=year or ctx.year)


def _yearly(name: str, ctx: Ctx) -> str:
    """'<name>ประจำปีงบประมาณ ...' whatever the site's year-label style (no doubled 'ประจำประจำ')."""
    label = fy_label(ctx)
    return name + (label if label.startswith("ประจำ") else "ประจำ" + label)


def fmt_date(d: date, style: str) -> str:
    be = d.year + 543
    if style == "full":
        return f"{d.day} {MONTHS_FULL[d.month - 1]} {be}"
    if style == "full_prefix":
        return f"วันที่ {d.day} เดือน {MONTHS_FULL[d.month - 1]} พ.ศ. {be}"
    if style == "abbr2":
        return f"{d.day} {MONTHS_ABBR[d.month - 1]} {be % 100:02d}"
    if style == "slash":
        return f"{d.day:02d}/{d.month:02d}/{be}"
    if style == "iso":
        return d.isoformat()
    if style == "wp":
        return f"{MONTHS_FULL[d.month - 1]} {d.day}, {d.year}"
    return f"{d.day} {MONTHS_ABBR[d.month - 1]} {be}"


def date_in(ctx: Ctx, year: int | None = None, *, first_half: bool = True, month: int | None = None) -> date:
    """A date inside fiscal year ``year`` (B.E.), in its first half by default (the OIT form is filled in April)."""
    fy = year or ctx.year
    ce = fy - 543
    months = [10, 11, 12, 1, 2, 3] if first_half else [10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8]
    m = month or ctx.rng.choice(months)
    y = ce - 1 if m >= 10 else ce
    return date(y, m, ctx.rng.randint(1, 28))


def d(ctx: Ctx, year: int | None = None, **kw: object) -> str:
    return fmt_date(date_in(ctx, year, **kw), ctx.date_style)  # type: ignore[arg-type]


def table(head: list[str], rows: list[list[str]]) -> str:
    h = "".join(f"<th>{c}</th>" for c in head)
    r = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="data"><thead><tr>{h}</tr></thead><tbody>{r}</tbody></table>'


def baht(rng: random.Random) -> str:
    return f"{rng.randint(3, 480) * 1000:,}"


# --- builders --------------------------------------------------------------------------------------


def structure(ctx: Ctx) -> Content:
    a = ctx.agency
    has_duties = "duties_summary" not in ctx.drop
    title = ctx.rng.choice(("โครงสร้างองค์กรและอำนาจหน้าที่", "โครงสร้างและอำนาจหน้าที่", "โครงสร้าง หน้าที่และอำนาจ"))
    if not has_duties:
        title = ctx.rng.choice(("โครงสร้างองค์กร", "แผนผังโครงสร้างองค์กร"))
    c = Content(title=f"{title} {a.short}")
    c.blocks.append(
        Block(
            "chart",
            f'<figure><img src="/images/org-chart.png" alt="แผนผังโครงสร้างการแบ่งส่วนราชการ {a.name}">'
            f"<figcaption>แผนผังโครงสร้างการแบ่งส่วนราชการ {a.name}</figcaption></figure>",
        )
    )
    if a.agency_type == "local":
        units = ["สำนักปลัด", "กองคลัง", "กองช่าง", "กองการศึกษา ศาสนาและวัฒนธรรม"]
        c.blocks.append(
            Block(
                "political_and_permanent_sides",
                f"<h3>ฝ่ายการเมือง</h3><p>{a.head_title} {a.deputy_title} สภา{a.name.split('ตำบล')[0]}ตำบล</p>"
                f"<h3>ฝ่ายข้าราชการประจำ</h3><p>ปลัด{a.short} รองปลัด{a.short} หัวหน้าสำนักปลัด</p>",
            )
        )
    elif a.agency_type == "province":
        units = ["สำนักงานจังหวัด", "ที่ทำการปกครองจังหวัด", "สำนักงานคลังจังหวัด", "สำนักงานเกษตรจังหวัด"]
        c.blocks.append(
            Block(
                "province_structure",
                f"<p>{a.head_title}{a.province} กำกับดูแลรองผู้ว่าราชการจังหวัด 3 ท่าน สำนักงานจังหวัด{a.province} "
                "และส่วนราชการประจำจังหวัด (ราชการส่วนภูมิภาค) 32 หน่วยงาน</p>",
            )
        )
    elif a.agency_type == "district":
        units = ["กลุ่มงานบริหารงานปกครอง", "กลุ่มงานความมั่นคง", "ฝ่ายทะเบียนและบัตร", "ฝ่ายบริหารงานทั่วไป"]
    else:
        units = ["สำนักงานเลขานุการกรม", "กองแผนงาน", "กองคลัง", "ศูนย์เทคโนโลยีสารสนเทศ"]
    lis = "".join(f"<li>{u} (หัวหน้า{u.removeprefix('กลุ่มงาน')})</li>" for u in units)
    c.blocks.append(Block("key_positions_and_units", f"<h3>การแบ่งส่วนงานภายใน</h3><ul>{lis}</ul>"))
    law = {
        "local": "พระราชบัญญัติสภาตำบลและองค์การบริหารส่วนตำบล พ.ศ. 2537 มาตรา 67 และมาตรา 68",
        "province": "พระราชบัญญัติระเบียบบริหารราชการแผ่นดิน พ.ศ. 2534 มาตรา 52/1",
        "district": "พระราชบัญญัติระเบียบบริหารราชการแผ่นดิน พ.ศ. 2534 มาตรา 62",
        "department": "กฎกระทรวงแบ่งส่วนราชการ พ.ศ. 2563 ข้อ 2",
    }[a.agency_type]
    c.blocks.append(
        Block(
            "duties_summary",
            f"<h3>อำนาจหน้าที่</h3><p>{a.name}มีอำนาจหน้าที่ตาม{law} โดยสรุปดังนี้ "
            "(1) จัดทำและประสานแผนพัฒนาในพื้นที่ (2) ให้บริการประชาชนตามภารกิจที่ได้รับมอบหมาย "
            "(3) ส่งเสริมและสนับสนุนการมีส่วนร่วมของชุมชน</p>",
        )
    )
    return c


def executives(ctx: Ctx) -> Content:
    a = ctx.agency
    c = Content(title=ctx.rng.choice(("ข้อมูลผู้บริหาร", "ทำเนียบผู้บริหาร", "คณะผู้บริหาร")) + f" {a.short}")
    people = [(a.head, a.head_title), *[(p, a.deputy_title) for p in a.deputies]]
    if a.agency_type == "local":
        people.append((a.staff_head, f"ปลัด{a.short}"))
    cards = []
    for i, (nm, pos) in enumerate(people):
        photo = "" if "photo" in ctx.drop else f'<img src="/images/exec-{i + 1}.png" alt="{nm}">'
        mobile = f"08-{ctx.rng.randint(1000, 9999)}-{ctx.rng.randint(1000, 9999)}"
        tel = "" if "contact" in ctx.drop else f"<p>โทร. {mobile}</p>"
        cards.append(f'<div class="person">{photo}<p><b>{nm}</b></p><p>ตำแหน่ง {pos}</p>{tel}</div>')
    c.blocks.append(Block("", "\n".join(cards)))
    return c


def contact(ctx: Ctx) -> Content:
    a = ctx.agency
    c = Content(title=ctx.rng.choice(("ติดต่อเรา", "ข้อมูลการติดต่อ", "ช่องทางการติดต่อ")))
    c.blocks.append(
        Block(
            "address",
            f"<p>{a.name} เลขที่ 99 หมู่ที่ 4 ตำบล{a.place} อำเภอเมือง{a.province} จังหวัด{a.province} {a.postcode}</p>",
        )
    )
    c.blocks.append(Block("phone", f"<p>โทรศัพท์ {a.phone} โทรสาร {a.phone[:-1]}9</p>"))
    c.blocks.append(Block("email", f'<p>อีเมล <a href="mailto:saraban@{a.domain}">saraban@{a.domain}</a></p>'))
    c.blocks.append(Block("map", '<iframe src="https://www.google.com/maps/embed?pb=!1m18" title="แผนที่ตั้ง"></iframe>'))
    c.blocks.append(
        Block(
            "two_way_channel",
            '<h3>ถาม-ตอบ (Q&amp;A)</h3><form action="/qa/post" method="post"><label>ชื่อ</label>'
            '<input type="text" name="name"><label>คำถาม</label><textarea name="question"></textarea>'
            '<button type="submit">ส่งคำถาม</button></form>',
        )
    )
    return c


def news(ctx: Ctx) -> Content:
    a = ctx.agency
    c = Content(title=ctx.rng.choice(("ข่าวประชาสัมพันธ์", "ข่าวกิจกรรม", "ข่าวสารประชาสัมพันธ์")))
    topics = (
        "ประชุมประจำเดือนหัวหน้าส่วนราชการ",
        "โครงการหน่วยบริการเคลื่อนที่",
        "กิจกรรมจิตอาสาพัฒนาพื้นที่สาธารณะ",
        "รับสมัครผู้ช่วยเจ้าหน้าที่",
        "ประชาสัมพันธ์การชำระภาษีที่ดินและสิ่งปลูกสร้าง",
        "มอบถุงยังชีพแก่ผู้ประสบภัย",
    )
    dates = sorted((date_in(ctx) for _ in range(5)), reverse=True)
    lis = "".join(
        f'<li><a href="/news/{i + 1}.html">{ctx.rng.choice(topics)} {a.short}</a> '
        f'<span class="date">{fmt_date(dt, ctx.date_style)}</span></li>'
        for i, dt in enumerate(dates)
    )
    c.blocks.append(Block("news_items", f'<ul class="news">{lis}</ul>'))
    return c


def strategy(ctx: Ctx) -> Content:
    a = ctx.agency
    lo, hi = ctx.year - 3, ctx.year + 1  # a five-year plan around ``year``
    name = {
        "local": "แผนพัฒนาท้องถิ่น",
        "province": f"แผนพัฒนาจังหวัด{a.province}",
        "district": f"แผนพัฒนาอำเภอ{a.place}",
        "department": "แผนปฏิบัติราชการระยะ 5 ปี",
    }[a.agency_type]
    dash = ctx.rng.choice(("-", " – ", "-"))
    c = Content(title=f"{name} (พ.ศ. {lo}{dash}{hi})")
    c.blocks.append(Block("multi_year_span", f"<p>{name} ระยะ 5 ปี พ.ศ. {lo}{dash}{hi} ของ{a.name}</p>"))
    c.blocks.append(
        Block(
            "strategies",
            "<h3>ประเด็นยุทธศาสตร์</h3><ol><li>การพัฒนาโครงสร้างพื้นฐาน</li><li>การพัฒนาคุณภาพชีวิต</li>"
            "<li>การบริหารจัดการที่ดี</li></ol>",
        )
    )
    c.blocks.append(Block("targets", "<p>เป้าประสงค์: ประชาชนมีคุณภาพชีวิตที่ดีขึ้น ตัวชี้วัด: ร้อยละความพึงพอใจ 85</p>"))
    return c


def annual_plan(ctx: Ctx) -> Content:
    c = Content(title=_yearly("แผนปฏิบัติราชการ", ctx))
    rows = [
        [str(i + 1), p, baht(ctx.rng), q]
        for i, (p, q) in enumerate(
            [
                ("โครงการพัฒนาระบบบริการประชาชน", "ไตรมาส 1-2"),
                ("โครงการฝึกอบรมบุคลากร", "ไตรมาส 2"),
                ("โครงการจัดเก็บรายได้", "ตลอดปี"),
            ]
        )
    ]
    c.blocks.append(Block("", table(["ลำดับ", "โครงการ", "งบประมาณ (บาท)", "ระยะเวลา"], rows)))
    c.blocks.append(
        Block(
            "progress",
            "<h3>รายงานความก้าวหน้าการดำเนินงานและการใช้จ่ายงบประมาณ รอบ 6 เดือน</h3>"
            + table(["โครงการ", "ผลการเบิกจ่าย (บาท)"], [[p, baht(ctx.rng)] for _, p, _, _ in rows]),
        )
    )
    return c


def annual_report(ctx: Ctx) -> Content:
    c = Content(title=_yearly("รายงานผลการดำเนินงาน", ctx))
    c.blocks.append(
        Block(
            "",
            "<p>ผลการดำเนินงานตามแผน ดำเนินโครงการแล้วเสร็จ 18 จาก 20 โครงการ เบิกจ่ายงบประมาณร้อยละ 91.5</p>"
            "<p>ปัญหาและอุปสรรค: การเบิกจ่ายล่าช้าในไตรมาสแรก ข้อเสนอแนะ: เร่งรัดการจัดซื้อ</p>",
        )
    )
    return c


def staff_manual(ctx: Ctx) -> Content:
    task = ctx.rng.choice(("งานสารบรรณ", "การรับเรื่องร้องเรียน", "การจัดเก็บภาษีที่ดินและสิ่งปลูกสร้าง", "งานพัสดุ"))
    c = Content(title=f"คู่มือการปฏิบัติงาน {task}")
    c.blocks.append(Block("task", f"<p>คู่มือนี้ใช้สำหรับ{task}ของเจ้าหน้าที่</p>"))
    c.blocks.append(Block("responsible_position", "<p>ผู้รับผิดชอบ: เจ้าพนักงานธุรการ และหัวหน้าฝ่ายบริหารงานทั่วไป</p>"))
    c.blocks.append(
        Block(
            "procedure",
            "<h3>ขั้นตอนการปฏิบัติงาน</h3><ol><li>รับเอกสารและลงทะเบียนรับ</li><li>เสนอผู้บังคับบัญชาพิจารณา</li>"
            "<li>แจ้งผลและจัดเก็บเอกสาร (ระยะเวลา 3 วันทำการ)</li></ol>",
        )
    )
    return c


def service_manual(ctx: Ctx) -> Content:
    svc = ctx.rng.choice(("การขออนุญาตก่อสร้างอาคาร", "การขอรับเบี้ยยังชีพผู้สูงอายุ", "การขอข้อมูลข่าวสารของราชการ"))
    c = Content(title=f"คู่มือสำหรับประชาชน {svc}")
    c.blocks.append(
        Block(
            "service_steps",
            f"<h3>ขั้นตอนการให้บริการ</h3><ol><li>ยื่นคำขอ{svc}</li><li>เจ้าหน้าที่ตรวจสอบเอกสาร</li>"
            "<li>แจ้งผลการพิจารณา</li></ol>",
        )
    )
    c.blocks.append(Block("service_time", "<p>ระยะเวลาให้บริการ 15 วันทำการ ค่าธรรมเนียม: ไม่มีค่าใช้จ่าย</p>"))
    c.blocks.append(Block("required_documents", "<p>เอกสารประกอบ: สำเนาบัตรประจำตัวประชาชน สำเนาทะเบียนบ้าน</p>"))
    return c


def e_service(ctx: Ctx) -> Content:
    c = Content(title=ctx.rng.choice(("E-Service", "บริการออนไลน์ (E-Service)", "ระบบยื่นคำร้องออนไลน์")))
    c.blocks.append(
        Block(
            "online_service",
            "<p>ประชาชนสามารถยื่นคำร้องออนไลน์ได้ตลอด 24 ชั่วโมง</p>"
            '<form action="/eservice/submit" method="post"><label>ชื่อ-สกุล</label><input type="text" name="fullname">'
            '<label>เรื่องที่ขอรับบริการ</label><select name="svc"><option>ขอรับน้ำอุปโภค</option></select>'
            '<label>รายละเอียด</label><textarea name="detail"></textarea><button type="submit">ส่งคำร้อง</button></form>',
        )
    )
    return c


def proc_month(ctx: Ctx, y: int, m: int) -> Content:
    label = f"{MONTHS_FULL[m - 1]} พ.ศ. {y + 543}"
    c = Content(title=f"แบบ สขร.1 สรุปผลการดำเนินการจัดซื้อจัดจ้างในรอบเดือน {label}")
    head = [
        "ลำดับ",
        "งานที่จัดซื้อหรือจัดจ้าง",
        "วงเงินที่จัดซื้อหรือจัดจ้าง (ราคากลาง)",
        "วิธีซื้อหรือจ้าง",
        "รายชื่อผู้เสนอราคาและราคาที่เสนอ",
        "ผู้ได้รับการคัดเลือกและราคาที่ตกลงซื้อหรือจ้าง",
        "เหตุผลที่คัดเลือกโดยสรุป",
        "เลขที่และวันที่ของสัญญาหรือข้อตกลงในการซื้อหรือจ้าง",
    ]
    rows = []
    for i in range(ctx.rng.randint(1, 3)):
        amt = baht(ctx.rng)
        shop = ctx.rng.choice(("ร้านรุ่งเรืองพาณิชย์", "หจก.ศรีสุขก่อสร้าง", "บริษัท ไทยออฟฟิศ จำกัด"))
        thing = ctx.rng.choice(("จัดซื้อวัสดุสำนักงาน", "จ้างซ่อมแซมถนนลูกรัง", "จัดซื้อน้ำมันเชื้อเพลิง"))
        rows.append(
            [
                str(i + 1),
                thing,
                amt,
                "เฉพาะเจาะจง",
                f"{shop} {amt}",
                f"{shop} {amt}",
                "ราคาต่ำสุดและคุณสมบัติครบถ้วน",
                f"ใบสั่งซื้อเลขที่ {i + 10}/{y + 543} ลงวันที่ {ctx.rng.randint(1, 28)} {MONTHS_ABBR[m - 1]} {y + 543}",
            ]
        )
    c.blocks.append(Block("", f"<p>{label}</p>" + table(head, rows)))
    c.tables.append([[label], head, *rows])
    return c


def proc_monthly(ctx: Ctx) -> Content:
    c = Content(title=f"สรุปผลการจัดซื้อจัดจ้างรายเดือน {fy_label(ctx)}")
    c.blocks.append(Block("", "<p>แบบสรุปผลการดำเนินการจัดซื้อจัดจ้างในรอบเดือน (แบบ สขร.1) แยกรายเดือน</p>"))
    return c


def proc_annual(ctx: Ctx) -> Content:
    c = Content(title=f"รายงานสรุปผลการจัดซื้อจัดจ้าง {fy_label(ctx)}")
    rows = [
        ["วิธีเฉพาะเจาะจง", str(ctx.rng.randint(40, 160)), baht(ctx.rng)],
        ["วิธีประกาศเชิญชวนทั่วไป (e-bidding)", str(ctx.rng.randint(2, 12)), baht(ctx.rng)],
        ["วิธีคัดเลือก", str(ctx.rng.randint(0, 4)), baht(ctx.rng)],
    ]
    c.blocks.append(Block("totals", table(["วิธีการจัดซื้อจัดจ้าง", "จำนวนโครงการ", "วงเงินรวม (บาท)"], rows)))
    c.blocks.append(Block("analysis", "<p>ปัญหาและอุปสรรค: ผู้ค้าในพื้นที่มีน้อย แนวทางแก้ไข: เผยแพร่ประกาศให้กว้างขึ้น</p>"))
    c.tables.append([["วิธีการจัดซื้อจัดจ้าง", "จำนวนโครงการ", "วงเงินรวม (บาท)"], *rows])
    return c


def proc_progress(ctx: Ctx) -> Content:
    c = Content(title=f"รายการการจัดซื้อจัดจ้างและความก้าวหน้า {fy_label(ctx)}")
    rows = [
        ["1", "โครงการก่อสร้างถนนคอนกรีตเสริมเหล็ก", baht(ctx.rng), "ลงนามสัญญาแล้ว อยู่ระหว่างก่อสร้าง"],
        ["2", "จัดซื้อครุภัณฑ์คอมพิวเตอร์", baht(ctx.rng), "ส่งมอบแล้วเสร็จ"],
        ["3", "จ้างเหมาบริการทำความสะอาด", baht(ctx.rng), "อยู่ระหว่างดำเนินการ"],
    ]
    c.blocks.append(Block("project_list", table(["ลำดับ", "โครงการ", "วงเงิน (บาท)", "สถานะ"], rows)))
    c.blocks.append(Block("", f"<p>ข้อมูล ณ วันที่ {d(ctx)}</p>"))
    c.tables.append([["ลำดับ", "โครงการ", "วงเงิน (บาท)", "สถานะ"], *rows])
    return c


def service_stats(ctx: Ctx) -> Content:
    c = Content(title=f"สถิติการให้บริการ {fy_label(ctx)}")
    ce = ctx.year - 543
    rows = [
        [f"ไตรมาสที่ 1 (ต.ค. {ctx.year - 1} - ธ.ค. {ctx.year - 1})", str(ctx.rng.randint(80, 400))],
        [f"ไตรมาสที่ 2 (ม.ค. {ctx.year} - มี.ค. {ctx.year})", str(ctx.rng.randint(80, 400))],
    ]
    del ce
    c.blocks.append(Block("counts", table(["ช่วงเวลา", "จำนวนผู้รับบริการ (ราย)"], rows)))
    c.tables.append([["ช่วงเวลา", "จำนวนผู้รับบริการ (ราย)"], *rows])
    return c


def hr_plan(ctx: Ctx) -> Content:
    c = Content(title=f"หลักเกณฑ์และแผนการบริหารและพัฒนาทรัพยากรบุคคล {fy_label(ctx)}")
    c.blocks.append(Block("hr_policy_text", "<p>นโยบายการบริหารทรัพยากรบุคคล: บริหารอัตรากำลังให้เหมาะสมกับภารกิจ</p>"))
    c.blocks.append(
        Block("recruitment", "<h3>การสรรหาและบรรจุแต่งตั้ง</h3><p>สรรหาโดยการสอบแข่งขันและการคัดเลือกอย่างเปิดเผย</p>")
    )
    c.blocks.append(Block("development", "<h3>การพัฒนาบุคลากร</h3><p>ฝึกอบรมหลักสูตรเฉพาะตำแหน่งอย่างน้อยคนละ 1 หลักสูตร</p>"))
    c.blocks.append(Block("appraisal", "<h3>การประเมินผลการปฏิบัติงาน</h3><p>ประเมินผลการปฏิบัติงานปีละ 2 รอบ</p>"))
    c.blocks.append(Block("morale", "<h3>การสร้างขวัญกำลังใจ</h3><p>ยกย่องเชิดชูบุคลากรดีเด่นประจำปี</p>"))
    return c


def hr_report(ctx: Ctx) -> Content:
    c = Content(title=f"รายงานผลการบริหารและพัฒนาทรัพยากรบุคคล {fy_label(ctx)}")
    c.blocks.append(
        Block(
            "hr_results",
            f"<p>ผลการดำเนินงาน: ฝึกอบรม {ctx.rng.randint(4, 12)} หลักสูตร จำนวนผู้เข้าร่วม {ctx.rng.randint(30, 140)} คน</p>",
        )
    )
    c.blocks.append(Block("problems", "<p>ปัญหาและอุปสรรค: งบประมาณจำกัด ข้อเสนอแนะ: ใช้การอบรมออนไลน์</p>"))
    return c


def ethics(ctx: Ctx) -> Content:
    a = ctx.agency
    c = Content(title="ประมวลจริยธรรมและการขับเคลื่อนจริยธรรม")
    code = "ประมวลจริยธรรมข้าราชการพลเรือน" if a.agency_type != "local" else "ประมวลจริยธรรมพนักงานส่วนท้องถิ่น"
    c.blocks.append(Block("code", f"<h3>{code}</h3><p>ยึดมั่นในสถาบันหลักของประเทศ ซื่อสัตย์สุจริต</p>"))
    c.blocks.append(
        Block(
            "working_group",
            f"<p>คำสั่ง{a.name} ที่ 45/{ctx.year} เรื่อง แต่งตั้งคณะทำงานขับเคลื่อนจริยธรรม {fy_label(ctx)}</p>",
        )
    )
    c.blocks.append(Block("dos_donts", "<p>แนวทางปฏิบัติ Do's &amp; Don'ts ว่าด้วยพฤติกรรมสีเทา (สิ่งที่ควรทำและไม่ควรทำ)</p>"))
    c.blocks.append(Block("training", f"<p>อบรมหลักสูตรส่งเสริมจริยธรรมสำหรับบุคลากร เมื่อ {d(ctx)}</p>"))
    return c


def complaint_guideline(ctx: Ctx) -> Content:
    c = Content(title="แนวปฏิบัติการจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ")
    c.blocks.append(Block("how_to_complain", "<p>ผู้ร้องเรียนยื่นเรื่องร้องเรียนได้ด้วยตนเอง ทางไปรษณีย์ หรือทางเว็บไซต์</p>"))
    c.blocks.append(
        Block(
            "handling_steps",
            "<h3>ขั้นตอนการจัดการเรื่องร้องเรียน</h3><ol><li>ลงทะเบียนรับเรื่อง</li><li>ตรวจสอบข้อเท็จจริง</li>"
            "<li>รายงานผลต่อผู้บริหารและแจ้งผู้ร้อง</li></ol>",
        )
    )
    c.blocks.append(Block("time_frame", "<p>แจ้งผลให้ผู้ร้องทราบภายใน 15 วันทำการ</p>"))
    c.blocks.append(Block("responsible_unit", "<p>หน่วยงานที่รับผิดชอบ: ศูนย์รับเรื่องร้องเรียน</p>"))
    return c


def complaint_channel(ctx: Ctx) -> Content:
    c = Content(title="ช่องทางแจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ")
    c.blocks.append(
        Block(
            "complaint_entry",
            '<form action="/complaint/submit" method="post"><label>เรื่องที่ร้องเรียน</label>'
            '<input type="text" name="subject"><label>รายละเอียด</label><textarea name="detail"></textarea>'
            '<button type="submit">แจ้งเรื่องร้องเรียน</button></form>'
            '<p>หรือแจ้งเบาะแสที่ <a href="https://wbs.nacc.go.th/">ระบบแจ้งเบาะแส ป.ป.ช.</a> สายด่วน 1206</p>',
        )
    )
    return c


def complaint_stats(ctx: Ctx) -> Content:
    c = Content(title=f"ข้อมูลสถิติเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ {fy_label(ctx)}")
    none = ctx.rng.random() < 0.5
    rows = [[f"ไตรมาสที่ {q}", "0" if none else str(ctx.rng.randint(0, 2)), "0", "0"] for q in range(1, 5)]
    head = ["ช่วงเวลา", "จำนวนเรื่องร้องเรียน", "ดำเนินการแล้วเสร็จ", "อยู่ระหว่างดำเนินการ"]
    note = "<p>ไม่มีเรื่องร้องเรียนการทุจริตในปีนี้</p>" if none else ""
    c.blocks.append(Block("total", table(head, rows) + note))
    c.tables.append([head, *rows])
    return c


def participation(ctx: Ctx) -> Content:
    a = ctx.agency
    c = Content(title=f"ผลการเปิดโอกาสให้มีส่วนร่วมในการดำเนินงาน {fy_label(ctx)}")
    c.blocks.append(
        Block(
            "activity",
            f"<p>{a.name}จัดเวทีประชาคมรับฟังความคิดเห็นของประชาชนและผู้มีส่วนได้ส่วนเสีย เมื่อ {d(ctx)} "
            f"ผู้เข้าร่วม {ctx.rng.randint(40, 200)} คน</p>",
        )
    )
    c.blocks.append(Block("evidence", "<p>สรุปผลและภาพกิจกรรมแนบท้าย</p>"))
    return c


def _declaration(ctx: Ctx, *, report: bool) -> Content:
    a = ctx.agency
    c = Content(title=f"ประกาศเจตนารมณ์นโยบายไม่รับของขวัญ (No Gift Policy) {fy_label(ctx)}")
    c.blocks.append(
        Block(
            "declaration",
            f"<p>ประกาศ{a.name} เรื่อง นโยบายไม่รับของขวัญและของกำนัลทุกชนิดจากการปฏิบัติหน้าที่ (No Gift Policy) "
            f"{fy_label(ctx)} ผู้บริหารและเจ้าหน้าที่ทุกคนจะไม่รับของขวัญหรือประโยชน์อื่นใด</p>",
        )
    )
    first_oct = date(ctx.year - 544, 10, ctx.rng.randint(1, 15))
    c.blocks.append(
        Block(
            "signed_by_head",
            f"<p>ประกาศ ณ วันที่ {fmt_date(first_oct, ctx.date_style)}</p>"
            f'<p class="sign">(ลงชื่อ) ..........................<br>({a.head})<br>{a.head_title}</p>',
        )
    )
    if report:
        c.blocks.append(
            Block(
                "gift_report",
                f"<h3>รายงานการรับของขวัญและของกำนัล {fy_label(ctx, ctx.year - 1)}</h3>"
                "<p>ไม่มีการรับของขวัญหรือทรัพย์สินหรือประโยชน์อื่นใดจากการปฏิบัติหน้าที่</p>",
            )
        )
    return c


def no_gift(ctx: Ctx) -> Content:
    return _declaration(ctx, report=True)


def no_gift_culture(ctx: Ctx) -> Content:
    c = _declaration(ctx, report=False)
    c.blocks.append(Block("culture_activity", f"<p>กิจกรรมประกาศเจตนารมณ์และมอบนโยบาย No Gift เมื่อ {d(ctx)}</p>"))
    return c


def gift_report(ctx: Ctx) -> Content:
    c = Content(title=f"รายงานการรับทรัพย์สินหรือประโยชน์อื่นใดโดยธรรมจรรยา {fy_label(ctx)}")
    c.blocks.append(Block("gift_report", "<p>ไม่มีการรับทรัพย์สินหรือประโยชน์อื่นใด (รายงาน ณ สิ้นปีงบประมาณ)</p>"))
    return c


def risk_assessment(ctx: Ctx) -> Content:
    c = Content(title=f"การประเมินความเสี่ยงการทุจริต {fy_label(ctx)}")
    rows = [
        ["การใช้ดุลยพินิจในการอนุมัติอนุญาต", "3", "4", "สูง"],
        ["การเบิกจ่ายงบประมาณ", "2", "3", "ปานกลาง"],
    ]
    c.blocks.append(Block("risks", table(["เหตุการณ์ความเสี่ยง", "โอกาส", "ผลกระทบ", "ระดับความเสี่ยง"], rows)))
    c.blocks.append(Block("measures", "<p>มาตรการควบคุม: กำหนดขั้นตอนการตรวจสอบสองชั้นและเผยแพร่ผลการอนุมัติ</p>"))
    return c


def bribery_risk(ctx: Ctx) -> Content:
    c = Content(title=f"การประเมินความเสี่ยงการให้หรือรับสินบน {fy_label(ctx)}")
    c.blocks.append(Block("missions", "<p>กระบวนงานที่ประเมิน: การอนุมัติอนุญาตก่อสร้างอาคาร</p>"))
    c.blocks.append(Block("risks", "<p>ความเสี่ยงการรับสินบนเพื่อเร่งรัดการอนุญาต ระดับความเสี่ยง: สูง</p>"))
    c.blocks.append(Block("measures", "<p>มาตรการ: ติดตามผ่านระบบคิวออนไลน์และเปิดเผยผลการพิจารณา</p>"))
    return c


def risk_treatment(ctx: Ctx) -> Content:
    c = Content(title=f"รายงานผลการดำเนินการตามแผนบริหารจัดการความเสี่ยงการทุจริต {fy_label(ctx)}")
    rows = [
        ["การใช้ดุลยพินิจในการอนุมัติอนุญาต", "ตรวจสอบสองชั้นทุกคำขอ", f"ดำเนินการแล้วเสร็จ {ctx.rng.randint(40, 120)} คำขอ"],
        ["การเบิกจ่ายงบประมาณ", "สุ่มตรวจเอกสารเบิกจ่ายรายไตรมาส", "ไม่พบเหตุการณ์ความเสี่ยงเกิดขึ้น"],
    ]
    head = ["ความเสี่ยง", "มาตรการที่ดำเนินการ", "ผลการดำเนินงาน"]
    c.blocks.append(Block("treatment_actions", table(head, rows)))
    c.tables.append([head, *rows])
    return c


def ac_plan(ctx: Ctx) -> Content:
    c = Content(title=f"แผนปฏิบัติการป้องกันการทุจริต {fy_label(ctx)}")
    nob = "budget" in ctx.drop
    nod = "duration" in ctx.drop
    head = ["ลำดับ", "โครงการ/กิจกรรม"] + ([] if nob else ["งบประมาณ (บาท)"]) + ([] if nod else ["ระยะเวลาดำเนินการ"])
    rows = []
    for i, p in enumerate(("โครงการเสริมสร้างคุณธรรมจริยธรรม", "กิจกรรมเผยแพร่ข้อมูลสาธารณะ", "โครงการอบรมกฎหมาย ป.ป.ช.")):
        row = [str(i + 1), p]
        if not nob:
            row.append(ctx.rng.choice((baht(ctx.rng), "ไม่ใช้งบประมาณ")))
        if not nod:
            row.append(ctx.rng.choice(("ไตรมาส 1", "ไตรมาส 2", "ต.ค. - ธ.ค.", "ม.ค. - มี.ค.")))
        rows.append(row)
    c.blocks.append(Block("projects", table(head, rows)))
    c.tables.append([head, *rows])
    return c


def ac_report(ctx: Ctx) -> Content:
    c = Content(title=f"รายงานผลการดำเนินการป้องกันการทุจริต {fy_label(ctx)}")
    c.blocks.append(
        Block(
            "results",
            "<p>ผลการดำเนินการตามแผน: ดำเนินโครงการ/กิจกรรมแล้วเสร็จ 3 โครงการ ผู้เข้าร่วม 120 คน</p>",
        )
    )
    c.blocks.append(Block("problems", "<p>ปัญหาอุปสรรค: ไม่มี</p>"))
    return c


def ita_use(ctx: Ctx) -> Content:
    c = Content(title=f"การนำผลการประเมิน ITA ไปสู่การพัฒนาองค์กร {fy_label(ctx)}")
    c.blocks.append(
        Block(
            "analysis",
            f"<p>ผลการประเมิน ITA ปี {ctx.year - 1} ได้คะแนน {ctx.rng.randint(70, 96)}.{ctx.rng.randint(0, 99):02d} "
            "จุดแข็ง: การเปิดเผยข้อมูล ประเด็นที่ต้องพัฒนา: การป้องกันการทุจริต</p>",
        )
    )
    c.blocks.append(Block("improvements", "<p>มาตรการพัฒนา ผู้รับผิดชอบ: สำนักงาน ระยะเวลา: ไตรมาส 2</p>"))
    return c


def integrity_report(ctx: Ctx) -> Content:
    c = Content(title=f"รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน {fy_label(ctx)}")
    rows = [
        ["การเปิดเผยข้อมูลสาธารณะ", "ปรับปรุงหน้าเว็บไซต์ ITA ทุกเดือน", "เผยแพร่ข้อมูลครบ 26 ข้อ"],
        ["การป้องกันผลประโยชน์ทับซ้อน", "อบรมเจ้าหน้าที่", f"ผู้เข้าร่วม {ctx.rng.randint(20, 90)} คน"],
    ]
    head = ["มาตรการ", "การดำเนินการ", "ผลการดำเนินงาน"]
    c.blocks.append(Block("actions", table(head, rows)))
    c.tables.append([head, *rows])
    return c


BUILDERS: dict[str, Callable[[Ctx], Content]] = {
    "structure": structure,
    "executives": executives,
    "contact": contact,
    "news": news,
    "strategy": strategy,
    "annual_plan": annual_plan,
    "annual_report": annual_report,
    "staff_manual": staff_manual,
    "service_manual": service_manual,
    "e_service": e_service,
    "proc_monthly": proc_monthly,
    "proc_annual": proc_annual,
    "proc_progress": proc_progress,
    "service_stats": service_stats,
    "hr_plan": hr_plan,
    "hr_report": hr_report,
    "ethics": ethics,
    "complaint_guideline": complaint_guideline,
    "complaint_channel": complaint_channel,
    "complaint_stats": complaint_stats,
    "participation": participation,
    "no_gift": no_gift,
    "no_gift_culture": no_gift_culture,
    "gift_report": gift_report,
    "risk_assessment": risk_assessment,
    "bribery_risk": bribery_risk,
    "risk_treatment": risk_treatment,
    "ac_plan": ac_plan,
    "ac_report": ac_report,
    "ita_use": ita_use,
    "integrity_report": integrity_report,
}
