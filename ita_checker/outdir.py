"""Output folders (``--out``): checked before any request is made, and locked so two runs never share one."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ita_checker.errors import InputError

LOCK_NAME = ".ita-checker.lock"


def prepare_out_dir(path: Path, *, option: str = "--out") -> Path:
    """Create ``path`` if needed; a file, an unwritable or impossible folder is bad input (exit 2)."""
    if path.exists() and not path.is_dir():
        raise InputError(
            f"{option} {path}: เป็นไฟล์ ไม่ใช่โฟลเดอร์ ระบุโฟลเดอร์ใหม่หรือโฟลเดอร์ที่มีอยู่ / "
            f"{option} {path} is a file, not a folder; give a new or existing folder"
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / LOCK_NAME
        probe.touch(exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"{option} {path}: สร้างหรือเขียนโฟลเดอร์นี้ไม่ได้ ({_why(exc)}) ระบุโฟลเดอร์ที่เขียนได้ / "
            f"{option} {path}: cannot create or write this folder ({exc.strerror or exc}); give a writable folder"
        ) from exc
    return path


def _why(exc: OSError) -> str:
    thai = {
        errno.EACCES: "ไม่มีสิทธิ์เขียน",
        errno.EPERM: "ไม่มีสิทธิ์เขียน",
        errno.EROFS: "ระบบไฟล์อ่านได้อย่างเดียว",
        errno.ENOSPC: "ดิสก์เต็ม",
        errno.ENOTDIR: "ส่วนหนึ่งของพาธเป็นไฟล์",
        errno.ENOENT: "ไม่มีพาธนี้",
    }
    return thai.get(exc.errno or 0, exc.strerror or str(exc))


@contextmanager
def locked_out_dir(path: Path, *, option: str = "--out") -> Iterator[Path]:
    """Hold ``path``'s lock for the block; a folder another run holds is refused at once (exit 2).

    The lock is an advisory ``flock`` on ``path/.ita-checker.lock`` (py-filelock): the system releases it
    when the holder exits, however it exits, so a crashed run never leaves the folder locked.
    """
    prepare_out_dir(path, option=option)
    lock = FileLock(path / LOCK_NAME, timeout=0)
    try:
        lock.acquire()
    except Timeout as exc:
        raise InputError(
            f"{option} {path}: โฟลเดอร์นี้กำลังถูกใช้โดยการตรวจอีกรายการหนึ่ง รอให้เสร็จก่อนหรือระบุ {option} อื่น / "
            f"{option} {path} is in use by another run; wait for it to finish or give another {option}"
        ) from exc
    try:
        yield path
    finally:
        lock.release()
