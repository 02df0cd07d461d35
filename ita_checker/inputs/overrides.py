"""Reviewer overrides: read human verdicts (YAML/CSV/XLSX), apply them over the tool's verdicts, hash evidence."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ita_checker.errors import InputError
from ita_checker.inputs.tables import AGENCY_ID_ALIASES, ITEM_COLUMNS, find_sheets, message
from ita_checker.models import VERDICT_ORDER, VERDICT_TH, normalize_code
from ita_checker.scoring.agency import resummarise

COLUMNS: dict[str, tuple[str, ...]] = {
    "agency": AGENCY_ID_ALIASES,
    "item": tuple(a for a in ITEM_COLUMNS["code"] if a != "รหัส"),
    "verdict": ("ผล", "ผลของผู้ตรวจ", "verdict"),
    "reason": ("เหตุผล", "reason"),
    "reviewer": ("ผู้ตรวจ", "ผู้ทบทวน", "reviewer"),
    "date": ("วันที่", "date"),
}
REQUIRED = ("agency", "item", "verdict", "reviewer")
TEMPLATE_HEADER = ("รหัสหน่วยงาน", "ข้อ", "ผล", "เหตุผล", "ผู้ตรวจ", "วันที่")
_VERDICTS: dict[str, str] = {**{v: v for v in VERDICT_ORDER}, **{th: v for v, th in VERDICT_TH.items()}}
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Override:
    """A reviewer's verdict for one agency item."""

    agency_id: str
    code: str
    verdict: str
    reason: str
    reviewer: str
    date: str


def evidence_hash(item: Mapping[str, Any]) -> str:
    """Short hash of an item's evidence (submitted URLs, evidence URLs and snippets), to notice changes."""
    urls = sorted(str(u) for u in item.get("urls", []))
    evidence = sorted(
        (str(e.get("url", "")), str(e.get("snippet", ""))) for e in item.get("evidence", []) if isinstance(e, dict)
    )
    text = json.dumps([urls, evidence], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _parse(values: Mapping[str, str], where: tuple[str, str], problems: list[str]) -> Override | None:
    for role in REQUIRED:
        if not values.get(role, "").strip():
            problems.append(message(where, f"ไม่มีค่า '{role}' จึงข้ามรายการนี้", f"'{role}' is empty; entry skipped"))
            return None
    code = normalize_code(values["item"])
    if code is None:
        problems.append(message(where, f"ไม่รู้จักรหัสข้อ '{values['item'][:40]}'", f"unknown item '{values['item'][:40]}'"))
        return None
    verdict = _VERDICTS.get(values["verdict"].strip())
    if verdict is None:
        problems.append(
            message(
                where,
                f"ไม่รู้จักผล '{values['verdict'][:40]}' (ใช้ {', '.join(VERDICT_ORDER)} หรือชื่อไทย)",
                f"unknown verdict '{values['verdict'][:40]}'",
            )
        )
        return None
    date = values.get("date", "").strip()[:10]
    if date and not _DATE_RE.fullmatch(date):
        problems.append(message(where, f"วันที่ '{date}' ต้องเป็น ปปปป-ดด-วว (ค.ศ.)", f"date '{date}' must be YYYY-MM-DD"))
        return None
    return Override(
        values["agency"].strip(), code, verdict, values.get("reason", "").strip(), values["reviewer"].strip(), date
    )


def _read_yaml(path: Path, problems: list[str]) -> list[Override]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"อ่านไฟล์ {path} ไม่ได้ ({exc}) / cannot read {path} ({exc})") from exc
    entries = data.get("overrides", []) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise InputError(f"{path}: ต้องเป็นรายการของผลที่ผู้ตรวจกำหนด / {path}: expected a list of overrides")
    out: list[Override] = []
    for index, entry in enumerate(entries, start=1):
        where = (f"{path.name} รายการที่ {index}", f"{path.name} entry {index}")
        if not isinstance(entry, dict):
            problems.append(message(where, "ไม่ใช่ชุดค่า key: value", "not a mapping"))
            continue
        values = {str(k): "" if v is None else str(v) for k, v in entry.items()}
        values.setdefault("item", values.get("code", ""))
        ov = _parse(values, where, problems)
        if ov is not None:
            out.append(ov)
    return out


def read_overrides(path: Path) -> tuple[list[Override], list[str]]:
    """(overrides, problems) of a YAML, CSV or XLSX file; the last entry for an agency item wins."""
    problems: list[str] = []
    if path.suffix.lower() in (".yaml", ".yml"):
        found = _read_yaml(path, problems)
    else:
        sheets = find_sheets(path, COLUMNS, REQUIRED)
        if not sheets:
            raise InputError(
                f"{path}: ไม่พบหัวตาราง {' | '.join(TEMPLATE_HEADER)} / {path}: no header agency | item | verdict | "
                "reason | reviewer | date"
            )
        sheet = sheets[0]
        found = []
        for row, cells in sheet.data_rows():
            values = {role: sheet.cell(cells, role) for role in COLUMNS}
            ov = _parse(values, sheet.where(row), problems)
            if ov is not None:
                found.append(ov)
    latest = {(o.agency_id, o.code): o for o in found}
    return list(latest.values()), problems


def apply_overrides(result: dict[str, Any], overrides: Mapping[str, Override]) -> list[str]:
    """Put reviewer verdicts (by item code) over the tool's in ``result``; returns the codes overridden."""
    applied: list[str] = []
    for item in result["items"]:
        ov = overrides.get(str(item["code"]))
        if ov is None:
            continue
        tool = str(item.get("tool_verdict") or item["verdict"])
        item["tool_verdict"] = tool
        item["verdict"] = ov.verdict
        item["override"] = {
            "verdict": ov.verdict,
            "tool_verdict": tool,
            "reason": ov.reason,
            "reviewer": ov.reviewer,
            "date": ov.date,
        }
        note = f"ผู้ตรวจ {ov.reviewer} กำหนดผลเป็น '{VERDICT_TH[ov.verdict]}' (ผลจากโปรแกรม: '{VERDICT_TH[tool]}')"
        if ov.reason:
            note += f" เหตุผล: {ov.reason}"
        if ov.date:
            note += f" ({ov.date})"
        item["reasons"] = [note, *[r for r in item.get("reasons", []) if not str(r).startswith("ผู้ตรวจ ")]]
        applied.append(str(item["code"]))
    if applied:
        resummarise(result)
    return applied


def write_overrides_template(path: Path) -> None:
    """Write a blank, commented overrides file (.yaml or .csv)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with path.open("w", encoding="utf-8-sig", newline="") as fh:
                csv.writer(fh).writerow(TEMPLATE_HEADER)
            return
        if suffix not in (".yaml", ".yml"):
            raise InputError(f"ไฟล์ {path} ต้องเป็น .yaml หรือ .csv / {path} must be .yaml or .csv")
        path.write_text(
            "# ผลที่ผู้ตรวจกำหนดเอง (ใช้แทนผลของโปรแกรม) / reviewer overrides for `ita-checker scan --overrides`\n"
            "# verdict: " + ", ".join(VERDICT_ORDER) + " (หรือชื่อไทย เช่น ผ่าน)\n"
            "# date: ปปปป-ดด-วว (ค.ศ.); แก้ date เมื่อยืนยันผลใหม่หลังหลักฐานเปลี่ยน\n"
            "overrides: []\n"
            "#  - agency: '6501001'\n"
            "#    item: O23\n"
            "#    verdict: pass\n"
            "#    reason: แผนอยู่ในไฟล์ PDF ที่โปรแกรมอ่านไม่ได้\n"
            "#    reviewer: นางสาวตัวอย่าง ผู้ตรวจ\n"
            "#    date: '2026-01-15'\n",
            encoding="utf-8",
        )
    except OSError as exc:
        raise InputError(f"บันทึกไฟล์ {path} ไม่ได้ ({exc}) / cannot write {path} ({exc})") from exc
