# SPDX-License-Identifier: Apache-2.0
"""Public pages (no sign-in): transparency, the opt-out and takedown portal, status pages by
unguessable link, and the opt-in consent pages.

A status link is ``/opt-out/status/<request id>.<HMAC of the id>``: only this server can make
one, so knowing or guessing a request id shows nothing. Consent receipts work the same way.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Final

from fastapi import APIRouter, HTTPException, Request
from fastapi.params import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from clearance.decide.takedown import IN_FORCE, KINDS, TakedownLedger
from clearance.errors import TakedownError
from clearance.web.consent import ConsentBackend, pseudonym
from clearance.web.pages import render
from clearance.web.scanfolder import ScanFolder
from clearance.web.security import same, sign
from clearance.web.state import WebState, check_csrf, rate_limit, state_of
from clearance.web.views import dashboard, takedown_figures

__all__ = [
    "KIND_LABELS",
    "STEPS",
    "consent_data",
    "make_ticket",
    "read_ticket",
    "router",
    "status_data",
    "submit_opt_out",
    "transparency_data",
    "web_transparency",
]

router = APIRouter(include_in_schema=False)
Ticket = Annotated[str, PathParam(min_length=10, max_length=300)]

#: The steps a request goes through (withdrawn ends it at any point).
STEPS: Final = IN_FORCE
KIND_LABELS: Final = {
    "url": "One URL (a page or file)",
    "url_prefix": "Every URL under a prefix",
    "domain": "A whole domain and its subdomains",
    "sha256": "A file by its SHA-256 content hash",
    "creator": "Every work by a creator (name as published)",
}
_EMAIL = re.compile(r"^[^@\s<>\"]{1,64}@[^@\s<>\"]{1,253}\.[^@\s<>\".]{2,63}$")
_LIMITS: Final = {"value": 2000, "name": 200, "email": 254, "authority": 2000}


def make_ticket(secret: bytes, purpose: str, ident: str) -> str:
    """Return ``ident.MAC``: the unguessable part of a status or receipt link."""
    return f"{ident}.{sign(secret, purpose, ident)}"


def read_ticket(secret: bytes, purpose: str, ticket: str) -> str:
    """Return the id a ticket was made for; 404 (not 403: nothing to learn) when forged."""
    ident, _, mac = ticket.rpartition(".")
    if not ident or not same(sign(secret, purpose, ident), mac):
        raise HTTPException(status_code=404, detail="no such status page")
    return ident


# ---- transparency --------------------------------------------------------------------------


def transparency_data(
    scans: list[ScanFolder], ledger_path: Path, consent: ConsentBackend | None,
    portal_url: str | None = None,
) -> dict[str, Any]:
    """Return what the public transparency page says (the first scan is the one published)."""
    scan = scans[0]
    board = dashboard(scan)
    disclosed = scan.disclosures()
    missing: list[str] = []
    trained: dict[str, Any] | None = None
    if disclosed is not None:
        record: dict[str, Any] = disclosed["record"]
        raw = record.get("digest")
        digest: dict[str, Any] = raw if isinstance(raw, dict) else {}
        raw = digest.get("domains")
        ranking: dict[str, Any] = raw if isinstance(raw, dict) else {}
        trained = {
            "model": record.get("model"),
            "created": record.get("created"),
            "items": digest.get("items"),
            "bytes": digest.get("bytes"),
            "tiers_used": digest.get("tiers_used"),
            "channels": [{"name": g.get("key"), "items": g.get("items")}
                         for g in digest.get("channels") or [] if isinstance(g, dict)],
            "datasets": [{"name": g.get("key"), "items": g.get("items"),
                          "versions": g.get("versions") or []}
                         for g in digest.get("datasets") or [] if isinstance(g, dict)],
            "modalities": [{"name": g.get("key"), "items": g.get("items")}
                           for g in digest.get("modalities") or [] if isinstance(g, dict)],
            "top_domains": list(zip(ranking.get("domains") or [], ranking.get("items") or [],
                                    strict=False))[:15],
            "excluded": digest.get("excluded") or {},
            "excluded_total": digest.get("excluded_total"),
            "gaps": record.get("gaps") or [],
            "drafts": disclosed["drafts"],
        }  # fmt: skip
    else:
        missing.append("disclosures: no disclosures/ folder with disclosure.json beside the "
                       "scan (run `clearance disclose SCAN --model MODEL.yaml --out "
                       "SCAN/disclosures`); the figures below come from the scan itself")
    with TakedownLedger(ledger_path) as ledger:
        takedowns = takedown_figures(ledger)
    consented = consent_data(consent)
    if consented["licence"] is None:
        missing.append("opt-in licence: " + consented["why"])
    return {
        "scan": scan.sid,
        "as_of": board["as_of"],
        "disclaimer": board["disclaimer"],
        "trained_on": trained,
        "scan_counts": board["counts"],
        "scan_tiers": board["tiers"],
        "scan_categories": board["categories"],
        "standards": scan.standards_read(),
        "evidence": board["evidence"],
        "opt_out": {"kinds": KIND_LABELS, "portal": portal_url or "/opt-out"},
        "takedowns": takedowns,
        "consent": consented,
        "missing": missing,
    }


def consent_data(consent: ConsentBackend | None) -> dict[str, Any]:
    """Return the opt-in licence and the aggregate consent figures (or why there are none)."""
    if consent is None:
        return {"licence": None, "figures": [], "why": "this installation has no consent "
                "store (clearance.decide.consent is not installed)"}  # fmt: skip
    licence = consent.licence()
    return {"licence": licence, "figures": consent.figures(),
            "why": None if licence else "no opt-in licence text is published yet"}


@router.get("/transparency", response_class=HTMLResponse)
def transparency(request: Request) -> Response:
    """What the model trained on, opt-outs honoured, how to opt out, takedown figures."""
    return render(request, "transparency.html", t=web_transparency(state_of(request)))


def web_transparency(web: WebState) -> dict[str, Any]:
    """Return :func:`transparency_data` for the running server."""
    return transparency_data(web.scans, web.settings.ledger, web.consent,
                             web.settings.portal_url)


# ---- opt-out portal ------------------------------------------------------------------------


def _form_errors(form: dict[str, str]) -> list[str]:
    errors = []
    if form["kind"] not in KINDS:
        errors.append("Choose what the request names.")
    for name, limit in _LIMITS.items():
        if len(form[name]) > limit:
            errors.append(f"The {name} field is longer than {limit} characters.")
    if not form["value"]:
        errors.append("Say which URL, prefix, domain, hash or creator the request names.")
    if not form["name"]:
        errors.append("Give the requester's name.")
    if not _EMAIL.match(form["email"]):
        errors.append("Give an email address we can answer (name@example.org).")
    if len(form["authority"]) < 10:
        errors.append("State on what authority you make the request (at least 10 characters).")
    if form["confirm"] != "yes":
        errors.append("Confirm that the statement is accurate.")
    if form["type"] not in ("opt_out", "takedown"):
        errors.append("Choose opt-out or takedown.")
    return errors


def submit_opt_out(web: WebState, raw: dict[str, Any]) -> tuple[str, str]:
    """Validate a portal submission and store it in the ledger; return (request id, intake).

    Raises TakedownError (400) naming what is wrong.
    """
    form = {k: " ".join(str(raw.get(k) or "").split()) if k != "value" else
            str(raw.get(k) or "").strip()
            for k in ("kind", "value", "name", "email", "authority", "confirm", "type")}
    form["type"] = form["type"] or "opt_out"
    errors = _form_errors(form)
    if errors:
        raise TakedownError(" ".join(errors))
    with web.ledger() as ledger:
        return ledger.add({
            "kind": form["kind"], "value": form["value"], "type": form["type"],
            "requester": form["name"], "contact": form["email"],
            "reason": form["authority"], "reference": "web portal",
        })  # fmt: skip


@router.get("/opt-out", response_class=HTMLResponse)
def opt_out_form(request: Request) -> Response:
    """The opt-out and takedown form."""
    return render(request, "opt_out.html", kinds=KIND_LABELS, form={}, errors=None)


@router.post("/opt-out", response_class=HTMLResponse)
async def opt_out(request: Request) -> Response:
    """Take a request: CSRF, rate limit, validation, then the ledger; show the status link."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    check_csrf(request, form)
    rate_limit(request, "opt_out")
    web = state_of(request)
    try:
        request_id, intake = submit_opt_out(web, form)
    except TakedownError as exc:
        response = render(request, "opt_out.html", kinds=KIND_LABELS, form=form,
                          errors=exc.message)  # fmt: skip
        response.status_code = 400
        return response
    ticket = make_ticket(web.secret, "status", request_id)
    return RedirectResponse(f"/opt-out/status/{ticket}?new={intake}", status_code=303)


def status_data(web: WebState, ticket: str) -> dict[str, Any]:
    """Return what the requester's status page shows (no contact details)."""
    request_id = read_ticket(web.secret, "status", ticket)
    with web.ledger() as ledger:
        try:
            req = ledger.get(request_id)
        except TakedownError:
            raise HTTPException(status_code=404, detail="no such status page") from None
        history = ledger.history(request_id)
        matches = ledger.matches(request_id)
    return {
        "request_id": req.request_id, "type": req.type, "kind": req.kind, "value": req.value,
        "status": req.status, "received_at": req.received_at, "updated_at": req.updated_at,
        "steps": [{"status": s, "reached": s in {h["status"] for h in history}
                   or (req.status in STEPS and STEPS.index(s) <= STEPS.index(req.status))}
                  for s in STEPS],
        "history": history, "matches": matches,
    }  # fmt: skip


@router.get("/opt-out/status/{ticket}", response_class=HTMLResponse)
def status(request: Request, ticket: Ticket, new: str | None = None) -> Response:
    """The requester's status page: received -> matched -> applied -> confirmed."""
    data = status_data(state_of(request), ticket)
    return render(request, "opt_out_status.html", s=data, ticket=ticket, new=new)


# ---- opt-in consent ------------------------------------------------------------------------


@router.get("/consent", response_class=HTMLResponse)
def consent_page(request: Request) -> Response:
    """The opt-in licence, its version, the figures, and the form to consent."""
    return render(request, "consent.html", c=consent_data(state_of(request).consent), error=None)


def _backend(web: WebState) -> Any:
    if web.consent is None:
        raise HTTPException(status_code=503, detail="consent recording is not available on "
                            "this installation (no consent store)")  # fmt: skip
    return web.consent


@router.post("/consent", response_class=HTMLResponse)
async def consent_record(request: Request) -> Response:
    """Record consent to the licence in effect for the scopes chosen; show the receipt link."""
    raw = await request.form()
    form = {k: str(v) for k, v in raw.items()}
    check_csrf(request, form)
    rate_limit(request, "consent")
    web = state_of(request)
    backend = _backend(web)
    email = form.get("user", "").strip().lower()
    scopes = [str(s) for s in raw.getlist("scopes")]
    licence = backend.licence()
    if licence is None:
        raise HTTPException(status_code=503, detail="no opt-in licence is published yet")
    if not _EMAIL.match(email) or form.get("agree") != "yes" or not scopes:
        response = render(request, "consent.html", c=consent_data(web.consent),
                          error="Give your email address, choose at least one use and tick "
                          "the box to agree.")  # fmt: skip
        response.status_code = 400
        return response
    user = pseudonym(web.secret, email)
    backend.record(user, str(licence["version"]), scopes)
    return RedirectResponse(f"/consent/receipt/{make_ticket(web.secret, 'consent', user)}",
                            status_code=303)  # fmt: skip


@router.get("/consent/receipt/{ticket}", response_class=HTMLResponse)
def receipt(request: Request, ticket: Ticket) -> Response:
    """A user's consent records, with revocation and export."""
    web = state_of(request)
    user = read_ticket(web.secret, "consent", ticket)
    return render(request, "consent_receipt.html", owner=user, ticket=ticket,
                  records=_backend(web).by_user(user))  # fmt: skip


@router.post("/consent/receipt/{ticket}/revoke")
async def revoke(request: Request, ticket: Ticket) -> Response:
    """Revoke the user's consent (every active one)."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    check_csrf(request, form)
    rate_limit(request, "consent")
    web = state_of(request)
    user = read_ticket(web.secret, "consent", ticket)
    _backend(web).revoke(user)
    return RedirectResponse(f"/consent/receipt/{ticket}", status_code=303)


@router.get("/consent/receipt/{ticket}/export")
def export(request: Request, ticket: Ticket) -> Response:
    """The user's consent records as a JSON download."""
    web = state_of(request)
    user = read_ticket(web.secret, "consent", ticket)
    return JSONResponse(_backend(web).export(user),
                        headers={"content-disposition": 'attachment; filename="consent.json"'})
