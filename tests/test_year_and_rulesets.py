"""Year and rule-set selection that explains itself; provisional rule sets are visible; rules diff."""

from __future__ import annotations

import json
from datetime import UTC, date

import pytest
from click.testing import CliRunner

from ita_checker.cli.main import main
from ita_checker.cli.options import current_fiscal_year
from ita_checker.errors import InputError
from ita_checker.rules.diff import diff_rulesets
from ita_checker.rules.loader import find_ruleset, get_ruleset
from ita_checker.text.thaidate import fiscal_year_of


def test_current_fiscal_year_follows_bangkok_date(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime, tzinfo

    from ita_checker.cli import options as cli_options

    class Late(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Late:  # type: ignore[override]
            return cls(2026, 9, 30, 17, 30, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(cli_options, "datetime", Late)
    assert current_fiscal_year() == 2570  # 30 Sep 17:30 UTC is already 1 Oct 2569 B.E. in Bangkok
    assert fiscal_year_of(date(2026, 12, 2)) == 2570
    assert fiscal_year_of(date(2026, 9, 30)) == 2569


@pytest.mark.parametrize(
    ("agency_type", "expected"),
    [
        ("department", "nacc-2570"),
        ("province", "nacc-2570"),
        ("district", "nacc-2570"),
        ("local", "nacc-2570"),
        ("school", "nacc-2570"),
        ("hospital", "moph-moit-2570"),
    ],
)
def test_every_agency_type_has_a_2570_rule_set(agency_type: str, expected: str) -> None:
    assert find_ruleset(year=2570, agency_type=agency_type).id == expected


def test_no_rule_set_message_lists_what_the_type_has_and_not_the_refused_year() -> None:
    with pytest.raises(InputError) as exc:
        find_ruleset(year=2566, agency_type="hospital")
    msg = str(exc.value)
    assert "ไม่มีชุดกฎสำหรับปีงบประมาณ 2566" in msg
    have = msg.split("ที่มีสำหรับประเภทนี้:")[1].split(" / ")[0]
    assert "2566" not in have
    assert "2568 (moph-moit-2568)" in have
    assert "2570 (moph-moit-2570)" in have


def test_ce_year_is_bad_input_with_a_suggestion() -> None:
    r = CliRunner().invoke(main, ["check", "http://127.0.0.1:9/", "--year", "2026", "--agency-type", "local"])
    assert r.exit_code == 2
    assert "ค.ศ." in r.output
    assert "2569" in r.output
    assert "Traceback" not in r.output


def test_check_refuses_unknown_thai_type_and_accepts_known_ones() -> None:
    r = CliRunner().invoke(main, ["check", "http://127.0.0.1:9/", "--year", "2570", "--agency-type", "กระทรวง"])
    assert r.exit_code == 2
    assert "ไม่รู้จักประเภทหน่วยงาน" in r.output
    from ita_checker.cli.options import agency_type_callback

    for th, en in [("อบต.", "local"), ("เทศบาล", "local"), ("โรงพยาบาล", "hospital"), ("สสอ.", "hospital")]:
        assert agency_type_callback(None, None, th) == en  # type: ignore[arg-type]


def test_provisional_rule_sets_carry_a_caveat_and_confirmed_ones_do_not() -> None:
    caveat = get_ruleset("nacc-2570").caveat_th
    assert caveat is not None
    assert caveat.startswith("ชุดเกณฑ์ปี 2570 (nacc-2570) ยังเป็นฉบับคาดการณ์")
    assert "26 จาก 26" in caveat  # every FY2570 item is confidence L
    r = CliRunner().invoke(main, ["rules", "list"])
    assert r.exit_code == 0
    assert "ฉบับคาดการณ์" in r.output


def test_rules_diff_between_years() -> None:
    changes = diff_rulesets(get_ruleset("nacc-2569"), get_ruleset("nacc-2570"))
    assert {c.change for c in changes} == {"changed"}  # same list, titles re-dated
    o7 = next(c for c in changes if c.code == "O7")
    assert o7.title_a
    assert "2568" in o7.title_a
    assert o7.title_b
    assert "2569" in o7.title_b
    r = CliRunner().invoke(main, ["rules", "diff", "nacc-2568", "nacc-2569", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["from"]["items"] == 28
    assert data["to"]["items"] == 26
    by_code = {c["code"]: c for c in data["changes"] if c["change"] == "changed"}
    assert by_code["O12"]["code_a"] == "O13"  # the procurement annual report moved up one number
    assert any(c["change"] == "removed" and c["code"] in ("O27", "O28") for c in data["changes"])
    bad = CliRunner().invoke(main, ["rules", "diff", "nacc-2569", "nope-1"])
    assert bad.exit_code == 2
