"""Not-found pages that answer 200: soft-404 pages and deep links redirected to the home page."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from ita_checker.extract.document import Document

SOFT_404 = re.compile(
    r"ไม่พบ(หน้า|เว็บเพจ|ไฟล์|เอกสาร)(ที่|ที่ท่าน|ที่คุณ)?(ต้องการ|ค้นหา|เรียก|ร้องขอ)?|หน้า(ที่คุณ|ที่ท่าน)?(ต้องการ|เรียก)?ไม่มีอยู่|"
    r"page\s+(was\s+)?not\s+found|error\s*404|file\s+not\s+found|"
    r"the\s+page\s+you\s+(are\s+looking\s+for|requested)",
    re.I,
)
BARE_404 = re.compile(r"(?<![\d.-])404(?![\d.-])|not\s+found", re.I)  # in a title or heading only
MAX_SOFT_404_TEXT = 400  # a real page that mentions "404" has more to say than that
_INDEX_FILE = re.compile(r"/(index|default|home|main)\.(html?|php|aspx?|jsp)$", re.I)


def _path(url: str) -> str:
    path = _INDEX_FILE.sub("/", urlparse(url).path or "/")
    return path if path.endswith("/") else path + "/"


def redirected_home(requested: str, final: str | None, site: str) -> bool:
    """A deep link that the server sent to the site's home page (a missing page, not the page itself)."""
    if not final:
        return False
    home = _path(site)
    a, b = urlparse(requested), urlparse(final)
    return (
        (b.hostname or "") == (urlparse(site).hostname or "")
        and _path(final) == home
        and not b.query
        and (_path(requested) != home or bool(a.query))
    )


def soft_404(doc: Document) -> bool:
    """An HTML page whose title or headings say "not found" and which has little else."""
    if doc.kind != "html":
        return False
    head = " ".join([doc.title, *doc.headings[:3]])
    said = SOFT_404.search(head) or BARE_404.search(head) or SOFT_404.search(doc.text[:200])
    return said is not None and len(doc.text) <= MAX_SOFT_404_TEXT


def not_found_reason(requested: str, final: str | None, doc: Document, site: str) -> str | None:
    """Why a fetched page is in fact missing (Thai, for fetch errors), or None."""
    if soft_404(doc):
        return "หน้าแจ้งว่าไม่พบหน้าที่ต้องการ (soft 404: ตอบ 200 แต่ไม่มีเนื้อหา)"
    if redirected_home(requested, final, site):
        return "ถูกเปลี่ยนเส้นทางไปหน้าแรก (หน้าที่ส่งไม่มีอยู่แล้ว)"
    return None
