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
    STATUS_WORDS,
    authority_line,
    count,
    human_bytes,
    percent,
    reason_lines,
    vulnerability_headline,
)

__all__ = ["anchor", "cell_colour", "report_view"]

_LEVELS = ("low", "medium", "high", "critical")


def anchor(category: str, market: str) -> str:
    """Return the HTML id of a matrix cell's drill-down section."""
    return "cell-" + re.sub(r"[^a-z0-9_-]+", "-", f"{category}-{market}".lower())


def cell_colour(share: float | None) -> str:
    """Return the heatmap colour (hex) of a share at high or critical exposure."""
    if share is None:
        return "#e6e6e6"
    import matplotlib  # loaded on first use: it takes a large share of a second
    from matplotlib.colors import to_hex

    return str(to_hex(matplotlib.colormaps["YlOrRd"](max(0.0, min(1.0, share)))))


def _vulnerability(v: Vulnerability) -> dict[str, Any]:
    return {
        "rank": v.rank,
        "label": v.label,
        "category": v.category,
        "headline": vulnerability_headline(v),
        "score": f"{v.score:,.1f}",
        "reasons": reason_lines(v, limit=4),
        "authorities": [
            {"line": authority_line(a, limit=200), "why": a.why, "url": a.source_url}
            for a in v.authorities
        ],
        "rules_cited": [
            {"line": authority_line(a, limit=200), "url": a.source_url} for a in v.rules_cited
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
    for (category,), part in c.matrix.group_by("category", maintain_order=True):
        row: dict[str, Any] = {
            "category": category,
            "label": part["category_label"][0],
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
                "colour": cell_colour(share),
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
        "top": [_vulnerability(v) for v in c.top],
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
                "id": a.id,
            }
            for a in c.authorities
        ],
        "method": c.method,
        "count": count,
    }
