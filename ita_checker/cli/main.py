"""The ``ita-checker`` click group: logging set-up and every command registered once."""

from __future__ import annotations

import logging

import click

from ita_checker.cli.check import check
from ita_checker.cli.demo import demo
from ita_checker.cli.history import diff, history
from ita_checker.cli.rules import rules
from ita_checker.cli.scan import scan
from ita_checker.cli.serve import serve
from ita_checker.cli.template import template
from ita_checker.cli.usage import ThaiGroup
from ita_checker.cli.users import users
from ita_checker.cli.worker import worker


@click.group(cls=ThaiGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="log details (English) to stderr")
def main(verbose: bool) -> None:
    """ตรวจเว็บไซต์หน่วยงานตามแบบ OIT ของ ITA / Check Thai agency websites against the ITA's OIT items."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


for command in (check, scan, worker, serve, users, rules, template, history, diff, demo):
    main.add_command(command)
