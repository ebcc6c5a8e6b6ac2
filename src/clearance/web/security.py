# SPDX-License-Identifier: Apache-2.0
"""Security of the web layer: CSRF tokens, per-client rate limits, headers, a quiet access log.

- **CSRF** (signed double-submit, OWASP's recommended stateless pattern): every visitor gets
  a random ``clearance_csrf`` cookie (HttpOnly, SameSite=Strict, Secure); every form carries
  HMAC-SHA256(server secret, cookie) and a state-changing request is refused (403) unless the
  field (or the ``X-CSRF-Token`` header) matches and any ``Origin`` header is our own.
  Requests authenticated by an API token (``Authorization: Bearer``) carry no cookie and need
  no CSRF token.
- **Rate limits**: a sliding window per client address and action (429 with Retry-After).
- **Headers**: a strict Content-Security-Policy (scripts and styles from our origin only),
  no framing, no referrer (status links hold secrets), no sniffing; ``no-store`` on pages
  that are not static files.
- **Access log**: method, route template (``/opt-out/status/{ticket}``, never the path with
  its secret), status and time; no query string, cookie or header is logged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "RateLimiter",
    "SecurityMiddleware",
    "csrf_token",
    "csrf_valid",
    "load_secret",
    "same",
    "sign",
]

access_log = logging.getLogger("clearance.web.access")

CSRF_COOKIE: Final = "clearance_csrf"
SESSION_COOKIE: Final = "clearance_session"
CSRF_FIELD: Final = "csrf_token"
CSRF_HEADER: Final = "x-csrf-token"
CSP: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS: Final[tuple[tuple[bytes, bytes], ...]] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)


def load_secret(path: Path) -> bytes:
    """Return the server secret kept at ``path``, creating it (mode 0600) on first use."""
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    data = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return data


def sign(secret: bytes, purpose: str, value: str) -> str:
    """Return a URL-safe HMAC-SHA256 of ``value`` for one purpose (128 bits shown)."""
    data = f"{purpose}\0{value}".encode("utf-8", "surrogatepass")
    mac = hmac.new(secret, data, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:16]).decode().rstrip("=")


def csrf_token(secret: bytes, cookie: str) -> str:
    """Return the form token that goes with a CSRF cookie value."""
    return sign(secret, "csrf", cookie)


def csrf_valid(secret: bytes, cookie: str | None, token: str | None) -> bool:
    """Return True when ``token`` was made for ``cookie`` by this server."""
    if not cookie or not token:
        return False
    return same(csrf_token(secret, cookie), token)


def same(expected: str, given: str) -> bool:
    """Compare two texts in constant time (any characters, as bytes)."""
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "surrogatepass"))


class RateLimiter:
    """Sliding-window limits: at most ``limit`` events per ``window`` seconds per key."""

    def __init__(
        self, limits: dict[str, tuple[int, float]], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = dict(limits)
        self.clock = clock
        self._seen: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, action: str, client: str) -> float | None:
        """Count one event; return None when allowed, else seconds until one is allowed."""
        if action not in self.limits:
            return None
        limit, window = self.limits[action]
        now = self.clock()
        with self._lock:
            if len(self._seen) > 100_000:  # bound memory under a flood of addresses
                self._seen.clear()
            times = self._seen.setdefault((action, client), deque())
            while times and times[0] <= now - window:
                times.popleft()
            if len(times) >= limit:
                return max(0.0, times[0] + window - now)
            times.append(now)
            return None


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name and v:
                    return str(v)
    return None


class SecurityMiddleware:
    """Adds the security headers, hands out the CSRF cookie and writes the access log."""

    def __init__(self, app: ASGIApp, *, secure_cookies: bool = True) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        cookie = _cookie(scope, CSRF_COOKIE)
        fresh = cookie is None or len(cookie) < 32
        if fresh:
            cookie = secrets.token_urlsafe(32)
        state: dict[str, Any] = scope.setdefault("state", {})
        state["csrf_cookie"] = cookie
        path: str = scope.get("path", "")
        status_code = [0]
        https = scope.get("scheme") == "https"

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_code[0] = int(message["status"])
                headers = [h for h in message.get("headers", [])]
                names = {k.lower() for k, _ in headers}
                headers += [h for h in HEADERS if h[0] not in names]
                if https:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                if not path.startswith("/static/") and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                if fresh:
                    flags = "; HttpOnly; SameSite=Strict; Path=/"
                    if self.secure_cookies:
                        flags += "; Secure"
                    headers.append((b"set-cookie", f"{CSRF_COOKIE}={cookie}{flags}".encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, wrapped)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or ("/static/*" if path.startswith(
                "/static/") else "(no route)")
            access_log.info(
                "%s %s %d %.1fms", scope.get("method", "-"), template, status_code[0],
                (time.perf_counter() - started) * 1000,
            )  # fmt: skip
