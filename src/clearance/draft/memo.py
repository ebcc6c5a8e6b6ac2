# SPDX-License-Identifier: Apache-2.0
"""The cover memo that goes with a drafted agreement or product terms.

It lists every position that is not balanced (which side it favours, why that side wants it,
what the other side will object to), all positions chosen, the numbers drafted in square
brackets from library defaults, the jurisdiction notes applied, the drafting checks and the
authorities the chosen clauses rest on, each with its citation, date, status and URL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clearance.draft.document import Document
from clearance.draft.library import ClauseLibrary
from clearance.draft.templating import Pending, number

if TYPE_CHECKING:
    from clearance.draft.assemble import Drafted

__all__ = ["cover_memo"]


def cover_memo(
    drafted: Drafted,
    library: ClauseLibrary,
    *,
    title: str,
    reference: str,
    parties: dict[str, str],
    numbers: dict[str, Any],
) -> Document:
    """Return the cover memo of ``drafted``."""
    memo = Document(
        title=f"Cover memo: {title}", subtitle=f"Reference {reference}" if reference else ""
    )
    a, b = library.info.sides
    names = library.info.side_titles
    ref = f" (reference {reference})" if reference else ""
    memo.add("heading", "About this draft")
    memo.add(
        "para",
        f"This memo accompanies the draft {title} between {parties[a]} ({names[a]}) and "
        f"{parties[b]} ({names[b]}){ref}. The draft was assembled from the clearance clause "
        f"library ({len(library)} topics, {drafted.document.word_count():,} words). It is a "
        "draft for counsel's review and not legal advice; every position below is a choice to "
        "confirm, not a recommendation.",
    )
    numbering = {t.id: str(i) for i, t in enumerate(library.topics, start=1)}
    off = [(t, drafted.positions[t.id]) for t in library if drafted.positions[t.id] != "balanced"]
    memo.add("heading", "Positions that are not balanced")
    if not off:
        memo.add("para", "Every position chosen is the balanced one.")
    else:
        memo.add(
            "para",
            f"{len(off)} of {len(library)} topics use one side's position. Expect "
            "the other side to push back on each of these.",
        )
        rows: list[tuple[str, ...]] = [
            (
                "Clause",
                "Topic",
                "Favours",
                "Position",
                "Why that side wants it",
                "What the other side will say",
            )
        ]
        for topic, position in off:
            pos = topic.positions[position]
            rows.append(
                (
                    numbering[topic.id],
                    topic.title,
                    names.get(position, position),
                    pos.summary,
                    pos.why,
                    pos.concern,
                )
            )
        memo.add("table", rows=tuple(rows))
    memo.add("heading", "All positions")
    rows = [("Clause", "Topic", "Position", "What it does")]
    for topic in library:
        position = drafted.positions[topic.id]
        shown = "balanced" if position == "balanced" else f"{names[position]}-friendly"
        rows.append((numbering[topic.id], topic.title, shown, topic.positions[position].summary))
    memo.add("table", rows=tuple(rows))

    memo.add("heading", "Numbers to confirm")
    variables = library.variables()
    if drafted.defaults_used:
        memo.add(
            "para",
            "These numbers were not in the term sheet; the draft uses the library's "
            "default in square brackets. Confirm or replace each one.",
        )
        rows = [("Number", "Drafted as")]
        for name in drafted.defaults_used:
            value = numbers[name].value if isinstance(numbers[name], Pending) else numbers[name]
            shown = number(value) if variables[name].kind in ("money", "number") else str(value)
            if variables[name].kind == "money":
                cur = numbers.get("currency", "")
                shown = f"{cur.value if isinstance(cur, Pending) else cur} {shown}"
            rows.append((variables[name].description, f"[{shown}]"))
        memo.add("table", rows=tuple(rows))
    else:
        memo.add("para", "Every number in the draft comes from the term sheet.")

    memo.add("heading", "Jurisdiction notes")
    if drafted.notes:
        rows = [("Clause", "Markets", "Note", "Authorities")]
        for topic, note in drafted.notes:
            rows.append(
                (
                    f"{numbering[topic.id]} {topic.title}",
                    ", ".join(note.markets),
                    note.note,
                    ", ".join(note.cites),
                )
            )
        memo.add("table", rows=tuple(rows))
    else:
        memo.add(
            "para",
            "The term sheet names no markets, so no jurisdiction notes apply. Add "
            "`markets:` to see where a market changes the drafting.",
        )

    memo.add("heading", "Drafting checks")
    if drafted.lint:
        for problem in drafted.lint:
            memo.add("bullet", problem)
    else:
        memo.add(
            "para",
            "Every defined term in clause 1 is used, and multi-word defined terms are written "
            "the same way throughout.",
        )
    if drafted.pruned:
        memo.add(
            "para",
            "Left out of the definitions because no clause uses them: "
            + ", ".join(drafted.pruned)
            + ".",
        )

    memo.add("heading", "Authorities cited")
    if drafted.cited:
        for cite in drafted.cited:
            memo.add("bullet", f"{cite}: {library.citations.line(cite)}")
        if any(not library.citations.get(c)["verified"] for c in drafted.cited):
            memo.add(
                "note",
                "Entries marked [not verified] rest on facts that could not be "
                "confirmed against the source; check them before relying on them.",
            )
    else:
        memo.add("para", "The chosen clauses cite no authority.")
    return memo
