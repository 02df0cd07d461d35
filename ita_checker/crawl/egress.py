"""A guarded forward proxy for Chromium: the browser never resolves a name; every connection it makes goes to an
address the SSRF guard validated at connect time.

Chromium resolves host names on its own, so a check made before a page load (or in Playwright's route
handler) says nothing about where the browser then connects: a rebinding name can pass the check and reach
127.0.0.1 or 10.x. Launched with :func:`proxy_args`, Chromium sends every request, loopback included, to this
proxy, and ``--host-resolver-rules`` makes any name lookup of its own fail. The proxy resolves the target with
``Guard.resolve_for_connect`` and connects to exactly that address; a refused target gets a ``403`` whose
``X-ITA-Refused`` header says why (the crawler turns it into ``refused_private``).

The proxy runs an asyncio server in a daemon thread of the process that launches the browser (the crawler
process for script-built pages, the checker for screenshots and the PDF needs none). HTTP is forwarded in
origin form with ``Connection: close``; HTTPS is tunnelled with CONNECT (the TLS session stays end to end).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ita_checker.crawl.netguard import Guard
from ita_checker.errors import BlockedTarget

log = logging.getLogger("ita_checker.crawl.egress")

REFUSED_HEADER = "X-ITA-Refused"
MAX_HEAD = 64 * 1024
CONNECT_TIMEOUT_S = 20.0
_HOP_HEADERS = {"proxy-connection", "proxy-authorization", "connection", "keep-alive"}


@dataclass
class EgressProxy:
    """A running proxy on 127.0.0.1; ``refused`` lists (host, reason) of what it turned away."""

    guard: Guard
    host: str = "127.0.0.1"
    port: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    _loop: asyncio.AbstractEventLoop | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)
    _server: asyncio.AbstractServer | None = field(default=None, repr=False)
    _open: set[asyncio.StreamWriter] = field(default_factory=set, repr=False)

    def start(self) -> EgressProxy:
        ready = threading.Event()
        loop = asyncio.new_event_loop()
        self._loop = loop

        def run() -> None:
            asyncio.set_event_loop(loop)
            self._server = loop.run_until_complete(asyncio.start_server(self._handle, self.host, 0, limit=MAX_HEAD))
            self.port = int(self._server.sockets[0].getsockname()[1])
            ready.set()
            try:
                loop.run_forever()
            finally:  # in the loop's own thread: end the open connections, then close the loop
                self._server.close()
                for w in list(self._open):
                    w.transport.abort()
                pending = asyncio.all_tasks(loop)
                if pending:
                    loop.run_until_complete(asyncio.wait(pending, timeout=2))
                for task in asyncio.all_tasks(loop):
                    task.cancel()
                loop.run_until_complete(asyncio.gather(*asyncio.all_tasks(loop), return_exceptions=True))
                loop.close()

        self._thread = threading.Thread(target=run, name="egress-proxy", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        with contextlib.suppress(RuntimeError):  # already closed
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._open.add(writer)
        try:
            await self._serve(reader, writer)
        except asyncio.CancelledError:
            pass  # the proxy is stopping: the connection ends here
        finally:
            self._open.discard(writer)
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        lines = head.decode("latin-1").split("\r\n")
        try:
            method, target, version = lines[0].split(" ", 2)
            host, port, origin_target = _target(method, target)
        except ValueError:
            await _reply(writer, 400, "bad request")
            return
        try:
            address = await asyncio.get_running_loop().run_in_executor(None, self.guard.resolve_for_connect, host, port)
        except BlockedTarget as exc:
            self.refused.append((host, exc.reason))
            log.warning("egress proxy refused %s:%s (%s)", host, port, exc.reason)
            await _reply(writer, 403, f"refused by the SSRF guard: {exc.reason}", refused=exc.reason)
            return
        except (OSError, UnicodeError) as exc:
            await _reply(writer, 502, f"cannot resolve {host}: {exc}")
            return
        try:
            up_reader, up_writer = await asyncio.wait_for(asyncio.open_connection(address, port), CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as exc:
            await _reply(writer, 502, f"cannot connect to {host}: {exc}")
            return
        self._open.add(up_writer)
        if method == "CONNECT":
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
        else:
            kept = [ln for ln in lines[1:] if ln and ln.split(":", 1)[0].strip().lower() not in _HOP_HEADERS]
            up_writer.write(f"{method} {origin_target} {version}\r\n".encode("latin-1"))
            up_writer.write("".join(f"{ln}\r\n" for ln in [*kept, "Connection: close"]).encode("latin-1") + b"\r\n")
        pipes = [asyncio.ensure_future(_pipe(reader, up_writer)), asyncio.ensure_future(_pipe(up_reader, writer))]
        try:
            await asyncio.gather(*pipes, return_exceptions=True)
        finally:
            self._open.discard(up_writer)
            up_writer.close()


def _target(method: str, target: str) -> tuple[str, int, str]:
    """(host, port, request target in origin form) of a proxy request line; ValueError when unusable."""
    if method == "CONNECT":
        host, _, port = target.rpartition(":")
        return host.strip("[]"), int(port), ""
    parts = urlsplit(target)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(target)
    path = parts.path or "/"
    return parts.hostname, parts.port or 80, path + (f"?{parts.query}" if parts.query else "")


async def _reply(writer: asyncio.StreamWriter, status: int, text: str, *, refused: str | None = None) -> None:
    body = text.encode("utf-8")
    extra = f"{REFUSED_HEADER}: {refused.encode('ascii', 'replace').decode()}\r\n" if refused else ""
    writer.write(
        f"HTTP/1.1 {status} {'Forbidden' if status == 403 else 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n{extra}\r\n".encode("latin-1")
        + body
    )
    with contextlib.suppress(ConnectionError):
        await writer.drain()
    writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        with contextlib.suppress(ConnectionError, RuntimeError):
            writer.close()


def proxy_args(proxy_url: str) -> list[str]:
    """Chromium flags that send every request (loopback too) through ``proxy_url`` and forbid own lookups."""
    return [
        f"--proxy-server={proxy_url}",
        "--proxy-bypass-list=<-loopback>",  # without it Chromium connects to localhost/127.x directly
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",  # the proxy is the only way out
    ]


@contextlib.contextmanager
def guarded_egress(guard: Guard) -> Iterator[EgressProxy]:
    """A proxy for the block, stopped afterwards."""
    proxy = EgressProxy(guard).start()
    try:
        yield proxy
    finally:
        proxy.stop()
