# SPDX-License-Identifier: Apache-2.0
"""Pages for counsel (takedown requests, consent export) and admins (users, API tokens)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from clearance.decide.takedown import STATUSES
from clearance.web.consent import pseudonym
from clearance.web.pages import render
from clearance.web.public import make_ticket
from clearance.web.state import WebState, check_csrf, require, state_of
from clearance.web.users import ROLES, User

__all__ = ["consent_user", "router", "takedown_list"]

router = APIRouter(include_in_schema=False)
Counsel = Annotated[User, Depends(require("counsel"))]
Admin = Annotated[User, Depends(require("admin"))]


def takedown_list(web: WebState, status: str | None) -> list[dict[str, Any]]:
    """Return the ledger's requests (optionally of one status), newest first."""
    with web.ledger() as ledger:
        rows = ledger.requests(status or None)
    return [
        {"request_id": r.request_id, "type": r.type, "kind": r.kind, "value": r.value,
         "status": r.status, "received_at": r.received_at, "updated_at": r.updated_at,
         "requester": r.requester, "contact": r.contact, "reason": r.reason,
         "reference": r.reference,
         "status_link": f"/opt-out/status/{make_ticket(web.secret, 'status', r.request_id)}"}
        for r in reversed(rows)
    ]  # fmt: skip


@router.get("/admin/takedowns", response_class=HTMLResponse)
def takedowns(request: Request, user: Counsel,
              status: Annotated[str | None, Query(max_length=20)] = None) -> Response:  # fmt: skip
    """Every request with its status; counsel moves them on."""
    web = state_of(request)
    return render(request, "takedowns.html", rows=takedown_list(web, status),
                  statuses=STATUSES, chosen=status, error=None)  # fmt: skip


@router.post("/admin/takedowns/status")
async def takedown_status(request: Request, user: Counsel) -> Response:
    """Move one request to a new status through the ledger (its rules decide what may move)."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    check_csrf(request, form)
    web = state_of(request)
    with web.ledger() as ledger:
        note = form.get("note", "").strip()[:500]
        ledger.set_status(form.get("request_id", ""), form.get("status", ""),
                          note=f"{note} (by {user.name}, web)" if note else "",
                          override=form.get("override") == "on")
    return RedirectResponse("/admin/takedowns", status_code=303)


@router.get("/admin/consent")
def consent_export(request: Request, user: Counsel,
                   who: Annotated[str, Query(alias="user", min_length=3, max_length=254)]
                   ) -> Response:  # fmt: skip
    """Export one user's consent records as JSON (counsel)."""
    web = state_of(request)
    if web.consent is None:
        return JSONResponse({"detail": "no consent store"}, status_code=503)
    return JSONResponse(web.consent.export(consent_user(web.secret, who)))


def consent_user(secret: bytes, who: str) -> str:
    """Return the store's user id for an email address (its pseudonym) or an id as given."""
    return pseudonym(secret, who) if "@" in who else who.strip()


@router.get("/admin/users", response_class=HTMLResponse)
def users(request: Request, user: Admin) -> Response:
    """Users and API tokens."""
    web = state_of(request)
    return render(request, "users.html", users=web.users.users(), tokens=web.users.tokens(),
                  roles=ROLES, new_token=None, error=None)  # fmt: skip


@router.post("/admin/users", response_class=HTMLResponse)
async def users_change(request: Request, user: Admin) -> Response:
    """Add a user, issue or revoke a token, change a role, remove a user."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    check_csrf(request, form)
    web = state_of(request)
    action, name = form.get("action", ""), form.get("name", "")
    new_token = None
    if action == "add":
        web.users.add(name, form.get("role", "viewer"), form.get("password") or None)
    elif action == "token":
        new_token = web.users.issue_token(name, form.get("label", ""))
    elif action == "revoke":
        web.users.revoke_token(form.get("token_id", ""))
    elif action == "role":
        web.users.set_role(name, form.get("role", ""))
    elif action == "remove" and name != user.name:
        web.users.remove(name)
    return render(request, "users.html", users=web.users.users(), tokens=web.users.tokens(),
                  roles=ROLES, new_token=new_token, error=None)  # fmt: skip
