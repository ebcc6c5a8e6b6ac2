# SPDX-License-Identifier: Apache-2.0
"""How much the headline rests on each presumption: the scan re-judged with one fact changed.

The law engine judges distinct fact combinations, so re-judging a scan with a presumption
flipped costs a few hundred verdicts, not a pass over the items: the law input is grouped
once into (combination, count) rows, each variant rewrites a column of that small frame, and
the counts are summed per market and exposure level.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
import pyarrow as pa

from clearance.assumptions import PRESUMPTIONS, Assumptions, tri_value
from clearance.law.table import assess_table

__all__ = ["Variant", "Sensitivity", "presumption_variants", "sensitivity",
           "sensitivity_counts"]

LEVELS = ("low", "medium", "high", "critical")

Variant = Callable[[pl.DataFrame], pl.DataFrame]
"""Rewrites the distinct-combination frame (law vocabulary columns plus helper flags)."""


@dataclass(frozen=True, slots=True)
class Sensitivity:
    """Items per market and exposure level, for the scan as judged and for each variant."""

    baseline: dict[str, dict[str, int]]
    variants: dict[str, dict[str, dict[str, int]]]

    def share_high(self, market: str, variant: str | None = None) -> float:
        """Return the share of items at high or critical exposure in ``market``."""
        counts = (self.variants[variant] if variant else self.baseline).get(market, {})
        total = sum(counts.values())
        return (counts.get("high", 0) + counts.get("critical", 0)) / total if total else 0.0

    def to_dict(self) -> dict[str, object]:
        """Return JSON-ready data."""
        return {"baseline": self.baseline, "variants": self.variants}


def _counts(assessed: pa.Table, weights: np.ndarray) -> dict[str, dict[str, int]]:
    frame = pl.from_arrow(assessed.select(["row", "market", "exposure"]))
    assert isinstance(frame, pl.DataFrame)
    frame = frame.with_columns(
        pl.col("market").cast(pl.String),
        pl.col("exposure").cast(pl.String),
        pl.Series("n", weights)[frame["row"]].alias("n"),
    )
    out: dict[str, dict[str, int]] = {}
    for market, level, n in frame.group_by("market", "exposure").agg(pl.col("n").sum()).rows():
        out.setdefault(market, {lv: 0 for lv in LEVELS})[level] = int(n)
    return out


def sensitivity(
    law_facts: pa.Table,
    markets: Sequence[str],
    variants: Mapping[str, Variant],
    *,
    as_of: dt.date | None = None,
    extra: pa.Table | None = None,
) -> Sensitivity:
    """Return exposure counts per market for the law input as it is and for each variant.

    ``law_facts`` is :func:`clearance.engine.facts.law_input`'s table; ``extra`` adds helper
    columns (same rows) that variants may read, such as which rows carry a presumed value.
    """
    frame = pl.from_arrow(law_facts)
    assert isinstance(frame, pl.DataFrame)
    frame = frame.drop([c for c in ("item_id",) if c in frame.columns])
    if extra is not None:
        helper = pl.from_arrow(extra)
        assert isinstance(helper, pl.DataFrame)
        frame = frame.hstack(helper)
    if frame.is_empty():
        return Sensitivity({}, {name: {} for name in variants})
    grouped = frame.group_by(frame.columns).len(name="__n")
    helpers = list(extra.column_names) if extra is not None else []
    return sensitivity_counts(grouped, markets, variants, as_of=as_of, helpers=helpers)


def sensitivity_counts(
    counted: pl.DataFrame,
    markets: Sequence[str],
    variants: Mapping[str, Variant],
    *,
    as_of: dt.date | None = None,
    helpers: Sequence[str] = (),
) -> Sensitivity:
    """Return :func:`sensitivity` from distinct combinations with their counts (``__n``).

    ``helpers`` name the helper columns among ``counted``'s (variants may read them).
    """
    if counted.is_empty():
        return Sensitivity({}, {name: {} for name in variants})
    weights = counted["__n"].to_numpy()
    combos = counted.drop("__n")
    drop = list(helpers)

    def judge(table: pl.DataFrame) -> dict[str, dict[str, int]]:
        return _counts(assess_table(table.drop(drop), list(markets), as_of=as_of), weights)

    return Sensitivity(judge(combos), {name: judge(fn(combos)) for name, fn in variants.items()})


def _set(column: str, text: str, where: str | None = None) -> Variant:
    def apply(frame: pl.DataFrame) -> pl.DataFrame:
        if column not in frame.columns:
            return frame
        dtype = frame.schema[column]
        value: object = tri_value(text) if dtype == pl.Boolean else text
        new = pl.lit(value, dtype=dtype)
        if where is not None and where in frame.columns:
            new = pl.when(pl.col(where)).then(new).otherwise(pl.col(column))
        return frame.with_columns(new.alias(column))

    return apply


def presumption_variants(assumptions: Assumptions) -> dict[str, Variant]:
    """Return one variant per alternative of each presumption the scan made.

    Named ``<field>=<value>``; the alternative equal to the scan's own value is skipped.
    Access and personal data change only on the rows where they were presumed (helper
    columns ``access_presumed`` and ``personal_data_presumed``).
    """
    out: dict[str, Variant] = {}
    for p in PRESUMPTIONS:
        if p.fact is None:
            continue
        current = assumptions.shown(p.field)
        for alt in p.alternatives:
            if alt == current:
                continue
            where = f"{p.field}_presumed" if p.field in ("access", "personal_data") else None
            out[f"{p.field}={alt}"] = _set(p.fact, alt, where)
    return out
