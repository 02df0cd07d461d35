"""A small threaded static web server for the bundled demo sites and tests (127.0.0.1, special routes)."""

from __future__ import annotations

import functools
import gzip
import hashlib
import mimetypes
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse


@dataclass
class SiteConfig:
    """How to serve one site directory: charset header on/off and special routes.

    A route maps a path to one behaviour (checked in this order): ``delay`` seconds before answering,
    ``flaky`` K (HTTP 500 for the first K requests, then the normal answer), ``redirect`` URL,
    ``bytes`` N (a PDF-looking body of N bytes), ``status`` code, ``reset_after`` N (headers and the first
    N bytes of the page, then a TCP reset), ``gzip_bomb`` N (a small gzip body that inflates to N bytes),
    ``endless`` N (an HTML body streamed forever in N-byte writes; ``drip`` seconds between writes).
    """

    root: Path
    send_charset: bool = True
    routes: dict[str, dict[str, Any]] = field(default_factory=dict)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # silence stderr
        pass

    def send_response(self, code: int, message: str | None = None) -> None:
        self.server.hits.append(self.path)
        self.server.statuses.append((self.path, code))
        super().send_response(code, message)

    def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _reset_after(self, page: Path, n: int) -> None:
        """Announce the whole page, send its first ``n`` bytes, then reset the connection."""
        body = page.read_bytes() if page.is_file() else b"<html><body>" + b"x" * (4 * n + 64)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[:n])
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()  # linger 0: the peer sees RST, not a clean end of stream
        self.close_connection = True

    def _endless(self, chunk: int, drip: float) -> None:
        """Stream an HTML body with no length and no end until the client goes away or the server stops."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        data = b"<p>" + b"z" * max(chunk - 3, 1)
        try:
            self.wfile.write(b"<html><body>")
            while not self.server.stopping.is_set():
                self.wfile.write(data)
                if drip:
                    time.sleep(drip)
        except OSError:
            return  # the client gave up: that is the point

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        cfg = self.server.config
        path = unquote(urlparse(self.path).path)
        route = cfg.routes.get(path)
        if route:
            if "delay" in route:
                time.sleep(float(route["delay"]))
            if "flaky" in route:
                if self.server.count_hit(path) <= int(route["flaky"]):
                    self._send(500, b"error 500 (flaky)", "text/html")
                    return
                route = {k: v for k, v in route.items() if k != "flaky"}
            if "redirect" in route:
                self._send(302, b"", "text/html", {"Location": str(route["redirect"])})
                return
            if "bytes" in route:
                self._send(200, b"%PDF-1.4\n" + b"0" * int(route["bytes"]), "application/pdf")
                return
            if "status" in route:
                self._send(int(route["status"]), f"error {route['status']}".encode(), "text/html")
                return
            if "reset_after" in route:
                self._reset_after(cfg.root / path.lstrip("/"), int(route["reset_after"]))
                return
            if "gzip_bomb" in route:
                body = _gzip_zeros(int(route["gzip_bomb"]))
                self._send(200, body, "text/html; charset=utf-8", {"Content-Encoding": "gzip"})
                return
            if "endless" in route:
                self._endless(int(route["endless"]), float(route.get("drip", 0)))
                return
        target = (cfg.root / path.lstrip("/")).resolve()
        if not str(target).startswith(str(cfg.root.resolve())):
            self._send(403, b"forbidden", "text/plain")
            return
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            self._send(404, "<html><body><h1>404 ไม่พบหน้า</h1></body></html>".encode(), "text/html; charset=utf-8")
            return
        ctype = "text/html" if target.suffix == ".php" else mimetypes.guess_type(target.name)[0]
        ctype = ctype or "application/octet-stream"
        if ctype.startswith("text/") and cfg.send_charset:
            ctype += "; charset=utf-8"
        body = target.read_bytes()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        modified = formatdate(target.stat().st_mtime, usegmt=True)
        validators = {"ETag": etag, "Last-Modified": modified}
        if self.headers.get("If-None-Match") == etag:
            self._send(304, b"", ctype, validators)
            return
        self._send(200, body, ctype, validators)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that give up (timeouts in tests) reset connections; that is expected, not an error."""

    def __init__(self, addr: tuple[str, int], config: SiteConfig) -> None:
        self.config = config
        self.hits: list[str] = []
        self.statuses: list[tuple[str, int]] = []
        self.counters: dict[str, int] = {}
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        super().__init__(addr, _Handler)

    def count_hit(self, path: str) -> int:
        """How many times ``path`` has been requested, this request included."""
        with self._lock:
            self.counters[path] = self.counters.get(path, 0) + 1
            return self.counters[path]


@functools.lru_cache(maxsize=4)
def _gzip_zeros(size: int) -> bytes:
    """A gzip body (several members, about 1/1000 of ``size``) that inflates to ``size`` zero bytes."""
    block = 16 * 1024 * 1024
    member = gzip.compress(b"\0" * min(block, size), 9, mtime=0)
    full, rest = divmod(size, block) if size > block else (1, 0)
    tail = gzip.compress(b"\0" * rest, 9, mtime=0) if rest else b""
    return member * full + tail


@dataclass
class RunningSite:
    server: _Server
    thread: threading.Thread

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def hits(self) -> list[str]:
        return self.server.hits

    @property
    def statuses(self) -> list[tuple[str, int]]:
        return self.server.statuses

    def stop(self) -> None:
        self.server.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def serve(config: SiteConfig, host: str = "127.0.0.1", port: int = 0) -> RunningSite:
    """Start serving ``config.root`` in a background thread; ``stop()`` ends it."""
    srv = _Server((host, port), config)
    t = threading.Thread(target=srv.serve_forever, name=f"site-{config.root.name}", daemon=True)
    t.start()
    return RunningSite(server=srv, thread=t)
