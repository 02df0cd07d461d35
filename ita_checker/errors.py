"""Errors that the CLI turns into a clear message and exit status 2 (bad input) instead of a traceback."""

from __future__ import annotations


class InputError(Exception):
    """Bad user input: a file, row, field or option the user can fix.

    The message is shown as-is to the user (Thai first, English after), so it must name the
    file/sheet/row/column or option concerned and say how to fix it.
    """


class BlockedTarget(InputError):
    """A URL the SSRF guard refuses to fetch (private, loopback, link-local ... address)."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(
            f"ไม่ตรวจ {url}: ปลายทางเป็นที่อยู่เครือข่ายภายในหรือสงวน ({reason}) "
            "ใช้ --allow-private-network หากต้องการตรวจเว็บภายในองค์กร / "
            f"refusing {url}: it resolves to a {reason} address; pass --allow-private-network "
            "to check intranet or test sites."
        )


class StorageError(Exception):
    """The store (``--store``) cannot be opened or written: disk full, read-only, file-size limit ...

    Not an internal error: the CLI shows this one-paragraph message (Thai first) and exits 1, no traceback.
    """

    def __init__(self, store_dir: object, cause: object) -> None:
        self.store_dir = store_dir
        self.cause = cause
        super().__init__(
            f"บันทึกข้อมูลลงที่เก็บ {store_dir} ไม่ได้ ({cause}) การตรวจรอบนี้จึงหยุด ตรวจสอบพื้นที่ดิสก์และสิทธิ์เขียน "
            "แล้วสั่งตรวจใหม่ (ส่วนที่ดึงมาแล้วจะใช้ต่อได้) / cannot write to the store "
            f"{store_dir} ({cause}); the check stopped. Free disk space or fix permissions (or pass another "
            "--store) and run it again: what was already fetched is kept and reused."
        )
