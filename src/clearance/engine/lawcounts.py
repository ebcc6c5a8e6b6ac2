# SPDX-License-Identifier: Apache-2.0
"""The law facts of a scan as distinct combinations with counts: a streaming aggregate.

The report re-judges the scan with each presumption flipped (sensitivity) and argues its
conclusions from grounds and analyses per category; all of it reads the law input only
through its distinct combinations. Each batch contributes ``law_counts`` (combinations with
``__n``, plus the helper flags and the item's category); merging is a concatenation and a
group-by, so the aggregate grows with distinct combinations, never with rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl
import pyarrow as pa

from clearance.assumptions import Assumptions
from clearance.engine.argue import argued_counts
from clearance.engine.sensitivity import Sensitivity, presumption_variants, sensitivity_counts

__all__ = ["CATEGORY", "COUNT", "HELPERS", "law_counts", "merge_law_counts", "report_law"]

COUNT = "__n"
CATEGORY = "__category"
#: Facts columns saying where a law fact was presumed (the sensitivity variants read them).
HELPERS = ("access_presumed", "personal_data_presumed")


def law_counts(law: pa.Table, facts: pa.Table) -> pl.DataFrame:
    """Return the distinct (law facts, helper flags, category) of a batch with their counts."""
    frame = pl.from_arrow(law)
    assert isinstance(frame, pl.DataFrame)
    frame = frame.drop([c for c in ("item_id",) if c in frame.columns])
    helpers = [c for c in HELPERS if c in facts.column_names]
    if helpers:
        extra = pl.from_arrow(facts.select(helpers))
        assert isinstance(extra, pl.DataFrame)
        frame = frame.hstack(extra)
    category = pl.from_arrow(facts["category"]) if "category" in facts.column_names else None
    cats = (pl.Series(CATEGORY, category).cast(pl.String).fill_null("unknown")
            if category is not None else pl.Series(CATEGORY, ["unknown"] * frame.height))
    frame = frame.with_columns(pl.col(pl.Categorical).cast(pl.String)).hstack([cats])
    return frame.group_by(frame.columns, maintain_order=True).len(name=COUNT)


def merge_law_counts(parts: Sequence[pl.DataFrame]) -> pl.DataFrame:
    """Return the counts of several batches as one aggregate."""
    present = [p for p in parts if p.height]
    if not present:
        return pl.DataFrame()
    frame = pl.concat(present, how="diagonal_relaxed")
    keys = [c for c in frame.columns if c != COUNT]
    return frame.group_by(keys, maintain_order=True).agg(pl.col(COUNT).sum())


def report_law(counts: pl.DataFrame, markets: Sequence[str], assumptions: Assumptions,
               as_of: dt.date | None) -> tuple[Sensitivity, dict[str, Any]]:
    """Return the sensitivity and the argued conclusions' counts from the aggregate."""
    helpers = [c for c in HELPERS if c in counts.columns]
    if not counts.height:
        sens = Sensitivity({}, {name: {} for name in presumption_variants(assumptions)})
        return sens, {"grounds": [], "analyses": []}
    by_facts = counts.drop(CATEGORY)
    keys = [c for c in by_facts.columns if c != COUNT]
    by_facts = by_facts.group_by(keys, maintain_order=True).agg(pl.col(COUNT).sum())
    sens = sensitivity_counts(by_facts, list(markets), presumption_variants(assumptions),
                              as_of=as_of, helpers=helpers)
    reasons = argued_counts(counts.drop(helpers), list(markets), as_of)
    return sens, reasons
