# SPDX-License-Identifier: Apache-2.0
"""Schedule 1 (Licensed Content) from a scan folder: sources, item counts, licences.

Reads the scan's ``facts.parquet`` (written by ``clearance scan``; see docs/scan.md) with
Polars, only the columns it needs, and groups items by registrable domain: how many items,
which modalities, which licences (the effective licence id with its count) and how many items
carried an AI-training reservation. It reads the files, never the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

import polars as pl

from clearance.draft.termsheet import ScheduleRow, ScheduleSpec
from clearance.errors import ContractError

__all__ = ["SCHEDULE_COLUMNS", "schedule_rows", "scan_schedule"]

SCHEDULE_COLUMNS: Final = ("Source", "Description", "Items", "Modalities", "Licences")
_NO_DOMAIN: Final = "(local files, no domain)"
_OTHER: Final = "\x00other"


def scan_schedule(
    scan_dir: str | Path, domains: Sequence[str] = (), max_rows: int = 40
) -> list[ScheduleRow]:
    """Return schedule rows for the items of a scan, one per registrable domain, largest first.

    ``domains`` keeps only those domains (and their subdomains). Rows past ``max_rows`` are
    folded into one "other sources" row so the counts still add up. Raises ContractError
    naming the file when the folder has no readable ``facts.parquet``.
    """
    path = Path(scan_dir) / "facts.parquet"
    try:
        schema = pl.read_parquet_schema(path)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise ContractError(f"cannot read the scan's facts: {exc}", path=path) from exc
    key = "registrable_domain" if "registrable_domain" in schema else "host"
    if key not in schema:
        raise ContractError("facts.parquet has neither registrable_domain nor host", path=path)
    licence = next((c for c in ("license_effective_id", "license_id") if c in schema), None)
    wanted = [key] + [c for c in (licence, "modality", "reservation") if c and c in schema]
    try:
        frame = pl.read_parquet(path, columns=wanted)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise ContractError(f"cannot read the scan's facts: {exc}", path=path) from exc
    frame = frame.with_columns(
        pl.col(key).cast(pl.String).fill_null(_NO_DOMAIN).alias("source"),
        (pl.col(licence).cast(pl.String) if licence else pl.lit(None, pl.String))
        .fill_null("unknown")
        .alias("licence"),
        (
            pl.col("modality").cast(pl.String)
            if "modality" in frame.columns
            else pl.lit(None, pl.String)
        )
        .fill_null("unknown")
        .alias("modality"),
        ((pl.col("reservation") == "reserved") if "reservation" in frame.columns else pl.lit(False))
        .fill_null(False)
        .alias("reserved"),
    )
    if domains:
        wanted_domains = [d.strip().lower().strip(".") for d in domains if d.strip()]
        keep = pl.lit(False)
        for d in wanted_domains:
            keep = keep | (pl.col("source") == d) | pl.col("source").str.ends_with("." + d)
        frame = frame.filter(keep)
    if frame.height == 0:
        raise ContractError("no items of the scan match the schedule's domains", path=path)
    sizes = frame.group_by("source").len().sort(["len", "source"], descending=[True, False])
    top = sizes.head(max_rows)["source"].to_list()
    frame = frame.with_columns(
        pl.when(pl.col("source").is_in(top))
        .then(pl.col("source"))
        .otherwise(pl.lit(_OTHER))
        .alias("row")
    )
    stats = frame.group_by("row").agg(
        pl.len().alias("items"),
        pl.col("reserved").sum().alias("reserved"),
        pl.col("modality").unique().sort().str.join(", ").alias("modalities"),
        pl.col("source").n_unique().alias("sources"),
    )
    licences = (
        frame.group_by(["row", "licence"])
        .len()
        .sort(["row", "len", "licence"], descending=[False, True, False])
    )
    by_row: dict[str, list[tuple[str, int]]] = {}
    for row, lic, n in licences.rows():
        by_row.setdefault(row, []).append((lic, n))
    found = {r["row"]: r for r in stats.to_dicts()}
    rows = []
    for name in [*top, _OTHER]:
        if name not in found:
            continue
        r = found[name]
        reserved = int(r["reserved"])
        rows.append(
            ScheduleRow(
                source=name if name != _OTHER else f"{r['sources']:,} other sources",
                description=f"{reserved:,} items reserved against AI training" if reserved else "",
                items=int(r["items"]),
                modalities=r["modalities"],
                licences=_licence_text(by_row[name]),
            )
        )
    return rows


def _licence_text(counts: list[tuple[str, int]], limit: int = 3) -> str:
    parts = [f"{lic} ({n:,})" for lic, n in counts[:limit]]
    rest = len(counts) - limit
    return ", ".join(parts) + (f", +{rest} more" if rest > 0 else "")


def schedule_rows(spec: ScheduleSpec, base_dir: Path | None) -> list[ScheduleRow]:
    """Return the schedule's rows: those written in the term sheet, then those of its scan."""
    rows = list(spec.rows)
    if spec.scan:
        scan = Path(spec.scan)
        if not scan.is_absolute() and base_dir is not None:
            scan = base_dir / scan
        rows += scan_schedule(scan, spec.domains, spec.max_rows)
    return rows
