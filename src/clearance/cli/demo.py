# SPDX-License-Identifier: Apache-2.0
"""``clearance demo``: generate the bundled demo manifest and run clearance on it, offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clearance.cli._app import app, console, print_json, run
from clearance.cli.ingest import print_summary
from clearance.demo.generate import write_manifest
from clearance.engine.ingest import ingest_manifest

__all__ = ["demo"]


@app.command()
def demo(
    rows: Annotated[
        int, typer.Option(help="Rows of the demo manifest (100k by default; scales to 10M).", min=1)
    ] = 100_000,
    output: Annotated[Path, typer.Option("--out", help="Folder for the demo's files.")] = Path(
        "clearance-demo"
    ),
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed gives the same manifest.")
    ] = 2026,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Generate a realistic scraped-image manifest (social media, news, portfolios, stock
    previews, Wikimedia, archives, licensed and synthetic parts) and summarise it offline."""
    output.mkdir(parents=True, exist_ok=True)
    manifest = output / "manifest.parquet"
    console.print(f"writing the demo manifest ({rows:,} rows) to {manifest}")
    write_manifest(manifest, rows=rows, seed=seed)
    summary = run(
        lambda: ingest_manifest(
            manifest,
            rejects_path=output / "rejects.jsonl",
            out=output / "items.parquet",
            on_error="skip",
        )
    )
    if as_json:
        print_json(summary.to_dict())
        return
    print_summary(summary)
    console.print(f"canonical, categorised items: {output / 'items.parquet'}")
