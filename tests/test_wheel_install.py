"""The wheel works outside a checkout: built offline, installed in a fresh venv, rules listed, a local site checked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from ita_checker.demo.server import SiteConfig, serve
from ita_checker.rules.loader import list_rulesets

from .conftest import ROOT, SITES

pytestmark = pytest.mark.slow


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 300) -> str:
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert p.returncode == 0, f"{cmd}: exit {p.returncode}\n{p.stdout}\n{p.stderr}"
    return p.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with only the wheel installed; its dependencies come from the test's own environment."""
    tmp = tmp_path_factory.mktemp("wheel")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(tmp),
            str(ROOT),
        ],
        tmp,
    )
    wheel = next(tmp.glob("ita_checker-*.whl"))
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp)
    site = Path(
        subprocess.check_output(
            [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], text=True
        ).strip()
    )
    # Dependencies (scrapy, pandas, ...) from this environment, appended after the venv's own site-packages.
    (site / "_deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        tmp,
    )
    return venv


def test_wheel_carries_rules_templates_schemas_static_and_demo_sites(installed: Path) -> None:
    wheel = next(installed.parent.glob("ita_checker-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "ita_checker/_rules/nacc-2570/ruleset.yaml",
        "ita_checker/_rules/result-scales.yaml",
        "ita_checker/schemas/result-v1.json",
        "crawler/run.py",
    ):
        assert needed in names, needed
    assert any(n.startswith("ita_checker/report/templates/") for n in names)
    assert any(n.startswith("ita_checker/report/static/") for n in names)
    assert any(n.startswith("ita_checker/demo/sites/") for n in names)
    assert "ita_checker/web/templates/selfcheck.html.j2" in names  # ita-checker serve's pages
    assert "ita_checker/web/static/web.css" in names
    assert not any("__pycache__" in n for n in names)


def _env(installed: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ITA_RULES_DIR")}
    env["PATH"] = f"{installed / 'bin'}:{env.get('PATH', '')}"
    return env


def test_installed_rules_list_shows_every_rule_set(installed: Path, tmp_path: Path) -> None:
    out = _run([str(installed / "bin" / "ita-checker"), "rules", "list"], tmp_path, _env(installed))
    for rs_dir in list_rulesets():
        assert rs_dir.name in out


def test_installed_check_of_a_local_site(installed: Path, tmp_path: Path) -> None:
    site = serve(SiteConfig(root=SITES / "mini" / "www"))
    try:
        cmd = [str(installed / "bin" / "ita-checker"), "check", site.base_url + "/", "--year", "2569",
               "--agency-type", "local", "--allow-private-network", "--no-screenshots", "--out", str(tmp_path / "out"),
               "--store", str(tmp_path / "store")]  # fmt: skip
        _run(cmd, tmp_path, _env(installed))
    finally:
        site.stop()
    res = json.loads((tmp_path / "out" / "result.json").read_text(encoding="utf-8"))
    assert res["ruleset"] == "nacc-2569"
    assert len(res["items"]) == 26
    assert any(it["verdict"] == "pass" for it in res["items"])
    assert "<html" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
