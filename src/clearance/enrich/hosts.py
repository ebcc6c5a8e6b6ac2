# SPDX-License-Identifier: Apache-2.0
"""Hosts and registrable domains of URLs: one regex pass per batch, one PSL lookup per host.

The raw authority is cut out of every URL with a single vectorised regex; the per-host work
(userinfo and port removal, IDNA, IP literals, the Public Suffix List) runs once per distinct
host string and is cached across batches.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

import idna
import polars as pl

from clearance.enrich.psl import default_psl
from clearance.models import HostParts

__all__ = ["HOST_RE", "host_parts", "raw_host_expr", "split_url_host"]

# scheme (optional, for //host/...), then the authority up to the first / ? # or backslash.
HOST_RE = r"^\s*(?:[A-Za-z][A-Za-z0-9+.\-]*:)?//([^/?#\\]*)"

_HOST_PATTERN = re.compile(HOST_RE)

_EMPTY = HostParts(host=None, registrable_domain=None, public_suffix=None, is_ip=False)


def raw_host_expr(url: pl.Expr) -> pl.Expr:
    """Return an expression extracting the raw authority (userinfo and port included)."""
    return url.str.extract(HOST_RE, 1)


def _strip_authority(authority: str) -> str:
    host = authority.rpartition("@")[2]
    if host.startswith("["):
        end = host.find("]")
        return host[: end + 1] if end != -1 else host
    return host.partition(":")[0]


def _ip(host: str) -> str | None:
    candidate = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        return ipaddress.ip_address(candidate).compressed
    except ValueError:
        return None


def _ascii_host(host: str) -> str | None:
    host = host.strip().rstrip(".").lower()
    if not host or len(host) > 253:
        return None
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True, transitional=False).decode("ascii")
        except idna.IDNAError:
            return None
    labels = host.split(".")
    for label in labels:
        if not label or len(label) > 63:
            return None
        if not all(c.isalnum() or c in "-_" for c in label):
            return None
    return host


@lru_cache(maxsize=1 << 20)
def host_parts(authority: str) -> HostParts:
    """Return host and registrable domain for a raw URL authority (``user@Host:port``).

    Broken hosts (empty labels, illegal characters, failed IDNA) give all-null parts.
    """
    host = _strip_authority(authority)
    ip = _ip(host)
    if ip is not None:
        return HostParts(host=ip, registrable_domain=ip, public_suffix=None, is_ip=True)
    ascii_host = _ascii_host(host)
    if ascii_host is None:
        return _EMPTY
    suffix, registrable = default_psl().split(ascii_host)
    return HostParts(
        host=ascii_host, registrable_domain=registrable, public_suffix=suffix, is_ip=False
    )


def split_url_host(url: str) -> HostParts:
    """Return the host parts of one URL (the per-record convenience path)."""
    match = _HOST_PATTERN.match(url)
    return host_parts(match.group(1)) if match else _EMPTY
