# SPDX-License-Identifier: Apache-2.0
"""The SSRF guard: which schemes and addresses the fetcher may connect to.

Manifests are written by strangers, so every destination is resolved first and each address
checked before a socket is opened; the connection then goes to the checked address (the
resolver hands aiohttp only addresses that passed, so a second DNS answer cannot rebind it).
Tests reach 127.0.0.1 only through ``FetchConfig.allow_networks``.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable
from typing import Final
from urllib.parse import urlsplit

from clearance.errors import BlockedAddressError

__all__ = ["ALLOWED_SCHEMES", "AddressGuard", "METADATA_ADDRESSES", "address_class"]

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES: Final = frozenset({"http", "https"})

METADATA_ADDRESSES: Final[frozenset[IPAddress]] = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack instance metadata
        "fd00:ec2::254",  # AWS instance metadata over IPv6
        "100.100.100.200",  # Alibaba Cloud instance metadata
        "168.63.129.16",  # Azure platform (WireServer) address
    )
)
METADATA_HOSTNAMES: Final = frozenset({"metadata.google.internal", "instance-data"})

_CGNAT: Final = ipaddress.ip_network("100.64.0.0/10")
_PRIVATE: Final = tuple(
    ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)
_NAT64: Final = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_class(ip: IPAddress) -> str | None:
    """Return the refused class of an address ('private', 'loopback', ...), or None if public."""
    if ip in METADATA_ADDRESSES:
        return "cloud-metadata"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return "ipv4-mapped"
        inner = _embedded_ipv4(ip)
        if inner is not None:
            found = address_class(inner)
            if found is not None:
                return f"embedded-{found}"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified:
        return "unspecified"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "cgnat"
    if any(ip.version == net.version and ip in net for net in _PRIVATE):
        return "private"
    if ip.is_reserved or ip.is_private or not ip.is_global:
        return "reserved"  # special-purpose: documentation, benchmarking, 240/4, ...
    return None


class AddressGuard:
    """Refuse schemes other than http(s) and addresses that are not public.

    ``allow_networks`` lists CIDR blocks let through anyway (tests use ``127.0.0.0/8``).
    """

    __slots__ = ("_allow", "_cache", "_names")

    def __init__(self, allow_networks: Iterable[str] = ()) -> None:
        self._allow = tuple(ipaddress.ip_network(n, strict=False) for n in allow_networks)
        self._cache: dict[str, str | None] = {}
        self._names: set[str] = set()

    def refusal(self, address: str) -> str | None:
        """Return why ``address`` is refused ('loopback', 'not-an-address', ...) or None."""
        try:
            return self._cache[address]
        except KeyError:
            pass
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            reason: str | None = "not-an-address"
        else:
            if any(ip.version == net.version and ip in net for net in self._allow):
                reason = None
            else:
                reason = address_class(ip)
        if len(self._cache) < 65536:
            self._cache[address] = reason
        return reason

    def check_address(self, address: str, *, url: str | None = None, host: str = "") -> None:
        """Raise BlockedAddressError when ``address`` may not be connected to."""
        reason = self.refusal(address)
        if reason is not None:
            shown = f"{host} -> {address}" if host and host != address else address
            raise BlockedAddressError(f"refused {reason} address {shown}", url=url)

    def check_url(self, url: str) -> None:
        """Raise BlockedAddressError for a non-http(s) URL, a metadata host or a bad IP literal."""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").rstrip(".").lower()
        except ValueError as exc:
            raise BlockedAddressError(f"unparseable URL ({exc})", url=url) from exc
        if parts.scheme.lower() not in ALLOWED_SCHEMES:
            raise BlockedAddressError(f"scheme {parts.scheme!r} is not http or https", url=url)
        if not host:
            raise BlockedAddressError("URL has no host", url=url)
        if host in self._names:
            return
        if host in METADATA_HOSTNAMES:
            raise BlockedAddressError(f"refused cloud-metadata host {host}", url=url)
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            if len(self._names) < 65536:
                self._names.add(host)
            return  # a name: its addresses are checked after resolution
        self.check_address(host, url=url)
