# SPDX-License-Identifier: Apache-2.0
"""Read any manifest as a stream of canonical Arrow tables, with every row accounted for.

``ManifestReader`` picks the reader, resolves the column mapping per file, canonicalises
each chunk, and either stops at the first malformed row (``on_error="fail"``) or sends it
to the rejects (``on_error="skip"``). Its counters always reconcile:
``rows_read == rows_accepted + rows_rejected``.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from clearance.errors import EmptyManifestError, MalformedRowError
from clearance.ingest.canonical import Canonicalizer, Defaults
from clearance.ingest.columns import DERIVED, resolve_mapping
from clearance.ingest.limits import DEFAULT_LIMITS, ReadLimits
from clearance.ingest.readers.base import RawChunk, rejects_table
from clearance.ingest.readers.detect import plan_reading
from clearance.ingest.schema import REJECT_SCHEMA, SCHEMA

__all__ = ["ManifestReader", "OnError", "RejectsSink", "fail_on"]

log = logging.getLogger(__name__)

OnError = Literal["fail", "skip"]


class RejectsSink:
    """Collects rejected rows: counts per reason, and writes them to a JSON Lines file."""

    def __init__(
        self, path: Path | None = None, *, label: Callable[[str], str] | None = None
    ) -> None:
        self.path = path
        self.label = label
        self.count = 0
        self.reasons: Counter[str] = Counter()
        self._handle: Any = None

    def add(self, table: pa.Table) -> None:
        """Record a table of rejects (REJECT_SCHEMA)."""
        if table.num_rows == 0:
            return
        self.count += table.num_rows
        keys = pc.utf8_slice_codeunits(table["reason"], 0, 60)
        for key, n in zip(*pc.value_counts(keys).flatten(), strict=False):
            self.reasons[_reason_key(key.as_py())] += n.as_py()
        if self.path is not None:
            if self._handle is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = self._partial().open("w", encoding="utf-8")
            import orjson

            for row in table.to_pylist():
                if self.label is not None and isinstance(row.get("source_file"), str):
                    row["source_file"] = self.label(row["source_file"])
                self._handle.write(orjson.dumps(row).decode() + "\n")

    def _partial(self) -> Path:
        assert self.path is not None
        return self.path.with_name(f".{self.path.name}.tmp")

    def close(self) -> None:
        """Flush and close the rejects file, renaming it into place (it appears whole)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
            assert self.path is not None
            os.replace(self._partial(), self.path)


def _reason_key(reason: str) -> str:
    """Group reasons by their stable prefix (drop the quoted value)."""
    head = reason.split(": '", 1)[0]
    return head.split(" (line ", 1)[0]


def fail_on(table: pa.Table) -> None:
    """Raise MalformedRowError for the first malformed reject of ``table`` (sorted by row)."""
    malformed = table.filter(pc.equal(table["kind"], "malformed"))
    if malformed.num_rows:
        first = malformed.slice(0, 1).to_pylist()[0]
        raise MalformedRowError(
            first["reason"] + " (use --on-error skip to set such rows aside)",
            path=first["source_file"], row=first["source_row"], column=first["column"])


class ManifestReader:
    """Iterate over a manifest's canonical tables; see the module docstring."""

    def __init__(
        self,
        source: Any,
        *,
        mapping: Mapping[str, str] | None = None,
        defaults: Mapping[str, str] | None = None,
        on_error: OnError = "fail",
        rejects: RejectsSink | None = None,
        fmt: str | None = None,
        batch_rows: int = 1 << 20,
        limits: ReadLimits = DEFAULT_LIMITS,
    ) -> None:
        if on_error not in ("fail", "skip"):
            raise ValueError(f"on_error must be 'fail' or 'skip', not {on_error!r}")
        self.user_mapping = dict(mapping or {})
        self.defaults = dict(defaults or {})
        self.on_error = on_error
        self.rejects = rejects or RejectsSink()
        self.plan = plan_reading(
            source,
            fmt=fmt,
            select=self._select,
            batch_rows=batch_rows,
            limits=limits,
            lenient=on_error == "skip",
        )
        self._canon = Canonicalizer({}, Defaults(dict(defaults or {})))
        self.rows_read = 0
        self.rows_accepted = 0
        self.mappings: dict[str, dict[str, str]] = {}

    @property
    def rows_rejected(self) -> int:
        """Return the number of rows refused so far."""
        return self.rejects.count

    @property
    def format(self) -> str:
        """Return the reader format chosen for the source."""
        return self.plan.format

    def _select(self, names: list[str]) -> list[str] | None:
        mapping = resolve_mapping(names, self.user_mapping)
        return list(mapping.values())

    def _map(self, chunk: RawChunk) -> None:
        columns = (chunk.table.columns if isinstance(chunk.table, pl.DataFrame)
                   else chunk.table.column_names)
        names = [c for c in columns if c != "source_row"]
        key = "\x1f".join(names)
        mapping = self.mappings.get(key)
        if mapping is None:
            mapping = {
                k: v
                for k, v in resolve_mapping(names, self.user_mapping).items()
                if k not in DERIVED
            }
            self.mappings[key] = mapping
            log.debug("column mapping for %s: %s", chunk.source_file, mapping)
        self._canon.mapping = mapping

    def _fail_on(self, table: pa.Table) -> None:
        fail_on(table)

    def __iter__(self) -> Iterator[pa.Table]:
        """Yield the canonical rows as Arrow tables of SCHEMA."""
        for frame in self.frames():
            yield frame.to_arrow().cast(SCHEMA)

    def frames(self) -> Iterator[pl.DataFrame]:
        """Yield the canonical rows as Polars frames (the hot path; no Arrow round trip)."""
        any_rows = False
        for chunk in self.plan.chunks():
            pending = [t for t in (chunk.reject_table,) if t is not None]
            if chunk.rejects:
                pending.append(rejects_table(chunk.rejects))
            self.rows_read += sum(t.num_rows for t in pending)
            height = (chunk.table.height if isinstance(chunk.table, pl.DataFrame)
                      else chunk.table.num_rows)
            if height:
                self._map(chunk)
                canonical, rejected = self._canon(chunk)
                self.rows_read += height
                pending.append(rejected)
            else:
                canonical = None
            rejected_all = pa.concat_tables(pending) if pending else None
            if rejected_all is not None and rejected_all.num_rows:
                if self.on_error == "fail":
                    self._fail_on(rejected_all.sort_by("source_row"))
                self.rejects.add(rejected_all)
            if canonical is not None and canonical.height:
                self.rows_accepted += canonical.height
                any_rows = True
                yield canonical
        self.rejects.close()
        if not any_rows and self.rows_read == 0:
            raise EmptyManifestError("the manifest holds no rows", path=self.plan.source)

    @property
    def column_mapping(self) -> dict[str, str]:
        """Return the canonical -> input column mapping (of the first file read)."""
        return next(iter(self.mappings.values()), {})

    def empty_rejects(self) -> pa.Table:
        """Return an empty rejects table."""
        return REJECT_SCHEMA.empty_table()
