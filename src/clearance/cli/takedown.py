# SPDX-License-Identifier: Apache-2.0
"""``clearance takedown``: take in takedown and opt-out requests, follow them, report them.

``add`` prints ``accepted <id>`` (or ``duplicate <id>``) only after the request is committed
to the ledger, so whatever it has acknowledged survives a crash.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from clearance.cli._app import app, console, out, print_json, run
from clearance.decide.takedown import (
    STATUSES,
    TakedownLedger,
    default_ledger_path,
)
from clearance.decide.takedown_match import report_manifest
from clearance.errors import TakedownError
from clearance.ingest.columns import parse_mapping

__all__ = ["takedown_app"]

takedown_app = typer.Typer(
    help="Takedown and opt-out requests: a durable ledger that every later scan and gate "
    "applies (statuses received -> matched -> applied -> confirmed, or withdrawn).",
    no_args_is_help=True,
)
app.add_typer(takedown_app, name="takedown")

LedgerOption = Annotated[
    Path | None,
    typer.Option(
        help="Ledger file (default: $CLEARANCE_TAKEDOWN_LEDGER or .clearance/takedowns.sqlite)."
    ),
]


def _open(path: Path | None) -> TakedownLedger:
    return run(lambda: TakedownLedger(path or default_ledger_path()))


def _batch(path: Path) -> Iterator[dict[str, Any]]:
    """Yield request mappings from a CSV, JSON (a list, or {"requests": [...]}) or JSONL file."""
    try:
        if path.suffix.lower() == ".csv":
            with path.open(newline="", encoding="utf-8-sig") as handle:
                yield from csv.DictReader(handle)
            return
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise TakedownError(f"{path}: cannot read the batch: {exc}") from exc
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise TakedownError(f"{path}: line {number}: invalid JSON: {exc}") from exc
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TakedownError(f"{path}: invalid JSON: {exc}") from exc
    rows = data.get("requests") if isinstance(data, dict) else data
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise TakedownError(f"{path}: expected a list of request objects")
    yield from rows


def _ack(accepted: list[str], duplicates: list[str]) -> None:
    sys.stdout.write(
        "".join(f"accepted {i}\n" for i in accepted)
        + "".join(f"duplicate {i}\n" for i in duplicates)
    )
    sys.stdout.flush()


@takedown_app.command("add")
def add(
    url: Annotated[str | None, typer.Option(help="One item's URL.")] = None,
    url_prefix: Annotated[str | None, typer.Option(help="Every URL under this prefix.")] = None,
    domain: Annotated[str | None, typer.Option(help="A domain and all its subdomains.")] = None,
    sha256: Annotated[str | None, typer.Option(help="The SHA-256 of the item's bytes.")] = None,
    creator: Annotated[str | None, typer.Option(help="Every item by this creator.")] = None,
    request_id: Annotated[
        str | None, typer.Option("--id", help="The request's id (default: from its content).")
    ] = None,
    kind: Annotated[str, typer.Option("--type", help="takedown | opt_out.")] = "takedown",
    requester: Annotated[str, typer.Option(help="Who sent it.")] = "",
    contact: Annotated[str, typer.Option(help="How to reach them.")] = "",
    reason: Annotated[str, typer.Option(help="Why, in their words.")] = "",
    reference: Annotated[str, typer.Option(help="Notice or ticket reference.")] = "",
    batch: Annotated[
        Path | None, typer.Option("--from", help="CSV, JSON or JSONL file of requests.")
    ] = None,
    chunk: Annotated[int, typer.Option(help="Requests per commit in a batch.", min=1)] = 100,
    ledger: LedgerOption = None,
) -> None:
    """Record takedown or opt-out requests, one from the options or many with --from."""
    book = _open(ledger)
    try:
        if batch is not None:
            rows: Any = _batch(batch)
        else:
            given = {
                "url": url,
                "url_prefix": url_prefix,
                "domain": domain,
                "sha256": sha256,
                "creator": creator,
            }
            named = {k: v for k, v in given.items() if v}
            if len(named) != 1:
                raise typer.BadParameter(
                    "give exactly one of --url, --url-prefix, --domain, "
                    "--sha256, --creator (or --from FILE)"
                )
            rows = [
                {
                    **named,
                    "request_id": request_id,
                    "type": kind,
                    "requester": requester,
                    "contact": contact,
                    "reason": reason,
                    "reference": reference,
                }
            ]
        result = run(lambda: book.add_many(rows, chunk=chunk, on_commit=_ack))
    finally:
        book.close()
    for position, why in result.rejected:
        console.print(f"[red]refused[/] request {position}: {why}", highlight=False)
    if result.rejected:
        raise typer.Exit(code=1)


@takedown_app.command("list")
def list_requests(
    status: Annotated[
        str | None, typer.Option(help=f"Only this status ({', '.join(STATUSES)}).")
    ] = None,
    ledger: LedgerOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the requests in the ledger, oldest first."""
    book = _open(ledger)
    try:
        found = run(lambda: book.requests(status))
    finally:
        book.close()
    if as_json:
        print_json([r.to_dict() for r in found])
        return
    table = Table("id", "kind", "value", "type", "status", "received", show_edge=False)
    for r in found:
        table.add_row(r.request_id, r.kind, r.value, r.type, r.status, r.received_at)
    out.print(table)
    out.print(f"{len(found)} request(s)")


@takedown_app.command("show")
def show(
    request_id: Annotated[str, typer.Argument(help="Request id.")],
    ledger: LedgerOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one request, its status history and the items it matched per dataset."""
    book = _open(ledger)
    try:
        request = run(lambda: book.get(request_id))
        data = {
            **request.to_dict(),
            "history": book.history(request_id),
            "matches": book.matches(request_id),
        }
    finally:
        book.close()
    if as_json:
        print_json(data)
        return
    for key, value in request.to_dict().items():
        if value:
            out.print(f"{key:>12}: {value}", highlight=False)
    for event in data["history"]:
        out.print(f"  {event['at']}  {event['status']}  {event['note']}", highlight=False)
    for match in data["matches"]:
        out.print(
            f"  {match['dataset_name'] or '(no dataset)'} {match['dataset_version']}: "
            f"{match['items']:,} items (last seen {match['last_seen']})"
        )


@takedown_app.command("status")
def status(
    request_id: Annotated[str, typer.Argument(help="Request id.")],
    new: Annotated[str, typer.Argument(help=f"New status: {', '.join(STATUSES)}.")],
    note: Annotated[str, typer.Option(help="Why (kept in the history).")] = "",
    override: Annotated[
        bool,
        typer.Option("--override", help="Skip a step (e.g. confirm a request never applied); "
                     "needs --note saying why."),
    ] = False,
    ledger: LedgerOption = None,
) -> None:
    """Move a request one step forward (received -> matched -> applied -> confirmed) or
    withdraw it; skipping a step needs --override and a --note."""
    book = _open(ledger)
    try:
        updated = run(lambda: book.set_status(request_id, new, note, override=override))
    finally:
        book.close()
    out.print(f"{updated.request_id}: {updated.status}")


@takedown_app.command("report")
def report(
    manifest: Annotated[str, typer.Argument(help="Manifest to check against the ledger.")],
    output: Annotated[
        Path | None, typer.Option("--out", help="Write the affected items here (CSV).")
    ] = None,
    record: Annotated[
        bool, typer.Option("--record", help="Record the matches (received -> matched).")
    ] = False,
    map_: Annotated[list[str] | None, typer.Option("--map", help="CANONICAL=COLUMN pairs.")] = None,
    ledger: LedgerOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the items of MANIFEST that requests in force name, per dataset and version."""
    book = _open(ledger)
    try:
        requests = book.in_force()
        counts, items, rows = run(
            lambda: report_manifest(manifest, requests, mapping=run(lambda: parse_mapping(map_)))
        )
        if record and counts.height:
            run(lambda: book.record_matches(counts, note=f"report on {manifest}"))
    finally:
        book.close()
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        items.write_csv(output)
    if as_json:
        print_json(
            {
                "rows_read": rows,
                "requests_in_force": requests.height,
                "matches": counts.to_dicts(),
                "items_file": str(output) if output else None,
            }
        )
        return
    table = Table(
        "dataset",
        "version",
        "request",
        "items",
        show_edge=False,
        title=f"{rows:,} rows read; {requests.height} request(s) in force",
        title_justify="left",
    )
    for row in counts.iter_rows(named=True):
        table.add_row(
            row["dataset_name"] or "(none)",
            row["dataset_version"] or "",
            row["request_id"],
            f"{row['items']:,}",
        )
    out.print(table)
    if output is not None:
        out.print(f"affected items: {output}")
