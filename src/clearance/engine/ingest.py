# SPDX-License-Identifier: Apache-2.0
"""The ingest job: read a manifest, add hosts and categories, count, optionally write."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

from clearance.enrich.annotate import Categorizer
from clearance.enrich.psl import default_psl
from clearance.ingest.manifest import ManifestReader, OnError, RejectsSink
from clearance.models import IngestSummary

__all__ = ["Progress", "ingest_manifest"]

Progress = Callable[[int, int], None]
"""Called after each batch with (rows read so far, rows accepted so far)."""


class _Counts:
    def __init__(self) -> None:
        self.modalities: Counter[str] = Counter()
        self.categories: Counter[str] = Counter()
        self.domains: Counter[str] = Counter()
        self.licenses: Counter[str] = Counter()

    def add(self, frame: pl.DataFrame) -> None:
        for column, counter in (
            ("modality", self.modalities),
            ("category", self.categories),
            ("registrable_domain", self.domains),
            ("license_raw", self.licenses),
        ):
            counts = frame[column].fill_null("(none)").value_counts()
            for key, n in counts.iter_rows():
                counter[key] += n
            if len(counter) > 2_000_000:  # keep memory bounded on huge long tails
                for key, _ in counter.most_common()[1_000_000:]:
                    del counter[key]


def ingest_manifest(
    source: Any,
    *,
    mapping: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    on_error: OnError = "fail",
    rejects_path: Path | None = None,
    out: Path | None = None,
    fmt: str | None = None,
    batch_rows: int = 1 << 20,
    progress: Progress | None = None,
    top: int = 10,
) -> IngestSummary:
    """Read ``source``, categorise every item, and return what was read, kept and rejected.

    With ``out``, the canonical rows (plus category columns) are written there as Parquet;
    with ``rejects_path``, rejected rows are written there as JSON Lines.
    """
    started = time.perf_counter()
    reader = ManifestReader(
        source,
        mapping=mapping,
        defaults=defaults,
        on_error=on_error,
        rejects=RejectsSink(rejects_path),
        fmt=fmt,
        batch_rows=batch_rows,
    )
    categorize = Categorizer()
    counts = _Counts()
    writer: pq.ParquetWriter | None = None
    try:
        for frame in reader.frames():
            frame = categorize.frame(frame)
            counts.add(frame)
            if out is not None:
                table = frame.to_arrow()
                if writer is None:
                    out.parent.mkdir(parents=True, exist_ok=True)
                    writer = pq.ParquetWriter(out, table.schema, compression="zstd")
                writer.write_table(table.cast(writer.schema))
            if progress is not None:
                progress(reader.rows_read, reader.rows_accepted)
    finally:
        if writer is not None:
            writer.close()
        reader.rejects.close()
    return IngestSummary(
        source=reader.plan.source,
        format=reader.format,
        rows_read=reader.rows_read,
        rows_accepted=reader.rows_accepted,
        rows_rejected=reader.rows_rejected,
        reject_reasons=dict(reader.rejects.reasons.most_common()),
        modalities=dict(counts.modalities.most_common()),
        categories=dict(counts.categories.most_common()),
        top_domains=counts.domains.most_common(top),
        top_licenses=counts.licenses.most_common(top),
        column_mapping=reader.column_mapping,
        files=reader.plan.files,
        seconds=round(time.perf_counter() - started, 3),
        psl_version=default_psl().version,
    )
