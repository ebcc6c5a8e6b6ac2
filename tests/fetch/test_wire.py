# SPDX-License-Identifier: Apache-2.0
"""The fetcher's HTTP/1.1 client (clearance.fetch.wire) against servers on 127.0.0.1.

Responses are read as h11 (a second, independent HTTP/1.1 implementation) reads them, however
the bytes are split; bodies framed by length, chunks or the end of the connection; HEAD, 1xx,
caps, limits, keep-alive, a stale keep-alive connection, timeouts, the connection limit, the
peer check, and TLS with a certificate made for the test.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import h11
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from yarl import URL

from clearance.fetch.wire import Connector, ProtocolFailure, Response, _Conn

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class _Loopback:
    """Resolve every name to 127.0.0.1."""

    async def addresses(self, host: str) -> list[str]:
        return ["127.0.0.1"]


async def _serve(handler: Handler, ssl_ctx: ssl.SSLContext | None = None) -> asyncio.Server:
    async def guarded(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await handler(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError, ssl.SSLError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(guarded, "127.0.0.1", 0, ssl=ssl_ctx)


async def _stop(server: asyncio.Server) -> None:
    server.close()
    await server.wait_closed()
    await asyncio.sleep(0.05)  # let the handlers see their connections close


def _port(server: asyncio.Server) -> int:
    return int(server.sockets[0].getsockname()[1])


async def _read_head(reader: asyncio.StreamReader) -> bytes:
    return await reader.readuntil(b"\r\n\r\n")


async def _get(
    connector: Connector, url: str, *, method: str = "GET", cap: int = 1 << 20, timeout: float = 5
) -> Response:
    return await connector.request(
        method, URL(url), [("User-Agent", "t")], cap=cap, timeout=timeout, connect_timeout=5
    )


def _canned(raw: bytes, *, close: bool = False) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                await _read_head(reader)
                writer.write(raw)
                await writer.drain()
                if close:
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        writer.close()

    return handler


# -- parsing, however the bytes arrive -------------------------------------------------------


class _Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.sent = b""
        self.aborted = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.sent += bytes(data)

    def abort(self) -> None:
        self.aborted = True

    def is_closing(self) -> bool:
        return self.aborted


_TOKEN = st.text("abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12)
_VALUE = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=30)


@st.composite
def responses(draw: st.DrawFn) -> tuple[bytes, bool]:
    status = draw(st.sampled_from([200, 201, 204, 301, 304, 404, 429, 500, 503]))
    headers = draw(st.lists(st.tuples(_TOKEN, _VALUE), max_size=6))
    headers = [(n, v) for n, v in headers if n not in ("content-length", "transfer-encoding")]
    body = b"" if status in (204, 304) else draw(st.binary(max_size=3000))
    framing = draw(st.sampled_from(["length", "chunked", "eof"]))
    head = [f"HTTP/1.1 {status} {draw(_TOKEN)}"] + [f"{n}: {v}" for n, v in headers]
    if status in (204, 304):
        framing = "length"
    elif framing == "length":
        head.append(f"Content-Length: {len(body)}")
    elif framing == "chunked":
        head.append("Transfer-Encoding: chunked")
        sizes = draw(st.lists(st.integers(1, 700), max_size=8))
        parts, rest = [], body
        for size in sizes:
            if rest:
                parts.append(rest[:size])
                rest = rest[size:]
        if rest:
            parts.append(rest)
        body = b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in parts) + b"0\r\n\r\n"
    else:
        head.append("Connection: close")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body, framing == "eof"


def _h11_read(raw: bytes) -> tuple[int, bytes, list[tuple[bytes, bytes]], bytes]:
    conn = h11.Connection(h11.CLIENT)
    conn.send(h11.Request(method="GET", target="/", headers=[("Host", "x")]))
    conn.send(h11.EndOfMessage())
    conn.receive_data(raw)
    conn.receive_data(b"")
    status, reason, headers, body = 0, b"", [], b""
    while True:
        event = conn.next_event()
        if isinstance(event, h11.Response):
            status, reason = event.status_code, event.reason
            headers = [(bytes(n), bytes(v)) for n, v in event.headers.raw_items()]
        elif isinstance(event, h11.Data):
            body += bytes(event.data)
        elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed) or event is h11.PAUSED:
            return status, reason, headers, body


@settings(max_examples=150, deadline=None)
@given(responses(), st.lists(st.integers(1, 400), max_size=12))
def test_responses_read_as_h11_reads_them(case: tuple[bytes, bool], cuts: list[int]) -> None:
    raw, eof = case
    status, reason, headers, body = _h11_read(raw)

    async def go() -> Response:
        conn = _Conn(_Dummy(), ("http", "x", 80))  # type: ignore[arg-type]
        conn.connection_made(_Transport())
        waiter = conn.start("GET", b"GET / HTTP/1.1\r\n\r\n", 1 << 20)
        pos = 0
        for cut in cuts:
            if pos >= len(raw):
                break
            conn.data_received(raw[pos : pos + cut])
            pos += cut
        if pos < len(raw):
            conn.data_received(raw[pos:])
        if eof:
            conn.connection_lost(None)
        return await waiter

    resp = asyncio.run(go())
    assert (resp.status, resp.reason.encode("latin-1"), resp.body) == (status, reason, body)
    assert [(n.encode("latin-1"), v.encode("latin-1")) for n, v in resp.headers] == headers
    assert not resp.truncated


class _Dummy:
    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()

    def _lost(self, conn: object) -> None:
        pass


# -- against servers ---------------------------------------------------------------------------


def test_body_framings_head_and_interim_answers() -> None:
    answers = {
        b"/chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
        b"/head": b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nX-Robots-Tag: noai\r\n\r\n",
        b"/hints": b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    }

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await _read_head(reader)
                path = head.split(b" ")[1]
                if path == b"/eof":
                    writer.write(b"HTTP/1.0 200 OK\r\n\r\nto the end")
                    await writer.drain()
                    break
                writer.write(answers[path])
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    async def go() -> None:
        server = await _serve(handler)
        base = f"http://site.test:{_port(server)}"
        connector = Connector(resolver=_Loopback())
        chunked = await _get(connector, base + "/chunked")
        assert chunked.body == b"abcde" and not chunked.truncated
        head = await _get(connector, base + "/head", method="HEAD")
        assert head.status == 200 and head.body == b"" and ("X-Robots-Tag", "noai") in head.headers
        hints = await _get(connector, base + "/hints")
        assert (hints.status, hints.body) == (200, b"ok")
        eof = await _get(connector, base + "/eof")
        assert (eof.version, eof.body, eof.truncated) == ("1.0", b"to the end", False)
        await connector.close()
        await _stop(server)

    asyncio.run(go())


def test_cap_cuts_the_body_and_drops_the_connection() -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 100000

    async def go() -> None:
        server = await _serve(_canned(raw))
        connector = Connector(resolver=_Loopback())
        resp = await _get(connector, f"http://a.test:{_port(server)}/", cap=1000)
        assert resp.truncated and resp.body == b"x" * 1000
        assert not connector._idle  # unread bytes: never reused
        await connector.close()
        await _stop(server)

    asyncio.run(go())


def test_body_cut_short_by_the_server() -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this"

    async def go() -> None:
        server = await _serve(_canned(raw, close=True))
        connector = Connector(resolver=_Loopback())
        resp = await _get(connector, f"http://a.test:{_port(server)}/")
        assert resp.truncated and resp.body == b"only this" and "cut short" in resp.detail
        await connector.close()
        await _stop(server)

    asyncio.run(go())


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"HTTP/1.1 200 OK\r\nX: " + b"a" * 70000 + b"\r\n\r\n", "head over"),
        (b"HTTP/1.1 200 OK\r\n" + b"X: y\r\n" * 300 + b"\r\n", "more than 256"),
        (b"SSH-2.0-OpenSSH\r\n\r\n", "invalid HTTP response"),
    ],
)
def test_hostile_heads_are_refused(raw: bytes, why: str) -> None:
    async def go() -> None:
        server = await _serve(_canned(raw))
        connector = Connector(resolver=_Loopback())
        with pytest.raises(ProtocolFailure, match=why):
            await _get(connector, f"http://a.test:{_port(server)}/")
        await connector.close()
        await _stop(server)

    asyncio.run(go())


def test_keep_alive_reuse_and_a_stale_connection() -> None:
    accepted: list[int] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(1)
        try:
            await _read_head(reader)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1")
            await writer.drain()
            if len(accepted) == 1:
                await _read_head(reader)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()  # then close a connection the client keeps as idle

    async def go() -> None:
        server = await _serve(handler)
        url = f"http://a.test:{_port(server)}/"
        connector = Connector(resolver=_Loopback())
        assert (await _get(connector, url)).body == b"1"
        assert (await _get(connector, url)).body == b"2"
        assert len(accepted) == 1  # the second request reused the connection
        await asyncio.sleep(0.05)  # the server has closed it
        assert (await _get(connector, url)).body == b"1"  # reconnected, nothing reported
        assert len(accepted) == 2
        await connector.close()
        await _stop(server)

    asyncio.run(go())


def test_timeout_and_the_connection_limit() -> None:
    async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_head(reader)
        await asyncio.sleep(0.3)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    async def go() -> None:
        server = await _serve(slow)
        port = _port(server)
        connector = Connector(resolver=_Loopback(), limit=2)
        with pytest.raises(TimeoutError, match="response head"):
            await _get(connector, f"http://t.test:{port}/", timeout=0.1)
        results = await asyncio.gather(
            *(_get(connector, f"http://h{i}.test:{port}/") for i in range(6))
        )
        assert [r.status for r in results] == [200] * 6
        assert len(connector._open) <= 2
        await connector.close()
        await _stop(server)

    asyncio.run(go())


def test_the_guard_sees_the_exact_address_and_the_peer() -> None:
    hits: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            hits.append(await _read_head(reader))
        except asyncio.IncompleteReadError:
            pass
        writer.close()

    async def go() -> None:
        server = await _serve(handler)
        port = _port(server)
        seen: list[tuple[Any, ...]] = []

        def factory(info: tuple[Any, ...]) -> socket.socket:
            seen.append(info[4])
            return socket.socket(info[0], info[1], info[2])

        refuse = Connector(resolver=_Loopback(), socket_factory=factory, peer_check=lambda a: "x")
        with pytest.raises(PermissionError, match="connected peer x"):
            await _get(refuse, f"http://name.test:{port}/")
        with pytest.raises(PermissionError):
            await _get(refuse, f"http://127.0.0.1:{port}/")
        await refuse.close()
        assert seen == [("127.0.0.1", port), ("127.0.0.1", port)]
        await asyncio.sleep(0.05)
        assert hits == []  # refused after connecting, before a byte was sent
        with pytest.raises(ValueError, match="non-canonical"):
            await _get(Connector(resolver=_Loopback()), f"http://2130706433:{port}/")
        await _stop(server)

    asyncio.run(go())


# -- TLS ---------------------------------------------------------------------------------------


def _certificate(tmp: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "site.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("site.test"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_https_verifies_the_certificate(tmp_path: Path) -> None:
    cert, key = _certificate(tmp_path)
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    trusting = ssl.create_default_context(cafile=str(cert))

    async def go() -> None:
        server = await _serve(
            _canned(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nsec"), server_ctx
        )
        port = _port(server)
        good = Connector(resolver=_Loopback(), ssl_context=trusting)
        resp = await _get(good, f"https://site.test:{port}/")
        assert (resp.status, resp.body, resp.peer) == (200, b"sec", "127.0.0.1")
        with pytest.raises(ssl.SSLCertVerificationError):
            await _get(good, f"https://other.test:{port}/")  # name not in the certificate
        await good.close()
        default = Connector(resolver=_Loopback())  # the system's trust store: not our CA
        with pytest.raises(ssl.SSLCertVerificationError):
            await _get(default, f"https://site.test:{port}/")
        await default.close()
        await _stop(server)

    asyncio.run(go())


@pytest.mark.parametrize("fast", [True, False])
def test_both_ways_of_connecting(fast: bool) -> None:
    # loopback handshakes finish inside connect(): the usual path for remote peers (waiting on
    # the event loop for the handshake) is taken when fast_connect is off
    async def go() -> None:
        server = await _serve(_canned(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        unused = int(closed.getsockname()[1])
        closed.close()
        connector = Connector(resolver=_Loopback())
        connector.fast_connect = fast
        assert (await _get(connector, f"http://a.test:{_port(server)}/")).body == b"ok"
        with pytest.raises(ConnectionRefusedError):
            await _get(connector, f"http://a.test:{unused}/")
        await connector.close()
        await _stop(server)

    asyncio.run(go())
