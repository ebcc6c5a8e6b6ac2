# SPDX-License-Identifier: Apache-2.0
"""The documents a negotiation run writes: transcript, final issues list, concessions summary.

The issues list has one row per topic in play: agreed or open, the position agreed (or each
side's last stance and floor when open), the round it closed and any red line. The summary
says who conceded what: each concession with its priority-weighted cost, the packages taken,
and totals per side.
"""

from __future__ import annotations

from typing import Any

from clearance.draft.document import Document
from clearance.draft.library import ClauseLibrary
from clearance.draft.negotiate import Outcome
from clearance.draft.playbook import Playbook

__all__ = ["issues_list", "summary_document", "transcript_document"]


def transcript_document(book: Playbook, outcome: Outcome, library: ClauseLibrary) -> Document:
    """Return the transcript as a document, round by round."""
    doc = Document(
        title=f"Negotiation transcript: {book.title}",
        subtitle=f"Seed {book.seed} · {outcome.result}: {outcome.reason}",
    )
    doc.add(
        "note",
        "A simulation from the playbook's strategies, not a prediction of what the "
        "counterparty will do; use it to rehearse.",
    )
    current = -1
    for e in outcome.transcript:
        if e.round != current:
            current = e.round
            doc.add("heading", "Opening" if current == 0 else f"Round {current}")
        doc.add(
            "para", f"{library.info.side_titles[e.side]} ({e.action.replace('_', ' ')}): {e.text}"
        )
    doc.add("heading", "Outcome")
    doc.add("para", f"{outcome.result.capitalize()}: {outcome.reason}.")
    return doc


def issues_list(book: Playbook, outcome: Outcome, library: ClauseLibrary) -> list[dict[str, Any]]:
    """Return one row per topic in play: status, positions, floors, round agreed, red lines."""
    a, b = library.info.sides
    rows = []
    for topic in outcome.stances[a]:
        agreed = topic in outcome.agreed
        red = {s: book.sides[s].red_lines.get(topic, "") for s in (a, b)}  # type: ignore[index]
        rows.append(
            {
                "topic": topic,
                "title": library.topic(topic).title,
                "status": "agreed" if agreed else "open",
                "position": outcome.final[topic] if agreed else None,
                "round": outcome.agreed.get(topic),
                f"{a}_stance": outcome.stances[a][topic],
                f"{b}_stance": outcome.stances[b][topic],
                f"{a}_floor": outcome.floors[a][topic],
                f"{b}_floor": outcome.floors[b][topic],
                "red_lines": {s: r for s, r in red.items() if r},
            }
        )
    return rows


def issues_document(
    rows: list[dict[str, Any]], book: Playbook, outcome: Outcome, library: ClauseLibrary
) -> Document:
    """Return the final issues list as a document."""
    a, b = library.info.sides
    ta, tb = library.info.side_titles[a], library.info.side_titles[b]
    doc = Document(
        title=f"Final issues list: {book.title}",
        subtitle=f"{outcome.result.capitalize()} after {outcome.rounds} rounds",
    )
    still = [r for r in rows if r["status"] == "open"]
    doc.add("para", f"{len(rows) - len(still)} of {len(rows)} topics agreed; {len(still)} open.")
    table: list[tuple[str, ...]] = [
        (
            "Topic",
            "Status",
            "Agreed position",
            "Round",
            f"{ta} last / floor",
            f"{tb} last / floor",
            "Red lines",
        )
    ]
    for r in rows:
        red = "; ".join(f"{library.info.side_titles[s]}: {t}" for s, t in r["red_lines"].items())
        table.append(
            (
                r["title"],
                r["status"],
                r["position"] or "-",
                "" if r["round"] is None else str(r["round"]),
                f"{r[f'{a}_stance']} / {r[f'{a}_floor']}",
                f"{r[f'{b}_stance']} / {r[f'{b}_floor']}",
                red,
            )
        )
    doc.add("table", rows=tuple(table))
    if still:
        doc.add("heading", "Open issues")
        for r in still:
            t = library.topic(r["topic"])
            doc.add(
                "bullet",
                f"{t.title}: {ta} holds '{t.positions[r[f'{a}_stance']].summary}' "
                f"and {tb} holds '{t.positions[r[f'{b}_stance']].summary}'. The final draft "
                "keeps the text of the side that tabled the first draft.",
            )
    return doc


def summary_document(
    outcome: Outcome, book: Playbook, library: ClauseLibrary, changes: dict[str, int]
) -> Document:
    """Return the summary of concessions: who gave what, packages, and totals."""
    doc = Document(
        title=f"Who conceded what: {book.title}",
        subtitle=f"{outcome.result.capitalize()}: {outcome.reason}",
    )
    for side, items in outcome.concessions.items():
        name = library.info.side_titles[side]
        cost = sum(i["cost"] for i in items)
        doc.add("heading", f"{name}: {len(items)} concessions, weighted cost {cost}")
        if not items:
            doc.add("para", f"{name} conceded nothing.")
            continue
        rows: list[tuple[str, ...]] = [("Round", "Topic", "From", "To", "Priority", "Cost", "How")]
        for i in items:
            rows.append(
                (
                    str(i["round"]),
                    i["title"],
                    i["from"],
                    i["to"],
                    str(i["priority"]),
                    str(i["cost"]),
                    i["how"],
                )
            )
        doc.add("table", rows=tuple(rows))
    doc.add("heading", "Packages agreed")
    if outcome.packages:
        for p in outcome.packages:
            ((gt, gp),) = p["give"].items()
            ((wt, wp),) = p["get"].items()
            doc.add(
                "bullet",
                f"Round {p['round']}: {library.info.side_titles[p['offered_by']]} "
                f"gave {library.topic(gt).title} ({gp}) for {library.topic(wt).title} ({wp}); "
                f"accepted by {library.info.side_titles[p['accepted_by']]}.",
            )
    else:
        doc.add("para", "No package was agreed.")
    doc.add("heading", "Redline")
    doc.add(
        "para",
        f"From the first draft to the final draft: {changes['changed']} paragraphs "
        f"changed, {changes['inserted']} inserted, {changes['deleted']} deleted "
        f"({changes['words_inserted']} words in, {changes['words_deleted']} out).",
    )
    return doc
