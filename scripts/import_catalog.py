"""Create rules/<ruleset>/ from an OIT catalog in ../shared/oit (one rule.yaml per item; existing rules are kept)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_PREFIX = "[ไม่ทราบ - คาดว่า]"
YEAR_SUFFIX = re.compile(r"\s*(ประจำ)?ปี(งบประมาณ)?\s*(พ\.ศ\.)?\s*\{?[0-9fy\-]+\}?\s*$")


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


yaml.SafeDumper.add_representer(str, _str_presenter)


def bare_title(title: str) -> str:
    title = title.replace(PLACEHOLDER_PREFIX, "").strip()
    return YEAR_SUFFIX.sub("", title).strip()


def slug(item: dict[str, Any]) -> str:
    num = int(re.sub(r"\D", "", item["code"]))
    prefix = re.sub(r"\d", "", item["code"]).lower()
    concept = (item.get("concepts") or ["item"])[0].replace("_", "-")
    return f"{prefix}{num:02d}-{concept}"


def fix_hint(item: dict[str, Any], fy: int) -> str:
    """What to publish; the missing elements themselves are listed per agency at check time."""
    title = bare_title(item["title_th"])
    period = item.get("period", "none")
    when = {
        "current_fy": f" ของปีงบประมาณ พ.ศ. {fy}",
        "previous_fy": f" ของปีงบประมาณ พ.ศ. {fy - 1}",
        "first_half_current_fy": f" ครบทุกเดือน ต.ค. {fy - 1} – มี.ค. {fy}",
        "multi_year_covering_current": f" ที่ช่วงปีของแผนครอบคลุม พ.ศ. {fy}",
    }.get(period, "")
    hint = f"เผยแพร่{title}{when} บนเว็บไซต์หลักของหน่วยงาน"
    if item.get("signed_by_head") is True:
        hint += " และลงนามโดยผู้บริหารสูงสุด"
    return hint


def build_rule(cat: dict[str, Any], item: dict[str, Any], catalog_name: str) -> dict[str, Any]:
    fy = int(cat["fiscal_year"])
    title = item.get("title_generic_th", item["title_th"]).replace("{fy}", str(fy)).replace("{fy-1}", str(fy - 1))
    bare = bare_title(item["title_th"])
    topic_any: list[str] = []
    for kw in [
        bare,
        *item.get("title_variants", []),
        *item.get("inferred_title_candidates", []),
        *item.get("typical_keywords", []),
    ]:
        kw = bare_title(str(kw))
        if kw and kw not in topic_any:
            topic_any.append(kw)
    elements = []
    for e in item.get("elements", []):
        el: dict[str, Any] = {
            "id": e["id"],
            "label_th": e["label_th"],
            "keywords": [str(k) for k in e.get("keywords", [])],
            "required": e.get("required", True),
            "check": e.get("check", "text"),
        }
        for key in ("applies_to", "period", "notes"):
            if e.get(key) is not None:
                el[key] = e[key]
        elements.append(el)
    conf = str(item.get("confidence", "L"))[:1]
    placeholder = bool(item.get("placeholder")) or conf == "?"
    rule: dict[str, Any] = {
        "id": slug(item),
        "code": item["code"],
        "ruleset": cat["ruleset"],
        "year": fy,
        "title_th": title.replace(PLACEHOLDER_PREFIX, "").strip() if not placeholder else item["title_th"],
        "applies_to": list(cat["applies_to"]),
        "source": f"shared/oit/{catalog_name} {item['code']}",
        "sources": list(item.get("sources", [])),
        "confidence": conf if conf in "HML?" else "L",
        "placeholder": placeholder,
    }
    if placeholder:
        rule["placeholder_reason"] = (
            "ชื่อและเกณฑ์ของข้อนี้ยังไม่พบจากแหล่งข้อมูล (เป็นข้อคาดการณ์ในแคตตาล็อก) "
            "ผลตรวจจึงไม่เกิน needs_review / item not found in any source; placeholder, so at most needs_review"
        )
    rule["topic"] = {"any": topic_any}
    rule["period"] = item.get("period", "none")
    rule["elements"] = elements
    if item.get("satisfied_by"):
        rule["satisfied_by"] = item["satisfied_by"]
    rule["signed_by_head"] = item.get("signed_by_head", False)
    rule["message_th"] = f"ไม่พบ{bare}ที่ครบตามเกณฑ์บนเว็บไซต์หลัก"
    rule["fix_hint_th"] = fix_hint(item, fy)
    if item.get("agency_type_notes"):
        rule["agency_type_notes"] = {str(k): str(v) for k, v in item["agency_type_notes"].items()}
    return rule


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("catalog", type=Path, nargs="+")
    ap.add_argument("--force", action="store_true", help="overwrite existing rule.yaml files")
    args = ap.parse_args()
    for path in args.catalog:
        cat = yaml.safe_load(path.read_text(encoding="utf-8"))
        rs_dir = ROOT / "rules" / cat["ruleset"]
        rs_dir.mkdir(parents=True, exist_ok=True)
        info = {
            "ruleset": cat["ruleset"],
            "year": int(cat["fiscal_year"]),
            "instrument": cat["instrument"],
            "status": cat["status"],
            "applies_to": cat["applies_to"],
            "item_count": int(cat["item_count"]),
            "source_catalog": f"shared/oit/{path.name}",
            "list_confidence": str(cat["list_confidence"]).strip(),
            "known_gaps": [str(g) for g in cat.get("known_gaps", [])],
        }
        (rs_dir / "ruleset.yaml").write_text(yaml.safe_dump(info, allow_unicode=True, sort_keys=False, width=110))
        written = 0
        for item in cat["items"]:
            rule = build_rule(cat, item, path.name)
            d = rs_dir / rule["id"]
            d.mkdir(exist_ok=True)
            (d / "cases").mkdir(exist_ok=True)
            f = d / "rule.yaml"
            if f.exists() and not args.force:
                continue
            header = f"# Rule {rule['ruleset']} {rule['code']}: generated from {rule['source']}; edit freely.\n"
            f.write_text(header + yaml.safe_dump(rule, allow_unicode=True, sort_keys=False, width=110))
            written += 1
        print(f"{cat['ruleset']}: {len(cat['items'])} items, {written} rule files written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
