# SPDX-License-Identifier: Apache-2.0
"""The gate job: read a manifest, decide every item's tier, write the split manifests.

``gate_manifest`` is the streaming engine in ``gate`` mode (:mod:`clearance.engine.stream`):
the manifest is read in batches, each batch gets the facts every scan builds (categories,
licences, reservations from ``--snapshot`` WARC files or a ``--live`` fetch, blocklists,
known works, takedowns, law per market) and its tier and reasons under the policy; the
decision-table rows go to ``decisions.parquet`` batch by batch, and the approved /
restricted / prohibited manifests are written in the input's format from the decisions, in
a second pass over the input. The counts reconcile: approved + restricted + prohibited +
rejected = rows read. Takedown matches are recorded in the ledger (received -> matched, and
-> applied once the manifests are written). Output folders follow
:mod:`clearance.engine.outdir`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from clearance import __version__
from clearance.assumptions import Assumptions
from clearance.config import FetchConfig
from clearance.decide.blocklists import Blocklist
from clearance.decide.knownworks import KnownWorks
from clearance.decide.policy import TIERS, Policy, load_policy
from clearance.decide.takedown import TakedownLedger
from clearance.engine.batch import BatchContext
from clearance.engine.categorise import load_overrides
from clearance.engine.evidence import EvidenceInfo, check_snapshots
from clearance.engine.memorization import load_memorization
from clearance.engine.outdir import atomic_text, finish, prepare_output
from clearance.engine.paths import manifest_digest, shown_path, source_labels
from clearance.engine.progress import NullProgress, Progress
from clearance.engine.settings import DEFAULT_BATCH_ROWS, ScanConfig
from clearance.engine.sinks import ParquetSink
from clearance.engine.stream import split_manifests, stream, work_folder
from clearance.engine.survey import Survey
from clearance.enrich.agreements import AgreementRegistry
from clearance.errors import InputError
from clearance.ingest.limits import ReadLimits
from clearance.ingest.manifest import ManifestReader, OnError, RejectsSink
from clearance.law.kb import default_knowledge_base
from clearance.models import GateSummary
from clearance.signals.page import PageEvidence

__all__ = ["gate_manifest"]

logger = logging.getLogger(__name__)


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
    batch_rows: int = DEFAULT_BATCH_ROWS,
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
    memorization_tables: Sequence[Path] = (),
    progress: Progress | None = None,
    engine: str = "local",
    workers: int | None = None,
    ray_address: str | None = None,
) -> GateSummary:
    """Gate ``source`` under ``policy``; with ``out``, write the split manifests and a report.

    ``markets`` are assessed besides the markets the policy reads; ``purpose`` and
    ``org_type`` default to the policy's; opt-outs come from ``snapshots`` (WARC files) or a
    ``live`` fetch into ``out/evidence`` (else they stay unknown, and a warning says so);
    ``assumptions`` are the presumptions about the use; ``categories`` a ``--categories``
    file whose overrides win over every inferred category (the hosts' home pages in the
    evidence are read as well); ``memorization_tables`` the red team's tested values. Into
    ``out`` (empty unless ``force``) go ``approved|restricted|prohibited.<ext>``,
    ``decisions.parquet`` (every item's decision-table row with its tier and reasons),
    ``rejects.jsonl``, ``gate.json`` and the completion marker. Raises PolicyError for a
    policy that does not fit the table, and the ingest errors for an unreadable manifest.
    """
    started = time.perf_counter()
    prog = progress or NullProgress()
    pol = policy if isinstance(policy, Policy) else load_policy(policy)
    on = _as_of(as_of)
    chosen = tuple(dict.fromkeys([*(markets or []), *pol.needed_markets()]))
    if not chosen:
        raise InputError("no market to assess: pass --markets or use a policy that names one")
    check_snapshots([Path(p) for p in snapshots])
    if live and out is None:
        raise InputError("--live needs --out: the evidence it fetches is written there")
    config = ScanConfig(
        manifest=str(source) if isinstance(source, str | Path) else "", out=out or Path("."),
        markets=chosen, purpose=purpose or pol.purpose,
        org_type=org_type or pol.org_type or "company", snapshots=tuple(snapshots),
        live=live, as_of=on, mapping=dict(mapping or {}), defaults=dict(defaults or {}),
        on_error=on_error, fmt=fmt, assumptions=assumptions or Assumptions(),
        presume_earlier=presume_earlier, fetch=fetch, hash_images=hash_images,
        record_takedowns=record, mode="gate", engine=engine, workers=workers,
        ray_address=ray_address, batch_rows=batch_rows, registry=agreements,
        categories=categories, memorization_tables=tuple(memorization_tables),
        follow_symlinks=bool(limits and limits.follow_symlinks))
    config.check()
    overrides = load_overrides(categories)
    findings = load_memorization(config.memorization_tables)
    if out is not None:
        prepare_output(out, force=force)
    label = source_labels(source)
    reader = ManifestReader(source, mapping=mapping, defaults=defaults, on_error=on_error,
                            rejects=RejectsSink(out / "rejects.jsonl" if out else None,
                                                label=label),
                            fmt=fmt, batch_rows=batch_rows, limits=limits or ReadLimits())
    base_dir = None
    if isinstance(source, str | Path):
        base_dir = Path(source) if Path(source).is_dir() else Path(source).parent

    def context(found: Survey, evidence: EvidenceInfo,
                pages: Mapping[str, PageEvidence]) -> BatchContext:
        return BatchContext(
            settings=config, markets=chosen, policy=pol, law_as_of=on, policy_as_of=on,
            snapshot=evidence.snapshot,
            blocklists=tuple(blocklists) if blocklists is not None else None,
            known_works=tuple(known_works),
            takedowns=ledger.in_force() if ledger is not None else None,
            base_dir=base_dir, domains=found.domain_table(), reports=False,
            overrides=overrides, pages=pages, memorization=findings)

    expired = [w.id for w in pol.waivers if w.expires < on]
    outputs: dict[str, str] = {}
    with work_folder(out) as work:
        sinks = {"split": ParquetSink(work / "decisions-split.parquet", statistics=())}
        if out is not None:
            sinks["facts"] = ParquetSink(out / "decisions.parquet")
        try:
            done = stream(config, context, reader, out=out, work=work, label=label,
                          sinks=sinks, progress=prog, resolver=resolver)
        except BaseException:
            for sink in sinks.values():
                sink.abort()
            raise
        counts = {t: int(done.tiers.get(t, 0)) for t in TIERS}
        evidence = done.evidence
        sinks["split"].close()
        if out is not None:
            evidence = evidence.carried(out / "evidence")
            sinks["facts"].close()
            outputs, written = split_manifests(source, reader.format,
                                               work / "decisions-split.parquet", out, label)
            if written != counts:
                raise InputError(
                    f"split manifests hold {written} rows per tier, "
                    f"the decisions {counts}: the input changed while gating?"
                )
    takedowns: dict[str, int] = {}
    per = done.takedown_counts()
    if per is not None:
        takedowns = {
            str(r): int(n)
            for r, n in per.group_by("request_id").agg(
                pl.col("items").sum()).sort("request_id").iter_rows()
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
        markets=list(chosen),
        rows_read=reader.rows_read,
        rows_rejected=reader.rows_rejected,
        approved=counts["approved"],
        restricted=counts["restricted"],
        prohibited=counts["prohibited"],
        rule_hits=done.rule_hits if done.items else {},
        waived=done.waived,
        expired_waivers=expired,
        missing_columns=sorted(done.missing),
        known_works=dict(done.known_works),
        takedowns=takedowns,
        outputs=outputs,
        seconds=round(time.perf_counter() - started, 3),
        assumptions=config.assumptions.to_dict(),
        evidence=evidence.to_json(),
        warnings=list(evidence.warnings),
    )
    if out is not None:
        extra: dict[str, Any] = {"category_sources": done.categories.to_json()}
        if findings is not None:
            extra["memorization_tables"] = {**findings.to_dict(), **done.memorization}
        atomic_text(out / "gate.json", json.dumps({**summary.to_dict(), **extra}, indent=2)
                    + "\n")
        finish(out, {
            "tool_version": __version__,
            "kb_as_of": default_knowledge_base().as_of.isoformat(),
            "manifest": shown_path(reader.plan.source, out),
            "manifest_sha256": manifest_digest(source),
            "snapshots": evidence.to_json()["sources"],
            "policy": pol.id, "policy_digest": pol.digest(),
        }, kind="gate")
    return summary
