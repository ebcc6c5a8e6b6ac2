# SPDX-License-Identifier: Apache-2.0
"""Render the engine's reasoning chain and the analyses as text, with their citations.

Every rendering starts with the market, the date the law is applied as of and the knowledge
base's as-of date, marks provisional conclusions and unverified authorities, and ends with
"Risk assessment, not legal advice."
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from clearance.errors import ClearanceError
from clearance.law.engine import assess
from clearance.law.facts import Facts
from clearance.models import AnalysisResult, MarketAssessment

__all__ = ["cite", "explain", "render_analysis", "render_assessment"]

logger = logging.getLogger(__name__)

_LEAN = {
    "for_use": "favours the use",
    "against_use": "weighs against the use",
    "neutral": "neutral",
    "unknown": "turns on unknown facts",
    "not_engaged": "not engaged",
    "balanced": "balanced",
}


def cite(entry_id: str) -> str:
    """Return one citation as a line: id, title, citation, body, date, status, verification."""
    try:
        from clearance.law.kb import default_knowledge_base

        kb = default_knowledge_base()
        entry = kb.get(entry_id)
    except (ClearanceError, ImportError) as exc:  # a missing entry must not hide the reasoning
        logger.debug("cannot resolve %s: %s", entry_id, exc)
        return f"{entry_id} (not in the knowledge base)"
    flag = "" if entry.verified else "; UNVERIFIED"
    return (
        f"{entry.id}: {entry.title}, {entry.citation} ({entry.body}, {entry.date.isoformat()}; "
        f"{entry.status.replace('_', ' ')}{flag}) <{entry.source_url}>"
    )


def _header(title: str, as_of: str, kb_as_of: str | None) -> list[str]:
    kb = kb_as_of or "unavailable"
    return [title, f"Law as of {as_of} · knowledge base as of {kb}", ""]


def render_assessment(a: MarketAssessment) -> str:
    """Return the reasoning chain of one assessment as text, each rule with its citations."""
    lines = _header(f"Market: {a.market}", a.as_of, a.kb_as_of)
    known = {k: v for k, v in a.facts.items() if v not in ("unknown", None)}
    unknown = sorted(k for k, v in a.facts.items() if v in ("unknown", None))
    facts = ", ".join(f"{k}={v.isoformat() if isinstance(v, dt.date) else v}"
                      for k, v in sorted(known.items()))  # fmt: skip
    lines.append(f"Facts: {facts or '(none)'}")
    lines.append(f"Unknown (never read in the user's favour): {', '.join(unknown) or '(none)'}")
    lines.append("")
    lines.append("Reasoning chain:")
    if not a.steps:
        lines.append("  (no rule fired: no basis is known, so exposure defaults to high)")
    for n, step in enumerate(a.steps, 1):
        mark = " [provisional]" if step.provisional else ""
        lines.append(f"  {n}. {step.rule_id} ({step.market}): {step.title}{mark}")
        lines.append(f"     {step.explanation}")
        effects = [f"{b} -> {s}" for b, s in step.bases]
        if step.exposure:
            effects.append(f"{step.ground} exposure at least {step.exposure}")
        effects.extend(f"duty: {o}" for o in step.obligations)
        if effects:
            lines.append(f"     Effect: {'; '.join(effects)}")
        for c in step.citations:
            lines.append(f"     Cites {cite(c)}")
    lines.append("")
    lines.append("Legal bases: " + ("; ".join(a.bases) if a.bases else "none"))
    lines.append("Grounds: " + ", ".join(f"{g}={lvl}" for g, lvl in a.grounds))
    for duty in a.obligations:
        lines.append(f"Duty: {duty}")
    prov = " (PROVISIONAL: rests on a pending or first-instance authority)" if a.provisional else ""
    lines.append(f"Exposure: {a.exposure.upper()}{prov}")
    lines.append(a.disclaimer)
    return "\n".join(lines)


def render_analysis(r: AnalysisResult) -> str:
    """Return an analysis as text: each question, its considerations and their authorities."""
    lines = _header(f"{r.summary.split(':')[0]} — market {r.market}", r.as_of, r.kb_as_of)
    for qid, title, lean, strength in r.questions:
        size = "" if strength == "n/a" else f", {strength}"
        lines.append(f"{title}: {_LEAN.get(lean, lean)}{size}")
        for f in (f for f in r.findings if f.question == qid):
            mark = " [provisional]" if f.provisional else ""
            lines.append(f"  - {_LEAN[f.leaning]} (weight {f.weight}){mark}: {f.text}")
            for c in f.citations:
                lines.append(f"      Cites {cite(c)}")
    lines.append("")
    prov = " (PROVISIONAL)" if r.provisional else ""
    lines.append(f"Overall: {_LEAN.get(r.leaning, r.leaning)} — {r.strength}{prov}. {r.summary}")
    lines.append(r.disclaimer)
    return "\n".join(lines)


def explain(
    facts: Mapping[str, Any] | Facts, market: str, as_of: dt.date | str | None = None
) -> str:
    """Return the reasoning chain of ``assess(facts, market, as_of)`` as text with citations."""
    return render_assessment(assess(facts, market, as_of))
