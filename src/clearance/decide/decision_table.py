# SPDX-License-Identifier: Apache-2.0
"""The per-item decision table: facts + the decide columns + one set of columns per market.

Two functions are the seams with the engine:

- :func:`add_decision_columns` appends ``blocklist``, ``known_work`` and ``takedown`` to the
  items (before the law facts, which read ``blocklist`` for ``piracy_source``);
- :func:`with_market_columns` turns ``assessment.parquet``'s rows (item x market) into
  ``exposure_<m>``, ``provisional_<m>`` and ``reasons_<m>`` columns beside the facts.

The engine strings them around the facts stage; decide never imports
the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from clearance.decide.blocklists import Blocklist, match_blocklists
from clearance.decide.knownworks import KnownWorks, match_known_works
from clearance.decide.takedown_match import match_counts, match_takedowns

__all__ = [
    "DecisionColumns",
    "add_decision_columns",
    "with_market_columns",
]


@dataclass(frozen=True, slots=True)
class DecisionColumns:
    """Items with the decide columns, and what the matching counted."""

    table: pa.Table
    known_works: dict[str, int]
    takedown_counts: pl.DataFrame | None


def add_decision_columns(
    items: pa.Table,
    *,
    blocklists: Sequence[Blocklist] | None = None,
    known_works: Sequence[KnownWorks] = (),
    takedowns: pl.DataFrame | None = None,
    base_dir: Path | None = None,
    hash_images: bool = True,
) -> DecisionColumns:
    """Return ``items`` with ``blocklist``, ``known_work`` and ``takedown`` (replacing any).

    ``blocklists`` None means the shipped lists; ``takedowns`` is the ledger's
    :meth:`~clearance.decide.takedown.TakedownLedger.in_force` frame. Columnar throughout;
    only PDQ hashing of image files, when known-work PDQ lists are given, reads each file.
    """
    frame = pl.from_arrow(
        items.select(
            [
                c
                for c in (
                    "url",
                    "host",
                    "content_sha256",
                    "creator",
                    "modality",
                    "file_path",
                    "dataset_name",
                    "dataset_version",
                )
                if c in items.column_names
            ]
        )
    )
    assert isinstance(frame, pl.DataFrame)
    frame = frame.with_columns(pl.col(pl.Categorical).cast(pl.String))
    blocked = match_blocklists(frame, blocklists)
    known = match_known_works(frame, known_works, base_dir=base_dir, hash_images=hash_images)
    counts = {
        "sha256": known.sha256_hits,
        "pdq": known.pdq_hits,
        "images_hashed": known.images_hashed,
        "unreadable_images": known.unreadable,
        "missing_images": known.missing,
        "low_quality_images": known.low_quality,
    }
    taken: pa.Array = pa.nulls(items.num_rows, pa.string())
    per_request = None
    if takedowns is not None and takedowns.height:
        hit = match_takedowns(frame, takedowns)
        taken = hit.column
        per_request = match_counts(frame, hit.pairs) if hit.pairs.height else None
    out = items
    for name, values in (("blocklist", blocked), ("known_work", known.column), ("takedown", taken)):
        if name in out.column_names:
            out = out.drop_columns([name])
        out = out.append_column(pa.field(name, pa.string()), values)
    return DecisionColumns(out, counts, per_request)


def _drop_empty(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    series = pl.from_arrow(values)
    assert isinstance(series, pl.Series)
    return series.list.eval(pl.element().filter(pl.element() != "")).to_arrow()


def with_market_columns(
    facts: pa.Table,
    assessment: pa.Table,
    markets: Sequence[str],
    *,
    read: set[str] | None = None,
) -> pa.Table:
    """Return ``facts`` plus ``exposure_<m>``, ``provisional_<m>`` and ``reasons_<m>`` per market.

    ``assessment`` is :func:`clearance.law.assess_table`'s output for ``facts``' rows (its
    ``row`` column is the facts row); ``reasons_<m>`` lists the law rule ids that fired.
    With ``read`` (the columns a policy reads), only ``reasons_<m>`` columns in it are built:
    splitting millions of reason strings into lists is the costly part.
    """
    market = assessment["market"].cast(pa.string())
    out = facts
    for m in markets:
        part = assessment.filter(pc.equal(market, m))
        rows = part["row"]
        if (
            len(rows) > 1
            and not pc.all(pc.greater(rows.slice(1), rows.slice(0, len(rows) - 1))).as_py()
        ):
            part = part.sort_by("row")
        if part.num_rows != facts.num_rows:
            raise ValueError(f"assessment has {part.num_rows} rows for {m}, facts {facts.num_rows}")
        columns: list[tuple[str, pa.Array | pa.ChunkedArray]] = [
            (f"exposure_{m}", part["exposure"].cast(pa.string())),
            (f"provisional_{m}", part["provisional"]),
        ]
        if read is None or f"reasons_{m}" in read:
            reasons = pc.split_pattern(pc.fill_null(part["reasons"].cast(pa.string()), ""), ",")
            columns.append((f"reasons_{m}", _drop_empty(reasons)))
        for name, values in columns:
            if name in out.column_names:
                out = out.drop_columns([name])
            out = out.append_column(name, values)
    return out
