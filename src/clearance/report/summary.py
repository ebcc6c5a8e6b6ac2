# SPDX-License-Identifier: Apache-2.0
"""summary.json: the scan's numbers for machines (CI gates, dashboards, the web app).

Counts (rows read, accepted, rejected; items and bytes), items per category, per market and
exposure level, per tier; the full risk matrix; the ranked vulnerabilities (the top three in
full); the next steps; the configuration; the knowledge base's as-of date and the disclaimer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from clearance.report.content import ReportContent
from clearance.report.knowledge import EXPOSURE_LEVELS

__all__ = ["SUMMARY_VERSION", "summary_dict", "summary_json"]

#: Bumped when a key is renamed or removed (adding keys keeps the version).
SUMMARY_VERSION = 1


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def summary_dict(
    c: ReportContent,
    config: Mapping[str, Any] | None = None,
    files: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Return the summary as a JSON-ready dict."""
    o = c.overview
    markets = {
        r["market"]: {
            "items": r["items"],
            "bytes": r["bytes"],
            **{lv: r[f"items_{lv}"] for lv in EXPOSURE_LEVELS},
            "unknown": r["items_unknown"],
            "provisional": r["provisional_items"],
        }
        for r in c.exposure_by_market
    }
    return {
        "summary_version": SUMMARY_VERSION,
        "disclaimer": c.disclaimer,
        "as_of": c.as_of,
        "kb_as_of": c.kb_as_of,
        "counts": {
            "rows_read": o["rows_read"],
            "rows_accepted": o["rows_accepted"],
            "rows_rejected": o["rows_rejected"],
            "items": o["items"],
            "bytes": o["bytes"],
            "items_with_size": o["sized_items"],
            "items_high_or_critical": o["high_items"],
            "items_provisional": o["provisional_items"],
        },
        "categories": {
            r["category"]: {"label": r["label"], "items": r["items"], "bytes": r["bytes"]}
            for r in c.categories
        },
        "markets": markets,
        "tiers": c.tiers["totals"] if c.tiers["applied"] else None,
        "tiers_by_category": c.tiers["by_category"] if c.tiers["applied"] else None,
        "risk_matrix": c.matrix.to_dicts(),
        "top_vulnerabilities": [v.to_dict() for v in c.top],
        "ranking": [
            {
                "rank": v.rank,
                "category": v.category,
                "score": v.score,
                "items": v.items,
                "bytes": v.bytes,
                "worst": v.worst,
            }
            for v in c.vulnerabilities
        ],
        "next_steps": [s.text for s in c.next_steps],
        "assumptions_and_evidence": {
            "rows": [
                {"what": r.label, "value": r.value, "basis": r.basis, "effect": r.effect}
                for r in c.trust.rows
            ],
            "banner": c.trust.banner,
            "warnings": list(c.trust.warnings),
        },
        "conclusions": [
            {
                "market": m.market,
                "law": m.law,
                "citations": [a.id for a in m.citations],
                "why": m.why,
                "before_training": list(m.before_training),
            }
            for m in c.conclusions
        ],
        "top_closeness": c.closeness,
        "rightholders": {k: [{"domain": d, "items": n} for d, n in v]
                         for k, v in c.rightholders.items()},
        "kb_warning": c.kb_warning,
        "configuration": _jsonable({k: v for k, v in dict(config or {}).items()
                                    if k not in ("sensitivity", "grounds", "analyses")}),
        "sensitivity": _jsonable((config or {}).get("sensitivity")),
        "grounds": _jsonable((config or {}).get("grounds")),
        "analyses": _jsonable((config or {}).get("analyses")),
        "files": dict(files or {}),
    }


def summary_json(
    c: ReportContent,
    config: Mapping[str, Any] | None = None,
    files: Mapping[str, str] | None = None,
) -> str:
    """Return summary.json's text (indented, keys in a stable order)."""
    return json.dumps(summary_dict(c, config, files), indent=2, ensure_ascii=False) + "\n"
