# SPDX-License-Identifier: Apache-2.0
"""``clearance law review``: entries by age of their last check, overdue pending matters first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table

from clearance.cli._app import out, print_json, run
from clearance.cli.law import DISCLAIMER, law_app
from clearance.errors import InputError
from clearance.law.kb import load_knowledge_base
from clearance.law.review import (
    REVIEW_DAYS,
    primary_breakdown,
    primary_share,
    review,
    staleness,
)

__all__ = ["review_command"]


def _on(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--on expects an ISO date YYYY-MM-DD, got {value!r}") from None


@law_app.command("review")
def review_command(
    on: str | None = typer.Option(None, "--on", help="Review as of YYYY-MM-DD (default today)."),
    days: int = typer.Option(REVIEW_DAYS, "--days", help="Pending matters are overdue after this."),
    pending: bool = typer.Option(False, "--pending", help="Only pending, appealed, proposed."),
    fail_overdue: bool = typer.Option(
        False, "--fail-on-overdue", help="Exit with code 2 when a pending matter is overdue."
    ),
    as_json: bool = typer.Option(False, "--json", help="Write JSON instead of a table."),
    kb_dir: Path | None = typer.Option(None, "--kb", help="Directory of entries to review."),
) -> None:
    """List entries by age of their last check; flag pending matters not checked in 90 days."""
    kb = run(lambda: load_knowledge_base(kb_dir))
    when = run(lambda: _on(on))
    rows = run(lambda: review(kb, when, days=days, pending_only=pending))
    stale = run(lambda: staleness(kb, when, days=days))
    confirmed, total = primary_share(kb)
    basis = primary_breakdown(kb)
    if as_json:
        print_json({**stale.to_dict(), "disclaimer": DISCLAIMER,
                    "primary_confirmed": confirmed, "entries_total": total,
                    "primary_breakdown": basis,
                    "entries": [r.to_dict() for r in rows]})  # fmt: skip
    else:
        out.print(
            f"Law knowledge base as of {kb.as_of.isoformat()} · reviewed on {when.isoformat()} "
            f"({stale.age_days} days) · {len(stale.overdue_pending)} pending matter(s) overdue "
            f"(> {days} days) · confirmed primary text {confirmed}/{total} "
            f"(read {basis['read']}, cited {basis['cited']}) · {DISCLAIMER}",
            highlight=False,
        )
        if stale.warning:
            out.print(f"WARNING: {stale.warning}", highlight=False)
        table = Table(pad_edge=False)
        for name in ("checked", "age", "id", "status", "latest step", "flag"):
            table.add_column(name, overflow="fold")
        for r in rows:
            step = f"{r.latest_step_date}: {r.latest_step}" if r.latest_step else ""
            flag = "OVERDUE" if r.overdue else ("" if r.primary_confirmed else "no primary")
            if not r.overdue and r.primary_basis == "scheme":
                flag = "primary from scheme"
            table.add_row(r.checked.isoformat(), str(r.age_days), r.entry_id, r.status, step, flag)
        out.print(table)
    if fail_overdue and stale.overdue_pending:
        raise typer.Exit(code=2)
