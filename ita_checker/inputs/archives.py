"""Zip-bomb guard for XLSX/DOCX/ODT files (forms we are given and documents we fetch): one limit table."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import BinaryIO, Final

MIB: Final = 1 << 20


@dataclass(frozen=True)
class ArchiveLimits:
    """What a zip-based office file may declare before any member of it is decompressed.

    Attributes:
        max_members: entries in the central directory.
        max_member_uncompressed: declared uncompressed size of any one member, in bytes.
        max_total_uncompressed: sum of the members' declared uncompressed sizes, in bytes.
        max_ratio: declared uncompressed ÷ compressed size allowed for a member of ``ratio_from`` bytes or more
            (deflate reaches about 1,000:1 on repeated data; real office XML is 5-20:1).
        ratio_from: members smaller than this are not ratio-checked (they cannot hurt, and tiny padded parts
            compress very well).
    """

    max_members: int
    max_member_uncompressed: int
    max_total_uncompressed: int
    max_ratio: float
    ratio_from: int = MIB


# The one limit table. Measured on real files: the `template` form is 31 kB in 9 members; a registry of 2,000
# agencies x 40 submitted URLs (80,000 rows) is 20 MB of sheet XML at 12.7:1 and reads in ~4 s / 80 MB RSS; the
# most repetitive sheet tried (20,000 rows of styled empty cells) is 15.8:1.
LIMITS: Final[Mapping[str, ArchiveLimits]] = MappingProxyType(
    {
        # Submission forms, registries and override files given on the command line (read in-process).
        "form": ArchiveLimits(
            max_members=1_000, max_member_uncompressed=32 * MIB, max_total_uncompressed=64 * MIB, max_ratio=100
        ),
        # Office documents fetched from agency sites (extracted in the sandbox, whose memory cap is the backstop).
        "document": ArchiveLimits(
            max_members=5_000, max_member_uncompressed=64 * MIB, max_total_uncompressed=128 * MIB, max_ratio=200
        ),
    }
)
FORM_LIMITS: Final = LIMITS["form"]
DOCUMENT_LIMITS: Final = LIMITS["document"]

_ENTRY_BUDGET = 1024  # central-directory bytes allowed per member (a real entry is ~100 bytes)
_EOCD = struct.Struct("<4s4H2LH")  # signature, disk, cd disk, entries here, entries, cd size, cd offset, comment
_EOCD64_LOCATOR = struct.Struct("<4sLQL")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")  # ..., entries here, entries, cd size, cd offset
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class ArchiveRefused(ValueError):
    """The archive declares more than its limits allow; ``thai`` and ``english`` say what, for messages."""

    def __init__(self, thai: str, english: str) -> None:
        super().__init__(english)
        self.thai = thai
        self.english = english


def _mb(size: int) -> str:
    if size < MIB:
        return f"{size / 1024:,.0f} kB"
    value = size / MIB
    return f"{value:,.0f} MB" if value >= 10 else f"{value:,.1f} MB"


def _name(name: str) -> str:
    clean = _CONTROL_RE.sub("?", name)
    return clean if len(clean) <= 60 else clean[:59] + "…"


@contextmanager
def _opened(source: Path | bytes) -> Iterator[BinaryIO]:
    if isinstance(source, bytes):
        yield io.BytesIO(source)
    else:
        with source.open("rb") as fh:
            yield fh


def _directory(fp: BinaryIO) -> tuple[int, int] | None:
    """(entries, central directory bytes) from the end record (zip64 too), or None when there is none."""
    size = fp.seek(0, io.SEEK_END)
    fp.seek(max(0, size - (_EOCD.size + 0xFFFF + _EOCD64_LOCATOR.size + _EOCD64.size)))
    tail = fp.read()
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or pos + _EOCD.size > len(tail):
        return None
    _, _, _, here, entries, cd_size, cd_offset, _ = _EOCD.unpack_from(tail, pos)
    entries = max(here, entries)
    if 0xFFFF in (here, entries) or 0xFFFFFFFF in (cd_size, cd_offset):
        start = pos - _EOCD64_LOCATOR.size - _EOCD64.size
        if start >= 0 and tail[pos - _EOCD64_LOCATOR.size :].startswith(b"PK\x06\x07"):
            record = _EOCD64.unpack_from(tail, start)
            if record[0] == b"PK\x06\x06":
                entries, cd_size = max(record[5], record[6]), record[7]
    return entries, cd_size


def _too_many(count: int, limits: ArchiveLimits) -> ArchiveRefused:
    return ArchiveRefused(
        f"มีไฟล์ย่อยข้างใน {count:,} รายการ เกินกำหนด {limits.max_members:,} รายการ",
        f"it holds {count:,} members, over the limit of {limits.max_members:,}",
    )


def _check_member(info: zipfile.ZipInfo, limits: ArchiveLimits) -> None:
    size, packed, name = info.file_size, info.compress_size, _name(info.filename)
    if size > limits.max_member_uncompressed:
        raise ArchiveRefused(
            f"ส่วน '{name}' ขยายแล้วมีขนาด {_mb(size)} เกินกำหนด {_mb(limits.max_member_uncompressed)}",
            f"member '{name}' is {_mb(size)} uncompressed, over the {_mb(limits.max_member_uncompressed)} limit",
        )
    if packed > size + size // 64 + 4096:  # no zip method grows data this much: the declared size lies
        raise ArchiveRefused(
            f"ส่วน '{name}' ระบุขนาด {size:,} ไบต์ แต่มีข้อมูลบีบอัด {packed:,} ไบต์ (ส่วนหัวไฟล์ถูกปลอมหรือเสีย)",
            f"member '{name}' declares {size:,} bytes uncompressed but holds {packed:,} compressed bytes "
            "(a forged or damaged header)",
        )
    if size >= limits.ratio_from and size > packed * limits.max_ratio:
        ratio = size / max(packed, 1)
        raise ArchiveRefused(
            f"ส่วน '{name}' ถูกบีบอัดถึง {ratio:,.0f}:1 เกินกำหนด {limits.max_ratio:,.0f}:1",
            f"member '{name}' is compressed {ratio:,.0f}:1, over the {limits.max_ratio:,.0f}:1 limit",
        )


def check_archive(source: Path | bytes, limits: ArchiveLimits) -> None:
    """Refuse a zip whose central directory declares more than ``limits``, before anything is decompressed.

    Parameters:
        source: the file, or the fetched body.
        limits: ``FORM_LIMITS``, ``DOCUMENT_LIMITS`` or another row of ``LIMITS``.

    Raises:
        ArchiveRefused: too many members (counted from the end record before the directory is parsed, and the
            directory's own size is capped), a member or the total too large, a member compressed beyond
            ``max_ratio``, or a member whose compressed data is larger than its declared size could produce.
        zipfile.BadZipFile, OSError: not a zip, or unreadable; callers treat it as a damaged file.

    Lying headers: only declared sizes are checked (reading the data would be the bomb). That is enough because
    every reader here (openpyxl, python-docx, our ODT reader) goes through CPython's ``zipfile``, whose member
    streams never return more than the central directory's declared size (they stop there and then fail the
    CRC check), so a member that understates its size is cut off, not inflated. Residual risk: a reader that
    bypassed ``zipfile`` would not be bounded; and work grows with what the limits allow (a form at the 32 MB
    member limit of dense numeric cells took 16 s and 144 MB to read).
    """
    with _opened(source) as fp:
        directory = _directory(fp)
        if directory is not None:
            entries, cd_size = directory
            if entries > limits.max_members:
                raise _too_many(entries, limits)
            if cd_size > limits.max_members * _ENTRY_BUDGET:
                raise ArchiveRefused(
                    f"สารบัญของไฟล์บีบอัดมีขนาด {_mb(cd_size)} ผิดปกติ",
                    f"its central directory is {_mb(cd_size)}, far more than {limits.max_members:,} members need",
                )
        fp.seek(0)
        with zipfile.ZipFile(fp) as zf:
            infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise _too_many(len(infos), limits)
    total = 0
    for info in infos:
        _check_member(info, limits)
        total += info.file_size
    if total > limits.max_total_uncompressed:
        raise ArchiveRefused(
            f"ขยายแล้วรวม {_mb(total)} เกินกำหนด {_mb(limits.max_total_uncompressed)}",
            f"it is {_mb(total)} uncompressed in all, over the {_mb(limits.max_total_uncompressed)} limit",
        )
