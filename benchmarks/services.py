"""A throw-away PostgreSQL on loopback (free port, tmp dir) for tests and benchmarks of distributed scans."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def missing_services() -> str | None:
    """Why PostgreSQL cannot run here, or None."""
    if pg_bin() is None:
        return "PostgreSQL is not installed (scripts/setup.sh installs the Debian package postgresql)"
    return None


def _wait_port(port: int, timeout: float = 15.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


@dataclass
class Postgres:
    url: str
    data: Path
    as_user: list[str]
    bin: Path

    def stop(self) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.data / "db"), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(self.data, ignore_errors=True)


def start_postgres() -> Postgres:
    """initdb into a tmp dir and pg_ctl start on a free loopback port (as user postgres when run as root)."""
    pgbin = pg_bin()
    assert pgbin is not None
    data = Path(tempfile.mkdtemp(prefix="ita-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(data, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    db, log = data / "db", data / "pg.log"

    def run(*args: str) -> None:
        done = subprocess.run([*as_user, *args], capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}{detail}")

    run(str(pgbin / "initdb"), "-D", str(db), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off"
    run(str(pgbin / "pg_ctl"), "-D", str(db), "-l", str(log), "-o", opts, "-w", "start")
    return Postgres(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", data, as_user, pgbin)
