"""Hostile input: injection in pages and URLs, oversized/bomb/endless downloads, broken documents, fuzzed forms.

Cases tried per run: 9 injection payloads on one served site (titles, headings, snippets, links, submitted
query strings), 3 oversized downloads (Content-Length, gzip bomb, endless stream) plus 1 slow endless stream,
12 malformed documents through the sandbox (and 6 of them end to end), 9 fixed hostile forms and 3 hypothesis
fuzzers (CSV bytes, CSV cells, XLSX cells/corruption: 30 examples each): 130 in all; the last test prints the
count actually run.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pymupdf
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ita_checker.check import CheckOptions, run_check
from ita_checker.cli.main import main as cli_main
from ita_checker.crawl.job import CrawlJob
from ita_checker.crawl.process import run_crawl
from ita_checker.demo.server import SiteConfig, serve
from ita_checker.extract.sandbox import extract_limited
from ita_checker.store.blobs import Store

CASES: dict[str, int] = {}


def _tried(kind: str, n: int = 1) -> None:
    CASES[kind] = CASES.get(kind, 0) + n


# --- hostile documents ---------------------------------------------------------------------------------------


def _pdf(pages: int, text: str = "คู่มือการปฏิบัติงาน 2569", **save: Any) -> bytes:
    doc = pymupdf.open()  # type: ignore[no-untyped-call]
    for i in range(pages):
        page = doc.new_page()
        if i < 3:
            page.insert_text((72, 72), text)
    data = doc.tobytes(**save)  # type: ignore[no-untyped-call]
    doc.close()  # type: ignore[no-untyped-call]
    return bytes(data)


def _many_pages_pdf(pages: int) -> bytes:
    """A valid PDF of ``pages`` pages sharing one content stream, written directly (pymupdf takes seconds)."""
    text = b"BT /F1 12 Tf 72 720 Td (Operations manual 2569) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (5 + i) for i in range(pages)) + b"] /Count %d >>" % pages,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
    ]
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 3 0 R >> >> >>"
    )
    objects += [page] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["คู่มือ", 2569])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _zip_bomb(name: str, declared_ok: bool) -> bytes:
    """An Office-looking zip with a 130 MB member (over the 120 MB guard; ~0.5 MB on disk); ``declared_ok``
    lies about its size in both headers."""
    buf = io.BytesIO()
    block = b"<row/>" * (1 << 20)
    blocks = 21
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open(name, "w", force_zip64=True) as fh:
            for _ in range(blocks):
                fh.write(block)
    data = buf.getvalue()
    if declared_ok:  # patch the sizes to 1,000 bytes: zipfile must stop at the declared size, not inflate it all
        data = data.replace((len(block) * blocks).to_bytes(8, "little"), (1000).to_bytes(8, "little"))
    return data


@pytest.fixture(scope="module")
def documents() -> dict[str, tuple[bytes, str]]:
    good_pdf = _pdf(2)
    xlsx = _xlsx()
    encrypted = _pdf(
        1,
        encryption=pymupdf.PDF_ENCRYPT_AES_256,  # type: ignore[attr-defined]
        user_pw="u",
        owner_pw="o",
    )
    return {
        "encrypted.pdf": (encrypted, "application/pdf"),
        "truncated.pdf": (good_pdf[: len(good_pdf) // 2], "application/pdf"),
        "pages-5000.pdf": (_many_pages_pdf(5000), "application/pdf"),
        "header-only.pdf": (b"%PDF-1.7\n" + os.urandom(4000), "application/pdf"),
        "broken.xlsx": (xlsx[: len(xlsx) // 2], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "broken.docx": (
            b"PK\x03\x04" + os.urandom(3000),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "bomb.xlsx": (
            _zip_bomb("xl/worksheets/sheet1.xml", False),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "bomb-lying.docx": (
            _zip_bomb("word/document.xml", True),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "not-a-zip.xlsx": (os.urandom(2000), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "empty.docx": (b"", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        "odt-bomb.odt": (_zip_bomb("content.xml", False), "application/vnd.oasis.opendocument.text"),
        "png-lie.png": (b"\x89PNG\r\n\x1a\n" + os.urandom(500), "image/png"),
    }


def test_malformed_documents_in_the_sandbox(documents: dict[str, tuple[bytes, str]]) -> None:
    for name, (body, ctype) in documents.items():
        _tried("document")
        t0 = time.monotonic()
        doc = extract_limited(
            body, url=f"https://x.go.th/{name}", content_type=ctype, ocr=False, time_limit_s=30, memory_limit_mb=768
        )
        assert time.monotonic() - t0 < 20, name
        if name == "truncated.pdf":  # PyMuPDF repairs what it can: unreadable or read, never a crash
            assert doc.note.startswith("bad_content") or doc.pages > 0, doc.note
        elif name == "pages-5000.pdf":
            assert doc.pages == 5000
            assert "only first 60" in doc.note, doc.note
            assert "manual 2569" in doc.text
        elif name == "png-lie.png":
            assert doc.note == "ocr disabled"
        else:
            assert doc.note.startswith(("bad_content", "too_large")), (name, doc.note)


# --- a hostile site, checked end to end ----------------------------------------------------------------------

INJECT = "</textarea></title><script>alert(1)</script><img src=x onerror=alert(2)>"
ESC = INJECT.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
PAGES = {
    "index.html": f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{ESC} อบต.ทดสอบ</title></head><body>
<nav><a href="javascript:alert(3)">หน้าหลัก</a> <a href=" JaVaScRiPt:alert(4)">โครงสร้าง</a>
<a href="/oit/structure.html" onclick="alert(5)">โครงสร้าง</a></nav>
<main><h1 onmouseover="alert(6)">{ESC}</h1><p>ยินดีต้อนรับ {ESC}</p></main></body></html>""",
    "oit/structure.html": f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>โครงสร้างองค์กร {ESC}</title></head><body><main><h1>โครงสร้างองค์กร {ESC}</h1>
<p>{ESC} โครงสร้าง ปลัด กองคลัง พ.ศ. 2569 <a href="javascript:alert(7)">แผนผังโครงสร้าง</a></p>
<form action="javascript:alert(8)"><button formaction="javascript:alert(9)">x</button></form></main></body></html>""",
    "oit/news.html": f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>ข่าวประชาสัมพันธ์ {ESC}</title>
</head><body><main><h1>ข่าวประชาสัมพันธ์</h1><p>{ESC} ข่าว 12 มกราคม 2569</p>
<iframe src="javascript:alert(10)"></iframe></main></body></html>""",
    "oit/manual.html": """<!DOCTYPE html><html><head><meta charset="utf-8"><title>คู่มือการปฏิบัติงาน</title></head>
<body><main><h1>คู่มือการปฏิบัติงาน</h1><ul>{links}</ul></main></body></html>""",
}
E2E_DOCS = ("encrypted.pdf", "truncated.pdf", "broken.xlsx", "broken.docx", "bomb.xlsx", "bomb-lying.docx")
LIMIT_ROUTES: dict[str, dict[str, Any]] = {
    "/big.pdf": {"bytes": 30_000_000},  # Content-Length over the 25 MB limit
    "/bomb.html": {"gzip_bomb": 1_100_000_000},  # ~1 MB on the wire, 1.1 GB inflated
    "/endless.html": {"endless": 65536},  # never ends
    "/drip.html": {"endless": 64, "drip": 0.2},  # never ends, slowly
}
HOSTILE_QUERY = '/oit/news.html?q=<script>alert(11)</script>&x="><svg/onload=alert(12)>'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, documents: dict[str, tuple[bytes, str]]) -> Iterator[Any]:
    tmp = tmp_path_factory.mktemp("hostile")
    www = tmp / "www"
    for rel, html in PAGES.items():
        if rel == "oit/manual.html":
            html = html.replace("{links}", "".join(f'<li><a href="/files/{n}">คู่มือ {n}</a></li>' for n in E2E_DOCS))
        (www / rel).parent.mkdir(parents=True, exist_ok=True)
        (www / rel).write_text(html, encoding="utf-8")
    (www / "files").mkdir()
    for name in E2E_DOCS:
        (www / "files" / name).write_bytes(documents[name][0])
    site = serve(SiteConfig(root=www, routes=LIMIT_ROUTES))
    base = site.base_url
    form = tmp / "form.csv"
    with form.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["ข้อ", "ข้อมูล", "URL", "คำอธิบาย"])
        w.writerow(["O1", f"โครงสร้าง {INJECT}", f"{base}/oit/structure.html", INJECT])
        w.writerow(["O4", "ข่าว", base + HOSTILE_QUERY, '=HYPERLINK("javascript:alert(13)")'])
        w.writerow(["O5", "แผน", f"{base}/big.pdf", ""])
        w.writerow(["O6", "แผน", f"{base}/bomb.html", ""])
        w.writerow(["O7", "รายงาน", f"{base}/endless.html", ""])
        w.writerow(["O9", "คู่มือบริการ", f"{base}/drip.html", ""])
        w.writerow(["O8", "คู่มือ", f"{base}/oit/manual.html", ""])
        w.writerow(["O10", "javascript", "javascript:alert(14)", ""])
    _tried("injection", 9)
    _tried("oversized", 4)
    _tried("document_e2e", len(E2E_DOCS))
    opts = CheckOptions(
        site=base + "/",
        year=2569,
        agency_type="local",
        submissions=form,
        allow_private=True,
        out_dir=tmp / "out",
        store_dir=tmp / "store",
        screenshots=False,
        browser="never",
        timeout_s=1.5,
        ocr=False,
    )
    try:
        run = run_check(opts)
        store = Store(tmp / "store")
        recs = {r.url.removeprefix(base): r for r in store.fetches(run.result["run_id"])}
        store.close()
        yield {
            "res": run.result,
            "paths": run.paths,
            "recs": recs,
            "base": base,
            "items": {it["code"]: it for it in run.result["items"]},
        }
    finally:
        site.stop()


def _is_js_url(value: str) -> bool:
    squeezed = "".join(ch for ch in value if ch > " ").lower()
    return squeezed.startswith(("javascript:", "vbscript:", "data:text/html"))


def test_report_html_carries_no_script_from_page_content(hostile: Any) -> None:
    html = hostile["paths"]["html"].read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find_all("script") == []
    for tag in soup.find_all(True):
        for attr, value in tag.attrs.items():
            assert not attr.lower().startswith("on"), (tag.name, attr)
            values = value if isinstance(value, list) else [value]
            for v in values:
                assert not _is_js_url(str(v)), (tag.name, attr, v)
    assert soup.find_all(["iframe", "form", "svg", "textarea", "object", "embed"]) == []
    assert "alert(1)" in soup.get_text()  # the hostile text is shown, as text
    assert "<script>alert(11)</script>" in soup.get_text()  # the hostile submitted URL, escaped


def test_hostile_pages_are_judged_not_crashed(hostile: Any) -> None:
    items = hostile["items"]
    assert items["O1"]["verdict"] in ("pass", "incomplete", "needs_review")
    assert items["O10"]["verdict"] == "fail"  # a javascript: 'URL' is no URL: warned about, never fetched
    assert not any(r.url.lower().startswith("javascript") for r in hostile["recs"].values())


@pytest.mark.parametrize(
    ("code", "path", "fail_class"),
    [
        ("O5", "/big.pdf", "too_large"),
        ("O6", "/bomb.html", "too_large"),
        ("O7", "/endless.html", "too_large"),
        ("O9", "/drip.html", "timeout"),
    ],
)
def test_oversized_downloads_are_stopped(hostile: Any, code: str, path: str, fail_class: str) -> None:
    rec = hostile["recs"][path]
    assert rec.fail_class == fail_class, (rec.fail_class, rec.detail)
    assert hostile["items"][code]["verdict"] == "unreachable"


def test_broken_documents_end_to_end_give_needs_review(hostile: Any) -> None:
    from ita_checker.extract.evidence import build_index

    store = Store(hostile["paths"]["json"].parent.parent / "store")
    try:
        index = build_index(store, hostile["res"]["run_id"], site=hostile["base"] + "/", ocr=False)
    finally:
        store.close()
    for name in E2E_DOCS:
        ev = index.by_url.get(f"{hostile['base']}/files/{name}")
        assert ev is not None, name
        if name == "truncated.pdf":
            continue  # repaired by PyMuPDF (see the sandbox test)
        assert ev.doc.note.startswith(("bad_content", "too_large")), (name, ev.doc.note)
    assert hostile["items"]["O8"]["verdict"] == "needs_review", hostile["items"]["O8"]["reasons"]


# --- hostile submission forms through the CLI ----------------------------------------------------------------

REFUSED_SITE = "http://127.0.0.1:9/"  # without --allow-private-network: a readable form ends in a refusal (exit 2)


def _cli_on_form(path: Path) -> None:
    """`check` on ``path``: exit 2 with one message (bad form, or the refused site), never a traceback."""
    with tempfile.TemporaryDirectory() as cwd:
        old = Path.cwd()
        os.chdir(cwd)
        try:
            result = CliRunner().invoke(
                cli_main,
                ["check", REFUSED_SITE, "--year", "2569", "--agency-type", "local", "--submissions", str(path)],
            )
        finally:
            os.chdir(old)
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "error" in result.output


def _bomb_form(tmp: Path) -> Path:
    p = tmp / "bomb.xlsx"
    p.write_bytes(_zip_bomb("xl/worksheets/sheet1.xml", False))
    return p


FIXED_FORMS: dict[str, Any] = {
    "empty.csv": b"",
    "nul.csv": b"\x00" * 500,
    "utf16-garbage.csv": b"\xff\xfe" + os.urandom(999),
    "binary.csv": bytes(range(256)) * 8,
    "huge-cell.csv": b"code,url\nO1," + b"http://x.go.th/" + b"a" * 2_000_000 + b"\n",
    "formula.csv": "ข้อ,URL\nO1,=HYPERLINK(\"javascript:alert(1)\")\n@SUM(1),+cmd|' /C calc'!A0\n".encode(),
    "fake.xlsx": b"PK\x03\x04" + os.urandom(200),
    "text.xlsx": "ข้อ,URL\n".encode(),
    "bomb.xlsx": _bomb_form,
}


@pytest.mark.parametrize("name", list(FIXED_FORMS))
def test_fixed_hostile_forms(tmp_path: Path, name: str) -> None:
    content = FIXED_FORMS[name]
    if callable(content):
        path = content(tmp_path)
    else:
        path = tmp_path / name
        path.write_bytes(content)
    _tried("form_fixed")
    _cli_on_form(path)


FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
cell_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=80)
xlsx_cell = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=60),
    st.sampled_from(["ข้อ", "URL", "O1", "http://x.go.th/a", "=1/0", "javascript:alert(1)", "O99", "ลิงก์"]),
)


@FUZZ
@given(st.binary(max_size=3000))
def test_fuzz_csv_bytes(data: bytes) -> None:
    _tried("form_fuzz_csv_bytes")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "form.csv"
        path.write_bytes(b"code,url\n" + data)
        _cli_on_form(path)


@FUZZ
@given(st.lists(st.lists(cell_text, max_size=6), max_size=12), st.sampled_from(["utf-8-sig", "cp874", "utf-16"]))
def test_fuzz_csv_cells(rows: list[list[str]], encoding: str) -> None:
    _tried("form_fuzz_csv_cells")
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["ข้อ", "ข้อมูล", "URL"])
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "form.csv"
        path.write_bytes(buf.getvalue().encode(encoding, "replace"))
        _cli_on_form(path)


@FUZZ
@given(st.lists(st.lists(xlsx_cell, max_size=6), max_size=12), st.integers(min_value=0), st.booleans())
def test_fuzz_xlsx(rows: list[list[Any]], cut: int, corrupt: bool) -> None:
    _tried("form_fuzz_xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["ข้อ", "URL"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if corrupt:
        pos = cut % len(data)
        data = data[:pos] + bytes([data[pos] ^ 0xFF]) + data[pos + 1 :]
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "form.xlsx"
        path.write_bytes(data)
        _cli_on_form(path)


def test_zz_summary_of_hostile_cases_tried() -> None:
    total = sum(CASES.values())
    print(f"\nhostile cases tried: {total} {dict(sorted(CASES.items()))}")
    assert total >= 100 or len(CASES) < 7  # the whole module ran: at least a hundred cases


def test_endless_streams_in_a_bare_crawl_are_bounded(tmp_path: Path) -> None:
    """DOWNLOAD_MAXSIZE applies to what is received: an endless body is cut at the limit (no Content-Length)."""
    site = serve(SiteConfig(root=tmp_path, routes={"/e.html": {"endless": 65536}}))
    store = Store(tmp_path / "store")
    run_id = store.begin_run(agency="t", site=site.base_url + "/")
    job = CrawlJob(
        run_id=run_id,
        store_dir=tmp_path / "store",
        site=site.base_url + "/e.html",
        allow_private=True,
        browser="never",
        timeout_s=10,
        max_bytes=2_000_000,
        sitemap=False,
    )
    try:
        t0 = time.monotonic()
        run_crawl(job, log_dir=tmp_path, timeout_s=60)
        assert time.monotonic() - t0 < 30
    finally:
        site.stop()
    rec = store.fetch_in_run(run_id, site.base_url + "/e.html")
    store.close()
    assert rec is not None
    assert rec.fail_class == "too_large", rec
