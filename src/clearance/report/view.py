# SPDX-License-Identifier: Apache-2.0
"""The report content as display rows for the Markdown and HTML templates.

Templates stay dumb: every number is formatted, every list cut and every anchor made here, so
``report.md`` and ``report.html`` say the same thing in the same words.
"""

from __future__ import annotations

import re
from typing import Any

from clearance.models import Vulnerability
from clearance.report.content import ReportContent
from clearance.report.formatting import (
    LEVEL_HEX,
    STATUS_WORDS,
    authority_date,
    authority_line,
    authority_short,
    authority_url,
    count,
    human_bytes,
    percent,
    reason_lines,
    vulnerability_headline,
)

__all__ = ["anchor", "report_view"]

_LEVELS = ("low", "medium", "high", "critical")


def anchor(category: str, market: str) -> str:
    """Return the HTML id of a matrix cell's drill-down section."""
    return "cell-" + re.sub(r"[^a-z0-9_-]+", "-", f"{category}-{market}".lower())


def _vulnerability(v: Vulnerability, holders: list[tuple[str, int]]) -> dict[str, Any]:
    return {
        "holders": ", ".join(f"{d} ({count(n)})" for d, n in holders),
        "rank": v.rank,
        "label": v.label,
        "category": v.category,
        "headline": vulnerability_headline(v),
        "score": f"{v.score:,.1f}",
        "reasons": reason_lines(v, limit=4),
        "authorities": [
            {"line": authority_line(a), "short": authority_short(a), "why": a.why,
             "url": authority_url(a)}
            for a in v.authorities
        ],
        "rules_cited": [
            {"line": authority_line(a), "short": authority_short(a), "url": authority_url(a)}
            for a in v.rules_cited
        ],
        "provisional": count(v.provisional_items) if v.provisional_items else "",
        "recommendations": [{"label": r.label, "text": r.text} for r in v.recommendations],
        "markets": [
            {
                "market": m.market.upper(),
                "worst": m.worst or "–",
                "high": percent(m.share_high),
                "salience": f"{m.salience:.2f}",
                "score": f"{m.score:,.1f}",
            }
            for m in v.markets
        ],
    }


def _matrix(c: ReportContent) -> dict[str, Any]:
    cells: dict[str, dict[str, Any]] = {}
    rows: list[dict[str, Any]] = []
    ranks = {v.category: v.rank for v in c.top}
    for (category,), part in c.matrix.group_by("category", maintain_order=True):
        row: dict[str, Any] = {
            "category": category,
            "label": part["category_label"][0],
            "rank": ranks.get(str(category)),
            "cells": [],
        }
        for r in part.iter_rows(named=True):
            high = r["items_high"] + r["items_critical"]
            share = high / r["items"] if r["items"] else None
            cell = {
                "id": anchor(str(category), r["market"]),
                "market": r["market"].upper(),
                "label": row["label"],
                "n_items": count(r["items"]),
                "n": r["items"],
                "bytes": human_bytes(r["bytes"]),
                "bytes_high": human_bytes(r["bytes_high"] + r["bytes_critical"]),
                "share_high": percent(share) if share is not None else "–",
                "dark": share is not None and share > 0.6,
                "worst": r["worst"] or "–",
                "levels": [
                    (
                        lv,
                        count(r[f"items_{lv}"]),
                        percent(r[f"share_{lv}"]),
                        human_bytes(r[f"bytes_{lv}"]),
                    )
                    for lv in _LEVELS
                ],
                "provisional": count(r["provisional_items"]),
                "bar": [(lv, round(100 * r[f"share_{lv}"], 1)) for lv in _LEVELS],
                "items_list": [],
            }
            cells[cell["id"]] = cell
            row["cells"].append(cell)
        rows.append(row)
    for r in c.drill.iter_rows(named=True):
        target = cells.get(anchor(r["category"], r["market"]))
        if target is None:
            continue
        cell = target
        url = r["url"] or ""
        cell["items_list"].append(
            {
                "item_id": r["item_id"],
                "url": url,
                "link": url if re.match(r"^https?://", url, re.IGNORECASE) else "",
                "exposure": r["exposure"],
                "provisional": bool(r["provisional"]),
                "reasons": ", ".join(r["reasons"] or []),
                "tier": r["tier"] or "",
                "reservation": r["reservation"] or "unknown",
                "capture_at": (r["capture_at"] or "")[:10],
                "capture_url": r["capture_url"] or "",
                "record_id": r["record_id"] or "",
                "excerpt": r["excerpt"] or "",
                "age_days": "" if r["age_days"] is None else f"{r['age_days']:,}",
                "licence": r["licence"] or "",
            }
        )
    return {"markets": [m.upper() for m in c.markets], "rows": rows}


def report_view(c: ReportContent) -> dict[str, Any]:
    """Return the template context: formatted strings and small lists only."""
    o = c.overview
    total = o["items"] or 1
    return {
        "title": c.title,
        "meta": list(c.meta.items()),
        "disclaimer": c.disclaimer,
        "as_of": c.as_of,
        "kb_as_of": c.kb_as_of,
        "overview": {
            "n_items": count(o["items"]),
            "bytes": human_bytes(o["bytes"]),
            "sized": count(o["sized_items"]),
            "categories": o["categories"],
            "rows_read": count(o["rows_read"]) if o["rows_read"] is not None else "",
            "rows_rejected": count(o["rows_rejected"]),
            "datasets": o["datasets"],
            "modalities": [(m, count(n)) for m, n in o["modalities"]],
            "high": count(o["high_items"]),
            "high_share": percent(o["high_items"] / total),
            "provisional": count(o["provisional_items"]),
            "by_category": [
                {
                    "label": next(
                        (x["label"] for x in c.categories if x["category"] == r["category"]),
                        r["category"],
                    ),
                    "n_items": count(r["items"]),
                    "share": percent(r["items"] / total),
                    "bytes": human_bytes(r["bytes"]),
                }
                for r in o["by_category"]
            ],
        },
        "markets": [
            {
                "market": r["market"].upper(),
                "n_items": count(r["items"]),
                "bytes": human_bytes(r["bytes"]),
                "shares": [percent(r["shares"][lv]) for lv in _LEVELS],
                "provisional": count(r["provisional_items"]),
                "provisional_share": percent(r["provisional_items"] / r["items"])
                if r["items"]
                else "–",
                "reasons": [(x["title"], x["id"], count(x["count"])) for x in r["reasons"]],
                "citations": [(k, count(n)) for k, n in r["citations"]],
            }
            for r in c.exposure_by_market
        ],
        "levels": _LEVELS,
        "top": [_vulnerability(v, c.rightholders.get(v.category, [])) for v in c.top],
        "ranking": [
            {
                "rank": v.rank,
                "label": v.label,
                "score": f"{v.score:,.1f}",
                "n_items": count(v.items),
                "worst": v.worst or "–",
                "high_markets": sum(1 for m in v.markets if m.worst in ("high", "critical")),
            }
            for v in c.vulnerabilities
        ],
        "next_steps": [s.text for s in c.next_steps],
        "matrix": _matrix(c),
        "drill_limit": c.drill_limit,
        "categories": [
            {
                "label": r["label"],
                "n_items": count(r["items"]),
                "bytes": human_bytes(r["bytes"]),
                "rank": r["rank"],
                "score": f"{r['score']:,.1f}",
                "notes": r["rights_notes"],
                "worst": ", ".join(f"{m.upper()} {w}" for m, w in r["worst"].items() if w),
            }
            for r in c.categories
        ],
        "tiers": c.tiers,
        "tier_labels": {r["category"]: r["label"] for r in c.categories},
        "signals": [
            {**r, "hosts": count(r["hosts"]), "signals": count(r["signals"])} for r in c.signals
        ],
        "authorities": [
            {
                "title": a.title,
                "citation": a.citation,
                "body": a.body,
                "date": a.date,
                "status": STATUS_WORDS.get(a.status, a.status),
                "verified": a.verified,
                "url": a.source_url,
                "primary": a.primary_url,
                "primary_confirmed": a.primary_confirmed,
                "dated": authority_date(a),
                "id": a.id,
            }
            for a in c.authorities
        ],
        "method": c.method,
        "count": count,
        "trust": {
            "rows": [
                {"label": r.label, "value": r.value, "basis": r.basis, "effect": r.effect}
                for r in c.trust.rows
            ],
            "banner": c.trust.banner,
            "warnings": list(c.trust.warnings),
        },
        "conclusions": [
            {
                "market": m.market.upper(),
                "name": m.name,
                "law": m.law,
                "why": m.why,
                "before": list(m.before_training),
                "citations": [{"short": authority_short(a), "url": authority_url(a)}
                              for a in m.citations],
            }
            for m in c.conclusions
        ],
        "closeness": c.closeness,
        "analyses": _analyses(c),
        "kb_warning": c.kb_warning,
        "colours": LEVEL_HEX,
    }


_LEANING = {"for_use": "for the use", "against_use": "against the use", "balanced": "balanced",
            "unknown": "unknown", "neutral": "neutral", "not_engaged": "not engaged"}


def _analyses(c: ReportContent) -> list[dict[str, Any]]:
    """Return the annex's fair-use and TDM analyses per main category, display-ready."""
    labels = {r["category"]: r["label"] for r in c.categories}
    out = []
    for a in c.analyses:
        total = sum(a["leanings"].values()) or 1
        spread = ", ".join(f"{percent(n / total)} {_LEANING.get(k, k)}"
                           for k, n in sorted(a["leanings"].items(), key=lambda kv: -kv[1]))
        modal = a["modal"]
        out.append({
            "category": labels.get(a["category"], a["category"]),
            "market": a["market"].upper(),
            "analysis": "Fair use (four factors)" if a["analysis"] == "fair_use"
            else "Text and data mining",
            "spread": spread,
            "modal_share": percent(float(a["modal_share"])),
            "summary": modal.get("summary", ""),
            "questions": [(q[1], _LEANING.get(q[2], q[2]), q[3]) for q in modal.get("questions")
                          or []],
            "provisional": bool(modal.get("provisional")),
        })
    return out
