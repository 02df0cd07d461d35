"""What every command shares: the consoles, verdict styles, and the error handling that maps errors to exit codes."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Any

from rich.console import Console

from ita_checker.errors import InputError, StorageError
from ita_checker.interrupts import EXIT_INTERRUPTED, Interrupted, handling_signals
from ita_checker.models import VERDICT_LOOK
from ita_checker.text import clock

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

VERDICT_STYLE: dict[str, str] = {v: look.term for v, look in VERDICT_LOOK.items()}


def fail_input(exc: InputError) -> None:
    err_console.print(f"[bold red]ข้อผิดพลาด / error:[/] {exc}", soft_wrap=True)
    sys.exit(2)


def fail_internal(exc: BaseException) -> None:
    log_path = Path("outputs") / f"error-{clock.stamp()}.log"
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_path.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
        where = f" รายละเอียดอยู่ที่ / details in {log_path}"
    except OSError:
        where = ""
    err_console.print(
        f"[bold red]ข้อผิดพลาดภายใน / internal error:[/] {type(exc).__name__}: {exc}.{where}", soft_wrap=True
    )
    sys.exit(1)


def fail_storage(exc: StorageError) -> None:
    err_console.print(f"[bold red]ข้อผิดพลาดที่เก็บข้อมูล / storage error:[/] {exc}", soft_wrap=True)
    sys.exit(1)


INTERRUPTED_TH = (
    "หยุดตามคำสั่ง (Ctrl-C): ยังไม่ได้เขียนรายงานของรอบนี้ สิ่งที่ดึงมาแล้วเก็บไว้ในที่เก็บ "
    "สั่งคำสั่งเดิมอีกครั้งเพื่อตรวจต่อโดยไม่ดึงซ้ำ / interrupted: no report was written for this run; what was "
    "fetched is kept in the store and the same command resumes without fetching it again."
)


def fail_interrupted(exc: Interrupted | KeyboardInterrupt) -> None:
    message = str(exc) if isinstance(exc, Interrupted) and str(exc) else INTERRUPTED_TH
    err_console.print(f"[bold yellow]ถูกขัดจังหวะ / interrupted:[/] {message}", soft_wrap=True)
    sys.exit(EXIT_INTERRUPTED)


def guarded(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call ``fn``; bad input exits 2 with one message, a store failure 1, Ctrl-C 130, anything else 1 with a
    log file."""
    try:
        return fn(*args, **kwargs)
    except InputError as exc:
        fail_input(exc)
    except StorageError as exc:
        fail_storage(exc)
    except (Interrupted, KeyboardInterrupt) as exc:
        fail_interrupted(exc)
    except SystemExit:
        raise
    except Exception as exc:
        fail_internal(exc)


def guarded_long(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """``guarded`` for the long commands (check, scan, demo): the first Ctrl-C/SIGTERM asks the run to stop
    (every stage polls the flag, nothing that looks complete is written), exit 130."""
    with handling_signals():
        return guarded(fn, *args, **kwargs)
