"""Core vocabulary shared by every stage: agency types, verdicts and fetch failure classes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class AgencyType(StrEnum):
    """Agency types accepted by ``--agency-type`` (see shared/oit/README.md §3)."""

    department = "department"
    province = "province"
    district = "district"
    local = "local"
    school = "school"
    university = "university"
    hospital = "hospital"
    state_enterprise = "state_enterprise"
    public_org = "public_org"


AGENCY_TYPE_TH: dict[str, str] = {
    "department": "ส่วนราชการระดับกรม",
    "province": "จังหวัด",
    "district": "อำเภอ",
    "local": "องค์กรปกครองส่วนท้องถิ่น",
    "school": "สถานศึกษา",
    "university": "มหาวิทยาลัย",
    "hospital": "หน่วยบริการสาธารณสุข",
    "state_enterprise": "รัฐวิสาหกิจ",
    "public_org": "องค์การมหาชน",
}


class Verdict(StrEnum):
    """Per-item verdicts (meanings in shared/oit/README.md §5)."""

    passed = "pass"
    fail = "fail"
    stale = "stale"
    incomplete = "incomplete"
    unreachable = "unreachable"
    needs_review = "needs_review"
    not_applicable = "not_applicable"


@dataclass(frozen=True)
class VerdictLook:
    """How one verdict is named and shown everywhere: reports, spreadsheets, terminal."""

    label_th: str  # the reviewers' word
    short_th: str  # terminal tables
    meaning_th: str  # report legend
    mark: str  # province matrix cell
    fill: str  # background colour (hex RGB), HTML and XLSX alike
    ink: str  # text colour on that background
    term: str  # rich style in the terminal


VERDICT_LOOK: dict[str, VerdictLook] = {
    "pass": VerdictLook("ผ่าน", "ผ่าน", "พบหลักฐานของปีที่ตรวจ และมีองค์ประกอบที่กำหนดครบ", "✓", "1B7F3B", "FFFFFF", "green"),
    "fail": VerdictLook("ไม่พบข้อมูล", "ไม่พบ", "เปิดหน้าเว็บได้ แต่ไม่พบหลักฐานของรายการนี้", "✗", "C62828", "FFFFFF", "red"),
    "stale": VerdictLook(
        "ข้อมูลไม่เป็นปีปัจจุบัน", "เก่า", "พบหลักฐาน แต่เป็นข้อมูลของปีงบประมาณอื่น", "ป", "C2410C", "FFFFFF", "dark_orange"
    ),
    "incomplete": VerdictLook(
        "ข้อมูลไม่ครบ", "ไม่ครบ", "พบรายการของปีที่ตรวจ แต่ยังขาดองค์ประกอบที่กำหนด หรือยังไม่มีการลงนาม",
        "ข", "F5B000", "3B2A00", "yellow",
    ),
    "unreachable": VerdictLook(
        "เข้าถึงไม่ได้", "เข้าไม่ได้", "เปิด URL ไม่ได้ในขณะตรวจ (ไม่ใช่การตัดสินว่าไม่มีข้อมูล)", "!", "616161", "FFFFFF", "grey50"
    ),
    "needs_review": VerdictLook(
        "ต้องตรวจด้วยคน", "ให้คนตรวจ", "หลักฐานไม่ชัดพอให้ตัดสินอัตโนมัติ ต้องให้เจ้าหน้าที่ตรวจ", "?", "1565C0", "FFFFFF", "blue"
    ),
    "not_applicable": VerdictLook(
        "ไม่เกี่ยวข้อง", "N/A", "รายการนี้ไม่ใช้กับหน่วยงานประเภทนี้หรือชุดเกณฑ์นี้", "–", "E0E0E0", "424242", "grey70"
    ),
}  # fmt: skip

VERDICT_ORDER: tuple[str, ...] = tuple(v.value for v in Verdict)
VERDICT_TH: dict[str, str] = {v: look.label_th for v, look in VERDICT_LOOK.items()}
RULESET_STATUS_TH: dict[str, str] = {"confirmed": "ยืนยันแล้ว", "provisional": "ฉบับคาดการณ์"}
NOT_MET: tuple[str, ...] = ("fail", "stale", "incomplete")  # published but not acceptable
AT_RISK: tuple[str, ...] = ("unreachable", "needs_review")  # not passing, reported apart: nobody could judge it


class FailClass(StrEnum):
    """Why a URL could not be fetched; carried into ``unreachable`` verdicts."""

    dns = "dns"
    connect = "connect"
    timeout = "timeout"
    tls = "tls"
    blocked = "blocked"
    not_found = "not_found"
    server_error = "server_error"
    login_wall = "login_wall"
    too_large = "too_large"
    bad_content = "bad_content"
    refused_private = "refused_private"
    other = "other"


FAIL_CLASS_TH: dict[str, str] = {
    "dns": "ไม่พบชื่อโดเมน (DNS)",
    "connect": "เชื่อมต่อเซิร์ฟเวอร์ไม่ได้",
    "timeout": "หมดเวลารอ",
    "tls": "ใบรับรอง TLS/HTTPS มีปัญหา",
    "blocked": "ถูกปฏิเสธการเข้าถึง (401/403)",
    "not_found": "ไม่พบหน้า (404/410)",
    "server_error": "เซิร์ฟเวอร์ผิดพลาด (5xx)",
    "login_wall": "ต้องเข้าสู่ระบบก่อนจึงจะเห็น",
    "too_large": "ไฟล์ใหญ่เกินกำหนด",
    "bad_content": "เนื้อหาเสียหายหรืออ่านไม่ได้",
    "refused_private": "ไม่ตรวจที่อยู่เครือข่ายภายใน (ป้องกัน SSRF)",
    "other": "ข้อผิดพลาดอื่น",
}


_CODE_RE = re.compile(r"^([A-Za-z]*)(\d+)$")


def code_sort_key(code: str) -> tuple[str, int, str]:
    """Natural sort key for item codes: O2 before O10, MOIT1 after O-codes by prefix."""
    match = _CODE_RE.match(code)
    if match is None:
        return (code, 10**9, code)
    return (match.group(1).upper(), int(match.group(2)), code)


_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_INPUT_CODE_RE = re.compile(r"(MOIT|O)?[\s.\-_]*(\d{1,3})([.):\-]?(\s.*)?)", re.ASCII | re.DOTALL)


def normalize_code(text: str) -> str | None:
    """'O1', 'o1', 'O 1', 'O01', '๑', '1', 'ข้อ 1', 'O1.' -> 'O1'; 'MOIT 01' -> 'MOIT1'; else None."""
    value = unicodedata.normalize("NFKC", text).translate(_THAI_DIGITS).strip()
    for prefix in ("ข้อที่", "ข้อ"):
        if value.startswith(prefix):
            value = value[len(prefix) :].strip()
            break
    match = _INPUT_CODE_RE.fullmatch(value.upper())
    if match is None or int(match.group(2)) == 0:
        return None
    return f"{match.group(1) or 'O'}{int(match.group(2))}"
