# SPDX-License-Identifier: Apache-2.0
"""The async HTTP client: aiohttp behind the SSRF guard, with caps, retries and redirects.

One :meth:`Fetcher.fetch` call fetches one document and returns an :class:`Exchange` holding
every hop (each attempt, each redirect) so the evidence writer can record all of them. Bodies
are read raw (still content-encoded) up to a byte cap and decoded with a bomb guard.
aiohttp was chosen over httpx by benchmark (docs/benchmarks.md, "Fetcher"); it takes a
resolver object, which pins names to checked addresses, and a socket factory, through which
the guard sees the exact address of every connection attempt (IP literals never reach a
resolver). The connected peer is checked once more before a response is accepted.
"""

from __future__ import annotations

import asyncio
import email.utils
import errno
import logging
import random
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urljoin

import aiohttp

from clearance.config import FetchConfig
from clearance.errors import BlockedAddressError
from clearance.fetch.decode import decode_body
from clearance.fetch.guard import AddressGuard, RefusedConnection
from clearance.fetch.resolver import GuardedResolver, NameResolver, SystemResolver

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


async def _read_body(
    resp: aiohttp.ClientResponse, cap: int, method: str
) -> tuple[bytes, bool, str]:
    """Return (body up to cap, whether it was cut, why) of a response."""
    length = resp.content_length
    if method != "HEAD" and length is not None and length <= cap:
        try:
            return await resp.content.readexactly(length), False, ""
        except asyncio.IncompleteReadError as exc:
            return exc.partial, True, "body cut short by the server"
    chunks: list[bytes] = []
    size = 0
    while size <= cap:
        chunk = await resp.content.read(min(_CHUNK, cap + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    body = b"".join(chunks)
    if size > cap:
        return body[:cap], True, ""
    return body, False, ""


class Fetcher:
    """Fetch documents politely and safely; use as ``async with Fetcher(config) as f``."""

    def __init__(self, config: FetchConfig, resolver: NameResolver | None = None) -> None:
        self.config = config
        self.guard = AddressGuard(config.allow_networks)
        self._resolver = GuardedResolver(resolver or SystemResolver(), self.guard)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Fetcher:
        cfg = self.config
        connector = aiohttp.TCPConnector(
            resolver=self._resolver,
            use_dns_cache=False,
            limit=cfg.max_concurrency,
            # per-host limits are kept by the planner (one task per host); aiohttp's own
            # limit_per_host wakes waiters of other hosts and stalls (measured: 2.5x slower)
            limit_per_host=0,
            keepalive_timeout=2.0,
            socket_factory=self.guard.socket_factory,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,
            trust_env=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=aiohttp.ClientTimeout(
                total=cfg.total_timeout,
                sock_connect=cfg.connect_timeout,
                # no per-read timer: re-arming it on every read cost 15-25% of the client's CPU;
                # total_timeout bounds headers and body together
            ),
            headers={"User-Agent": cfg.user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _one(self, hop: Hop, headers: dict[str, str], cap: int) -> None:
        assert self._session is not None
        try:
            self.guard.check_url(hop.url)
            async with self._session.request(
                hop.method, hop.url, headers=headers, allow_redirects=False
            ) as resp:
                hop.status = resp.status
                hop.reason = resp.reason or ""
                if resp.version is not None:
                    hop.http_version = f"{resp.version.major}.{resp.version.minor}"
                hop.request_headers = list(resp.request_info.headers.items())
                hop.response_headers = [
                    (k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.raw_headers
                ]
                if resp.connection is not None and resp.connection.transport is not None:
                    peer = resp.connection.transport.get_extra_info("peername")
                    hop.peer = str(peer[0]) if peer else None
                refused = self.guard.refusal(hop.peer) if hop.peer else None
                if refused is not None:
                    resp.close()  # never read a body from a refused peer, never reuse it
                    hop.status, hop.response_headers = None, []
                    hop.error = "blocked"
                    hop.detail = f"connected peer is a refused {refused} address {hop.peer}"
                    return
                hop.raw_body, cut, why = await _read_body(resp, cap, hop.method)
                if cut:
                    hop.truncated, hop.detail = True, why
                    resp.close()  # unread bytes: do not reuse this connection
        except BlockedAddressError as exc:
            hop.error, hop.detail = "blocked", exc.reason
        except (aiohttp.InvalidURL, ValueError) as exc:
            hop.error, hop.detail = "invalid_url", str(exc)
        except TimeoutError as exc:
            waited = (datetime.now(UTC) - hop.started_at).total_seconds()
            where = "".join(traceback.format_exception(exc, limit=-3)[-3:-1]).strip()
            hop.error, hop.detail = "timeout", f"{exc!r} after {waited:.3f} s ({where})"
        except aiohttp.ClientConnectorDNSError as exc:
            hop.error, hop.detail = "dns_error", str(exc)
        except aiohttp.ClientConnectorError as exc:
            if _refused_by_guard(exc.os_error):
                hop.error, hop.detail = "blocked", exc.os_error.strerror or str(exc.os_error)
            else:
                hop.error, hop.detail = "connection_error", repr(exc)
        except (aiohttp.ClientError, OSError) as exc:
            if hop.status is not None:  # died while reading the body: keep what came
                hop.truncated = True
                hop.detail = f"body cut short: {exc!r}"
            else:
                hop.error, hop.detail = "connection_error", repr(exc)

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


_CHUNK = 65536


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
