# SPDX-License-Identifier: Apache-2.0
"""``clearance draft``: draft AI data licences and product terms, rehearse a negotiation,
review an incoming agreement, and keep consent records for the opt-in user licence.

Everything these commands write is a draft for counsel's review, not legal advice.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from clearance.cli._app import app, console, out, print_json, run
from clearance.draft.library import default_library
from clearance.draft.run import (
    example_text,
    write_licence,
    write_negotiation,
    write_review,
)
from clearance.draft.terms import write_terms
from clearance.draft.write import parse_formats

__all__ = ["draft_app"]

draft_app = typer.Typer(
    help="Draft AI data licence agreements and product terms from a clause library, rehearse "
    "their negotiation, review incoming agreements, and record opt-in consents. Drafts for "
    "counsel's review, not legal advice.",
    no_args_is_help=True,
)
app.add_typer(draft_app, name="draft")

OutOption = Annotated[Path | None, typer.Option("--out", help="Folder to write into.")]
FormatOption = Annotated[
    str, typer.Option("--format", help="Comma-separated: docx, pdf, md (default: all three).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def _need(value: Any, what: str) -> Any:
    if value is None:
        console.print(f"[bold red]Error[/]: {what}", highlight=False)
        raise typer.Exit(code=2)
    return value


def _written(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(result)
        return
    for name, path in result.get("files", {}).items():
        out.print(f"wrote {name}: {path}", highlight=False)
    for key in (
        "result",
        "reason",
        "words",
        "non_balanced_positions",
        "numbers_to_confirm",
        "drafting_checks",
    ):
        if result.get(key) not in (None, [], {}):
            out.print(f"{key.replace('_', ' ')}: {result[key]}", highlight=False)
    out.print(
        result.get("disclaimer", "Drafts for counsel's review, not legal advice."), style="dim"
    )


@draft_app.command("licence")
def licence_command(
    terms: Annotated[Path | None, typer.Argument(help="Term sheet (YAML).")] = None,
    out_dir: OutOption = None,
    scan: Annotated[
        Path | None, typer.Option("--scan", help="Scan folder whose facts make Schedule 1.")
    ] = None,
    formats: FormatOption = "docx,pdf,md",
    example_terms: Annotated[
        bool, typer.Option("--example-terms", help="Print a complete, commented term sheet.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Draft an AI data licence agreement and its cover memo from a term sheet."""
    if example_terms:
        sys.stdout.write(example_text("licence-terms"))
        return
    sheet = _need(terms, "give a term sheet (or --example-terms to print one)")
    folder = _need(out_dir, "give --out DIR")
    fmts = run(lambda: parse_formats(formats))
    _written(run(lambda: write_licence(sheet, folder, scan=scan, formats=fmts)), as_json)


@draft_app.command("negotiate")
def negotiate_command(
    playbook: Annotated[Path | None, typer.Argument(help="Negotiation playbook (YAML).")] = None,
    out_dir: OutOption = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Override the playbook's seed.")
    ] = None,
    example: Annotated[
        bool,
        typer.Option(
            "--example", help="Without --out: print the example playbook; with --out: run it."
        ),
    ] = False,
    formats: FormatOption = "docx,pdf,md",
    as_json: JsonOption = False,
) -> None:
    """Simulate a licensor and a licensee negotiating, round by round; write the record."""
    if example and out_dir is None:
        sys.stdout.write(example_text("playbook"))
        return
    from clearance.draft.playbook import EXAMPLE_PLAYBOOK

    book = EXAMPLE_PLAYBOOK if example else _need(playbook, "give a playbook (or --example)")
    folder = _need(out_dir, "give --out DIR")
    fmts = run(lambda: parse_formats(formats))
    _written(run(lambda: write_negotiation(book, folder, seed=seed, formats=fmts)), as_json)


@draft_app.command("review")
def review_command(
    file: Annotated[Path, typer.Argument(help="Agreement: DOCX, PDF, Markdown or text.")],
    side: Annotated[
        str, typer.Option("--side", help="Whose side you are on: licensee or licensor.")
    ] = "licensee",
    out_dir: OutOption = None,
    licensor_name: Annotated[
        str | None,
        typer.Option(
            "--licensor-name",
            help="The name the agreement uses for the licensor, if not recognised.",
        ),
    ] = None,
    licensee_name: Annotated[
        str | None,
        typer.Option(
            "--licensee-name",
            help="The name the agreement uses for the licensee, if not recognised.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Find which topics an agreement covers, which are missing and which are one-sided."""
    result = run(
        lambda: write_review(
            file, out_dir, side=side, licensor_name=licensor_name, licensee_name=licensee_name
        )
    )
    if as_json:
        print_json(result)
        return
    table = Table("topic", "status", "where", "comment")
    for t in result["topics"]:
        colour = {"missing": "red", "one_sided": "yellow"}.get(t["status"], "green")
        table.add_row(
            t["title"], f"[{colour}]{t['status']}[/]", t["where"] or "-", t["comment"][:160]
        )
    out.print(table)
    for name, path in result.get("files", {}).items():
        out.print(f"wrote {name}: {path}", highlight=False)
    out.print(result["disclaimer"], style="dim")


@draft_app.command("terms")
def terms_command(
    terms: Annotated[Path | None, typer.Argument(help="Product terms sheet (YAML).")] = None,
    out_dir: OutOption = None,
    formats: FormatOption = "docx,pdf,md",
    example_terms: Annotated[
        bool, typer.Option("--example-terms", help="Print a complete, commented sheet.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Draft the output-IP part of a generative-AI product's terms of service."""
    if example_terms:
        sys.stdout.write(example_text("product-terms"))
        return
    sheet = _need(terms, "give a product terms sheet (or --example-terms to print one)")
    folder = _need(out_dir, "give --out DIR")
    fmts = run(lambda: parse_formats(formats))
    _written(run(lambda: write_terms(sheet, folder, formats=fmts)), as_json)


@draft_app.command("topics")
def topics_command(
    library: Annotated[
        str, typer.Option("--library", help="licence (AI data licence) or terms (product terms).")
    ] = "licence",
    as_json: JsonOption = False,
) -> None:
    """List the clause library's topics and the three positions of each."""
    lib = run(lambda: default_library(library))
    if as_json:
        print_json(
            [
                {
                    "topic": t.id,
                    "title": t.title,
                    "core": t.core,
                    "positions": {k: p.summary for k, p in t.positions.items()},
                }
                for t in lib
            ]
        )
        return
    table = Table("topic", "title", *lib.positions)
    for t in lib:
        table.add_row(t.id, t.title, *(t.positions[p].summary for p in lib.positions))
    out.print(table)


from clearance.cli import draft_consent as _consent  # noqa: E402, F401  (registers `consent`)
