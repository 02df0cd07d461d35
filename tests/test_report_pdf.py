"""report.pdf: the A4 portrait letter of one agency, printed by Chromium; skipped with a note when it cannot be."""

from __future__ import annotations

import json
from pathlib import Path

import pymupdf
import pytest
from bs4 import BeautifulSoup

from ita_checker.report import pdf
from ita_checker.report.outputs import write_outputs
from ita_checker.report.pdf import render_letter_html
from ita_checker.report.view import build_agency_report

from .test_report_fixfirst import NAME, fix_result

A4 = (595.0, 842.0)  # points, portrait


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Path], dict]:
    out = tmp_path_factory.mktemp("letter")
    result = fix_result()
    return write_outputs(result, out), result


@pytest.mark.browser
def test_pdf_is_written_with_the_other_outputs(written: tuple[dict[str, Path], dict]) -> None:
    paths, result = written
    assert set(paths) == {"json", "html", "xlsx", "form", "pdf"}
    assert paths["pdf"].name == "report.pdf"
    assert paths["pdf"].read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in paths["pdf"].parent.iterdir()) == [
        "report.html",
        "report.pdf",
        "report.xlsx",
        "result.json",
        "submission-form.xlsx",
    ]  # no temporary file left
    assert result["notes"] == []  # nothing to say: the letter was printed


@pytest.mark.browser
def test_pdf_is_a4_portrait_thai_text(written: tuple[dict[str, Path], dict]) -> None:
    paths, _ = written
    with pymupdf.open(paths["pdf"]) as doc:
        assert doc.page_count >= 1
        for page in doc:
            assert page.rect.width == pytest.approx(A4[0], abs=1)
            assert page.rect.height == pytest.approx(A4[1], abs=1)
        text = "\n".join(page.get_text() for page in doc)
        fonts = {font[3] for page in doc for font in page.get_fonts()}
    assert NAME in text
    assert "แก้ไขก่อน" in text
    assert "3 ธันวาคม พ.ศ. 2569" not in text  # 18:20 UTC is already the 4th in Bangkok
    assert "4 ธันวาคม พ.ศ. 2569" in text
    assert "14.29" in text
    assert "ผลรายข้อ" in text
    assert "\ufffd" not in text
    order = [text.index(f"\nO{n}\n") for n in (6, 5, 4, 3, 2, 1)]  # the fix-first table, most actionable first
    assert order == sorted(order)
    assert any("Loma" in f or "Garuda" in f or "Sarabun" in f for f in fonts), fonts  # a real Thai font


def test_letter_html_is_the_view_model_and_loads_nothing() -> None:
    html = render_letter_html(build_agency_report(fix_result()))
    page = BeautifulSoup(html, "html.parser")
    assert page.select_one("body.letter") is not None
    assert page.find_all("script") == []
    assert page.find_all(src=True) == []
    assert page.find_all("link") == []
    csp = page.select_one('meta[http-equiv="Content-Security-Policy"]')
    assert csp is not None
    assert "default-src 'none'" in str(csp["content"])
    fix_table, item_table = page.select("table.letter-table")
    assert [r.select("td")[1].get_text() for r in fix_table.select("tbody tr")] == ["O6", "O5", "O4", "O3", "O2", "O1"]
    assert [r.select_one("td").get_text() for r in item_table.select("tbody tr")] == [f"O{n}" for n in range(1, 9)]  # type: ignore[union-attr]
    assert NAME in page.select_one("h1").get_text()  # type: ignore[union-attr]
    assert "needs_review" not in page.get_text()


def test_no_chromium_skips_the_pdf_with_a_thai_note(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(pdf, "chromium_path", lambda: None)
    (tmp_path / "report.pdf").write_bytes(b"%PDF- from an earlier run")
    result = fix_result()
    paths = write_outputs(result, tmp_path)
    assert "pdf" not in paths
    assert not (tmp_path / "report.pdf").exists()
    assert result["notes"] == [pdf.NO_CHROMIUM_NOTE]
    assert pdf.NO_CHROMIUM_NOTE.startswith("ไม่ได้สร้าง report.pdf")
    saved = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert saved["notes"] == [pdf.NO_CHROMIUM_NOTE]
    notes = BeautifulSoup(paths["html"].read_text(encoding="utf-8"), "html.parser").select_one(".notes")
    assert notes is not None
    assert "ไม่ได้สร้าง report.pdf: ไม่พบเบราว์เซอร์ chromium" in notes.get_text()


def test_a_printing_failure_is_a_note_not_a_crash(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def broken(html: str, *, executable: str, footer: str) -> bytes:
        raise RuntimeError("Target page, context or browser has been closed\nCall log: ...")

    monkeypatch.setattr(pdf, "chromium_path", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(pdf, "print_pdf", broken)
    result = fix_result()
    paths = write_outputs(result, tmp_path)
    assert "pdf" not in paths
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "report.html",
        "report.xlsx",
        "result.json",
        "submission-form.xlsx",
    ]
    assert len(result["notes"]) == 1
    assert result["notes"][0].startswith("สร้าง report.pdf ไม่สำเร็จ (Target page, context or browser has been closed)")


def test_pdf_can_be_left_out(tmp_path: Path) -> None:
    paths = write_outputs(fix_result(), tmp_path, pdf=False)
    assert set(paths) == {"json", "html", "xlsx", "form"}
    assert not (tmp_path / "report.pdf").exists()


@pytest.mark.browser
def test_letters_printed_in_a_scan_share_one_browser(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A scan prints a letter per agency: one Chromium serves them all (a launch per letter cost more CPU than
    the rest of an unchanged agency's re-check); a check on its own launches and closes its own."""
    from ita_checker.crawl import printing
    from ita_checker.crawl.chromium import chromium_path

    exe = chromium_path()
    assert exe is not None
    browsers: list[object] = []
    real = printing._print_page

    def spy(browser: object, html: str, footer: str) -> bytes:
        browsers.append(browser)
        return real(browser, html, footer)

    monkeypatch.setattr(printing, "_print_page", spy)
    with printing.shared_printer(exe):
        letters = [write_outputs(fix_result(), tmp_path / f"a{i}")["pdf"] for i in range(3)]
    assert len(browsers) == 3
    assert len({id(b) for b in browsers}) == 1
    for path in letters:
        assert path.read_bytes().startswith(b"%PDF")
    write_outputs(fix_result(), tmp_path / "alone")
    assert len(browsers) == 4
    assert browsers[3] is not browsers[0]
