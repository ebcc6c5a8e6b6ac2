# SPDX-License-Identifier: Apache-2.0
"""Name resolution for the fetcher: the system resolver, a static one for tests, and the guard.

``GuardedResolver`` is what the fetcher's connector (:mod:`clearance.fetch.wire`) calls: it
resolves once, drops every address the SSRF guard refuses, and returns the survivors, which are
the only addresses the connector then tries (each checked again by the guard's socket factory).
A name whose every address is refused raises ``BlockedAddressError``. Its ``resolve`` method
speaks aiohttp's resolver interface, for the benchmark that compares clients behind one guard.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from clearance.errors import BlockedAddressError
from clearance.fetch.guard import AddressGuard

__all__ = ["GuardedResolver", "NameResolver", "StaticResolver", "SystemResolver"]


class NameResolver(Protocol):
    """Anything that turns a host name into IP address strings (raising OSError if it cannot)."""

    async def addresses(self, host: str) -> list[str]:
        """Return the IP addresses of ``host``."""
        ...


class SystemResolver:
    """Resolve through the operating system (``getaddrinfo``), IPv4 and IPv6."""

    async def addresses(self, host: str) -> list[str]:
        """Return the distinct addresses getaddrinfo gives for ``host``, in its order."""
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, None, type=socket.SOCK_STREAM, flags=socket.AI_ADDRCONFIG
        )
        seen: dict[str, None] = {}
        for _family, _type, _proto, _name, sockaddr in infos:
            seen.setdefault(str(sockaddr[0]), None)
        return list(seen)


class StaticResolver:
    """Resolve from a fixed table; ``*.suffix`` keys match any name under the suffix.

    Names not in the table fail like an unknown name does (``socket.gaierror``). Picklable,
    so worker processes get the same table.
    """

    def __init__(self, table: Mapping[str, str | Sequence[str]]) -> None:
        self.exact: dict[str, list[str]] = {}
        self.suffixes: list[tuple[str, list[str]]] = []
        for key, value in table.items():
            addrs = [value] if isinstance(value, str) else list(value)
            if key.startswith("*."):
                self.suffixes.append((key[1:].lower(), addrs))
            else:
                self.exact[key.lower()] = addrs
        self.suffixes.sort(key=lambda item: -len(item[0]))

    async def addresses(self, host: str) -> list[str]:
        """Return the table's addresses for ``host``."""
        name = host.rstrip(".").lower()
        if name in self.exact:
            return self.exact[name]
        for suffix, addrs in self.suffixes:
            if name.endswith(suffix):
                return addrs
        raise socket.gaierror(socket.EAI_NONAME, f"{host}: not in the static table")


class GuardedResolver:
    """Resolve once and hand on only the addresses the guard accepts."""

    def __init__(self, resolver: NameResolver, guard: AddressGuard) -> None:
        self.resolver = resolver
        self.guard = guard

    async def addresses(self, host: str) -> list[str]:
        """Return the checked addresses of ``host``; raise BlockedAddressError if none is left."""
        addresses = await self.resolver.addresses(host)
        kept: list[str] = []
        refused: list[str] = []
        for address in addresses:
            reason = self.guard.refusal(address)
            if reason is not None:
                refused.append(f"{address} ({reason})")
            else:
                kept.append(address)
        if not kept:
            what = ", ".join(refused) if refused else "no address"
            raise BlockedAddressError(f"{host} resolves to refused addresses: {what}")
        return kept

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[dict[str, Any]]:
        """Return the checked addresses in aiohttp's resolver format (used by benchmarks)."""
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
            for address in await self.addresses(host)
        ]

    async def close(self) -> None:
        """Release nothing: the wrapped resolver holds no resources."""
