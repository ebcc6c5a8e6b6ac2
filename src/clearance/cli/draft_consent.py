# SPDX-License-Identifier: Apache-2.0
"""``clearance draft consent``: the opt-in user licence and its consent records.

``record`` prints the consent id only after the record is committed, so whatever it has
acknowledged survives a crash. Records share the takedown ledger's SQLite file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from clearance.cli._app import out, print_json, run
from clearance.cli.draft import draft_app
from clearance.decide.consent import ConsentLedger, default_ledger_path
from clearance.draft.render_md import markdown
from clearance.draft.user_licence import record_consent, render_user_licence, user_licences
from clearance.draft.write import FORMATS, write_document, write_json

__all__ = ["consent_app"]

consent_app = typer.Typer(
    help="The opt-in licence users grant for training their content, and the consent records "
    "(who, which version, when, which scopes) kept beside the takedown ledger.",
    no_args_is_help=True,
)
draft_app.add_typer(consent_app, name="consent")

LedgerOption = Annotated[
    Path | None,
    typer.Option(
        help="Store file (default: $CLEARANCE_TAKEDOWN_LEDGER or .clearance/takedowns.sqlite)."
    ),
]
UserOption = Annotated[str, typer.Option("--user", help="Pseudonymous user id.")]


def _open(path: Path | None) -> ConsentLedger:
    return run(lambda: ConsentLedger(path or default_ledger_path()))


@consent_app.command("text")
def text_command(
    version: Annotated[str | None, typer.Option("--version", help="Licence version.")] = None,
    provider: Annotated[str, typer.Option("--provider", help="Provider's name.")] = "the Provider",
    product: Annotated[str, typer.Option("--product", help="Product name.")] = "the service",
    out_dir: Annotated[Path | None, typer.Option("--out", help="Write md, docx, pdf here.")] = None,
) -> None:
    """Print (or write) the user licence text of a version (default: the one in effect)."""
    doc = run(lambda: render_user_licence(version, provider=provider, product=product))
    if out_dir is None:
        sys.stdout.write(markdown(doc))
        return
    stem = f"user-licence-{doc.subtitle.split()[1].rstrip(',')}"
    for fmt, path in run(lambda: write_document(doc, out_dir, stem, FORMATS)).items():
        out.print(f"wrote {fmt}: {path}", highlight=False)


@consent_app.command("versions")
def versions_command() -> None:
    """List the licence versions with their effective dates, scopes and text digests."""
    table = Table("version", "effective", "supersedes", "scopes", "text sha256")
    for v in run(user_licences).values():
        table.add_row(
            v.version,
            v.effective.isoformat(),
            v.supersedes or "-",
            ", ".join(v.scopes),
            v.text_sha256[:16] + "...",
        )
    out.print(table)


@consent_app.command("record")
def record_command(
    user: UserOption,
    scope: Annotated[str, typer.Option("--scope", help="Comma-separated scopes granted.")],
    version: Annotated[str | None, typer.Option("--version", help="Licence version.")] = None,
    source: Annotated[str, typer.Option("--source", help="Where the consent was given.")] = "",
    consent_id: Annotated[str | None, typer.Option("--id", help="Idempotency id.")] = None,
    at: Annotated[str | None, typer.Option("--at", help="UTC time (default: now).")] = None,
    ledger: LedgerOption = None,
) -> None:
    """Record that a user granted the licence for some scopes (supersedes an earlier grant)."""
    scopes = [s.strip() for s in scope.split(",") if s.strip()]
    with _open(ledger) as store:
        rec = run(
            lambda: record_consent(
                store,
                user,
                scopes,
                version=version,
                source=source,
                consent_id=consent_id,
                granted_at=at,
            )
        )
    out.print(f"recorded {rec.consent_id}", highlight=False)


@consent_app.command("revoke")
def revoke_command(
    user: UserOption,
    licence: Annotated[str | None, typer.Option("--licence", help="Only this licence id.")] = None,
    consent_id: Annotated[str | None, typer.Option("--id", help="Only this consent.")] = None,
    note: Annotated[str, typer.Option("--note", help="Why, as the user said.")] = "",
    at: Annotated[str | None, typer.Option("--at", help="UTC time (default: now).")] = None,
    ledger: LedgerOption = None,
) -> None:
    """Revoke a user's active consents from now on (records are kept)."""
    with _open(ledger) as store:
        done = run(
            lambda: store.revoke(user, licence_id=licence, consent_id=consent_id, note=note, at=at)
        )
    for rec in done:
        out.print(f"revoked {rec.consent_id}", highlight=False)


@consent_app.command("list")
def list_command(
    user: UserOption,
    ledger: LedgerOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List a user's consents, oldest first."""
    with _open(ledger) as store:
        records = run(lambda: store.by_user(user))
    if as_json:
        print_json([r.to_dict() for r in records])
        return
    table = Table("consent", "version", "scopes", "granted", "status")
    for r in records:
        table.add_row(
            r.consent_id,
            r.licence_version,
            ", ".join(r.scopes),
            r.granted_at,
            r.to_dict()["status"],
        )
    out.print(table)


@consent_app.command("export")
def export_command(
    user: UserOption,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write JSON here.")] = None,
    ledger: LedgerOption = None,
) -> None:
    """Export everything held about one user's consents as JSON."""
    with _open(ledger) as store:
        data = run(lambda: store.export_user(user))
    if out_file is None:
        print_json(data)
        return
    path = run(lambda: write_json(data, out_file))
    out.print(f"wrote {path}", highlight=False)


@consent_app.command("figures")
def figures_command(
    ledger: LedgerOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Aggregate figures per licence version: users, active, revoked, superseded, by scope."""
    with _open(ledger) as store:
        rows = run(store.figures)
    if as_json:
        print_json(rows)
        return
    table = Table("licence", "version", "users", "active", "revoked", "superseded", "by scope")
    for r in rows:
        scopes = ", ".join(f"{k} {v}" for k, v in r["active_by_scope"].items())
        table.add_row(
            r["licence_id"],
            r["licence_version"],
            str(r["users"]),
            str(r["active"]),
            str(r["revoked"]),
            str(r["superseded"]),
            scopes or "-",
        )
    out.print(table)
