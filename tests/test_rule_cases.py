"""Every rule fixture (rules/**/cases/*) and the unrelated corpus, through the real engine; one test, many cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from ita_checker.rules.casetest import Case, corpus_dir, parse_case_name, run_case
from ita_checker.rules.loader import RuleSet, get_ruleset, list_rulesets

RULESETS: list[RuleSet] = [get_ruleset(d.name) for d in list_rulesets()]


def _params() -> list[object]:
    out: list[object] = []
    for rs in RULESETS:
        for rule in rs.rules:
            for p in sorted((rs.rule_dirs[rule.code] / "cases").glob("*")):
                case = parse_case_name(p)
                if case is None:
                    continue
                marks = [pytest.mark.xfail(strict=True, reason="known gap (todo case)")] if case.todo else []
                out.append(pytest.param(rule, case, id=f"{rs.id}/{rule.id}/{p.name}", marks=marks))
    return out


@pytest.mark.parametrize(("rule", "case"), _params())
def test_rule_case(rule, case: Case) -> None:
    out = run_case(rule, case)
    want = "pass" if case.expect_pass else (case.specific or "not pass")
    assert out.correct, f"{case.path.name}: expected {want}, got {out.verdict}"


CORPUS = sorted(corpus_dir().glob("*.htm*")) if corpus_dir().is_dir() else []


@pytest.mark.parametrize("page", CORPUS, ids=[p.name for p in CORPUS])
def test_no_rule_passes_unrelated_pages(page: Path) -> None:
    passed = []
    for rs in RULESETS:
        for rule in rs.rules:
            if run_case(rule, Case(page, False, None, False)).verdict == "pass":
                passed.append(f"{rs.id}/{rule.id}")
    assert not passed, f"{page.name} passed {passed}"
