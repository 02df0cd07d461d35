"""Redis job queue with leases: agencies move pending → a worker's processing list → done, expired leases go back."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import Any

import redis

log = logging.getLogger("ita_checker.scan.workqueue")

# KEYS: init, pending, total; ARGV: ids. Enqueue once per scan, however many workers arrive together.
_ENQUEUE = """
if redis.call('SET', KEYS[1], '1', 'NX') then
  for i = 1, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
  redis.call('SET', KEYS[3], #ARGV)
  return 1
end
return 0
"""
# KEYS: pending, processing, lease prefix; ARGV: worker, ttl. Claim and lease in one step (no unleased gap).
_CLAIM = """
local id = redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT')
if id then redis.call('SET', KEYS[3] .. id, ARGV[1], 'EX', ARGV[2]) end
return id
"""
# KEYS: lease prefix; ARGV: worker, ttl, ids... Extend only the leases this worker still holds.
_RENEW = """
local n = 0
for i = 3, #ARGV do
  local k = KEYS[1] .. ARGV[i]
  if redis.call('GET', k) == ARGV[1] then redis.call('EXPIRE', k, ARGV[2]); n = n + 1 end
end
return n
"""
# KEYS: done, processing, pending, lease prefix; ARGV: worker, id. Called only after the result is stored.
_COMPLETE = """
redis.call('SADD', KEYS[1], ARGV[2])
redis.call('LREM', KEYS[2], 0, ARGV[2])
redis.call('LREM', KEYS[3], 0, ARGV[2])
if redis.call('GET', KEYS[4] .. ARGV[2]) == ARGV[1] then redis.call('DEL', KEYS[4] .. ARGV[2]) end
return redis.call('SCARD', KEYS[1])
"""
# KEYS: processing, pending, done, lease prefix, reclaimed; ARGV: worker, id, now.
# Move one agency of another worker back to pending if its lease has expired.
_RECLAIM = """
if redis.call('EXISTS', KEYS[4] .. ARGV[2]) == 1 then return 0 end
if redis.call('LREM', KEYS[1], 0, ARGV[2]) == 0 then return 0 end
if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 1 then return 0 end
redis.call('LPUSH', KEYS[2], ARGV[2])
redis.call('RPUSH', KEYS[5], ARGV[2] .. ' ' .. ARGV[1] .. ' ' .. ARGV[3])
return 1
"""


class WorkQueue:
    """One scan's shared agency queue in Redis, seen from one worker (``worker_id``).

    Keys (prefix ``ita:scan:<scan id>:``): ``pending`` (list), ``processing:<worker>`` (list), ``lease:<agency>``
    (worker id, TTL refreshed by a heartbeat), ``done`` (set), ``workers`` (set), ``total``, ``reclaimed`` (log).
    """

    def __init__(self, client: redis.Redis, scan_id: str, worker_id: str, *, lease_ttl: int = 60) -> None:
        self.r = client
        self.scan_id = scan_id
        self.worker = worker_id
        self.ttl = max(2, lease_ttl)
        self.p = f"ita:scan:{scan_id}:"
        self.held: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None
        self._scripts = {
            name: client.register_script(src)
            for name, src in (
                ("enqueue", _ENQUEUE),
                ("claim", _CLAIM),
                ("renew", _RENEW),
                ("complete", _COMPLETE),
                ("reclaim", _RECLAIM),
            )
        }

    def _k(self, name: str) -> str:
        return self.p + name

    def _run(self, name: str, keys: Sequence[str], args: Sequence[Any]) -> Any:
        return self._scripts[name](keys=list(keys), args=list(args))

    @property
    def processing(self) -> str:
        return self._k(f"processing:{self.worker}")

    def enqueue_once(self, agency_ids: Sequence[str]) -> bool:
        """Queue the scan's agencies if no worker has yet; True for the worker that did."""
        self.r.sadd(self._k("workers"), self.worker)
        return bool(self._run("enqueue", [self._k("init"), self._k("pending"), self._k("total")], agency_ids))

    def total(self) -> int:
        value = self.r.get(self._k("total"))
        return int(value) if value is not None else 0

    def done_count(self) -> int:
        return int(self.r.scard(self._k("done")))

    def is_done(self, agency_id: str) -> bool:
        return bool(self.r.sismember(self._k("done"), agency_id))

    def finished(self) -> bool:
        total = self.total()
        return total > 0 and self.done_count() >= total

    def claim(self) -> str | None:
        """The next pending agency, now leased to this worker; None when nothing is pending."""
        value = self._run("claim", [self._k("pending"), self.processing, self._k("lease:")], [self.worker, self.ttl])
        if value is None:
            return None
        agency_id = value.decode() if isinstance(value, bytes) else str(value)
        with self._lock:
            self.held.add(agency_id)
        return agency_id

    def complete(self, agency_id: str) -> int:
        """Mark the agency done (its result is already stored); returns how many are done."""
        keys = [self._k("done"), self.processing, self._k("pending"), self._k("lease:")]
        n = int(self._run("complete", keys, [self.worker, agency_id]))
        with self._lock:
            self.held.discard(agency_id)
        return n

    def renew(self) -> int:
        with self._lock:
            ids = sorted(self.held)
        if not ids:
            return 0
        return int(self._run("renew", [self._k("lease:")], [self.worker, self.ttl, *ids]))

    def reclaim_expired(self) -> list[str]:
        """Put back in pending every agency whose worker's lease expired (a dead or hung worker)."""
        back: list[str] = []
        for raw in self.r.smembers(self._k("workers")):
            other = raw.decode() if isinstance(raw, bytes) else str(raw)
            plist = self._k(f"processing:{other}")
            for item in self.r.lrange(plist, 0, -1):
                agency_id = item.decode() if isinstance(item, bytes) else str(item)
                if other == self.worker and agency_id in self.held:
                    continue
                keys = [plist, self._k("pending"), self._k("done"), self._k("lease:"), self._k("reclaimed")]
                if self._run("reclaim", keys, [other, agency_id, f"{time.time():.0f}"]):
                    log.warning("reclaimed agency %s from worker %s (lease expired)", agency_id, other)
                    back.append(agency_id)
        return back

    def reclaimed(self) -> list[tuple[str, str]]:
        """(agency id, worker it was taken from) for every reclaimed lease of the scan."""
        rows = [
            (r.decode() if isinstance(r, bytes) else str(r)).split(" ")
            for r in self.r.lrange(self._k("reclaimed"), 0, -1)
        ]
        return [(row[0], row[1]) for row in rows]

    def try_finalize(self, lock_s: int = 600) -> bool:
        """True for one worker once every agency is done: that one writes the province reports, then calls
        ``finalized``. If it dies first, a worker started after ``lock_s`` seconds takes over."""
        if not self.finished() or self.r.exists(self._k("finalized")):
            return False
        return bool(self.r.set(self._k("final"), self.worker, nx=True, ex=lock_s))

    def finalized(self) -> None:
        self.r.set(self._k("finalized"), self.worker)

    def start_heartbeat(self) -> None:
        def beat() -> None:
            while not self._stop.wait(self.ttl / 3):
                try:
                    self.renew()
                except redis.RedisError as exc:  # keep trying; the lease may lapse and be redone, never lost
                    log.warning("lease heartbeat failed: %s", exc)

        self._beat = threading.Thread(target=beat, name="lease-heartbeat", daemon=True)
        self._beat.start()

    def stop_heartbeat(self) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=5)
