# SPDX-License-Identifier: Apache-2.0
"""The SSRF guard refuses every non-public address class, directly, by name and by redirect."""

from __future__ import annotations

import asyncio
import ipaddress
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance.config import FetchConfig
from clearance.errors import BlockedAddressError
from clearance.fetch import AddressGuard, StaticResolver, address_class
from clearance.fetch.client import Exchange, Fetcher
from tests.fetch.helpers import make_config, url

REFUSED = [
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("192.168.1.1", "private"),
    ("fd12:3456::1", "private"),
    ("127.0.0.1", "loopback"),
    ("127.9.9.9", "loopback"),
    ("::1", "loopback"),
    ("169.254.1.1", "link-local"),
    ("fe80::1", "link-local"),
    ("100.64.0.1", "cgnat"),
    ("100.127.255.254", "cgnat"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("ff02::1", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("192.0.2.1", "reserved"),  # TEST-NET-1 (documentation)
    ("198.18.0.1", "reserved"),  # benchmarking
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("::ffff:10.0.0.1", "ipv4-mapped"),
    ("::ffff:8.8.8.8", "ipv4-mapped"),
    ("::ffff:127.0.0.1", "ipv4-mapped"),
    ("169.254.169.254", "cloud-metadata"),
    ("fd00:ec2::254", "cloud-metadata"),
    ("100.100.100.200", "cloud-metadata"),
    ("2002:0a00:0001::1", "embedded-private"),  # 6to4 wrapping 10.0.0.1
    ("64:ff9b::7f00:1", "embedded-loopback"),  # NAT64 wrapping 127.0.0.1
    ("fec0::1", "private"),  # site-local (RFC 3879): Python calls it global
    ("3fff::1", "reserved"),  # documentation (RFC 9637): Python calls it global
    ("192.88.99.1", "reserved"),  # 6to4 relay anycast (RFC 7526): Python calls it global
]


@pytest.mark.parametrize(("address", "klass"), REFUSED)
def test_each_address_class_is_refused(address: str, klass: str) -> None:
    assert address_class(ipaddress.ip_address(address)) == klass
    with pytest.raises(BlockedAddressError, match=klass):
        AddressGuard().check_address(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert AddressGuard().refusal(address) is None


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_only_global_ipv4_passes(value: int) -> None:
    ip = ipaddress.IPv4Address(value)
    if AddressGuard().refusal(str(ip)) is None:
        assert ip.is_global and not ip.is_multicast


@given(st.integers(min_value=0, max_value=2**128 - 1))
def test_only_global_ipv6_passes(value: int) -> None:
    ip = ipaddress.IPv6Address(value)
    if AddressGuard().refusal(str(ip)) is None:
        assert ip.is_global and ip.ipv4_mapped is None


def test_allowlist_lets_loopback_through_and_nothing_else() -> None:
    guard = AddressGuard(("127.0.0.0/8",))
    assert guard.refusal("127.0.0.1") is None
    assert guard.refusal("10.0.0.1") == "private"
    assert guard.refusal("::ffff:127.0.0.1") == "ipv4-mapped"
    assert guard.refusal("::1") == "loopback"


@pytest.mark.parametrize(
    "target",
    [
        "file:///etc/passwd",
        "ftp://example.com/robots.txt",
        "gopher://x/",
        "http:///nohost",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://169.254.169.254/latest/",
        "http://[::1]/",
        "http://10.0.0.1/robots.txt",
    ],
)
def test_urls_refused_before_any_connection(target: str) -> None:
    with pytest.raises(BlockedAddressError):
        AddressGuard().check_url(target)


def _fetch(target: str, resolver: StaticResolver, config: FetchConfig) -> Exchange:
    async def go() -> Exchange:
        async with Fetcher(config, resolver) as fetcher:
            return await fetcher.fetch(target)

    return asyncio.run(go())


def test_loopback_refused_without_the_allowlist(port: int, resolver: StaticResolver) -> None:
    ex = _fetch(url(port, "plain"), resolver, make_config(allow_networks=()))
    assert ex.outcome == "blocked" and "loopback" in ex.error
    ex = _fetch(f"http://127.0.0.1:{port}/robots.txt", resolver, make_config(allow_networks=()))
    assert ex.outcome == "blocked"
    assert _fetch(url(port, "plain"), resolver, make_config()).outcome == "ok"


@pytest.mark.parametrize(
    ("host", "klass"),
    [
        ("db.internal.test", "private"),
        ("x.mapped.test", "ipv4-mapped"),
        ("x.meta.test", "cloud-metadata"),
    ],
)
def test_hostname_resolving_to_refused_address(
    host: str, klass: str, port: int, resolver: StaticResolver
) -> None:
    ex = _fetch(f"http://{host}:{port}/robots.txt", resolver, make_config())
    assert ex.outcome == "blocked"
    assert klass in ex.error
    assert all(h.status is None for h in ex.hops)  # nothing was ever connected to


@pytest.mark.parametrize(
    ("variant", "why"),
    [
        ("private-redirect", "private"),
        ("meta-redirect", "cloud-metadata"),
        ("file-redirect", "scheme"),
        ("name-redirect", "private"),
    ],
)
def test_redirects_into_refused_space_are_blocked(
    variant: str, why: str, port: int, resolver: StaticResolver
) -> None:
    ex = _fetch(url(port, variant), resolver, make_config())
    assert ex.hops[0].status == 302
    assert ex.outcome == "blocked"
    assert why in ex.error
    assert ex.final_url != url(port, variant)


def test_blocked_documents_are_recorded(
    port: int, resolver: StaticResolver, tmp_path: Path
) -> None:
    from clearance.fetch import fetch_host_documents

    hosts = [f"http://db.internal.test:{port}", f"http://private-redirect.v.loop.test:{port}"]
    summary = fetch_host_documents(hosts, tmp_path, config=make_config(), resolver=resolver)
    assert summary.host_outcomes == {"blocked": 2}
    # the host that resolves to a private address is down: its other documents are skipped;
    # the one that redirects robots.txt into private space still gets its other documents,
    # but not its home page: without a readable robots.txt, crawling / is not allowed
    assert summary.outcomes["skipped"] == 4
    assert summary.outcomes["http_4xx"] == 2
