# SPDX-License-Identifier: Apache-2.0
"""The red team's findings as the scan's per-item ``memorization`` fact.

``clearance redteam probe`` (text and code) and ``clearance redteam images check
--memorization`` write a memorisation table (``redteam.findings.MEMORIZATION_SCHEMA``): one row
per indexed source with ``memorization`` true (an output reproduced it), false (probed, nothing
reproduced) or null (not tested). ``--memorization-table FILE`` hands such tables to a scan,
an assess or a gate: an item a table names takes the tested value as its ``memorization``
fact, with the table's basis as its evidence; every other item keeps the presumption
(``--memorization``, unknown by default). A row names its item by ``item_id`` (a corpus built
from a scan) or, failing that, by ``source`` equal to the item's URL.

Rows that say nothing (null) are dropped when a table is read, so what travels to the workers
is bounded by what was tested, not by the size of the index. When tables disagree about an
item, reproduction wins: one output that reproduces a work is enough.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from clearance.errors import InputError

__all__ = [
    "BASIS", "TESTED", "MemorizationFindings", "apply_memorization", "load_memorization",
    "tested_counts",
]

#: The item columns the findings add: the tested value (null: untested) and its evidence.
TESTED = "memorization_tested"
BASIS = "memorization_basis"


@dataclass(frozen=True, slots=True)
class MemorizationFindings:
    """Tested memorisation per item: ``by_id`` (item_id) and ``by_url`` (source = URL)."""

    files: tuple[str, ...] = ()
    by_id: dict[str, tuple[bool, str]] = field(default_factory=dict)
    by_url: dict[str, tuple[bool, str]] = field(default_factory=dict)
    rows_read: int = 0
    rows_untested: int = 0

    @property
    def tested(self) -> int:
        """Return how many sources the tables say something about."""
        return len(self.by_id) + len(self.by_url)

    @property
    def reproduced(self) -> int:
        """Return how many of them an output reproduced."""
        return sum(v for v, _ in self.by_id.values()) + sum(v for v, _ in self.by_url.values())

    def to_dict(self) -> dict[str, Any]:
        """Return what scan.json and the report record about the tables."""
        return {"files": list(self.files), "rows_read": self.rows_read,
                "rows_untested": self.rows_untested, "sources_tested": self.tested,
                "sources_reproduced": self.reproduced}  # fmt: skip

    def frame(self) -> pl.DataFrame:
        """Return the findings as rows (key kind, key, value, basis) for a join."""
        rows = [("item_id", k, v, b) for k, (v, b) in self.by_id.items()]
        rows += [("url", k, v, b) for k, (v, b) in self.by_url.items()]
        return pl.DataFrame(rows, schema={"kind": pl.String, "key": pl.String,
                                          TESTED: pl.Boolean, BASIS: pl.String},
                            orient="row")  # fmt: skip


def _merge(into: dict[str, tuple[bool, str]], key: str, value: bool, basis: str) -> None:
    old = into.get(key)
    if old is None or (value and not old[0]):
        into[key] = (value, basis)


def load_memorization(paths: Sequence[Path]) -> MemorizationFindings | None:
    """Read memorisation tables (Parquet); return None when none is given.

    Raises InputError naming the file for one that cannot be read or lacks the columns
    (``memorization`` and ``item_id`` or ``source``).
    """
    if not paths:
        return None
    by_id: dict[str, tuple[bool, str]] = {}
    by_url: dict[str, tuple[bool, str]] = {}
    read = untested = 0
    for path in paths:
        try:
            table = pq.read_table(path)
        except (OSError, pa.ArrowException) as exc:
            raise InputError(f"--memorization-table {path}: not a readable Parquet file "
                             f"({exc})") from exc
        names = set(table.column_names)
        if "memorization" not in names or not names & {"item_id", "source"}:
            raise InputError(f"--memorization-table {path}: needs a 'memorization' column and "
                             "'item_id' or 'source' (the table `clearance redteam probe` writes)")
        frame = pl.from_arrow(table.select([c for c in ("item_id", "source", "memorization",
                                                         "basis") if c in names]))
        assert isinstance(frame, pl.DataFrame)
        if frame.schema["memorization"] != pl.Boolean:
            raise InputError(f"--memorization-table {path}: 'memorization' must be true, false "
                             f"or null, not {frame.schema['memorization']}")
        read += frame.height
        label = Path(path).name
        for row in frame.iter_rows(named=True):
            value = row["memorization"]
            if value is None:
                untested += 1
                continue
            said = row.get("basis") or ("reproduced" if value else "not reproduced")
            basis = f"red team ({label}): {said}"
            if row.get("item_id"):
                _merge(by_id, str(row["item_id"]), bool(value), basis)
            elif row.get("source"):
                _merge(by_url, str(row["source"]), bool(value), basis)
    return MemorizationFindings(tuple(Path(p).name for p in paths), by_id, by_url, read, untested)


def apply_memorization(items: pa.Table, findings: MemorizationFindings | None) -> pa.Table:
    """Return ``items`` with ``memorization_tested`` and ``memorization_basis`` (null: untested).

    Matched on ``item_id`` first, then on ``url``; same rows, same order.
    """
    if findings is None or not findings.tested:
        return items
    frame = pl.from_arrow(items.select([c for c in ("item_id", "url") if c in items.column_names]))
    assert isinstance(frame, pl.DataFrame)
    found = findings.frame()
    out = frame.with_row_index("_row")
    tested = pl.Series(TESTED, [None] * out.height, dtype=pl.Boolean)
    basis = pl.Series(BASIS, [None] * out.height, dtype=pl.String)
    for kind in ("url", "item_id"):  # item_id last: it wins over a URL match
        if kind not in out.columns:
            continue
        part = found.filter(pl.col("kind") == kind).drop("kind")
        if part.is_empty():
            continue
        joined = out.select("_row", pl.col(kind).cast(pl.String).alias("key")).join(
            part, on="key", how="left").sort("_row")
        tested = pl.select(pl.coalesce(joined[TESTED], tested)).to_series().alias(TESTED)
        basis = pl.select(pl.coalesce(joined[BASIS], basis)).to_series().alias(BASIS)
    return items.append_column(TESTED, tested.to_arrow()).append_column(BASIS, basis.to_arrow())


def tested_counts(items: pa.Table) -> dict[str, int]:
    """Return how many of ``items`` a table named (``items_tested``) and how many of those an
    output reproduced (``items_reproduced``); zeros when no table was applied."""
    if TESTED not in items.column_names:
        return {"items_tested": 0, "items_reproduced": 0}
    column = items[TESTED]
    return {"items_tested": len(column) - column.null_count,
            "items_reproduced": int(pc.sum(column.cast(pa.int64())).as_py() or 0)}
