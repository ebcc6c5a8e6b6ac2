# SPDX-License-Identifier: Apache-2.0
"""Drivers: what makes a source risky, counted per category and over the dataset.

A driver is a yes/no question about one item (does it come from a pirate source? was its site
reserved against AI training when it was collected?). Each is one Polars expression over the
per-item frame; a column the scan did not produce counts as "no" (not measured), never as a
finding. Recommendations and next steps (``data/report/recommendations.yaml``) read the counts.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from clearance.report.aggregate import ReportAggregate, as_aggregate
from clearance.report.knowledge import DRIVERS
from clearance.report.tables import ScanTables

__all__ = ["DATASET", "driver_counts", "driver_expressions"]

#: The category value of the row that totals the whole dataset.
DATASET: Final = "*"
_PERSONAL: Final = ("ordinary", "special_category", "biometric", "minors")
_SENSITIVE: Final = ("special_category", "biometric", "minors")


def _text(frame: pl.DataFrame, name: str) -> pl.Expr:
    return pl.col(name).cast(pl.String) if name in frame.columns else pl.lit(None, pl.String)


def _flag(frame: pl.DataFrame, name: str) -> pl.Expr:
    if name not in frame.columns:
        return pl.lit(False)
    return pl.col(name).cast(pl.Boolean, strict=False).fill_null(False)


def _present(frame: pl.DataFrame, name: str) -> pl.Expr:
    if name not in frame.columns:
        return pl.lit(False)
    return pl.col(name).is_not_null() & (pl.col(name).cast(pl.String) != "")


def driver_expressions(items: pl.DataFrame) -> dict[str, pl.Expr]:
    """Return one boolean expression per driver (``knowledge.DRIVERS``) over the item frame."""
    reservation = _text(items, "reservation")
    reserved = reservation == "reserved"
    licence = _text(items, "license_permission")
    has_licence = "license_permission" in items.columns
    # one position on "no licence": no licence found and "all rights reserved" count together
    # (license_position none); a licence whose own terms exclude the use is counted apart
    if "license_position" in items.columns:
        position = _text(items, "license_position")
        not_allowed, unknown = position == "excluded", position == "none"
    else:
        not_allowed = licence == "not_allowed"
        unknown = (licence.is_null() | (licence == "unknown")) & pl.lit(has_licence)
    pd_class = _text(items, "personal_data_class")
    tier = _text(items, "tier")
    exprs = {
        "piracy": _flag(items, "piracy_source")
        | _present(items, "blocklist")
        | _present(items, "known_work"),
        "takedown": _present(items, "takedown"),
        "reserved": reserved,
        "reserved_since": ~reserved.fill_null(False)
        & (_text(items, "reservation_now") == "reserved"),
        "natural_language_reservation": reserved
        & (_text(items, "reservation_form") == "natural_language"),
        "terms_prohibit": _flag(items, "terms_prohibit_training"),
        "licence_not_allowed": not_allowed,
        "licence_unknown": unknown,
        "licence_conditional": licence == "conditional",
        "personal_data": _flag(items, "personal_data") | pd_class.is_in(_PERSONAL),
        "sensitive_personal_data": pd_class.is_in(_SENSITIVE),
        "prohibited": tier == "prohibited",
        "restricted": tier == "restricted",
        "provisional": _flag(items, "any_provisional"),
        "high_exposure": pl.col("worst").fill_null(-1) >= 2,
    }
    assert tuple(exprs) == DRIVERS, "drivers and the knowledge vocabulary disagree"
    return {name: expr.fill_null(False) for name, expr in exprs.items()}


def driver_counts(tables: ScanTables | ReportAggregate) -> pl.DataFrame:
    """Return per category (and a ``*`` row for the dataset) items, bytes and driver counts."""
    agg = as_aggregate(tables)
    items = agg.items
    if not items.width:
        items = pl.DataFrame(schema={"category": pl.String, "worst": pl.Int8, "n": pl.Int64,
                                     "bytes": pl.Int64, "sized": pl.Int64})
    weight = pl.col("n")
    aggs = [
        weight.sum().cast(pl.Int64).alias("items"),
        pl.col("bytes").sum().cast(pl.Int64).alias("bytes"),
    ]
    aggs += [(e.cast(pl.Int64) * weight).sum().cast(pl.Int64).alias(n)
             for n, e in driver_expressions(items).items()]
    per = items.group_by("category").agg(aggs)
    total = per.select(pl.lit(DATASET).alias("category"), pl.exclude("category").sum())
    order = {c: i for i, c in enumerate(agg.category_order)}
    per = per.sort(pl.col("category").replace_strict(order, default=len(order)))
    return pl.concat([per, total.cast(per.schema)])
