# SPDX-License-Identifier: Apache-2.0
"""The gate job: read a manifest, decide every item's tier, write the split manifests.

``gate_manifest`` reads the manifest's canonical rows, builds the decision table with the
facts stage every scan uses (:class:`DecisionTableBuilder`: categories, licences,
reservations from ``--snapshot`` WARC files or a ``--live`` fetch, blocklists, known works,
takedowns, law per market), gives each row its tier and reasons under the policy, and writes
the approved / restricted / prohibited manifests in the input's format in a second pass over
the input. The counts reconcile: approved + restricted + prohibited + rejected = rows read.
Takedown matches are recorded in the ledger (received -> matched, and -> applied once the
manifests are written). Output folders follow :mod:`clearance.engine.outdir`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from clearance import __version__
from clearance.assumptions import Assumptions
from clearance.config import FetchConfig
from clearance.decide.blocklists import Blocklist
from clearance.decide.decision_table import with_market_columns
from clearance.decide.gate import decide_tiers
from clearance.decide.knownworks import KnownWorks
from clearance.decide.policy import TIERS, Policy, load_policy
from clearance.decide.split import write_split_manifests
from clearance.decide.takedown import TakedownLedger
from clearance.engine.categorise import CategoryRun, categorise_items, load_overrides
from clearance.engine.evidence import check_snapshots, gather_evidence
from clearance.engine.facts import FactSettings, assess_facts, build_facts, law_input
from clearance.engine.outdir import atomic, atomic_text, finish, prepare_output
from clearance.engine.paths import (
    manifest_digest,
    manifest_root,
    relabel_column,
    shown_path,
    source_labels,
)
from clearance.engine.progress import NullProgress, Progress
from clearance.enrich.agreements import AgreementRegistry
from clearance.enrich.overrides import CategoryOverrides
from clearance.errors import InputError
from clearance.fetch.snapshot import Snapshot
from clearance.ingest.limits import ReadLimits
from clearance.ingest.manifest import ManifestReader, OnError, RejectsSink
from clearance.law.kb import default_knowledge_base
from clearance.models import GateSummary

__all__ = ["DecisionTableBuilder", "gate_manifest"]

logger = logging.getLogger(__name__)

Counter = Callable[[int, int], None]


@dataclass
class DecisionTableBuilder:
    """Callable turning canonical items into the decision table (facts + market columns).

    ``assumptions`` are the presumptions about the use (:class:`Assumptions`).
    """

    markets: Sequence[str]
    purpose: str = "genai_training"
    org_type: str | None = "company"
    as_of: dt.date | None = None
    snapshot: Snapshot | None = None
    blocklists: Sequence[Blocklist] | None = None
    known_works: Sequence[KnownWorks] = ()
    takedowns: pl.DataFrame | None = None
    base_dir: Path | None = None
    hash_images: bool = True
    assumptions: Assumptions = field(default_factory=Assumptions)
    presume_earlier: bool = False
    agreements: AgreementRegistry | None = None
    known_work_counts: dict[str, int] = field(default_factory=dict)
    takedown_counts: list[pl.DataFrame] = field(default_factory=list)
    kb_as_of: str = ""
    overrides: CategoryOverrides | None = None
    category_runs: list[CategoryRun] = field(default_factory=list)

    def __call__(self, canonical: pa.Table) -> pa.Table:
        """Return the decision table of ``canonical`` (same rows, same order)."""
        as_of = (
            dt.datetime.combine(self.as_of, dt.time(23, 59, 59), tzinfo=dt.UTC)
            if self.as_of
            else None
        )
        settings = FactSettings(
            purpose=self.purpose,
            org_type=self.org_type or "company",
            as_of=as_of,
            assumptions=self.assumptions,
            presume_earlier=self.presume_earlier,
            agreements=self.agreements,
        )
        if "category" in canonical.column_names and self.overrides is None and (
            self.snapshot is None
        ):
            items = canonical  # categorised by the caller; nothing here would change it
        else:
            items, run = categorise_items(canonical, self.snapshot, self.overrides)
            self.category_runs.append(run)
        built = build_facts(
            items,
            self.snapshot,
            settings,
            blocklists=self.blocklists,
            known_works=self.known_works,
            takedowns=self.takedowns,
            base_dir=self.base_dir,
            hash_images=self.hash_images,
        )
        for key, n in built.known_work_counts.items():
            self.known_work_counts[key] = self.known_work_counts.get(key, 0) + n
        if built.takedown_counts is not None:
            self.takedown_counts.append(built.takedown_counts)
        facts = built.facts
        assessed = assess_facts(law_input(facts), facts, self.markets, self.as_of)
        self.kb_as_of = (assessed.schema.metadata or {}).get(b"kb_as_of", b"").decode()
        return with_market_columns(facts, assessed, self.markets)


def _as_of(value: dt.date | str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise InputError(f"--as-of {value!r} is not a date YYYY-MM-DD") from exc
    return value


def gate_manifest(
    source: Any,
    policy: Policy | str | Path,
    *,
    out: Path | None = None,
    force: bool = False,
    markets: Sequence[str] | None = None,
    purpose: str | None = None,
    org_type: str | None = None,
    as_of: dt.date | str | None = None,
    blocklists: Sequence[Blocklist] | None = None,
    known_works: Sequence[KnownWorks] = (),
    ledger: TakedownLedger | None = None,
    record: bool = True,
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    on_error: OnError = "skip",
    batch_rows: int = 1 << 18,
    hash_images: bool = True,
    snapshots: Sequence[Path] = (),
    live: bool = False,
    fetch: FetchConfig | None = None,
    resolver: Any = None,
    assumptions: Assumptions | None = None,
    presume_earlier: bool = False,
    agreements: AgreementRegistry | None = None,
    limits: ReadLimits | None = None,
    categories: Path | None = None,
    progress: Progress | None = None,
    counter: Counter | None = None,
) -> GateSummary:
    """Gate ``source`` under ``policy``; with ``out``, write the split manifests and a report.

    ``markets`` are assessed besides the markets the policy reads; ``purpose`` and
    ``org_type`` default to the policy's; opt-outs come from ``snapshots`` (WARC files) or a
    ``live`` fetch into ``out/evidence`` (else they stay unknown, and a warning says so);
    ``assumptions`` are the presumptions about the use; ``categories`` is a ``--categories``
    file whose overrides win over every inferred category (the hosts' home pages in the
    snapshot are read as page evidence either way). Into ``out`` (empty unless ``force``)
    go ``approved|restricted|prohibited.<ext>``, ``decisions.parquet`` (every item's
    decision-table row with its tier and reasons), ``rejects.jsonl``, ``gate.json`` and the
    completion marker. Raises PolicyError for a policy that does not fit the table, and the
    ingest errors for an unreadable manifest.
    """
    started = time.perf_counter()
    prog = progress or NullProgress()
    pol = policy if isinstance(policy, Policy) else load_policy(policy)
    on = _as_of(as_of)
    chosen = list(dict.fromkeys([*(markets or []), *pol.needed_markets()]))
    if not chosen:
        raise InputError("no market to assess: pass --markets or use a policy that names one")
    check_snapshots([Path(p) for p in snapshots])
    if live and out is None:
        raise InputError("--live needs --out: the evidence it fetches is written there")
    overrides = load_overrides(categories)
    if out is not None:
        prepare_output(out, force=force)
    label = source_labels(source)
    reader = ManifestReader(
        source,
        mapping=mapping,
        defaults=defaults,
        on_error=on_error,
        rejects=RejectsSink(out / "rejects.jsonl" if out else None, label=label),
        fmt=fmt,
        batch_rows=batch_rows,
        limits=limits or ReadLimits(),
    )
    base_dir = None
    if isinstance(source, str | Path):
        base_dir = Path(source) if Path(source).is_dir() else Path(source).parent
    parts = []
    stage = prog.stage("reading the manifest", None, "rows")
    try:
        seen = 0
        for batch in reader:
            parts.append(batch)
            stage.advance(reader.rows_read - seen)
            seen = reader.rows_read
            if counter is not None:
                counter(reader.rows_read, reader.rows_accepted)
    finally:
        reader.rejects.close()
        stage.close()
    table = pa.concat_tables(parts, promote_options="permissive") if parts else None
    if table is not None:
        files = pl.from_arrow(table["source_file"])
        assert isinstance(files, pl.Series)
        table = table.set_column(table.column_names.index("source_file"), "source_file",
                                 relabel_column(files, label).to_arrow())
    evidence = gather_evidence(
        table if table is not None else pa.table({"url": pa.array([], pa.string())}),
        (out / "evidence") if out is not None else Path("evidence"),
        snapshots=snapshots, live=live, fetch=fetch, resolver=resolver, progress=prog)
    builder = DecisionTableBuilder(
        markets=chosen,
        purpose=purpose or pol.purpose,
        org_type=org_type or pol.org_type or "company",
        as_of=on,
        snapshot=evidence.snapshot,
        blocklists=blocklists,
        known_works=known_works,
        takedowns=ledger.in_force() if ledger is not None else None,
        base_dir=base_dir,
        hash_images=hash_images,
        assumptions=assumptions or Assumptions(),
        presume_earlier=presume_earlier,
        agreements=agreements,
        overrides=overrides,
    )
    expired = [w.id for w in pol.waivers if w.expires < on]
    counts = {t: 0 for t in TIERS}
    rule_hits: dict[str, int] = {}
    waived: dict[str, int] = {}
    missing: tuple[str, ...] = ()
    outputs: dict[str, str] = {}
    if table is not None:
        stage = prog.stage("deciding tiers", 1, "steps")
        decision = builder(table)
        outcome = decide_tiers(decision, pol, as_of=on)
        stage.advance()
        stage.close()
        counts, rule_hits, waived = outcome.counts, outcome.rule_hits, outcome.waived
        missing = outcome.missing_columns
        decided = decision.append_column("tier", outcome.table["tier"]).append_column(
            "tier_reasons", outcome.table["tier_reasons"]
        )
        if out is not None:
            evidence = evidence.carried(out / "evidence")
            atomic(out / "decisions.parquet",
                   lambda p: pq.write_table(decided, p, compression="zstd"))
            frame = pl.from_arrow(
                decided.select(["source_file", "source_row", "tier", "tier_reasons"])
            )
            assert isinstance(frame, pl.DataFrame)
            outputs, written = write_split_manifests(
                source, reader.format, frame, out, root=manifest_root(source), label=label)
            if written != counts:
                raise InputError(
                    f"split manifests hold {written} rows per tier, "
                    f"the decisions {counts}: the input changed while gating?"
                )
    elif out is not None:
        empty = pl.DataFrame(
            schema={
                "source_file": pl.String,
                "source_row": pl.Int64,
                "tier": pl.String,
                "tier_reasons": pl.List(pl.String),
            }
        )
        outputs, _ = write_split_manifests(
            source, reader.format, empty, out, root=manifest_root(source), label=label)
    takedowns: dict[str, int] = {}
    if builder.takedown_counts:
        per = (
            pl.concat(builder.takedown_counts)
            .group_by("request_id", "dataset_name", "dataset_version")
            .agg(pl.col("items").sum())
        )
        takedowns = {
            r: int(n)
            for r, n in per.group_by("request_id")
            .agg(pl.col("items").sum())
            .sort("request_id")
            .iter_rows()
        }
        if ledger is not None and record:
            ledger.record_matches(
                per, applied=out is not None, note=f"gate {pol.id} on {reader.plan.source}"
            )
    summary = GateSummary(
        source=reader.plan.source if out is None else shown_path(reader.plan.source, out),
        format=reader.format,
        policy=pol.id,
        policy_digest=pol.digest(),
        as_of=on.isoformat(),
        markets=chosen,
        rows_read=reader.rows_read,
        rows_rejected=reader.rows_rejected,
        approved=counts["approved"],
        restricted=counts["restricted"],
        prohibited=counts["prohibited"],
        rule_hits=rule_hits,
        waived=waived,
        expired_waivers=expired,
        missing_columns=sorted(missing),
        known_works=dict(builder.known_work_counts),
        takedowns=takedowns,
        outputs=outputs,
        seconds=round(time.perf_counter() - started, 3),
        assumptions=builder.assumptions.to_dict(),
        evidence=evidence.to_json(),
        warnings=list(evidence.warnings),
    )
    if out is not None:
        runs = builder.category_runs
        category_sources = {
            "overrides": overrides.source if overrides is not None else None,
            "home_pages_read": sum(r.pages_read for r in runs),
            "home_pages_with_statements": sum(r.pages_with_statements for r in runs),
        }
        atomic_text(out / "gate.json", json.dumps(
            {**summary.to_dict(), "category_sources": category_sources}, indent=2) + "\n")
        finish(out, {
            "tool_version": __version__,
            "kb_as_of": default_knowledge_base().as_of.isoformat(),
            "manifest": shown_path(reader.plan.source, out),
            "manifest_sha256": manifest_digest(source),
            "snapshots": evidence.to_json()["sources"],
            "policy": pol.id, "policy_digest": pol.digest(),
        }, kind="gate")
    return summary
