"""Province reviewer report: one self-contained HTML page (matrix with filters, changes, trends, overrides)."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from ita_checker.models import AGENCY_TYPE_TH, VERDICT_LOOK, VERDICT_ORDER, VERDICT_TH
from ita_checker.report.html import STATIC_DIR, load_css, make_environment
from ita_checker.report.view import Link, format_checked_at_th, format_score, safe_link
from ita_checker.scoring.province import PASS_LINE, cell_float, cell_int
from ita_checker.store.history import Change

if TYPE_CHECKING:
    from ita_checker.scan.outcome import ScanOutcome

VERDICT_MARK: dict[str, str] = {v: look.mark for v, look in VERDICT_LOOK.items()}
STATUS_TH: dict[str, str] = {
    "done": "ตรวจแล้ว",
    "input_error": "ข้อมูลนำเข้าผิด",
    "error": "ผิดพลาดภายใน",
    "unreachable": "ตรวจไม่ได้ (เข้าเว็บไซต์ไม่ได้)",
}
CHANGE_GROUPS: tuple[tuple[str, str], ...] = (
    ("newly_passing", "ผ่านใหม่"),
    ("regressions", "ถดถอย (เคยผ่าน)"),
    ("newly_unreachable", "เข้าถึงไม่ได้ใหม่ (ติดต่อกัน 2 รอบ)"),
    ("other", "เปลี่ยนแปลงอื่น"),
)


@dataclass(frozen=True)
class CellView:
    code: str
    verdict: str
    label: str
    mark: str
    tool_verdict: str | None
    tool_label: str | None


@dataclass(frozen=True)
class RowView:
    id: str
    name: str
    agency_type: str
    type_th: str
    district: str
    site: Link
    status: str
    status_th: str
    error: str
    score: float | None
    score_text: str
    at_risk: int
    under_line: bool
    report_href: str | None
    trend: list[str]
    trend_dir: str  # up | down | flat | ""
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
    mean_score: str
    under_count: int
    pass_line: str
    codes: list[tuple[str, str]]
    types: list[tuple[str, str]]
    verdicts: list[tuple[str, str, str]]
    rows: list[RowView]
    item_rates: list[tuple[str, str, str, int, int, int, int]]
    missing: list[tuple[str, str, int]]
    change_groups: list[tuple[str, str, list[ChangeView]]]
    watch: list[ChangeView]
    overrides: list[dict[str, str | bool]]
    problems: list[str]
    ruleset_caveats: list[str]


def _trend(scores: list[float]) -> tuple[list[str], str]:
    texts = [format_score(s) for s in scores]
    if len(scores) < 2:
        return texts, ""
    delta = scores[-1] - scores[-2]
    return texts, "up" if delta > 0 else "down" if delta < 0 else "flat"


def build_province_report(scan: ScanOutcome) -> ProvinceReport:
    """View model of a scan for the province HTML page."""
    prov = scan.province
    titles = {str(c): str(t) for c, t in prov.items["title"].items()}
    hrefs = {o.agency.id: f"agencies/{o.agency.id}/report.html" for o in scan.outcomes if o.result is not None}
    rows: list[RowView] = []
    for o in scan.outcomes:
        a = o.agency
        tool = {
            str(it["code"]): str(it["tool_verdict"]) for it in (o.result or {}).get("items", []) if "override" in it
        }
        cells = []
        for code in prov.matrix.columns:
            v = str(prov.matrix.at[a.id, code])
            t = tool.get(str(code))
            cells.append(
                CellView(
                    str(code),
                    v,
                    VERDICT_TH.get(v, "ไม่ได้ตรวจ"),
                    VERDICT_MARK.get(v, ""),
                    t,
                    VERDICT_TH[t] if t else None,
                )
            )
        score = cell_float(prov.agencies.at[a.id, "score"])
        trend, direction = _trend([s for _, s in scan.trends.get(a.id, [])])
        rows.append(
            RowView(
                id=a.id,
                name=a.name,
                agency_type=a.agency_type,
                type_th=AGENCY_TYPE_TH.get(a.agency_type, a.agency_type),
                district=a.district,
                site=safe_link(a.site),
                status=o.status,
                status_th=STATUS_TH.get(o.status, o.status),
                error=o.error,
                score=score,
                score_text=format_score(score) if score is not None else "–",
                at_risk=cell_int(prov.agencies.at[a.id, "at_risk"]),
                under_line=a.id in prov.under_line,
                report_href=hrefs.get(a.id),
                trend=trend,
                trend_dir=direction,
                cells=cells,
            )
        )
    scores = [r.score for r in rows if r.score is not None]

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
    return ProvinceReport(
        year=scan.year,
        scan_id=scan.scan_id,
        started_th=format_checked_at_th(_iso(scan.started_at)),
        previous_scan=scan.previous_scan,
        total=len(rows),
        checked=len(scores),
        mean_score=format_score(round(sum(scores) / len(scores), 2)) if scores else "–",
        under_count=len(prov.under_line),
        pass_line=format_score(PASS_LINE),
        ruleset_caveats=[cav for _, _, cav, _ in scan.rulesets_used() if cav],  # each names its rule set
        codes=[(str(c), titles.get(str(c), "")) for c in prov.matrix.columns],
        types=[(t, AGENCY_TYPE_TH.get(t, t)) for t in present_types],
        verdicts=[(v, VERDICT_TH[v], VERDICT_MARK[v]) for v in VERDICT_ORDER],
        rows=rows,
        item_rates=item_rates,
        missing=[(str(c), str(r["title"]), cell_int(r["not_met"])) for c, r in prov.missing.iterrows()],
        change_groups=groups,
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
