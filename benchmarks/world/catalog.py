"""Which content concept each OIT item of a year uses, its period, and which defects can be planted on it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ItemSpec:
    """One OIT item as the world generator sees it."""

    code: str
    title: str
    concept: str
    period: str  # none | current | previous | multi | first_half
    placeholder: bool = False
    drops: tuple[tuple[str, ...], ...] = ()  # element sets whose removal makes the item incomplete
    html_only: bool = False  # needs a form, images or a dated list on the page itself
    drop_by_type: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def year_shown(self, fy: int, *, stale: bool) -> int:
        base = fy - 1 if self.period == "previous" else fy
        if not stale:
            return base
        return base - (5 if self.period == "multi" else 1)

    @property
    def can_be_stale(self) -> bool:
        return self.period != "none"


def _i(code: str, title: str, concept: str, period: str, **kw: object) -> ItemSpec:
    return ItemSpec(code, title, concept, period, **kw)  # type: ignore[arg-type]


ITEMS: dict[int, list[ItemSpec]] = {
    2569: [
        _i(
            "O1",
            "โครงสร้าง หน้าที่และอำนาจ",
            "structure",
            "none",
            drops=(("duties_summary",),),
            html_only=True,
            drop_by_type={"local": ("political_and_permanent_sides",), "province": ("province_structure",)},
        ),
        _i("O2", "ข้อมูลผู้บริหาร", "executives", "none", html_only=True),
        _i(
            "O3",
            "ข้อมูลการติดต่อและช่องทางการสอบถาม",
            "contact",
            "none",
            drops=(("email",), ("two_way_channel",)),
            html_only=True,
        ),
        _i("O4", "ข่าวประชาสัมพันธ์", "news", "current", html_only=True),
        _i("O5", "แผนยุทธศาสตร์หรือแผนพัฒนาหน่วยงาน", "strategy", "multi"),
        _i("O6", "แผนและความก้าวหน้าในการดำเนินงานและการใช้งบประมาณประจำปี", "annual_plan", "current"),
        _i("O7", "รายงานผลการดำเนินงานประจำปี", "annual_report", "previous"),
        _i("O8", "คู่มือหรือแนวทางการปฏิบัติงานของเจ้าหน้าที่", "staff_manual", "none"),
        _i("O9", "คู่มือหรือแนวทางการขอรับบริการสำหรับผู้รับบริการหรือผู้มาติดต่อ", "service_manual", "none"),
        _i("O10", "ระบบการให้บริการผ่านช่องทางออนไลน์ (E-SERVICE)", "e_service", "none", html_only=True),
        _i(
            "O11",
            "สรุปผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุรายเดือน ประจำปีงบประมาณ พ.ศ. 2569",
            "proc_monthly",
            "first_half",
            drops=(("months",),),
        ),
        _i(
            "O12",
            "รายงานสรุปผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุของหน่วยงาน ประจำปีงบประมาณ พ.ศ. 2568",
            "proc_annual",
            "previous",
        ),
        _i(
            "O13",
            "หลักเกณฑ์และแผนการบริหารและพัฒนาทรัพยากรบุคคล ประจำปีงบประมาณ พ.ศ. 2569",
            "hr_plan",
            "current",
            drops=(("morale",), ("appraisal",)),
        ),
        _i("O14", "รายงานผลการบริหารและพัฒนาทรัพยากรบุคคล ประจำปีงบประมาณ พ.ศ. 2568", "hr_report", "previous"),
        _i(
            "O15",
            "ประมวลจริยธรรมและการขับเคลื่อนจริยธรรม",
            "ethics",
            "current",
            drops=(("dos_donts",), ("working_group",)),
        ),
        _i(
            "O16",
            "แนวปฏิบัติการจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
            "complaint_guideline",
            "none",
            drops=(("handling_steps",),),
        ),
        _i("O17", "ช่องทางแจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ", "complaint_channel", "none", html_only=True),
        _i(
            "O18",
            "ข้อมูลสถิติเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ ประจำปีงบประมาณ พ.ศ. 2568",
            "complaint_stats",
            "previous",
        ),
        _i("O19", "ผลการเปิดโอกาสให้มีส่วนร่วมในการดำเนินงาน ปีงบประมาณ พ.ศ. 2569", "participation", "current"),
        _i(
            "O20",
            "การขับเคลื่อนนโยบาย NO GIFT POLICY",
            "no_gift",
            "current",
            drops=(("signed_by_head",), ("gift_report",)),
        ),
        _i(
            "O21",
            "การประเมินความเสี่ยงการทุจริตในหน่วยงานภาครัฐ ประจำปีงบประมาณ พ.ศ. 2569",
            "risk_assessment",
            "current",
            drops=(("measures",),),
        ),
        _i(
            "O22",
            "รายงานผลการดำเนินการตามแผนบริหารจัดการความเสี่ยงการทุจริตของหน่วยงาน ประจำปีงบประมาณ พ.ศ. 2568",
            "risk_treatment",
            "previous",
        ),
        _i(
            "O23",
            "แผนปฏิบัติการป้องกันการทุจริต ปีงบประมาณ พ.ศ. 2569",
            "ac_plan",
            "current",
            drops=(("budget",), ("duration",)),
        ),
        _i("O24", "รายงานผลการดำเนินการป้องกันการทุจริต ปีงบประมาณ พ.ศ. 2568", "ac_report", "previous"),
        _i("O25", "การนำผลการประเมิน ITA ไปสู่การพัฒนาองค์กร", "ita_use", "current"),
        _i(
            "O26",
            "รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ปีงบประมาณ พ.ศ. 2568",
            "integrity_report",
            "previous",
        ),
    ],
    2568: [
        _i(
            "O1",
            "โครงสร้างและอำนาจหน้าที่",
            "structure",
            "none",
            drops=(("duties_summary",),),
            html_only=True,
            drop_by_type={"local": ("political_and_permanent_sides",), "province": ("province_structure",)},
        ),
        _i("O2", "ข้อมูลผู้บริหาร", "executives", "none", drops=(("photo",), ("contact",)), html_only=True),
        _i("O3", "ข้อมูลการติดต่อ", "contact", "none", drops=(("email",),), html_only=True),
        _i("O4", "ข่าวประชาสัมพันธ์", "news", "current", html_only=True),
        _i("O5", "แผนยุทธศาสตร์หรือแผนพัฒนาหน่วยงาน", "strategy", "multi"),
        _i("O6", "แผนและความก้าวหน้าในการดำเนินงานและการใช้งบประมาณประจำปี", "annual_plan", "current"),
        _i("O7", "รายงานผลการดำเนินงานประจำปี", "annual_report", "previous"),
        _i("O8", "คู่มือหรือแนวทางการปฏิบัติงานของเจ้าหน้าที่", "staff_manual", "none"),
        _i("O9", "คู่มือหรือแนวทางการขอรับบริการสำหรับผู้รับบริการหรือผู้มาติดต่อ", "service_manual", "none"),
        _i("O10", "E–Service", "e_service", "none", html_only=True),
        _i("O11", "ข้อมูลสถิติการให้บริการ", "service_stats", "previous"),  # items-2568.yaml: previous_fy
        _i(
            "O12",
            "รายการการจัดซื้อจัดจ้างหรือการจัดหาพัสดุ และความก้าวหน้าการจัดซื้อจัดจ้างหรือการจัดหาพัสดุ",
            "proc_progress",
            "current",
        ),
        _i("O13", "รายงานผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุประจำปี", "proc_annual", "previous"),
        _i("O14", "แผนการบริหารและพัฒนาทรัพยากรบุคคล", "hr_plan", "current"),
        _i("O15", "รายงานผลการบริหารและพัฒนาทรัพยากรบุคคลประจำปี", "hr_report", "previous"),
        _i(
            "O16",
            "ประมวลจริยธรรมและการขับเคลื่อนจริยธรรม",
            "ethics",
            "current",
            drops=(("dos_donts",), ("working_group",)),
        ),
        _i(
            "O17",
            "แนวปฏิบัติการจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
            "complaint_guideline",
            "none",
            drops=(("handling_steps",),),
        ),
        _i("O18", "ช่องทางแจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ", "complaint_channel", "none", html_only=True),
        _i("O19", "ข้อมูลสถิติเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ", "complaint_stats", "previous"),
        _i("O20", "การเปิดโอกาสให้เกิดการมีส่วนร่วม", "participation", "current"),
        _i(
            "O21",
            "ประกาศเจตนารมณ์และการสร้างวัฒนธรรม ตามนโยบาย No Gift Policy จากการปฏิบัติหน้าที่",
            "no_gift_culture",
            "current",
            drops=(("signed_by_head",), ("culture_activity",)),
        ),
        _i("O22", "รายงานการรับทรัพย์สินหรือประโยชน์อื่นใดโดยธรรมจรรยา", "gift_report", "previous"),
        _i(
            "O23",
            "การประเมินความเสี่ยงที่อาจเกิดการให้หรือรับสินบนจากการดำเนินงานตามภารกิจของหน่วยงาน",
            "bribery_risk",
            "current",
            drops=(("measures",),),
        ),
        _i(
            "O24",
            "รายงานผลการดำเนินการเพื่อจัดการความเสี่ยงการทุจริตและประพฤติมิชอบ",
            "risk_treatment",
            "previous",
        ),
        _i("O25", "แผนปฏิบัติการป้องกันการทุจริต", "ac_plan", "current", drops=(("budget",), ("duration",))),
        _i("O26", "รายงานผลการดำเนินการป้องกันการทุจริต", "ac_report", "previous"),
    ],
}

# Concepts whose content can live in an attached document (the page then links to it).
TABLE_CONCEPTS = {"proc_annual", "complaint_stats", "service_stats", "proc_progress", "ac_plan"}
