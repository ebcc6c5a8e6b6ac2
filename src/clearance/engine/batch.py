# SPDX-License-Identifier: Apache-2.0
"""The per-batch functions of the engine: one batch of items in, its tables and counts out.

Every executor (in process, local worker processes, Ray Data) runs these same functions on
batches of categorised canonical rows; only where they run differs. :func:`run_batch` builds
the facts (licences, reservations, lists, law facts), judges them per market, applies the
policy and returns what the driver writes (facts or decisions rows, assessment rows, the
split-manifest decisions) with the batch's share of every count the reports need. A worker
keeps its host judges (parsed host states) across batches: they grow with distinct hosts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from clearance.assumptions import Assumptions
from clearance.decide.blocklists import Blocklist
from clearance.decide.decision_table import with_market_columns
from clearance.decide.gate import decide_tiers
from clearance.decide.knownworks import KnownWorks
from clearance.decide.policy import TIERS, Policy
from clearance.engine.categorise import override_facts
from clearance.engine.epochs import SIGNAL_SCHEMA, HostJudges
from clearance.engine.evidence_counts import EvidenceCounts
from clearance.engine.facts import assess_facts, build_facts, law_input, rejudge_facts
from clearance.engine.lawcounts import law_counts
from clearance.engine.memorization import (
    BASIS,
    TESTED,
    MemorizationFindings,
    apply_memorization,
    tested_counts,
)
from clearance.engine.settings import ScanConfig
from clearance.enrich.agreements import AgreementRegistry
from clearance.enrich.annotate import Categorizer
from clearance.enrich.overrides import CategoryOverrides
from clearance.fetch.carry import TrackedSnapshot
from clearance.report.aggregate import ReportAggregate
from clearance.signals.page import PageEvidence

__all__ = ["BatchContext", "BatchResult", "ITEM_COLUMNS", "TIER_REASON_SEPARATOR",
           "judge_facts", "run_batch"]

TIER_REASON_SEPARATOR = "; "
"""assessment.parquet joins an item's tier reasons with this (a rule id never contains it)."""

#: Item columns repeated on every assessment row (item x market), dictionary-encoded.
ITEM_COLUMNS = ("acquisition_channel", "category", "reservation_capture_at",
                "reservation_capture_url", "reservation_record_id", "reservation_excerpt",
                "reservation_capture_age_days")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Rejudge:
    """What an assess run changes in saved facts (see :func:`rejudge_facts`)."""

    assumptions: Assumptions
    purpose: str
    org_type: str
    registry: AgreementRegistry | None
    judged_on: dt.date | None


@dataclass(frozen=True, slots=True)
class BatchContext:
    """What every batch of a job reads; sent once to each worker.

    ``domains`` counts items per registrable domain over the whole manifest (the law fact
    ``database_substantial_extraction`` needs the manifest's total, not the batch's).
    ``overrides`` (``--categories``) and ``pages`` (the home pages' statements, read once for
    every host before any batch) decide the categories; ``memorization`` holds the red team's
    tested values (``--memorization-table``).
    """

    settings: ScanConfig
    markets: tuple[str, ...]
    policy: Policy
    law_as_of: dt.date | None
    policy_as_of: dt.date | None
    snapshot: TrackedSnapshot | None = None
    blocklists: tuple[Blocklist, ...] | None = None
    known_works: tuple[KnownWorks, ...] = ()
    takedowns: pl.DataFrame | None = None
    base_dir: Path | None = None
    domains: pl.DataFrame | None = None
    reports: bool = True
    rejudge: Rejudge | None = None
    overrides: CategoryOverrides | None = None
    pages: Mapping[str, PageEvidence] | None = None
    memorization: MemorizationFindings | None = None


@dataclass
class BatchResult:
    """One batch's tables and counts (see the module docstring)."""

    index: int
    facts: pa.Table | None = None
    assessment: pa.Table | None = None
    decisions: pa.Table | None = None
    signals: pa.Table = field(default_factory=SIGNAL_SCHEMA.empty_table)
    touched: list[tuple[int, int]] = field(default_factory=list)
    tiers: dict[str, int] = field(default_factory=dict)
    rule_hits: dict[str, int] = field(default_factory=dict)
    waived: dict[str, int] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    exposure: dict[str, dict[str, int]] = field(default_factory=dict)
    known_works: dict[str, int] = field(default_factory=dict)
    takedowns: pl.DataFrame | None = None
    law: pl.DataFrame | None = None
    report: ReportAggregate | None = None
    evidence: EvidenceCounts | None = None
    problems: dict[str, int] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    handed: dict[str, str] = field(default_factory=dict)
    overridden: int = 0
    memorization: dict[str, int] = field(default_factory=dict)


class _Worker:
    """A worker's state for one job: host judges and what it already reported."""

    def __init__(self, ctx: BatchContext) -> None:
        self.ctx = ctx
        self.judges = (HostJudges(ctx.snapshot, ctx.settings)
                       if ctx.snapshot is not None else None)
        self.sent: set[tuple[int, int]] = set()
        self.problems: dict[str, int] = {}
        self.categorize = Categorizer(overrides=ctx.overrides, pages=ctx.pages)

    def touched(self) -> list[tuple[int, int]]:
        snap = self.ctx.snapshot
        if snap is None:
            return []
        new = snap.touched - self.sent
        self.sent |= new
        return sorted(new)

    def new_problems(self) -> dict[str, int]:
        snap = self.ctx.snapshot
        if snap is None:
            return {}
        out = {k: v - self.problems.get(k, 0) for k, v in snap.problems.items()
               if v > self.problems.get(k, 0)}
        self.problems = dict(snap.problems)
        return out


_WORKER: _Worker | None = None


def start_worker(ctx: BatchContext) -> None:
    """Set up this process for a job (a pool initializer, or the driver itself)."""
    global _WORKER
    _WORKER = _Worker(ctx)


def _worker() -> _Worker:
    if _WORKER is None:
        raise RuntimeError("start_worker was not called in this process")
    return _WORKER


def _dictionary(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    return array if pa.types.is_dictionary(array.type) else pc.dictionary_encode(array)


def assessment_with_tiers(assessment: pa.Table, tiers: pa.Table, facts: pa.Table) -> pa.Table:
    """Return assessment rows (item x market) with the item's tier, reasons and evidence.

    Item-level columns are dictionary-encoded and repeated by index, so adding them to
    millions of item x market rows copies no strings. The evidence columns name the capture
    that decided the item's reservation (date, URL, record id, excerpt, age at collection).
    """
    rows = assessment["row"].cast(pa.int64())
    reasons = pl.from_arrow(tiers["tier_reasons"])
    assert isinstance(reasons, pl.Series)
    joined = reasons.cast(pl.List(pl.String)).list.join(TIER_REASON_SEPARATOR).to_arrow()
    out = assessment.append_column("tier", _dictionary(tiers["tier"]).take(rows))
    out = out.append_column("tier_reasons", _dictionary(joined).take(rows))
    for name in ITEM_COLUMNS:
        if name not in facts.column_names:
            continue
        column = facts[name]
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            out = out.append_column(name, _dictionary(column).take(rows))
        else:
            out = out.append_column(name, column.take(rows))
    return out.replace_schema_metadata({**(assessment.schema.metadata or {}),
                                        **(tiers.schema.metadata or {})})


def _exposure(assessment: pa.Table) -> dict[str, dict[str, int]]:
    frame = pl.from_arrow(assessment.select(["market", "exposure"]))
    assert isinstance(frame, pl.DataFrame)
    out: dict[str, dict[str, int]] = {}
    for market, level, n in frame.cast(pl.String).group_by(["market", "exposure"]).len()\
            .iter_rows():
        out.setdefault(market, {})[level] = int(n)
    return out


def judge_facts(facts: pa.Table, ctx: BatchContext, result: BatchResult,
                offset: int = 0) -> None:
    """Judge one batch of facts per market, apply the policy, and fill ``result``.

    ``offset`` is the batch's first item's position in the job: the assessment's ``row``
    column counts from it.
    """
    settings = ctx.settings
    law = law_input(facts)
    assessment = assess_facts(law, facts, ctx.markets, ctx.law_as_of)
    gate = settings.mode == "gate"
    read = None if gate else ctx.policy.read_columns()
    decision = with_market_columns(facts, assessment, ctx.markets, read=read)
    outcome = decide_tiers(decision, ctx.policy, as_of=ctx.policy_as_of)
    tiers = outcome.table
    result.tiers = dict(outcome.counts)
    result.rule_hits = dict(outcome.rule_hits)
    result.waived = dict(outcome.waived)
    result.missing = outcome.missing_columns
    result.exposure = _exposure(assessment)
    result.decisions = pa.table({
        "source_file": facts["source_file"], "source_row": facts["source_row"],
        "tier": tiers["tier"], "tier_reasons": tiers["tier_reasons"]})
    if gate:
        result.facts = decision.append_column("tier", tiers["tier"]).append_column(
            "tier_reasons", tiers["tier_reasons"])
        return
    full = assessment_with_tiers(assessment, tiers, facts)
    if offset:
        i = full.column_names.index("row")
        full = full.set_column(i, "row", pc.add(full["row"], pa.scalar(offset, pa.int64())))
    result.facts = facts
    # one dictionary per column over the market blocks: the Parquet writer keeps dictionary
    # pages only while the dictionary stays the same within a row group
    result.assessment = full.unify_dictionaries()
    result.meta = {k.decode(): v.decode() for k, v in (full.schema.metadata or {}).items()}
    full = result.assessment
    counts = EvidenceCounts()
    counts.add(facts)
    result.evidence = counts
    if ctx.reports:
        result.law = law_counts(law, facts)
        report = ReportAggregate()
        report.add(facts, full)
        result.report = report


def run_batch(index: int, items: pl.DataFrame | pa.Table, offset: int = 0) -> BatchResult:
    """Return the tables and counts of one batch (facts built here unless re-judged)."""
    worker = _worker()
    ctx = worker.ctx
    table = items.to_arrow() if isinstance(items, pl.DataFrame) else items
    result = BatchResult(index)
    if ctx.rejudge is not None:
        r = ctx.rejudge
        if ctx.overrides is not None:
            table, result.overridden = override_facts(table, ctx.overrides)
        if ctx.memorization is not None:
            table = apply_memorization(table.drop_columns(
                [c for c in (TESTED, BASIS) if c in table.column_names]), ctx.memorization)
        facts = rejudge_facts(table, r.assumptions, purpose=r.purpose, org_type=r.org_type,
                              agreements=r.registry, judged_on=r.judged_on,
                              domains=ctx.domains)
    else:
        table = apply_memorization(worker.categorize(table), ctx.memorization)
        built = build_facts(
            table, ctx.snapshot, ctx.settings,
            blocklists=list(ctx.blocklists) if ctx.blocklists is not None else None,
            known_works=list(ctx.known_works), takedowns=ctx.takedowns,
            base_dir=ctx.base_dir, hash_images=ctx.settings.hash_images,
            judges=worker.judges, domains=ctx.domains)
        facts = built.facts
        result.signals = built.signals
        result.known_works = dict(built.known_work_counts)
        result.takedowns = built.takedown_counts
    if ctx.memorization is not None:
        result.memorization = tested_counts(table)
    judge_facts(facts, ctx, result, offset)
    result.touched = worker.touched()
    result.problems = worker.new_problems()
    return result


def empty_tiers() -> dict[str, int]:
    """Return zero items per tier."""
    return {t: 0 for t in TIERS}


def merge_counts(into: dict[str, Any], more: dict[str, Any]) -> None:
    """Add ``more``'s counts (nested dicts of ints) into ``into``."""
    for key, value in more.items():
        if isinstance(value, dict):
            merge_counts(into.setdefault(key, {}), value)
        else:
            into[key] = into.get(key, 0) + value
