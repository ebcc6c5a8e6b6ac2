# SPDX-License-Identifier: Apache-2.0
"""Assemble an agreement from a clause library and a term sheet, with its cover memo.

Every topic of the library becomes one numbered clause (its paragraphs numbered ``N.1``,
``N.2``...) in the wording of the position the term sheet chose (balanced by default), plus
the paragraphs of any jurisdiction note for the deal's markets. Clause 1 gathers every
defined term the agreement actually uses, alphabetically; a check then reports defined
terms that are unused or written in another case. Numbers the term sheet did not set are
drafted in square brackets from the library's defaults. The cover memo lists every position
that is not balanced (whose side it favours, why that side wants it and what the other side
will object to), the numbers to confirm, the jurisdiction notes and the authorities cited.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from clearance.draft.document import Document
from clearance.draft.library import ClauseLibrary, JurisdictionNote, Topic, default_library
from clearance.draft.memo import cover_memo
from clearance.draft.schedule import SCHEDULE_COLUMNS, schedule_rows
from clearance.draft.templating import Pending, TemplateError, number, render, template_names
from clearance.draft.termsheet import USES, ScheduleRow, TermSheet
from clearance.errors import KnowledgeBaseError
from clearance.law.kb import LAYERS

__all__ = [
    "Drafted",
    "build_context",
    "check_terms",
    "draft_agreement",
    "expand_markets",
    "join_words",
    "render_topic",
    "variables_read",
]


@dataclass
class Drafted:
    """A drafted document, its cover memo and what the drafting checks found."""

    document: Document
    memo: Document
    positions: dict[str, str]
    defaults_used: list[str] = field(default_factory=list)
    notes: list[tuple[Topic, JurisdictionNote]] = field(default_factory=list)
    lint: list[str] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)


def join_words(words: Sequence[str]) -> str:
    """Return ``a, b and c`` (empty string for no words)."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def expand_markets(markets: Sequence[str]) -> set[str]:
    """Return the markets with the market each one layers on (``de`` brings ``eu``)."""
    found = set(markets)
    found |= {LAYERS[m] for m in markets if m in LAYERS}
    return found


def build_context(
    library: ClauseLibrary,
    numbers: dict[str, Any],
    *,
    uses: Sequence[str] = (),
    markets: Sequence[str] = (),
    content: str = "",
    plans: Sequence[Any] = (),
    used: set[str],
) -> dict[str, Any]:
    """Return the template context: numbers (defaults as ``Pending``), uses, markets, ``ref``."""
    v: dict[str, Any] = {}
    for name, var in library.variables().items():
        v[name] = numbers[name] if name in numbers else Pending(name, var.default, used)
    numbering = {t.id: str(i) for i, t in enumerate(library.topics, start=1)}

    def ref(topic_id: str) -> str:
        return numbering[topic_id]

    return {
        "v": v,
        "uses": list(uses),
        "uses_text": join_words([USES[u] for u in USES if u in uses]),
        "reserved_text": join_words([USES[u] for u in USES if u not in uses]),
        "markets": list(markets),
        "content": content,
        "plans": list(plans),
        "ref": ref,
    }


def _render(topic: Topic, where: str, text: str, ctx: dict[str, Any]) -> str:
    try:
        return render(text, ctx)
    except TemplateError as exc:
        raise KnowledgeBaseError(f"topic {topic.id}, {where}: cannot render: {exc}") from exc


def render_topic(
    topic: Topic, position: str, ctx: dict[str, Any], markets: set[str]
) -> tuple[list[str], list[JurisdictionNote]]:
    """Return the paragraphs of ``topic`` in ``position`` and the jurisdiction notes applied."""
    pos = topic.positions[position]
    paras = [_render(topic, position, t, ctx) for t in pos.text]
    notes = [n for n in topic.jurisdictions if set(n.markets) & markets]
    for note in notes:
        paras += [_render(topic, "jurisdictions", t, ctx) for t in note.text]
    return [p for p in paras if p], notes  # a template may render empty to drop a paragraph


def _term_pattern(term: str, flags: int = 0) -> re.Pattern[str]:
    """Match ``term`` as a whole word, plural included (``Affiliate`` finds ``Affiliates``)."""
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?:s|es)?(?![\w-])", flags)


def check_terms(definitions: dict[str, str], body: str) -> tuple[set[str], list[str]]:
    """Return (defined terms used, problems): multi-word terms also written in another case.

    Terms no clause uses are simply left out of the definitions clause.
    """
    used = {t for t in definitions if _term_pattern(t).search(body)}
    frontier = set(used)
    while frontier:  # a term used only inside another used definition counts as used
        text = " ".join(definitions[t] for t in frontier)
        frontier = {t for t in definitions if t not in used and _term_pattern(t).search(text)}
        used |= frontier
    problems = []
    everything = body + " " + " ".join(definitions[t] for t in used)
    for term in sorted(used):
        if " " in term:
            found = _term_pattern(term, re.IGNORECASE).findall(everything)
            odd = {m for m in found if not m.startswith(term)}
            if odd:
                problems.append(f"defined term {term!r} also written as {sorted(odd)}")
    return used, problems


def _schedule_table(rows: list[ScheduleRow]) -> tuple[tuple[str, ...], ...]:
    table: list[tuple[str, ...]] = [SCHEDULE_COLUMNS]
    for r in rows:
        items = "" if r.items is None else f"{r.items:,}"
        table.append((r.source, r.description, items, r.modalities, r.licences))
    total = sum(r.items or 0 for r in rows)
    if total:
        table.append(("Total", "", f"{total:,}", "", ""))
    return tuple(table)


def _parties(doc: Document, sheet: TermSheet, library: ClauseLibrary) -> None:
    date = sheet.date.isoformat() if sheet.date else "[date]"
    doc.add("para", f"This Agreement is dated {date}.")
    doc.add("subheading", "Parties")
    sides = library.info.sides
    for i, side in enumerate(sides, start=1):
        p = sheet.parties[side]
        parts = [p.name.upper()]
        if p.description:
            parts.append(p.description)
        if p.address:
            parts.append(f"whose address is {p.address}")
        end = "; and" if i < len(sides) else "."
        doc.add("para", f'({i}) {", ".join(parts)} ("{library.info.side_titles[side]}"){end}')


def _signatures(doc: Document, sheet: TermSheet, library: ClauseLibrary) -> None:
    doc.add("heading", "Signatures")
    for side in library.info.sides:
        p = sheet.parties[side]
        who = p.signatory or "____________________"
        doc.add(
            "signature",
            f"Signed for and on behalf of {p.name} by {who}, authorised "
            "signatory. Signature: ____________________ Date: ____________",
        )


def draft_agreement(
    sheet: TermSheet,
    library: ClauseLibrary | None = None,
    *,
    rows: list[ScheduleRow] | None = None,
    today: Callable[[], dt.date] = dt.date.today,
) -> Drafted:
    """Return the agreement the term sheet describes, with its cover memo.

    ``rows`` replaces the licensed-content schedule (otherwise it is read from the term
    sheet: rows written by hand and, when it names a scan folder, that scan's facts).
    Raises ContractError when the schedule's scan cannot be read and KnowledgeBaseError when a
    clause template of the library cannot be rendered.
    """
    library = library or default_library("licence")
    used_defaults: set[str] = set()
    markets = expand_markets(sheet.markets)
    ctx = build_context(
        library,
        dict(sheet.numbers),
        uses=sheet.uses,
        markets=sorted(markets),
        content=sheet.content.description,
        used=used_defaults,
    )
    positions = {t.id: sheet.position(t.id) for t in library}
    clauses: dict[str, list[str]] = {}
    applied: list[tuple[Topic, JurisdictionNote]] = []
    definitions: dict[str, str] = {}
    for topic in library:
        clauses[topic.id], notes = render_topic(topic, positions[topic.id], ctx, markets)
        applied += [(topic, n) for n in notes]
        chosen = dict(topic.defines) | dict(topic.positions[positions[topic.id]].defines)
        for term, text in chosen.items():
            definitions[term] = _render(topic, f"defines.{term}", text, ctx)
    recitals = [render(t, ctx) for t in library.info.preamble]
    body = " ".join(" ".join(p) for p in clauses.values()) + " " + " ".join(recitals)
    used_terms, lint = check_terms(definitions, body)
    rows = rows if rows is not None else schedule_rows(sheet.content.schedule, sheet.base_dir)

    title = sheet.title or library.info.title
    subtitle = " · ".join(
        x
        for x in (
            f"Reference {sheet.reference}" if sheet.reference else "",
            f"Draft of {today().isoformat()}",
        )
        if x
    )
    doc = Document(title=title, subtitle=subtitle)
    _parties(doc, sheet, library)
    if recitals:
        doc.add("subheading", "Background")
        for letter, text in zip("ABCDEFGHIJ", recitals, strict=False):
            doc.add("para", f"({letter}) {text}")
    doc.add("para", "It is agreed as follows:")
    for n, topic in enumerate(library.topics, start=1):
        doc.add("heading", topic.title, number=str(n), topic=topic.id)
        paras = clauses[topic.id]
        sub = 1
        if topic.id == "definitions":
            doc.add(
                "clause",
                "In this Agreement the following words have these meanings:",
                number=f"{n}.1",
                topic=topic.id,
            )
            for term in sorted(used_terms, key=str.lower):
                doc.add("definition", definitions[term], term=term, topic=topic.id)
            sub = 2
        for i, text in enumerate(paras, start=sub):
            doc.add("clause", text, number=f"{n}.{i}", topic=topic.id)
    doc.add("pagebreak")
    doc.add("heading", "Schedule 1 - Licensed Content", topic="schedule-1")
    doc.add("para", sheet.content.description)
    doc.add(
        "para",
        "Delivery Specification: "
        + (sheet.content.delivery or "[format, metadata schema and delivery method to be agreed]"),
    )
    if rows:
        doc.add("table", rows=_schedule_table(rows), topic="schedule-1")
    else:
        doc.add("para", "[List of sources, item counts and licences to be attached.]")
    doc.add("heading", "Schedule 2 - Deal particulars", topic="schedule-2")
    read = variables_read(library, positions, applied)
    doc.add("table", rows=_particulars(sheet, ctx, library, read), topic="schedule-2")
    _signatures(doc, sheet, library)

    cited = _cited(library, positions, applied)
    drafted = Drafted(
        document=doc,
        memo=Document(title=""),
        positions=positions,
        defaults_used=sorted(used_defaults),
        notes=applied,
        lint=lint,
        cited=cited,
        pruned=sorted(set(definitions) - used_terms),
    )
    doc.metadata = {
        "reference": sheet.reference,
        "positions": positions,
        "word_count": doc.word_count(),
        "library": library.info.id,
    }
    drafted.memo = cover_memo(
        drafted,
        library,
        title=title,
        reference=sheet.reference,
        parties={s: sheet.parties[s].name for s in library.info.sides},
        numbers=ctx["v"],
    )
    return drafted


def _particulars(
    sheet: TermSheet, ctx: dict[str, Any], library: ClauseLibrary, read: set[str]
) -> tuple[tuple[str, ...], ...]:
    rows: list[tuple[str, ...]] = [("Item", "Value")]
    if sheet.reference:
        rows.append(("Reference", sheet.reference))
    rows.append(("Licensed Uses", ctx["uses_text"]))
    if ctx["reserved_text"]:
        rows.append(("Uses not licensed", ctx["reserved_text"]))
    if sheet.markets:
        rows.append(("Markets of deployment", ", ".join(sorted(sheet.markets))))
    variables = library.variables()
    for name in sorted(read, key=lambda n: variables[n].description):
        value = ctx["v"][name]
        raw = value.value if isinstance(value, Pending) else value
        shown = number(raw) if variables[name].kind in ("money", "number") else str(raw)
        rows.append(
            (variables[name].description, f"[{shown}]" if name not in sheet.numbers else shown)
        )
    return tuple(rows)


def variables_read(
    library: ClauseLibrary, positions: dict[str, str], notes: list[tuple[Topic, JurisdictionNote]]
) -> set[str]:
    """Return the variables the chosen positions (and applied notes) read."""
    texts: list[str] = list(library.info.preamble)
    for topic in library:
        pos = topic.positions[positions[topic.id]]
        texts += list(pos.text) + list(pos.defines.values()) + list(topic.defines.values())
    for _, note in notes:
        texts += list(note.text)
    found: set[str] = set()
    for text in texts:
        found |= template_names(text)[1]
    return found


def _cited(
    library: ClauseLibrary, positions: dict[str, str], notes: list[tuple[Topic, JurisdictionNote]]
) -> list[str]:
    ids: list[str] = []
    for topic in library:
        ids += list(topic.cites) + list(topic.positions[positions[topic.id]].cites)
    for _, note in notes:
        ids += list(note.cites)
    return list(dict.fromkeys(ids))
