# SPDX-License-Identifier: Apache-2.0
"""The risk matrix: source category x market -> items, bytes and share at each exposure level.

One row per (category, market), every category of the facts crossed with every market of the
scan (empty cells are zeros, never missing). Computed with one group-by over the joined
assessment rows; ``cell_items`` picks the items each cell of the HTML drill-down lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import polars as pl
import pyarrow as pa

from clearance.enrich.categories import category_ids, default_knowledge
from clearance.report.knowledge import EXPOSURE_LEVELS
from clearance.report.tables import ScanTables, list_column, prepare_tables

__all__ = ["EXPOSURE_WEIGHTS", "MATRIX_COLUMNS", "cell_items", "matrix_frame", "risk_matrix"]

#: Weight of one item at each exposure level in the ranking (docs/reports.md).
EXPOSURE_WEIGHTS: Final[dict[str, int]] = {"low": 0, "medium": 1, "high": 3, "critical": 9}

MATRIX_COLUMNS: Final[tuple[str, ...]] = (
    "category",
    "category_label",
    "market",
    "items",
    "bytes",
    *(f"items_{lv}" for lv in EXPOSURE_LEVELS),
    *(f"bytes_{lv}" for lv in EXPOSURE_LEVELS),
    *(f"share_{lv}" for lv in EXPOSURE_LEVELS),
    "items_unknown",
    "provisional_items",
    "exposure_weight",
    "worst",
)


def _label(category: str) -> str:
    labels = default_knowledge().categories
    return labels.get(category, category.replace("_", " ").capitalize())


def matrix_frame(tables: ScanTables) -> pl.DataFrame:
    """Return the risk matrix as a Polars frame (columns ``MATRIX_COLUMNS``)."""
    aggs: list[pl.Expr] = [
        pl.len().cast(pl.Int64).alias("items"),
        pl.col("size").sum().alias("bytes"),
    ]
    for i, level in enumerate(EXPOSURE_LEVELS):
        hit = pl.col("rank") == i
        aggs.append(hit.sum().cast(pl.Int64).alias(f"items_{level}"))
        aggs.append(pl.col("size").filter(hit).sum().cast(pl.Int64).alias(f"bytes_{level}"))
    aggs.append(pl.col("rank").is_null().sum().cast(pl.Int64).alias("items_unknown"))
    aggs.append(pl.col("provisional").sum().cast(pl.Int64).alias("provisional_items"))
    aggs.append(pl.col("rank").max().alias("worst_rank"))
    counted = tables.rows.group_by("category", "market").agg(aggs)
    grid = pl.DataFrame(
        {
            "category": [c for c in tables.categories for _ in tables.markets],
            "market": [m for _ in tables.categories for m in tables.markets],
        },
        schema={"category": pl.String, "market": pl.String},
    )
    out = grid.join(counted, on=["category", "market"], how="left", maintain_order="left")
    counts = [c for c in out.columns if c.startswith(("items", "bytes", "provisional"))]
    out = out.with_columns(pl.col(counts).fill_null(0).cast(pl.Int64))
    weight = sum(
        (pl.col(f"items_{lv}") * EXPOSURE_WEIGHTS[lv] for lv in EXPOSURE_LEVELS), pl.lit(0)
    )
    shares = [
        pl.when(pl.col("items") > 0)
        .then(pl.col(f"items_{lv}") / pl.col("items"))
        .otherwise(0.0)
        .alias(f"share_{lv}")
        for lv in EXPOSURE_LEVELS
    ]
    labels = {c: _label(c) for c in tables.categories}
    out = out.with_columns(
        pl.col("category").replace_strict(labels, return_dtype=pl.String).alias("category_label"),
        weight.cast(pl.Int64).alias("exposure_weight"),
        pl.col("worst_rank")
        .cast(pl.Int64)
        .replace_strict(dict(enumerate(EXPOSURE_LEVELS)), default=None, return_dtype=pl.String)
        .alias("worst"),
        *shares,
    )
    return out.select(MATRIX_COLUMNS)


def risk_matrix(
    facts: pa.Table | pl.DataFrame,
    assessment: pa.Table | pl.DataFrame,
    *,
    markets: Sequence[str] | None = None,
) -> pa.Table:
    """Return the risk matrix of a scan as an Arrow table: one row per category x market.

    ``facts`` and ``assessment`` follow the scan contract; ``markets`` orders the columns.
    Raises ReportError when a required column is missing.
    """
    tables = prepare_tables(facts, assessment, markets=markets, category_order=category_ids())
    return matrix_frame(tables).to_arrow()


def cell_items(tables: ScanTables, limit: int = 20) -> pl.DataFrame:
    """Return up to ``limit`` items per matrix cell, highest exposure first, for the drill-down.

    Columns: category, market, item_id, url, exposure, provisional, reasons (list), tier.
    Candidates are cut per (cell, level) before sorting, so the sort stays small.
    """
    rows = tables.rows.filter(pl.col("idx").is_not_null())
    first = (
        rows.with_columns(pl.col("rank").fill_null(-1))
        .group_by("category", "market", "rank", maintain_order=True)
        .head(limit)
    )
    picked = (
        first.sort(["category", "market", "rank", "arow"], descending=[False, False, True, False])
        .group_by("category", "market", maintain_order=True)
        .head(limit)
    )
    a = tables.assessment[picked["arow"]]
    tier = pl.col("tier").cast(pl.String) if "tier" in a.columns else pl.lit(None, pl.String)
    extra = a.with_columns(list_column(a, "reasons"), tier.alias("tier")).select("reasons", "tier")
    items = tables.items[picked["idx"]]
    url = pl.col("url").cast(pl.String) if "url" in items.columns else pl.lit(None, pl.String)
    path = pl.col("file_path").cast(pl.String) if "file_path" in items.columns else pl.lit(None)
    where = items.select(pl.coalesce(url, path).alias("url"), "item_id")
    level = pl.col("rank").replace_strict(
        {i: lv for i, lv in enumerate(EXPOSURE_LEVELS)}, default="unknown", return_dtype=pl.String
    )
    return pl.concat(
        [picked.select("category", "market", level.alias("exposure"), "provisional"), where, extra],
        how="horizontal",
    ).select("category", "market", "item_id", "url", "exposure", "provisional", "reasons", "tier")
