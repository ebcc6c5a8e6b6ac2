# SPDX-License-Identifier: Apache-2.0
"""Bring the scan's tables into the shape every report part reads, columnar and once.

``prepare_tables(facts, assessment)`` maps every assessment row to its item (by position when
the assessment is market blocks in the facts' order, as the law engine writes it; else by a
hash join on ``item_id``) and encodes category, market and exposure as small integers with
Arrow compute, so the matrix and the drill-down are integer group-bys over millions of rows.
Per item it derives the worst exposure, whether any conclusion is provisional and the tier.
Wide text columns (URLs, reasons, citations) stay in Arrow and are gathered only for the few
rows a report shows.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from clearance.errors import ReportError
from clearance.report.knowledge import EXPOSURE_LEVELS

__all__ = [
    "CHANNEL_PREFIX",
    "CHANNEL_ROWS",
    "DRIVER_COLUMNS",
    "ScanTables",
    "assessment_lists",
    "gather",
    "list_column",
    "prepare_tables",
    "source_rows",
]

logger = logging.getLogger(__name__)

#: Facts columns converted for the per-item frame (the drivers read them).
DRIVER_COLUMNS = (
    "dataset_name", "modality", "reservation", "reservation_now", "reservation_form",
    "license_permission", "personal_data", "personal_data_class", "piracy_source", "blocklist",
    "known_work", "takedown", "terms_prohibit_training", "registrable_domain",
    "acquisition_channel", "agreement_id",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ScanTables:
    """The report's working frames.

    ``rows``: one row per assessment row, in its order: ``arow``, ``idx`` (item position, null
    for an item missing from the facts), ``cat`` and ``mkt`` (codes into ``categories`` and
    ``markets``), ``rank`` (0 low .. 3 critical, null when unknown), ``provisional``, ``size``
    (bytes, 0 when unknown), ``cell`` ((cat x len(markets) + mkt) x 5 + level, level 4 for
    unknown; ``n_cells`` for a row outside every market).
    ``items``: one row per item: ``idx``, ``item_id``, ``category``,
    ``size``, ``worst``, ``any_provisional``, ``tier`` and the driver columns. ``facts`` and
    ``assessment`` are the Arrow tables as given, for gathering shown rows.
    """

    rows: pl.DataFrame
    items: pl.DataFrame
    facts: pa.Table
    assessment: pa.Table
    markets: tuple[str, ...]
    categories: tuple[str, ...]
    unknown_exposure_rows: int

    @property
    def n_cells(self) -> int:
        """Return the number of (category, market, level) keys; also the 'unlisted' key."""
        return len(self.categories) * len(self.markets) * (len(EXPOSURE_LEVELS) + 1)


def _arrow(table: pa.Table | pl.DataFrame) -> pa.Table:
    return table.to_arrow() if isinstance(table, pl.DataFrame) else table


def _require(table: pa.Table, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in table.column_names]
    if missing:
        raise ReportError(f"{what} lacks column(s) {', '.join(missing)}")


def _text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    return column.cast(pa.large_string())


def _codes(column: pa.ChunkedArray, values: Sequence[str]) -> np.ndarray:
    """Return each value's position in ``values`` (-1 when absent or null) as int16.

    A dictionary-encoded chunk is looked up once per dictionary entry, not once per row.
    """
    parts = []
    for chunk in column.chunks:
        if pa.types.is_dictionary(chunk.type):
            lookup = _codes(pa.chunked_array([chunk.dictionary]), values)
            indices = np.asarray(chunk.indices.fill_null(0).to_numpy(), dtype=np.int64)
            codes = lookup[indices] if len(lookup) else np.full(len(chunk), -1, np.int16)
            parts.append(np.where(np.asarray(chunk.is_null()), -1, codes))
            continue
        target = chunk.type if pa.types.is_string(chunk.type) else pa.large_string()
        found = pc.index_in(chunk.cast(target), value_set=pa.array(list(values), target))
        parts.append(np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False)))
    if not parts:
        return np.zeros(0, dtype=np.int16)
    return np.concatenate(parts).astype(np.int16)


def _distinct(column: pa.ChunkedArray) -> list[str]:
    if pa.types.is_dictionary(column.type):
        used = pc.unique(column)  # the values used, still dictionary-encoded: a few entries
        return [v for v in used.cast(column.type.value_type).to_pylist() if v is not None]
    return [v for v in pc.unique(_text(column)).to_pylist() if v is not None]


def _ordered(first: Sequence[str], found: Sequence[str]) -> tuple[str, ...]:
    present = set(found)
    head = [v for v in first if v in present or not found]
    return tuple(dict.fromkeys(head + [v for v in found if v not in head]))


def _positions(f_ids: pa.ChunkedArray, a_ids: pa.ChunkedArray) -> np.ndarray | None:
    """Return item positions when the assessment is market blocks in the facts' order."""
    n = len(f_ids)
    if n == 0 or len(a_ids) % n:
        return None
    right = a_ids if not pa.types.is_dictionary(a_ids.type) else _text(a_ids)
    left = f_ids.cast(right.type) if f_ids.type != right.type else f_ids
    for block in range(len(a_ids) // n):
        same = pc.all(pc.fill_null(pc.equal(right.slice(block * n, n), left), False)).as_py()
        if not same:
            return None
    return np.tile(np.arange(n, dtype=np.int64), len(a_ids) // n)


def _joined(f_ids: pa.ChunkedArray, a_ids: pa.ChunkedArray) -> np.ndarray:
    """Return each assessment row's item position by hash lookup (-1 when absent).

    ``index_in`` hashes the facts' ids once and probes every assessment row; a repeated id in
    the facts resolves to its first position.
    """
    right = _text(a_ids) if pa.types.is_dictionary(a_ids.type) else a_ids
    left = f_ids.cast(right.type) if f_ids.type != right.type else f_ids
    found = pc.index_in(right, value_set=left.combine_chunks())
    return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)


#: Acquisition channels whose items form their own row of the matrix, whatever their site:
#: their legal position turns on the agreement, the generation or the users' terms.
CHANNEL_ROWS: dict[str, str] = {
    "licensed": "Licensed (agreements and licensed collections)",
    "synthetic": "Synthetic (generated by the provider)",
    "user_data": "User data (contributed by users)",
}
CHANNEL_PREFIX = "channel:"


def source_rows(category: pa.ChunkedArray, facts: pa.Table) -> pa.ChunkedArray:
    """Return each item's matrix row: its source category, or its channel for the channels
    of :data:`CHANNEL_ROWS` (``channel:licensed``, ...)."""
    if "acquisition_channel" not in facts.column_names:
        return category
    channel = pc.cast(facts["acquisition_channel"], pa.large_string())
    own = pc.is_in(channel, value_set=pa.array(list(CHANNEL_ROWS), pa.large_string()))
    keyed = pc.binary_join_element_wise(pa.scalar(CHANNEL_PREFIX, pa.large_string()),
                                        channel, pa.scalar("", pa.large_string()))
    return pc.if_else(pc.fill_null(own, False), keyed, category)


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
    f, a = _arrow(facts), _arrow(assessment)
    _require(f, ["item_id"], "facts")
    _require(a, ["item_id", "market", "exposure"], "assessment")
    n = f.num_rows
    category = (
        pc.fill_null(_text(f["category"]), "unknown")
        if "category" in f.column_names
        else pa.chunked_array([pa.array(["unknown"] * n, pa.large_string())])
    )
    category = source_rows(category, f)
    size = np.zeros(n, dtype=np.int64)
    if "size_bytes" in f.column_names:
        raw = pc.cast(f["size_bytes"], pa.int64(), safe=False).fill_null(0)
        size = np.maximum(np.asarray(raw.to_numpy(), dtype=np.int64), 0)
    order = (*category_order, *(CHANNEL_PREFIX + c for c in CHANNEL_ROWS))
    categories = _ordered(order, _distinct(category))
    market_list = _ordered(markets or (), _distinct(a["market"]))
    cat_of_item = _codes(category, categories)
    idx = _positions(f["item_id"], a["item_id"])
    aligned = idx is not None
    if idx is None:
        idx = _joined(f["item_id"], a["item_id"])
    known = idx >= 0
    safe_idx = np.where(known, idx, 0)
    rank = _codes(a["exposure"], EXPOSURE_LEVELS).astype(np.int8)
    provisional = (
        np.asarray(pc.fill_null(a["provisional"].cast(pa.bool_()), False).to_numpy(), dtype=bool)
        if "provisional" in a.column_names
        else np.zeros(a.num_rows, dtype=bool)
    )
    orphans = int((~known).sum())
    if orphans:
        logger.warning("%d assessment rows name items missing from the facts", orphans)
        if "unknown" not in categories:
            categories = (*categories, "unknown")
    unknown_code = categories.index("unknown") if "unknown" in categories else 0
    cat = cat_of_item[safe_idx] if not orphans else np.where(known, cat_of_item[safe_idx],
                                                             unknown_code)  # fmt: skip
    mkt = _codes(a["market"], market_list)
    slots = len(EXPOSURE_LEVELS) + 1
    cell = (cat.astype(np.int32) * len(market_list) + mkt) * slots
    cell += np.where(rank >= 0, rank, slots - 1)
    cell[mkt < 0] = len(categories) * len(market_list) * slots  # outside every market
    rows = pl.DataFrame(
        {
            "arow": pl.Series(np.arange(a.num_rows, dtype=np.uint32)),
            "idx": pl.Series(safe_idx.astype(np.uint32)),
            "cat": pl.Series(cat.astype(np.uint16)),
            "mkt": pl.Series(mkt),
            "rank": pl.Series(rank),
            "provisional": pl.Series(provisional),
            "size": pl.Series(
                size[safe_idx] if not orphans else np.where(known, size[safe_idx], 0)
            ),
            "cell": pl.Series(cell),
        }
    ).with_columns(pl.when(pl.col("rank") >= 0).then(pl.col("rank")).alias("rank"))
    if orphans:
        rows = rows.with_columns(pl.when(pl.Series(known)).then(pl.col("idx")).alias("idx"))
    tiers = _text(a["tier"]) if "tier" in a.column_names else None
    per_item = _per_item(rows, tiers, n, aligned)
    present = [c for c in DRIVER_COLUMNS if c in f.column_names]
    converted = pl.from_arrow(f.select(present)) if present else pl.DataFrame()
    assert isinstance(converted, pl.DataFrame)
    items = pl.DataFrame(
        {
            "idx": pl.Series(np.arange(n, dtype=np.uint32)),
            "item_id": pl.Series(_text(f["item_id"])),
            "category": pl.Series(category),
            "size": pl.Series(size),
        }
    )
    items = items.hstack(converted) if present else items
    items = items.hstack(per_item)
    return ScanTables(
        rows=rows,
        items=items,
        facts=f,
        assessment=a,
        markets=market_list,
        categories=categories,
        unknown_exposure_rows=int(rows["rank"].null_count()),
    )


def _per_item(
    rows: pl.DataFrame, tiers: pa.ChunkedArray | None, n: int, aligned: bool
) -> pl.DataFrame:
    """Return worst rank, any provisional and tier for items 0..n-1, in item order."""
    if aligned and n:
        k = rows.height // n
        worst = rows["rank"].fill_null(-1).to_numpy().reshape(k, n).max(axis=0)
        prov = rows["provisional"].to_numpy().reshape(k, n).any(axis=0)
        tier = pl.Series(tiers.slice(0, n)) if tiers is not None else None
        frame = pl.DataFrame({"worst": pl.Series(worst, dtype=pl.Int8), "any_provisional": prov})
    else:
        known = rows["idx"].is_not_null().to_numpy()
        where = rows["idx"].fill_null(0).to_numpy()[known].astype(np.int64)
        rank = rows["rank"].fill_null(-1).to_numpy()[known]
        worst = np.full(n, -1, dtype=np.int8)
        for level in range(len(EXPOSURE_LEVELS)):  # ascending: the highest present wins
            worst[np.bincount(where[rank == level], minlength=n)[:n] > 0] = level
        prov_rows = rows["provisional"].to_numpy()[known]
        prov = np.bincount(where, weights=prov_rows, minlength=n)[:n] > 0
        frame = pl.DataFrame({"worst": pl.Series(worst), "any_provisional": prov})
        tier = None
        if tiers is not None:
            firsts = (
                pl.DataFrame({"idx": rows["idx"], "tier": pl.Series(tiers).cast(pl.String)})
                .drop_nulls()
                .unique("idx", keep="first", maintain_order=True)
            )
            base = pl.DataFrame({"idx": pl.Series(np.arange(n, dtype=np.uint32))})
            tier = base.join(firsts, on="idx", how="left", maintain_order="left")["tier"]
    frame = frame.with_columns(pl.when(pl.col("worst") >= 0).then(pl.col("worst")).alias("worst"))
    tier_series = tier if tier is not None else pl.Series([None] * n, dtype=pl.String)
    return frame.with_columns(tier_series.cast(pl.String).alias("tier"))


def gather(table: pa.Table, column: str, positions: pl.Series | np.ndarray) -> pl.Series:
    """Return ``table[column]`` at ``positions`` as a Polars series (nulls when absent)."""
    take = np.asarray(positions.to_numpy() if isinstance(positions, pl.Series) else positions)
    if column not in table.column_names:
        return pl.Series(column, [None] * len(take), dtype=pl.String)
    values = table[column].take(pa.array(take, pa.int64()))
    if pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)
    return pl.Series(column, values)


#: Columns joined with another separator than a comma (tier reasons hold commas).
SEPARATORS = {"tier_reasons": "; "}


def list_column(frame: pl.DataFrame, name: str) -> pl.Expr:
    """Return an expression for ``name`` as list<string>; joined strings are split."""
    if name not in frame.columns:
        return pl.lit([], dtype=pl.List(pl.String)).alias(name)
    dtype = frame.schema[name]
    if isinstance(dtype, pl.List):
        return pl.col(name).cast(pl.List(pl.String))
    text = pl.col(name).cast(pl.String)
    return (
        pl.when(text.is_null() | (text == ""))
        .then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise(text.str.split(SEPARATORS.get(name, ",")))
        .alias(name)
    )


def assessment_lists(tables: ScanTables, column: str, arows: Any = None) -> pl.DataFrame:
    """Return the assessment's ``column`` (optionally at ``arows``) as a frame with ``mkt``.

    The column stays in its raw type (list, dictionary or string) so callers can count
    distinct values before splitting them with ``list_column``.
    """
    a = tables.assessment
    if arows is None:
        mkt = tables.rows["mkt"]
        if column not in a.column_names:
            return pl.DataFrame({"mkt": mkt})
        return pl.DataFrame({"mkt": mkt, column: pl.Series(column, a[column])})
    positions = np.asarray(arows.to_numpy() if isinstance(arows, pl.Series) else arows)
    mkt = tables.rows["mkt"].gather(positions)
    if column not in a.column_names:
        return pl.DataFrame({"mkt": mkt})
    values = a[column].take(pa.array(positions, pa.int64()))
    return pl.DataFrame({"mkt": mkt, column: pl.Series(column, values)})
