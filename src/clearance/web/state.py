# SPDX-License-Identifier: Apache-2.0
"""What every request handler shares: scans, users, the ledger, templates; auth dependencies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from fastapi.templating import Jinja2Templates

from clearance.decide.takedown import TakedownLedger
from clearance.web.consent import ConsentBackend
from clearance.web.scanfolder import ScanFolder
from clearance.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    RateLimiter,
    csrf_token,
    csrf_valid,
)
from clearance.web.settings import WebSettings
from clearance.web.users import User, UserStore

__all__ = [
    "NeedsLogin",
    "WebState",
    "check_csrf",
    "current_user",
    "rate_limit",
    "require",
    "scan_of",
    "state_of",
]


@dataclass
class WebState:
    """The app's shared state (``app.state.web``)."""

    settings: WebSettings
    scans: list[ScanFolder]
    users: UserStore
    secret: bytes
    limiter: RateLimiter
    templates: Jinja2Templates
    consent: ConsentBackend | None
    one_time: dict[str, str]  # sign-in link token -> user name (used once)

    @contextmanager
    def ledger(self) -> Iterator[TakedownLedger]:
        """Open the takedown ledger for one request (sqlite connections stay in a thread)."""
        ledger = TakedownLedger(self.settings.ledger)
        try:
            yield ledger
        finally:
            ledger.close()

    def scan(self, sid: str) -> ScanFolder:
        """Return the scan with URL id ``sid`` (404 when there is none)."""
        for scan in self.scans:
            if scan.sid == sid:
                return scan
        raise HTTPException(status_code=404, detail=f"no scan {sid!r}")


class NeedsLogin(Exception):
    """Raised by page dependencies when nobody is signed in (becomes a redirect to /login)."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def state_of(request: Request) -> WebState:
    """Return the shared state."""
    state: WebState = request.app.state.web
    return state


def scan_of(request: Request, sid: str) -> ScanFolder:
    """Return a scan by id."""
    return state_of(request).scan(sid)


def current_user(request: Request) -> User | None:
    """Return the signed-in user (session cookie) or the API token's owner, else None."""
    cached: User | None | bool = getattr(request.state, "user", False)
    if cached is not False:
        return cached if isinstance(cached, User) else None
    web = state_of(request)
    user: User | None = None
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        user = web.users.token_user(auth[7:].strip())
        if user is None:
            raise HTTPException(status_code=401, detail="unknown API token",
                                headers={"WWW-Authenticate": "Bearer"})  # fmt: skip
    else:
        sid = request.cookies.get(SESSION_COOKIE)
        if sid:
            user = web.users.session_user(sid)
    request.state.user = user
    return user


def require(role: str) -> Callable[[Request], User]:
    """Return a dependency that admits users of at least ``role``.

    Pages redirect an anonymous visitor to /login; the API answers 401. A signed-in user
    without the role gets 403.
    """

    def dependency(request: Request) -> User:
        user = current_user(request)
        if user is None:
            if request.url.path.startswith("/api/"):
                raise HTTPException(status_code=401, detail="sign in or send an API token",
                                    headers={"WWW-Authenticate": "Bearer"})  # fmt: skip
            raise NeedsLogin(request.url.path)
        if not user.can(role):
            raise HTTPException(status_code=403, detail=f"this needs the {role} role")
        return user

    return dependency


def page_token(request: Request) -> str:
    """Return the CSRF token for forms on this response."""
    return csrf_token(state_of(request).secret, str(request.state.csrf_cookie))


def check_csrf(request: Request, form: dict[str, Any] | None = None) -> None:
    """Refuse (403) a state-changing request without a valid CSRF token or from another origin.

    Requests authenticated by an API token are exempt (no cookie is involved).
    """
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    origin = request.headers.get("origin")
    if origin and origin != "null":
        own = f"{request.url.scheme}://{request.url.netloc}"
        if origin != own:
            raise HTTPException(status_code=403, detail="cross-origin request refused")
    token = (form or {}).get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    cookie = request.cookies.get("clearance_csrf")
    if not csrf_valid(state_of(request).secret, cookie, str(token) if token else None):
        raise HTTPException(status_code=403, detail="missing or invalid CSRF token; reload "
                            "the page and submit the form again")  # fmt: skip


def client_of(request: Request) -> str:
    """Return the client address rate limits count against."""
    return request.client.host if request.client else "unknown"


def rate_limit(request: Request, action: str) -> None:
    """Count one ``action`` for the client; 429 with Retry-After when over the limit."""
    wait = state_of(request).limiter.hit(action, client_of(request))
    if wait is not None:
        raise HTTPException(
            status_code=429,
            detail=f"too many requests; try again in {int(wait) + 1} s",
            headers={"Retry-After": str(int(wait) + 1)},
        )


def template_globals(request: Request) -> dict[str, Any]:
    """Return what every template reads: user, CSRF token, scans, title."""
    web = state_of(request)
    return {
        "request": request,
        "user": current_user(request),
        "csrf_token": page_token(request),
        "csrf_field": CSRF_FIELD,
        "scans": web.scans,
        "site_title": web.settings.site_title,
        "static_site": False,
    }


def ledger_path(request: Request) -> Path:
    """Return the takedown ledger's path."""
    return state_of(request).settings.ledger
