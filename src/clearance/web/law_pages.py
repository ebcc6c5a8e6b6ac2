# SPDX-License-Identifier: Apache-2.0
"""The law browser (entries by market and topic, a timeline) and the policy view and editor."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, get_args

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from clearance.decide import load_policy, shipped_policies
from clearance.errors import ClearanceError
from clearance.law import ENTRY_TYPES, STATUSES, TOPICS, default_knowledge_base
from clearance.law.kb import Market
from clearance.web.pages import render
from clearance.web.policy_preview import policy_source, preview_policy, save_policy
from clearance.web.state import check_csrf, rate_limit, require, state_of
from clearance.web.users import User

__all__ = ["law_entries", "law_timeline", "policy_list", "router"]

MARKET_CODES = get_args(Market)

router = APIRouter(include_in_schema=False)
Viewer = Annotated[User, Depends(require("viewer"))]
Counsel = Annotated[User, Depends(require("counsel"))]
Choice = Annotated[str | None, Query(max_length=40)]


def _blank(value: str | None) -> str | None:
    return value.strip().lower() or None if value else None


def law_entries(market: str | None, topic: str | None, status: str | None,
                type_: str | None) -> dict[str, Any]:  # fmt: skip
    """Return the entries matching the filters (InputError for a value outside the
    vocabulary), with the vocabularies for the filter form."""
    kb = default_knowledge_base()
    chosen = {"market": _blank(market), "topic": _blank(topic), "status": _blank(status),
              "type": _blank(type_)}  # fmt: skip
    found = kb.select(market=chosen["market"], topic=chosen["topic"], status=chosen["status"],
                      type=chosen["type"])
    return {
        "as_of": kb.as_of.isoformat(),
        "filters": chosen,
        "vocabulary": {"market": list(MARKET_CODES), "topic": list(TOPICS),
                       "status": list(STATUSES), "type": list(ENTRY_TYPES)},  # fmt: skip
        "count": len(found),
        "entries": [e.to_dict() for e in reversed(found)],
    }


def law_timeline(market: str | None, topic: str | None) -> dict[str, Any]:
    """Return the dated events of the matching entries, newest first."""
    kb = default_knowledge_base()
    events = kb.timeline(market=_blank(market), topic=_blank(topic))
    return {
        "as_of": kb.as_of.isoformat(),
        "filters": {"market": _blank(market), "topic": _blank(topic)},
        "events": [
            {"date": ev.date.isoformat(), "event": ev.event, "entry_id": ev.entry_id,
             "market": ev.market, "title": ev.title, "status": ev.status,
             "verified": ev.verified}
            for ev in reversed(events)
        ],
    }  # fmt: skip


def law_detail(entry_id: str) -> dict[str, Any]:
    """Return one entry with what it relates to and what refers to it."""
    kb = default_knowledge_base()
    entry = kb.get(entry_id)
    return {
        **entry.to_dict(),
        "related_entries": [kb.get(r).to_dict() for r in entry.related if r in kb],
        "referenced_by": [e.to_dict() for e in kb.referenced_by(entry_id)],
    }


@router.get("/law", response_class=HTMLResponse)
def law(request: Request, user: Viewer, market: Choice = None, topic: Choice = None,
        status: Choice = None, type: Choice = None) -> Response:  # fmt: skip
    """Entries by market, topic, status and type."""
    return render(request, "law.html", law=law_entries(market, topic, status, type))


@router.get("/law/timeline", response_class=HTMLResponse)
def timeline(request: Request, user: Viewer, market: Choice = None,
             topic: Choice = None) -> Response:  # fmt: skip
    """A timeline of the knowledge base."""
    return render(request, "law_timeline.html", t=law_timeline(market, topic),
                  vocabulary={"market": list(MARKET_CODES), "topic": list(TOPICS)})


@router.get("/law/{entry_id}", response_class=HTMLResponse)
def law_entry(request: Request, user: Viewer, entry_id: str) -> Response:
    """One entry with its sources."""
    return render(request, "law_entry.html", e=law_detail(entry_id))


# ---- policies ------------------------------------------------------------------------------


def policy_list(saved_dir: Path) -> list[dict[str, Any]]:
    """Return the shipped and saved policies with their headline fields."""
    out: list[dict[str, Any]] = []
    names = [("shipped", p) for p in shipped_policies()]
    if saved_dir.is_dir():
        names += [("saved", p.stem) for p in sorted(saved_dir.glob("*.yaml"))]
    for origin, name in names:
        try:
            policy = load_policy(name if origin == "shipped" else saved_dir / f"{name}.yaml")
            out.append({"id": name, "origin": origin, "title": policy.title,
                        "version": policy.version, "default_tier": policy.default_tier,
                        "rules": len(policy.rules), "error": None})  # fmt: skip
        except ClearanceError as exc:
            out.append({"id": name, "origin": origin, "title": None, "version": None,
                        "default_tier": None, "rules": 0, "error": str(exc)})  # fmt: skip
    return out


def policy_detail(policy_id: str, saved_dir: Path) -> dict[str, Any]:
    """Return one policy: its rules, waivers and YAML source."""
    origin, text = policy_source(policy_id, saved_dir)
    policy = load_policy(policy_id if origin == "shipped" else saved_dir / f"{policy_id}.yaml")
    return {"id": policy.id, "origin": origin, "source": text,
            "policy": policy.model_dump(mode="json"), "digest": policy.digest()}  # fmt: skip


@router.get("/policies", response_class=HTMLResponse)
def policies(request: Request, user: Viewer) -> Response:
    """The shipped and saved policies, and which one each scan applied."""
    web = state_of(request)
    return render(request, "policies.html", policies=policy_list(web.settings.policies_dir))


@router.get("/policies/{policy_id}", response_class=HTMLResponse)
def policy(request: Request, user: Viewer, policy_id: str) -> Response:
    """One policy's rules, waivers and source."""
    web = state_of(request)
    return render(request, "policy.html", p=policy_detail(policy_id, web.settings.policies_dir))


@router.get("/policies/{policy_id}/edit", response_class=HTMLResponse)
def edit(request: Request, user: Counsel, policy_id: str) -> Response:
    """The editor, holding the policy's YAML as a draft."""
    web = state_of(request)
    _, text = policy_source(policy_id, web.settings.policies_dir)
    return render(request, "policy_edit.html", policy_id=policy_id, text=text, preview=None,
                  saved=None, scan=web.scans[0])  # fmt: skip


@router.post("/policies/preview", response_class=HTMLResponse)
async def preview(request: Request, user: Counsel) -> Response:
    """Validate a draft and show the tier changes it would cause (a fragment for htmx)."""
    form = dict(await request.form())
    check_csrf(request, form)
    rate_limit(request, "preview")
    web = state_of(request)
    scan = web.scan(str(form.get("scan") or web.scans[0].sid))
    result = preview_policy(scan, str(form.get("text") or ""))
    if request.headers.get("hx-request") == "true":
        return render(request, "preview.html", preview=result, scan=scan)
    return render(request, "policy_edit.html", policy_id=result.get("policy", {}).get("id", ""),
                  text=str(form.get("text") or ""), preview=result, saved=None, scan=scan)


@router.post("/policies/save", response_class=HTMLResponse)
async def save(request: Request, user: Counsel) -> Response:
    """Save a validated draft into the policies folder (the preview is shown again)."""
    form = dict(await request.form())
    check_csrf(request, form)
    web = state_of(request)
    text = str(form.get("text") or "")
    scan = web.scan(str(form.get("scan") or web.scans[0].sid))
    result = preview_policy(scan, text)
    saved = save_policy(text, web.settings.policies_dir) if result["valid"] else None
    return render(request, "policy_edit.html", policy_id=(saved or {}).get("id", ""),
                  text=text, preview=result, saved=saved, scan=scan)  # fmt: skip
