"""SSRF guard: refuse to fetch URLs whose host is or resolves to a loopback, private or reserved address."""

from __future__ import annotations

import ipaddress
import re
import socket
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ita_checker.errors import BlockedTarget

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network

# Checked in order; the first match names the reason. Anything else that is not global is 'reserved'.
_V4_RANGES: tuple[tuple[ipaddress.IPv4Network, str], ...] = (
    (_V4("0.0.0.0/32"), "unspecified"),
    (_V4("0.0.0.0/8"), "this-network (0.0.0.0/8)"),
    (_V4("127.0.0.0/8"), "loopback"),
    (_V4("255.255.255.255/32"), "broadcast"),
    (_V4("169.254.0.0/16"), "link-local"),
    (_V4("100.64.0.0/10"), "carrier-grade NAT"),
    (_V4("10.0.0.0/8"), "private"),
    (_V4("172.16.0.0/12"), "private"),
    (_V4("192.168.0.0/16"), "private"),
    (_V4("224.0.0.0/4"), "multicast"),
    (_V4("240.0.0.0/4"), "reserved"),
)

_V6_RANGES: tuple[tuple[ipaddress.IPv6Network, str], ...] = (
    (_V6("::/128"), "unspecified"),
    (_V6("::1/128"), "loopback"),
    (_V6("fe80::/10"), "link-local"),
    (_V6("fec0::/10"), "site-local"),
    (_V6("fc00::/7"), "unique-local"),
    (_V6("ff00::/8"), "multicast"),
    (_V6("64:ff9b:1::/48"), "NAT64 local-use"),
    (_V6("2001::/32"), "Teredo"),
    (_V6("100::/64"), "discard-only"),
    (_V6("2001:db8::/32"), "documentation"),
)

# IPv6 forms that embed an IPv4 address in their low 32 bits; judged by the embedded address.
_V6_EMBEDDING_V4: tuple[ipaddress.IPv6Network, ...] = (
    _V6("::ffff:0:0/96"),  # IPv4-mapped
    _V6("::ffff:0:0:0/96"),  # IPv4-translated (SIIT)
    _V6("::/96"),  # IPv4-compatible (deprecated)
    _V6("64:ff9b::/96"),  # NAT64 well-known prefix
)

_HEX_PART = re.compile(r"0[xX][0-9a-fA-F]*", re.ASCII)
_OCT_PART = re.compile(r"0[0-7]*", re.ASCII)
_DEC_PART = re.compile(r"[1-9][0-9]*", re.ASCII)
_IDNA_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def forbidden_reason(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be fetched by default, or None for an ordinary public address."""
    if isinstance(ip, ipaddress.IPv4Address):
        return _v4_reason(ip)
    return _v6_reason(ip)


def _v4_reason(ip: ipaddress.IPv4Address) -> str | None:
    for net, reason in _V4_RANGES:
        if ip in net:
            return reason
    return None if ip.is_global else "reserved"


def _v6_reason(ip: ipaddress.IPv6Address) -> str | None:
    bare = ipaddress.IPv6Address(int(ip))  # drop any zone id
    embedded = _embedded_v4(bare)
    if embedded is not None:
        inner = _v4_reason(embedded)
        return None if inner is None else f"{inner} (IPv4 embedded in IPv6 {bare})"
    for net, reason in _V6_RANGES:
        if bare in net:
            return reason
    return None if bare.is_global else "reserved"


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address carried by a mapped/translated/compatible/NAT64/6to4 IPv6 address."""
    if ip.sixtofour is not None:
        return ip.sixtofour
    if int(ip) <= 1:  # '::' and '::1' are IPv6's own unspecified/loopback addresses
        return None
    for net in _V6_EMBEDDING_V4:
        if ip in net:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def parse_host_ip(host: str) -> IPAddress | None:
    """Parse a URL host as a literal IP, accepting every spelling browsers and inet_aton accept."""
    text = unicodedata.normalize("NFKC", host.strip()).translate(_IDNA_DOTS)
    if text.startswith("[") and text.endswith("]"):
        return _parse_v6(text[1:-1])
    if ":" in text:
        return _parse_v6(text)
    return _parse_v4(text)


def _parse_v6(text: str) -> ipaddress.IPv6Address | None:
    text = text.replace("%25", "%", 1)
    try:
        return ipaddress.IPv6Address(text)
    except ValueError:
        return None


def _parse_v4(text: str) -> ipaddress.IPv4Address | None:
    parts = text.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()  # 'a.b.c.d.' is accepted by browsers
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [_parse_v4_part(part) for part in parts]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    *head, last = values
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(values)):
        return None
    value = last
    for index, number in enumerate(head):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _parse_v4_part(part: str) -> int | None:
    if len(part) > 40:
        return None
    if _HEX_PART.fullmatch(part):
        return int(part[2:] or "0", 16)
    if _OCT_PART.fullmatch(part):
        return int(part, 8)
    if _DEC_PART.fullmatch(part):
        return int(part)
    return None


def system_resolver(host: str) -> list[str]:
    """All IPv4 and IPv6 addresses ``host`` resolves to (raises OSError/UnicodeError on failure)."""
    infos = socket.getaddrinfo(host, None, socket.AF_UNSPEC, socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class Guard:
    """Decides whether a URL may be fetched; ``check`` raises BlockedTarget when it may not."""

    allow_private: bool = False
    allowed_hosts: frozenset[str] = frozenset()
    resolver: Callable[[str], list[str]] = field(default=system_resolver, repr=False, compare=False)

    def check(self, url: str) -> None:
        """Refuse non-http(s) URLs and hosts that are or resolve to forbidden addresses.

        Call it on the first URL and on every redirect hop. A DNS failure is not a refusal:
        the fetch itself reports it as a 'dns' failure.
        """
        scheme, hosts, port = _split_url(url)
        if scheme not in _DEFAULT_PORTS:
            raise BlockedTarget(url, "scheme")
        if hosts is None:
            raise BlockedTarget(url, "malformed URL")
        if not hosts:
            raise BlockedTarget(url, "missing host")
        for host in hosts:
            if self.allow_private or self._is_allowed(host, port):
                continue
            reason = self._host_reason(host)
            if reason is not None:
                raise BlockedTarget(url, reason)

    def check_ip(self, ip_str: str, host: str) -> None:
        """Refuse an actually-connected peer address; ``host`` is 'name' or 'name:port' as requested."""
        if self.allow_private or self._host_entry_allowed(host):
            return
        ip = parse_host_ip(ip_str)
        if ip is None:
            raise BlockedTarget(host, f"unrecognised peer address {ip_str!r}")
        reason = forbidden_reason(ip)
        if reason is not None:
            raise BlockedTarget(host, reason)

    def resolve_for_connect(self, host: str, port: int) -> str:
        """The one address to connect to for ``host``: resolved now, every answer validated, the first returned.

        This is the check that holds against DNS rebinding: whatever an earlier ``check`` saw, the connection
        goes to an address validated at connect time. Raises BlockedTarget (refused) or OSError (DNS failure).
        """
        literal = parse_host_ip(host)
        if literal is not None:
            addresses = [str(literal)]
        else:
            addresses = self.resolver(host)
            if not addresses:
                raise OSError(f"no address for {host}")
        if not (self.allow_private or self._is_allowed(host, port)):
            for address in addresses:
                self.check_ip(address, f"{host}:{port}")
        return addresses[0]

    def _host_reason(self, host: str) -> str | None:
        ip = parse_host_ip(host)
        if ip is not None:
            return forbidden_reason(ip)
        name = host.rstrip(".").lower()
        if name == "localhost" or name.endswith(".localhost"):
            return "loopback"
        try:
            addresses = self.resolver(host)
        except (OSError, UnicodeError):
            return None  # not the guard's business: the fetch will classify it as 'dns'
        for address in addresses:
            resolved = parse_host_ip(address)
            if resolved is None:
                return f"unrecognised resolved address {address!r}"
            reason = forbidden_reason(resolved)
            if reason is not None:
                return reason
        return None

    def allows_name(self, host: str) -> bool:
        """Whether ``--allow-host`` names ``host`` on any port (a resolver sees names, not ports; the per-request
        ``check`` still holds the port)."""
        name = host.lower().rstrip(".").strip("[]")
        return any(_split_host_port(entry)[0] == name for entry in self._allowed_set())

    def _allowed_set(self) -> frozenset[str]:
        return frozenset(entry.strip().lower() for entry in self.allowed_hosts)

    def _is_allowed(self, host: str, port: int) -> bool:
        name = host.lower().rstrip(".")
        shown = f"[{name}]" if ":" in name else name
        allowed = self._allowed_set()
        return bool({name, shown, f"{shown}:{port}"} & allowed)

    def _host_entry_allowed(self, host: str) -> bool:
        name, port = _split_host_port(host.strip().lower())
        return self._is_allowed(name, port)


def _split_host_port(entry: str) -> tuple[str, int]:
    """'name', 'name:port', '[v6]' or '[v6]:port' (or a bare IPv6) as (host without brackets, port or 0)."""
    if entry.startswith("["):
        inside, _, rest = entry[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
        return inside, int(port) if port.isdigit() else 0
    if entry.count(":") == 1:
        name, _, port = entry.partition(":")
        return name, int(port) if port.isdigit() else 0
    return entry, 0


def _split_url(url: str) -> tuple[str, list[str] | None, int]:
    """Scheme, candidate hosts and port of ``url``; hosts is empty without a host, None if unparsable.

    A backslash in the authority is read as '/' by browsers but not by urllib, so both readings
    are returned and both must pass.
    """
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        port = parts.port or _DEFAULT_PORTS.get(scheme, 0)
        hosts = [parts.hostname] if parts.hostname else []
        if "\\" in parts.netloc:
            alt = urlsplit(url.strip().replace("\\", "/")).hostname
            if alt and alt not in hosts:
                hosts.append(alt)
    except ValueError:
        return _scheme_of(url), None, 0
    return scheme, hosts, port


def _scheme_of(url: str) -> str:
    """Lower-cased scheme of ``url`` ('' when it has none or cannot be parsed)."""
    match = re.match(r"\s*([A-Za-z][A-Za-z0-9+.-]*):", url)
    return match.group(1).lower() if match else ""
