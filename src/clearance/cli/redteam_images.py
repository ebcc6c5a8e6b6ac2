# SPDX-License-Identifier: Apache-2.0
"""``clearance redteam images index`` and ``check``: near-duplicates of protected images.

``index`` files image directories, WebDataset shards, a scan's local image items and
known-works lists into an index folder; ``check`` reports, for each query image, the indexed
works it reproduces at the operating point (``--json``: one JSON object per query image).
"""

from __future__ import annotations

import enum
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from clearance.atomic import write_text_atomic
from clearance.cli._app import console, out, run
from clearance.cli.redteam import images_app
from clearance.redteam.images.check import CheckResult, OperatingPoint
from clearance.redteam.images.keypoints import MAX_KEYPOINTS
from clearance.redteam.images.report import image_report
from clearance.redteam.images.run import check_files, index_images, write_memorization

__all__ = ["check", "index"]

_DEFAULT = OperatingPoint()


def _progress(label: str) -> Progress:
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


class ImageReportFormat(enum.StrEnum):
    """Formats of ``redteam images report``."""

    html = "html"
    md = "md"
    json = "json"


@images_app.command("index")
def index(
    out_dir: Annotated[Path, typer.Option("--out", help="Index folder to write.")],
    sources: Annotated[
        list[Path] | None,
        typer.Argument(help="Image directories (with any .tar shards inside) or .tar shards."),
    ] = None,
    scan: Annotated[
        list[Path] | None,
        typer.Option(help="A scan's output folder: index its image items whose files are local."),
    ] = None,
    known_works: Annotated[
        list[Path] | None,
        typer.Option(help="A known-works list (SHA-256 / PDQ hashes) to index as hash-only."),
    ] = None,
    meta: Annotated[
        Path | None,
        typer.Option(help="CSV/TSV/JSONL with source, license, owner columns per image."),
    ] = None,
    license: Annotated[
        str | None, typer.Option(help="Licence of images that state none (e.g. 'proprietary').")
    ] = None,
    owner: Annotated[str | None, typer.Option(help="Owner of images that state none.")] = None,
    keypoints: Annotated[
        int, typer.Option(min=0, max=5000, help="ORB keypoints kept per image (0: none).")
    ] = MAX_KEYPOINTS,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Processes that hash images.")] = 2,
    embedded: Annotated[
        bool,
        typer.Option(help="Read licence and owner from the images' EXIF/IPTC/XMP when unstated."),
    ] = True,
    overwrite: Annotated[bool, typer.Option(help="Replace an index already at --out.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Index images (and hash lists) so that generated images can be checked against them."""
    with _progress("hashing") as bar:
        task = bar.add_task("hashing", total=None)

        def step(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        stats = run(
            lambda: index_images(
                sources or [],
                out_dir,
                scans=scan or [],
                known_works=known_works or [],
                metadata=meta,
                license=license,
                owner=owner,
                n_keypoints=keypoints,
                workers=workers,
                embedded=embedded,
                overwrite=overwrite,
                progress=step,
            )  # fmt: skip
        )
    counts = {
        "index": str(out_dir),
        "images": stats.images,
        "hash_only": stats.hash_only,
        "unreadable": stats.unreadable,
        "unreadable_examples": list(stats.unreadable_examples),
        "scan_items_not_local": stats.remote_skipped,
    }
    if as_json:
        sys.stdout.write(json.dumps(counts, indent=2) + "\n")
        return
    out.print(
        f"indexed {stats.images} images and {stats.hash_only} listed hashes into {out_dir}"
        + (f"; {stats.unreadable} unreadable" if stats.unreadable else "")
        + (f"; {stats.remote_skipped} scan items not local" if stats.remote_skipped else ""),
        highlight=False,
    )
    for example in stats.unreadable_examples:
        console.print(f"  unreadable: {example}", highlight=False, markup=False)


@images_app.command("check")
def check(
    index_dir: Annotated[Path, typer.Argument(help="Index folder built by 'index'.")],
    queries: Annotated[list[Path], typer.Argument(help="Query images or directories of them.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per query image (JSON Lines).")
    ] = False,
    max_matches: Annotated[
        int, typer.Option(min=1, max=100, help="Matches reported per query.")
    ] = _DEFAULT.max_matches,
    min_inliers: Annotated[
        int, typer.Option(min=4, help="Keypoints that must agree on one transform.")
    ] = _DEFAULT.min_inliers,
    min_correlation: Annotated[
        float, typer.Option(min=-1.0, max=1.0, help="Aligned pixel correlation required.")
    ] = _DEFAULT.min_correlation,
    pdq_radius: Annotated[
        int, typer.Option(min=0, max=128, help="PDQ Hamming radius (of 256 bits).")
    ] = _DEFAULT.pdq_radius,
    turned_radius: Annotated[
        int, typer.Option(min=0, max=128, help="PDQ radius for the query's turned and "
                          "mirrored orientations.")
    ] = _DEFAULT.turned_radius,
    phash_radius: Annotated[
        int, typer.Option(min=0, max=128, help="pHash Hamming radius (of 256 bits).")
    ] = _DEFAULT.phash_radius,
    use_keypoints: Annotated[
        bool, typer.Option("--keypoints/--no-keypoints", help="Run the local-feature tier.")
    ] = True,
    memorization: Annotated[
        Path | None,
        typer.Option(help="Write the memorisation table (Parquet) of the reproduced sources, "
                     "for 'clearance scan --memorization-table'."),
    ] = None,
) -> None:
    """Report which indexed works each query image reproduces (empty when none)."""
    op = OperatingPoint(
        pdq_radius=pdq_radius,
        turned_radius=turned_radius,
        phash_radius=phash_radius,
        min_inliers=min_inliers,
        min_correlation=min_correlation,
        max_matches=max_matches,
        keypoints=use_keypoints,
    )
    with _progress("checking") as bar:
        task = bar.add_task("checking", total=None)
        results = run(lambda: check_files(index_dir, queries, op, lambda n: bar.advance(task, n)))
    if memorization is not None:
        run(lambda: write_memorization(results, memorization))
        console.print(f"memorisation table: {memorization}", highlight=False, markup=False)
    if as_json:
        for result in results:
            sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        return
    _table(results)


def _table(results: list[CheckResult]) -> None:
    table = Table("query", "source", "method", "distance", "score", "licence", "owner")
    for r in results:
        if r.error:
            table.add_row(r.file, f"[red]{r.error}[/]", "", "", "", "", "")
        for m in r.matches:
            distance = "" if m.distance is None else f"{m.distance:g}"
            table.add_row(
                r.file, m.source, m.method, distance, f"{m.score:.2f}",
                m.license or "unknown", m.owner or "unknown",
            )  # fmt: skip
    matched = sum(1 for r in results if r.matches)
    out.print(table)
    out.print(
        f"{matched} of {len(results)} query images reproduce an indexed work. "
        "A risk assessment, not legal advice.",
        highlight=False,
    )


@images_app.command("report")
def report(
    index_dir: Annotated[Path, typer.Argument(help="Index folder built by 'index'.")],
    results: Annotated[Path, typer.Argument(help="What 'check --json' wrote (JSON Lines).")],
    fmt: Annotated[
        ImageReportFormat, typer.Option("--format", help="html (thumbnails side by side), md, json")
    ] = ImageReportFormat.html,
    markets: Annotated[
        str, typer.Option(help="Markets whose authorities the section cites (comma-separated).")
    ] = "us,eu,uk",
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write the report here instead of printing it.")
    ] = None,
) -> None:
    """Render the findings of a check: each generated image beside the work it reproduces."""
    chosen = [m.strip() for m in markets.split(",") if m.strip()]
    text = run(lambda: image_report(index_dir, results, fmt=fmt.value, markets=chosen))
    if out_file is None:
        sys.stdout.write(text)
        return
    run(lambda: write_text_atomic(out_file, text))
    console.print(f"image red-team report: {out_file}", highlight=False, markup=False)
