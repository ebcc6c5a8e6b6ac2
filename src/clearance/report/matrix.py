# SPDX-License-Identifier: Apache-2.0
"""The risk matrix: source category x market -> items, bytes and share at each exposure level.

One row per (category, market), every category of the facts crossed with every market of the
scan (empty cells are zeros, never missing). Computed with one group-by over the joined
assessment rows; ``cell_items`` picks the items each cell of the HTML drill-down lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import polars as pl
import pyarrow as pa

from clearance.enrich.categories import category_ids, default_knowledge
from clearance.report.aggregate import ReportAggregate, as_aggregate
from clearance.report.knowledge import EXPOSURE_LEVELS
from clearance.report.tables import (
    CHANNEL_PREFIX,
    CHANNEL_ROWS,
    ScanTables,
    list_column,
    prepare_tables,
)

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
    if category.startswith(CHANNEL_PREFIX):
        return CHANNEL_ROWS.get(category[len(CHANNEL_PREFIX):], category)
    labels = default_knowledge().categories
    return labels.get(category, category.replace("_", " ").capitalize())


def matrix_frame(tables: ScanTables | ReportAggregate) -> pl.DataFrame:
    """Return the risk matrix as a Polars frame (columns ``MATRIX_COLUMNS``).

    The aggregate's cells (category, market, level) with their item, byte and provisional
    counts are laid out as one row per (category, market), empty cells as zeros.
    """
    agg = as_aggregate(tables)
    categories, markets = agg.category_order, agg.market_order
    levels = len(EXPOSURE_LEVELS)
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    if agg.cells.height:
        for category, market, level, n, size, prov in agg.cells.select(
                "category", "market", "level", "n", "bytes", "provisional").iter_rows():
            cell = cells.setdefault((category, market), {"n": [0] * (levels + 1),
                                                         "b": [0] * (levels + 1), "p": 0})
            cell["n"][level] += int(n)
            cell["b"][level] += int(size)
            cell["p"] += int(prov)
    out: dict[str, list[Any]] = {c: [] for c in MATRIX_COLUMNS}
    for category in categories:
        label = _label(category)
        for market in markets:
            cell = cells.get((category, market), {"n": [0] * (levels + 1),
                                                  "b": [0] * (levels + 1), "p": 0})
            items, size = sum(cell["n"]), sum(cell["b"])
            out["category"].append(category)
            out["category_label"].append(label)
            out["market"].append(market)
            out["items"].append(items)
            out["bytes"].append(size)
            for i, lv in enumerate(EXPOSURE_LEVELS):
                out[f"items_{lv}"].append(cell["n"][i])
                out[f"bytes_{lv}"].append(cell["b"][i])
                out[f"share_{lv}"].append(cell["n"][i] / items if items else 0.0)
            out["items_unknown"].append(cell["n"][levels])
            out["provisional_items"].append(cell["p"])
            out["exposure_weight"].append(
                sum(cell["n"][i] * EXPOSURE_WEIGHTS[lv] for i, lv in enumerate(EXPOSURE_LEVELS))
            )
            seen = [i for i in range(levels) if cell["n"][i]]
            out["worst"].append(EXPOSURE_LEVELS[max(seen)] if seen else None)
    schema: dict[str, Any] = {c: pl.Int64 for c in MATRIX_COLUMNS}
    schema.update({c: pl.String for c in ("category", "category_label", "market", "worst")})
    schema.update({f"share_{lv}": pl.Float64 for lv in EXPOSURE_LEVELS})
    return pl.DataFrame(out, schema=schema)


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


def _first_rows(key: np.ndarray, need: np.ndarray, chunk: int = 1 << 16) -> np.ndarray:
    """Return the positions of the first ``need[k]`` rows of each key ``k``, in row order.

    Scans in chunks and stops once every key has its rows; each chunk sorts only the rows
    whose key still needs some, so the cost stays near one pass over the keys.
    """
    remaining = need.astype(np.int64).copy()
    picked: list[np.ndarray] = []
    for start in range(0, len(key), chunk):
        if not remaining.any():
            break
        part = key[start : start + chunk]
        wanted = np.nonzero(remaining[part] > 0)[0]
        if wanted.size == 0:
            continue
        order = wanted[np.argsort(part[wanted], kind="stable")]
        keys = part[order]
        occurrence = np.arange(len(keys)) - np.searchsorted(keys, keys, side="left")
        take = occurrence < remaining[keys]
        picked.append(start + order[take])
        remaining -= np.bincount(keys[take], minlength=len(remaining))
    return np.sort(np.concatenate(picked)) if picked else np.zeros(0, dtype=np.int64)


def cell_items(tables: ScanTables | ReportAggregate, limit: int = 20) -> pl.DataFrame:
    """Return up to ``limit`` items per matrix cell, highest exposure first, for the drill-down.

    Columns: category, market, item_id, url, exposure, provisional, reasons (list), tier, and
    the evidence behind the item's reservation: reservation, capture_at, capture_url,
    record_id, excerpt, age_days (capture to collection), licence. The aggregate kept the
    first rows of each (category, market, level) in row order; of those, the worst come
    first.
    """
    agg = as_aggregate(tables)
    categories, markets = agg.category_order, agg.market_order
    drill = agg.drill
    if not drill.height:
        return _empty_drill()
    cat_code = {c: i for i, c in enumerate(categories)}
    mkt_code = {m: i for i, m in enumerate(markets)}
    unknown = len(EXPOSURE_LEVELS)
    picked = (
        drill.with_columns(
            pl.col("category").replace_strict(cat_code, default=len(cat_code),
                                              return_dtype=pl.Int64).alias("__c"),
            pl.col("market").replace_strict(mkt_code, default=len(mkt_code),
                                            return_dtype=pl.Int64).alias("__m"),
            pl.when(pl.col("level") == unknown).then(-1).otherwise(pl.col("level"))
            .alias("__r"),
        )
        .sort(["__c", "__m", "__r", "order"], descending=[False, False, True, False])
        .group_by("__c", "__m", maintain_order=True)
        .head(limit)
    )
    level = dict(enumerate(EXPOSURE_LEVELS))
    reasons = picked.select(list_column(picked, "reasons"))["reasons"]
    return pl.DataFrame(
        {
            "category": picked["category"],
            "market": picked["market"],
            "item_id": picked["item_id"],
            "url": picked["url"],
            "exposure": [level.get(r, "unknown") for r in picked["__r"].to_list()],
            "provisional": picked["provisional"],
            "reasons": reasons,
            "tier": picked["tier"],
            "reservation": picked["reservation"].cast(pl.String),
            "capture_at": picked["reservation_capture_at"].cast(pl.String),
            "capture_url": picked["reservation_capture_url"].cast(pl.String),
            "record_id": picked["reservation_record_id"].cast(pl.String),
            "excerpt": picked["reservation_excerpt"].cast(pl.String),
            "age_days": picked["reservation_capture_age_days"].cast(pl.Int64),
            "licence": picked["license_effective_id"].cast(pl.String),
        },
        schema_overrides={"category": pl.String, "market": pl.String, "exposure": pl.String},
    )


def _empty_drill() -> pl.DataFrame:
    return pl.DataFrame(schema={
        "category": pl.String, "market": pl.String, "item_id": pl.String, "url": pl.String,
        "exposure": pl.String, "provisional": pl.Boolean, "reasons": pl.List(pl.String),
        "tier": pl.String, "reservation": pl.String, "capture_at": pl.String,
        "capture_url": pl.String, "record_id": pl.String, "excerpt": pl.String,
        "age_days": pl.Int64, "licence": pl.String})
