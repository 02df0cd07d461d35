"""First opens of a SQLite file, one process at a time: concurrent WAL switches and CREATE TABLEs race."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

BUSY_TIMEOUT_S = 30.0


@contextmanager
def schema_lock(db_file: Path) -> Iterator[None]:
    """Held while a process switches ``db_file`` to WAL and creates its tables (a ``.init.lock`` beside it).

    Two processes opening a fresh store at once otherwise fail with "database is locked" (the journal-mode
    switch does not wait on the busy timeout) or "table … already exists" (both checked, both create).
    """
    lock = FileLock(str(db_file) + ".init.lock", timeout=BUSY_TIMEOUT_S * 2)
    try:
        with lock:
            yield
    except Timeout as exc:
        raise sqlite3.OperationalError(f"database is locked (no turn to initialise {db_file.name})") from exc


def set_wal(db: sqlite3.Connection) -> None:
    """WAL journal unless already on (asking costs no write lock; switching needs the file to itself)."""
    row = db.execute("PRAGMA journal_mode").fetchone()
    if not row or str(row[0]).lower() != "wal":
        db.execute("PRAGMA journal_mode=WAL")


def add_missing_columns(db: sqlite3.Connection, columns: tuple[tuple[str, str, str], ...]) -> None:
    """``(table, column, declaration)``: columns newer versions added, given to a file an older one wrote."""
    for table, column, declaration in columns:
        have = {str(row[1]) for row in db.execute(f"PRAGMA table_info({table})")}
        if column not in have:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")


def open_sqlite(
    db_file: Path,
    schema: str,
    *,
    check_same_thread: bool = True,
    added_columns: tuple[tuple[str, str, str], ...] = (),
) -> sqlite3.Connection:
    """An autocommit connection to ``db_file`` in WAL mode with ``schema`` (idempotent DDL) applied and the
    ``added_columns`` an older file lacks."""
    with schema_lock(db_file):
        db = sqlite3.connect(db_file, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=check_same_thread)
        try:
            set_wal(db)
            db.executescript(schema)
            add_missing_columns(db, added_columns)
        except sqlite3.Error:
            db.close()
            raise
    return db
