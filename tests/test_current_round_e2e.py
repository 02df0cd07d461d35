"""End-to-end for the current round: FY2570 checks with the provisional banner and the 85 line, placeholder caps."""

from __future__ import annotations

import json
from datetime import UTC, datetime, tzinfo
from pathlib import Path

import pytest
from click.testing import CliRunner

from ita_checker.check import CheckOptions, run_check
from ita_checker.cli import options as cli_options
from ita_checker.cli.main import main
from ita_checker.demo.server import SiteConfig, serve
from ita_checker.result import validate_result
from ita_checker.rules.loader import get_ruleset
from ita_checker.scoring.standing import standing

from .conftest import SITES


@pytest.fixture
def site():
    s = serve(SiteConfig(root=SITES / "mini" / "www"))
    yield s
    s.stop()


class _December2569(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _December2569:  # type: ignore[override]
        return cls(2026, 12, 3, 9, 0, tzinfo=UTC).astimezone(tz)


def test_check_without_year_uses_2570_with_banner_and_85_line(tmp_path: Path, site, monkeypatch) -> None:
    monkeypatch.setattr(cli_options, "datetime", _December2569)
    out = tmp_path / "out"
    args = ["check", site.base_url + "/", "--agency-type", "อบต.", "--allow-private-network", "--no-screenshots"]
    r = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "ใช้ปีงบประมาณปัจจุบัน พ.ศ. 2570" in r.output
    assert "ฉบับคาดการณ์" in r.output  # the caveat reaches the terminal
    res = json.loads((out / "result.json").read_text(encoding="utf-8"))
    validate_result(res)
    assert (res["year"], res["ruleset"], res["ruleset_status"]) == (2570, "nacc-2570", "provisional")
    assert [it["code"] for it in res["items"]] == [r.code for r in get_ruleset("nacc-2570").rules]
    standing = res["summary"]["standing"]
    assert standing["scale"] == "nacc-levels"
    assert standing["pass_line"] == 85
    assert standing["meets_pass_line"] is (res["summary"]["score"] >= 85)
    assert "คะแนน OIT อย่างเดียวบอกระดับไม่ได้" in standing["note_th"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'class="ruleset-caveat"' in html
    assert "ฉบับคาดการณ์" in html
    assert "เกณฑ์ 85 คะแนน" in html
    assert standing["note_th"] in html


@pytest.mark.parametrize(
    ("agency_type", "ruleset", "expected"),
    [
        ("department", None, "nacc-2570"),
        ("province", None, "nacc-2570"),
        ("district", None, "nacc-2570"),
        ("local", None, "nacc-2570"),
        ("school", "ovec-2570", "ovec-2570"),
        ("hospital", None, "moph-moit-2570"),
    ],
)
def test_every_type_checks_in_2570_with_its_caveat(tmp_path, site, agency_type, ruleset, expected) -> None:
    opts = CheckOptions(
        site=site.base_url + "/",
        year=2570,
        agency_type=agency_type,
        ruleset=ruleset,
        allow_private=True,
        out_dir=tmp_path / "out",
        store_dir=tmp_path / "store",
        screenshots=False,
    )
    res = run_check(opts).result
    validate_result(res)
    assert res["ruleset"] == expected
    assert res["ruleset_status"] == "provisional"
    assert "2570" in res["ruleset_caveat"]
    assert len(res["items"]) == len(get_ruleset(expected).rules)
    if expected.startswith("nacc-"):
        assert res["summary"]["standing"]["pass_line"] == 85
    else:  # no known result scale for MOPH or OVEC: said, not invented
        assert res["summary"]["standing"]["scale"] is None
        assert "ไม่ทราบเกณฑ์ระดับผล" in res["summary"]["standing"]["note_th"]


def test_placeholder_item_is_capped_at_needs_review_end_to_end(tmp_path: Path) -> None:
    """A page that fully answers a placeholder item (nacc-2567 O27) gets needs_review, never pass."""
    rs = get_ruleset("nacc-2567")
    rule = next(r for r in rs.rules if r.code == "O27")
    assert rule.placeholder
    page = rs.rule_dirs["O27"] / "cases" / "pass-stats-6m.html"
    www = tmp_path / "www"
    (www / "oit").mkdir(parents=True)
    (www / "oit" / "o27.html").write_bytes(page.read_bytes())
    (www / "index.html").write_text(
        '<html><head><meta charset="utf-8"><title>อบต.ทดสอบ</title></head>'
        '<body><a href="/oit/o27.html">สถิติเรื่องร้องเรียน</a></body></html>',
        encoding="utf-8",
    )
    form = tmp_path / "form.csv"
    s = serve(SiteConfig(root=www))
    try:
        form.write_text(f"ข้อ,URL\nO27,{s.base_url}/oit/o27.html\n", encoding="utf-8")
        opts = CheckOptions(
            site=s.base_url + "/",
            year=2567,
            agency_type="local",
            allow_private=True,
            submissions=form,
            out_dir=tmp_path / "out",
            store_dir=tmp_path / "store",
            screenshots=False,
        )
        res = run_check(opts).result
    finally:
        s.stop()
    o27 = next(it for it in res["items"] if it["code"] == "O27")
    assert o27["verdict"] == "needs_review", o27
    assert any("ข้อคาดการณ์" in r for r in o27["reasons"])
    assert o27["evidence"], "the page was fetched and is shown as evidence"


@pytest.mark.parametrize(
    ("score", "meets", "best"),
    [(96.0, True, "ผ่านดีเยี่ยม"), (95.0, True, "ผ่านดีเยี่ยม"), (90.0, True, "ผ่านดี"), (85.0, True, "ผ่านดี"),
     (84.99, False, "ผ่าน"), (10.0, False, "ผ่าน")],
)  # fmt: skip
def test_standing_on_the_level_scale(score: float, meets: bool, best: str) -> None:
    s = standing(score, "nacc-2569")
    assert (s["meets_pass_line"], s["best_possible"]) == (meets, best)
    assert f"“{best}”" in s["note_th"]


def test_standing_on_the_grade_scale_gives_no_level() -> None:
    s = standing(90.0, "nacc-2566")
    assert (s["scale"], s["meets_pass_line"], s["best_possible"]) == ("nacc-grades", True, None)
    assert "เกรด" in s["note_th"]
