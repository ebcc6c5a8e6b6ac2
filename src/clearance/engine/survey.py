# SPDX-License-Identifier: Apache-2.0
"""The first pass of a job: read the manifest once, in bounded batches, and set it aside.

Every row is read and canonicalised once; rejected rows go to
``rejects.jsonl`` as they are found; the accepted rows of each batch are spilled to an Arrow
IPC file (LZ4) in the job's work folder. What the second pass needs about the whole manifest
is counted on the way: items per registrable domain (the EU database-right fact compares the
manifest's total with a threshold), for a live fetch the distinct origins, and when there is
evidence the distinct hosts (their home pages are looked up once, before any batch is judged,
so a category never depends on how the manifest was cut into batches). Parquet
manifests of several row groups are read by worker processes, a row group each, in slices
of the batch size (each slice decoded once).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from clearance.engine.evidence import origins
from clearance.engine.local import _Job, map_ordered
from clearance.engine.paths import relabel_column
from clearance.engine.progress import Progress
from clearance.ingest.canonical import Canonicalizer, Defaults
from clearance.ingest.columns import DERIVED, resolve_mapping
from clearance.ingest.manifest import ManifestReader, fail_on
from clearance.ingest.readers.base import RawChunk
from clearance.ingest.readers.columnar import IMG2DATASET_COLUMNS

__all__ = ["Survey", "survey"]


@dataclass
class Survey:
    """What the first pass wrote and counted."""

    spills: list[Path] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    domains: dict[str, int] = field(default_factory=dict)
    origins: set[str] = field(default_factory=set)
    hosts: set[tuple[str | None, str, str | None]] = field(default_factory=set)

    def domain_table(self) -> pl.DataFrame:
        """Return items per registrable domain as a frame (``registrable_domain``, ``items``)."""
        return pl.DataFrame({"registrable_domain": list(self.domains),
                             "items": list(self.domains.values())},
                            schema={"registrable_domain": pl.String, "items": pl.Int64})

    def count(self, domains: dict[str, int], found: set[str],
              hosts: set[tuple[str | None, str, str | None]]) -> None:
        for key, n in domains.items():
            self.domains[key] = self.domains.get(key, 0) + n
        self.origins |= found
        self.hosts |= hosts


def _domains(frame: pl.DataFrame) -> dict[str, int]:
    counted = frame.get_column("registrable_domain").drop_nulls().value_counts()
    return {str(k): int(n) for k, n in counted.iter_rows()}


def _origins(frame: pl.DataFrame, live: bool) -> set[str]:
    if not live or "url" not in frame.columns:
        return set()
    return set(origins(pa.table({"url": frame["url"].cast(pl.String).to_arrow()})))


_AUTHORITY = r"^(?i:https?)://(?:[^@/?#]*@)?([^/?#]+)"


def _hosts(frame: pl.DataFrame, wanted: bool) -> set[tuple[str | None, str, str | None]]:
    """Return the distinct (URL authority, host, registrable domain) of a batch, if wanted."""
    if not wanted or "host" not in frame.columns:
        return set()
    url = pl.col("url").cast(pl.String) if "url" in frame.columns else pl.lit(None, pl.String)
    found = frame.select(
        url.str.extract(_AUTHORITY, 1).str.to_lowercase().alias("authority"),
        pl.col("host").cast(pl.String),
        pl.col("registrable_domain").cast(pl.String),
    ).unique().drop_nulls("host")
    return {(a, h, r) for a, h, r in found.iter_rows()}


def _spill(frame: pl.DataFrame, path: Path) -> None:
    frame.write_ipc(path, compression="lz4")


def _keep(frame: pl.DataFrame) -> pl.DataFrame:
    return frame


@dataclass(frozen=True, slots=True)
class RowGroupUnit:
    """One row group of a Parquet file: rows ``offset .. offset+length`` of the file;
    ``position`` is its first row's 0-based position in the whole manifest."""

    path: str
    group: int
    offset: int
    length: int
    position: int


def row_group_units(files: list[Path]) -> list[RowGroupUnit]:
    """Return one unit per row group of ``files``, in manifest order."""
    units: list[RowGroupUnit] = []
    position = 0
    for path in files:
        meta = pq.ParquetFile(path).metadata
        offset = 0
        for group in range(meta.num_row_groups):
            n = meta.row_group(group).num_rows
            units.append(RowGroupUnit(str(path), group, offset, n, position + offset))
            offset += n
        position += offset
    return units


@dataclass
class _UnitOutput:
    rows_read: int = 0
    rows_accepted: int = 0
    rejects: list[pa.Table] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    mapping_key: str = ""
    spills: list[tuple[str, int]] = field(default_factory=list)
    domains: dict[str, int] = field(default_factory=dict)
    origins: set[str] = field(default_factory=set)
    hosts: set[tuple[str | None, str, str | None]] = field(default_factory=set)


def _unit(job: _Job, unit: RowGroupUnit, work: Path, rows: int,
          label: Callable[[str], str], live: bool, hosts: bool) -> _UnitOutput:
    """Read one row group in slices of ``rows``; canonicalise and spill each (in a worker).
    Each slice is decoded once: no row group is read twice."""
    file = pq.ParquetFile(unit.path)
    names = file.schema_arrow.names
    mapping = {k: v for k, v in resolve_mapping(names, job.user_mapping).items()
               if k not in DERIVED}
    out = _UnitOutput(mapping=mapping, mapping_key="\x1f".join(names))
    canon = Canonicalizer(mapping, Defaults(dict(job.defaults)))
    canon.position = unit.position
    done = 0
    for k, batch in enumerate(file.iter_batches(batch_size=rows, row_groups=[unit.group],
                                                columns=list(dict.fromkeys(mapping.values())),
                                                use_threads=False)):
        raw = pl.from_arrow(batch)
        assert isinstance(raw, pl.DataFrame)
        raw = raw.with_row_index("source_row", offset=unit.offset + done + 1)\
            .with_columns(pl.col("source_row").cast(pl.Int64))
        done += raw.height
        canonical, rejects = canon(RawChunk(raw, unit.path))
        out.rows_read += raw.height
        out.rows_accepted += canonical.height
        if rejects.num_rows:
            out.rejects.append(rejects)
        frame = canonical.with_columns(relabel_column(canonical["source_file"], label)
                                   .alias("source_file"))
        if frame.height:
            path = work / f"batch-{unit.position:012d}-{k:05d}.arrow"
            _spill(frame, path)
            out.spills.append((str(path), frame.height))
            for key, n in _domains(frame).items():
                out.domains[key] = out.domains.get(key, 0) + n
            out.origins |= _origins(frame, live)
            out.hosts |= _hosts(frame, hosts)
    return out


def _parallel_units(reader: ManifestReader, workers: int) -> list[RowGroupUnit] | None:
    paths = reader.plan.paths
    if reader.plan.format != "parquet" or not paths or workers <= 1:
        return None
    try:
        if IMG2DATASET_COLUMNS <= set(pq.read_schema(paths[0]).names):
            return None
        units = row_group_units(list(paths))
    except (pa.ArrowInvalid, OSError):
        return None  # the sequential reader raises the error that names the file
    return units if len(units) > 1 else None


def survey(reader: ManifestReader, work: Path, label: Callable[[str], str], *, live: bool,
           rows: int, workers: int, progress: Progress, total: int | None,
           hosts: bool = False) -> Survey:
    """Read the whole manifest once into spill files under ``work``; return what was counted.

    ``hosts``: also collect the distinct hosts (when there is evidence to look them up in).

    Raises the reader's errors (an unreadable manifest, the first malformed row under
    ``--on-error fail``).
    """
    found = Survey()
    stage = progress.stage("reading the manifest", total, "rows")
    try:
        units = _parallel_units(reader, workers)
        if units is not None:
            for spilled in _parallel(reader, units, work, label, live, workers, found, rows,
                                     hosts):
                stage.advance(spilled)
        else:
            for spilled in _sequential(reader, work, label, live, found, hosts):
                stage.advance(spilled)
    finally:
        reader.rejects.close()
        stage.close()
    return found


def _parallel(reader: ManifestReader, units: list[RowGroupUnit], work: Path,
              label: Callable[[str], str], live: bool, workers: int, found: Survey,
              rows: int, hosts: bool) -> Iterator[int]:
    job = _Job(dict(reader.user_mapping), dict(reader.defaults), _keep)
    tasks = [(job, unit, work, rows, label, live, hosts) for unit in units]
    for output in map_ordered(_unit, tasks, workers=workers):
        reader.rows_read += output.rows_read
        reader.rows_accepted += output.rows_accepted
        reader.mappings.setdefault(output.mapping_key, output.mapping)
        rejects = pa.concat_tables(output.rejects) if output.rejects else None
        if rejects is not None and rejects.num_rows:
            if reader.on_error == "fail":
                fail_on(rejects.sort_by("source_row"))
            reader.rejects.add(rejects)
        for path, kept in output.spills:
            found.spills.append(Path(path))
            found.rows.append(kept)
        found.count(output.domains, output.origins, output.hosts)
        yield output.rows_read


def _sequential(reader: ManifestReader, work: Path, label: Callable[[str], str], live: bool,
                found: Survey, hosts: bool) -> Iterator[int]:
    seen = 0
    for frame in reader.frames():
        frame = frame.with_columns(relabel_column(frame["source_file"], label)
                                   .alias("source_file"))
        path = work / f"batch-{len(found.spills):06d}.arrow"
        _spill(frame, path)
        found.spills.append(path)
        found.rows.append(frame.height)
        found.count(_domains(frame), _origins(frame, live), _hosts(frame, hosts))
        yield reader.rows_read - seen
        seen = reader.rows_read
