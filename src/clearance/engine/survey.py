# SPDX-License-Identifier: Apache-2.0
"""The first pass of a job: read the manifest once, in bounded batches, and set it aside.

Every row is read, canonicalised and categorised once; rejected rows go to
``rejects.jsonl`` as they are found; the accepted rows of each batch are spilled to an Arrow
IPC file (LZ4) in the job's work folder. What the second pass needs about the whole manifest
is counted on the way: items per registrable domain (the EU database-right fact compares the
manifest's total with a threshold) and, for a live fetch, the distinct origins. Large Parquet
manifests are read by worker processes, one unit (a slice of rows) each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from clearance.engine.evidence import origins
from clearance.engine.local import _Job, map_ordered, parquet_units, read_unit
from clearance.engine.paths import relabel_column
from clearance.engine.progress import Progress
from clearance.enrich.annotate import Categorizer
from clearance.ingest.manifest import ManifestReader, fail_on
from clearance.ingest.readers.columnar import IMG2DATASET_COLUMNS

__all__ = ["Survey", "survey"]


@dataclass
class Survey:
    """What the first pass wrote and counted."""

    spills: list[Path] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    domains: dict[str, int] = field(default_factory=dict)
    origins: set[str] = field(default_factory=set)

    def domain_table(self) -> pl.DataFrame:
        """Return items per registrable domain as a frame (``registrable_domain``, ``items``)."""
        return pl.DataFrame({"registrable_domain": list(self.domains),
                             "items": list(self.domains.values())},
                            schema={"registrable_domain": pl.String, "items": pl.Int64})

    def count(self, domains: dict[str, int], found: set[str]) -> None:
        for key, n in domains.items():
            self.domains[key] = self.domains.get(key, 0) + n
        self.origins |= found


def _domains(frame: pl.DataFrame) -> dict[str, int]:
    counted = frame.get_column("registrable_domain").drop_nulls().value_counts()
    return {str(k): int(n) for k, n in counted.iter_rows()}


def _origins(frame: pl.DataFrame, live: bool) -> set[str]:
    if not live or "url" not in frame.columns:
        return set()
    return set(origins(pa.table({"url": frame["url"].cast(pl.String).to_arrow()})))


def _spill(frame: pl.DataFrame, path: Path) -> None:
    frame.write_ipc(path, compression="lz4")


def _keep(frame: pl.DataFrame) -> pl.DataFrame:
    return frame


def _unit(job: _Job, unit: Any, path: Path, label: Callable[[str], str], live: bool,
          ) -> tuple[Any, dict[str, int], set[str], int]:  # fmt: skip
    """Read, canonicalise, categorise and spill one Parquet unit (in a worker)."""
    output = read_unit(job, unit)
    frame = output.value
    frame = frame.with_columns(relabel_column(frame["source_file"], label).alias("source_file"))
    if frame.height:
        _spill(frame, path)
    shell = type(output)(None, output.rejects, output.rows_read, output.rows_accepted,
                         output.mapping, output.mapping_key)
    return shell, _domains(frame), _origins(frame, live), frame.height


def _parallel_units(reader: ManifestReader, rows: int, workers: int) -> list[Any] | None:
    paths = reader.plan.paths
    if reader.plan.format != "parquet" or not paths or workers <= 1:
        return None
    try:
        if IMG2DATASET_COLUMNS <= set(pq.read_schema(paths[0]).names):
            return None
        units = parquet_units(list(paths), rows)
    except (pa.ArrowInvalid, OSError):
        return None  # the sequential reader raises the error that names the file
    return units if len(units) > 1 else None


def survey(reader: ManifestReader, work: Path, label: Callable[[str], str], *, live: bool,
           rows: int, workers: int, progress: Progress, total: int | None) -> Survey:
    """Read the whole manifest once into spill files under ``work``; return what was counted.

    Raises the reader's errors (an unreadable manifest, the first malformed row under
    ``--on-error fail``).
    """
    found = Survey()
    stage = progress.stage("reading and categorising the manifest", total, "rows")
    try:
        units = _parallel_units(reader, rows, workers)
        if units is not None:
            for spilled in _parallel(reader, units, work, label, live, workers, found):
                stage.advance(spilled)
        else:
            for spilled in _sequential(reader, work, label, live, found):
                stage.advance(spilled)
    finally:
        reader.rejects.close()
        stage.close()
    return found


def _parallel(reader: ManifestReader, units: list[Any], work: Path,
              label: Callable[[str], str], live: bool, workers: int, found: Survey,
              ) -> Iterator[int]:  # fmt: skip
    job = _Job(dict(reader.user_mapping), dict(reader.defaults), _keep)
    tasks = [(job, unit, work / f"batch-{i:06d}.arrow", label, live)
             for i, unit in enumerate(units)]
    for (_, _, path, _, _), (output, domains, seen, kept) in zip(
            tasks, map_ordered(_unit, tasks, workers=workers), strict=True):
        reader.rows_read += output.rows_read
        reader.rows_accepted += output.rows_accepted
        reader.mappings.setdefault(output.mapping_key, output.mapping)
        if output.rejects.num_rows:
            if reader.on_error == "fail":
                fail_on(output.rejects.sort_by("source_row"))
            reader.rejects.add(output.rejects)
        if kept:
            found.spills.append(path)
            found.rows.append(kept)
        found.count(domains, seen)
        yield output.rows_read


def _sequential(reader: ManifestReader, work: Path, label: Callable[[str], str], live: bool,
                found: Survey) -> Iterator[int]:
    categorize = Categorizer()
    seen = 0
    for frame in reader.frames():
        frame = categorize.frame(frame)
        frame = frame.with_columns(relabel_column(frame["source_file"], label)
                                   .alias("source_file"))
        path = work / f"batch-{len(found.spills):06d}.arrow"
        _spill(frame, path)
        found.spills.append(path)
        found.rows.append(frame.height)
        found.count(_domains(frame), _origins(frame, live))
        yield reader.rows_read - seen
        seen = reader.rows_read
