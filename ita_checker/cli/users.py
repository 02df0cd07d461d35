"""``ita-checker users``: accounts of the reviewer console (password read from stdin)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ita_checker.cli.common import console, guarded
from ita_checker.cli.options import db_option, store_option


@click.group()
def users() -> None:
    """บัญชีผู้ใช้ของหน้าผู้ตรวจ / accounts of the reviewer console."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(("reviewer", "agency")), required=True,
              help="reviewer: ผู้ตรวจ (เห็นจังหวัดของตน) · agency: หน่วยงาน (เห็นเฉพาะของตน)")  # fmt: skip
@click.option("--agency", "agency_id", help="รหัสหน่วยงานในทะเบียน (บัญชี agency) / the agency's registry id")
@click.option("--province", default="", help="จังหวัดของผู้ตรวจ (ว่าง = ทุกจังหวัด) / the reviewer's province")
@store_option
@db_option
def add(name: str, role: str, agency_id: str | None, province: str, store_dir: Path, db_url: str | None) -> None:
    """เพิ่มหรือเปลี่ยนบัญชี รหัสผ่านอ่านจาก stdin / add or replace an account; the password is read from stdin."""
    if sys.stdin.isatty():
        password = click.prompt("รหัสผ่าน / password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    user = guarded(_add, name, role, password, agency_id, province, store_dir, db_url)
    scope = f"หน่วยงาน {user.agency_id}" if user.role == "agency" else (user.province or "ทุกจังหวัด")
    console.print(f"บันทึกบัญชี {user.name} ({user.role}, {scope}) แล้ว / account saved")


def _add(name: str, role: str, password: str, agency_id: str | None, province: str, store_dir: Path,
         db_url: str | None) -> object:  # fmt: skip
    from ita_checker.store.history import History
    from ita_checker.web.accounts import Accounts

    history = History(db_url) if db_url else History(store_dir)
    try:
        return Accounts(history).add(name, role=role, password=password, agency_id=agency_id, province=province)
    finally:
        history.close()


@users.command("list")
@store_option
@db_option
def list_users(store_dir: Path, db_url: str | None) -> None:
    """แสดงบัญชีทั้งหมด / list accounts."""
    from ita_checker.store.history import History
    from ita_checker.web.accounts import Accounts

    history = History(db_url) if db_url else History(store_dir)
    try:
        for u in Accounts(history).names():
            console.print(f"{u.name}\t{u.role}\t{u.agency_id or u.province or '-'}")
    finally:
        history.close()
