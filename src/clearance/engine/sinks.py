# SPDX-License-Identifier: Apache-2.0
"""Tables written batch by batch: one row group per batch, renamed into place when complete.

A :class:`ParquetSink` opens ``.NAME.tmp`` beside its target on the first batch, fixes the
schema from it (an all-null column of the first batch is typed as text), casts every later
batch to that schema, and on :meth:`ParquetSink.close` records the final schema metadata
(counts and provenance known only at the end) and renames the file into place. Dictionary
columns are written as they are (the Parquet writer keeps their dictionaries; nothing is
decoded and re-encoded); statistics are written only for the columns that name their
selection (ids, rows, markets, tiers): a footer of min/max over URLs and excerpts helps no
query and costs time.

Compression is zstd at level 1, chosen by measurement on a 262,144-item batch of the demo
(CPU seconds to write, MiB written; docs/benchmarks.md, "Streaming scan"): facts 0.52 s /
21.0 MiB (zstd 3: 0.63 s / 21.1; lz4: 0.48 s / 35.7; none: 0.36 s / 53.6), assessment
0.69 s / 12.6 MiB (zstd 3: 0.78 s / 12.6; lz4: 0.51 s / 25.1; none: 0.38 s / 51.3): half
the size of lz4 or snappy for 10-35% more CPU. Statistics on every column cost 9-27% more.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from clearance.errors import InputError

__all__ = ["COMPRESSION", "COMPRESSION_LEVEL", "STATISTICS", "ParquetSink", "read_batches"]

COMPRESSION = "zstd"
COMPRESSION_LEVEL = 1
#: Columns whose min/max statistics are written (the rest: none).
STATISTICS = ("item_id", "source_row", "market", "exposure", "tier", "category", "host",
              "registrable_domain", "collected_at", "row")  # fmt: skip


def _typed(schema: pa.Schema) -> pa.Schema:
    """Return ``schema`` with null-typed fields as text (a first batch of all-null values)."""
    fields = [pa.field(f.name, pa.string(), True, f.metadata) if pa.types.is_null(f.type)
              else f for f in schema]
    return pa.schema(fields, metadata=schema.metadata)


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    if table.schema.equals(schema, check_metadata=False):
        return table
    columns = []
    for f in schema:
        if f.name in table.column_names:
            column = table[f.name]
            columns.append(column if column.type == f.type else column.cast(f.type))
        else:
            columns.append(pa.nulls(table.num_rows, f.type))
    extra = set(table.column_names) - set(schema.names)
    if extra:
        raise InputError(f"a batch brought new column(s) {', '.join(sorted(extra))}: the "
                         "manifest's files do not share one schema")
    return pa.Table.from_arrays(columns, schema=schema)


class ParquetSink:
    """One Parquet file written batch by batch (see the module docstring)."""

    def __init__(self, path: Path, *, statistics: Sequence[str] = STATISTICS) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp")
        self.statistics = tuple(statistics)
        self.schema: pa.Schema | None = None
        self.rows = 0
        self._writer: pq.ParquetWriter | None = None

    def write(self, table: pa.Table) -> None:
        """Append one batch as a row group."""
        if self._writer is None:
            self.schema = _typed(table.schema)
            stats = [c for c in self.statistics if c in self.schema.names]
            try:
                self._writer = pq.ParquetWriter(
                    self.tmp, self.schema, compression=COMPRESSION,
                    compression_level=COMPRESSION_LEVEL, write_statistics=stats or False)
            except OSError as exc:
                raise InputError(f"{self.path}: cannot write: {exc}") from exc
        assert self.schema is not None
        if table.num_rows == 0:
            return
        self._writer.write_table(_conform(table, self.schema), row_group_size=table.num_rows)
        self.rows += table.num_rows

    def close(self, metadata: Mapping[str, str] | None = None,
              empty: pa.Schema | None = None) -> Path:
        """Finish the file with ``metadata`` as its schema metadata; rename it into place.

        ``empty`` is the schema of the file when no batch was written.
        """
        if self._writer is None:
            schema = (empty or pa.schema([])).with_metadata(dict(metadata or {}))
            pq.write_table(schema.empty_table(), self.tmp)
        else:
            assert self.schema is not None
            if metadata is not None:
                final = self.schema.with_metadata(dict(metadata))
                blob = base64.b64encode(final.serialize().to_pybytes()).decode()
                self._writer.add_key_value_metadata({**dict(metadata), "ARROW:schema": blob})
            self._writer.close()
            self._writer = None
        os.replace(self.tmp, self.path)
        return self.path

    def abort(self) -> None:
        """Stop writing and remove the temporary file."""
        if self._writer is not None:
            try:
                self._writer.close()
            except (OSError, pa.ArrowException):
                pass
            self._writer = None
        self.tmp.unlink(missing_ok=True)


def read_batches(path: Path, columns: Sequence[str] | None = None) -> Iterator[pa.Table]:
    """Yield a Parquet file's row groups in order (a bounded read of a file we wrote)."""
    file = pq.ParquetFile(path)
    for i in range(file.num_row_groups):
        yield file.read_row_group(i, columns=list(columns) if columns else None)
