"""Rule fixtures runner: every rules/<ruleset>/<rule>/cases/* file, plus the unrelated-pages corpus."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ita_checker.errors import InputError
from ita_checker.extract.document import Document
from ita_checker.extract.evidence import EvidenceDoc
from ita_checker.extract.html import extract_html
from ita_checker.rules.engine import judge_bundle
from ita_checker.rules.loader import RuleSet, get_ruleset, list_rulesets, rules_root
from ita_checker.rules.model import Rule
from ita_checker.store.blobs import FetchRecord
from ita_checker.text.thaitext import normalize

CASE_BASE = "https://www.example.go.th/page/"
SPECIFIC = {"stale": "stale", "incomplete": "incomplete", "absent": "fail", "review": "needs_review"}
_META_TYPE = re.compile(rb"""<meta\s+name=["']ita-agency-type["']\s+content=["']([a-z_]+)["']""", re.I)
FILES_SUFFIX = ".files"  # `pass-x.html` + `pass-x.files/<linked file name>.txt`: the documents the page links
_META_ANCHOR = re.compile(rb"""<meta\s+name=["']ita-anchor["']\s+content=["']([^"']*)["']""", re.I)


@dataclass(frozen=True)
class Case:
    path: Path
    expect_pass: bool
    specific: str | None
    todo: bool


@dataclass
class CaseOutcome:
    case: Case
    verdict: str
    agency_type: str

    @property
    def correct(self) -> bool:
        if self.case.expect_pass:
            return self.verdict == "pass"
        if self.case.specific:
            return self.verdict == self.case.specific
        return self.verdict != "pass"


@dataclass
class RuleRow:
    rule: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    xfail: int = 0


@dataclass
class CaseReport:
    rows: list[RuleRow] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return {k: sum(getattr(r, k) for r in self.rows) for k in ("tp", "fp", "fn", "tn")}


def parse_case_name(path: Path) -> Case | None:
    name = path.name
    if name.endswith(FILES_SUFFIX) or path.is_dir():  # the documents a case page links, not a case
        return None
    todo = name.startswith("todo-")
    stem = name.removeprefix("todo-")
    if stem.startswith("pass-"):
        return Case(path, True, None, todo)
    if stem.startswith("fail-"):
        kind = stem.split("-")[1] if stem.count("-") >= 2 else ""
        return Case(path, False, SPECIFIC.get(kind), todo)
    return None


def case_bundle(path: Path) -> tuple[list[EvidenceDoc], str | None]:
    """The evidence of a case: its page, then the documents of its ``.files`` folder that the page links (each
    seen through its link text, as the crawler fetches them), and the agency type the case declares."""
    ev, agency_type = case_evidence(path)
    files = path.with_name(path.name + FILES_SUFFIX)
    if not files.is_dir():
        return [ev], agency_type
    docs = [ev]
    for ln in ev.doc.links:
        f = files / (ln.href.rsplit("/", 1)[-1] + ".txt")
        if not f.is_file() or any(d.url == ln.href for d in docs):
            continue
        body = normalize(f.read_text(encoding="utf-8"))
        doc = Document(kind="pdf", text=body, full_text=body, pages=1)
        rec = FetchRecord(
            url=ln.href,
            source="linked",
            final_url=ln.href,
            status=200,
            sha256="1" * 64,
            parent_url=ev.url,
            anchor=ln.text or None,
        )
        docs.append(EvidenceDoc(record=rec, doc=doc))
    return docs, agency_type


def case_evidence(path: Path) -> tuple[EvidenceDoc, str | None]:
    """Build the evidence document of a case file; returns it and the agency type the case declares."""
    data = path.read_bytes()
    url = CASE_BASE + "case" + path.suffix  # neutral: the file name must not feed the topic or year matchers
    agency_type = None
    anchor = ""
    if path.suffix in (".html", ".htm"):
        m = _META_TYPE.search(data[:4096])
        agency_type = m.group(1).decode() if m else None
        a = _META_ANCHOR.search(data[:4096])
        anchor = a.group(1).decode("utf-8") if a else ""
        doc = extract_html(data, url=url, content_type="text/html; charset=utf-8")
    else:
        text = data.decode("utf-8")
        lines = text.splitlines()
        while lines and lines[0].startswith("#"):
            key, _, value = lines.pop(0).lstrip("# ").partition(":")
            if key.strip() == "agency_type":
                agency_type = value.strip()
            elif key.strip() == "anchor":
                anchor = value.strip()
        body = normalize("\n".join(lines))
        first = next((ln for ln in body.splitlines() if ln.strip()), "")
        doc = Document(kind="pdf", title=first[:200], text=body, full_text=body)
    rec = FetchRecord(url=url, source="submitted", final_url=url, status=200, sha256="0" * 64, anchor=anchor or None)
    return EvidenceDoc(record=rec, doc=doc), agency_type


def default_agency_type(rule: Rule) -> str:
    return "department" if "department" in rule.applies_to else str(rule.applies_to[0])


def run_case(rule: Rule, case: Case) -> CaseOutcome:
    docs, declared = case_bundle(case.path)
    agency_type = declared or default_agency_type(rule)
    j = judge_bundle(rule, docs, fy=rule.year, agency_type=agency_type, primary={docs[0].url})
    return CaseOutcome(case=case, verdict=j.verdict, agency_type=agency_type)


def corpus_dir() -> Path:
    return rules_root().parent / "tests" / "corpus" / "unrelated"


def _rulesets(ruleset_id: str | None) -> list[RuleSet]:
    if ruleset_id:
        return [get_ruleset(ruleset_id)]
    out = []
    for d in list_rulesets():
        out.append(get_ruleset(d.name))
    return out


def run_cases(*, ruleset_id: str | None = None) -> CaseReport:
    """Run all fixtures; a todo case that starts passing is a failure too (rename it)."""
    report = CaseReport()
    corpus = sorted(corpus_dir().glob("*.htm*")) if corpus_dir().is_dir() else []
    for rs in _rulesets(ruleset_id):
        for rule in rs.rules:
            row = RuleRow(rule=f"{rs.id}/{rule.id}")
            cases = [
                c
                for p in sorted((rs.rule_dirs[rule.code] / "cases").glob("*"))
                if (c := parse_case_name(p)) is not None
            ]
            cases += [Case(p, False, None, False) for p in corpus]
            for case in cases:
                try:
                    out = run_case(rule, case)
                except (OSError, UnicodeDecodeError) as exc:
                    raise InputError(f"อ่านไฟล์ทดสอบไม่ได้ / cannot read case {case.path}: {exc}") from exc
                if case.todo:
                    row.xfail += 1
                    if out.correct:
                        report.failures.append(f"{case.path}: todo case now gives {out.verdict}; rename it")
                    continue
                if case.expect_pass:
                    row.tp += out.verdict == "pass"
                    row.fn += out.verdict != "pass"
                else:
                    row.fp += out.verdict == "pass"
                    row.tn += out.verdict != "pass"
                if not out.correct:
                    want = "pass" if case.expect_pass else (case.specific or "not pass")
                    report.failures.append(
                        f"{case.path}: expected {want}, got {out.verdict} (agency_type={out.agency_type})"
                    )
            report.rows.append(row)
    return report
