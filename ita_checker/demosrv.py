"""A small threaded static web server for the bundled demo sites and tests (127.0.0.1, special routes)."""

from __future__ import annotations

import hashlib
import mimetypes
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
    """How to serve one site directory: charset header on/off and special routes."""

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

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        cfg = self.server.config
        path = unquote(urlparse(self.path).path)
        route = cfg.routes.get(path)
        if route:
            if "delay" in route:
                time.sleep(float(route["delay"]))
            if "redirect" in route:
                self._send(302, b"", "text/html", {"Location": str(route["redirect"])})
                return
            if "bytes" in route:
                self._send(200, b"%PDF-1.4\n" + b"0" * int(route["bytes"]), "application/pdf")
                return
            if "status" in route:
                self._send(int(route["status"]), f"error {route['status']}".encode(), "text/html")
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
        super().__init__(addr, _Handler)


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
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def serve(config: SiteConfig, host: str = "127.0.0.1", port: int = 0) -> RunningSite:
    """Start serving ``config.root`` in a background thread; ``stop()`` ends it."""
    srv = _Server((host, port), config)
    t = threading.Thread(target=srv.serve_forever, name=f"site-{config.root.name}", daemon=True)
    t.start()
    return RunningSite(server=srv, thread=t)
