"""The house keeps its shape: shared crawl options, checks named once, no import cycles, a small package root."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

import click

from ita_checker.cli.check import check
from ita_checker.cli.main import main
from ita_checker.cli.options import CRAWL_PARAMS
from ita_checker.cli.scan import scan
from ita_checker.options import CrawlSettings
from ita_checker.rules.checks import CHECKS
from ita_checker.rules.model import Check

from .conftest import ROOT

PACKAGE = ROOT / "ita_checker"


def _params(cmd: click.Command) -> dict[str, click.Parameter]:
    return {p.name: p for p in cmd.params if p.name}


def test_check_and_scan_share_every_crawl_option_with_the_same_spelling_and_default() -> None:
    c, s = _params(check), _params(scan)
    for name in CRAWL_PARAMS:
        assert name in c, name
        assert name in s, name
        assert c[name].opts == s[name].opts, name
        assert c[name].secondary_opts == s[name].secondary_opts, name
        assert c[name].default == s[name].default, name
    defaults = CrawlSettings()
    assert c["max_pages"].default == defaults.max_pages
    assert c["timeout_s"].default == defaults.timeout_s
    assert c["store_dir"].default == defaults.store_dir
    assert c["browser"].default == defaults.browser


def test_every_command_is_registered_once() -> None:
    commands = ["check", "demo", "diff", "history", "rules", "scan", "serve", "template", "users", "worker"]
    assert sorted(main.commands) == commands


def test_check_literal_and_check_registry_name_the_same_checks() -> None:
    assert set(get_args(Check)) == set(CHECKS)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ita_checker"):
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("ita_checker"))
    return out


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def test_no_import_cycles_between_modules() -> None:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py") if "sites" not in p.parts}
    graph = {m: {i for i in _imports(p) if i in modules and i != m} for m, p in modules.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                raise AssertionError("import cycle: " + " → ".join([*stack[stack.index(n) :], n]))
            if n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_package_root_holds_at_most_ten_modules_and_every_subpackage_says_what_it_owns() -> None:
    root_modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(root_modules) <= 10, root_modules
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc, f"{init} has no docstring"
        assert "\n" not in doc.strip(), f"{init}: the docstring is one line"


def test_report_css_palette_is_the_vocabulary_palette() -> None:
    import re

    from ita_checker.models import VERDICT_LOOK

    css = (PACKAGE / "report" / "static" / "report.css").read_text(encoding="utf-8")
    palette = {m.group(1): m.group(2).upper() for m in re.finditer(r"--v-([a-z_]+):\s*#([0-9a-fA-F]{6})", css)}
    assert palette == {v: look.fill for v, look in VERDICT_LOOK.items()}
