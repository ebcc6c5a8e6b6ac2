# SPDX-License-Identifier: Apache-2.0
"""The local executor: Parquet manifests cut into row ranges, judged in worker processes.

A unit is a slice of one Parquet file; a worker reads it (only the mapped columns), turns it
into canonical rows, categorises them and runs the job's per-unit function, and hands back a
small result. Units keep their global row position, so item ids and counts are the same as
a sequential read. The executor only decides where units run; the per-unit work is the same
functions the sequential path calls.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from clearance.enrich.annotate import Categorizer
from clearance.errors import ManifestError, WorkerError
from clearance.ingest.canonical import Canonicalizer, Defaults
from clearance.ingest.columns import DERIVED, resolve_mapping
from clearance.ingest.readers.base import RawChunk
from clearance.ingest.readers.columnar import IMG2DATASET_COLUMNS

__all__ = ["ParquetUnit", "UnitOutput", "default_workers", "map_ordered", "parquet_units",
           "read_unit", "run_units"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ParquetUnit:
    """Rows ``offset .. offset+length`` of one Parquet file; ``position`` is its first row's
    0-based position in the whole manifest."""

    path: str
    offset: int
    length: int
    position: int


@dataclass(frozen=True, slots=True)
class UnitOutput:
    """A unit's canonical, categorised rows (or what a job kept of them) and its rejects."""

    value: Any
    rejects: pa.Table
    rows_read: int
    rows_accepted: int
    mapping: dict[str, str]
    mapping_key: str


def default_workers() -> int:
    """Return how many worker processes to use: the CPUs this process may run on.

    One when the main module cannot be re-imported by a spawned worker (code piped to
    ``python -``), since spawned workers start by importing it.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if path is not None and not Path(path).exists():
        return 1
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def parquet_units(files: Sequence[Path], rows: int) -> list[ParquetUnit]:
    """Return the units of ``files``, about ``rows`` rows each, in manifest order."""
    units: list[ParquetUnit] = []
    position = 0
    for path in files:
        try:
            total = pq.ParquetFile(path).metadata.num_rows
        except (pa.ArrowInvalid, OSError) as exc:
            raise ManifestError(f"not a readable Parquet file ({exc})", path=path) from exc
        for offset in range(0, total, rows):
            length = min(rows, total - offset)
            units.append(ParquetUnit(str(path), offset, length, position + offset))
        position += total
    return units


@dataclass(frozen=True, slots=True)
class _Job:
    user_mapping: Mapping[str, str]
    defaults: Mapping[str, str]
    finish: Callable[[pl.DataFrame], Any]


_CATEGORIZER: Categorizer | None = None


def read_unit(job: _Job, unit: ParquetUnit) -> UnitOutput:
    """Return one unit's canonical, categorised rows as the job's ``finish`` keeps them."""
    return _read(job, unit)


def _read(job: _Job, unit: ParquetUnit) -> UnitOutput:
    global _CATEGORIZER
    names = pq.read_schema(unit.path).names
    if IMG2DATASET_COLUMNS <= set(names):
        raise ManifestError("img2dataset output is read sequentially", path=unit.path)
    mapping = {k: v for k, v in resolve_mapping(names, job.user_mapping).items()
               if k not in DERIVED}
    frame = (pl.scan_parquet(unit.path).select(list(mapping.values()))
             .slice(unit.offset, unit.length).collect()
             .with_row_index("source_row", offset=unit.offset + 1)
             .with_columns(pl.col("source_row").cast(pl.Int64)))
    canon = Canonicalizer(mapping, Defaults(dict(job.defaults)))
    canon.position = unit.position
    canonical, rejects = canon(RawChunk(frame, unit.path))
    if _CATEGORIZER is None:
        _CATEGORIZER = Categorizer()
    value = job.finish(_CATEGORIZER.frame(canonical))
    key = "\x1f".join(n for n in names)
    return UnitOutput(value, rejects, frame.height, canonical.height, mapping, key)


def run_units(
    units: Sequence[ParquetUnit],
    finish: Callable[[pl.DataFrame], T],
    *,
    user_mapping: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    workers: int | None = None,
) -> Iterator[UnitOutput]:
    """Yield each unit's output in manifest order, computed in ``workers`` processes.

    ``finish`` turns a unit's canonical, categorised frame into what the job keeps (counts,
    an Arrow table to write, ...); it must be a picklable module-level function.
    """
    job = _Job(dict(user_mapping or {}), dict(defaults or {}), finish)
    count = min(workers or default_workers(), default_workers())
    if count <= 1 or len(units) <= 1:
        for unit in units:
            yield _read(job, unit)
        return
    context = multiprocessing.get_context("spawn")
    # one Polars thread per worker: the workers already fill the cores, and competing
    # thread pools cost more than they give (spawned workers read this at import)
    saved = os.environ.get("POLARS_MAX_THREADS")
    os.environ["POLARS_MAX_THREADS"] = str(max(1, default_workers() // count))
    try:
        with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
            yield from pool.map(_read, [job] * len(units), units)
    except BrokenProcessPool as exc:
        raise _worker_error(exc) from exc
    finally:
        if saved is None:
            os.environ.pop("POLARS_MAX_THREADS", None)
        else:
            os.environ["POLARS_MAX_THREADS"] = saved


def _worker_error(exc: BrokenProcessPool) -> WorkerError:
    return WorkerError(
        f"a worker process stopped before its task finished ({exc}). It may have been killed "
        "or run out of memory; a script that runs a scan from the Python API must start it "
        "under `if __name__ == \"__main__\":` (worker processes are spawned and import the "
        "script again). Run with one worker (--workers 1, or workers=1) to see the error in "
        "this process."
    )


def _start(init: Callable[[Any], None] | None, arg: Any) -> None:
    if init is not None:
        init(arg)


def map_ordered(
    fn: Callable[..., T],
    tasks: Iterable[tuple[Any, ...]],
    *,
    workers: int = 1,
    init: Callable[[Any], None] | None = None,
    init_arg: Any = None,
    window: int | None = None,
) -> Iterator[T]:
    """Yield ``fn(*task)`` for each task, in task order, computed in ``workers`` processes.

    ``init(init_arg)`` prepares each process (and this one when ``workers`` is 1). At most
    ``window`` tasks (default one more than the workers) are in flight, so results never pile up
    faster than the caller consumes them: memory stays bounded whatever the task count.
    ``fn`` and ``init`` must be picklable module-level functions.
    """
    count = min(workers, default_workers()) if workers > 1 else 1
    if count <= 1:
        _start(init, init_arg)
        for task in tasks:
            yield fn(*task)
        return
    context = multiprocessing.get_context("spawn")
    saved = os.environ.get("POLARS_MAX_THREADS")
    os.environ["POLARS_MAX_THREADS"] = str(max(1, default_workers() // count))
    limit = window or count + 1
    try:
        with ProcessPoolExecutor(max_workers=count, mp_context=context, initializer=_start,
                                 initargs=(init, init_arg)) as pool:
            pending: deque[Future[T]] = deque()
            source = iter(tasks)
            for task in source:
                pending.append(pool.submit(fn, *task))
                if len(pending) >= limit:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
    except BrokenProcessPool as exc:
        raise _worker_error(exc) from exc
    finally:
        if saved is None:
            os.environ.pop("POLARS_MAX_THREADS", None)
        else:
            os.environ["POLARS_MAX_THREADS"] = saved
