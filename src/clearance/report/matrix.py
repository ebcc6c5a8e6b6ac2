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
from clearance.report.knowledge import EXPOSURE_LEVELS
from clearance.report.tables import (
    CHANNEL_PREFIX,
    CHANNEL_ROWS,
    ScanTables,
    gather,
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


def _exact_sums(key: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Return per-key sums of int64 ``values``, exact (bincount sums in float64)."""
    if int(values.sum()) < 2**53:  # every partial sum is an integer float64 holds exactly
        return np.bincount(key, weights=values, minlength=size).astype(np.int64)
    values = values.astype(np.int64)
    high = np.bincount(key, weights=values >> 24, minlength=size).astype(np.int64)
    low = np.bincount(key, weights=values & 0xFFFFFF, minlength=size).astype(np.int64)
    return np.asarray((high << 24) + low, dtype=np.int64)


def matrix_frame(tables: ScanTables) -> pl.DataFrame:
    """Return the risk matrix as a Polars frame (columns ``MATRIX_COLUMNS``).

    One pass of ``numpy.bincount`` over the assessment rows keyed by (category code, market
    code, level); the few hundred groups are then laid out as one row per cell, empty cells
    as zeros.
    """
    levels = len(EXPOSURE_LEVELS)
    n_cat, n_mkt = len(tables.categories), len(tables.markets)
    rows = tables.rows
    key = rows["cell"].to_numpy()
    size = tables.n_cells + 1
    shape = (n_cat, n_mkt, levels + 1)
    counts = np.bincount(key, minlength=size)[:-1].reshape(shape)
    sizes = _exact_sums(key, rows["size"].to_numpy(), size)[:-1].reshape(shape)
    prov = np.bincount(key, weights=rows["provisional"].to_numpy(), minlength=size)[:-1]
    prov = prov.reshape(shape).sum(axis=2)
    cells: dict[tuple[int, int], dict[str, Any]] = {
        (ci, mi): {
            "n": [int(v) for v in counts[ci, mi]],
            "b": [int(v) for v in sizes[ci, mi]],
            "p": int(round(prov[ci, mi])),
        }
        for ci in range(n_cat)
        for mi in range(n_mkt)
    }
    out: dict[str, list[Any]] = {c: [] for c in MATRIX_COLUMNS}
    for ci, category in enumerate(tables.categories):
        label = _label(category)
        for mi, market in enumerate(tables.markets):
            cell = cells.get((ci, mi), {"n": [0] * (levels + 1), "b": [0] * (levels + 1), "p": 0})
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


def cell_items(tables: ScanTables, limit: int = 20) -> pl.DataFrame:
    """Return up to ``limit`` items per matrix cell, highest exposure first, for the drill-down.

    Columns: category, market, item_id, url, exposure, provisional, reasons (list), tier, and
    the evidence behind the item's reservation: reservation, capture_at, capture_url,
    record_id, excerpt, age_days (capture to collection), licence.
    The first ``limit`` rows of each (cell, level) are found in one chunked pass, then the
    small candidate set is sorted; text columns are gathered from Arrow for those rows only.
    """
    rows = tables.rows
    key = np.where(rows["idx"].is_not_null().to_numpy(), rows["cell"].to_numpy(), tables.n_cells)
    need = np.minimum(np.bincount(key, minlength=tables.n_cells + 1), limit)
    need[-1] = 0  # rows without an item or a market are never listed
    candidates = rows[_first_rows(key, need)].with_columns(pl.col("rank").fill_null(-1))
    picked = (
        candidates.sort(["cat", "mkt", "rank", "arow"], descending=[False, False, True, False])
        .group_by("cat", "mkt", maintain_order=True)
        .head(limit)
    )
    reasons = pl.DataFrame({"reasons": gather(tables.assessment, "reasons", picked["arow"])})
    url = gather(tables.facts, "url", picked["idx"])
    path = gather(tables.facts, "file_path", picked["idx"])
    level = dict(enumerate(EXPOSURE_LEVELS))
    evidence = {
        name: gather(tables.facts, name, picked["idx"])
        for name in ("reservation", "reservation_capture_at", "reservation_capture_url",
                     "reservation_record_id", "reservation_excerpt",
                     "reservation_capture_age_days", "license_effective_id")
    }
    return pl.DataFrame(
        {
            "category": [tables.categories[c] for c in picked["cat"].to_list()],
            "market": [tables.markets[m] for m in picked["mkt"].to_list()],
            "item_id": gather(tables.facts, "item_id", picked["idx"]).cast(pl.String),
            "url": url.cast(pl.String).fill_null(path.cast(pl.String)),
            "exposure": [level.get(r, "unknown") for r in picked["rank"].to_list()],
            "provisional": picked["provisional"],
            "reasons": reasons.select(list_column(reasons, "reasons"))["reasons"]
            if reasons.height
            else pl.Series([], dtype=pl.List(pl.String)),
            "tier": gather(tables.assessment, "tier", picked["arow"]).cast(pl.String),
            "reservation": evidence["reservation"].cast(pl.String),
            "capture_at": evidence["reservation_capture_at"].cast(pl.String),
            "capture_url": evidence["reservation_capture_url"].cast(pl.String),
            "record_id": evidence["reservation_record_id"].cast(pl.String),
            "excerpt": evidence["reservation_excerpt"].cast(pl.String),
            "age_days": evidence["reservation_capture_age_days"].cast(pl.Int64),
            "licence": evidence["license_effective_id"].cast(pl.String),
        },
        schema_overrides={"category": pl.String, "market": pl.String, "exposure": pl.String},
    )
