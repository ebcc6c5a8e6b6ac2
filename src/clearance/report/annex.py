# SPDX-License-Identifier: Apache-2.0
"""The annex's tables: per market, per category, policy tiers, reasons and authorities.

Each function groups the prepared frames once (list columns are grouped by distinct value
before they are exploded, so millions of rows cost one hash pass) and returns plain Python
rows for the renderers: at most a few hundred, whatever the size of the scan.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import polars as pl
import yaml

from clearance.law.rules import default_rules
from clearance.report.aggregate import ReportAggregate, as_aggregate
from clearance.report.knowledge import EXPOSURE_LEVELS
from clearance.report.tables import ScanTables, list_column
from clearance.yamlio import load_yaml

__all__ = [
    "TIERS",
    "market_rows",
    "rights_notes",
    "rule_title",
    "signal_rows",
    "tier_rows",
    "top_values",
]

TIERS = ("approved", "restricted", "prohibited")


@functools.cache
def rights_notes() -> dict[str, str]:
    """Return each category's rights notes from the shipped vocabulary (empty when unreadable)."""
    path = resources.files("clearance").joinpath("data/categories/vocabulary.yaml")
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
        cats = data["categories"]
        return {k: " ".join(str(v.get("rights_notes", "")).split()) for k, v in cats.items()}
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError):
        return {}


@functools.cache
def _rule_titles() -> dict[str, str]:
    try:
        return {rid: rule.title for rid, rule in default_rules().rules.items()}
    except Exception:
        return {}


def rule_title(rule_id: str) -> str:
    """Return the title of a law rule, or the id itself when unknown."""
    return _rule_titles().get(rule_id, rule_id)


def top_values(frame: pl.DataFrame, column: str, by: str | None = None, n: int = 5) -> pl.DataFrame:
    """Return the ``n`` most frequent values of a list (or comma) column, per ``by`` group.

    Columns: [by,] value, count. Distinct lists are counted first, then exploded.
    """
    keys = [by] if by else []
    if column not in frame.columns:
        return pl.DataFrame(
            schema={**{k: frame.schema[k] for k in keys}, "value": pl.String, "count": pl.Int64}
        )
    if "n" in frame.columns:  # counted rows (an aggregate): sum their counts
        distinct = frame.group_by(*keys, column).agg(pl.col("n").sum().alias("len"))
    else:
        distinct = frame.group_by(*keys, column).len()  # raw values first: a few hundred rows
    counted = (
        distinct.select(*keys, list_column(distinct, column), "len")
        .explode(column)
        .drop_nulls(column)
        .filter(pl.col(column) != "")
        .group_by(*keys, column)
        .agg(pl.col("len").sum().cast(pl.Int64).alias("count"))
        .rename({column: "value"})
        .sort([*keys, "count", "value"], descending=[*[False] * len(keys), True, False])
    )
    if by:
        return counted.group_by(by, maintain_order=True).head(n)
    return counted.head(n)


def market_rows(tables: ScanTables | ReportAggregate, matrix: pl.DataFrame
                ) -> list[dict[str, Any]]:  # fmt: skip
    """Return per market: items, bytes, items and share per level, provisional, top reasons."""
    agg = as_aggregate(tables)
    sums = [f"items_{lv}" for lv in EXPOSURE_LEVELS] + [f"bytes_{lv}" for lv in EXPOSURE_LEVELS]
    per = (
        matrix.group_by("market", maintain_order=True)
        .agg(pl.col("items", "bytes", "provisional_items", "items_unknown", *sums).sum())
        .to_dicts()
    )
    reasons = top_values(_or_empty(agg.reasons, "reasons"), "reasons", by="market", n=5)
    cites = top_values(_or_empty(agg.citations, "citations"), "citations", by="market", n=6)
    out = []
    for row in per:
        items = row["items"] or 0
        row["shares"] = {
            lv: (row[f"items_{lv}"] / items if items else 0.0) for lv in EXPOSURE_LEVELS
        }
        mine = reasons.filter(pl.col("market") == row["market"])
        row["reasons"] = [
            {"id": r, "title": rule_title(r), "count": c}
            for r, c in zip(mine["value"].to_list(), mine["count"].to_list(), strict=True)
        ]
        mine = cites.filter(pl.col("market") == row["market"])
        row["citations"] = list(zip(mine["value"].to_list(), mine["count"].to_list(), strict=True))
        out.append(row)
    order = {m: i for i, m in enumerate(agg.market_order)}
    return sorted(out, key=lambda r: order.get(r["market"], len(order)))


def _or_empty(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """Return a counted frame, or an empty one with market, ``column`` and n."""
    if frame.width:
        return frame
    return pl.DataFrame(schema={"market": pl.String, column: pl.String, "n": pl.Int64})


def tier_rows(tables: ScanTables | ReportAggregate) -> dict[str, Any]:
    """Return the policy results: items per tier overall and per category, top tier reasons."""
    agg = as_aggregate(tables)
    items = agg.items
    if not items.width or "tier" not in items.columns or \
            items.filter(pl.col("tier").is_not_null()).is_empty():
        return {"applied": False, "totals": {}, "by_category": [], "reasons": []}
    counts = items.group_by("category", "tier").agg(pl.col("n").sum().alias("len"))
    by_category: list[dict[str, Any]] = []
    for category in agg.category_order:
        mine = counts.filter(pl.col("category") == category)
        tiers = dict(zip(mine["tier"].to_list(), mine["len"].to_list(), strict=True))
        by_category.append({"category": category, **{t: int(tiers.get(t, 0)) for t in TIERS}})
    totals: dict[str, int] = {t: sum(int(r[t]) for r in by_category) for t in TIERS}
    totals["untiered"] = int(items.filter(pl.col("tier").is_null())["n"].sum())
    reasons: list[tuple[str, int]] = []
    if "tier_reasons" in agg.assessment_columns and agg.market_order:
        first = agg.market_order[0]  # tiers are item-level: one market's rows count each item
        one = _or_empty(agg.tier_reasons, "tier_reasons").filter(pl.col("market") == first)
        top = top_values(one.drop("market"), "tier_reasons", n=8)
        reasons = list(zip(top["value"].to_list(), top["count"].to_list(), strict=True))
    return {"applied": True, "totals": totals, "by_category": by_category, "reasons": reasons}


def signal_rows(signals: Any) -> list[dict[str, Any]]:
    """Return hosts per (standard, verdict) from signals.parquet; empty when none were given."""
    if signals is None:
        return []
    frame = signals if isinstance(signals, pl.DataFrame) else pl.from_arrow(signals)
    if not isinstance(frame, pl.DataFrame) or frame.is_empty():
        return []
    need = {"host", "standard", "verdict"}
    if not need <= set(frame.columns):
        return []
    grouped = (
        frame.group_by(pl.col("standard").cast(pl.String), pl.col("verdict").cast(pl.String))
        .agg(pl.col("host").n_unique().alias("hosts"), pl.len().alias("signals"))
        .sort(["hosts", "standard", "verdict"], descending=[True, False, False])
    )
    return grouped.head(40).to_dicts()
