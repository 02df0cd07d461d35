"""Province workbook for reviewers: one sheet per view plus a tidy agency × item sheet, Thai headers, colours."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ita_checker.models import AGENCY_TYPE_TH, NOT_MET, RULESET_STATUS_TH, VERDICT_ORDER, VERDICT_TH, code_sort_key
from ita_checker.report.province_html import STATUS_TH
from ita_checker.report.view import safe_link
from ita_checker.report.xlsx import VERDICT_FILL, set_cell
from ita_checker.report.xlsx_style import (
    MAX_LINKS_PER_SHEET,
    new_workbook,
    print_setup,
    save_workbook,
    set_link,
    style_header,
    thai_font,
)
from ita_checker.scoring.province import PASS_LINE, cell_float, cell_int

if TYPE_CHECKING:
    from ita_checker.scan.outcome import ScanOutcome

Value = str | float | int | None


def _fill(verdict: str) -> tuple[PatternFill, Font]:
    bg, fg = VERDICT_FILL[verdict]
    return PatternFill(fill_type="solid", start_color=bg, end_color=bg), thai_font(bold=True, color=fg)


def _sheet(
    wb: Workbook,
    title: str,
    headers: Sequence[tuple[str, float]],
    rows: Sequence[Sequence[Value]],
    *,
    freeze: str = "A2",
    links: Sequence[str] = (),
) -> Worksheet:
    """One table: a header row, data rows below it, nothing else (so pandas and filters read it as it is).

    ``freeze`` is the first scrolling cell ('C2' keeps the agency id and name in view); ``links`` names the
    columns whose http(s) URLs become hyperlinks (the first URL of a cell that holds several).
    """
    ws: Worksheet = wb.create_sheet(title)
    for col, (name, _) in enumerate(headers, start=1):
        set_cell(ws, 1, col, name)
    style_header(ws, headers)
    names = [name for name, _ in headers]
    link_columns = {names.index(name) + 1 for name in links}
    linked = 0
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            cell = set_cell(ws, r, c, value)
            if c in link_columns and isinstance(value, str) and linked < MAX_LINKS_PER_SHEET:
                href = next((h for h in (safe_link(u).href for u in value.split("\n")) if h), None)
                linked += set_link(cell, href)
    ws.freeze_panes = freeze
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, len(rows) + 1)}"
    print_setup(ws)
    return ws


def _colour_verdicts(ws: Worksheet, first_row: int, columns: Sequence[int]) -> None:
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            if cell.column in columns and isinstance(cell.value, str):
                verdict = _VERDICT_BY_LABEL.get(cell.value)
                if verdict:
                    cell.fill, cell.font = _fill(verdict)


_VERDICT_BY_LABEL = {th: v for v, th in VERDICT_TH.items()}


def _score(value: object) -> float | None:
    return cell_float(value)


ITEM_ROWS_SHEET = "รายข้อ"
ITEM_ROWS_HEADERS: tuple[tuple[str, float], ...] = (
    ("รหัสหน่วยงาน", 12),
    ("หน่วยงาน", 36),
    ("จังหวัด", 14),
    ("อำเภอ", 16),
    ("ประเภท", 24),
    ("ประเภท (EN)", 14),
    ("ข้อ", 8),
    ("รายการ", 40),
    ("ผล", 22),
    ("ผล (EN)", 14),
    ("เหตุผล", 50),
    ("URL ที่ส่ง", 40),
    ("URL ที่พบบนเว็บไซต์", 40),
)


def _text(value: str) -> str | None:
    return value or None  # an empty cell, not an empty string: pandas reads it as missing


def _found_url(item: dict[str, Any]) -> str:
    found = item.get("found_on_site")
    return str(found.get("url") or "") if isinstance(found, dict) else ""


def _item_rows(scan: ScanOutcome) -> list[list[Value]]:
    """One row per checked agency × item, for filters, pivot tables and ``pandas.read_excel``."""
    rows: list[list[Value]] = []
    for outcome in scan.outcomes:
        if outcome.result is None:
            continue
        agency = outcome.agency
        items = [i for i in outcome.result.get("items", []) if isinstance(i, dict)]
        for item in sorted(items, key=lambda i: code_sort_key(str(i.get("code", "")))):
            verdict = str(item.get("verdict", ""))
            rows.append(
                [
                    agency.id,
                    agency.name,
                    _text(agency.province),
                    _text(agency.district),
                    AGENCY_TYPE_TH.get(agency.agency_type, agency.agency_type),
                    agency.agency_type,
                    str(item.get("code", "")),
                    _text(str(item.get("title") or "")),
                    VERDICT_TH.get(verdict, verdict),
                    verdict,
                    _text("\n".join(str(r) for r in item.get("reasons") or [])),
                    _text("\n".join(str(u) for u in item.get("urls") or [])),
                    _text(_found_url(item)),
                ]
            )
    return rows


def write_province_xlsx(scan: ScanOutcome, out_path: Path) -> None:
    """Write DIR/summary.xlsx, one sheet per view; 'รายข้อ' is the tidy table of one row per agency × item.

    Sheets: สรุปหน่วยงาน, ตารางผล, สรุปรายข้อ, รายข้อ, ต่ำกว่าเกณฑ์, การเปลี่ยนแปลง, ผู้ตรวจกำหนดผล, ปัญหานำเข้า, ชุดเกณฑ์.
    """
    prov = scan.province
    wb = new_workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    agencies = prov.agencies
    trend = {a: " → ".join(f"{s:g}" for _, s in v) for a, v in scan.trends.items()}
    _sheet(
        wb,
        "สรุปหน่วยงาน",
        [("รหัส", 12), ("หน่วยงาน", 36), ("ประเภท", 24), ("อำเภอ", 16), ("สถานะ", 16), ("คะแนน", 10),
         ("เสี่ยง", 8), *[(VERDICT_TH[v], 12) for v in VERDICT_ORDER], ("แนวโน้ม", 24), ("เว็บไซต์", 36),
         ("ข้อผิดพลาด", 50)],
        [
            [str(a), str(r["name"]), AGENCY_TYPE_TH.get(str(r["type"]), str(r["type"])), str(r["district"]),
             STATUS_TH.get(str(r["status"]), str(r["status"])), _score(r["score"]), cell_int(r["at_risk"]),
             *[cell_int(r[v]) for v in VERDICT_ORDER], trend.get(str(a), ""), str(r["site"]), str(r["error"])]
            for a, r in agencies.iterrows()
        ],
        freeze="C2",
        links=["เว็บไซต์"],
    )  # fmt: skip
    codes = [str(c) for c in prov.matrix.columns]
    matrix_ws = _sheet(
        wb,
        "ตารางผล",
        [("รหัส", 12), ("หน่วยงาน", 36), ("คะแนน", 10), *[(c, 14) for c in codes]],
        [
            [str(a), str(agencies.at[a, "name"]), _score(agencies.at[a, "score"]),
             *[VERDICT_TH.get(str(v), "") for v in row]]
            for a, row in prov.matrix.iterrows()
        ],
        freeze="C2",
    )  # fmt: skip
    _colour_verdicts(matrix_ws, 2, range(4, 4 + len(codes)))
    _sheet(
        wb,
        "สรุปรายข้อ",
        [("ข้อ", 8), ("รายการ", 50), ("ผ่าน (%)", 10), ("ผ่าน", 8), ("เกี่ยวข้อง", 10), ("ไม่ผ่าน", 8), ("เสี่ยง", 8)],
        [
            [str(c), str(r["title"]), _score(r["pass_rate"]), cell_int(r["passed"]), cell_int(r["applicable"]),
             cell_int(r["not_met"]), cell_int(r["at_risk"])]
            for c, r in prov.items.iterrows()
        ],
    )  # fmt: skip
    item_rows_ws = _sheet(
        wb, ITEM_ROWS_SHEET, ITEM_ROWS_HEADERS, _item_rows(scan), freeze="C2", links=["URL ที่ส่ง", "URL ที่พบบนเว็บไซต์"]
    )
    _colour_verdicts(item_rows_ws, 2, (9,))
    _sheet(
        wb,
        f"ต่ำกว่า {PASS_LINE:g} คะแนน",
        [("รหัส", 12), ("หน่วยงาน", 36), ("คะแนน", 10), ("ไม่ผ่าน", 8), ("เสี่ยง", 8)],
        [
            [a, str(agencies.at[a, "name"]), _score(agencies.at[a, "score"]),
             sum(cell_int(agencies.at[a, v]) for v in NOT_MET),
             cell_int(agencies.at[a, "at_risk"])]
            for a in prov.under_line
        ],
        freeze="C2",
    )  # fmt: skip
    change_rows: list[list[Value]] = []
    if scan.changes is not None:
        from ita_checker.report.province_html import CHANGE_GROUPS

        for attr, label in CHANGE_GROUPS:
            for c in getattr(scan.changes, attr):
                change_rows.append(
                    [
                        label,
                        c.agency_id,
                        c.name,
                        c.code,
                        VERDICT_TH.get(c.before, c.before),
                        VERDICT_TH.get(c.after, c.after),
                    ]
                )
        for c in scan.changes.watch:
            change_rows.append(["เฝ้าระวัง (เข้าถึงไม่ได้ครั้งแรก)", c.agency_id, c.name, c.code, VERDICT_TH["pass"],
                                VERDICT_TH["unreachable"]])  # fmt: skip
    changes_ws = _sheet(
        wb,
        "การเปลี่ยนแปลง",
        [("ประเภท", 30), ("รหัส", 12), ("หน่วยงาน", 36), ("ข้อ", 8), ("รอบก่อน", 22), ("รอบนี้", 22)],
        change_rows,
    )
    _colour_verdicts(changes_ws, 2, (5, 6))
    overrides_ws = _sheet(
        wb,
        "ผู้ตรวจกำหนดผล",
        [("รหัส", 12), ("หน่วยงาน", 36), ("ข้อ", 8), ("ผลของผู้ตรวจ", 22), ("ผลจากโปรแกรม", 22), ("เหตุผล", 40),
         ("ผู้ตรวจ", 20), ("วันที่", 12), ("หลักฐานเปลี่ยน", 14)],
        [
            [s.override.agency_id, s.agency_name, s.override.code, VERDICT_TH[s.override.verdict],
             VERDICT_TH.get(s.tool_verdict, s.tool_verdict), s.override.reason, s.override.reviewer, s.override.date,
             "ใช่ – ทบทวน" if s.evidence_changed else ""]
            for s in scan.overrides
        ],
        freeze="C2",
    )  # fmt: skip
    _colour_verdicts(overrides_ws, 2, (4, 5))
    _sheet(wb, "ปัญหานำเข้า", [("ปัญหา", 140)], [[p] for p in scan.problems])
    _sheet(
        wb,
        "ชุดเกณฑ์",
        [("ชุดเกณฑ์", 18), ("สถานะ", 14), ("จำนวนหน่วยงาน", 14), ("หมายเหตุ", 120)],
        [[rid, RULESET_STATUS_TH.get(st, st), n, cav] for rid, st, cav, n in scan.rulesets_used()],
    )
    out_path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(wb, out_path)
