"""OCR with tesseract (tha+eng, one OpenMP thread) returning text and a 0-100 confidence figure."""

from __future__ import annotations

import io
import os
import shutil
import subprocess

OCR_TIMEOUT_S = 60
OCR_LANG = "tha+eng"


class OcrUnavailable(Exception):
    """tesseract or its Thai data is not installed, or it failed/timed out."""


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def _is_thai(ch: str) -> bool:
    return "\u0e00" <= ch <= "\u0e7f"


def _join_words(words: list[str]) -> str:
    """Tesseract splits Thai (written without spaces) into many 'words': glue Thai to Thai, space the rest."""
    out = ""
    for w in words:
        if out and not (_is_thai(out[-1]) and _is_thai(w[0])):
            out += " "
        out += w
    return out


def ocr_png(png: bytes, *, timeout: float = OCR_TIMEOUT_S) -> tuple[str, float]:
    """OCR one PNG page: returns (text, mean word confidence 0-100)."""
    if not tesseract_available():
        raise OcrUnavailable("tesseract not installed")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    try:
        proc = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", OCR_LANG, "--psm", "6", "tsv"],
            input=png,
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise OcrUnavailable(f"tesseract timed out after {timeout}s") from exc
    if proc.returncode != 0:
        raise OcrUnavailable(proc.stderr.decode("utf-8", "replace")[:200])
    words: list[str] = []
    confs: list[float] = []
    lines: dict[tuple[str, str, str], list[str]] = {}
    for row in io.StringIO(proc.stdout.decode("utf-8", "replace")).read().splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or not cols[11].strip():
            continue
        try:
            conf = float(cols[10])
        except ValueError:
            continue
        if conf >= 0:
            confs.append(conf)
        words.append(cols[11])
        lines.setdefault((cols[2], cols[3], cols[4]), []).append(cols[11])
    text = "\n".join(_join_words(ws) for ws in lines.values())
    return text, (sum(confs) / len(confs) if confs else 0.0)
