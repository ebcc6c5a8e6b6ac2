# SPDX-License-Identifier: Apache-2.0
"""Columnar manifests: Parquet files (one, a directory, or a glob), img2dataset Parquet
output, and Arrow IPC streams (Hugging Face ``save_to_disk`` shards)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from clearance.errors import ManifestError
from clearance.ingest.readers.base import RawChunk
from clearance.ingest.schema import REJECT_SCHEMA

__all__ = ["Selector", "iter_arrow_table", "read_arrow_stream", "read_parquet"]

Selector = Callable[[list[str]], list[str] | None]
"""Given a file's column names, return the columns to read (None: all)."""

IMG2DATASET_COLUMNS = frozenset({"url", "key", "status"})


def _with_rows(table: pa.Table, offset: int) -> pa.Table:
    rows = pa.array(np.arange(offset + 1, offset + 1 + table.num_rows, dtype=np.int64))
    return table.append_column("source_row", rows)


def _img2dataset_split(frame: pl.DataFrame, source: str) -> tuple[pl.DataFrame, pa.Table | None]:
    """Keep successful downloads; return the others as excluded rejects."""
    ok = (pl.col("status") == "success").fill_null(False)
    bad = frame.filter(~ok)
    if bad.height == 0:
        return frame, None
    detail = (pl.lit(" ") + pl.col("error_message").cast(pl.String).fill_null("")
              if "error_message" in frame.columns else pl.lit(""))
    rejects = bad.select(
        pl.lit(source).alias("source_file"),
        pl.col("source_row"),
        pl.lit("status").alias("column"),
        (pl.lit("img2dataset: not downloaded (status=")
         + pl.col("status").cast(pl.String).fill_null("null") + pl.lit(")") + detail)
        .str.strip_chars().alias("reason"),
        pl.col("url").cast(pl.String).alias("raw"),
        pl.lit("excluded").alias("kind"),
    )
    return frame.filter(ok), rejects.to_arrow().cast(REJECT_SCHEMA)


def read_parquet(
    files: list[Path], *, select: Selector | None = None, batch_rows: int = 1 << 20
) -> Iterator[RawChunk]:
    """Yield chunks of each Parquet file in turn, reading only the selected columns (Polars)."""
    for path in files:
        try:
            names = pq.read_schema(path).names
        except (pa.ArrowInvalid, OSError) as exc:
            raise ManifestError(f"not a readable Parquet file ({exc})", path=path) from exc
        is_img2dataset = IMG2DATASET_COLUMNS <= set(names)
        wanted = select(names) if select else None
        if wanted is not None and is_img2dataset:
            wanted = list(dict.fromkeys([*wanted, "status", "url"] + (
                ["error_message"] if "error_message" in names else [])))
        offset = 0
        try:
            total = pq.ParquetFile(path).metadata.num_rows
            scan = pl.scan_parquet(path)
            if wanted is not None:
                scan = scan.select(wanted)
            # one bounded slice at a time: memory stays at one batch whatever the file size
            for start in range(0, total, batch_rows):
                frame = scan.slice(start, batch_rows).collect().with_row_index(
                    "source_row", offset=start + 1)
                if frame.height == 0:
                    continue
                offset = start + frame.height
                frame = frame.with_columns(pl.col("source_row").cast(pl.Int64))
                chunk = RawChunk(frame, str(path))
                if is_img2dataset:
                    chunk.table, chunk.reject_table = _img2dataset_split(frame, str(path))
                    chunk.defaults["modality"] = "image"
                yield chunk
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise ManifestError(
                f"Parquet data is corrupt after row {offset} ({exc})", path=path, row=offset + 1
            ) from exc


def iter_arrow_table(
    table: pa.Table, source: str, *, batch_rows: int = 1 << 20
) -> Iterator[RawChunk]:
    """Yield chunks of an in-memory Arrow table (Hugging Face ``Dataset``, notebooks)."""
    offset = 0
    for batch in table.to_batches(max_chunksize=batch_rows):
        if batch.num_rows == 0:
            continue
        yield RawChunk(_with_rows(pa.Table.from_batches([batch]), offset), source)
        offset += batch.num_rows


def read_arrow_stream(path: Path, *, batch_rows: int = 1 << 20) -> Iterator[RawChunk]:
    """Yield chunks of an Arrow IPC stream or file (``data-00000-of-00001.arrow``)."""
    try:
        source = pa.memory_map(str(path))
        try:
            reader: pa.ipc.RecordBatchStreamReader | pa.ipc.RecordBatchFileReader = (
                pa.ipc.open_stream(source)
            )
            batches = iter(reader)
        except pa.ArrowInvalid:
            file_reader = pa.ipc.open_file(source)
            batches = (file_reader.get_batch(i) for i in range(file_reader.num_record_batches))
        table_iter = (pa.Table.from_batches([b]) for b in batches)
        offset = 0
        for table in table_iter:
            for chunk in iter_arrow_table(table, str(path), batch_rows=batch_rows):
                arrow = chunk.table
                assert isinstance(arrow, pa.Table)
                chunk.table = arrow.set_column(
                    arrow.num_columns - 1, "source_row", pc.add(arrow["source_row"], offset))
                yield chunk
            offset += table.num_rows
    except (pa.ArrowInvalid, OSError) as exc:
        raise ManifestError(f"not a readable Arrow stream ({exc})", path=path) from exc
