"""Load and validate rule files, with errors that name the file, line and field and say how to fix them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ita_checker.errors import InputError
from ita_checker.rules.model import Rule, RuleSetInfo

Loc = tuple[str | int, ...]


PACKAGE_DIR = Path(__file__).resolve().parent.parent


def rules_root() -> Path:
    """The rule sets: $ITA_RULES_DIR, else the copy inside an installed wheel, else rules/ of the checkout."""
    env = os.environ.get("ITA_RULES_DIR")
    if env:
        return Path(env)
    packaged = PACKAGE_DIR / "_rules"
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent / "rules"


@dataclass
class RuleSet:
    """A loaded rule set: its metadata and its rules ordered by item number."""

    info: RuleSetInfo
    rules: list[Rule]
    path: Path
    rule_dirs: dict[str, Path] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.info.ruleset

    @property
    def weak_items(self) -> int:
        """Items whose criteria rest on one weak source or none (confidence L or ?)."""
        return sum(1 for r in self.rules if r.confidence in ("L", "?"))

    @property
    def caveat_th(self) -> str | None:
        """The warning every output carries for a provisional or low-confidence rule set; None when confirmed."""
        if self.info.status == "confirmed" and self.weak_items == 0:
            return None
        kind = "ยังเป็นฉบับคาดการณ์ (provisional)" if self.info.status == "provisional" else "มีข้อที่เกณฑ์ยังไม่แน่นอน"
        return (
            f"ชุดเกณฑ์ปี {self.info.year} ({self.id}) {kind}: ความเชื่อมั่นต่ำ {self.weak_items} จาก {len(self.rules)} ข้อ "
            "รายการข้อและเกณฑ์อาจต่างจากคู่มือการประเมินจริง คะแนนจึงเป็นเพียงการประมาณ "
            f"/ rule set {self.id} is {self.info.status}; {self.weak_items} of {len(self.rules)} items have "
            "low-confidence criteria, so the score is an estimate"
        )


@dataclass(frozen=True)
class RuleProblem:
    """One validation problem, located in a file."""

    path: Path
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.field}: {self.message}"


def _compose(text: str, path: Path) -> tuple[Any, dict[Loc, int]]:
    """Parse YAML keeping the line of every mapping key / sequence entry."""
    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_cls(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise InputError(f"{path}:{line}: YAML ไม่ถูกต้อง / invalid YAML: {exc}") from exc
    finally:
        loader.dispose()
    lines: dict[Loc, int] = {}

    def walk(n: yaml.Node | None, loc: Loc) -> None:
        if n is None:
            return
        lines.setdefault(loc, n.start_mark.line + 1)
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                key = k.value
                lines[(*loc, key)] = k.start_mark.line + 1
                walk(v, (*loc, key))
        elif isinstance(n, yaml.SequenceNode):
            for i, v in enumerate(n.value):
                walk(v, (*loc, i))

    walk(node, ())
    return data, lines


def _problems(exc: ValidationError, path: Path, lines: dict[Loc, int]) -> list[RuleProblem]:
    out = []
    for err in exc.errors():
        loc: Loc = tuple(err["loc"])
        line = None
        probe = loc
        while probe and line is None:
            line = lines.get(probe)
            probe = probe[:-1]
        name = ".".join(str(p) for p in loc) or "(file)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "ไม่รู้จักคีย์นี้ ลบออกหรือแก้ตัวสะกด / unknown key: remove it or fix the spelling"
        elif err["type"] == "missing":
            msg = "ต้องมีคีย์นี้ / required key is missing: add it (see rules/README.md)"
        elif err["type"] in ("literal_error", "enum"):
            msg = f"ค่าไม่ถูกต้อง / {msg}"
        out.append(RuleProblem(path, line, name, msg))
    return out


def load_rule_file(path: Path) -> tuple[Rule | None, list[RuleProblem]]:
    """Load one rule.yaml; returns the rule or the list of problems."""
    try:
        data, lines = _compose(path.read_text(encoding="utf-8"), path)
    except InputError as exc:
        return None, [RuleProblem(path, None, "(file)", str(exc))]
    except OSError as exc:
        return None, [RuleProblem(path, None, "(file)", f"อ่านไฟล์ไม่ได้ / cannot read: {exc}")]
    if not isinstance(data, dict):
        return None, [RuleProblem(path, 1, "(file)", "ต้องเป็น mapping ของ YAML / must be a YAML mapping")]
    try:
        rule = Rule.model_validate(data)
    except ValidationError as exc:
        return None, _problems(exc, path, lines)
    problems = []
    if rule.id != path.parent.name:
        problems.append(
            RuleProblem(
                path,
                lines.get(("id",)),
                "id",
                f"id ต้องตรงกับชื่อโฟลเดอร์ '{path.parent.name}' / id must equal the folder name",
            )
        )
    return (rule if not problems else None), problems


def _dir_stamp(rs_dir: Path) -> tuple[tuple[str, int, int], ...]:
    files = [rs_dir / "ruleset.yaml", *sorted(rs_dir.glob("*/rule.yaml"))]
    out = []
    for f in files:
        try:
            st = f.stat()
            out.append((str(f), st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((str(f), 0, 0))
    return tuple(out)


_CACHE: dict[Path, tuple[tuple[tuple[str, int, int], ...], tuple[RuleSet | None, list[RuleProblem]]]] = {}


def load_ruleset(rs_dir: Path) -> tuple[RuleSet | None, list[RuleProblem]]:
    """Load rules/<ruleset>/ (ruleset.yaml and every */rule.yaml); cached until a file changes."""
    stamp = _dir_stamp(rs_dir)
    hit = _CACHE.get(rs_dir)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    loaded = _load_ruleset(rs_dir)
    _CACHE[rs_dir] = (stamp, loaded)
    return loaded


def _load_ruleset(rs_dir: Path) -> tuple[RuleSet | None, list[RuleProblem]]:
    problems: list[RuleProblem] = []
    info_path = rs_dir / "ruleset.yaml"
    info: RuleSetInfo | None = None
    try:
        data, lines = _compose(info_path.read_text(encoding="utf-8"), info_path)
        info = RuleSetInfo.model_validate(data)
    except OSError:
        problems.append(RuleProblem(info_path, None, "(file)", "ไม่มี ruleset.yaml / missing ruleset.yaml"))
    except InputError as exc:
        problems.append(RuleProblem(info_path, None, "(file)", str(exc)))
    except ValidationError as exc:
        problems.extend(_problems(exc, info_path, lines))
    rules: list[Rule] = []
    dirs: dict[str, Path] = {}
    for f in sorted(rs_dir.glob("*/rule.yaml")):
        rule, probs = load_rule_file(f)
        problems.extend(probs)
        if rule is None:
            continue
        if info and rule.ruleset != info.ruleset:
            problems.append(RuleProblem(f, None, "ruleset", f"ต้องเป็น '{info.ruleset}' / must be '{info.ruleset}'"))
            continue
        if rule.code in {r.code for r in rules}:
            problems.append(RuleProblem(f, None, "code", f"รหัส {rule.code} ซ้ำ / duplicate code {rule.code}"))
            continue
        rules.append(rule)
        dirs[rule.code] = f.parent
    rules.sort(key=lambda r: r.number)
    if info and not problems and len(rules) != info.item_count:
        problems.append(
            RuleProblem(
                info_path, None, "item_count", f"มี {len(rules)} กฎ แต่ item_count = {info.item_count} / count mismatch"
            )
        )
    if info is None or problems:
        return None, problems
    return RuleSet(info=info, rules=rules, path=rs_dir, rule_dirs=dirs), problems


def list_rulesets(root: Path | None = None) -> list[Path]:
    root = root or rules_root()
    return sorted(p.parent for p in root.glob("*/ruleset.yaml"))


def find_ruleset(*, year: int, agency_type: str, root: Path | None = None) -> RuleSet:
    """The rule set for a fiscal year and agency type (variants first: hospital → MOIT, ...)."""
    root = root or rules_root()
    candidates: list[RuleSet] = []
    for d in list_rulesets(root):
        rs, problems = load_ruleset(d)
        if rs is None:
            if d.name.endswith(str(year)):
                raise InputError("กฎตรวจมีข้อผิดพลาด / rule set has errors:\n" + "\n".join(map(str, problems)))
            continue
        if rs.info.year == year and agency_type in rs.info.applies_to:
            candidates.append(rs)
    if not candidates:
        loaded = [rs for rs in (load_ruleset(d)[0] for d in list_rulesets(root)) if rs is not None]
        for_type = sorted(f"{rs.info.year} ({rs.id})" for rs in loaded if agency_type in rs.info.applies_to)
        have = ", ".join(for_type) or "-"
        raise InputError(
            f"ไม่มีชุดกฎสำหรับปีงบประมาณ {year} ประเภท {agency_type} (ที่มีสำหรับประเภทนี้: {have}) / "
            f"no rule set for year {year} and agency type {agency_type}; this type has: {have}"
        )
    # The general NACC list wins over variants (OVEC colleges) when both apply; pass --ruleset for a variant.
    candidates.sort(key=lambda rs: (-len(rs.info.applies_to), rs.id))
    return candidates[0]


def get_ruleset(ruleset_id: str, root: Path | None = None) -> RuleSet:
    """Load a rule set by id, or raise InputError naming the known ids."""
    root = root or rules_root()
    d = root / ruleset_id
    if not (d / "ruleset.yaml").exists():
        known = [p.name for p in list_rulesets(root)]
        raise InputError(f"ไม่รู้จักชุดกฎ '{ruleset_id}' (มี: {known}) / unknown rule set '{ruleset_id}'; known: {known}")
    rs, problems = load_ruleset(d)
    if rs is None:
        raise InputError("กฎตรวจมีข้อผิดพลาด / rule set has errors:\n" + "\n".join(map(str, problems)))
    return rs
