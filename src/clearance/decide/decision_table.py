# SPDX-License-Identifier: Apache-2.0
"""The per-item decision table: facts + the decide columns + one set of columns per market.

Two functions are the seams with the scan engine:

- :func:`add_decision_columns` appends ``blocklist``, ``known_work`` and ``takedown`` to the
  items (before the law facts, which read ``blocklist`` for ``piracy_source``);
- :func:`with_market_columns` turns ``assessment.parquet``'s rows (item x market) into
  ``exposure_<m>``, ``provisional_<m>`` and ``reasons_<m>`` columns beside the facts.

:class:`DecisionTableBuilder` strings the scan engine's fact functions
(``clearance.engine.facts``: licences, reservations from an optional snapshot, law facts)
around them for ``clearance gate``, which needs the table in memory without writing a scan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from clearance.decide.blocklists import Blocklist, match_blocklists
from clearance.decide.knownworks import KnownWorks, match_known_works
from clearance.decide.takedown_match import match_counts, match_takedowns
from clearance.enrich.annotate import Categorizer
from clearance.fetch.snapshot import Snapshot
from clearance.law import assess_table

__all__ = [
    "DecisionColumns",
    "DecisionTableBuilder",
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


@dataclass
class DecisionTableBuilder:
    """Callable turning canonical items into the decision table (see the module docstring).

    ``settings`` passes further :class:`clearance.engine.facts.FactSettings` fields (access,
    retained_after_training, memorization, output_competes, gpai_eu_market, agent).
    """

    markets: Sequence[str]
    purpose: str = "genai_training"
    org_type: str | None = "company"
    as_of: dt.date | None = None
    snapshot: Snapshot | None = None
    blocklists: Sequence[Blocklist] | None = None
    known_works: Sequence[KnownWorks] = ()
    takedowns: pl.DataFrame | None = None
    base_dir: Path | None = None
    hash_images: bool = True
    settings: Mapping[str, Any] = field(default_factory=dict)
    known_work_counts: dict[str, int] = field(default_factory=dict)
    takedown_counts: list[pl.DataFrame] = field(default_factory=list)
    kb_as_of: str = ""

    def __call__(self, canonical: pa.Table) -> pa.Table:
        """Return the decision table of ``canonical`` (same rows, same order)."""
        from clearance.engine.facts import FactSettings, build_facts, law_input

        as_of = (
            dt.datetime.combine(self.as_of, dt.time(23, 59, 59), tzinfo=dt.UTC)
            if self.as_of
            else None
        )
        settings = FactSettings(
            purpose=self.purpose,
            org_type=self.org_type or "company",
            as_of=as_of,
            **dict(self.settings),
        )
        items = canonical if "category" in canonical.column_names else Categorizer()(canonical)
        built = build_facts(
            items,
            self.snapshot,
            settings,
            blocklists=self.blocklists,
            known_works=self.known_works,
            takedowns=self.takedowns,
            base_dir=self.base_dir,
            hash_images=self.hash_images,
        )
        for key, n in built.known_work_counts.items():
            self.known_work_counts[key] = self.known_work_counts.get(key, 0) + n
        if built.takedown_counts is not None:
            self.takedown_counts.append(built.takedown_counts)
        facts = built.facts
        assessed = assess_table(law_input(facts), list(self.markets), as_of=self.as_of)
        self.kb_as_of = (assessed.schema.metadata or {}).get(b"kb_as_of", b"").decode()
        return with_market_columns(facts, assessed, self.markets)
