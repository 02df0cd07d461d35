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
