# SPDX-License-Identifier: Apache-2.0
"""The data each page shows, assembled once for the HTML page and its JSON twin.

Every function here reads through :class:`~clearance.web.scanfolder.ScanFolder`, the law
knowledge base, the takedown ledger or the policy library, and only arranges what they
return: the pages and ``/api/...`` say the same thing because they call the same function.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from clearance.decide.takedown import STATUSES, TakedownLedger
from clearance.decide.takedown_match import match_takedowns
from clearance.law import default_knowledge_base, default_rules
from clearance.models import DISCLAIMER
from clearance.web.evidence import item_refs
from clearance.web.scanfolder import EXPOSURE_LEVELS, ScanFolder

__all__ = ["dashboard", "item_view", "law_entry", "matrix_grid", "takedown_figures"]

_SEVERE = ("high", "critical")


def matrix_grid(scan: ScanFolder) -> dict[str, Any]:
    """Return the risk matrix as rows of categories with one cell per market."""
    cells = scan.matrix()
    markets = scan.markets() or list(dict.fromkeys(str(c.get("market")) for c in cells))
    rows: dict[str, dict[str, Any]] = {}
    for c in cells:
        category = str(c.get("category"))
        row = rows.setdefault(
            category,
            {"category": category, "label": c.get("category_label") or category, "cells": {}},
        )
        items = int(c.get("items") or 0)
        severe = sum(int(c.get(f"items_{lv}") or 0) for lv in _SEVERE)
        row["cells"][str(c.get("market"))] = {
            "items": items,
            "worst": c.get("worst"),
            "severe": severe,
            "share_severe": (severe / items) if items else None,
            "levels": {lv: int(c.get(f"items_{lv}") or 0) for lv in EXPOSURE_LEVELS},
            "unknown": int(c.get("items_unknown") or 0),
        }
    return {"markets": markets, "rows": list(rows.values())}


def dashboard(scan: ScanFolder) -> dict[str, Any]:
    """Return everything the dashboard shows for one scan."""
    summary = scan.summary() or {}
    markets = summary.get("markets") if isinstance(summary.get("markets"), dict) else {}
    exposure = [
        {"market": m, **{k: v for k, v in (row or {}).items()}}
        for m, row in (markets or {}).items()
    ]
    top = []
    for v in summary.get("top_vulnerabilities") or []:
        if not isinstance(v, dict):
            continue
        top.append({
            "rank": v.get("rank"), "category": v.get("category"), "label": v.get("label"),
            "score": v.get("score"), "items": v.get("items"), "worst": v.get("worst"),
            "share": v.get("share"),
            "markets": v.get("markets") or [],
            "drivers": [{"key": d[0], "text": d[1], "items": d[2], "share": d[3]}
                        for d in v.get("drivers") or [] if isinstance(d, list) and len(d) >= 4],
            "authorities": v.get("authorities") or [],
            "recommendations": v.get("recommendations") or [],
        })  # fmt: skip
    meta = scan.table_meta("assessment.parquet")
    return {
        "scan": scan.sid,
        "title": scan.title(),
        "disclaimer": summary.get("disclaimer") or DISCLAIMER,
        "as_of": summary.get("as_of") or meta.get("as_of"),
        "kb_as_of": summary.get("kb_as_of") or meta.get("kb_as_of"),
        "policy": scan.config().get("policy") or meta.get("policy"),
        "counts": summary.get("counts"),
        "tiers": summary.get("tiers"),
        "categories": summary.get("categories"),
        "exposure": exposure,
        "matrix": matrix_grid(scan),
        "top_vulnerabilities": top,
        "next_steps": summary.get("next_steps") or [],
        "assumptions": scan.assumptions(),
        "evidence": scan.evidence_window(),
        "sensitivity": scan.extra("sensitivity"),
        "provenance": scan.extra("provenance"),
        "complete": scan.completion() is not None,
        "runs": scan.runs(),
        "summary_available": bool(summary),
    }


def _rule(rule_id: str) -> dict[str, Any]:
    rule = default_rules().rules.get(rule_id)
    if rule is None:
        return {"id": rule_id, "title": None, "explanation": None}
    return {"id": rule_id, "title": rule.title, "explanation": rule.explanation}


def law_entry(entry_id: str) -> dict[str, Any]:
    """Return a knowledge-base entry as shown beside a conclusion (None fields if unknown)."""
    kb = default_knowledge_base()
    if entry_id not in kb:
        return {"id": entry_id, "title": None, "known": False}
    e = kb.get(entry_id)
    return {
        "id": e.id, "known": True, "title": e.title, "citation": e.citation, "body": e.body,
        "date": e.date.isoformat(), "status": e.status, "verified": e.verified,
        "source_url": e.source_url, "checked": e.checked.isoformat(), "market": e.market,
    }  # fmt: skip


def _split(value: Any) -> list[str]:
    return [p.strip() for p in str(value or "").split(",") if p.strip()]


def _takedowns(facts: dict[str, Any], ledger: TakedownLedger) -> list[dict[str, Any]]:
    """Return the requests naming the item: recorded at scan time and in force now."""
    ids = _split(facts.get("takedown"))
    frame = pl.DataFrame(
        {k: [facts.get(k)] for k in ("url", "host", "content_sha256", "creator")},
        schema={k: pl.String for k in ("url", "host", "content_sha256", "creator")},
    )
    matched = match_takedowns(frame, ledger.in_force()).pairs
    now = [str(r) for r in matched["request_id"].to_list()] if matched.height else []
    out = []
    for rid in dict.fromkeys([*ids, *now]):
        try:
            req = ledger.get(rid)
            status, kind, received = req.status, req.kind, req.received_at
        except Exception:  # named at scan time by a ledger this server does not hold
            status, kind, received = None, None, None
        out.append({
            "request_id": rid, "status": status, "kind": kind, "received_at": received,
            "at_scan_time": rid in ids, "in_force_now": rid in now,
        })  # fmt: skip
    return out


def item_view(scan: ScanFolder, item_id: str, ledger: TakedownLedger) -> dict[str, Any]:
    """Return one item: facts, per-market exposure with reasons and citations, evidence
    references and takedowns."""
    found = scan.item(item_id)
    facts = found["facts"]
    markets = []
    for row in found["markets"]:
        markets.append({
            "market": row.get("market"), "exposure": row.get("exposure"),
            "provisional": row.get("provisional"), "bases": row.get("bases"),
            "reasons": [_rule(r) for r in _split(row.get("reasons"))],
            "citations": [law_entry(c) for c in _split(row.get("citations"))],
            "tier": row.get("tier"), "tier_reasons": row.get("tier_reasons"),
        })  # fmt: skip
    refs = item_refs(facts)
    tier = next((m["tier"] for m in markets if m.get("tier")), None)
    return {
        "scan": scan.sid,
        "item_id": item_id,
        "url": facts.get("url") or facts.get("file_path"),
        "tier": tier,
        "facts": facts,
        "markets": markets,
        "evidence": [{"n": i, "label": _ref_label(r)} for i, r in enumerate(refs)],
        "capture": {k: facts.get(k) for k in (
            "reservation_capture_at", "reservation_capture_url", "reservation_record_id",
            "reservation_excerpt", "reservation_capture_age_days")},
        "takedowns": _takedowns(facts, ledger),
        "signals": scan.signals_for(facts.get("host"))[:50],
    }  # fmt: skip


def _ref_label(ref: str) -> str:
    head, sep, tail = ref.rpartition(":")
    if sep and tail.isdigit():
        return f"{head.replace(chr(92), '/').rsplit('/', 1)[-1]} @ {tail}"
    return ref


def takedown_figures(ledger: TakedownLedger) -> dict[str, Any]:
    """Return the public takedown statistics: requests by status and by type."""
    by_status = {s: 0 for s in STATUSES}
    by_type: dict[str, int] = {}
    by_kind: dict[str, int] = {}
    for r in ledger.requests():
        by_status[r.status] = by_status.get(r.status, 0) + 1
        by_type[r.type] = by_type.get(r.type, 0) + 1
        by_kind[r.kind] = by_kind.get(r.kind, 0) + 1
    return {"total": sum(by_status.values()), "by_status": by_status, "by_type": by_type,
            "by_kind": by_kind}  # fmt: skip
