# SPDX-License-Identifier: Apache-2.0
"""Markdown for the output-duties checklist (for the scan report and the CLI)."""

from __future__ import annotations

from collections.abc import Sequence

from clearance.law.output_duties.duties import DutyItem
from clearance.law.output_duties.regurgitation import RegurgitationExposure

__all__ = ["render_duties_markdown", "render_regurgitation_markdown"]

_STATUS = {
    "in_force": "in force",
    "upcoming": "applies from",
    "proposed": "proposed (not law)",
    "unsettled": "rests on pending litigation",
}


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def render_duties_markdown(
    items: Sequence[DutyItem], markets: Sequence[str], as_of: str, kb_as_of: str
) -> str:
    """Return the checklist as Markdown: one table per market, boxes to tick, authorities cited.

    A market with no duty says so, rather than vanishing from the checklist.
    """
    lines = [
        "## Output duties checklist",
        "",
        f"Law as of {as_of} · knowledge base as of {kb_as_of}. What must be done with generated "
        "outputs in each market. Risk assessment, not legal advice.",
        "",
    ]
    for market in markets:
        mine = sorted((i for i in items if i.market == market),
                      key=lambda i: (i.from_date, i.duty_id))  # fmt: skip
        lines.append(f"### {market.upper()}")
        lines.append("")
        if not mine:
            lines.append("No binding output duty found in the knowledge base for this market.")
            lines.append("")
            continue
        lines.append("| done | duty | who | outputs | from | status | what to do | authorities |")
        lines.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for i in mine:
            status = _STATUS.get(i.status, i.status)
            if i.status == "upcoming":
                status = f"applies from {i.from_date}"
            auth = ", ".join(f"{a} (unverified)" if a in i.unverified else a
                             for a in i.authority_ids)  # fmt: skip
            lines.append(
                f"| [ ] | {_cell(i.duty)} | {i.who} | {', '.join(i.outputs)} | {i.from_date} | "
                f"{status} | {_cell(i.what_to_do)} | {auth} |"
            )
            if i.notes:
                lines.append(f"| | *Note: {_cell(i.notes)}* | | | | | | |")
        lines.append("")
    return "\n".join(lines)


def render_regurgitation_markdown(findings: Sequence[RegurgitationExposure]) -> str:
    """Return Markdown saying how each regurgitation finding changes output exposure."""
    lines = ["## Regurgitation findings and output exposure", ""]
    lines.append("| market | finding | exposure | memorization fact | why | authorities |")
    lines.append("| --- | --- | --- | --- | --- | --- |")
    for f in findings:
        prov = " (provisional)" if f.provisional else ""
        lines.append(
            f"| {f.market} | {f.level} | {f.exposure}{prov} | {f.memorization} | "
            f"{_cell(' '.join(f.reasons))} | {', '.join(f.citations) or 'none'} |"
        )
    actions = list(dict.fromkeys(a for f in findings for a in f.actions))
    if actions:
        lines += ["", "What to do:", ""] + [f"- [ ] {a}" for a in actions]
    return "\n".join(lines) + "\n"
