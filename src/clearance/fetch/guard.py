# SPDX-License-Identifier: Apache-2.0
"""The SSRF guard: which schemes and addresses the fetcher may connect to.

Manifests are written by strangers, so the guard decides on the exact address a socket is
about to connect to, never on the URL text. Three checks, each sufficient on its own for the
class of bypass it names:

1. :meth:`AddressGuard.check_url` reads the URL with the client's own parser (yarl: IDNA /
   UTS-46 mapping, so ``１２７.０.０.１`` is seen as ``127.0.0.1``), refuses non-http(s)
   schemes, metadata host names, IP literals spelled with non-ASCII characters and numeric
   hosts that are not the canonical dotted quad (``2130706433``, ``0177.0.0.1``, ``127.1``),
   and checks canonical literals against the address classes.
2. :meth:`AddressGuard.socket_factory` is handed to the HTTP client's connector and sees the
   ``sockaddr`` of every connection attempt, IP literal or resolved name alike, before the
   socket exists: a refused address raises :class:`RefusedConnection` and nothing is sent.
3. The client re-checks the connected peer's address before it accepts a response.

Names are resolved once by ``GuardedResolver`` (which drops refused addresses, so a second
DNS answer cannot rebind the connection). Tests reach 127.0.0.1 only through
``FetchConfig.allow_networks``.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import socket
from collections.abc import Iterable
from typing import Any, Final
from urllib.parse import urlsplit

from yarl import URL

from clearance.errors import BlockedAddressError

__all__ = [
    "ALLOWED_SCHEMES",
    "AddressGuard",
    "METADATA_ADDRESSES",
    "RefusedConnection",
    "address_class",
    "ip_literal",
]

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
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "fc00::/7",
        "fec0::/10",  # site-local unicast, deprecated by RFC 3879 but still routed inside sites
    )
)
# Blocks Python's ipaddress still calls global: not destinations a crawler has business with
_NOT_GLOBAL: Final = tuple(
    ipaddress.ip_network(n)
    for n in (
        "192.88.99.0/24",  # 6to4 relay anycast, deprecated (RFC 7526)
        "3fff::/20",  # documentation (RFC 9637)
    )
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
    if any(ip.version == net.version and ip in net for net in _NOT_GLOBAL):
        return "reserved"
    return None


class RefusedConnection(PermissionError):
    """Raised inside the HTTP client when a socket would connect to a refused address.

    A ``PermissionError`` (errno ``EACCES``) so the client's connection machinery treats it as
    a failed attempt; :attr:`reason` names the address class.
    """

    def __init__(self, address: str, reason: str) -> None:
        super().__init__(errno.EACCES, f"SSRF guard refused {reason} address {address}")
        self.address = address
        self.reason = reason


def _numeric_last_label(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    if last.isascii() and last.isdigit():
        return True
    low = last.lower()
    return low.startswith("0x") and all(c in "0123456789abcdef" for c in low[2:])


def ip_literal(host: str) -> tuple[IPAddress, bool] | None:
    """Return ``(address, canonical)`` if ``host`` is an IP literal, else None (a name).

    ``host`` is a normalised host as the HTTP client sees it (no brackets, no trailing dot).
    A host whose last label is a number is an IPv4 literal, read as ``inet_aton`` reads it
    (``127.1``, ``0x7f.1``, ``2130706433``), as the WHATWG URL standard and the C library do;
    ``canonical`` is true only for the dotted-quad spelling. Raises ValueError for a numeric
    host that is not a valid address (``1.2.3.4.5``, ``999.1.1.1``).
    """
    if not host or (":" not in host and not _numeric_last_label(host)):
        return None  # a name: IPv6 literals hold a colon, IPv4 ones end in a number
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    else:
        return ip, isinstance(ip, ipaddress.IPv6Address) or str(ip) == host
    if not _numeric_last_label(host):
        return None
    try:
        packed = socket.inet_aton(host)
    except OSError:
        raise ValueError(f"numeric host {host!r} is not a valid IPv4 address") from None
    v4 = ipaddress.IPv4Address(packed)
    return v4, str(v4) == host


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

    def check_url(self, url: str) -> URL:
        """Return ``url`` parsed; raise BlockedAddressError unless it is http(s) to a name or a
        public address.

        The host is read as the HTTP client reads it (yarl, with IDNA/UTS-46 mapping), so the
        verdict is about the host the client would contact. Refused: other schemes, metadata
        host names, IP literals spelled with non-ASCII characters, numeric hosts that are not
        canonical dotted quads, and literals in a refused address class. A name passes here;
        its addresses are checked after resolution and again at the socket. The fetcher makes
        its request from the returned URL, so the verdict is about the very object it uses.
        """
        try:
            parsed = URL(url)
            scheme = (parsed.scheme or "").lower()
            host = (parsed.raw_host or "").rstrip(".").lower()
        except (ValueError, TypeError, UnicodeError) as exc:
            raise BlockedAddressError(f"unparseable URL ({exc})", url=url) from exc
        if scheme not in ALLOWED_SCHEMES:
            raise BlockedAddressError(f"scheme {scheme!r} is not http or https", url=url)
        if not host:
            raise BlockedAddressError("URL has no host", url=url)
        if host in self._names:
            return parsed
        if host in METADATA_HOSTNAMES:
            raise BlockedAddressError(f"refused cloud-metadata host {host}", url=url)
        try:
            literal = ip_literal(host)
        except ValueError as exc:
            raise BlockedAddressError(f"refused invalid numeric host ({exc})", url=url) from None
        if literal is None:
            if len(self._names) < 65536:
                self._names.add(host)
            return parsed  # a name: its addresses are checked after resolution and at the socket
        ip, canonical = literal
        if not _written_in_ascii(url):
            raise BlockedAddressError(
                f"refused IP address {ip} spelled with non-ASCII characters or escapes", url=url
            )
        if not canonical:
            raise BlockedAddressError(
                f"refused non-canonical IP literal {host!r} (means {ip})", url=url
            )
        self.check_address(str(ip), url=url)
        return parsed

    def socket_factory(self, addr_info: tuple[Any, ...]) -> socket.socket:
        """Return a socket for ``addr_info`` if its address passes; raise RefusedConnection.

        The HTTP client calls this for every connection attempt with the exact ``sockaddr``
        it is about to connect to, whether the host was an IP literal or a resolved name.
        """
        family, type_, proto, _canon, sockaddr = addr_info
        address = str(sockaddr[0])
        reason = self.refusal(address)
        if reason is not None:
            log.warning("SSRF guard refused a connection to %s (%s)", address, reason)
            raise RefusedConnection(address, reason)
        return socket.socket(family=family, type=type_, proto=proto)


def _written_in_ascii(url: str) -> bool:
    """Return whether the host part of ``url`` is written in ASCII (percent-escapes count)."""
    try:
        netloc = urlsplit(url).netloc
    except ValueError:
        return False
    return netloc.isascii() and "%" not in netloc.rpartition("@")[2]
