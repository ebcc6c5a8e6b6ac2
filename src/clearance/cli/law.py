# SPDX-License-Identifier: Apache-2.0
"""``clearance law``: browse the cited knowledge base of AI-training and AI-output law.

``law_app`` is exported so other command modules (e.g. ``law explain``) register on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from pathlib import Path

import typer
from rich.table import Table

from clearance.cli._app import app, out, print_json, run
from clearance.errors import InputError
from clearance.law.kb import KnowledgeBase, LawEntry, load_knowledge_base

__all__ = ["DISCLAIMER", "law_app"]

DISCLAIMER = "A risk assessment aid, not legal advice."

law_app = typer.Typer(
    help=(
        "The cited knowledge base of AI-training and AI-output law in 16 markets: statutes, "
        "cases, guidance, with status as of a date. " + DISCLAIMER
    ),
    no_args_is_help=True,
)
app.add_typer(law_app, name="law")

_KB_OPTION = typer.Option(
    None, "--kb", help="Directory of entries to use instead of the shipped knowledge base."
)
_JSON_OPTION = typer.Option(False, "--json", help="Write JSON instead of a table.")
_EXACT_OPTION = typer.Option(
    False, "--exact", help="With --market de/fr/it/nl, leave out the EU layer they sit on."
)


def _header(kb: KnowledgeBase, shown: int) -> None:
    out.print(
        f"Law knowledge base as of {kb.as_of.isoformat()} · {shown} of {len(kb)} entries · "
        f"{DISCLAIMER}",
        highlight=False,
    )


def _mark(entry: LawEntry) -> str:
    return "" if entry.verified else "unverified"


def _parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option} expects an ISO date YYYY-MM-DD, got {value!r}") from None


@law_app.command("cases")
def cases(
    market: str | None = typer.Option(None, "--market", "-m", help="us, eu, de, uk, jp, ..."),
    topic: str | None = typer.Option(None, "--topic", "-t", help="training, fair_use, ..."),
    status: str | None = typer.Option(None, "--status", "-s", help="in_force, pending, ..."),
    kind: str | None = typer.Option(None, "--type", help="statute, case, guidance, ..."),
    exact: bool = _EXACT_OPTION,
    as_json: bool = _JSON_OPTION,
    kb_dir: Path | None = _KB_OPTION,
) -> None:
    """List statutes, cases and guidance, oldest first, filtered by market, topic, status."""
    kb = run(lambda: load_knowledge_base(kb_dir))
    found = run(
        lambda: kb.select(market=market, topic=topic, status=status, type=kind, layers=not exact)
    )
    if as_json:
        print_json(
            {
                "as_of": kb.as_of.isoformat(),
                "disclaimer": DISCLAIMER,
                "entries": [e.to_dict() for e in found],
            }
        )
        return
    _header(kb, len(found))
    table = Table(show_lines=False, pad_edge=False)
    for name in ("date", "id", "status", "title", "note"):
        table.add_column(name, overflow="fold")
    for e in found:
        table.add_row(e.date.isoformat(), e.id, e.status, e.title, _mark(e))
    out.print(table)


@law_app.command("show")
def show(
    entry_id: str = typer.Argument(..., metavar="ID", help="Entry id, e.g. eu-statute-dsm-art4."),
    as_json: bool = _JSON_OPTION,
    kb_dir: Path | None = _KB_OPTION,
) -> None:
    """Show one entry in full: citation, body, dates, status, holding, source and check date."""
    kb = run(lambda: load_knowledge_base(kb_dir))
    entry = run(lambda: kb.get(entry_id))
    if as_json:
        print_json({"as_of": kb.as_of.isoformat(), "disclaimer": DISCLAIMER, **entry.to_dict()})
        return
    _header(kb, 1)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    window = f"{entry.effective_from or '—'} to {entry.effective_to or 'open'}"
    rows = [
        ("id", entry.id),
        ("title", entry.title),
        ("market", entry.market + (f" (layers on {entry.layer_of})" if entry.layer_of else "")),
        ("type", entry.type),
        ("citation", entry.citation),
        ("body", entry.body),
        ("date", entry.date.isoformat() + _precision(entry)),
        ("status", entry.status),
        ("in effect", window),
        ("holding", entry.holding),
        ("topics", ", ".join(entry.topics)),
        ("source", entry.source_url),
        *(("also", url) for url in entry.more_sources),
        ("checked", entry.checked.isoformat()),
        ("verified", "yes" if entry.verified else "NO — see notes"),
    ]
    if entry.notes:
        rows.append(("notes", entry.notes.strip()))
    for rel in entry.related:
        rows.append(("related", f"{rel} — {kb.get(rel).title}"))
    for ref in kb.referenced_by(entry.id):
        rows.append(("cited by", f"{ref.id} — {ref.title}"))
    for key, value in rows:
        grid.add_row(key, value)
    out.print(grid, highlight=False)


def _precision(entry: LawEntry) -> str:
    return "" if entry.date_precision == "day" else f" (only the {entry.date_precision} is known)"


@law_app.command("timeline")
def timeline(
    market: str | None = typer.Option(None, "--market", "-m", help="us, eu, de, uk, jp, ..."),
    topic: str | None = typer.Option(None, "--topic", "-t", help="training, ai_act, ..."),
    since: str | None = typer.Option(None, "--since", help="Only events on or after YYYY-MM-DD."),
    until: str | None = typer.Option(None, "--until", help="Only events on or before this date."),
    exact: bool = _EXACT_OPTION,
    as_json: bool = _JSON_OPTION,
    kb_dir: Path | None = _KB_OPTION,
) -> None:
    """List dated events (decisions, adoptions, dates of application) in date order."""
    kb = run(lambda: load_knowledge_base(kb_dir))
    start = run(lambda: _parse_date(since, "--since"))
    end = run(lambda: _parse_date(until, "--until"))
    events = run(
        lambda: kb.timeline(market=market, topic=topic, since=start, until=end, layers=not exact)
    )
    if as_json:
        print_json(
            {
                "as_of": kb.as_of.isoformat(),
                "disclaimer": DISCLAIMER,
                "events": [{**asdict(ev), "date": ev.date.isoformat()} for ev in events],
            }
        )
        return
    _header(kb, len({ev.entry_id for ev in events}))
    table = Table(pad_edge=False)
    for name in ("date", "event", "market", "id", "title", "note"):
        table.add_column(name, overflow="fold")
    today = dt.date.today()
    for ev in events:
        when = ev.date.isoformat() + (" (future)" if ev.date > today else "")
        note = "" if ev.verified else "unverified"
        table.add_row(when, ev.event.replace("_", " "), ev.market, ev.entry_id, ev.title, note)
    out.print(table)
