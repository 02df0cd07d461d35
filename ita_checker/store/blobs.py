"""Crawl storage: a content-addressed blob store plus SQLite metadata (runs, fetch log, extracted text cache)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ita_checker.errors import StorageError
from ita_checker.store.sqlite_init import open_sqlite
from ita_checker.text import clock

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
  run_id TEXT PRIMARY KEY, agency TEXT NOT NULL, site TEXT NOT NULL, started_at REAL NOT NULL,
  finished_at REAL, status TEXT NOT NULL DEFAULT 'running', meta TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS fetches (
  run_id TEXT NOT NULL, url TEXT NOT NULL, final_url TEXT, status INTEGER, fail_class TEXT, detail TEXT,
  content_type TEXT, sha256 TEXT, size INTEGER, source TEXT NOT NULL, parent_url TEXT, anchor TEXT,
  item_codes TEXT NOT NULL DEFAULT '[]', depth INTEGER NOT NULL DEFAULT 0, elapsed_ms INTEGER,
  fetched_at REAL NOT NULL, via_browser INTEGER NOT NULL DEFAULT 0, etag TEXT, last_modified TEXT,
  not_modified INTEGER NOT NULL DEFAULT 0, fresh INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, url)
);
CREATE INDEX IF NOT EXISTS fetches_parent ON fetches(run_id, parent_url);
CREATE INDEX IF NOT EXISTS fetches_url ON fetches(url, fetched_at);
CREATE TABLE IF NOT EXISTS edges (
  run_id TEXT NOT NULL, parent TEXT NOT NULL, child TEXT NOT NULL, anchor TEXT,
  PRIMARY KEY (run_id, parent, child)
);
CREATE TABLE IF NOT EXISTS blobs (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS results (
  run_id TEXT PRIMARY KEY, agency TEXT NOT NULL, site TEXT NOT NULL, fingerprint TEXT NOT NULL,
  result TEXT NOT NULL, created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS results_fingerprint ON results(agency, site, fingerprint);
CREATE TABLE IF NOT EXISTS texts (
  sha256 TEXT NOT NULL, extractor TEXT NOT NULL, doc TEXT NOT NULL, created_at REAL NOT NULL,
  PRIMARY KEY (sha256, extractor)
);
"""

ADDED_COLUMNS = (("fetches", "fresh", "INTEGER NOT NULL DEFAULT 0"),)  # stores written before the column existed


@dataclass
class FetchRecord:
    """One URL the crawler tried: what came back, or why nothing did."""

    url: str
    source: str  # home | submitted | discovered | linked | sitemap
    final_url: str | None = None
    status: int | None = None
    fail_class: str | None = None
    detail: str | None = None
    content_type: str | None = None
    sha256: str | None = None
    size: int | None = None
    parent_url: str | None = None
    anchor: str | None = None
    item_codes: list[str] = field(default_factory=list)
    depth: int = 0
    elapsed_ms: int | None = None
    fetched_at: float = field(default_factory=time.time)
    via_browser: bool = False
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False  # reused from an earlier run after a 304 / replayed on resume
    fresh: bool = False  # reused with no request at all: unchanged long enough (freshness policy, crawler.freshness)

    @property
    def ok(self) -> bool:
        return self.fail_class is None and self.sha256 is not None


class Store:
    """SQLite metadata at ``root/ita.sqlite``; bodies by SHA-256: small ones in SQLite (one atomic insert, no
    file per page), large ones at ``root/blobs/ab/<sha256>`` (written to a temp file, then renamed)."""

    INLINE_MAX = 256 * 1024

    def __init__(self, root: Path) -> None:
        self.root = root
        self.blobs = root / "blobs"
        try:
            self.blobs.mkdir(parents=True, exist_ok=True)
            self.db = open_sqlite(root / "ita.sqlite", SCHEMA, added_columns=ADDED_COLUMNS)
            self.db.execute("PRAGMA synchronous=NORMAL")
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(root, exc) from exc

    def close(self) -> None:
        self.db.close()

    # runs
    def begin_run(self, *, agency: str, site: str, meta: dict[str, Any] | None = None) -> str:
        run_id = clock.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        self.db.execute(
            "INSERT INTO runs(run_id, agency, site, started_at, meta) VALUES (?,?,?,?,?)",
            (run_id, agency, site, time.time(), json.dumps(meta or {}, ensure_ascii=False)),
        )
        return run_id

    def find_unfinished_run(self, *, agency: str, site: str) -> str | None:
        """The latest run for this agency and site that never finished (crashed or interrupted)."""
        row = self.db.execute(
            "SELECT run_id FROM runs WHERE agency=? AND site=? AND status='running' ORDER BY started_at DESC LIMIT 1",
            (agency, site),
        ).fetchone()
        return str(row[0]) if row else None

    def finish_run(self, run_id: str, status: str = "done") -> None:
        self.db.execute("UPDATE runs SET finished_at=?, status=? WHERE run_id=?", (time.time(), status, run_id))

    # results (carry-over of unchanged evidence, ita_checker.store.carryover)
    def save_result(self, run_id: str, *, agency: str, site: str, fingerprint: str, result: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO results(run_id, agency, site, fingerprint, result, created_at) "
            "VALUES (?,?,?,?,?,?)",
            (run_id, agency, site, fingerprint, json.dumps(result, ensure_ascii=False), time.time()),
        )

    def result_with_fingerprint(self, *, agency: str, site: str, fingerprint: str) -> dict[str, Any] | None:
        """The latest stored result of a finished run of this agency whose evidence had this fingerprint."""
        row = self.db.execute(
            "SELECT r.result FROM results r JOIN runs ON runs.run_id = r.run_id WHERE r.agency=? AND r.site=? "
            "AND r.fingerprint=? AND runs.status='done' ORDER BY r.created_at DESC LIMIT 1",
            (agency, site, fingerprint),
        ).fetchone()
        if row is None:
            return None
        result: dict[str, Any] = json.loads(row[0])
        return result

    # blobs
    def put_blob(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        if len(data) <= self.INLINE_MAX:
            self.db.execute("INSERT OR IGNORE INTO blobs(sha256, data) VALUES (?, ?)", (sha, data))
            return sha
        path = self.blob_path(sha)
        if path.exists():
            return sha
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha

    def blob_path(self, sha: str) -> Path:
        return self.blobs / sha[:2] / sha

    def get_blob(self, sha: str) -> bytes:
        row = self.db.execute("SELECT data FROM blobs WHERE sha256=?", (sha,)).fetchone()
        if row is not None:
            return bytes(row[0])
        return self.blob_path(sha).read_bytes()

    # fetch log
    def record_fetch(self, run_id: str, rec: FetchRecord) -> None:
        row = asdict(rec)
        row["item_codes"] = json.dumps(rec.item_codes)
        row["via_browser"] = int(rec.via_browser)
        row["not_modified"] = int(rec.not_modified)
        row["fresh"] = int(rec.fresh)
        cols = ", ".join(["run_id", *row])
        marks = ", ".join("?" * (len(row) + 1))
        self.db.execute(f"INSERT OR REPLACE INTO fetches({cols}) VALUES ({marks})", (run_id, *row.values()))

    def fetches(self, run_id: str) -> list[FetchRecord]:
        cur = self.db.execute("SELECT * FROM fetches WHERE run_id=? ORDER BY fetched_at", (run_id,))
        return self._records(cur)

    def fetch_counts(self, run_id: str) -> tuple[int, int, int]:
        """(pages, documents, failures) recorded so far in the run: the progress display while it crawls (a
        document is any body that is not HTML or text, however it was found)."""
        ctype = "COALESCE(content_type, 'text/html')"
        page = f"({ctype} LIKE '%html%' OR {ctype} LIKE 'text/%')"
        row = self.db.execute(
            f"SELECT COALESCE(SUM(fail_class IS NULL AND {page}), 0),"
            f" COALESCE(SUM(fail_class IS NULL AND NOT {page}), 0),"
            " COALESCE(SUM(fail_class IS NOT NULL), 0) FROM fetches WHERE run_id=?",
            (run_id,),
        ).fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    def fetch_in_run(self, run_id: str, url: str) -> FetchRecord | None:
        cur = self.db.execute("SELECT * FROM fetches WHERE run_id=? AND url=?", (run_id, url))
        recs = self._records(cur)
        return recs[0] if recs else None

    def latest_ok_fetch(self, url: str, *, exclude_run: str | None = None) -> FetchRecord | None:
        """The most recent successful fetch of ``url`` in any other run (for conditional requests)."""
        cur = self.db.execute(
            "SELECT * FROM fetches WHERE url=? AND fail_class IS NULL AND sha256 IS NOT NULL AND run_id != ? "
            "ORDER BY fetched_at DESC LIMIT 1",
            (url, exclude_run or ""),
        )
        recs = self._records(cur)
        return recs[0] if recs else None

    def ok_history(self, url: str, *, exclude_run: str, limit: int = 60) -> list[FetchRecord]:
        """The successful fetches of ``url`` in other runs, newest first (the freshness policy reads them)."""
        cur = self.db.execute(
            "SELECT * FROM fetches WHERE url=? AND fail_class IS NULL AND sha256 IS NOT NULL AND run_id != ? "
            "ORDER BY fetched_at DESC LIMIT ?",
            (url, exclude_run, limit),
        )
        return self._records(cur)

    @staticmethod
    def _records(cur: sqlite3.Cursor) -> list[FetchRecord]:
        names = [d[0] for d in cur.description]
        out = []
        for values in cur.fetchall():
            row = dict(zip(names, values, strict=True))
            row.pop("run_id")
            row["item_codes"] = json.loads(row["item_codes"])
            row["via_browser"] = bool(row["via_browser"])
            row["not_modified"] = bool(row["not_modified"])
            row["fresh"] = bool(row["fresh"])
            out.append(FetchRecord(**row))
        return out

    def record_edge(self, run_id: str, parent: str, child: str, anchor: str) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO edges(run_id, parent, child, anchor) VALUES (?,?,?,?)",
            (run_id, parent, child, anchor),
        )

    def edges(self, run_id: str) -> list[tuple[str, str, str]]:
        rows = self.db.execute("SELECT parent, child, anchor FROM edges WHERE run_id=?", (run_id,)).fetchall()
        return [(str(p), str(c), str(a or "")) for p, c, a in rows]

    # extracted text cache (keyed by content hash, shared across runs and agencies)
    def get_text(self, sha: str, extractor: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT doc FROM texts WHERE sha256=? AND extractor=?", (sha, extractor)).fetchone()
        return json.loads(row[0]) if row else None

    def put_text(self, sha: str, extractor: str, doc: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO texts(sha256, extractor, doc, created_at) VALUES (?,?,?,?)",
            (sha, extractor, json.dumps(doc, ensure_ascii=False), time.time()),
        )
