"""Create or sync rules/<ruleset>/ from an OIT catalog in ../shared/oit (one rule.yaml per item, cases alongside)."""

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


def title_terms(item: dict[str, Any]) -> list[str]:
    """The item's title and its published variants, without year suffixes: always topic terms of its rule."""
    terms = (bare_title(str(t)) for t in [item["title_th"], *item.get("title_variants", [])])
    return list(dict.fromkeys(t for t in terms if t))


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


CATALOG_FIELDS = ("code", "ruleset", "year", "title_th", "source", "sources", "confidence", "placeholder", "period")
_BE4 = re.compile(r"(?<!\d)(25[4-8]\d)(?!\d)")
_CE4 = re.compile(r"(?<!\d)(20[1-3]\d)(?!\d)")
_THAI4 = re.compile(r"(?<![๐-๙])(๒๕[๔-๘][๐-๙])(?![๐-๙])")
_BE2 = re.compile(
    r"((?:ปีงบประมาณ|ปีงบ|งบประมาณ|พ\.ศ\.|ปี|'|ต\.ค\.|พ\.ย\.|ธ\.ค\.|ม\.ค\.|ก\.พ\.|มี\.ค\.|เม\.ย\.|พ\.ค\.|มิ\.ย\.|"
    r"ก\.ค\.|ส\.ค\.|ก\.ย\.)\s?)([5-8]\d)(?![\d.])"
)
_THAI2 = re.compile(
    r"((?:ปีงบประมาณ|ปีงบ|พ\.ศ\.|ปี|ต\.ค\.|พ\.ย\.|ธ\.ค\.|ม\.ค\.|ก\.พ\.|มี\.ค\.|เม\.ย\.|พ\.ค\.|มิ\.ย\.|"
    r"ก\.ค\.|ส\.ค\.|ก\.ย\.)\s?)([๕-๘][๐-๙])(?![๐-๙.])"
)
_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_ASCII_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def shift_years(text: str, delta: int) -> str:
    """Shift every B.E. and C.E. year (4-digit, Thai-digit and 2-digit labelled forms) by ``delta`` years."""
    if delta == 0:
        return text
    text = _BE4.sub(lambda m: str(int(m[1]) + delta), text)
    text = _CE4.sub(lambda m: str(int(m[1]) + delta), text)
    text = _THAI4.sub(lambda m: str(int(m[1].translate(_ASCII_DIGITS)) + delta).translate(_THAI_DIGITS), text)
    text = _THAI2.sub(
        lambda m: m[1] + f"{int(m[2].translate(_ASCII_DIGITS)) + delta:02d}".translate(_THAI_DIGITS), text
    )
    return _BE2.sub(lambda m: f"{m[1]}{int(m[2]) + delta:02d}", text)


def _dump_rule(path: Path, rule: dict[str, Any], header: str) -> None:
    path.write_text(header + yaml.safe_dump(rule, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8")


def _read_rule(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text(encoding="utf-8")
    header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    return yaml.safe_load(text), header


def _merge_keywords(old: list[str], new: list[str]) -> list[str]:
    return list(dict.fromkeys([*old, *new]))


def sync_rule(old: dict[str, Any], fresh: dict[str, Any], titles: list[str]) -> dict[str, Any]:
    """Catalog-owned fields from ``fresh``; hand edits (topic terms, element keywords, notes, options) from ``old``."""
    rule = dict(old)
    was_placeholder = bool(old.get("placeholder"))
    for key in CATALOG_FIELDS:
        rule[key] = fresh[key]
    if fresh["placeholder"]:
        rule["placeholder_reason"] = fresh.get("placeholder_reason", old.get("placeholder_reason"))
    else:
        rule.pop("placeholder_reason", None)
        if old.get("title_th", "").startswith(PLACEHOLDER_PREFIX) and old["title_th"] != fresh["title_th"]:
            rule["title_th"] = fresh["title_th"]
    topic = dict(old.get("topic") or {})
    # Hand-pruned topic terms stay pruned: only the catalog's title and its variants are added.
    topic["any"] = _merge_keywords(list(topic.get("any", [])), titles)
    rule["topic"] = topic
    if was_placeholder and not fresh["placeholder"]:
        # The catalog now knows the item: hand-tuned elements stay, the catalog's other elements are added.
        have = {e["id"] for e in old.get("elements", [])}
        rule["elements"] = [*old.get("elements", []), *(e for e in fresh["elements"] if e["id"] not in have)]
        rule["message_th"] = fresh["message_th"]
    if old.get("period") != fresh["period"] or old.get("year") != fresh["year"] or was_placeholder:
        rule["fix_hint_th"] = fresh["fix_hint_th"]
    order = list(dict.fromkeys([*fresh, *old]))
    return {k: rule[k] for k in order if k in rule}


def carry_rule_dir(src: Path, dst: Path, delta: int) -> None:
    """Copy a rule folder (rule.yaml and cases) to another rule set, shifting the years in every case by ``delta``."""
    (dst / "cases").mkdir(parents=True, exist_ok=True)
    for case in sorted((src / "cases").glob("*")):
        if case.is_file():
            (dst / "cases" / shift_years(case.name, delta)).write_text(
                shift_years(case.read_text(encoding="utf-8"), delta), encoding="utf-8"
            )
    old, _ = _read_rule(src / "rule.yaml")
    for key in ("fix_hint_th", "message_th"):
        old[key] = shift_years(str(old[key]), delta)
    _dump_rule(dst / "rule.yaml", old, "")


def _ruleset_info(cat: dict[str, Any], path: Path) -> dict[str, Any]:
    return {
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


def _rule_dir(ruleset: str, code: str) -> Path:
    for f in sorted((ROOT / "rules" / ruleset).glob("*/rule.yaml")):
        if yaml.safe_load(f.read_text(encoding="utf-8"))["code"] == code:
            return f.parent
    raise SystemExit(f"no rule {code} in rules/{ruleset}")


def _ruleset_year(ruleset: str) -> int:
    return int(yaml.safe_load((ROOT / "rules" / ruleset / "ruleset.yaml").read_text(encoding="utf-8"))["year"])


def _parse_carry(values: list[str]) -> dict[str, tuple[str, str]]:
    """``CODE=RULESET/CODE`` pairs; ``RULESET`` alone means every item from the same code of that rule set."""
    out: dict[str, tuple[str, str]] = {}
    for v in values:
        if "=" in v:
            code, src = v.split("=", 1)
            rs, src_code = src.split("/", 1)
            out[code] = (rs, src_code)
        else:
            out["*"] = (v, "*")
    return out


def import_catalog(path: Path, *, force: bool, sync: bool, carry: dict[str, tuple[str, str]]) -> str:
    cat = yaml.safe_load(path.read_text(encoding="utf-8"))
    fy = int(cat["fiscal_year"])
    rs_dir = ROOT / "rules" / cat["ruleset"]
    rs_dir.mkdir(parents=True, exist_ok=True)
    info = _ruleset_info(cat, path)
    header = ""
    if carry:
        sources = sorted({rs for rs, _ in carry.values()})
        header = (
            f"# Rule set {cat['ruleset']} ({cat['status']}): rules and cases carried over from {', '.join(sources)} "
            f"by scripts/import_catalog.py --carry, years shifted, then synced with shared/oit/{path.name}.\n"
        )
    rs_file = rs_dir / "ruleset.yaml"
    if rs_file.exists():
        old_info, old_header = _read_rule(rs_file)
        header = header or old_header
        info = {**old_info, **info}
    rs_file.write_text(header + yaml.safe_dump(info, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8")
    existing = {}
    for f in rs_dir.glob("*/rule.yaml"):
        existing[yaml.safe_load(f.read_text(encoding="utf-8"))["code"]] = f.parent
    counts = {"new": 0, "carried": 0, "synced": 0, "unchanged": 0}
    for item in cat["items"]:
        fresh = build_rule(cat, item, path.name)
        d = existing.get(item["code"])
        carried = False
        src = carry.get(item["code"]) or ((carry["*"][0], item["code"]) if "*" in carry else None)
        if d is None and src is not None:
            d = rs_dir / fresh["id"]
            carry_rule_dir(_rule_dir(src[0], src[1]), d, fy - _ruleset_year(src[0]))
            carried = True
            counts["carried"] += 1
        if d is None or force:
            d = d or rs_dir / fresh["id"]
            (d / "cases").mkdir(parents=True, exist_ok=True)
            note = f"# Rule {fresh['ruleset']} {fresh['code']}: generated from {fresh['source']}; edit freely.\n"
            _dump_rule(d / "rule.yaml", fresh, note)
            counts["new"] += 1
            continue
        if not (sync or carried):
            counts["unchanged"] += 1
            continue
        old, old_header = _read_rule(d / "rule.yaml")
        merged = sync_rule(old, fresh, title_terms(item))
        merged["id"] = d.name
        if merged != old:
            note = (
                old_header
                or f"# Rule {fresh['ruleset']} {fresh['code']}: carried over, synced with {fresh['source']}.\n"
            )
            _dump_rule(d / "rule.yaml", merged, note)
            counts["synced"] += 1
        else:
            counts["unchanged"] += 1
    return f"{cat['ruleset']}: {len(cat['items'])} items, " + ", ".join(f"{k} {v}" for k, v in counts.items())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("catalog", type=Path, nargs="+")
    ap.add_argument("--force", action="store_true", help="overwrite existing rule.yaml files with fresh ones")
    ap.add_argument(
        "--sync",
        action="store_true",
        help="update catalog-owned fields in place",
    )
    ap.add_argument(
        "--carry",
        action="append",
        default=[],
        metavar="RULESET|CODE=RULESET/CODE",
        help="start missing rules from another rule set's rule and cases (years shifted), then sync",
    )
    args = ap.parse_args()
    carry = _parse_carry(args.carry)
    for path in args.catalog:
        print(import_catalog(path, force=args.force, sync=args.sync, carry=carry), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
