# SPDX-License-Identifier: Apache-2.0
"""The fetcher's HTTP logic behind the SSRF guard: caps, retries, back-off and redirects.

One :meth:`Fetcher.fetch` call fetches one document and returns an :class:`Exchange` holding
every hop (each attempt, each redirect) so the evidence writer can record all of them. Bodies
are read raw (still content-encoded) up to a byte cap and decoded with a bomb guard. The bytes
travel over :mod:`clearance.fetch.wire` (chosen over aiohttp and httpx by benchmark:
docs/benchmarks.md, "Fetcher"), which calls the guard's socket factory with the exact address
of every connection attempt (IP literals never reach a resolver), resolves names only through
the guarded resolver, and checks the connected peer before it sends a byte.
"""

from __future__ import annotations

import asyncio
import email.utils
import errno
import logging
import random
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urljoin

from clearance.config import FetchConfig
from clearance.errors import BlockedAddressError
from clearance.fetch.decode import decode_body
from clearance.fetch.guard import AddressGuard, RefusedConnection
from clearance.fetch.resolver import GuardedResolver, NameResolver, SystemResolver
from clearance.fetch.wire import Connector, ResolveFailure

__all__ = ["OUTCOMES", "Exchange", "Fetcher", "Hop", "outcome_of_status"]

log = logging.getLogger(__name__)

OUTCOMES = (
    "ok",
    "not_modified",
    "http_4xx",
    "http_5xx",
    "too_many_redirects",
    "too_large",
    "timeout",
    "connection_error",
    "dns_error",
    "blocked",
    "invalid_url",
    "skipped",
)
"""Every outcome a document can end with; ``skipped`` means not attempted (host down)."""

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRY_OUTCOMES = frozenset({"timeout", "connection_error"})


@dataclass(slots=True)
class Hop:
    """One request on the wire and what came back (or how it failed)."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    started_at: datetime
    request_head: bytes = b""
    status: int | None = None
    reason: str = ""
    http_version: str = "1.1"
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    raw_body: bytes = b""
    truncated: bool = False
    peer: str | None = None
    error: str | None = None
    detail: str = ""
    attempt: int = 0


@dataclass(slots=True)
class Exchange:
    """One document fetch: every hop, the outcome, and the decoded final body."""

    url: str
    hops: list[Hop]
    outcome: str
    status: int | None = None
    final_url: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    truncated: bool = False
    error: str = ""

    @property
    def fetched_at(self) -> datetime:
        """Return when the last hop started (UTC)."""
        return self.hops[-1].started_at


def outcome_of_status(status: int) -> str:
    """Return the outcome class of a final HTTP status."""
    if status == 304:
        return "not_modified"
    if status >= 500:
        return "http_5xx"
    if status >= 400:
        return "http_4xx"
    if status in _REDIRECTS:
        return "too_many_redirects"
    return "ok"


def _retry_after(headers: list[tuple[str, str]]) -> float | None:
    for name, value in headers:
        if name.lower() == "retry-after":
            value = value.strip()
            if value.isdigit():
                return float(value)
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None
            return max(0.0, (when - datetime.now(UTC)).total_seconds())
    return None


class Fetcher:
    """Fetch documents politely and safely; use as ``async with Fetcher(config) as f``.

    ``ssl_context`` replaces the system's default TLS context (tests use one trusting their own
    certificate authority).
    """

    def __init__(
        self,
        config: FetchConfig,
        resolver: NameResolver | None = None,
        *,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.config = config
        self.guard = AddressGuard(config.allow_networks)
        self._resolver = GuardedResolver(resolver or SystemResolver(), self.guard)
        self._ssl = ssl_context
        self._wire: Connector | None = None
        self._base = [
            ("User-Agent", config.user_agent),
            ("Accept", "*/*"),
            ("Accept-Encoding", "gzip, deflate"),
        ]

    async def __aenter__(self) -> Fetcher:
        self._wire = Connector(
            resolver=self._resolver,
            socket_factory=self.guard.socket_factory,
            peer_check=self.guard.refusal,
            limit=self.config.max_concurrency,
            keepalive=2.0,
            ssl_context=self._ssl,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._wire is not None:
            await self._wire.close()
            self._wire = None

    async def _one(self, hop: Hop, headers: dict[str, str], cap: int) -> None:
        assert self._wire is not None
        cfg = self.config
        sent = self._base + list(headers.items()) if headers else self._base
        try:
            target = self.guard.check_url(hop.url)  # the parsed URL the request is made from
            resp = await self._wire.request(
                hop.method,
                target,
                sent,
                cap=cap if hop.method != "HEAD" else 0,
                timeout=cfg.total_timeout,
                connect_timeout=cfg.connect_timeout,
            )
        except BlockedAddressError as exc:
            hop.error, hop.detail = "blocked", exc.reason
        except RefusedConnection as exc:
            hop.error, hop.detail = "blocked", exc.strerror or str(exc)
        except ResolveFailure as exc:
            hop.error, hop.detail = "dns_error", exc.strerror or str(exc)
        except TimeoutError as exc:
            waited = (datetime.now(UTC) - hop.started_at).total_seconds()
            hop.error, hop.detail = "timeout", f"{exc or 'connecting'} (after {waited:.3f} s)"
        except (ValueError, UnicodeError) as exc:
            hop.error, hop.detail = "invalid_url", str(exc)
        except OSError as exc:  # refused, reset, TLS failures, broken answers
            if _refused_by_guard(exc):
                hop.error, hop.detail = "blocked", exc.strerror or str(exc)
            else:
                hop.error, hop.detail = "connection_error", repr(exc)
        else:
            hop.status, hop.reason, hop.http_version = resp.status, resp.reason, resp.version
            hop.request_headers, hop.request_head = resp.request_headers, resp.request_head
            hop.response_headers = resp.headers
            hop.peer = resp.peer
            hop.raw_body = resp.body
            if resp.truncated:
                hop.truncated, hop.detail = True, resp.detail

    async def fetch(
        self,
        url: str,
        *,
        method: str = "GET",
        max_bytes: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> Exchange:
        """Return the exchange for one document: all hops, outcome and the decoded body."""
        cfg = self.config
        cap = cfg.max_bytes if max_bytes is None else max_bytes
        hops: list[Hop] = []
        outcome = "connection_error"
        last: Hop | None = None
        for attempt in range(cfg.retries + 1):
            current, verb = url, method
            for _redirect in range(cfg.max_redirects + 1):
                last = Hop(current, verb, [], datetime.now(UTC), attempt=attempt)
                hops.append(last)
                await self._one(last, headers or {}, cap)
                if last.error is not None or last.status not in _REDIRECTS:
                    break
                location = next(
                    (v for k, v in last.response_headers if k.lower() == "location"), None
                )
                if not location:
                    break
                current = urljoin(current, _header_text(location).strip())
                if last.status == 303 and verb != "HEAD":
                    verb = "GET"
            assert last is not None
            if last.error is not None:
                outcome = last.error
            else:
                assert last.status is not None
                outcome = outcome_of_status(last.status)
            retry = (
                outcome in _RETRY_OUTCOMES
                or (last.status == 429)
                or (outcome == "http_5xx" and last.status != 501)
            )
            if not retry or attempt == cfg.retries:
                break
            await asyncio.sleep(self._backoff(attempt, last))
        assert last is not None
        return self._finish(url, hops, last, outcome, cap)

    def _backoff(self, attempt: int, hop: Hop) -> float:
        cfg = self.config
        wait = random.uniform(0.0, min(cfg.backoff_max, cfg.backoff_base * (2**attempt)))
        after = _retry_after(hop.response_headers)
        if after is not None:
            wait = max(wait, after)
        return min(wait, cfg.backoff_max)

    def _finish(self, url: str, hops: list[Hop], last: Hop, outcome: str, cap: int) -> Exchange:
        ex = Exchange(url, hops, outcome, last.status, last.url, last.response_headers)
        if last.error is not None:
            ex.error = last.detail
            return ex
        encoding = next(
            (v for k, v in last.response_headers if k.lower() == "content-encoding"), None
        )
        decoded = decode_body(last.raw_body, encoding, cap, self.config.max_decompression_ratio)
        ex.body = decoded.body
        ex.truncated = last.truncated or decoded.truncated
        if decoded.bomb:
            ex.outcome, ex.error = "too_large", "decompression bomb: decoded body over the cap"
        elif decoded.problem:
            ex.error = decoded.problem
        elif last.detail:
            ex.error = last.detail
        return ex


def _header_text(value: str) -> str:
    """Return a header value (kept as Latin-1 text) read as UTF-8 where it is valid UTF-8.

    Servers send non-ASCII ``Location`` values as UTF-8 bytes, and clients read them so; the
    guard then sees the same string the next request is made from.
    """
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _refused_by_guard(err: OSError) -> bool:
    """Return whether a connection error came from the guard's socket factory.

    With several addresses, the connection library may merge their errors into one OSError
    that keeps the shared errno and the messages but not the type.
    """
    if isinstance(err, RefusedConnection):
        return True
    return err.errno == errno.EACCES and "SSRF guard refused" in str(err)
