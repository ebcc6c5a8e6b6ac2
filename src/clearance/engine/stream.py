# SPDX-License-Identifier: Apache-2.0
"""The streaming engine: the one place the steps of a scan, a gate or an assess run are strung.

    manifest --survey--> spilled batches (categorised canonical rows), rejects,
                         items per registrable domain, origins
             --evidence--> the snapshot the batches are judged on (--snapshot, --live)
    batches  --run_batch (local workers or Ray)--> facts | decisions, assessment rows,
                         split decisions, signals, counts
             --> facts.parquet, assessment.parquet (or decisions.parquet), one row group
                 per batch; split manifests; reports from the counts kept on the way

Memory is bounded by the batch size and the per-distinct-key tables (hosts, host states,
licence strings, law combinations, report cells, domains), never by the number of rows. The
results do not depend on the batch size, the number of workers or the executor.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa

from clearance.decide.split import write_split_stream
from clearance.engine.batch import (
    BatchContext,
    BatchResult,
    empty_tiers,
    merge_counts,
    run_batch,
    start_worker,
)
from clearance.engine.categorise import CategoryRun, category_run, home_pages_of, load_overrides
from clearance.engine.epochs import SIGNAL_SCHEMA
from clearance.engine.evidence import EvidenceInfo, gather_evidence
from clearance.engine.evidence_counts import EvidenceCounts
from clearance.engine.lawcounts import merge_law_counts
from clearance.engine.local import default_workers, map_ordered
from clearance.engine.paths import manifest_root
from clearance.engine.progress import Progress
from clearance.engine.settings import DEFAULT_BATCH_ROWS, ScanConfig
from clearance.engine.sinks import ParquetSink, read_batches
from clearance.engine.survey import Survey, survey
from clearance.errors import InputError
from clearance.ingest.manifest import ManifestReader
from clearance.report.aggregate import ReportAggregate
from clearance.signals.page import PageEvidence

__all__ = ["Streamed", "execute", "run_spill", "split_manifests", "stream"]


@dataclass
class Streamed:
    """What a streamed job counted (the files are in its output folder)."""

    survey: Survey
    evidence: EvidenceInfo
    tiers: dict[str, int] = field(default_factory=empty_tiers)
    rule_hits: dict[str, int] = field(default_factory=dict)
    waived: dict[str, int] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    exposure: dict[str, dict[str, int]] = field(default_factory=dict)
    known_works: dict[str, int] = field(default_factory=dict)
    takedowns: list[pl.DataFrame] = field(default_factory=list)
    law: list[pl.DataFrame] = field(default_factory=list)
    report: ReportAggregate = field(default_factory=ReportAggregate)
    evidence_counts: EvidenceCounts = field(default_factory=EvidenceCounts)
    signals: list[pa.Table] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    items: int = 0
    categories: CategoryRun = field(default_factory=CategoryRun)
    overridden: int = 0
    memorization: dict[str, int] = field(default_factory=dict)

    def add(self, result: BatchResult) -> None:
        """Fold one batch's counts in."""
        for tier, n in result.tiers.items():
            self.tiers[tier] = self.tiers.get(tier, 0) + n
        merge_counts(self.rule_hits, result.rule_hits)
        merge_counts(self.waived, result.waived)
        self.missing |= set(result.missing)
        merge_counts(self.exposure, result.exposure)
        merge_counts(self.known_works, result.known_works)
        if result.takedowns is not None and result.takedowns.height:
            self.takedowns.append(result.takedowns)
        if result.law is not None:
            self.law.append(result.law)
            if len(self.law) >= 8:
                self.law = [merge_law_counts(self.law)]
        if result.report is not None:
            self.report.merge(result.report)
        if result.evidence is not None:
            self.evidence_counts.merge(result.evidence)
        if result.signals.num_rows:
            self.signals.append(result.signals)
        self.overridden += result.overridden
        merge_counts(self.memorization, result.memorization)
        if not self.meta and result.meta:
            self.meta = dict(result.meta)
        elif "patterns" in result.meta and "patterns" in self.meta:
            self.meta["patterns"] = str(max(int(self.meta["patterns"]),
                                            int(result.meta["patterns"])))

    def takedown_counts(self) -> pl.DataFrame | None:
        """Return items per takedown request, dataset and version, over every batch."""
        if not self.takedowns:
            return None
        return (pl.concat(self.takedowns)
                .group_by("request_id", "dataset_name", "dataset_version")
                .agg(pl.col("items").sum())
                .sort("request_id", "dataset_name", "dataset_version", nulls_last=True))

    def signal_table(self) -> pa.Table:
        """Return the site-wide signals, one row per (host, epoch, signal), in a stable order
        (host, capture date, then as found)."""
        if not self.signals:
            return SIGNAL_SCHEMA.empty_table()
        table = pa.concat_tables(self.signals)
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)
        frame = frame.with_row_index("__k").unique(
            [c for c in frame.columns if c != "__k"], keep="first", maintain_order=True)
        frame = frame.sort("host", "captured_at", "__k").drop("__k")
        return frame.to_arrow().cast(SIGNAL_SCHEMA)


_TABLES = ("facts", "assessment", "decisions")


def run_spill(index: int, path: Path, offset: int = 0, hand_over: bool = False
              ) -> BatchResult:  # fmt: skip
    """Return the results of one spilled batch (a worker task).

    With ``hand_over`` the result's tables are written beside the spill as Arrow IPC files
    and the result carries their paths: the driver maps them instead of unpickling hundreds
    of megabytes per batch through a pipe.
    """
    frame = pl.read_ipc(path)
    result = run_batch(index, frame, offset)
    if hand_over:
        for name in _TABLES:
            table = getattr(result, name)
            if table is not None:
                target = path.with_name(f"{path.stem}.{name}.arrow")
                with pa.OSFile(str(target), "wb") as sink, \
                        pa.ipc.new_file(sink, table.schema) as writer:
                    writer.write_table(table)
                setattr(result, name, None)
                result.handed[name] = str(target)
    return result


def _taken(result: BatchResult, name: str) -> pa.Table | None:
    """Return a result's table, reading it from the file a worker handed it over in."""
    table: pa.Table | None = getattr(result, name)
    path = result.handed.get(name)
    if table is None and path is not None:
        with pa.memory_map(path, "r") as source:
            table = pa.ipc.open_file(source).read_all()
        Path(path).unlink(missing_ok=True)
    return table


def _effective(workers: int | None, tasks: int) -> int:
    count = min(workers or default_workers(), default_workers())
    return count if count > 1 and tasks > 1 else 1


def execute(config: ScanConfig, ctx: BatchContext, tasks: list[tuple[Any, ...]],
            fn: Callable[..., BatchResult]) -> tuple[Iterator[BatchResult], bool]:
    """Return the results of ``fn`` over ``tasks`` in order, and whether they ran elsewhere
    (worker processes or Ray) than in this process."""
    if config.engine == "ray":
        from clearance.engine.ray import ray_map

        return ray_map(fn, tasks, ctx, config), True
    workers = _effective(config.workers, len(tasks))
    return map_ordered(fn, tasks, workers=workers, init=start_worker, init_arg=ctx), workers > 1


def stream(
    config: ScanConfig,
    ctx_of: Callable[[Survey, EvidenceInfo, Mapping[str, PageEvidence]], BatchContext],
    reader: ManifestReader,
    *,
    out: Path | None,
    work: Path,
    label: Callable[[str], str],
    sinks: dict[str, ParquetSink],
    progress: Progress,
    total: int | None = None,
    resolver: Any = None,
    on_batch: Callable[[BatchResult], None] | None = None,
    require_rows: bool = False,
) -> Streamed:
    """Run the survey, gather the evidence, read the hosts' home pages, and judge every batch,
    writing ``sinks`` (``facts``, ``assessment``, ``decisions``, ``split``) as results arrive
    in order. ``ctx_of`` builds the batches' context from the survey, the evidence and the
    home pages' statements."""
    workers = config.workers or default_workers()
    with_evidence = bool(config.snapshots) or config.live
    found = survey(reader, work, label, live=config.live, rows=config.batch_rows,
                   workers=workers if config.engine == "local" else 1, progress=progress,
                   total=total, hosts=with_evidence)
    if require_rows:
        check_empty(found, config.manifest)
    evidence = gather_evidence(
        pa.table({"url": pa.array(sorted(found.origins), pa.string())}),
        (out / "evidence") if out is not None else work / "evidence",
        snapshots=config.snapshots, live=config.live, fetch=config.fetch,
        resolver=resolver, progress=progress)
    overrides = load_overrides(config.categories)
    pages: dict[str, PageEvidence] = {}
    if evidence.snapshot is not None:
        stage = progress.stage("reading the hosts' home pages", len(found.hosts), "hosts")
        pages = home_pages_of(evidence.snapshot, found.hosts, overrides)
        stage.advance(len(found.hosts))
        stage.close()
    found.hosts = set()  # read: no longer needed
    ctx = ctx_of(found, evidence, pages)
    done = Streamed(found, evidence, categories=category_run(overrides, pages))
    starts = [sum(found.rows[:i]) for i in range(len(found.rows))]
    hand_over = config.engine == "local" and _effective(config.workers, len(found.spills)) > 1
    tasks = [(i, path, starts[i], hand_over) for i, path in enumerate(found.spills)]
    stage = progress.stage("judging facts, law and policy, writing the tables",
                           sum(found.rows) or None, "items")
    results, elsewhere = execute(config, ctx, tasks, run_spill)
    try:
        for result, rows in zip(results, found.rows, strict=True):
            for name, field_name in (("facts", "facts"), ("assessment", "assessment"),
                                     ("split", "decisions")):
                table = _taken(result, field_name)
                if table is not None and name in sinks:
                    sinks[name].write(table)
                del table
            done.add(result)
            done.items += rows
            snap = evidence.snapshot
            if snap is not None and elsewhere:
                snap.touched.update(result.touched)
                for key, n in result.problems.items():
                    snap.problems[key] = snap.problems.get(key, 0) + n
            if on_batch is not None:
                on_batch(result)
            stage.advance(rows)
            path = found.spills[result.index]
            path.unlink(missing_ok=True)
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()
        stage.close()
    return done


def split_manifests(source: Any, fmt: str, split: Path, out: Path,
                    label: Callable[[str], str], batch_rows: int = DEFAULT_BATCH_ROWS,
                    ) -> tuple[dict[str, str], dict[str, int]]:  # fmt: skip
    """Write approved / restricted / prohibited from the decisions spilled in ``split``."""
    def decisions() -> Iterator[pl.DataFrame]:
        if not split.exists():
            return
        for table in read_batches(split):
            frame = pl.from_arrow(table)
            assert isinstance(frame, pl.DataFrame)
            yield frame

    return write_split_stream(source, fmt, decisions(), out, root=manifest_root(source),
                              label=label, batch_rows=batch_rows)


@contextlib.contextmanager
def work_folder(out: Path | None) -> Iterator[Path]:
    """Yield a private folder for spilled batches (inside ``out`` when there is one)."""
    if out is not None:
        path = out / ".work"
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)
    else:
        with tempfile.TemporaryDirectory(prefix="clearance-") as tmp:
            yield Path(tmp)


def now_text() -> str:
    """Return the current UTC time, ISO, to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def dumps(data: Any) -> str:
    """Return compact JSON (schema metadata values)."""
    return json.dumps(data)


def check_empty(found: Survey, manifest: str) -> None:
    """Raise InputError when no row of the manifest was accepted."""
    if not found.spills:
        raise InputError(f"{manifest}: no row was accepted; see rejects.jsonl")
