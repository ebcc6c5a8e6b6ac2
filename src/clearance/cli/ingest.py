# SPDX-License-Identifier: Apache-2.0
"""``clearance ingest``: validate a manifest and summarise what is in it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from clearance.cli._app import app, console, out, print_json, run
from clearance.engine.ingest import ingest_manifest
from clearance.ingest.columns import parse_mapping
from clearance.ingest.limits import ReadLimits
from clearance.ingest.manifest import OnError
from clearance.models import IngestSummary
from clearance.textsafe import rich_safe

__all__ = ["ingest", "print_summary"]

MapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        help="CANONICAL=COLUMN pairs, comma-separated or repeated, e.g. "
        "--map url=img,license=rights. Overrides the recognised aliases.",
    ),
]


def _defaults(**values: str | None) -> dict[str, str]:
    return {k: v for k, v in values.items() if v}


def print_summary(summary: IngestSummary) -> None:
    """Print an ingest summary as Rich tables on standard output.

    Every value that comes from the manifest (paths, column names, domains, licence strings,
    reasons quoting values) is printed with control characters and markup escaped.
    """
    head = Table.grid(padding=(0, 2))
    head.add_row(
        "manifest", f"{rich_safe(summary.source)} ({summary.format}, {summary.files} file(s))"
    )
    head.add_row("rows read", f"{summary.rows_read:,}")
    head.add_row("accepted", f"{summary.rows_accepted:,}")
    head.add_row("rejected", f"{summary.rows_rejected:,}")
    check = "[green]yes[/]" if summary.reconciled else "[red]NO[/]"
    head.add_row("reconciled", f"{check}  (read = accepted + rejected)")
    rate = summary.rows_read / summary.seconds if summary.seconds else 0
    head.add_row("time", f"{summary.seconds:.2f} s ({rate:,.0f} rows/s)")
    head.add_row(
        "columns",
        ", ".join(f"{k}<-{rich_safe(v)}" for k, v in summary.column_mapping.items()),
    )
    head.add_row("public suffix list", str(summary.psl_version))
    out.print(head)
    for title, rows in (
        ("Rejected rows by reason", list(summary.reject_reasons.items())),
        ("Modalities", list(summary.modalities.items())),
        ("Source categories", list(summary.categories.items())),
        ("Top registrable domains", summary.top_domains),
        ("Top raw licence strings", summary.top_licenses),
    ):
        if not rows:
            continue
        table = Table(title=title, title_justify="left", show_edge=False)
        table.add_column("value", overflow="fold")
        table.add_column("rows", justify="right")
        table.add_column("share", justify="right")
        total = summary.rows_accepted or 1
        for key, n in rows:
            share = n / (summary.rows_read or 1) if title.startswith("Rejected") else n / total
            table.add_row(rich_safe(key), f"{n:,}", f"{share:.1%}")
        out.print(table)


@app.command()
def ingest(
    manifest: Annotated[
        str,
        typer.Argument(
            help="File, directory or glob: CSV/TSV, JSON Lines "
            "(.gz/.zst), Parquet, img2dataset output, "
            "WebDataset tars, a Hugging Face save_to_disk "
            "directory, or a directory of media files."
        ),
    ],
    map_: MapOption = None,
    on_error: Annotated[
        str,
        typer.Option(
            "--on-error",
            help="fail: stop at the first malformed row; skip: set it aside in the rejects file.",
        ),
    ] = "fail",
    rejects: Annotated[
        Path | None, typer.Option(help="Where to write rejected rows (JSON Lines).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--out", help="Write the canonical, categorised rows to this Parquet file."),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help="Force a reader: csv, tsv, jsonl, parquet, webdataset, arrow."
        ),
    ] = None,
    dataset_name: Annotated[str | None, typer.Option(help="Dataset name for every row.")] = None,
    dataset_version: Annotated[str | None, typer.Option(help="Dataset version.")] = None,
    dataset_license: Annotated[
        str | None, typer.Option(help="Licence declared for the whole dataset.")
    ] = None,
    channel: Annotated[
        str | None,
        typer.Option(
            help="Acquisition channel for rows without one (public_dataset, licensed, ...)."
        ),
    ] = None,
    modality: Annotated[str | None, typer.Option(help="Modality for rows without one.")] = None,
    top: Annotated[int, typer.Option(help="How many domains and licences to list.")] = 10,
    follow_symlinks: Annotated[
        bool,
        typer.Option(
            "--follow-symlinks",
            help="In a media directory, also read symbolic links whose target lies outside "
            "it (links inside it are always read; FIFOs and devices never).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Read a manifest, check every row, and summarise it (rows, rejects, modalities, domains,
    categories, raw licences)."""
    if on_error not in ("fail", "skip"):
        raise typer.BadParameter("must be 'fail' or 'skip'", param_hint="--on-error")
    policy: OnError = "fail" if on_error == "fail" else "skip"
    defaults = _defaults(
        dataset_name=dataset_name,
        dataset_version=dataset_version,
        dataset_license=dataset_license,
        acquisition_channel=channel,
        modality=modality,
    )
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=as_json,
    ) as bar:
        task = bar.add_task("reading", total=None)

        def progress(read: int, accepted: int) -> None:
            bar.update(task, description=f"read {read:,} rows, accepted {accepted:,}")

        summary = run(
            lambda: ingest_manifest(
                manifest,
                mapping=run(lambda: parse_mapping(map_)),
                defaults=defaults,
                on_error=policy,
                rejects_path=rejects,
                out=output,
                fmt=fmt,
                progress=progress,
                top=top,
                limits=ReadLimits(follow_symlinks=follow_symlinks),
            )
        )
    if as_json:
        print_json(summary.to_dict())
    else:
        print_summary(summary)
        if rejects and summary.rows_rejected:
            console.print(f"rejected rows written to {rich_safe(rejects)}")
