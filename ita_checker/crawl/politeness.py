"""Politeness per IP address, shared by every crawler process on one store: at most N requests in flight and
a minimum delay between request starts per resolved IP.

Many Thai local-government sites sit on a few shared hosting servers; limits per host name would let a scan's
parallel agencies hit one server at many times the intended rate. Each request takes a lease on its target's
IP in the store's SQLite file (``ip_leases``, one short ``BEGIN IMMEDIATE`` transaction) and gives it back
when the response or error arrives; a lease also expires on its own (``lease_s``) so a crashed crawler cannot
hold an address forever. Scrapy's AutoThrottle still adapts per site inside these limits.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from ita_checker.store.sqlite_init import open_sqlite

SCHEMA = """
CREATE TABLE IF NOT EXISTS ip_leases (token TEXT PRIMARY KEY, ip TEXT NOT NULL, expires REAL NOT NULL);
CREATE INDEX IF NOT EXISTS ip_leases_ip ON ip_leases(ip);
CREATE TABLE IF NOT EXISTS ip_last_start (ip TEXT PRIMARY KEY, at REAL NOT NULL);
"""
DB_FILE = "politeness.sqlite"  # beside ita.sqlite: its short write transactions never wait behind blob writes


@dataclass(frozen=True)
class IpPolicy:
    """The per-IP limits: ``concurrency`` requests in flight, ``min_delay_s`` between two request starts."""

    concurrency: int = 4
    min_delay_s: float = 0.0
    lease_s: float = 120.0  # longer than any request may take (download timeout + browser slack)


class IpLimiter:
    """Leases on IP addresses in ``store_dir/politeness.sqlite``, shared by all processes using that store."""

    def __init__(self, store_dir: Path, policy: IpPolicy) -> None:
        self.policy = policy
        store_dir.mkdir(parents=True, exist_ok=True)
        self.db = open_sqlite(store_dir / DB_FILE, SCHEMA, check_same_thread=False)
        self.db.execute("PRAGMA synchronous=NORMAL")  # leases are short-lived: no fsync per request in WAL mode
        self._lock = threading.Lock()  # one connection, used from the reactor and from worker threads

    def close(self) -> None:
        self.db.close()

    def try_acquire(self, ip: str) -> tuple[str | None, float]:
        """(lease token, 0) when a request to ``ip`` may start now, else (None, seconds to wait before retrying)."""
        with self._lock:
            return self._try_acquire(ip)

    def _try_acquire(self, ip: str) -> tuple[str | None, float]:
        now = time.time()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("DELETE FROM ip_leases WHERE expires < ?", (now,))
            (held,) = self.db.execute("SELECT COUNT(*) FROM ip_leases WHERE ip=?", (ip,)).fetchone()
            row = self.db.execute("SELECT at FROM ip_last_start WHERE ip=?", (ip,)).fetchone()
            wait = 0.0 if row is None else float(row[0]) + self.policy.min_delay_s - now
            if held >= self.policy.concurrency or wait > 0:
                self.db.execute("COMMIT")
                return None, max(wait, 0.05)
            token = uuid.uuid4().hex
            self.db.execute(
                "INSERT INTO ip_leases(token, ip, expires) VALUES (?,?,?)", (token, ip, now + self.policy.lease_s)
            )
            self.db.execute("INSERT OR REPLACE INTO ip_last_start(ip, at) VALUES (?,?)", (ip, now))
            self.db.execute("COMMIT")
            return token, 0.0
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def release(self, token: str) -> None:
        with self._lock:
            self.db.execute("DELETE FROM ip_leases WHERE token=?", (token,))

    def in_flight(self, ip: str) -> int:
        with self._lock:
            row = self.db.execute("SELECT COUNT(*) FROM ip_leases WHERE ip=? AND expires >= ?", (ip, time.time()))
            return int(row.fetchone()[0])
