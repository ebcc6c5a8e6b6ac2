# SPDX-License-Identifier: Apache-2.0
"""The ingest job: read a manifest, add hosts and categories, count, optionally write.

Parquet manifests large enough to be worth it are cut into row ranges and read by worker
processes (``engine/local.py``); everything else streams through one process. Both paths
run the same functions and give the same summary.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from clearance.engine.local import default_workers, parquet_units, run_units
from clearance.enrich.annotate import Categorizer
from clearance.enrich.psl import default_psl
from clearance.ingest.limits import DEFAULT_LIMITS, ReadLimits
from clearance.ingest.manifest import ManifestReader, OnError, RejectsSink, fail_on
from clearance.ingest.readers.columnar import IMG2DATASET_COLUMNS
from clearance.models import IngestSummary

__all__ = ["Progress", "ingest_manifest"]

Progress = Callable[[int, int], None]
"""Called after each batch with (rows read so far, rows accepted so far)."""

_COUNTED = ("modality", "category", "registrable_domain", "license_raw")
UNIT_ROWS = 1 << 18


def frame_counts(frame: pl.DataFrame) -> dict[str, dict[str, int]]:
    """Return the value counts of the summary's columns in one frame (nulls as "(none)")."""
    return {
        column: dict(frame[column].fill_null("(none)").value_counts().iter_rows())
        for column in _COUNTED
    }


def _counts_and_table(frame: pl.DataFrame) -> tuple[dict[str, dict[str, int]], pa.Table]:
    return frame_counts(frame), frame.to_arrow()


def _counts_only(frame: pl.DataFrame) -> tuple[dict[str, dict[str, int]], None]:
    return frame_counts(frame), None


def _top(counter: Counter[str], n: int | None = None) -> list[tuple[str, int]]:
    """Return the most common values, ties broken by value (the same for any read order)."""
    ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked if n is None else ranked[:n]


class _Counts:
    def __init__(self) -> None:
        self.by_column: dict[str, Counter[str]] = {c: Counter() for c in _COUNTED}

    def merge(self, counts: Mapping[str, Mapping[str, int]]) -> None:
        for column, values in counts.items():
            counter = self.by_column[column]
            counter.update(values)
            if len(counter) > 2_000_000:  # keep memory bounded on huge long tails
                for key, _ in counter.most_common()[1_000_000:]:
                    del counter[key]


class _Writer:
    """Writes canonical rows to one Parquet file, opening it on the first table."""

    def __init__(self, out: Path | None) -> None:
        self.out = out
        self.writer: pq.ParquetWriter | None = None

    def write(self, table: pa.Table) -> None:
        if self.out is None:
            return
        if self.writer is None:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self.writer = pq.ParquetWriter(self.out, table.schema, compression="zstd")
        self.writer.write_table(table.cast(self.writer.schema))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def _parallel(reader: ManifestReader, rows: int, workers: int) -> bool:
    paths = reader.plan.paths
    if reader.plan.format != "parquet" or not paths or workers <= 1:
        return False
    try:
        if IMG2DATASET_COLUMNS <= set(pq.read_schema(paths[0]).names):
            return False
        total = int(sum(pq.ParquetFile(p).metadata.num_rows for p in paths))
    except (pa.ArrowInvalid, OSError):
        return False  # the sequential reader raises the error that names the file
    return total >= 2 * rows


def _run_parallel(reader: ManifestReader, counts: _Counts, writer: _Writer,
                  workers: int, progress: Progress | None) -> Iterable[None]:
    units = parquet_units(list(reader.plan.paths), UNIT_ROWS)
    finish = _counts_and_table if writer.out is not None else _counts_only
    for output in run_units(units, finish, user_mapping=reader.user_mapping,
                            defaults=reader.defaults, workers=workers):
        reader.rows_read += output.rows_read
        reader.rows_accepted += output.rows_accepted
        reader.mappings.setdefault(output.mapping_key, output.mapping)
        if output.rejects.num_rows:
            if reader.on_error == "fail":
                fail_on(output.rejects.sort_by("source_row"))
            reader.rejects.add(output.rejects)
        unit_counts, table = output.value
        counts.merge(unit_counts)
        if table is not None:
            writer.write(table)
        if progress is not None:
            progress(reader.rows_read, reader.rows_accepted)
        yield None


def ingest_manifest(
    source: Any,
    *,
    mapping: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    on_error: OnError = "fail",
    rejects_path: Path | None = None,
    out: Path | None = None,
    fmt: str | None = None,
    batch_rows: int = 1 << 18,
    progress: Progress | None = None,
    top: int = 10,
    workers: int | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> IngestSummary:
    """Read ``source``, categorise every item, and return what was read, kept and rejected.

    With ``out``, the canonical rows (plus category columns) are written there as Parquet;
    with ``rejects_path``, rejected rows are written there as JSON Lines. ``workers`` (default:
    the CPUs available) processes read large Parquet manifests in parallel. ``limits`` bound
    the readers (line and member sizes, decompression, symbolic links; docs/security.md).
    """
    started = time.perf_counter()
    reader = ManifestReader(source, mapping=mapping, defaults=defaults, on_error=on_error,
                            rejects=RejectsSink(rejects_path), fmt=fmt, batch_rows=batch_rows,
                            limits=limits)
    counts = _Counts()
    writer = _Writer(out)
    count = workers if workers is not None else default_workers()
    try:
        if _parallel(reader, UNIT_ROWS, count):
            for _ in _run_parallel(reader, counts, writer, count, progress):
                pass
        else:
            categorize = Categorizer()
            for frame in reader.frames():
                frame = categorize.frame(frame)
                counts.merge(frame_counts(frame))
                if out is not None:
                    writer.write(frame.to_arrow())
                if progress is not None:
                    progress(reader.rows_read, reader.rows_accepted)
    finally:
        writer.close()
        reader.rejects.close()
    by = counts.by_column
    return IngestSummary(
        source=reader.plan.source,
        format=reader.format,
        rows_read=reader.rows_read,
        rows_accepted=reader.rows_accepted,
        rows_rejected=reader.rows_rejected,
        reject_reasons=dict(reader.rejects.reasons.most_common()),
        modalities=dict(_top(by["modality"])),
        categories=dict(_top(by["category"])),
        top_domains=_top(by["registrable_domain"], top),
        top_licenses=_top(by["license_raw"], top),
        column_mapping=reader.column_mapping,
        files=reader.plan.files,
        seconds=round(time.perf_counter() - started, 3),
        psl_version=default_psl().version,
    )
