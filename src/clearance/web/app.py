# SPDX-License-Identifier: Apache-2.0
"""Build the web application: ``create_app(settings)`` returns the FastAPI (ASGI) app.

Pages are rendered on the server with Jinja2; htmx (vendored under ``static/``) swaps the
matrix drill-down and the policy preview in place, and every page works without it.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from clearance import __version__
from clearance.errors import ClearanceError
from clearance.web.consent import ConsentBackend, consent_backend
from clearance.web.scanfolder import open_scans
from clearance.web.security import RateLimiter, SecurityMiddleware, load_secret
from clearance.web.settings import WebSettings
from clearance.web.state import NeedsLogin, WebState, template_globals
from clearance.web.users import UserStore

__all__ = ["create_app", "one_time_link"]

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.filters["num"] = lambda v: "–" if v is None else f"{v:,}" if isinstance(v, int) else v
    env.filters["pct"] = lambda v: "–" if v is None else f"{100 * float(v):.1f}%"
    env.filters["na"] = lambda v: "not available" if v is None or v == "" else v
    return templates


def create_app(
    settings: WebSettings, *, consent: ConsentBackend | None | bool = True
) -> FastAPI:
    """Return the app over ``settings.scans``; raise InputError for a folder that is not a scan.

    ``consent``: True looks for the library's consent store; a backend or None forces one.
    """
    from clearance.web import admin, api, law_pages, pages, public

    scans = open_scans(list(settings.scans))
    state = WebState(
        settings=settings,
        scans=scans,
        users=UserStore(settings.state_dir / "users.sqlite"),
        secret=load_secret(settings.state_dir / "secret.key"),
        limiter=RateLimiter(settings.rate_limits),
        templates=_templates(),
        consent=consent_backend(settings.ledger) if consent is True else consent or None,
        one_time={},
    )
    app = FastAPI(
        title="clearance",
        version=__version__,
        description="Rights clearance for AI training data: scans, law, policies, takedowns. "
        "Everything it reports is a risk assessment, not legal advice.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.web = state
    app.add_middleware(SecurityMiddleware, secure_cookies=settings.secure_cookies)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for module in (api, pages, law_pages, public, admin):
        app.include_router(module.router)

    @app.exception_handler(NeedsLogin)
    async def _login(request: Request, exc: NeedsLogin) -> Response:
        return RedirectResponse(f"/login?next={exc.next_path}", status_code=303)

    @app.exception_handler(ClearanceError)
    async def _clearance(request: Request, exc: ClearanceError) -> Response:
        return _error(request, exc.status, exc.message)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail), dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]
        )
        return _error(request, 422, problems or "invalid request")

    return app


def _error(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    if request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    ):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    web: WebState = request.app.state.web
    context: dict[str, Any] = {**template_globals(request), "status": status, "message": message}
    return web.templates.TemplateResponse(
        request, "error.html", context, status_code=status, headers=headers
    )


def one_time_link(app: FastAPI, user: str) -> str:
    """Return a path that signs ``user`` in once (printed by ``clearance serve``)."""
    token = secrets.token_urlsafe(32)
    state: WebState = app.state.web
    state.one_time[token] = user
    return f"/login/once/{token}"
