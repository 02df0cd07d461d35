"""Tests for the SSRF guard: address ranges, literal IP spellings, schemes, resolution and allow-lists."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from ita_checker.crawl.netguard import Guard, forbidden_reason, parse_host_ip
from ita_checker.errors import BlockedTarget, InputError

FAKE_DNS: dict[str, list[str]] = {
    "www.example.go.th": ["203.150.1.10", "2001:4860:4860::8888"],
    "public.example.com": ["8.8.8.8"],
    "evil-loopback.example.com": ["127.0.0.1"],
    "evil-mixed.example.com": ["8.8.8.8", "10.0.0.5"],
    "evil-v6.example.com": ["2001:4860::8888", "fd00::1"],
    "evil-mapped.example.com": ["::ffff:169.254.169.254"],
    "metadata.example.com": ["169.254.169.254"],
    "intranet.local": ["192.168.1.20"],
    "other.intranet.local": ["192.168.1.21"],
}


def fake_resolver(host: str) -> list[str]:
    try:
        return FAKE_DNS[host.lower().rstrip(".")]
    except KeyError:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None


def guard(**kwargs: object) -> Guard:
    return Guard(resolver=fake_resolver, **kwargs)  # type: ignore[arg-type]


FORBIDDEN_IPS = [
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("10.0.0.1", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.255", "private"),
    ("192.168.0.1", "private"),
    ("169.254.169.254", "link-local"),
    ("100.64.0.1", "carrier-grade NAT"),
    ("100.127.255.254", "carrier-grade NAT"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "broadcast"),
    ("0.0.0.0", "unspecified"),
    ("0.1.2.3", "this-network"),
    ("192.0.2.1", "reserved"),
    ("198.18.0.1", "reserved"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fe80::1", "link-local"),
    ("fe80::1%eth0", "link-local"),
    ("fc00::1", "unique-local"),
    ("fd12:3456:789a::1", "unique-local"),
    ("fec0::1", "site-local"),
    ("ff02::1", "multicast"),
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:10.1.2.3", "private"),
    ("::ffff:169.254.169.254", "link-local"),
    ("::ffff:0:192.168.1.1", "private"),
    ("::127.0.0.1", "loopback"),
    ("::10.0.0.1", "private"),
    ("2002:7f00:1::", "loopback"),
    ("2002:c0a8:101::1", "private"),
    ("64:ff9b::a9fe:a9fe", "link-local"),
    ("64:ff9b::7f00:1", "loopback"),
    ("64:ff9b:1::1", "NAT64 local-use"),
    ("2001:db8::1", "documentation"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
]


@pytest.mark.parametrize(("address", "reason"), FORBIDDEN_IPS)
def test_forbidden_reason_names_the_range(address: str, reason: str) -> None:
    found = forbidden_reason(ipaddress.ip_address(address))
    assert found is not None
    assert found.startswith(reason)


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "1.1.1.1", "203.150.1.10", "100.63.255.255", "100.128.0.1", "172.32.0.1", "2001:4860::8888",
     "2404:6800:4001::200e", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"],
)  # fmt: skip
def test_public_addresses_have_no_reason(address: str) -> None:
    assert forbidden_reason(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("0X7F.0.0.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
        ("0", "0.0.0.0"),
        ("127.0.0.1.", "127.0.0.1"),
        ("１２７．０．０．１", "127.0.0.1"),
        ("[::1]", "::1"),
        ("::1", "::1"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("[fe80::1%25eth0]", "fe80::1%eth0"),
        ("fe80::1%eth0", "fe80::1%eth0"),
    ],
)
def test_parse_host_ip_spellings(host: str, expected: str) -> None:
    assert parse_host_ip(host) == ipaddress.ip_address(expected)


@pytest.mark.parametrize(
    "host",
    [
        "www.example.go.th",
        "256.0.0.1",
        "1.2.3.4.5",
        "08.0.0.1",
        "0x.g.0.1",
        "127.0.0.๑",
        "",
        "[nope]",
        "1.2.3.256",
    ],
)
def test_parse_host_ip_rejects_names(host: str) -> None:
    assert parse_host_ip(host) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8080/admin",
        "http://sub.localhost/",
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://0x7f.0.0.1/",
        "http://0x7f000001/",
        "http://127.1/",
        "http://10.1/",
        "https://192.168.1.1:8443/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://[fe80::1%25eth0]/",
        "http://[fd00::1]:8080/",
        "http://[64:ff9b::a00:1]/",
        "http://[2002:a00:1::]/",
        "http://0.0.0.0:8000/",
        "http://255.255.255.255/",
        "http://224.0.0.251/",
        "http://user:pass@127.0.0.1/",
        "http://8.8.8.8@127.0.0.1/",
        "http://www.example.go.th\\@127.0.0.1/",
        "HTTP://127.0.0.1/",
        "http://１２７.０.０.１/",
        "http://evil-loopback.example.com/",
        "http://EVIL-LOOPBACK.example.com./",
        "https://evil-mixed.example.com/",
        "https://evil-v6.example.com/",
        "https://evil-mapped.example.com/",
        "http://metadata.example.com/latest",
    ],
)
def test_check_refuses_forbidden_targets(url: str) -> None:
    with pytest.raises(BlockedTarget) as info:
        guard().check(url)
    assert info.value.url == url
    assert info.value.reason != "scheme"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://ftp.example.go.th/file.pdf",
        "gopher://127.0.0.1:70/_hello",
        "javascript:alert(1)",
        "data:text/html,hi",
        "mailto:saraban@example.go.th",
        "www.example.go.th/no-scheme",
        "",
    ],
)
def test_check_refuses_non_http_schemes(url: str) -> None:
    with pytest.raises(BlockedTarget) as info:
        guard().check(url)
    assert info.value.reason == "scheme"


@pytest.mark.parametrize("url", ["http:///path-only", "https://", "http://:80/"])
def test_check_refuses_missing_host(url: str) -> None:
    with pytest.raises(BlockedTarget) as info:
        guard().check(url)
    assert info.value.reason == "missing host"


@pytest.mark.parametrize("url", ["http://[::1/", "http://example.go.th:99999/", "http://example.go.th:port/"])
def test_check_refuses_malformed_urls(url: str) -> None:
    with pytest.raises(BlockedTarget) as info:
        guard().check(url)
    assert info.value.reason == "malformed URL"


@pytest.mark.parametrize(
    "url",
    [
        "http://8.8.8.8/",
        "https://[2001:4860::8888]/",
        "https://www.example.go.th/oit/o1",
        "https://public.example.com:8443/x?y=1#z",
        "http://does-not-resolve.example.go.th/",
    ],
)
def test_check_allows_public_targets_and_dns_failures(url: str) -> None:
    guard().check(url)


def test_blocked_target_is_an_input_error_with_bilingual_message() -> None:
    with pytest.raises(InputError, match=r"ไม่ตรวจ .* / refusing .*loopback"):
        guard().check("http://127.0.0.1/")


def test_default_resolver_is_used_for_literals_without_dns() -> None:
    with pytest.raises(BlockedTarget):
        Guard().check("http://127.0.0.1/")
    Guard().check("https://8.8.8.8/")


def test_redirect_chain_each_hop_is_checked() -> None:
    g = guard()
    chain = [
        "https://www.example.go.th/oit",
        "https://public.example.com/moved",
        "http://metadata.example.com/latest/meta-data/",
    ]
    g.check(chain[0])
    g.check(chain[1])
    with pytest.raises(BlockedTarget) as info:
        g.check(chain[2])
    assert info.value.reason == "link-local"


def test_redirect_to_non_http_scheme_is_refused() -> None:
    g = guard()
    g.check("https://www.example.go.th/")
    with pytest.raises(BlockedTarget, match="scheme"):
        g.check("file:///etc/shadow")


@pytest.mark.parametrize(
    ("allowed", "url"),
    [
        ("intranet.local", "http://intranet.local/"),
        ("INTRANET.local", "http://Intranet.Local:8080/"),
        ("intranet.local:8080", "http://intranet.local:8080/oit"),
        ("intranet.local:443", "https://intranet.local/"),
        ("127.0.0.1:8000", "http://127.0.0.1:8000/"),
        ("[::1]:8000", "http://[::1]:8000/"),
        ("::1", "http://[::1]/"),
    ],
)
def test_allowed_hosts_pass(allowed: str, url: str) -> None:
    guard(allowed_hosts=frozenset({allowed})).check(url)


@pytest.mark.parametrize(
    ("allowed", "url"),
    [
        ("intranet.local:8080", "http://intranet.local:9090/"),
        ("intranet.local", "http://other.intranet.local/"),
        ("127.0.0.1:8000", "http://127.0.0.1:8001/"),
        ("127.0.0.1", "http://localhost/"),
    ],
)
def test_allowed_hosts_are_exact(allowed: str, url: str) -> None:
    with pytest.raises(BlockedTarget):
        guard(allowed_hosts=frozenset({allowed})).check(url)


def test_allowed_hosts_still_require_http() -> None:
    with pytest.raises(BlockedTarget, match="scheme"):
        guard(allowed_hosts=frozenset({"intranet.local"})).check("ftp://intranet.local/")


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/", "http://intranet.local/", "http://[fd00::1]/", "http://10.1/", "http://localhost/"],
)
def test_allow_private_passes_everything_http(url: str) -> None:
    guard(allow_private=True).check(url)


def test_allow_private_still_refuses_other_schemes() -> None:
    with pytest.raises(BlockedTarget, match="scheme"):
        guard(allow_private=True).check("file:///etc/passwd")


@pytest.mark.parametrize(
    ("peer", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("10.0.0.7", "private"),
        ("::ffff:192.168.0.9", "private"),
        ("fe80::1%2", "link-local"),
    ],
)
def test_check_ip_refuses_forbidden_peers(peer: str, reason: str) -> None:
    with pytest.raises(BlockedTarget) as info:
        guard().check_ip(peer, "rebinding.example.com")
    assert info.value.reason.startswith(reason)


@pytest.mark.parametrize("peer", ["8.8.8.8", "2001:4860::8888", "[2001:4860::8888]"])
def test_check_ip_allows_public_peers(peer: str) -> None:
    guard().check_ip(peer, "www.example.go.th")


def test_check_ip_refuses_unparsable_peer() -> None:
    with pytest.raises(BlockedTarget, match="unrecognised"):
        guard().check_ip("/run/socket", "www.example.go.th")


def test_check_ip_respects_allow_lists() -> None:
    guard(allow_private=True).check_ip("127.0.0.1", "anything")
    guard(allowed_hosts=frozenset({"intranet.local"})).check_ip("192.168.1.20", "intranet.local")
    guard(allowed_hosts=frozenset({"intranet.local:8080"})).check_ip("192.168.1.20", "intranet.local:8080")
    with pytest.raises(BlockedTarget):
        guard(allowed_hosts=frozenset({"intranet.local:8080"})).check_ip("192.168.1.20", "intranet.local:9090")


def test_resolver_unicode_error_is_treated_as_dns_failure() -> None:
    def broken(host: str) -> list[str]:
        raise UnicodeError("label too long")

    Guard(resolver=broken).check("http://" + "a" * 70 + ".example.com/")


def test_unparsable_resolved_address_is_refused() -> None:
    with pytest.raises(BlockedTarget, match="unrecognised"):
        Guard(resolver=lambda host: ["not-an-ip"]).check("http://weird.example.com/")
