# SPDX-License-Identifier: Apache-2.0
"""What a report needs from a scan, kept as counts: built batch by batch, never re-read.

A report's numbers are counts over items and assessment rows grouped by low-cardinality keys
(category, market, exposure level, tier, the driver columns), the top reasons and citations,
the registrable domains behind the worst items, and a few example rows per matrix cell. A
:class:`ReportAggregate` holds exactly that: it is filled from each batch's facts and
assessment (:meth:`ReportAggregate.add`, through :func:`~clearance.report.tables.prepare_tables`
on the batch), merged across workers (:meth:`ReportAggregate.merge`), and its size grows with
distinct keys (categories x markets x levels, distinct reason lists, domains), not with
rows. Every report function reads it; a whole facts and assessment table is one batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
import pyarrow as pa

from clearance.enrich.categories import category_ids
from clearance.report.knowledge import EXPOSURE_LEVELS
from clearance.report.tables import (
    CHANNEL_PREFIX,
    CHANNEL_ROWS,
    DRIVER_COLUMNS,
    ScanTables,
    gather,
    prepare_tables,
)

__all__ = ["DRILL_KEEP", "ReportAggregate", "aggregate_tables", "as_aggregate"]

#: Example rows kept per (category, market, level): the drill-down lists up to this many.
DRILL_KEEP = 20
#: Driver columns reduced to "present" (a list entry, a request id): only presence is read.
_PRESENCE = ("blocklist", "known_work", "takedown")
#: Driver columns kept elsewhere (their own aggregate) rather than as item keys.
_APART = ("dataset_name", "registrable_domain")
_DATASETS = 5
_EVIDENCE = ("reservation", "reservation_capture_at", "reservation_capture_url",
             "reservation_record_id", "reservation_excerpt", "reservation_capture_age_days",
             "license_effective_id")  # fmt: skip
_LEVEL_UNKNOWN = len(EXPOSURE_LEVELS)


def _concat(frames: Sequence[pl.DataFrame]) -> pl.DataFrame:
    present = [f for f in frames if f.width]
    if not present:
        return pl.DataFrame()
    return pl.concat(present, how="diagonal_relaxed")


def _regroup(frame: pl.DataFrame, sums: Sequence[str]) -> pl.DataFrame:
    if not frame.width or frame.is_empty():
        return frame
    keys = [c for c in frame.columns if c not in sums]
    return frame.group_by(keys, maintain_order=True).agg(pl.col(list(sums)).sum())


def _first_appearance(*lists: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(v for values in lists for v in values))


@dataclass
class ReportAggregate:
    """The counts a report is written from (see the module docstring).

    ``items``: item keys (category, modality, tier, worst, any_provisional and the drivers)
    with ``n``, ``bytes`` and ``sized`` (items with a known size). ``cells``: category,
    market, ``level`` (0 low .. 3 critical, 4 unknown) with ``n``, ``bytes``,
    ``provisional``. ``reasons`` (market, reasons, n), ``citations`` (category, market,
    level, citations, n), ``tier_reasons`` (market, tier_reasons, n): raw values, split when
    reported. ``holders``: category, ``high`` (worst at high or above), registrable_domain,
    n. ``drill``: the first :data:`DRILL_KEEP` rows of each (category, market, level), in
    item order (``order``). ``categories``/``markets``: in order of first appearance.
    """

    items: pl.DataFrame = field(default_factory=pl.DataFrame)
    cells: pl.DataFrame = field(default_factory=pl.DataFrame)
    reasons: pl.DataFrame = field(default_factory=pl.DataFrame)
    citations: pl.DataFrame = field(default_factory=pl.DataFrame)
    tier_reasons: pl.DataFrame = field(default_factory=pl.DataFrame)
    holders: pl.DataFrame = field(default_factory=pl.DataFrame)
    drill: pl.DataFrame = field(default_factory=pl.DataFrame)
    categories: list[str] = field(default_factory=list)
    markets: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    columns: set[str] = field(default_factory=set)
    assessment_columns: set[str] = field(default_factory=set)
    total_items: int = 0
    total_rows: int = 0
    unknown_exposure_rows: int = 0
    orphans: bool = False
    tiered: bool = False
    order: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    meta: dict[str, str] = field(default_factory=dict)

    def add(self, facts: pa.Table | pl.DataFrame, assessment: pa.Table | pl.DataFrame) -> None:
        """Count one batch: its facts and their assessment rows (item x market)."""
        tables = prepare_tables(facts, assessment, category_order=category_ids())
        self.merge(aggregate_tables(tables, offset=self.total_rows))
        if not self.meta and isinstance(assessment, pa.Table) and assessment.schema.metadata:
            self.meta = {k.decode(): v.decode() for k, v in assessment.schema.metadata.items()}

    def merge(self, other: ReportAggregate) -> None:
        """Add ``other``'s counts (a later batch: its drill rows come after ours)."""
        self.items = _regroup(_concat([self.items, other.items]), ("n", "bytes", "sized"))
        self.cells = _regroup(_concat([self.cells, other.cells]),
                              ("n", "bytes", "provisional"))
        self.reasons = _regroup(_concat([self.reasons, other.reasons]), ("n",))
        self.citations = _regroup(_concat([self.citations, other.citations]), ("n",))
        self.tier_reasons = _regroup(_concat([self.tier_reasons, other.tier_reasons]), ("n",))
        self.holders = _regroup(_concat([self.holders, other.holders]), ("n",))
        drill = _concat([self.drill, other.drill])
        if drill.height:
            drill = drill.sort("order").group_by("category", "market", "level",
                                                 maintain_order=True).head(DRILL_KEEP)
        self.drill = drill
        self.categories = _first_appearance(self.categories, other.categories)
        self.markets = _first_appearance(self.markets, other.markets)
        self.datasets = _first_appearance(self.datasets, other.datasets)[:_DATASETS]
        self.columns |= other.columns
        self.assessment_columns |= other.assessment_columns
        self.total_items += other.total_items
        self.total_rows += other.total_rows
        self.unknown_exposure_rows += other.unknown_exposure_rows
        self.orphans = self.orphans or other.orphans
        self.tiered = self.tiered or other.tiered

    @property
    def category_order(self) -> tuple[str, ...]:
        """Return the matrix's rows in order (see :meth:`fix_order`)."""
        return (self.order or self.ordered())[0]

    @property
    def market_order(self) -> tuple[str, ...]:
        """Return the matrix's columns in order (see :meth:`fix_order`)."""
        return (self.order or self.ordered())[1]

    def fix_order(self, markets: Sequence[str] = ()) -> ReportAggregate:
        """Fix the report order of categories and markets (``markets``: the scan's)."""
        self.order = self.ordered(markets)
        return self

    def ordered(self, markets: Sequence[str] = ()) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Return (categories, markets) in report order: vocabulary first, then as found."""
        order = (*category_ids(), *(CHANNEL_PREFIX + c for c in CHANNEL_ROWS))
        found = self.categories
        head = [v for v in order if v in set(found) or not found]
        categories = tuple(dict.fromkeys(head + [v for v in found if v not in head]))
        if self.orphans and "unknown" not in categories:
            categories = (*categories, "unknown")
        present = set(self.markets)
        first = [m for m in markets if m in present or not self.markets]
        ordered = tuple(dict.fromkeys(first + [m for m in self.markets if m not in first]))
        return categories, ordered


def as_aggregate(tables: ScanTables | ReportAggregate) -> ReportAggregate:
    """Return ``tables`` as an aggregate (prepared tables keep their order)."""
    if isinstance(tables, ReportAggregate):
        return tables
    agg = aggregate_tables(tables)
    agg.order = (tables.categories, tables.markets)
    if tables.assessment.schema.metadata:
        agg.meta = {k.decode(): v.decode() for k, v in tables.assessment.schema.metadata.items()}
    return agg


def _strings(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col(pl.Categorical, pl.Enum).cast(pl.String))


def aggregate_tables(tables: ScanTables, *, offset: int = 0) -> ReportAggregate:
    """Return the aggregate of one batch's prepared tables (its assessment rows numbered
    from ``offset``, which orders the drill-down's examples across batches)."""
    cats, mkts = tables.categories, tables.markets
    rows = tables.rows
    items = tables.items
    n = items.height
    inside = rows.filter(pl.col("mkt") >= 0)
    keyed = inside.with_columns(
        pl.Series(list(cats), dtype=pl.String).gather(inside["cat"]).alias("category"),
        pl.Series(list(mkts), dtype=pl.String).gather(inside["mkt"].cast(pl.UInt32))
        .alias("market"),
        pl.col("rank").fill_null(_LEVEL_UNKNOWN).cast(pl.Int8).alias("level"),
    )
    known_item = keyed["idx"].is_not_null()
    cells = keyed.group_by("category", "market", "level", maintain_order=True).agg(
        pl.len().cast(pl.Int64).alias("n"), pl.col("size").sum().cast(pl.Int64).alias("bytes"),
        pl.col("provisional").sum().cast(pl.Int64).alias("provisional"))
    a = tables.assessment
    agg = ReportAggregate(cells=cells, total_items=n, total_rows=rows.height,
                          unknown_exposure_rows=tables.unknown_exposure_rows)
    agg.categories = items["category"].cast(pl.String).unique(maintain_order=True).to_list()
    agg.markets = [m for m in _distinct_codes(rows.filter(pl.col("mkt") >= 0)["mkt"], mkts)]
    agg.columns = set(tables.facts.column_names)
    agg.assessment_columns = set(a.column_names)
    agg.orphans = bool(rows["idx"].null_count())
    agg.tiered = "tier" in a.column_names
    arows = keyed["arow"]
    if "reasons" in a.column_names:
        agg.reasons = _counted(a, "reasons", keyed.select("market"), arows)
    if "citations" in a.column_names:
        agg.citations = _counted(a, "citations", keyed.select("category", "market", "level"),
                                 arows)
    if "tier_reasons" in a.column_names:
        agg.tier_reasons = _counted(a, "tier_reasons", keyed.select("market"), arows)
    agg.items = _item_keys(items)
    if "registrable_domain" in items.columns:
        agg.holders = _strings(items.select(
            "category", (pl.col("worst").fill_null(-1) >= 2).alias("high"),
            pl.col("registrable_domain").cast(pl.String)))\
            .group_by("category", "high", "registrable_domain", maintain_order=True)\
            .agg(pl.len().alias("n"))
    if "dataset_name" in items.columns:
        agg.datasets = [d for d in items["dataset_name"].cast(pl.String).drop_nulls()
                        .unique(maintain_order=True).head(_DATASETS).to_list() if d]
    agg.drill = _drill(tables, keyed.filter(known_item), offset)
    return agg


def _counted(a: pa.Table, column: str, keys: pl.DataFrame, arows: pl.Series) -> pl.DataFrame:
    """Return ``keys`` + ``column`` (raw text) + ``n``: the rows counted per distinct value.

    A dictionary column is counted on its codes and only the distinct codes are decoded,
    so millions of assessment rows cost an integer group-by, not a string gather.
    """
    values = a[column]
    if pa.types.is_dictionary(values.type):
        merged = values.unify_dictionaries().combine_chunks() \
            if isinstance(values, pa.ChunkedArray) else values
        if isinstance(merged, pa.ChunkedArray):
            merged = merged.combine_chunks()
        codes = pl.Series("__code", merged.indices).gather(arows)
        counted = keys.with_columns(codes).group_by([*keys.columns, "__code"],
                                                    maintain_order=True).agg(pl.len().alias("n"))
        words = pl.Series(column, merged.dictionary).cast(pl.String)
        text = pl.DataFrame({"__code": pl.Series(range(len(words)), dtype=codes.dtype),
                             column: words})
        return counted.join(text, on="__code", how="left", maintain_order="left")\
            .select(*keys.columns, column, "n")
    frame = _strings(keys.with_columns(gather(a, column, arows).alias(column)))
    return frame.group_by([*keys.columns, column], maintain_order=True).agg(pl.len().alias("n"))


def _distinct_codes(codes: pl.Series, names: Sequence[str]) -> list[str]:
    return [names[int(c)] for c in codes.unique(maintain_order=True).to_list()
            if c is not None and 0 <= int(c) < len(names)]


def _item_keys(items: pl.DataFrame) -> pl.DataFrame:
    """Return the items grouped by every column a report reads per item."""
    keep = [c for c in DRIVER_COLUMNS if c in items.columns and c not in _APART]
    exprs: list[pl.Expr] = [pl.col("category").cast(pl.String)]
    for c in keep:
        if c in _PRESENCE:
            present = pl.col(c).is_not_null() & (pl.col(c).cast(pl.String) != "")
            exprs.append(pl.when(present).then(pl.lit(True)).alias(c))
        else:
            exprs.append(pl.col(c))
    exprs += [pl.col("worst"), pl.col("any_provisional"), pl.col("tier").cast(pl.String)]
    frame = _strings(items.select(*exprs, pl.col("size")))
    return frame.group_by([c for c in frame.columns if c != "size"], maintain_order=True).agg(
        pl.len().cast(pl.Int64).alias("n"), pl.col("size").sum().cast(pl.Int64).alias("bytes"),
        (pl.col("size") > 0).sum().cast(pl.Int64).alias("sized"))


def _drill(tables: ScanTables, keyed: pl.DataFrame, offset: int) -> pl.DataFrame:
    """Return the first DRILL_KEEP rows of each (category, market, level), with what the
    drill-down shows of them."""
    picked = keyed.with_row_index("__pos").group_by(
        "category", "market", "level", maintain_order=True).head(DRILL_KEEP).sort("__pos")
    if picked.is_empty():
        return pl.DataFrame()
    f, a = tables.facts, tables.assessment
    idx = picked["idx"]
    columns: dict[str, Any] = {
        "category": picked["category"], "market": picked["market"], "level": picked["level"],
        "order": (picked["arow"].cast(pl.Int64) + offset).alias("order"),
        "provisional": picked["provisional"],
        "item_id": gather(f, "item_id", idx).cast(pl.String),
        "url": gather(f, "url", idx).cast(pl.String).fill_null(
            gather(f, "file_path", idx).cast(pl.String)),
        "reasons": gather(a, "reasons", picked["arow"]),
        "tier": gather(a, "tier", picked["arow"]).cast(pl.String),
    }
    for name in _EVIDENCE:
        columns[name] = gather(f, name, idx)
    frame = pl.DataFrame(columns)
    if isinstance(frame.schema["reasons"], pl.List):
        frame = frame.with_columns(pl.col("reasons").cast(pl.List(pl.String)).list.join(","))
    return _strings(frame).with_columns(
        pl.col("reasons").cast(pl.String), pl.col("reservation_capture_at").cast(pl.String),
        pl.col("reservation_capture_age_days").cast(pl.Int64))
