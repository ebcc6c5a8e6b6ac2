# SPDX-License-Identifier: Apache-2.0
"""What the report needs to argue its conclusions, computed from the scan's law facts.

Per market: the level each ground reached and the rules that drove items to high or medium
(``clearance.law.grounds``). Per main source category: the four-factor fair-use analysis (US)
and the text-and-data-mining analysis (EU and its member-state layers), as the leaning over
the category's items and the full analysis of its most common facts. All of it is counted
once per class of fact combinations, never per item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl
import pyarrow as pa

from clearance.law import analysis_table
from clearance.law.analyses.framework import run_analysis
from clearance.law.grounds import ground_table

__all__ = ["ANALYSES_BY_MARKET", "argued", "argued_counts", "category_analyses"]

COUNT = "__n"
CATEGORY = "__category"

#: The analyses the annex gives per main category, for the markets they apply to.
ANALYSES_BY_MARKET: dict[str, str] = {
    "us": "fair_use", "eu": "eu_tdm", "de": "eu_tdm", "fr": "eu_tdm", "it": "eu_tdm",
    "nl": "eu_tdm",
}  # fmt: skip
MAIN_CATEGORIES = 5
_LAW_FREE = ("item_id",)


def category_analyses(
    law: pa.Table, categories: pa.ChunkedArray | pa.Array, markets: Sequence[str],
    as_of: dt.date | None, *, limit: int = MAIN_CATEGORIES,
) -> list[dict[str, Any]]:
    """Return the analyses of the ``limit`` largest categories for the markets that have one."""
    frame = pl.from_arrow(law)
    assert isinstance(frame, pl.DataFrame)
    cats = pl.Series(CATEGORY, categories).cast(pl.String).fill_null("unknown")
    frame = frame.drop([c for c in _LAW_FREE if c in frame.columns]).with_columns(cats)
    return _analyses(frame.with_columns(pl.lit(1, pl.Int64).alias(COUNT)), markets, as_of,
                     limit=limit)


def _weighted_median(values: pl.Series, weights: pl.Series) -> Any:
    """Return the value at position total // 2 of the values repeated by their weights."""
    frame = pl.DataFrame({"v": values, "w": weights}).drop_nulls("v").sort("v")
    total = int(frame["w"].sum()) if frame.height else 0
    if not total:
        return None
    cumulative = frame["w"].cum_sum().to_numpy()
    position = int((cumulative > total // 2).argmax())
    return frame["v"][position]


def _analyses(frame: pl.DataFrame, markets: Sequence[str], as_of: dt.date | None, *,
              limit: int) -> list[dict[str, Any]]:
    """Return the analyses from law facts with a category and a count column."""
    wanted = [(m, ANALYSES_BY_MARKET[m]) for m in markets if m in ANALYSES_BY_MARKET]
    if not wanted or frame.height == 0:
        return []
    top = frame.group_by(CATEGORY).agg(pl.col(COUNT).sum().alias("len"))\
        .sort(["len", CATEGORY], descending=[True, False]).head(limit)
    out: list[dict[str, Any]] = []
    for category, n in top.iter_rows():
        part = frame.filter(pl.col(CATEGORY) == category).drop(CATEGORY)
        weights = part[COUNT]
        part = part.drop(COUNT)
        # the category's most common facts; dates vary item by item, so the median stands in
        keys = [c for c in part.columns if part.schema[c] not in (pl.Date, pl.Datetime)]
        combos = part.with_columns(weights).group_by(keys).agg(pl.col(COUNT).sum())\
            .sort(COUNT, descending=True)
        modal = {k: v for k, v in combos.row(0, named=True).items() if k != COUNT}
        for column in set(part.columns) - set(keys):
            middle = _weighted_median(part[column], weights)
            if middle is not None:
                modal[column] = middle
        modal = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in modal.items()
                 if v is not None}
        for market, name in wanted:
            table = analysis_table(part, name, market=market, as_of=as_of)
            leanings = pl.DataFrame({"l": pl.Series(table["leaning"]).cast(pl.String),
                                     "w": weights})
            spread = leanings.group_by("l").agg(pl.col("w").sum()).iter_rows()
            result = run_analysis(name, modal, market, as_of or dt.date.today())
            out.append({
                "category": category, "items": int(n), "market": market, "analysis": name,
                "leanings": {str(k): int(v) for k, v in spread},
                "modal_share": int(combos[COUNT][0]) / int(n),
                "modal": result.to_dict(),
            })
    return out


def argued(
    law: pa.Table, categories: pa.ChunkedArray | pa.Array, markets: Sequence[str],
    as_of: dt.date | None,
) -> dict[str, Any]:
    """Return ``{"grounds": [...], "analyses": [...]}`` for the report's configuration."""
    grounds = [g.to_dict() for g in ground_table(law, markets, as_of=as_of)]
    return {"grounds": grounds,
            "analyses": category_analyses(law, categories, markets, as_of)}


def argued_counts(counted: pl.DataFrame, markets: Sequence[str], as_of: dt.date | None,
                  ) -> dict[str, Any]:  # fmt: skip
    """Return :func:`argued` from law facts counted per distinct combination and category
    (``__category``, ``__n``)."""
    law = counted.drop(CATEGORY, COUNT)
    grounds = [g.to_dict() for g in ground_table(law, markets, as_of=as_of,
                                                 weights=counted[COUNT].to_numpy())]
    return {"grounds": grounds,
            "analyses": _analyses(counted, markets, as_of, limit=MAIN_CATEGORIES)}
