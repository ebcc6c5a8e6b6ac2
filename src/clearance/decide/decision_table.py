# SPDX-License-Identifier: Apache-2.0
"""Build the per-item decision table from canonical records, offline (no signals fetched).

This is the gate's stand-in for the scan engine until ``clearance.engine.scan`` provides the
facts: it adds categories, licences, blocklist, known-work and takedown hits, the law facts
(purpose, org type, personal data, piracy source) and, per market, ``exposure_<m>``,
``provisional_<m>`` and ``reasons_<m>`` from :func:`clearance.law.assess_table`. Signals are
not fetched here, so ``reservation`` and ``reservation_now`` are unknown, which every shipped
policy treats as needing review. Each step is columnar and computed once per distinct value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from clearance.decide.blocklists import Blocklist, match_blocklists
from clearance.decide.knownworks import KnownWorks, match_known_works
from clearance.decide.takedown_match import match_counts, match_takedowns
from clearance.enrich.annotate import Categorizer
from clearance.enrich.licenses import add_license_columns
from clearance.law import assess_table

__all__ = ["DecisionTableBuilder"]

_USE = {
    "research": "research_training",
    "commercial_training": "commercial_training",
    "genai_training": "genai_training",
}
_EMPTY_LIST = pa.list_(pa.string())


@dataclass
class DecisionTableBuilder:
    """Callable turning a canonical batch into decision-table rows; keeps running counts."""

    markets: Sequence[str]
    purpose: str = "genai_training"
    org_type: str | None = None
    as_of: dt.date | None = None
    blocklists: Sequence[Blocklist] | None = None
    known_works: Sequence[KnownWorks] = ()
    takedowns: pl.DataFrame | None = None
    base_dir: Path | None = None
    hash_images: bool = True
    known_work_counts: dict[str, int] = field(default_factory=dict)
    takedown_counts: list[pl.DataFrame] = field(default_factory=list)
    kb_as_of: str = ""

    def __post_init__(self) -> None:
        self._categorize = Categorizer()

    def _count(self, key: str, n: int) -> None:
        self.known_work_counts[key] = self.known_work_counts.get(key, 0) + n

    def __call__(self, canonical: pa.Table) -> pa.Table:
        """Return ``canonical`` with every decision-table column added (same rows, order)."""
        table = canonical if "category" in canonical.column_names else self._categorize(canonical)
        table = add_license_columns(
            table, _USE.get(self.purpose, "genai_training"), layers={"dataset": "dataset_license"}
        )
        n = table.num_rows
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)
        frame = frame.with_columns(_plain_text(frame))
        blocked = match_blocklists(frame, self.blocklists)
        known = match_known_works(
            frame, self.known_works, base_dir=self.base_dir, hash_images=self.hash_images
        )
        for key, value in (
            ("sha256", known.sha256_hits),
            ("pdq", known.pdq_hits),
            ("images_hashed", known.images_hashed),
            ("unreadable_images", known.unreadable),
            ("missing_images", known.missing),
            ("low_quality_images", known.low_quality),
        ):
            self._count(key, value)
        taken: pa.Array = pa.nulls(n, pa.string())
        if self.takedowns is not None and self.takedowns.height:
            hit = match_takedowns(frame, self.takedowns)
            taken = hit.column
            if hit.pairs.height:
                self.takedown_counts.append(match_counts(frame, hit.pairs))
        frame = frame.with_columns(
            pl.Series("blocklist", blocked, pl.String),
            pl.Series("known_work", known.column, pl.String),
            pl.Series("takedown", taken, pl.String),
        )
        frame = frame.with_columns(
            pl.lit("unknown").alias("reservation"),
            pl.lit(None, pl.String).alias("reservation_form"),
            pl.lit([], _as_pl(_EMPTY_LIST)).alias("reservation_standards"),
            pl.lit(None, pl.Datetime("us", "UTC")).alias("reservation_capture_at"),
            pl.lit(None, pl.String).alias("reservation_evidence"),
            pl.lit("unknown").alias("reservation_now"),
            (pl.col("blocklist").is_not_null() | (pl.col("category") == "shadow_library")).alias(
                "piracy_source"
            ),
            pl.lit(self.purpose).alias("purpose"),
            pl.lit(self.org_type, pl.String).alias("org_type"),
            pl.lit(None, pl.String).alias("access"),
            pl.when(pl.col("personal_data").is_null())
            .then(pl.lit("unknown"))
            .when(pl.col("personal_data"))
            .then(pl.lit("ordinary"))
            .otherwise(pl.lit("none"))
            .alias("personal_data_class"),
            *[
                pl.lit(None, pl.Boolean).alias(c)
                for c in (
                    "database_substantial_extraction",
                    "retained_after_training",
                    "memorization",
                    "output_competes",
                    "terms_prohibit_training",
                )
            ],
        )
        return self._with_law(frame)

    def _with_law(self, frame: pl.DataFrame) -> pa.Table:
        facts = frame.select(
            "purpose",
            "org_type",
            "access",
            "piracy_source",
            "collected_at",
            "license_permission",
            "reservation",
            "reservation_form",
            "license_id",
            pl.col("category").alias("source_category"),
            pl.col("personal_data_class").alias("personal_data"),
        )
        assessed = assess_table(facts, list(self.markets), as_of=self.as_of)
        self.kb_as_of = (assessed.schema.metadata or {}).get(b"kb_as_of", b"").decode()
        market = assessed["market"].cast(pa.string())
        columns: dict[str, pa.Array] = {}
        for m in self.markets:
            part = assessed.filter(pc.equal(market, m))
            rows = part["row"].to_numpy()
            if len(rows) != frame.height or (len(rows) and (rows[:-1] > rows[1:]).any()):
                part = part.sort_by("row")
            columns[f"exposure_{m}"] = part["exposure"].cast(pa.string())
            columns[f"provisional_{m}"] = part["provisional"]
            reasons = part["reasons"].cast(pa.string())
            columns[f"reasons_{m}"] = pc.split_pattern(pc.fill_null(reasons, ""), ",")
        table = frame.to_arrow()
        for name, values in columns.items():
            if name.startswith("reasons_"):
                values = _drop_empty(values)
            table = table.append_column(name, values)
        return table


def _plain_text(frame: pl.DataFrame) -> list[pl.Expr]:
    """Return casts of dictionary-encoded (categorical) columns to plain strings."""
    out = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.Categorical | pl.Enum):
            out.append(pl.col(name).cast(pl.String))
        elif isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Categorical | pl.Enum):
            out.append(pl.col(name).cast(pl.List(pl.String)))
    return out


def _as_pl(kind: pa.DataType) -> pl.DataType:
    series = pl.from_arrow(pa.array([], kind))
    assert isinstance(series, pl.Series)
    return series.dtype


def _drop_empty(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    series = pl.from_arrow(values)
    assert isinstance(series, pl.Series)
    return series.list.eval(pl.element().filter(pl.element() != "")).to_arrow()
