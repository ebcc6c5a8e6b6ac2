# SPDX-License-Identifier: Apache-2.0
"""``/api/...``: JSON for everything the pages show, described by the OpenAPI schema at
``/api/openapi.json``. Each endpoint calls the same function as its page.

Authentication: a session cookie (then POSTs need the ``X-CSRF-Token`` header) or
``Authorization: Bearer <token>`` (``clearance users token NAME``). Public endpoints:
health, transparency, consent figures and opt-out status by ticket.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from clearance import __version__
from clearance.decide.takedown import STATUSES
from clearance.law.kb import ENTRY_TYPES, TOPICS, Market
from clearance.law.kb import STATUSES as LAW_STATUSES
from clearance.web import views
from clearance.web.admin import consent_user, takedown_list
from clearance.web.evidence import item_refs, render_capture
from clearance.web.law_pages import (
    law_detail,
    law_entries,
    law_timeline,
    policy_detail,
    policy_list,
)
from clearance.web.policy_preview import preview_policy
from clearance.web.public import consent_data, status_data, web_transparency
from clearance.web.state import check_csrf, rate_limit, require, state_of
from clearance.web.users import User

__all__ = ["router"]

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Bad input (the detail says what)"},
    401: {"description": "Sign in or send an API token"},
    403: {"description": "The role does not allow it, or the CSRF token is missing"},
    404: {"description": "No such scan, item, entry or policy"},
    429: {"description": "Too many requests from this client"},
    503: {"description": "The consent store is not installed"},
}
router = APIRouter(prefix="/api", responses=_ERRORS)
Viewer = Annotated[User, Depends(require("viewer"))]
Counsel = Annotated[User, Depends(require("counsel"))]
MarketQ = Annotated[Market | None, Query()]
TopicQ = Annotated[Literal[TOPICS] | None, Query()]  # type: ignore[valid-type]
StatusQ = Annotated[Literal[LAW_STATUSES] | None, Query()]  # type: ignore[valid-type]
TypeQ = Annotated[Literal[ENTRY_TYPES] | None, Query()]  # type: ignore[valid-type]
Exposure = Literal["low", "medium", "high", "critical", "unknown"]


class Health(BaseModel):
    status: Literal["ok"]
    version: str


class ScanInfo(BaseModel):
    id: str
    title: str
    markets: list[str]
    complete: bool
    summary: bool


class CellItem(BaseModel):
    item_id: str | None
    url: str | None
    market: str | None
    exposure: str | None
    provisional: bool | None
    tier: str | None


class Cell(BaseModel):
    category: str
    market: str
    exposure: str | None
    total: int
    counts: dict[str, int]
    offset: int
    limit: int
    items: list[CellItem]


class PreviewRequest(BaseModel):
    text: str = Field(max_length=262144, description="The draft policy as YAML.")
    scan: str | None = Field(default=None, description="Scan id (default: the first).")


class Preview(BaseModel):
    valid: bool
    error: str | None
    policy: dict[str, Any] | None = None
    items: int | None = None
    changed: int | None = None
    transitions: dict[str, dict[str, int]] | None = None
    counts: dict[str, dict[str, int]] | None = None
    examples: list[dict[str, Any]] | None = None
    missing_columns: list[str] | None = None
    expired_waivers: list[str] | None = None


class Step(BaseModel):
    status: str
    reached: bool


class Status(BaseModel):
    request_id: str
    type: str
    kind: str
    value: str
    status: str
    received_at: str
    updated_at: str
    steps: list[Step]
    history: list[dict[str, str]]
    matches: list[dict[str, Any]]


@router.get("/health", response_model=Health)
def health() -> dict[str, str]:
    """Liveness: the server answers."""
    return {"status": "ok", "version": __version__}


@router.get("/scans", response_model=list[ScanInfo])
def scans(request: Request, user: Viewer) -> list[dict[str, Any]]:
    """The scan folders this server shows."""
    return [{"id": s.sid, "title": s.title(), "markets": s.markets(),
             "complete": s.completion() is not None, "summary": s.summary() is not None}
            for s in state_of(request).scans]  # fmt: skip


def _summary(request: Request, sid: str) -> dict[str, Any]:
    summary = state_of(request).scan(sid).summary()
    if summary is None:
        raise HTTPException(status_code=404, detail=f"scan {sid!r} has no summary.json")
    return summary


@router.get("/summary")
def summary(request: Request, user: Viewer) -> dict[str, Any]:
    """The first scan's summary.json, as written by the scan."""
    return _summary(request, state_of(request).scans[0].sid)


@router.get("/scans/{sid}/summary")
def scan_summary(request: Request, user: Viewer, sid: str) -> dict[str, Any]:
    """One scan's summary.json, as written by the scan."""
    return _summary(request, sid)


@router.get("/scans/{sid}/dashboard")
def dashboard(request: Request, user: Viewer, sid: str) -> dict[str, Any]:
    """What the dashboard shows: counts, tiers, exposure, matrix, top vulnerabilities,
    assumptions and evidence window."""
    return views.dashboard(state_of(request).scan(sid))


@router.get("/scans/{sid}/matrix")
def matrix(request: Request, user: Viewer, sid: str) -> dict[str, Any]:
    """The risk matrix: one row per source category, one cell per market."""
    return views.matrix_grid(state_of(request).scan(sid))


@router.get("/scans/{sid}/cells/{category}/{market}", response_model=Cell)
def cell(
    request: Request, user: Viewer, sid: str, category: str, market: str,
    exposure: Annotated[Exposure | None, Query()] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:  # fmt: skip
    """The items of one matrix cell, highest exposure first."""
    scan = state_of(request).scan(sid)
    return scan.cell(category, market, exposure=exposure, offset=offset, limit=limit)


@router.get("/scans/{sid}/items/{item_id}")
def item(request: Request, user: Viewer, sid: str, item_id: str) -> dict[str, Any]:
    """One item: facts, exposure per market with reasons and citations, evidence, takedowns."""
    web = state_of(request)
    with web.ledger() as ledger:
        return views.item_view(web.scan(sid), item_id, ledger)


@router.get("/scans/{sid}/items/{item_id}/evidence/{n}")
def evidence(request: Request, user: Viewer, sid: str, item_id: str,
             n: Annotated[int, PathParam(ge=0, le=1_000_000)]) -> dict[str, Any]:  # fmt: skip
    """One evidence capture of an item: headers and lines, the deciding ones marked."""
    scan = state_of(request).scan(sid)
    facts = scan.item(item_id)["facts"]
    refs = item_refs(facts)
    if not 0 <= n < len(refs):
        raise HTTPException(status_code=404, detail=f"item {item_id} has no evidence #{n}")
    agents = [s.split(":", 1)[1] for s in facts.get("reservation_standards") or []
              if isinstance(s, str) and s.startswith("robots.txt:")]  # fmt: skip
    return render_capture(scan.path, refs[n], agents=agents, item_url=facts.get("url"),
                          signals=scan.signals_for(facts.get("host"))).to_dict()


@router.get("/law/entries")
def entries(user: Viewer, market: MarketQ = None, topic: TopicQ = None,
            status: StatusQ = None, type: TypeQ = None) -> dict[str, Any]:  # fmt: skip
    """Knowledge-base entries by market, topic, status and type, newest first."""
    return law_entries(market, topic, status, type)


@router.get("/law/entries/{entry_id}")
def entry(user: Viewer, entry_id: str) -> dict[str, Any]:
    """One entry with its sources, related entries and the entries that refer to it."""
    try:
        return law_detail(entry_id)
    except Exception as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None


@router.get("/law/timeline")
def timeline(user: Viewer, market: MarketQ = None, topic: TopicQ = None) -> dict[str, Any]:
    """Dated events of the knowledge base (issued, applies from, applies until)."""
    return law_timeline(market, topic)


@router.get("/policies")
def policies(request: Request, user: Viewer) -> list[dict[str, Any]]:
    """The shipped and saved policies."""
    return policy_list(state_of(request).settings.policies_dir)


@router.get("/policies/{policy_id}")
def policy(request: Request, user: Viewer, policy_id: str) -> dict[str, Any]:
    """One policy: rules, waivers, YAML source, digest."""
    return policy_detail(policy_id, state_of(request).settings.policies_dir)


@router.post("/policies/preview", response_model=Preview)
def preview(request: Request, user: Counsel,
            body: Annotated[PreviewRequest, Body()]) -> dict[str, Any]:  # fmt: skip
    """Validate a draft policy and count the tier changes it would cause on a scan."""
    check_csrf(request)
    rate_limit(request, "preview")
    web = state_of(request)
    return preview_policy(web.scan(body.scan or web.scans[0].sid), body.text)


@router.get("/takedowns")
def takedowns(request: Request, user: Counsel,
              status: Annotated[Literal[STATUSES] | None, Query()] = None  # type: ignore[valid-type]
              ) -> list[dict[str, Any]]:  # fmt: skip
    """The ledger's requests, newest first (counsel)."""
    return takedown_list(state_of(request), status)


@router.get("/transparency")
def transparency(request: Request) -> dict[str, Any]:
    """The public transparency page's content."""
    return web_transparency(state_of(request))


@router.get("/consent")
def consent(request: Request) -> dict[str, Any]:
    """The opt-in licence and aggregate consent figures."""
    return consent_data(state_of(request).consent)


@router.get("/consent/users/{who}")
def consent_records(request: Request, user: Counsel, who: str) -> dict[str, Any]:
    """One user's consent records (counsel)."""
    web = state_of(request)
    if web.consent is None:
        raise HTTPException(status_code=404, detail="no consent store on this installation")
    return web.consent.export(consent_user(web.secret, who))


@router.get("/opt-out/status/{ticket}", response_model=Status)
def opt_out_status(request: Request, ticket: str) -> dict[str, Any]:
    """A request's status by its unguessable ticket (the status link's last part)."""
    return status_data(state_of(request), ticket)
