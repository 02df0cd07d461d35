"""Publishing shapes of real ITA pages: which agencies use an ITA index page, which items get which shape, labels."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from benchmarks.world.catalog import ItemSpec
from benchmarks.world.docs import load_manifest, template_key

# Shapes whose label does not depend on the item's content (a careful reviewer's verdict on the submitted URL).
FIXED_LABELS: dict[str, str] = {
    "title_only": "fail",  # heading (and maybe the requirement's wording) with no document
    "placeholder": "fail",  # "อยู่ระหว่างดำเนินการ" and nothing else
    "news_headline": "fail",  # a news list whose headline names the topic is not the document
    "home_other": "fail",  # home page submitted, the item is not on it
    "absent": "fail",
    "wrong_page": "fail",
    "dead_link": "unreachable",  # the section's only document answers 404
    "drive_link": "unreachable",  # Google Drive cannot be fetched without internet
    "soft404_page": "unreachable",  # 200 with a "page not found" page
    "soft404_home": "unreachable",  # redirected to the home page: the page is gone
    "dead_url": "unreachable",  # 404 / 500 / login wall / timeout
    "year_tab_old": "stale",  # anchor into the previous year's tab
    "stale_under_heading": "stale",  # an old document under the current year's heading
    "home_contact": "pass",  # home page whose footer has address, phone, e-mail and a Q&A channel
}
# Shapes whose label is what the linked content deserves.
CONTENT_SHAPES = (
    "item_page",
    "item_document",
    "index_anchor",
    "index_whole",
    "index_document",
    "year_tab_current",
    "viewer_pdfjs",
    "embed_iframe",
    "embed_object",
    "scanned_thai",
)
SHAPES = (*CONTENT_SHAPES, *FIXED_LABELS)

MARKUPS = ("tabs", "accordion", "details", "table", "headings", "year_tabs")
# Special shapes dealt to ITA-index agencies (a deck, reshuffled when used up) and to per-item-page agencies.
INDEX_DECK = (
    "title_only",
    "dead_link",
    "placeholder",
    "stale_under_heading",
    "viewer_pdfjs",
    "embed_iframe",
    "embed_object",
    "scanned_thai",
    "drive_link",
    "soft404_page",
    "soft404_home",
    "home_contact",
    "news_headline",
)
ITEM_DECK = ("soft404_page", "soft404_home", "placeholder", "news_headline", "drive_link", "home_contact")
INDEX_EXTRAS_PER_AGENCY = 5
ITEM_EXTRAS_PER_AGENCY = 1
YEAR_TAB_OLD_PER_AGENCY = 2
INDEX_DEFECT_SCALE = 0.6  # index agencies: ordinary defects less often (the special shapes add their own)
VIEWERS = ("viewer_pdfjs", "embed_iframe", "embed_object")
# Assignment order: the most constrained shapes pick their item first.
ASSIGN_ORDER = (
    "scanned_thai",
    *VIEWERS,
    "home_contact",
    "news_headline",
    "year_tab_old",
    "stale_under_heading",
    "drive_link",
    "soft404_home",
    "title_only",
    "dead_link",
    "placeholder",
    "soft404_page",
)


@dataclass
class AgencyShapes:
    """How one agency publishes: per-item pages or one ITA index page (markup), and its special shapes."""

    index: bool = False
    markup: str = ""
    extras: list[str] = field(default_factory=list)


def _deal(rng: random.Random, deck: tuple[str, ...], stream: list[str], k: int) -> list[str]:
    """The next ``k`` cards of an endless stream of shuffled copies of ``deck``."""
    while len(stream) < k:
        batch = list(deck)
        rng.shuffle(batch)
        stream.extend(batch)
    dealt, stream[:] = stream[:k], stream[k:]
    return dealt


def world_shapes(seed: int, can_index: list[bool]) -> list[AgencyShapes]:
    """Shapes per agency (prefix-stable: agency i gets the same shapes in any world of more than i agencies).

    Every second agency that can have an index page has one (bags of two, shuffled); markups and special
    shapes are dealt from shuffled decks so that each appears about equally often in every world. The
    first markup dealt is ``year_tabs`` so that small worlds have it too.
    """
    rng = random.Random(f"world-{seed}-shapes")
    styles: list[bool] = []
    markups: list[str] = ["year_tabs"]
    rest = [m for m in MARKUPS if m != "year_tabs"]
    rng.shuffle(rest)
    markups += rest
    index_stream: list[str] = []
    item_stream: list[str] = []
    out: list[AgencyShapes] = []
    for ok in can_index:
        if not ok:
            out.append(AgencyShapes(extras=_deal(rng, ITEM_DECK, item_stream, ITEM_EXTRAS_PER_AGENCY)))
            continue
        if not styles:
            styles = [True, False]
            rng.shuffle(styles)
        if styles.pop():
            markup = _deal(rng, MARKUPS, markups, 1)[0]
            out.append(AgencyShapes(True, markup, _deal(rng, INDEX_DECK, index_stream, INDEX_EXTRAS_PER_AGENCY)))
        else:
            out.append(AgencyShapes(extras=_deal(rng, ITEM_DECK, item_stream, ITEM_EXTRAS_PER_AGENCY)))
    return out


def has_template(spec: ItemSpec, year: int) -> bool:
    """A committed PDF exists for the item's concept in ``year`` (the complaint guideline has no year)."""
    y = 0 if spec.concept == "complaint_guideline" else year
    return template_key(spec.concept, y, ()) in load_manifest()


def eligible(shape: str, spec: ItemSpec, fy: int, *, scanned: bool) -> bool:
    """Whether ``shape`` can be planted on ``spec`` in a FY ``fy`` world."""
    year = spec.year_shown(fy, stale=False)
    if shape == "scanned_thai":  # odd-year templates are written in Thai digits
        return scanned and spec.concept != "complaint_guideline" and year % 2 == 1 and has_template(spec, year)
    if shape in VIEWERS:
        return has_template(spec, year)
    if shape == "home_contact":
        return spec.concept == "contact"
    if shape == "news_headline":
        return spec.concept in NEWS_HEADLINES
    if shape == "year_tab_old":
        return spec.period in ("current", "previous", "first_half")
    if shape == "stale_under_heading":
        return spec.can_be_stale
    if shape == "drive_link":
        return not spec.html_only
    if shape == "soft404_home":
        return spec.concept not in ("contact", "news")
    return not spec.placeholder


def assign(shapes: list[str], specs: list[ItemSpec], fy: int, rng: random.Random, *, scanned: bool) -> dict[str, str]:
    """Item code → special shape: each shape on a distinct eligible item (a shape with none left is dropped)."""
    taken: dict[str, str] = {}
    for shape in sorted(shapes, key=ASSIGN_ORDER.index):
        free = [s for s in specs if s.code not in taken and eligible(shape, s, fy, scanned=scanned)]
        if free:
            taken[rng.choice(free).code] = shape
    return taken


def shape_label(shape: str, content_label: str) -> str:
    """The label of an item planted with ``shape`` whose content alone would be labelled ``content_label``."""
    if content_label == "needs_review" and FIXED_LABELS.get(shape) != "unreachable":
        return content_label  # placeholder catalog items are never failed
    return FIXED_LABELS.get(shape, content_label)


# --- wording -----------------------------------------------------------------------------------------

# What the item asks for, as index pages often print it under the item's heading ({fy}, {fy1} = FY, FY-1).
REQUIREMENTS: dict[str, str] = {
    "structure": "แสดงแผนผังโครงสร้างการแบ่งส่วนราชการ ตำแหน่งที่สำคัญ และอำนาจหน้าที่ของหน่วยงาน",
    "executives": "แสดงรายนามผู้บริหารสูงสุดและรองผู้บริหาร พร้อมตำแหน่ง รูปถ่าย และช่องทางการติดต่อ",
    "contact": "แสดงที่อยู่ หมายเลขโทรศัพท์ ไปรษณีย์อิเล็กทรอนิกส์ แผนที่ตั้ง และช่องทางการสอบถาม",
    "news": "แสดงข่าวประชาสัมพันธ์ที่เกี่ยวข้องกับการดำเนินงานของหน่วยงานในปี พ.ศ. {fy}",
    "strategy": "แสดงแผนยุทธศาสตร์หรือแผนพัฒนาหน่วยงานระยะมากกว่า 1 ปี ที่มีผลบังคับใช้ครอบคลุมปี พ.ศ. {fy}",
    "annual_plan": "เผยแพร่แผนปฏิบัติราชการ ประจำปี พ.ศ. {fy} และความก้าวหน้าการใช้งบประมาณรอบ 6 เดือน",
    "annual_report": "เผยแพร่รายงานผลการดำเนินงานประจำปี พ.ศ. {fy1}",
    "staff_manual": "เผยแพร่คู่มือหรือแนวทางการปฏิบัติงานของเจ้าหน้าที่ตามภารกิจของหน่วยงาน",
    "service_manual": "เผยแพร่คู่มือการขอรับบริการ แสดงขั้นตอน ระยะเวลา และเอกสารหลักฐานที่ใช้",
    "e_service": "แสดงช่องทางการให้บริการผ่านระบบออนไลน์ที่ผู้รับบริการใช้งานได้จริง",
    "proc_monthly": "เผยแพร่สรุปผลการจัดซื้อจัดจ้างรายเดือน ตั้งแต่เดือนตุลาคม พ.ศ. {fy1} ถึงเดือนมีนาคม พ.ศ. {fy}",
    "proc_annual": "เผยแพร่รายงานสรุปผลการจัดซื้อจัดจ้างของปี พ.ศ. {fy1} จำแนกตามวิธีการจัดซื้อจัดจ้าง",
    "proc_progress": "เผยแพร่รายการจัดซื้อจัดจ้างและความก้าวหน้าของแต่ละโครงการ ปี พ.ศ. {fy}",
    "service_stats": "แสดงข้อมูลสถิติการให้บริการของปี พ.ศ. {fy1}",
    "hr_plan": "เผยแพร่แผนการบริหารและพัฒนาทรัพยากรบุคคล ครอบคลุมการสรรหา การพัฒนา การประเมินผล "
    "และการสร้างขวัญกำลังใจ ปี พ.ศ. {fy}",
    "hr_report": "เผยแพร่รายงานผลการบริหารและพัฒนาทรัพยากรบุคคลของปี พ.ศ. {fy1}",
    "ethics": "เผยแพร่ประมวลจริยธรรม คำสั่งคณะทำงาน และกิจกรรมขับเคลื่อนจริยธรรม ปี พ.ศ. {fy}",
    "complaint_guideline": "เผยแพร่แนวปฏิบัติการจัดการเรื่องร้องเรียน แสดงช่องทาง ขั้นตอน และระยะเวลาดำเนินการ",
    "complaint_channel": "แสดงช่องทางการแจ้งเรื่องร้องเรียนการทุจริตที่ผู้ร้องเรียนใช้งานได้",
    "complaint_stats": "แสดงสถิติเรื่องร้องเรียนการทุจริตของปี พ.ศ. {fy1} หากไม่มีให้ระบุว่าไม่มี",
    "participation": "แสดงผลการเปิดโอกาสให้ผู้มีส่วนได้ส่วนเสียมีส่วนร่วมในการดำเนินงาน ปี พ.ศ. {fy}",
    "no_gift": "เผยแพร่ประกาศนโยบายไม่รับของขวัญ (No Gift Policy) ลงนามโดยผู้บริหารสูงสุด และรายงานการรับของขวัญ",
    "no_gift_culture": "เผยแพร่ประกาศเจตนารมณ์ No Gift Policy ลงนามโดยผู้บริหารสูงสุด และกิจกรรมสร้างวัฒนธรรม",
    "gift_report": "เผยแพร่รายงานการรับทรัพย์สินหรือประโยชน์อื่นใดโดยธรรมจรรยาของปี พ.ศ. {fy1}",
    "risk_assessment": "เผยแพร่ผลการประเมินความเสี่ยงการทุจริตและมาตรการจัดการความเสี่ยง ปี พ.ศ. {fy}",
    "bribery_risk": "เผยแพร่ผลการประเมินความเสี่ยงการให้หรือรับสินบนตามภารกิจ พร้อมมาตรการ ปี พ.ศ. {fy}",
    "risk_treatment": "เผยแพร่รายงานผลการดำเนินการตามแผนบริหารจัดการความเสี่ยงการทุจริตของปี พ.ศ. {fy1}",
    "ac_plan": "เผยแพร่แผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. {fy} ที่มีโครงการ งบประมาณ และระยะเวลาดำเนินการ",
    "ac_report": "เผยแพร่รายงานผลการดำเนินการป้องกันการทุจริตของปี พ.ศ. {fy1}",
    "ita_use": "แสดงการวิเคราะห์ผลการประเมิน ITA ปีที่ผ่านมา และมาตรการนำผลไปพัฒนาองค์กร",
    "integrity_report": "เผยแพร่รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใสของปี พ.ศ. {fy1}",
}

# News headlines that name an item's topic ({label} = the fiscal-year label). Only items whose evidence is a
# document (a plan, an assessment, an analysis): a news story about a hearing or an ethics activity could itself
# be evidence of the participation, ethics or No Gift culture items, so those get no headline.
NEWS_HEADLINES: dict[str, str] = {
    "ac_plan": "ประชุมคณะทำงานจัดทำแผนปฏิบัติการป้องกันการทุจริต {label}",
    "annual_plan": "ประชุมทบทวนแผนปฏิบัติราชการ {label}",
    "risk_assessment": "อบรมเชิงปฏิบัติการการประเมินความเสี่ยงการทุจริต {label}",
    "bribery_risk": "ประชุมระดมความคิดเห็นการประเมินความเสี่ยงการให้หรือรับสินบน {label}",
    "no_gift": "ผู้บริหารมอบนโยบาย No Gift Policy แก่บุคลากร {label}",
    "hr_plan": "ประชุมจัดทำแผนการบริหารและพัฒนาทรัพยากรบุคคล {label}",
    "ita_use": "ประชุมชี้แจงผลการประเมิน ITA และแนวทางการพัฒนาองค์กร {label}",
}
PLACEHOLDER_TEXTS = (
    "อยู่ระหว่างดำเนินการ",
    "อยู่ระหว่างปรับปรุงข้อมูล",
    "Coming soon",
    "อยู่ระหว่างรวบรวมข้อมูล จะเผยแพร่เร็ว ๆ นี้",
)


def requirement(spec: ItemSpec, fy: int) -> str:
    return REQUIREMENTS.get(spec.concept, "เผยแพร่ข้อมูล" + spec.title).format(fy=fy, fy1=fy - 1)
