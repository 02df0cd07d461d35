"""Input bombs: zip-bomb XLSX/DOCX/ODT/ODS forms and fetched documents are refused from the zip directory."""

from __future__ import annotations

import io
import json
import re
import struct
import subprocess
import sys
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import docx
import openpyxl
import pytest

from ita_checker.errors import InputError
from ita_checker.extract.dispatch import extract
from ita_checker.extract.office import extract_docx, extract_xlsx
from ita_checker.inputs import archives
from ita_checker.inputs.archives import (
    DOCUMENT_LIMITS,
    FORM_LIMITS,
    MIB,
    ArchiveLimits,
    ArchiveRefused,
    check_archive,
)
from ita_checker.inputs.submissions import read_submissions
from ita_checker.inputs.tables import read_tables

ROOT = Path(__file__).resolve().parent.parent
SHEET = "xl/worksheets/sheet1.xml"
BOMB_MIB = 256  # "hundreds of MB" of XML inflated from < 1 MB on disk
LIAR_MIB = 64  # data behind a forged header
AS_CAP = 2 << 30  # address-space cap of every child: a regressed guard fails the test instead of eating the RAM
MAX_SECONDS = 2.0
MAX_PEAK_MB = 200

SHEET_HEAD = (
    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_ROW = b'<row><c t="inlineStr"><is><t>O1</t></is></c><c t="inlineStr"><is><t>https://x.go.th/o1</t></is></c></row>'
SHEET_TAIL = b"</sheetData></worksheet>"
DOCX_HEAD = (
    b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
DOCX_PARA = "<w:p><w:r><w:t>คู่มือการปฏิบัติงาน 2570</w:t></w:r></w:p>".encode()
DOCX_TAIL = b"</w:body></w:document>"
ODF_HEAD = (
    b'<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
)
ODF_PARA = "<text:p>คู่มือการปฏิบัติงาน 2570</text:p>".encode()
ODF_TAIL = b"</office:text></office:body></office:document-content>"


# --- building the files (streamed: the test never holds the inflated data) ----------------------------------------


def _form_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _docx_bytes(text: str) -> bytes:
    d = docx.Document()
    d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


FORM = [["ข้อ", "ข้อมูล", "URL", "คำอธิบาย"], ["O1", "โครงสร้าง", "https://www.abc.go.th/o1", ""]]


def _with_member(
    base: bytes | None, dest: Path, name: str, head: bytes, unit: bytes, mib: float, tail: bytes = b""
) -> Path:
    """``base`` (a zip) with member ``name`` replaced by ``head`` + ``unit`` repeated to ``mib`` MiB + ``tail``."""
    block = unit * max(1, (1 << 20) // len(unit))
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        if base is not None:
            with zipfile.ZipFile(io.BytesIO(base)) as src:
                for info in src.infolist():
                    if info.filename != name:
                        out.writestr(info.filename, src.read(info))
        with out.open(name, "w", force_zip64=True) as fh:
            fh.write(head)
            for _ in range(round(mib * MIB / len(block))):
                fh.write(block)
            fh.write(tail)
    return dest


def _patch_sizes(path: Path, name: str, *, file_size: int | None = None, compress_size: int | None = None) -> None:
    """Make both headers of ``name`` lie: the central directory's sizes and the local header's zip64 sizes."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    data = bytearray(path.read_bytes())
    raw = name.encode()
    central = next(
        pos
        for pos in (m.start() for m in re.finditer(re.escape(b"PK\x01\x02"), data))
        if data[pos + 46 : pos + 46 + len(raw)] == raw
    )
    local = info.header_offset
    assert struct.unpack_from("<LL", data, local + 18) == (0xFFFFFFFF, 0xFFFFFFFF)  # sizes in the zip64 extra
    zip64 = local + 30 + len(raw)
    assert struct.unpack_from("<HH", data, zip64) == (1, 16)
    if file_size is not None:
        struct.pack_into("<L", data, central + 24, file_size)
        struct.pack_into("<Q", data, zip64 + 4, file_size)
    if compress_size is not None:
        struct.pack_into("<L", data, central + 20, compress_size)
        struct.pack_into("<Q", data, zip64 + 12, compress_size)
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as zf:
        lied = zf.getinfo(name)
    assert lied.file_size == (file_size or info.file_size)
    assert lied.compress_size == (compress_size or info.compress_size)


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("bombs")
    form = _form_bytes(FORM)
    built = {
        "form": _with_member(form, tmp / "bomb.xlsx", SHEET, SHEET_HEAD, SHEET_ROW, BOMB_MIB, SHEET_TAIL),
        "docx": _with_member(
            _docx_bytes("x"), tmp / "bomb.docx", "word/document.xml", DOCX_HEAD, DOCX_PARA, BOMB_MIB, DOCX_TAIL
        ),
        "odt": _with_member(None, tmp / "bomb.odt", "content.xml", ODF_HEAD, ODF_PARA, BOMB_MIB, ODF_TAIL),
        "ods": _with_member(None, tmp / "bomb.ods", "content.xml", ODF_HEAD, ODF_PARA, BOMB_MIB, ODF_TAIL),
    }
    for path in built.values():
        assert path.stat().st_size < 2 * MIB
    return built


# --- measuring a reader in a child process ----------------------------------------------------------------------

PROBE = r"""
import json, resource, sys, time
cap = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
from pathlib import Path
from ita_checker.errors import InputError
from ita_checker.extract.dispatch import extract
from ita_checker.inputs.registry import read_registry
from ita_checker.inputs.submissions import read_submissions
mode, path = sys.argv[1], Path(sys.argv[2])
types = {"ods": "application/vnd.oasis.opendocument.spreadsheet"}
t0 = time.monotonic()
try:
    if mode == "form":
        read_submissions(path)
        outcome = "read"
    elif mode == "registry":
        read_registry(path)
        outcome = "read"
    else:
        outcome = extract(path.read_bytes(), url="https://x.go.th/" + path.name, content_type=types.get(mode)).note
except InputError as exc:
    outcome = "InputError: " + str(exc)
seconds = time.monotonic() - t0
# VmHWM is this process image's own peak; ru_maxrss would carry over the (large) pytest parent's across exec
status = Path("/proc/self/status").read_text()
peak_mb = int(next(ln.split()[1] for ln in status.splitlines() if ln.startswith("VmHWM:"))) / 1024
print(json.dumps({"outcome": outcome, "seconds": seconds, "peak_mb": peak_mb}))
"""


def _probe(mode: str, path: Path) -> dict[str, Any]:
    """Run one reader on ``path`` in a fresh interpreter; its outcome, seconds in the reader and peak RSS (MB)."""
    t0 = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, mode, str(path), str(AS_CAP)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_seconds"] = time.monotonic() - t0
    print(f"{mode} {path.name}: {result}")
    return result


def _assert_bounded(result: dict[str, Any]) -> None:
    assert result["seconds"] < MAX_SECONDS, result
    assert result["peak_mb"] < MAX_PEAK_MB, result


# --- the bomb given as a form or registry -----------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["form", "registry"])
def test_bomb_form_is_refused_fast_and_small(bombs: dict[str, Path], mode: str) -> None:
    path = bombs["form"]
    result = _probe(mode, path)
    _assert_bounded(result)
    outcome = result["outcome"]
    assert outcome.startswith(f"InputError: ไม่อ่านไฟล์ {path}: ส่วน '{SHEET}' ขยายแล้วมีขนาด {BOMB_MIB} MB"), outcome
    assert f"refusing to read {path}: member '{SHEET}' is {BOMB_MIB} MB uncompressed, over the 32 MB limit" in outcome
    assert "zip bomb" in outcome


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    runner = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]),) * 2); "
        "sys.argv = ['ita-checker', *sys.argv[2:]]; from ita_checker.cli.main import main; main()"
    )
    return subprocess.run(
        [sys.executable, "-c", runner, str(AS_CAP), *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=cwd,
        check=False,
    )


def _assert_refused_on_cli(proc: subprocess.CompletedProcess[str], path: Path) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    err = " ".join(proc.stderr.split())  # the console may wrap a long line
    assert "Traceback" not in proc.stderr + proc.stdout
    thai, english = err.index(f"ไม่อ่านไฟล์ {path}:"), err.index(f"refusing to read {path}:")
    assert thai < english, err
    assert "ขยายแล้วมีขนาด" in err[thai:english]
    assert "zip bomb" in err[english:]


def test_cli_check_refuses_a_bomb_form(bombs: dict[str, Path], tmp_path: Path) -> None:
    path = bombs["form"]
    proc = _cli(["check", "https://www.abc.go.th/", "--year", "2570", "--agency-type", "local",
                 "--submissions", str(path), "--store", str(tmp_path / "store"), "--out", str(tmp_path / "out")],
                tmp_path)  # fmt: skip
    _assert_refused_on_cli(proc, path)


def test_cli_scan_refuses_a_bomb_registry(bombs: dict[str, Path], tmp_path: Path) -> None:
    path = bombs["form"]
    proc = _cli(["scan", "--registry", str(path), "--year", "2570", "--out", str(tmp_path / "out"),
                 "--store", str(tmp_path / "store"), "--no-progress"], tmp_path)  # fmt: skip
    _assert_refused_on_cli(proc, path)


# --- the bomb fetched as a document --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["docx", "odt", "ods", "form"])
def test_bomb_document_is_a_clear_failure(bombs: dict[str, Path], kind: str) -> None:
    path = bombs[kind]
    result = _probe("xlsx" if kind == "form" else kind, path)  # mode "xlsx": the form bomb fetched as .xlsx
    _assert_bounded(result)
    assert result["outcome"].startswith("bad_content: refused by the zip bomb guard (member "), result
    assert f"is {BOMB_MIB} MB uncompressed, over the 64 MB limit" in result["outcome"]


def test_extractors_map_the_refusal_to_their_failure_note(tmp_path: Path) -> None:
    body = _with_member(None, tmp_path / "z.docx", "word/document.xml", b"", b"\0", 20).read_bytes()
    for fn, kind in ((extract_docx, "docx"), (extract_xlsx, "xlsx")):
        doc = fn(body)
        assert doc.kind == kind
        assert doc.text == ""
        assert re.fullmatch(
            r"bad_content: refused by the zip bomb guard \(member 'word/document.xml' is compressed [\d,]+:1, "
            r"over the 200:1 limit\)",
            doc.note,
        ), doc.note


# --- each limit ------------------------------------------------------------------------------------------------


def _no_zipfile(*args: object, **kwargs: object) -> NoReturn:
    raise AssertionError("the zip directory was parsed: the end record should have refused the file")


def _many_members(dest: Path, count: int) -> Path:
    with zipfile.ZipFile(io.BytesIO(_form_bytes(FORM))) as src, zipfile.ZipFile(dest, "w") as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info))
        for i in range(count):
            out.writestr(f"customXml/item{i}.xml", b"<a/>")
    return dest


def test_too_many_members_are_counted_from_the_end_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _many_members(tmp_path / "many.xlsx", 2_000)
    with monkeypatch.context() as m:  # refused before zipfile parses the directory
        m.setattr(zipfile, "ZipFile", _no_zipfile)
        with pytest.raises(ArchiveRefused, match=r"it holds 2,009 members, over the limit of 1,000"):
            check_archive(path, FORM_LIMITS)
    with pytest.raises(InputError) as info:
        read_submissions(path)
    message = str(info.value)
    assert message.startswith(f"ไม่อ่านไฟล์ {path}: มีไฟล์ย่อยข้างใน 2,009 รายการ เกินกำหนด 1,000 รายการ"), message
    assert f"/ refusing to read {path}: it holds 2,009 members" in message


def test_too_many_members_in_a_zip64_end_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "many64.docx"
    with zipfile.ZipFile(path, "w") as out:  # more than 65,535 entries: zipfile writes a zip64 end record
        for i in range(66_000):
            out.writestr(zipfile.ZipInfo(f"{i}"), b"")
    monkeypatch.setattr(zipfile, "ZipFile", _no_zipfile)
    with pytest.raises(ArchiveRefused, match=r"it holds 66,000 members, over the limit of 5,000"):
        check_archive(path.read_bytes(), DOCUMENT_LIMITS)


def test_an_end_record_that_understates_the_members_is_caught_by_the_directory(tmp_path: Path) -> None:
    path = _many_members(tmp_path / "lying-count.xlsx", 2_000)
    data = bytearray(path.read_bytes())
    eocd = data.rindex(b"PK\x05\x06")
    data[eocd + 8 : eocd + 12] = (5).to_bytes(2, "little") * 2  # "5 entries" (both counts)
    path.write_bytes(bytes(data))
    with pytest.raises(ArchiveRefused, match=r"it holds 2,009 members"):
        check_archive(path, FORM_LIMITS)


def test_an_oversized_central_directory_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "names.xlsx"
    with zipfile.ZipFile(path, "w") as out:
        for i in range(5):
            out.writestr(f"{i}" + "n" * 4000, b"")
    limits = ArchiveLimits(max_members=10, max_member_uncompressed=MIB, max_total_uncompressed=MIB, max_ratio=100)
    monkeypatch.setattr(zipfile, "ZipFile", _no_zipfile)
    with pytest.raises(ArchiveRefused, match=r"central directory is 20 kB, far more than 10 members need"):
        check_archive(path, limits)


def test_a_member_with_an_extreme_ratio_is_refused(tmp_path: Path) -> None:
    """16 MB of zeros (under the 32 MB member limit) packed ~1,000:1: refused by the ratio alone."""
    path = _with_member(_form_bytes(FORM), tmp_path / "ratio.xlsx", "xl/media/image1.bin", b"", b"\0" * 4096, 16)
    with pytest.raises(InputError) as info:
        read_submissions(path)
    message = str(info.value)
    assert re.search(r"ส่วน 'xl/media/image1\.bin' ถูกบีบอัดถึง [\d,]+:1 เกินกำหนด 100:1", message), message
    assert re.search(r"member 'xl/media/image1\.bin' is compressed [\d,]+:1, over the 100:1 limit", message)
    assert message.index("ไม่อ่านไฟล์") < message.index("refusing to read")


def test_total_uncompressed_size_is_capped(tmp_path: Path) -> None:
    path = tmp_path / "total.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for i in range(4):
            out.writestr(f"part{i}.xml", b"<a/>" * (MIB // 4))
    limits = ArchiveLimits(
        max_members=10, max_member_uncompressed=2 * MIB, max_total_uncompressed=3 * MIB, max_ratio=1e6
    )
    with pytest.raises(ArchiveRefused, match=r"it is 4\.0 MB uncompressed in all, over the 3\.0 MB limit"):
        check_archive(path, limits)
    check_archive(path, ArchiveLimits(max_members=10, max_member_uncompressed=2 * MIB,
                                      max_total_uncompressed=4 * MIB, max_ratio=1e6))  # fmt: skip


def test_a_forged_small_size_is_refused_from_the_directory(tmp_path: Path) -> None:
    """The member says 1,000 bytes but carries 64 MB deflated: refused without inflating it."""
    path = _with_member(_form_bytes(FORM), tmp_path / "liar.xlsx", SHEET, SHEET_HEAD, SHEET_ROW, LIAR_MIB, SHEET_TAIL)
    _patch_sizes(path, SHEET, file_size=1000)
    with pytest.raises(ArchiveRefused, match=r"declares 1,000 bytes uncompressed but holds [\d,]+ compressed bytes"):
        check_archive(path, FORM_LIMITS)
    result = _probe("form", path)
    _assert_bounded(result)
    assert "(ส่วนหัวไฟล์ถูกปลอมหรือเสีย)" in result["outcome"]
    assert "(a forged or damaged header)" in result["outcome"]


def test_a_member_lying_about_both_sizes_is_cut_at_the_declared_size(tmp_path: Path) -> None:
    """Both sizes small and consistent, the data huge: the directory check passes, but zipfile stops at the
    declared 1,000 bytes (then fails the CRC), so the form is merely unreadable, fast and small."""
    path = _with_member(_form_bytes(FORM), tmp_path / "liar2.xlsx", SHEET, SHEET_HEAD, SHEET_ROW, LIAR_MIB, SHEET_TAIL)
    _patch_sizes(path, SHEET, file_size=1000, compress_size=900)
    check_archive(path, FORM_LIMITS)
    with zipfile.ZipFile(path) as zf, zf.open(SHEET) as fh, pytest.raises(zipfile.BadZipFile, match="CRC"):
        fh.read(1 << 20)
    result = _probe("form", path)
    _assert_bounded(result)
    assert result["outcome"].startswith(f"InputError: อ่านไฟล์ {path} ไม่ได้"), result
    assert f"cannot read {path}" in result["outcome"]


# --- real files still pass ------------------------------------------------------------------------------------


def test_a_normal_form_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    path.write_bytes(_form_bytes(FORM))
    check_archive(path, FORM_LIMITS)
    form = read_submissions(path)
    assert form.urls_for("O1") == ["https://www.abc.go.th/o1"]


def test_a_large_honest_registry_sheet_is_still_read(tmp_path: Path) -> None:
    """10,000 URL rows (~2.5 MB of sheet XML, over the 1 MB ratio floor) pass every limit."""
    rows: list[list[object]] = [["รหัสหน่วยงาน", "ข้อ", "URL", "คำอธิบาย"]]
    rows += [[f"AG{a:04d}", f"O{i}", f"https://www.agency{a}.go.th/ita/2570/o{i}.html", ""]
             for a in range(250) for i in range(1, 41)]  # fmt: skip
    path = tmp_path / "big.xlsx"
    path.write_bytes(_form_bytes(rows))
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo(SHEET).file_size > MIB
    check_archive(path, FORM_LIMITS)
    (table,) = read_tables(path)
    assert len(table.rows) == 10_001
    assert table.rows[-1][:2] == ["AG0249", "O40"]


def test_normal_documents_are_still_extracted() -> None:
    doc = extract_docx(_docx_bytes("คู่มือการปฏิบัติงาน 2570"))
    assert doc.note == ""
    assert "คู่มือการปฏิบัติงาน 2570" in doc.text
    sheet = extract_xlsx(_form_bytes(FORM))
    assert sheet.note == ""
    assert "https://www.abc.go.th/o1" in sheet.text
    odt = io.BytesIO()
    with zipfile.ZipFile(odt, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", ODF_HEAD + ODF_PARA + ODF_TAIL)
    doc = extract(odt.getvalue(), url="https://x.go.th/a.odt", content_type=None)
    assert doc.kind == "odt"
    assert "คู่มือการปฏิบัติงาน 2570" in doc.text


# --- one limit table, documented -------------------------------------------------------------------------------


def test_the_limit_table_is_documented_in_the_readme() -> None:
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())  # lines are wrapped
    for limits in (FORM_LIMITS, DOCUMENT_LIMITS):
        line = (
            f"{limits.max_members:,} members, {limits.max_member_uncompressed // MIB} MB per member, "
            f"{limits.max_total_uncompressed // MIB} MB in all, {limits.max_ratio:,.0f}:1"
        )
        assert line in readme, line
    assert archives.LIMITS["form"] is FORM_LIMITS
    assert archives.LIMITS["document"] is DOCUMENT_LIMITS
