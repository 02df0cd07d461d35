"""Accounts of the reviewer console: reviewers (their province) and agency accounts (their agency), argon2 hashes."""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ita_checker.errors import InputError
from ita_checker.store.history import History

ROLES = ("reviewer", "agency")
MIN_PASSWORD = 10

_meta = sa.MetaData()
web_users = sa.Table(
    "web_users",
    _meta,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("agency_id", sa.Text),  # an agency account's agency
    sa.Column("province", sa.Text, nullable=False, server_default=""),  # a reviewer's province ("" = every one)
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)
_hasher = PasswordHasher()  # argon2id with the library's current defaults


@dataclass(frozen=True)
class User:
    """Who is signed in, and what they may see."""

    name: str
    role: str
    agency_id: str | None
    province: str

    def may_see(self, agency_id: str, province: str) -> bool:
        if self.role == "agency":
            return agency_id == self.agency_id
        return not self.province or province == self.province


class Accounts:
    """The ``web_users`` table, in the same database as the scan history (the store's SQLite file or ``--db``)."""

    def __init__(self, history: History) -> None:
        self.engine = history.engine
        with self.engine.begin() as c:
            _meta.create_all(c, checkfirst=True)

    def add(self, name: str, *, role: str, password: str, agency_id: str | None = None, province: str = "") -> User:
        """Create or replace an account; InputError (Thai first) for a bad role, name or password."""
        name = name.strip()
        if not name or len(name) > 64 or any(c.isspace() for c in name):
            raise InputError(f"ชื่อบัญชี '{name}' ใช้ไม่ได้ (1–64 ตัวอักษร ไม่มีช่องว่าง) / invalid account name")
        if role not in ROLES:
            raise InputError(f"--role '{role}' ไม่รู้จัก ใช้ reviewer หรือ agency / unknown role")
        if role == "agency" and not agency_id:
            raise InputError("บัญชีหน่วยงานต้องระบุ --agency รหัสหน่วยงาน / an agency account needs --agency ID")
        if len(password) < MIN_PASSWORD:
            raise InputError(f"รหัสผ่านสั้นเกินไป (อย่างน้อย {MIN_PASSWORD} ตัวอักษร) / password too short (min {MIN_PASSWORD})")
        kept_agency = agency_id if role == "agency" else None
        kept_province = province if role == "reviewer" else ""
        row = {
            "name": name,
            "role": role,
            "agency_id": kept_agency,
            "province": kept_province,
            "password_hash": _hasher.hash(password),
            "created_at": time.time(),
        }
        with self.engine.begin() as c:
            c.execute(web_users.delete().where(web_users.c.name == name))
            c.execute(web_users.insert().values(**row))
        return User(name, role, kept_agency, kept_province)

    def get(self, name: str) -> User | None:
        with self.engine.connect() as c:
            r = c.execute(sa.select(web_users).where(web_users.c.name == name)).first()
        return None if r is None else User(r.name, r.role, r.agency_id, r.province)

    def verify(self, name: str, password: str) -> User | None:
        """The user when the password matches; None otherwise (the same time spent for an unknown name)."""
        with self.engine.connect() as c:
            r = c.execute(sa.select(web_users).where(web_users.c.name == name.strip())).first()
        stored = r.password_hash if r is not None else _DUMMY
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        return None if r is None else User(r.name, r.role, r.agency_id, r.province)

    def names(self) -> list[User]:
        with self.engine.connect() as c:
            rows = c.execute(sa.select(web_users).order_by(web_users.c.name)).all()
        return [User(r.name, r.role, r.agency_id, r.province) for r in rows]


_DUMMY = _hasher.hash("not-a-password-of-anyone")
