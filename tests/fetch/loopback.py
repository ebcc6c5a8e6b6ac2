# SPDX-License-Identifier: Apache-2.0
"""A loopback HTTP/1.1 server, in its own process, that answers for any number of hostnames.

The behaviour of a host is chosen by its name, so tests and the benchmark can ask for a mix:
``<variant>.v.loop.test`` picks a variant by name and ``h000123.loop.test`` picks one from a
weighted, deterministic table. Nothing here is imported by the library; tests map the names to
127.0.0.1 with a static resolver. The server stops by itself when its parent dies or its
lifetime ends.
"""

from __future__ import annotations

import asyncio
import gzip
import os
import subprocess
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROBOTS: dict[str, bytes] = {
    "plain": b"User-agent: *\nDisallow: /private/\nSitemap: /sitemap.xml\n",
    "ai-block": (
        b"User-agent: GPTBot\nDisallow: /\n\nUser-agent: CCBot\nDisallow: /\n\n"
        b"User-agent: Google-Extended\nDisallow: /\n\nUser-agent: ClaudeBot\nDisallow: /\n\n"
        b"User-agent: *\nAllow: /\n"
    ),
    "signals": (
        b"User-agent: *\nContent-Signal: search=yes, ai-train=no\n"
        b"Content-Usage: train-ai=n\nAllow: /\n"
    ),
    "crawl-delay": b"User-agent: *\nCrawl-delay: 1\nDisallow: /tmp/\n",
    "no-home": b"User-agent: clearance\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
}
HOME = (
    b'<!doctype html><html><head><title>Home | Loop Gazette</title>'
    b'<meta property="og:type" content="website"><script type="application/ld+json">'
    b'{"@type": "NewsMediaOrganization", "name": "Loop Gazette"}</script></head></html>'
)
TDMREP = b'[{"location": "/", "tdm-reservation": 1, "tdm-policy": "/policy.json"}]'
AI_TXT = b"# Spawning AI\nUser-Agent: *\nDisallow: *.jpg\nDisallow: *.png\n"
RSL = (
    b'<rsl xmlns="https://rslstandard.org/rsl"><content url="/"><license>'
    b'<prohibits type="usage">ai-train</prohibits></license></content></rsl>'
)

# name -> weight in the numbered-host mix (sums to 100)
MIX: tuple[tuple[str, int], ...] = (
    ("plain", 30),
    ("ai-block", 20),
    ("signals", 8),
    ("rsl", 6),
    ("etag", 4),
    ("404", 8),
    ("5xx", 4),
    ("429", 1),
    ("slow", 1),
    ("redirect-ok", 4),
    ("redirect-loop", 2),
    ("big", 2),
    ("bomb", 2),
    ("reset", 2),
    ("private-redirect", 2),
    ("crawl-delay", 1),
    ("gzip", 3),
)
_TABLE = [name for name, weight in MIX for _ in range(weight)]
SLOW_SECONDS = 3.0
BIG_BYTES = 1024 * 1024
BOMB_BYTES = 64 * 1024 * 1024


def variant_of(host: str) -> str:
    """Return the behaviour variant a host name selects."""
    host = host.split(":", 1)[0].lower()
    labels = host.split(".")
    if len(labels) >= 2 and labels[1] == "v":
        return labels[0]
    if labels[0].startswith("h") and labels[0][1:].isdigit():
        return _TABLE[(int(labels[0][1:]) * 37) % len(_TABLE)]
    if labels[0].startswith("www-"):
        return "plain"
    return "plain"


def _bomb() -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1024 * 1024)
    parts = [comp.compress(chunk) for _ in range(BOMB_BYTES // len(chunk))]
    parts.append(comp.flush())
    return b"".join(parts)


class _State:
    def __init__(self) -> None:
        self.bomb = _bomb()
        self.big = (b"User-agent: *\n" + b"Disallow: /x\n" * (BIG_BYTES // 12))[:BIG_BYTES]
        self.hits: dict[str, int] = {}


def _response(status: int, body: bytes, headers: list[tuple[str, str]] | None = None) -> bytes:
    reason = {
        200: "OK",
        301: "Moved",
        302: "Found",
        304: "Not Modified",
        404: "Not Found",
        429: "Too Many Requests",
        503: "Service Unavailable",
    }.get(status, "X")
    lines = [f"HTTP/1.1 {status} {reason}"]
    for name, value in headers or ():
        lines.append(f"{name}: {value}")
    if status != 304:
        lines.append(f"Content-Length: {len(body)}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head + (b"" if status == 304 else body)


def answer(state: _State, host: str, path: str, headers: dict[str, str]) -> tuple[bytes, float]:
    """Return the raw response for one request and how long to wait before sending it."""
    variant = variant_of(host)
    name = host.split(":", 1)[0]
    port = host.split(":", 1)[1] if ":" in host else ""
    text = [("Content-Type", "text/plain")]
    if variant == "echo":
        seen = "".join(f"{k}: {v}\n" for k, v in sorted(headers.items()))
        return _response(200, f"# {path}\n{seen}".encode(), text), 0.0
    if variant == "head405" and path.startswith("/item/"):
        if headers.get(":method") == "HEAD":
            return _response(405, b"", text), 0.0
        return _response(206, b"x", [*text, ("X-Robots-Tag", "noai")]), 0.0
    if variant == "404":
        return _response(404, b"not here", text), 0.0
    if variant == "5xx":
        return _response(503, b"down", text), 0.0
    if variant == "429":
        return _response(429, b"slow down", [*text, ("Retry-After", "0")]), 0.0
    if variant == "reset":
        return b"", 0.0
    if variant == "slow":
        return _response(200, ROBOTS["plain"], text), SLOW_SECONDS
    if path == "/robots.txt":
        if variant == "redirect-ok":
            target = f"http://www-{name}{':' + port if port else ''}/robots.txt"
            return _response(301, b"", [("Location", target)]), 0.0
        if variant == "redirect-loop":
            return _response(302, b"", [("Location", "/loop/1")]), 0.0
        if variant == "private-redirect":
            return _response(302, b"", [("Location", "http://10.1.2.3/robots.txt")]), 0.0
        if variant == "file-redirect":
            return _response(302, b"", [("Location", "file:///etc/passwd")]), 0.0
        if variant == "meta-redirect":
            target = "http://169.254.169.254/latest/meta-data/"
            return _response(302, b"", [("Location", target)]), 0.0
        if variant == "name-redirect":
            target = f"http://db.internal.test{':' + port if port else ''}/robots.txt"
            return _response(302, b"", [("Location", target)]), 0.0
        if variant == "big":
            return _response(200, state.big, text), 0.0
        if variant == "bomb":
            return _response(200, state.bomb, [*text, ("Content-Encoding", "gzip")]), 0.0
        if variant == "gzip":
            body = gzip.compress(ROBOTS["ai-block"], mtime=0)
            return _response(200, body, [*text, ("Content-Encoding", "gzip")]), 0.0
        if variant == "rsl":
            lic = f"License: http://{host}/license.xml\n".encode()
            return _response(200, ROBOTS["plain"] + lic, text), 0.0
        if variant == "rsl-etag":
            lic = f"License: http://{host}/license.xml\n".encode()
            if headers.get("if-none-match") == '"r1"':
                return _response(304, b"", [("ETag", '"r1"')]), 0.0
            return _response(200, ROBOTS["plain"] + lic, [*text, ("ETag", '"r1"')]), 0.0
        if variant == "etag":
            tag = '"v1"'
            if headers.get("if-none-match") == tag:
                return _response(304, b"", [("ETag", tag)]), 0.0
            return _response(200, ROBOTS["ai-block"], [*text, ("ETag", tag)]), 0.0
        return _response(200, ROBOTS.get(variant, ROBOTS["plain"]), text), 0.0
    if path.startswith("/loop/"):
        n = int(path.rsplit("/", 1)[1]) + 1
        return _response(302, b"", [("Location", f"/loop/{n}")]), 0.0
    if path == "/.well-known/tdmrep.json" and variant in ("ai-block", "signals"):
        return _response(200, TDMREP, [("Content-Type", "application/json")]), 0.0
    if path == "/" and variant in ("plain", "ai-block", "no-home", "crawl-delay"):
        return _response(200, HOME, [("Content-Type", "text/html; charset=utf-8")]), 0.0
    if path == "/ai.txt" and variant == "ai-block":
        return _response(200, AI_TXT, text), 0.0
    if path == "/license.xml" and variant in ("rsl", "rsl-etag"):
        return _response(200, RSL, [("Content-Type", "application/rsl+xml")]), 0.0
    if path.startswith("/item/"):
        hdrs = [("Content-Type", "image/jpeg"), ("X-Robots-Tag", "noai")]
        return _response(200, b"\xff\xd8\xff\xe0" + bytes(200_000), hdrs), 0.0
    return _response(404, b"not found", text), 0.0


class _Protocol(asyncio.Protocol):
    def __init__(self, state: _State) -> None:
        self.state = state
        self.buf = b""
        self.transport: asyncio.Transport | None = None
        self.busy = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buf += data
        if not self.busy:
            self._next()

    def _next(self) -> None:
        end = self.buf.find(b"\r\n\r\n")
        if end < 0 or self.transport is None:
            return
        head, self.buf = self.buf[:end].decode("latin-1"), self.buf[end + 4 :]
        lines = head.split("\r\n")
        try:
            method, target, _ = lines[0].split(" ", 2)
        except ValueError:
            self.transport.close()
            return
        hdrs: dict[str, str] = {":method": method}
        for line in lines[1:]:
            key, _, value = line.partition(":")
            hdrs[key.strip().lower()] = value.strip()
        raw, delay = answer(self.state, hdrs.get("host", ""), target.split("?", 1)[0], hdrs)
        if method == "HEAD" and raw:
            raw = raw[: raw.find(b"\r\n\r\n") + 4]
        if not raw:
            self.transport.abort()
            return
        if delay:
            self.busy = True
            asyncio.get_running_loop().call_later(delay, self._send, raw)
        else:
            self._send(raw)

    def _send(self, raw: bytes) -> None:
        self.busy = False
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(raw)
            self._next()

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


async def _serve(lifetime: float) -> None:
    state = _State()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Protocol(state), "127.0.0.1", 0, backlog=4096)
    sys.stdout.write(f"{server.sockets[0].getsockname()[1]}\n")
    sys.stdout.flush()
    parent = os.getppid()
    deadline = loop.time() + lifetime
    while loop.time() < deadline and os.getppid() == parent:
        await asyncio.sleep(0.5)
    server.close()


def main(lifetime: float) -> None:
    """Serve until ``lifetime`` seconds pass or the parent process dies."""
    try:
        import uvloop

        uvloop.run(_serve(lifetime))
    except ImportError:
        asyncio.run(_serve(lifetime))


@contextmanager
def loopback_server(lifetime: float = 600.0) -> Iterator[int]:
    """Start the server in its own process; yield its port; stop it on exit."""
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fetch.loopback", str(lifetime)],
        cwd=root,
        stdout=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.strip():
            raise RuntimeError("loopback server did not start")
        yield int(line)
    finally:
        proc.terminate()
        proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 600.0)
