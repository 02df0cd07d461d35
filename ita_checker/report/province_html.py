"""Province reviewer report: one self-contained HTML page (matrix with filters, changes, trends, overrides)."""

from __future__ import annotations

import base64
import hashlib
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from markupsafe import Markup, escape

from ita_checker.models import AGENCY_TYPE_TH, VERDICT_LOOK, VERDICT_ORDER, VERDICT_TH
from ita_checker.report.html import STATIC_DIR, load_css, make_environment
from ita_checker.report.view import Link, format_checked_at_th, format_score, safe_link
from ita_checker.scoring.province import PASS_LINE, cell_float, cell_int
from ita_checker.store.history import Change, ProvincePoint
from ita_checker.text.thaidate import MONTHS_TH_ABBR
from ita_checker.text.thaitext import match_key

if TYPE_CHECKING:
    from ita_checker.scan.outcome import ScanOutcome

VERDICT_MARK: dict[str, str] = {v: look.mark for v, look in VERDICT_LOOK.items()}
STATUS_TH: dict[str, str] = {
    "done": "ตรวจแล้ว",
    "input_error": "ข้อมูลนำเข้าผิด",
    "error": "ผิดพลาดภายใน",
    "unreachable": "ตรวจไม่ได้ (เข้าเว็บไซต์ไม่ได้)",
}
SCORE_TEXT_TH: dict[str, str] = {"unreachable": "ตรวจไม่ได้"}  # in the score column when there is no score
NOT_IN_RULESET_TH = "ไม่มีข้อนี้ในชุดเกณฑ์ของหน่วยงาน"
OK_VERDICTS: frozenset[str] = frozenset({"pass", "not_applicable"})  # what "ไม่ผ่านทั้งหมด" hides
CHANGE_GROUPS: tuple[tuple[str, str], ...] = (
    ("newly_passing", "ผ่านใหม่"),
    ("regressions", "ถดถอย (เคยผ่าน)"),
    ("newly_unreachable", "เข้าถึงไม่ได้ใหม่ (ติดต่อกัน 2 รอบ)"),
    ("other", "เปลี่ยนแปลงอื่น"),
)
BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")  # no daylight saving: a fixed offset is exact
NO_DISTRICT = "-"  # data-district of a row whose registry entry names no district
NO_DISTRICT_TH = "ไม่ระบุอำเภอ"
TREND_DIR_TH: dict[str, str] = {"up": "เพิ่มขึ้น", "down": "ลดลง", "flat": "เท่าเดิม"}


@dataclass(frozen=True)
class CellView:
    code: str
    verdict: str
    label: str
    mark: str
    tool_verdict: str | None
    tool_label: str | None
    title: str
    href: str | None  # the agency report at this item; None when there is no report or no such item
    ok: bool  # passes (or does not apply): hidden by the "ไม่ผ่านทั้งหมด" filter


@dataclass(frozen=True)
class RowView:
    id: str
    name: str
    agency_type: str
    type_th: str
    district: str
    district_value: str  # data-district (NO_DISTRICT when blank)
    search: str  # data-search: id and name as one match key (province.js `key` is the same function)
    site: Link
    status: str
    status_th: str
    error: str
    score: float | None
    score_text: str
    score_attr: str  # data-score for sorting: -1 when there is no score
    at_risk: int
    under_line: bool
    all_pass: bool  # checked, and every item passes or does not apply
    report_href: str | None
    trend_dir: str  # up | down | flat | ""
    trend_delta: str  # "▲ +10", "▼ -2.5", "= 0" or ""
    spark: Markup | None  # inline SVG sparkline of the recorded scores
    cells: list[CellView]


@dataclass(frozen=True)
class ChangeView:
    agency_id: str
    name: str
    code: str
    title: str
    before: str
    before_th: str
    after: str
    after_th: str
    report_href: str | None


@dataclass(frozen=True)
class ProvinceReport:
    year: int
    scan_id: str
    started_th: str
    previous_scan: str | None
    total: int
    checked: int
    unreachable: int
    not_checked: int
    mean_score: str
    under_count: int
    pass_line: str
    codes: list[tuple[str, str]]
    types: list[tuple[str, str]]
    districts: list[tuple[str, str]]
    verdicts: list[tuple[str, str, str]]
    rows: list[RowView]
    item_rates: list[tuple[str, str, str, int, int, int, int]]
    missing: list[tuple[str, str, int]]
    change_groups: list[tuple[str, str, list[ChangeView]]]
    change_count: int
    watch: list[ChangeView]
    overrides: list[dict[str, str | bool]]
    problems: list[str]
    problems_count: str
    ruleset_caveats: list[str]
    province_chart: Markup | None
    province_chart_caption: str


# --- dates and sorting -------------------------------------------------------------------------------------------


def _moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, BANGKOK)


def be_date_short(epoch: float) -> str:
    """'15 ม.ค. 69' (day, month, Buddhist-era year in two digits) for a chart axis."""
    d = _moment(epoch)
    return f"{d.day} {MONTHS_TH_ABBR[d.month - 1]} {(d.year + 543) % 100:02d}"


def be_date_long(epoch: float) -> str:
    """'15 ม.ค. 2569 09:00 น.' for titles and screen readers."""
    d = _moment(epoch)
    return f"{d.day} {MONTHS_TH_ABBR[d.month - 1]} {d.year + 543} {d:%H:%M} น."


_LEADING_VOWEL_RE = re.compile("([เแโใไ])([ก-ฮ])")


def thai_sort_key(text: str) -> str:
    """Dictionary order for Thai words: a leading vowel (เ แ โ ใ ไ) sorts by the consonant after it."""
    return _LEADING_VOWEL_RE.sub(r"\2\1", text)


# --- SVG (built here, every text escaped; the templates only place it) ------------------------------------------


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _delta_text(delta: float) -> str:
    sign = "+" if delta > 0 else "-" if delta < 0 else ""
    return f"{sign}{format_score(round(abs(delta), 2))}"


def _domain(scores: list[float], min_span: float = 10.0) -> tuple[float, float]:
    lo, hi = min(scores), max(scores)
    if hi - lo < min_span:
        mid = (hi + lo) / 2
        lo, hi = mid - min_span / 2, mid + min_span / 2
        if lo < 0:
            lo, hi = 0.0, min_span
        if hi > 100:
            lo, hi = 100.0 - min_span, 100.0
    return lo, hi


def sparkline(points: list[tuple[str, float]], dates: dict[str, float]) -> Markup | None:
    """Small inline SVG of one agency's recorded scores (oldest first), with the numbers in title/aria-label."""
    if not points:
        return None
    scores = [s for _, s in points]
    named = [f"{be_date_long(dates[sid]) if sid in dates else sid} {format_score(s)}" for sid, s in points]
    label = f"แนวโน้มคะแนน {len(points)} รอบ: " + ", ".join(named)
    if len(scores) >= 2:
        delta = scores[-1] - scores[-2]
        label += f" ({TREND_DIR_TH[_direction(delta)]} {_delta_text(delta)} จากรอบก่อน)"
    w, h, pad = 72.0, 22.0, 3.0
    lo, hi = _domain(scores)

    def xy(i: int, s: float) -> tuple[float, float]:
        x = w / 2 if len(scores) == 1 else pad + i * (w - 2 * pad) / (len(scores) - 1)
        return x, pad + (hi - s) * (h - 2 * pad) / (hi - lo)

    coords = [xy(i, s) for i, s in enumerate(scores)]
    parts = [
        f'<svg class="spark" viewBox="0 0 {_num(w)} {_num(h)}" width="{_num(w)}" height="{_num(h)}" '
        f'role="img" aria-label="{escape(label)}" focusable="false"><title>{escape(label)}</title>'
    ]
    if lo <= PASS_LINE <= hi:
        y = xy(0, PASS_LINE)[1]
        parts.append(f'<line class="spark-line85" x1="0" x2="{_num(w)}" y1="{_num(y)}" y2="{_num(y)}"/>')
    if len(coords) > 1:
        pts = " ".join(f"{_num(x)},{_num(y)}" for x, y in coords)
        parts.append(f'<polyline class="spark-path" points="{pts}"/>')
    x, y = coords[-1]
    parts.append(f'<circle class="spark-last" cx="{_num(x)}" cy="{_num(y)}" r="2.5"/></svg>')
    return Markup("".join(parts))  # safe: every text above is escaped, the numbers are formatted here


def province_chart(points: list[ProvincePoint], year: int) -> Markup | None:
    """Inline SVG line chart of the province's mean score per recorded scan, B.E. dates on the x axis."""
    if not points:
        return None
    w, h = 640.0, 210.0
    left, right, top, bottom = 44.0, 40.0, 18.0, 40.0
    plot_w, plot_h = w - left - right, h - top - bottom
    n = len(points)

    def x_at(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else i * plot_w / (n - 1))

    def y_at(score: float) -> float:
        return top + (100.0 - score) * plot_h / 100.0

    described = ", ".join(f"{be_date_long(p.started_at)} {format_score(p.mean_score)}" for p in points)
    label = f"คะแนนเฉลี่ยของจังหวัด ปีงบประมาณ พ.ศ. {year} จำนวน {n} รอบ: {described}"
    parts = [
        f'<svg class="trend-chart" viewBox="0 0 {_num(w)} {_num(h)}" role="img" aria-label="{escape(label)}" '
        f'focusable="false"><title>{escape(label)}</title>'
    ]
    for tick in (0, 25, 50, 75, 100):
        y = y_at(tick)
        parts.append(
            f'<line class="grid" x1="{_num(left)}" x2="{_num(w - right)}" y1="{_num(y)}" y2="{_num(y)}"/>'
            f'<text class="axis" x="{_num(left - 6)}" y="{_num(y + 4)}" text-anchor="end">{tick}</text>'
        )
    y85 = y_at(PASS_LINE)
    parts.append(
        f'<line class="line85" x1="{_num(left)}" x2="{_num(w - right)}" y1="{_num(y85)}" y2="{_num(y85)}"/>'
        f'<text class="axis axis85" x="{_num(w - right)}" y="{_num(y85 - 4)}" text-anchor="end">'
        f"เส้น {escape(format_score(PASS_LINE))} คะแนน</text>"
    )
    step = max(1, math.ceil(n / 6))  # at most about six date labels under the axis
    for i, p in enumerate(points):
        if i % step == 0 or i == n - 1:
            parts.append(
                f'<text class="axis" x="{_num(x_at(i))}" y="{_num(h - bottom + 18)}" text-anchor="middle">'
                f"{escape(be_date_short(p.started_at))}</text>"
            )
    coords = [(x_at(i), y_at(p.mean_score)) for i, p in enumerate(points)]
    if n > 1:
        pts = " ".join(f"{_num(x)},{_num(y)}" for x, y in coords)
        parts.append(f'<polyline class="trend-path" points="{pts}"/>')
    for p, (x, y) in zip(points, coords, strict=True):
        tip = f"{be_date_long(p.started_at)} ({p.scan_id}): {format_score(p.mean_score)} คะแนน, {p.scored} หน่วยงาน"
        parts.append(
            f'<circle class="trend-dot" cx="{_num(x)}" cy="{_num(y)}" r="4"><title>{escape(tip)}</title></circle>'
            f'<text class="value" x="{_num(x)}" y="{_num(y - 8)}" text-anchor="middle">'
            f"{escape(format_score(p.mean_score))}</text>"
        )
    parts.append(
        f'<text class="axis" x="{_num(left + plot_w / 2)}" y="{_num(h - 4)}" text-anchor="middle">'
        "วันที่สแกน (พ.ศ.)</text></svg>"
    )
    return Markup("".join(parts))  # safe: every text above is escaped, the numbers are formatted here


# --- view model --------------------------------------------------------------------------------------------------


def _direction(delta: float) -> str:
    return "up" if delta > 0 else "down" if delta < 0 else "flat"


def _trend(scores: list[float]) -> tuple[str, str]:
    """Direction of the last change and its text ("▲ +10"); nothing before a second recorded score."""
    if len(scores) < 2:
        return "", ""
    delta = scores[-1] - scores[-2]
    direction = _direction(delta)
    arrow = {"up": "▲", "down": "▼", "flat": "="}[direction]
    return direction, f"{arrow} {_delta_text(delta)}"


def _cell_title(code: str, label: str, tool_label: str | None) -> str:
    return f"{code}: {label}" + (f" (ผู้ตรวจกำหนด; โปรแกรม: {tool_label})" if tool_label else "")


def _province_points(scan: ScanOutcome, scores: list[float]) -> list[ProvincePoint]:
    """The recorded series; without one (a scan not from the history) the current scan alone."""
    if scan.province_trend:
        return list(scan.province_trend)
    if not scores:
        return []
    try:
        started = datetime.fromisoformat(_iso(scan.started_at)).timestamp()
    except ValueError:
        return []
    return [ProvincePoint(scan.scan_id, started, round(sum(scores) / len(scores), 2), len(scores))]


def build_province_report(scan: ScanOutcome) -> ProvinceReport:
    """View model of a scan for the province HTML page."""
    prov = scan.province
    titles = {str(c): str(t) for c, t in prov.items["title"].items()}
    hrefs = {o.agency.id: f"agencies/{o.agency.id}/report.html" for o in scan.outcomes if o.result is not None}
    points = _province_points(scan, [s for s in (cell_float(v) for v in prov.agencies["score"]) if s is not None])
    dates = {p.scan_id: p.started_at for p in points}
    rows: list[RowView] = []
    for o in scan.outcomes:
        a = o.agency
        items = (o.result or {}).get("items", [])
        tool = {str(it["code"]): str(it["tool_verdict"]) for it in items if "override" in it}
        reported = {str(it["code"]) for it in items}
        href = hrefs.get(a.id)
        cells = []
        for code in prov.matrix.columns:
            c = str(code)
            v = str(prov.matrix.at[a.id, code])
            t = tool.get(c)
            label = VERDICT_TH.get(v) or (NOT_IN_RULESET_TH if o.status == "done" else STATUS_TH.get(o.status, ""))
            tool_label = VERDICT_TH[t] if t else None
            cells.append(
                CellView(
                    code=c,
                    verdict=v,
                    label=label,
                    mark=VERDICT_MARK.get(v, ""),
                    tool_verdict=t,
                    tool_label=tool_label,
                    title=_cell_title(c, label, tool_label),
                    href=f"{href}#item-{quote(c, safe='')}" if href and c in reported else None,
                    ok=v in OK_VERDICTS or (v == "" and o.status == "done"),
                )
            )
        score = cell_float(prov.agencies.at[a.id, "score"])
        history = scan.trends.get(a.id, [])
        direction, delta = _trend([s for _, s in history])
        type_th = AGENCY_TYPE_TH.get(a.agency_type, a.agency_type)
        rows.append(
            RowView(
                id=a.id,
                name=a.name,
                agency_type=a.agency_type,
                type_th=type_th,
                district=a.district,
                district_value=a.district or NO_DISTRICT,
                search=match_key(f"{a.id} {a.name}"),
                site=safe_link(a.site),
                status=o.status,
                status_th=STATUS_TH.get(o.status, o.status),
                error=o.error,
                score=score,
                score_text=format_score(score) if score is not None else SCORE_TEXT_TH.get(o.status, "–"),
                score_attr=str(score) if score is not None else "-1",
                at_risk=cell_int(prov.agencies.at[a.id, "at_risk"]),
                under_line=a.id in prov.under_line,
                all_pass=o.status == "done" and all(cell.ok for cell in cells),
                report_href=href,
                trend_dir=direction,
                trend_delta=delta,
                spark=sparkline(history, dates),
                cells=cells,
            )
        )
    scores = [r.score for r in rows if r.score is not None]
    unreachable = sum(1 for r in rows if r.status == "unreachable")

    def change_view(c: Change) -> ChangeView:
        return ChangeView(
            c.agency_id,
            c.name,
            c.code,
            titles.get(c.code, ""),
            c.before,
            VERDICT_TH.get(c.before, c.before),
            c.after,
            VERDICT_TH.get(c.after, c.after),
            hrefs.get(c.agency_id),
        )

    groups: list[tuple[str, str, list[ChangeView]]] = []
    if scan.changes is not None:
        for attr, label in CHANGE_GROUPS:
            groups.append((attr, label, [change_view(c) for c in getattr(scan.changes, attr)]))
    item_rates = [
        (
            str(code),
            str(r["title"]),
            _rate(cell_float(r["pass_rate"])),
            cell_int(r["passed"]),
            cell_int(r["applicable"]),
            cell_int(r["not_met"]),
            cell_int(r["at_risk"]),
        )
        for code, r in prov.items.iterrows()
    ]
    present_types = sorted({r.agency_type for r in rows})
    districts = sorted({r.district for r in rows if r.district}, key=thai_sort_key)
    return ProvinceReport(
        year=scan.year,
        scan_id=scan.scan_id,
        started_th=format_checked_at_th(_iso(scan.started_at)),
        previous_scan=scan.previous_scan,
        total=len(rows),
        checked=len(scores),
        unreachable=unreachable,
        not_checked=len(rows) - len(scores) - unreachable,
        mean_score=format_score(round(sum(scores) / len(scores), 2)) if scores else "–",
        under_count=len(prov.under_line),
        pass_line=format_score(PASS_LINE),
        ruleset_caveats=[cav for _, _, cav, _ in scan.rulesets_used() if cav],  # each names its rule set
        codes=[(str(c), titles.get(str(c), "")) for c in prov.matrix.columns],
        types=[(t, AGENCY_TYPE_TH.get(t, t)) for t in present_types],
        districts=[(d, d) for d in districts]
        + ([(NO_DISTRICT, NO_DISTRICT_TH)] if any(not r.district for r in rows) else []),
        verdicts=[(v, VERDICT_TH[v], VERDICT_MARK[v]) for v in VERDICT_ORDER],
        rows=rows,
        item_rates=item_rates,
        missing=[(str(c), str(r["title"]), cell_int(r["not_met"])) for c, r in prov.missing.iterrows()],
        change_groups=groups,
        change_count=sum(len(changes) for _, _, changes in groups),
        watch=[change_view(c) for c in scan.changes.watch] if scan.changes else [],
        overrides=[
            {
                "agency_id": s.override.agency_id,
                "name": s.agency_name,
                "code": s.override.code,
                "verdict": s.override.verdict,
                "verdict_th": VERDICT_TH[s.override.verdict],
                "tool_verdict": s.tool_verdict,
                "tool_th": VERDICT_TH.get(s.tool_verdict, s.tool_verdict),
                "reason": s.override.reason,
                "reviewer": s.override.reviewer,
                "date": s.override.date,
                "evidence_changed": s.evidence_changed,
            }
            for s in scan.overrides
        ],
        problems=scan.problems,
        problems_count=f"{len(scan.problems):,}",
        province_chart=province_chart(points, scan.year),
        province_chart_caption=(
            f"แนวโน้มคะแนนเฉลี่ยของจังหวัด {len(points)} รอบที่บันทึกไว้"
            if len(points) > 1
            else "คะแนนเฉลี่ยของจังหวัด (ยังมีรอบเดียว แนวโน้มจะแสดงเมื่อสแกนรอบถัดไป)"
        ),
    )


def _rate(value: float | None) -> str:
    return "–" if value is None else format_score(value)


def _iso(value: str) -> str:
    """'2026-01-05T02:00:00+0700' -> '2026-01-05T02:00:00+07:00' (fromisoformat in 3.11 wants the colon)."""
    if len(value) > 5 and value[-5] in "+-" and value[-4:].isdigit():
        return value[:-2] + ":" + value[-2:]
    return value


def _inline(name: str) -> Markup:
    text = (STATIC_DIR / name).read_text(encoding="utf-8")
    if "</" in text or "<!--" in text:
        raise ValueError(f"{name} must not contain '</' or '<!--' (it is inlined into the page)")
    return Markup(text)  # trusted: our own file shipped with the package, checked above


def render_province_report(report: ProvinceReport) -> str:
    script = _inline("province.js")
    digest = base64.b64encode(hashlib.sha256(str(script).encode("utf-8")).digest()).decode("ascii")
    template = make_environment().get_template("province.html.j2")
    css = Markup(str(load_css()) + "\n" + str(_inline("province.css")))
    return template.render(r=report, css=css, script=script, script_hash=f"sha256-{digest}")


def write_province_html(scan: ScanOutcome, out_path: Path) -> None:
    """Write DIR/province.html for a finished scan."""
    html = render_province_report(build_province_report(scan))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out_path)
