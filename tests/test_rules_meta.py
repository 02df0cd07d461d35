"""Repository-wide invariants of the rule sets: every catalog item covered, fixtures present, ids sane."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ita_checker.rules.casetest import parse_case_name
from ita_checker.rules.loader import get_ruleset, list_rulesets, load_rule_file

from .conftest import ROOT

SHARED = ROOT.parent / "shared" / "oit"
RULESET_IDS = [d.name for d in list_rulesets()]


def test_all_rule_sets_validate() -> None:
    assert set(RULESET_IDS) >= {
        "nacc-2566",
        "nacc-2567",
        "nacc-2568",
        "nacc-2569",
        "nacc-2570",
        "ovec-2569",
        "ovec-2570",
        "moph-moit-2568",
        "moph-moit-2569",
        "moph-moit-2570",
    }
    for rs_id in RULESET_IDS:
        rs = get_ruleset(rs_id)
        assert len(rs.rules) == rs.info.item_count


PLACEHOLDER_PREFIX = "[ไม่ทราบ - คาดว่า]"


def _catalog_title(cat: dict[str, object], item: dict[str, str]) -> str:
    fy = int(str(cat["fiscal_year"]))
    if item.get("placeholder") or str(item.get("confidence")) == "?":
        return item["title_th"]
    title = item.get("title_generic_th", item["title_th"]).replace("{fy}", str(fy)).replace("{fy-1}", str(fy - 1))
    return title.replace(PLACEHOLDER_PREFIX, "").strip()


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/oit not present")
@pytest.mark.parametrize("catalog", sorted(SHARED.glob("*.yaml")) if SHARED.is_dir() else [], ids=lambda p: p.name)
def test_every_catalog_item_has_a_rule(catalog: Path) -> None:
    cat = yaml.safe_load(catalog.read_text(encoding="utf-8"))
    rs = get_ruleset(cat["ruleset"])
    assert rs.info.status == cat["status"], f"{cat['ruleset']}: status differs from {catalog.name}"
    assert rs.info.year == int(cat["fiscal_year"])
    assert rs.info.item_count == int(cat["item_count"])
    assert [r.code for r in rs.rules] == [it["code"] for it in cat["items"]]
    for rule, item in zip(rs.rules, cat["items"], strict=True):
        where = f"{cat['ruleset']} {rule.code}"
        assert rule.title_th == _catalog_title(cat, item), where
        assert rule.period == item["period"], where
        assert rule.confidence == str(item.get("confidence", "L"))[:1], where
        assert rule.placeholder == bool(item.get("placeholder") or str(item.get("confidence")) == "?"), where


CARRIED = ["nacc-2570", "ovec-2570", "moph-moit-2569", "moph-moit-2570"]


@pytest.mark.parametrize("rs_id", CARRIED)
def test_carried_rule_sets_exercise_their_own_years(rs_id: str) -> None:
    """Cases of a carried-over rule set are re-dated: last year's document is the stale one, not two years ago."""
    rs = get_ruleset(rs_id)
    last, this = str(rs.info.year - 1), str(rs.info.year)
    stale_with_last_year = 0
    for rule in rs.rules:
        for case in (rs.rule_dirs[rule.code] / "cases").glob("*"):
            if case.is_dir():  # a case page's linked documents
                continue
            text = case.read_text(encoding="utf-8").translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
            if rule.period == "current_fy" and case.name.startswith("fail-stale-"):
                stale_with_last_year += last in text and this not in text
            if rule.period == "previous_fy" and case.name.startswith("pass-"):
                assert last in text, f"{case}: a previous-year item's pass case needs a {last} document"
    assert stale_with_last_year >= 3, f"{rs_id}: too few stale cases dated {last}"


@pytest.mark.parametrize("rs_id", RULESET_IDS)
def test_every_rule_has_pass_and_fail_cases(rs_id: str) -> None:
    rs = get_ruleset(rs_id)
    lacking = []
    for rule in rs.rules:
        cases = [c for p in (rs.rule_dirs[rule.code] / "cases").glob("*") if (c := parse_case_name(p))]
        n_pass = sum(1 for c in cases if c.expect_pass)
        n_fail = sum(1 for c in cases if not c.expect_pass)
        if n_pass < 2 or n_fail < 2:
            lacking.append(f"{rule.id} (pass={n_pass}, fail={n_fail})")
    assert not lacking, f"{rs_id}: rules without 2 pass + 2 fail cases: {lacking}"


def test_bad_rule_file_names_file_line_and_field(tmp_path: Path) -> None:
    d = tmp_path / "o01-x"
    d.mkdir()
    f = d / "rule.yaml"
    f.write_text(
        "id: o01-x\ncode: O1\nruleset: t\nyear: 2569\ntitle_th: ทดสอบ\napplies_to: [local]\nsource: s\n"
        "confidence: M\ntopic:\n  any: [ทดสอบ]\n  anyy: [x]\nperiod: this_year\nmessage_th: m\nfix_hint_th: f\n",
        encoding="utf-8",
    )
    rule, problems = load_rule_file(f)
    assert rule is None
    text = "\n".join(map(str, problems))
    assert f"{f}:11: topic.anyy" in text
    assert "unknown key" in text
    assert f"{f}:12: period" in text


def test_cli_rules_validate_and_test_pass_for_every_rule_set() -> None:
    from click.testing import CliRunner

    from ita_checker.cli.main import main

    runner = CliRunner()
    v = runner.invoke(main, ["rules", "validate"])
    assert v.exit_code == 0, v.output
    assert "270" in v.output
    t = runner.invoke(main, ["rules", "test", "-q"])
    assert t.exit_code == 0, t.output
    assert "FP=0" in t.output
    assert "false passes=0" in t.output


def test_cli_rules_validate_reports_a_broken_rule(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from ita_checker.cli.main import main

    rs = tmp_path / "x-2569"
    (rs / "o01-a").mkdir(parents=True)
    (rs / "ruleset.yaml").write_text(
        "ruleset: x-2569\nyear: 2569\ninstrument: t\nstatus: provisional\napplies_to: [local]\nitem_count: 1\n"
        "source_catalog: t\nlist_confidence: t\n",
        encoding="utf-8",
    )
    (rs / "o01-a" / "rule.yaml").write_text("id: o01-a\ncode: O1\nbogus: 1\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["rules", "validate", "--dir", str(tmp_path)])
    assert r.exit_code == 2
    assert "rule.yaml:3: bogus" in r.output
    assert "Traceback" not in r.output
