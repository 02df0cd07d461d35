"""Province scans started from the reviewer console: the registry kept by the service, one scan at a time."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ita_checker.errors import InputError
from ita_checker.inputs.registry import Registry, read_registry
from ita_checker.options import CrawlSettings
from ita_checker.scan.engine import enqueue_scan, is_postgres
from ita_checker.scan.local import ScanOptions, no_agencies_message, run_scan
from ita_checker.text import clock

log = logging.getLogger(__name__)

REGISTRY_SUFFIXES = (".xlsx", ".csv")
MAX_REGISTRY_BYTES = 5 * 1024 * 1024


@dataclass
class ScanState:
    """The console's scan: what runs (or ran last), how far it is, how it ended."""

    state: str = "idle"  # idle | running | queued | done | failed
    year: int | None = None
    done: int = 0
    total: int = 0
    message: str = ""
    started: float | None = None
    counts: dict[str, int] = field(default_factory=dict)


class ScanBoard:
    """Keeps the province registry in ``<data>/registry.<xlsx|csv>`` and runs one scan of it at a time: in a thread
    of the service (the default), or queued for ``worker`` processes when the history is PostgreSQL."""

    def __init__(self, data_dir: Path, settings: CrawlSettings, db_url: str | None) -> None:
        self.data_dir = data_dir
        self.settings = settings
        self.db_url = db_url
        self._lock = threading.Lock()
        self.status = ScanState()

    def registry_path(self) -> Path | None:
        found = [
            self.data_dir / f"registry{s}" for s in REGISTRY_SUFFIXES if (self.data_dir / f"registry{s}").is_file()
        ]
        return found[0] if found else None

    def registry(self) -> Registry | None:
        path = self.registry_path()
        return read_registry(path) if path is not None else None

    def save_registry(self, filename: str, body: bytes) -> Registry:
        """Check an uploaded registry with the same reader as ``scan`` and keep it; InputError names the file."""
        name = Path(filename).name
        suffix = Path(name).suffix.lower()
        if suffix not in REGISTRY_SUFFIXES:
            raise InputError(f"ไฟล์ '{name}' ไม่ใช่ทะเบียนที่อ่านได้: ใช้ .xlsx หรือ .csv / the registry must be .xlsx or .csv")
        if len(body) > MAX_REGISTRY_BYTES:
            raise InputError(f"ไฟล์ '{name}' ใหญ่เกินไป (ไม่เกิน 5 MB) / the registry file is too large")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.data_dir / f".upload-{secrets.token_hex(6)}{suffix}"
        tmp.write_bytes(body)
        try:
            reg = read_registry(tmp)
            if not reg.agencies:
                raise InputError(no_agencies_message(Path(name), reg.problems))
        except InputError as exc:
            tmp.unlink(missing_ok=True)
            raise InputError(str(exc).replace(str(tmp), name).replace(tmp.name, name)) from exc
        for s in REGISTRY_SUFFIXES:
            (self.data_dir / f"registry{s}").unlink(missing_ok=True)
        tmp.replace(self.data_dir / f"registry{suffix}")  # atomic: a scan never reads half a file
        reg.problems = [p.replace(tmp.name, name) for p in reg.problems]
        return reg

    def start(self, year: int) -> ScanState:
        """Start (or queue) a scan of the kept registry; InputError when there is none or one is running."""
        path = self.registry_path()
        if path is None:
            raise InputError("ยังไม่มีทะเบียนหน่วยงาน อัปโหลดทะเบียนก่อน / upload a registry first")
        with self._lock:
            if self.status.state == "running":
                raise InputError("มีการสแกนที่กำลังทำอยู่ รอให้เสร็จก่อน / a scan is already running")
            opts = ScanOptions(
                **self.settings.crawl_settings(), registry=path, year=year,
                out_dir=self.data_dir / "scans" / f"scan-{year}",
                db_url=self.db_url,
            )  # fmt: skip
            if is_postgres(self.db_url):
                reg = read_registry(path)
                scan_id = clock.stamp() + "-" + secrets.token_hex(2)
                queued = enqueue_scan(str(self.db_url), opts, reg, scan_id)
                self.status = ScanState("queued", year, 0, len(reg.agencies), f"ส่ง {queued} หน่วยงานเข้าคิว ({scan_id})",
                                        time.time())  # fmt: skip
                return self.status
            self.status = ScanState("running", year, 0, 0, "", time.time())
        threading.Thread(target=self._run, args=(opts,), name="console-scan", daemon=True).start()
        return self.status

    def _run(self, opts: ScanOptions) -> None:
        def progress(done: int, total: int, outcome: Any) -> None:
            with self._lock:
                self.status.done, self.status.total = done, total

        try:
            outcome = run_scan(opts, progress)
        except InputError as exc:
            with self._lock:
                self.status.state, self.status.message = "failed", str(exc)
            return
        except Exception as exc:  # the service stays up; the log has the details
            log.exception("console scan failed")
            with self._lock:
                self.status.state = "failed"
                self.status.message = f"สแกนไม่สำเร็จเพราะข้อผิดพลาดภายใน ({type(exc).__name__}) / internal error"
            return
        with self._lock:
            self.status.state, self.status.message = "done", outcome.summary_line()
