# SPDX-License-Identifier: Apache-2.0
"""Pages behind sign-in: the dashboard, a matrix cell's items, an item, its evidence; sign-in."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from clearance.web import views
from clearance.web.evidence import item_refs, render_capture
from clearance.web.security import CSRF_COOKIE, SESSION_COOKIE
from clearance.web.state import (
    check_csrf,
    rate_limit,
    require,
    state_of,
    template_globals,
)
from clearance.web.users import SESSION_HOURS, User

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Viewer = Annotated[User, Depends(require("viewer"))]


def render(request: Request, name: str, **context: Any) -> HTMLResponse:
    """Render a template with the shared globals."""
    web = state_of(request)
    response: HTMLResponse = web.templates.TemplateResponse(
        request, name, {**template_globals(request), **context}
    )
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, user: Viewer) -> Response:
    """The dashboard of the only scan, or the list of scans."""
    web = state_of(request)
    if len(web.scans) == 1:
        return dashboard(request, user, web.scans[0].sid)
    return render(request, "scans.html",
                  boards=[views.dashboard(s) for s in web.scans])  # fmt: skip


@router.get("/scans", response_class=HTMLResponse)
def scans(request: Request, user: Viewer) -> Response:
    """Every scan folder served, with its headline figures."""
    return render(request, "scans.html",
                  boards=[views.dashboard(s) for s in state_of(request).scans])  # fmt: skip


@router.get("/scans/{sid}", response_class=HTMLResponse)
def dashboard(request: Request, user: Viewer, sid: str) -> Response:
    """One scan's dashboard."""
    scan = state_of(request).scan(sid)
    return render(request, "dashboard.html", d=views.dashboard(scan))


@router.get("/scans/{sid}/cells/{category}/{market}", response_class=HTMLResponse)
def cell(
    request: Request,
    user: Viewer,
    sid: str,
    category: str,
    market: str,
    exposure: Annotated[str | None, Query(max_length=20)] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """The items of one matrix cell (a fragment when htmx asks for it)."""
    scan = state_of(request).scan(sid)
    data = scan.cell(category, market, exposure=exposure or None, offset=offset)
    fragment = request.headers.get("hx-request") == "true"
    return render(request, "cell.html" if fragment else "cell_page.html", c=data, scan=scan,
                  d={"scan": sid, "title": scan.title()})  # fmt: skip


@router.get("/scans/{sid}/items/{item_id}", response_class=HTMLResponse)
def item(request: Request, user: Viewer, sid: str, item_id: str) -> Response:
    """One item: facts, exposure per market with reasons and citations, evidence, takedowns."""
    web = state_of(request)
    scan = web.scan(sid)
    with web.ledger() as ledger:
        data = views.item_view(scan, item_id, ledger)
    return render(request, "item.html", i=data, scan=scan)


@router.get("/scans/{sid}/items/{item_id}/evidence/{n}", response_class=HTMLResponse)
def evidence(request: Request, user: Viewer, sid: str, item_id: str, n: int) -> Response:
    """One evidence capture of an item, deciding lines marked."""
    scan = state_of(request).scan(sid)
    found = scan.item(item_id)
    facts = found["facts"]
    refs = item_refs(facts)
    if not 0 <= n < len(refs):
        raise HTTPException(status_code=404, detail=f"item {item_id} has no evidence #{n}")
    agents = [s.split(":", 1)[1] for s in facts.get("reservation_standards") or []
              if isinstance(s, str) and s.startswith("robots.txt:")]  # fmt: skip
    shown = render_capture(scan.path, refs[n], agents=agents, item_url=facts.get("url"),
                           signals=scan.signals_for(facts.get("host")))  # fmt: skip
    return render(request, "evidence.html", e=shown.to_dict(), n=n, item_id=item_id, scan=scan,
                  count=len(refs))  # fmt: skip


# ---- sign-in -------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: Annotated[str, Query(max_length=500)] = "/") -> Response:
    """The sign-in form."""
    return render(request, "login.html", next=_safe_next(next), error=None)


def _safe_next(target: str) -> str:
    """Return ``target`` when it is a path on this site, else ``/`` (no open redirect)."""
    local = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if local and not any(ord(ch) < 32 for ch in target) else "/"


def _signed_in(request: Request, name: str, target: str) -> Response:
    web = state_of(request)
    sid = web.users.open_session(name)
    response = RedirectResponse(_safe_next(target), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, sid, max_age=SESSION_HOURS * 3600, httponly=True, samesite="strict",
        secure=web.settings.secure_cookies, path="/",
    )  # fmt: skip
    # a new CSRF cookie at sign-in: a token planted before cannot be used afterwards
    response.set_cookie(CSRF_COOKIE, secrets.token_urlsafe(32), httponly=True,
                        samesite="strict", secure=web.settings.secure_cookies, path="/")
    return response


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    """Check a password (rate-limited per client) and open a session."""
    form = dict(await request.form())
    check_csrf(request, form)
    rate_limit(request, "login")
    name, password = str(form.get("name") or ""), str(form.get("password") or "")
    target = str(form.get("next") or "/")
    found = state_of(request).users.verify(name, password) if name and password else None
    if found is None:
        response = render(request, "login.html", next=_safe_next(target),
                          error="That name and password do not match.")  # fmt: skip
        response.status_code = 401
        return response
    return _signed_in(request, found.name, target)


@router.get("/login/once/{token}")
def login_once(request: Request, token: str) -> Response:
    """Sign in with the one-time link ``clearance serve`` printed (it works once)."""
    name = state_of(request).one_time.pop(token, None)
    if name is None:
        raise HTTPException(status_code=404, detail="this sign-in link was used or is unknown")
    return _signed_in(request, name, "/")


@router.post("/logout")
async def logout(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
    """End the session."""
    check_csrf(request, {"csrf_token": csrf_token})
    sid = request.cookies.get(SESSION_COOKIE)
    if sid:
        state_of(request).users.close_session(sid)
    response = RedirectResponse("/transparency", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
