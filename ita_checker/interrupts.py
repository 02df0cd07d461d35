"""Ctrl-C and SIGTERM: one stop flag that every stage polls, so an interrupted run stops promptly and says so.

The CLI installs :func:`handling_signals` around a command. The first SIGINT/SIGTERM only sets :data:`STOP`;
the crawl adapter, the extraction loop, the screenshot loop and the scan's agency loop poll it
(:func:`checkpoint`) and raise :class:`Interrupted`, so nothing that looks complete is written and the
store keeps what was fetched for the next run to resume. A second signal raises ``KeyboardInterrupt`` at
once for a user who really wants out.

``Interrupted`` derives from ``BaseException`` so the ``except Exception`` guards that keep one bad
document or one agency from stopping the others do not swallow it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

STOP = threading.Event()
EXIT_INTERRUPTED = 130  # what shells report for a command stopped by SIGINT (128 + 2)


class Interrupted(BaseException):
    """The user (SIGINT) or the system (SIGTERM) asked the run to stop."""


def checkpoint() -> None:
    """Raise :class:`Interrupted` when a stop was asked for."""
    if STOP.is_set():
        raise Interrupted()


def stopping() -> bool:
    return STOP.is_set()


def _handler(signum: int, frame: FrameType | None) -> None:
    if STOP.is_set():
        raise KeyboardInterrupt()
    STOP.set()


@contextmanager
def handling_signals() -> Iterator[None]:
    """Within the block, SIGINT/SIGTERM set :data:`STOP` (a second one raises KeyboardInterrupt).

    Only the main thread can install handlers; elsewhere (a library caller's worker thread) the block
    still clears the flag and the caller's own signal handling applies.
    """
    STOP.clear()
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
