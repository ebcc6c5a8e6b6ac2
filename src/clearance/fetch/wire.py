# SPDX-License-Identifier: Apache-2.0
"""A lean HTTP/1.1 client: asyncio protocols, the llhttp parser (httptools), the guard at connect.

The fetcher's requests are small and many (three to five documents per host, most of them a
few hundred bytes), so the client's cost per request is what limits hosts per second. A general
client's session machinery cost several times the bytes-on-the-wire work (docs/benchmarks.md,
"Fetcher"); this one does only what the fetcher needs: one request at a time per connection,
keep-alive within a host, a byte cap, one timer per request, and plain or TLS sockets.

Where the SSRF guard sits: :meth:`Connector.request` reads the URL with yarl (the guard's own
parser); an IP literal goes straight to the socket, a name goes to the resolver it was given
(``GuardedResolver`` in the fetcher: resolved once, refused addresses dropped). Every connection
attempt then calls ``socket_factory`` with the exact ``sockaddr`` the socket will connect to
(the guard refuses there, before the socket exists), the socket connects to that ``sockaddr``
and nothing else, and ``peer_check`` sees the connected peer before a byte is sent.
"""

from __future__ import annotations

import asyncio
import errno
import os
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import httptools
from yarl import URL

from clearance.fetch.guard import RefusedConnection, ip_literal

__all__ = [
    "Connector",
    "NameLookup",
    "ProtocolFailure",
    "ResolveFailure",
    "Response",
]

MAX_HEAD_BYTES = 65536
"""A response head (status line and headers) longer than this is refused."""
MAX_HEADERS = 256

SocketFactory = Callable[[tuple[Any, ...]], socket.socket]


class NameLookup(Protocol):
    """Anything that turns a host name into IP address strings (raising OSError if it cannot)."""

    async def addresses(self, host: str) -> list[str]:
        """Return the IP addresses of ``host``."""
        ...


class ResolveFailure(OSError):
    """The name could not be resolved (the resolver raised ``OSError``)."""


class ProtocolFailure(ConnectionError):
    """The connection broke or the server's answer could not be read as HTTP/1.x."""


@dataclass(slots=True)
class Response:
    """One response as read off the wire (the body still content-encoded, at most the cap)."""

    status: int
    reason: str
    version: str
    headers: list[tuple[str, str]]
    body: bytes
    truncated: bool
    detail: str
    peer: str | None
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    request_head: bytes = b""


def _default_socket(addr_info: tuple[Any, ...]) -> socket.socket:
    family, type_, proto, _canon, _sockaddr = addr_info
    return socket.socket(family=family, type=type_, proto=proto)


def _literal(host: str) -> str | None:
    """Return the address an IP-literal host means, None for a name; refuse odd numerals.

    A host whose last label is a number is read as ``inet_aton`` reads it; only the canonical
    dotted quad is used (``127.1`` or ``2130706433`` is a ValueError, as aiohttp does too).
    """
    literal = ip_literal(host.rstrip(".").lower())
    if literal is None:
        return None
    ip, canonical = literal
    if not canonical:
        raise ValueError(f"non-canonical IP literal {host!r}")
    return str(ip)


def _sockaddrs(address: str, port: int) -> list[tuple[Any, ...]]:
    """Return ``(family, type, proto, canonname, sockaddr)`` for a numeric address."""
    if ":" not in address:
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]
    infos = socket.getaddrinfo(address, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
    return [infos[0]]


class _Conn(asyncio.Protocol):
    """One HTTP/1.1 connection: one request at a time, parsed by llhttp."""

    def __init__(self, connector: Connector, key: tuple[str, str, int]) -> None:
        self.connector = connector
        self.key = key
        self.transport: asyncio.Transport | None = None
        self.peer: str | None = None
        self.closed = False
        self.idle_since = 0.0
        self._parser: Any = None
        self._waiter: asyncio.Future[Response] | None = None
        self._reset("GET", 0)

    def _reset(self, method: str, cap: int) -> None:
        self._head = method == "HEAD"
        self._cap = cap
        self._reason = b""
        self._headers: list[tuple[bytes, bytes]] = []
        self._chunks: list[bytes] = []
        self._size = 0
        self._head_size = 0
        self._fields = 0
        self._head_done = False
        self._status = 0
        self._version = "1.1"
        self._got_bytes = False
        self._eof_body = False
        self._keep = False

    # -- asyncio.Protocol --------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        parser = self._parser
        if parser is None:  # bytes nobody asked for: this connection cannot be trusted
            self.abort()
            return
        self._got_bytes = True
        try:
            parser.feed_data(data)
        except Exception as exc:  # llhttp's errors, and an upgrade nobody asked for
            if self._parser is parser:  # not stopped on purpose by a callback
                self._fail(ProtocolFailure(f"invalid HTTP response: {exc!r}"))
            return
        if not self._head_done and self._parser is parser:
            self._head_size += len(data)  # no end of the head yet: all of it was head
            if self._head_size > MAX_HEAD_BYTES:
                self._fail(ProtocolFailure(f"response head over {MAX_HEAD_BYTES} bytes"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.transport = None
        self.connector._lost(self)
        if self._waiter is None or self._waiter.done():
            return
        if self._head_done and self._eof_body:
            self._finish(truncated=False, detail="")  # body delimited by the connection's end
        elif self._head_done:
            why = f": {exc!r}" if exc else ""
            self._finish(truncated=True, detail=f"body cut short by the server{why}")
        else:
            what = repr(exc) if exc else "server closed the connection without an answer"
            self._fail(ProtocolFailure(what))

    # -- llhttp callbacks ----------------------------------------------------------------------

    def on_status(self, status: bytes) -> None:
        self._reason += status

    def on_header(self, name: bytes, value: bytes) -> None:
        self._fields += len(name) + len(value) + 4
        if len(self._headers) >= MAX_HEADERS or self._fields > MAX_HEAD_BYTES:
            what = f"more than {MAX_HEADERS} response headers"
            if self._fields > MAX_HEAD_BYTES:
                what = f"response head over {MAX_HEAD_BYTES} bytes"
            self._fail(ProtocolFailure(what))
            raise httptools.HttpParserError(what)
        self._headers.append((name, value))

    def on_headers_complete(self) -> None:
        parser = self._parser
        self._status = parser.get_status_code()
        if 100 <= self._status < 200:
            return  # an interim answer (103 Early Hints): its message ends; the real one follows
        self._head_done = True
        self._version = parser.get_http_version()
        if self._head:
            self._finish(truncated=False, detail="", keep=False)
            return
        self._eof_body = not any(
            n.lower() in (b"content-length", b"transfer-encoding") for n, _ in self._headers
        ) and self._status not in (204, 304)

    def on_body(self, body: bytes) -> None:
        if self._waiter is None or self._waiter.done():
            return
        self._chunks.append(body)
        self._size += len(body)
        if self._size > self._cap:
            data = b"".join(self._chunks)[: self._cap]
            self._chunks = [data]
            self._finish(truncated=True, detail="", keep=False)

    def on_message_complete(self) -> None:
        if 100 <= self._status < 200 and not self._head_done:
            self._reason, self._headers, self._status = b"", [], 0
            return
        if self._waiter is not None and not self._waiter.done():
            self._finish(truncated=False, detail="", keep=self._parser.should_keep_alive())

    # -- the request ---------------------------------------------------------------------------

    def start(self, method: str, head: bytes, cap: int) -> asyncio.Future[Response]:
        assert self.transport is not None
        self._reset(method, cap)
        self._parser = httptools.HttpResponseParser(self)
        self._waiter = self.connector.loop.create_future()
        self.transport.write(head)
        return self._waiter

    def _finish(self, *, truncated: bool, detail: str, keep: bool = False) -> None:
        waiter, self._waiter, self._parser = self._waiter, None, None
        self._keep = keep and not truncated
        if waiter is None or waiter.done():
            return
        body = b"".join(self._chunks) if len(self._chunks) != 1 else self._chunks[0]
        headers = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in self._headers]
        waiter.set_result(
            Response(
                self._status,
                self._reason.decode("latin-1"),
                self._version,
                headers,
                body,
                truncated,
                detail,
                self.peer,
            )
        )

    def _fail(self, exc: BaseException) -> None:
        waiter, self._waiter, self._parser = self._waiter, None, None
        self._keep = False
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)
        self.abort()

    def time_out(self, seconds: float) -> None:
        stage = "the body" if self._head_done else "the response head"
        self._fail(TimeoutError(f"no complete answer within {seconds:g} s (waiting for {stage})"))

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()


class Connector:
    """Open, reuse and bound connections; send one request and read its capped response.

    ``resolver`` turns names into addresses; ``socket_factory`` is called with the exact
    ``sockaddr`` of every connection attempt and may refuse it by raising; ``peer_check``
    returns a reason to refuse the connected peer (or None). ``limit`` bounds open connections.
    """

    def __init__(
        self,
        *,
        resolver: NameLookup,
        socket_factory: SocketFactory = _default_socket,
        peer_check: Callable[[str], str | None] | None = None,
        limit: int = 512,
        keepalive: float = 2.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.loop = asyncio.get_running_loop()
        self.resolver = resolver
        self.socket_factory = socket_factory
        self.peer_check = peer_check
        self.limit = max(1, limit)
        self.keepalive = keepalive
        self._ssl = ssl_context
        self._idle: dict[tuple[str, str, int], list[_Conn]] = {}
        self._lru: dict[_Conn, None] = {}
        self._open: set[_Conn] = set()
        self._connecting = 0
        self._waiters: list[asyncio.Future[None]] = []
        self._swept = 0.0

    def _ssl_context(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = ssl.create_default_context()
        return self._ssl

    async def request(
        self,
        method: str,
        url: URL,
        headers: list[tuple[str, str]],
        *,
        cap: int,
        timeout: float,
        connect_timeout: float,
    ) -> Response:
        """Send ``method url`` with ``headers`` (Host is added) and return the response.

        Raises ``ResolveFailure``, ``TimeoutError``, ``ProtocolFailure`` or ``OSError`` (what
        the socket factory or the connection raised); ``ValueError`` for an unusable URL.
        """
        scheme = url.scheme
        host = url.raw_host or ""
        if scheme not in ("http", "https") or not host:
            raise ValueError(f"cannot request {url}")
        port = url.port or (443 if scheme == "https" else 80)
        authority = url.host_port_subcomponent or host
        sent = [("Host", authority), *headers]
        for name, value in sent:
            if "\r" in value or "\n" in value or "\x00" in value:
                raise ValueError(f"header {name} contains a line break")
        lines = [f"{method} {url.raw_path_qs or '/'} HTTP/1.1"]
        lines += [f"{k}: {v}" for k, v in sent]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        deadline = self.loop.time() + timeout
        key = (scheme, host, port)
        for fresh in (False, True):
            conn, reused = await self._acquire(key, deadline, connect_timeout, fresh=fresh)
            try:
                resp = await self._exchange(conn, method, head, cap, deadline, timeout)
            except ProtocolFailure:
                if reused and not conn._got_bytes:
                    continue  # the server closed an idle keep-alive connection: reconnect once
                raise
            resp.request_headers, resp.request_head = sent, head
            return resp
        raise AssertionError("unreachable")

    async def _exchange(
        self, conn: _Conn, method: str, head: bytes, cap: int, deadline: float, timeout: float
    ) -> Response:
        waiter = conn.start(method, head, cap)
        timer = self.loop.call_at(deadline, conn.time_out, timeout)
        try:
            resp = await waiter
        except BaseException:
            conn.abort()
            raise
        finally:
            timer.cancel()
        self._release(conn, conn._keep)
        return resp

    # -- the pool ------------------------------------------------------------------------------

    async def _acquire(
        self, key: tuple[str, str, int], deadline: float, connect_timeout: float, *, fresh: bool
    ) -> tuple[_Conn, bool]:
        now = self.loop.time()
        if now - self._swept > 1.0:
            self._sweep(now)
        idle = self._idle.get(key)
        while idle and not fresh:
            conn = idle.pop()
            self._lru.pop(conn, None)
            if not idle:
                del self._idle[key]
            if not conn.closed and now - conn.idle_since < self.keepalive:
                return conn, True
            conn.abort()
        while len(self._open) + self._connecting >= self.limit:
            if self._lru:
                oldest = next(iter(self._lru))
                self._drop_idle(oldest)
                oldest.abort()
                self._open.discard(oldest)
                continue
            gate: asyncio.Future[None] = self.loop.create_future()
            self._waiters.append(gate)
            async with asyncio.timeout_at(deadline):
                await gate
        self._connecting += 1
        try:
            async with asyncio.timeout_at(min(deadline, now + connect_timeout)):
                conn = await self._connect(key)
        finally:
            self._connecting -= 1
            self._wake()
        self._open.add(conn)
        return conn, False

    async def _connect(self, key: tuple[str, str, int]) -> _Conn:
        scheme, host, port = key
        literal = _literal(host)
        if literal is not None:
            addresses = [literal]
        else:
            try:
                addresses = await self.resolver.addresses(host)
            except OSError as exc:
                if isinstance(exc, PermissionError):
                    raise
                raise ResolveFailure(exc.errno or 0, f"cannot resolve {host}: {exc}") from exc
        errors: list[OSError] = []
        for address in addresses:
            for info in _sockaddrs(address, port):
                try:
                    return await self._open_one(key, info)
                except OSError as exc:  # the guard's refusal included: try the next address
                    errors.append(exc)
        if len(errors) == 1 or (errors and all(isinstance(e, RefusedConnection) for e in errors)):
            raise errors[0]
        raise OSError(
            errors[0].errno if errors else 0,
            "; ".join(str(e) for e in errors) or f"no address for {host}",
        )

    async def _open_one(self, key: tuple[str, str, int], info: tuple[Any, ...]) -> _Conn:
        scheme, host, _port = key
        sockaddr = info[4]
        sock = self.socket_factory(info)  # the guard: refuses before the socket exists
        try:
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            await self._connect_socket(sock, sockaddr)
            peer = str(sock.getpeername()[0])
            if self.peer_check is not None:
                reason = self.peer_check(peer)
                if reason is not None:
                    raise RefusedConnection(peer, f"connected peer {reason}")
            conn = _Conn(self, key)
            conn.peer = peer
            if scheme == "https":
                await self.loop.create_connection(
                    lambda: conn, sock=sock, ssl=self._ssl_context(), server_hostname=host
                )
            else:
                await self.loop.create_connection(lambda: conn, sock=sock)
        except BaseException:
            sock.close()
            raise
        return conn

    fast_connect = True
    """Take a handshake finished by the time ``connect`` returns (loopback) without a poll."""

    async def _connect_socket(self, sock: socket.socket, sockaddr: tuple[Any, ...]) -> None:
        """Connect ``sock`` to exactly ``sockaddr``.

        The handshake of a loopback (or very near) peer is often complete when ``connect``
        returns; then the socket is used at once, which saves a poll handle per connection
        (about half the client's CPU per connection on loopback). Otherwise the event loop waits
        for the handshake as usual.
        """
        if self.fast_connect:
            err = sock.connect_ex(sockaddr)
            if err not in (0, errno.EINPROGRESS, errno.EAGAIN, errno.EALREADY):
                raise OSError(err, os.strerror(err))
            try:
                sock.getpeername()
                return
            except OSError:
                pass  # still connecting (or failed: the wait below raises why)
        await self.loop.sock_connect(sock, sockaddr)

    def _release(self, conn: _Conn, keep: bool) -> None:
        if keep and not conn.closed:
            conn.idle_since = self.loop.time()
            self._idle.setdefault(conn.key, []).append(conn)
            self._lru[conn] = None
        else:
            conn.abort()
            self._open.discard(conn)
            self._wake()

    def _drop_idle(self, conn: _Conn) -> None:
        self._lru.pop(conn, None)
        idle = self._idle.get(conn.key)
        if idle and conn in idle:
            idle.remove(conn)
            if not idle:
                del self._idle[conn.key]

    def _lost(self, conn: _Conn) -> None:
        self._drop_idle(conn)
        if conn in self._open:
            self._open.discard(conn)
            self._wake()

    def _wake(self) -> None:
        while self._waiters and len(self._open) + self._connecting < self.limit:
            gate = self._waiters.pop(0)
            if not gate.done():
                gate.set_result(None)
                return

    def _sweep(self, now: float) -> None:
        self._swept = now
        for conn in list(self._lru):
            if now - conn.idle_since < self.keepalive:
                break
            self._drop_idle(conn)
            conn.abort()
            self._open.discard(conn)

    async def close(self) -> None:
        """Close every connection."""
        for conn in list(self._open):
            conn.abort()
        self._open.clear()
        self._idle.clear()
        self._lru.clear()
        await asyncio.sleep(0)
