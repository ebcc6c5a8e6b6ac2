# SPDX-License-Identifier: Apache-2.0
"""IP addresses spelled so that a URL parser sees a name: the guard must see the address.

Regression tests for issue 20, failures 1 and 2: fullwidth, circled, mathematical and
superscript digits, ideographic full stops and numeric forms (``2130706433``, ``0177.0.0.1``,
``127.1``) reached a loopback service, directly, through a redirect and through a robots.txt
``License:`` line. Every server here binds to a loopback address and stops with the test.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yarl import URL

from clearance.errors import BlockedAddressError
from clearance.fetch import AddressGuard, StaticResolver, fetch_host_documents
from clearance.fetch.client import Exchange, Fetcher
from clearance.fetch.wire import Connector
from tests.fetch.helpers import make_config

# -- spellings of an IPv4 address -----------------------------------------------------------

_DIGIT_SETS = {
    "fullwidth": [chr(0xFF10 + d) for d in range(10)],
    "math-bold": [chr(0x1D7CE + d) for d in range(10)],
    "math-double-struck": [chr(0x1D7D8 + d) for d in range(10)],
    "math-monospace": [chr(0x1D7F6 + d) for d in range(10)],
    "circled": ["\u24ea"] + [chr(0x2460 + d - 1) for d in range(1, 10)],
    "superscript": ["\u2070", "\u00b9", "\u00b2", "\u00b3"]
    + [chr(0x2070 + d) for d in range(4, 10)],
    "subscript": [chr(0x2080 + d) for d in range(10)],
}
_DOTS = {"ascii": ".", "ideographic": "\u3002", "fullwidth": "\uff0e", "halfwidth": "\uff61"}


def _digits(text: str, digit_set: str) -> str:
    table = _DIGIT_SETS[digit_set]
    return "".join(table[int(c)] if c.isdigit() else c for c in text)


def unicode_spelling(ip: str, digit_set: str, dot: str) -> str:
    """Return ``ip`` with its digits from ``digit_set`` and its dots replaced by ``dot``."""
    return _DOTS[dot].join(_digits(part, digit_set) for part in ip.split("."))


def numeric_spellings(ip: str) -> list[str]:
    """Return the inet_aton spellings of a dotted quad: integer, octal, hex, short forms."""
    a, b, c, d = (int(x) for x in ip.split("."))
    n = (a << 24) | (b << 16) | (c << 8) | d
    return [
        str(n),
        hex(n),
        ".".join(f"0{int(x):o}" for x in (a, b, c, d)),
        ".".join(hex(int(x)) for x in (a, b, c, d)),
        f"{a}.{(b << 16) | (c << 8) | d}",
        f"{a}.{b}.{(c << 8) | d}",
        f"0{a:o}.{b}.{c}.{d}",
    ]


LOOPBACK_SPELLINGS = [
    "\uff11\uff12\uff17.\uff10.\uff10.\uff11",  # the example: fullwidth digits
    "127\u30020\u30020\u30021",
    "127\uff0e0\uff0e0\uff0e1",
    "127\uff610\uff610\uff611",
    "\u2460\u2461\u2466.\u24ea.\u24ea.\u2460",
    "\u00b9\u00b2\u2077.\u2070.\u2070.\u00b9",
    "\u00b927.0.0.\u00b9",  # Latin-1 superscripts: one byte each in a Location header
    "\U0001d7cf\U0001d7d0\U0001d7d5.0.0.1",
    *numeric_spellings("127.0.0.1"),
    "127.1",
    "0x7f.1",
]


# -- loopback servers -----------------------------------------------------------------------


class _Server:
    """A loopback HTTP server counting the requests that reached it."""

    def __init__(self, address: str, routes: dict[str, tuple[int, dict[str, str], bytes]]):
        server = self
        self.hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits.append(self.path)
                status, headers, body = routes.get(self.path, (200, {}, b"internal secret\n"))
                self.send_response(status)
                for k, v in headers.items():  # raw bytes: Latin-1 where it fits, else UTF-8
                    try:
                        raw = v.encode("latin-1")
                    except UnicodeEncodeError:
                        raw = v.encode()
                    self._headers_buffer.append(f"{k}: ".encode() + raw + b"\r\n")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_HEAD = do_GET

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer((address, 0), Handler)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def victim() -> Iterator[_Server]:
    """The internal service an attacker wants to reach: 127.0.0.1, never allowlisted here."""
    with _Server("127.0.0.1", {}) as server:
        yield server


def _fetch(url: str, config: Any, resolver: Any = None) -> Exchange:
    async def go() -> Exchange:
        async with Fetcher(config, resolver) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(go())


@pytest.mark.parametrize("spelling", LOOPBACK_SPELLINGS)
def test_spelled_loopback_is_refused_before_any_request(spelling: str, victim: _Server) -> None:
    ex = _fetch(f"http://{spelling}:{victim.port}/robots.txt", make_config(allow_networks=()))
    assert ex.outcome == "blocked", (spelling, ex.outcome, ex.error)
    assert victim.hits == []
    assert all(h.status is None for h in ex.hops)


def test_redirect_to_a_spelled_internal_address_is_refused(victim: _Server) -> None:
    # the "public" site is a second loopback address the test allowlists; the internal
    # service is the victim on 127.0.0.1, which is not allowlisted
    targets = [f"http://{s}:{victim.port}/admin" for s in LOOPBACK_SPELLINGS]
    routes = {f"/r{i}": (302, {"Location": t}, b"") for i, t in enumerate(targets)}
    with _Server("127.0.0.2", routes) as site:
        config = make_config(allow_networks=("127.0.0.2/32",))
        for i, target in enumerate(targets):
            ex = _fetch(f"http://127.0.0.2:{site.port}/r{i}", config)
            assert ex.hops[0].status == 302
            assert ex.outcome == "blocked", (target, ex.outcome, ex.error)
    assert victim.hits == []


def test_robots_license_line_to_a_spelled_internal_address_is_refused(
    victim: _Server, tmp_path: Path
) -> None:
    lic = f"http://\uff11\uff12\uff17.\uff10.\uff10.\uff11:{victim.port}/license.xml"
    robots = f"User-agent: *\nDisallow: /private/\nLicense: {lic}\n".encode()
    with _Server("127.0.0.2", {"/robots.txt": (200, {}, robots)}) as site:
        resolver = StaticResolver({"site.test": "127.0.0.2"})
        config = make_config(allow_networks=("127.0.0.2/32",))
        summary = fetch_host_documents(
            [f"http://site.test:{site.port}"], tmp_path, config=config, resolver=resolver
        )
        assert "/robots.txt" in site.hits
    assert victim.hits == []
    assert summary.outcomes.get("blocked", 0) >= 1


def test_public_address_spelled_oddly_is_refused_by_policy() -> None:
    guard = AddressGuard()
    for host in (unicode_spelling("8.8.8.8", "fullwidth", "ascii"), "134744072", "8.8.2056"):
        with pytest.raises(BlockedAddressError, match="non-ASCII|non-canonical"):
            guard.check_url(f"http://{host}/")
    guard.check_url("http://8.8.8.8/")  # the canonical spelling of a public address passes


@pytest.mark.parametrize("host", ["1.2.3.4.5", "999.1.1.1", "0x1g.0.0.1", "1.2.3.0x"])
def test_invalid_numeric_hosts_are_refused(host: str) -> None:
    with pytest.raises(BlockedAddressError):
        AddressGuard().check_url(f"http://{host}/")


def test_socket_factory_refuses_the_exact_address() -> None:
    guard = AddressGuard()
    info = (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 80))
    with pytest.raises(PermissionError, match="loopback"):
        guard.socket_factory(info)
    sock = guard.socket_factory((socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.8.8", 80)))
    sock.close()


# -- differential: the guard's verdict against the address the client would connect to ------


class _SystemLikeResolver:
    """Resolve as the C library does for numeric names; any other name is a public host."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def addresses(self, host: str) -> list[str]:
        self.asked.append(host)
        try:
            infos = socket.getaddrinfo(
                host, 80, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST
            )
            return [str(infos[0][4][0])]
        except (OSError, UnicodeError):
            return ["93.184.215.14"]


async def _client_destinations(urls: list[str]) -> list[str | None]:
    """Return the address the fetcher's client would connect to for each URL (never connecting).

    The client is :class:`clearance.fetch.wire.Connector`, the one the fetcher uses, with a
    resolver that answers as the C library would and a socket factory that records the exact
    ``sockaddr`` and refuses it: no guard, so this is where the URL alone leads.
    """
    seen: list[str] = []

    def record(addr_info: tuple[Any, ...]) -> socket.socket:
        seen.append(str(addr_info[4][0]))
        raise ConnectionRefusedError("recorded, not connected")

    connector = Connector(resolver=_SystemLikeResolver(), socket_factory=record)
    out: list[str | None] = []
    for u in urls:
        before = len(seen)
        try:
            await connector.request("GET", URL(u), [], cap=100, timeout=5.0, connect_timeout=5.0)
        except (ValueError, OSError):
            pass
        out.append(seen[before] if len(seen) > before else None)
    await connector.close()
    return out


def _guard_verdict(guard: AddressGuard, url: str) -> str | None:
    """Return why the fetcher's guard refuses ``url`` (URL check, then resolution)."""
    from clearance.fetch.guard import ip_literal

    try:
        guard.check_url(url)
    except BlockedAddressError as exc:
        return exc.reason
    host = URL(url).raw_host or ""
    literal = ip_literal(host.rstrip(".").lower())
    if literal is not None:
        return guard.refusal(str(literal[0]))
    resolved = asyncio.run(_SystemLikeResolver().addresses(host))[0]
    return guard.refusal(resolved)


_ADDRESSES = st.sampled_from(
    [
        "127.0.0.1",
        "10.0.0.5",
        "169.254.169.254",
        "192.168.1.1",
        "0.0.0.0",
        "100.64.0.1",
        "8.8.8.8",
        "93.184.215.14",
        "1.1.1.1",
    ]
)


@st.composite
def lookalike_urls(draw: st.DrawFn) -> str:
    ip = draw(_ADDRESSES)
    form = draw(st.sampled_from(["unicode", "numeric", "plain", "trailing-dot", "mixed"]))
    if form == "unicode":
        host = unicode_spelling(
            ip, draw(st.sampled_from(sorted(_DIGIT_SETS))), draw(st.sampled_from(sorted(_DOTS)))
        )
    elif form == "numeric":
        host = draw(st.sampled_from(numeric_spellings(ip)))
    elif form == "trailing-dot":
        host = ip + "."
    elif form == "mixed":
        parts = ip.split(".")
        i = draw(st.integers(0, 3))
        parts[i] = _digits(parts[i], draw(st.sampled_from(sorted(_DIGIT_SETS))))
        host = draw(st.sampled_from(sorted(_DOTS.values()))).join(parts)
    else:
        host = ip
    port = draw(st.sampled_from(["", ":80", ":8080"]))
    user = draw(st.sampled_from(["", "u@", "u:p@"]))
    return f"http://{user}{host}{port}/x"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(lookalike_urls(), min_size=1, max_size=25))
def test_guard_agrees_with_the_clients_destination(urls: list[str]) -> None:
    guard = AddressGuard()
    destinations = asyncio.run(_client_destinations(urls))
    for url, dest in zip(urls, destinations, strict=True):
        verdict = _guard_verdict(guard, url)
        if dest is not None and guard.refusal(dest) is not None:
            assert verdict is not None, (
                f"{url!r} connects to refused {dest} but the guard allows it"
            )
        if verdict is not None and dest is not None and guard.refusal(dest) is None:
            # stricter than the destination only by the documented spelling policy
            assert (
                "non-ASCII" in verdict or "non-canonical" in verdict or "invalid numeric" in verdict
            )


def test_live_scan_of_a_manifest_with_spelled_loopback_urls_fetches_nothing(
    victim: _Server, tmp_path: Path
) -> None:
    # the end-to-end path the issue found open: `clearance scan --live` on such a manifest
    from typer.testing import CliRunner

    from clearance.cli import app

    rows = [f"http://{s}:{victim.port}/doc{i}.html" for i, s in enumerate(LOOPBACK_SPELLINGS[:8])]
    manifest = tmp_path / "m.csv"
    manifest.write_text("url\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "scan",
            str(manifest),
            "--live",
            "--out",
            str(tmp_path / "out"),
            "--markets",
            "us",
            "--no-reports",
            "--json",
        ],
    )
    assert result.exit_code in (0, 3), result.output
    assert victim.hits == []
