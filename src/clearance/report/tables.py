# SPDX-License-Identifier: Apache-2.0
"""Bring the scan's tables into the shape every report part reads, columnar and once.

``prepare_tables(facts, assessment)`` joins the per-(item, market) assessment to the per-item
facts once (category, size) and derives, per item, its worst exposure, whether any market's
conclusion is provisional and its policy tier. Everything downstream (matrix, drivers,
ranking, drill-down) groups these frames; nothing iterates over rows in Python.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
import pyarrow as pa

from clearance.errors import ReportError
from clearance.report.knowledge import EXPOSURE_LEVELS

__all__ = [
    "ASSESSMENT_COLUMNS",
    "FACT_COLUMNS",
    "ScanTables",
    "column_or",
    "list_column",
    "prepare_tables",
]

logger = logging.getLogger(__name__)

_RANK = {level: i for i, level in enumerate(EXPOSURE_LEVELS)}


@dataclass(frozen=True, slots=True)
class ScanTables:
    """The report's working frames.

    ``rows``: one row per assessment row: ``idx`` (item position), ``arow`` (assessment row),
    ``category``, ``market``, ``rank`` (0 low .. 3 critical, null when unknown), ``provisional``,
    ``size`` (bytes, 0 when unknown). ``items``: one row per item of the facts: ``idx``,
    ``item_id``, ``category``, ``size``, ``worst`` (rank), ``any_provisional``, ``tier`` and the
    facts columns the drivers read. ``assessment``: the assessment as given (for reasons).
    """

    rows: pl.DataFrame
    items: pl.DataFrame
    assessment: pl.DataFrame
    markets: tuple[str, ...]
    categories: tuple[str, ...]
    unknown_exposure_rows: int


#: Facts columns the report reads (others are never converted).
FACT_COLUMNS = (
    "item_id",
    "category",
    "size_bytes",
    "url",
    "file_path",
    "dataset_name",
    "modality",
    "reservation",
    "reservation_now",
    "reservation_form",
    "license_permission",
    "personal_data",
    "personal_data_class",
    "piracy_source",
    "blocklist",
    "known_work",
    "takedown",
    "terms_prohibit_training",
)
#: Assessment columns the report reads.
ASSESSMENT_COLUMNS = (
    "item_id",
    "market",
    "exposure",
    "provisional",
    "reasons",
    "citations",
    "tier",
    "tier_reasons",
)


def _frame(table: pa.Table | pl.DataFrame, what: str, columns: Sequence[str]) -> pl.DataFrame:
    names = table.columns if isinstance(table, pl.DataFrame) else table.column_names
    present = [c for c in columns if c in names]
    if isinstance(table, pl.DataFrame):
        return table.select(present)
    frame = pl.from_arrow(table.select(present))
    if not isinstance(frame, pl.DataFrame):  # pragma: no cover - a Table always gives a frame
        raise ReportError(f"{what}: expected a table")
    return frame


def _aligned(f: pl.DataFrame, a: pl.DataFrame) -> pl.Series | None:
    """Return item positions when ``a`` is market blocks in the facts' order, else None.

    The law engine writes the assessment that way; comparing the ids block by block costs one
    pass, where a hash join would cost several.
    """
    n = f.height
    if n == 0 or a.height % n:
        return None
    ids = f["item_id"].cast(pl.String)
    other = a["item_id"].cast(pl.String)
    for block in range(a.height // n):
        if not (other.slice(block * n, n) == ids).all():
            return None
    positions = pl.int_range(0, n, dtype=pl.UInt32, eager=True)
    return pl.concat([positions] * (a.height // n))


def list_column(frame: pl.DataFrame, name: str) -> pl.Expr:
    """Return an expression for ``name`` as list<string>; comma-joined strings are split."""
    if name not in frame.columns:
        return pl.lit([], dtype=pl.List(pl.String)).alias(name)
    dtype = frame.schema[name]
    if isinstance(dtype, pl.List):
        return pl.col(name).cast(pl.List(pl.String))
    text = pl.col(name).cast(pl.String)
    return (
        pl.when(text.is_null() | (text == ""))
        .then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise(text.str.split(","))
        .alias(name)
    )


def _require(frame: pl.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ReportError(f"{what} lacks column(s) {', '.join(missing)}")


def _order(markets: Sequence[str] | None, found: list[str]) -> tuple[str, ...]:
    if not markets:
        return tuple(found)
    wanted = [m for m in markets if m]
    return tuple(wanted + [m for m in found if m not in wanted])


def _per_item_blocks(rows: pl.DataFrame, tiers: pl.DataFrame, n: int) -> pl.DataFrame:
    """Return worst rank, any provisional and tier per item when rows are aligned blocks."""
    k = rows.height // n
    ranks = rows["rank"].fill_null(-1).to_numpy().reshape(k, n).max(axis=0)
    provisional = rows["provisional"].to_numpy().reshape(k, n).any(axis=0)
    frame = pl.DataFrame(
        {
            "idx": pl.int_range(0, n, dtype=pl.UInt32, eager=True),
            "worst": pl.Series(ranks, dtype=pl.Int8),
            "any_provisional": pl.Series(provisional, dtype=pl.Boolean),
            "tier": tiers["tier"].slice(0, n)
            if tiers.height >= n
            else pl.Series([None] * n, dtype=pl.String),
        }
    )
    return frame.with_columns(pl.when(pl.col("worst") >= 0).then(pl.col("worst")).alias("worst"))


def prepare_tables(
    facts: pa.Table | pl.DataFrame,
    assessment: pa.Table | pl.DataFrame,
    *,
    markets: Sequence[str] | None = None,
    category_order: Sequence[str] = (),
) -> ScanTables:
    """Return the working frames; raise ReportError when a required column is missing.

    ``markets`` fixes the column order (the scan's ``--markets``); ``category_order`` the row
    order (the vocabulary's); categories and markets not listed follow in order of appearance.
    """
    f = _frame(facts, "facts", FACT_COLUMNS)
    a = _frame(assessment, "assessment", ASSESSMENT_COLUMNS)
    _require(f, ["item_id"], "facts")
    _require(a, ["item_id", "market", "exposure"], "assessment")
    size = (
        pl.col("size_bytes").cast(pl.Int64, strict=False).fill_null(0).clip(lower_bound=0)
        if "size_bytes" in f.columns
        else pl.lit(0, dtype=pl.Int64)
    )
    category = (
        pl.col("category").cast(pl.String).fill_null("unknown")
        if "category" in f.columns
        else pl.lit("unknown")
    )
    keys = f.select(
        pl.col("item_id").cast(pl.String),
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("idx"),
        category.alias("category"),
        size.alias("size"),
    )
    rank = (
        pl.col("exposure").cast(pl.String).replace_strict(_RANK, default=None, return_dtype=pl.Int8)
    )
    provisional = (
        pl.col("provisional").cast(pl.Boolean).fill_null(False)
        if "provisional" in a.columns
        else pl.lit(False)
    )
    tier = pl.col("tier").cast(pl.String) if "tier" in a.columns else pl.lit(None, pl.String)
    slim = a.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("arow"),
        pl.col("market").cast(pl.String),
        rank.alias("rank"),
        provisional.alias("provisional"),
    )
    positions = _aligned(f, a)
    if positions is not None:
        rows = slim.hstack(keys.drop("item_id")[positions])
        per_item = _per_item_blocks(rows, a.select(tier.alias("tier")), f.height)
    else:
        tiers = a["tier"].cast(pl.String) if "tier" in a.columns else pl.lit(None, pl.String)
        rows = slim.with_columns(a["item_id"].cast(pl.String), tiers.alias("tier"))
        rows = rows.join(keys, on="item_id", how="left").drop("item_id")
        per_item = (
            rows.filter(pl.col("idx").is_not_null())
            .group_by("idx")
            .agg(
                pl.col("rank").max().alias("worst"),
                pl.col("provisional").any().alias("any_provisional"),
                pl.col("tier").drop_nulls().first().alias("tier"),
            )
        )
        rows = rows.drop("tier")
    orphans = rows["idx"].null_count()
    if orphans:
        logger.warning("%d assessment rows name items missing from the facts", orphans)
        rows = rows.with_columns(
            pl.col("category").fill_null("unknown"), pl.col("size").fill_null(0)
        )
    unknown_rows = int(rows["rank"].null_count())
    keep = [c for c in f.columns if c not in {"item_id", "category", "size_bytes"}]
    items = (
        keys.hstack(f.select(keep))
        .join(per_item, on="idx", how="left", maintain_order="left")
        .with_columns(pl.col("any_provisional").fill_null(False))
    )
    found_markets = slim["market"].drop_nulls().unique(maintain_order=True).to_list()
    found_categories = keys["category"].unique(maintain_order=True).to_list()
    in_order = [c for c in category_order if c in set(found_categories)]
    categories = tuple(in_order + [c for c in found_categories if c not in in_order])
    return ScanTables(
        rows=rows,
        items=items,
        assessment=a,
        markets=_order(markets, found_markets),
        categories=categories,
        unknown_exposure_rows=unknown_rows,
    )


def column_or(frame: pl.DataFrame, name: str, default: Any = None) -> pl.Expr:
    """Return ``pl.col(name)`` when the frame has it, else a literal null (or ``default``)."""
    return pl.col(name) if name in frame.columns else pl.lit(default)
