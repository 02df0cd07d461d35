"""Run a document extractor in a forked child with a time limit and an address-space cap, so a hostile or
broken PDF/Office file cannot hang or exhaust the checker."""

from __future__ import annotations

import logging
import multiprocessing as mp
import resource
import signal
import time
from multiprocessing.connection import Connection
from typing import Any

from ita_checker.extract.document import Document
from ita_checker.interrupts import checkpoint

log = logging.getLogger("ita_checker.extract")

TIME_LIMIT_S = 180.0
MEMORY_LIMIT_MB = 1536
POLL_S = 0.25  # how often a long extraction (OCR) looks at the stop flag


def _child(conn: Connection, body: bytes, url: str, content_type: str | None, ocr: bool, mem_mb: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what a Ctrl-C stops (and kills us)
    try:
        limit = mem_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        from ita_checker.extract.dispatch import extract

        doc = extract(body, url=url, content_type=content_type, ocr=ocr)
        conn.send(("ok", doc.to_json()))
    except MemoryError:
        conn.send(("err", "too_large: extraction exceeded the memory limit"))
    except Exception as exc:
        conn.send(("err", f"bad_content: {type(exc).__name__}: {str(exc)[:200]}"))
    finally:
        conn.close()


def extract_limited(
    body: bytes,
    *,
    url: str,
    content_type: str | None,
    ocr: bool = True,
    time_limit_s: float = TIME_LIMIT_S,
    memory_limit_mb: int = MEMORY_LIMIT_MB,
) -> Document:
    """Extract ``body`` in a child process; a timeout or crash gives a Document whose note says why."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, body, url, content_type, ocr, memory_limit_mb), daemon=True)
    proc.start()
    child.close()
    result: Any = None
    deadline = time.monotonic() + time_limit_s
    try:
        while result is None and time.monotonic() < deadline:
            if parent.poll(min(POLL_S, max(0.0, deadline - time.monotonic()))):
                result = parent.recv()
            checkpoint()  # a stop request kills the child (finally) and raises Interrupted
    except (EOFError, OSError):
        result = None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    if result is None:
        why = "timed out" if proc.exitcode in (None, -9) else f"crashed (exit {proc.exitcode})"
        log.warning("extraction of %s %s", url, why)
        return Document(kind="other", note=f"bad_content: extraction {why}")
    status, payload = result
    if status == "ok":
        return Document.from_json(payload)
    return Document(kind="other", note=str(payload))
