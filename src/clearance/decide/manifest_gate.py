# SPDX-License-Identifier: Apache-2.0
"""The gate job: read a manifest, decide every item's tier, write the split manifests.

``gate_manifest`` reads the manifest's canonical rows (as the scan engine does, in memory),
builds the decision table with the scan engine's fact functions
(:class:`~clearance.decide.decision_table.DecisionTableBuilder`: categories, licences,
reservations from an optional WARC snapshot, blocklists, known works, takedowns, law per
market), gives each row its tier and reasons under the policy, and writes the approved /
restricted / prohibited manifests in the input's format in a second pass over the input.
The counts reconcile: approved + restricted + prohibited + rejected = rows read.
Takedown matches are recorded in the ledger (received -> matched, and -> applied once the
manifests are written).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from clearance.decide.blocklists import Blocklist
from clearance.decide.decision_table import DecisionTableBuilder
from clearance.decide.gate import decide_tiers
from clearance.decide.knownworks import KnownWorks
from clearance.decide.policy import TIERS, Policy, load_policy
from clearance.decide.split import write_split_manifests
from clearance.decide.takedown import TakedownLedger
from clearance.errors import InputError
from clearance.fetch.snapshot import Snapshot
from clearance.ingest.manifest import ManifestReader, OnError, RejectsSink
from clearance.models import GateSummary

__all__ = ["gate_manifest"]

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


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
    settings: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> GateSummary:
    """Gate ``source`` under ``policy``; with ``out``, write the split manifests and a report.

    ``markets`` defaults to the markets the policy reads; ``purpose`` and ``org_type`` to the
    policy's; ``snapshots`` are WARC files to judge opt-outs from (else they stay unknown);
    ``settings`` passes the scan engine's fact settings (access, retained_after_training,
    memorization, ...). Into ``out`` go ``approved|restricted|prohibited.<ext>``,
    ``decisions.parquet`` (every item's decision-table row with its tier and reasons),
    ``rejects.jsonl`` and ``gate.json``. Raises PolicyError for a policy that does not fit
    the table, and the ingest errors for an unreadable manifest.
    """
    started = time.perf_counter()
    pol = policy if isinstance(policy, Policy) else load_policy(policy)
    on = _as_of(as_of)
    chosen = list(dict.fromkeys([*(markets or []), *pol.needed_markets()]))
    if not chosen:
        raise InputError("no market to assess: pass --markets or use a policy that names one")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    reader = ManifestReader(
        source,
        mapping=mapping,
        defaults=defaults,
        on_error=on_error,
        rejects=RejectsSink(out / "rejects.jsonl" if out else None),
        fmt=fmt,
        batch_rows=batch_rows,
    )
    base_dir = None
    if isinstance(source, str | Path):
        base_dir = Path(source) if Path(source).is_dir() else Path(source).parent
    missing_files = [str(p) for p in snapshots if not Path(p).exists()]
    if missing_files:
        raise InputError(f"snapshot files not found: {', '.join(missing_files)}")
    builder = DecisionTableBuilder(
        markets=chosen,
        purpose=purpose or pol.purpose,
        org_type=org_type or pol.org_type or "company",
        as_of=on,
        snapshot=Snapshot.from_paths(list(snapshots)) if snapshots else None,
        blocklists=blocklists,
        known_works=known_works,
        takedowns=ledger.in_force() if ledger is not None else None,
        base_dir=base_dir,
        hash_images=hash_images,
        settings=dict(settings or {}),
    )
    parts = []
    try:
        for batch in reader:
            parts.append(batch)
            if progress is not None:
                progress(reader.rows_read, reader.rows_accepted)
    finally:
        reader.rejects.close()
    expired = [w.id for w in pol.waivers if w.expires < on]
    counts = {t: 0 for t in TIERS}
    rule_hits: dict[str, int] = {}
    waived: dict[str, int] = {}
    missing: tuple[str, ...] = ()
    outputs: dict[str, str] = {}
    if parts:
        decision = builder(pa.concat_tables(parts, promote_options="permissive"))
        outcome = decide_tiers(decision, pol, as_of=on)
        counts, rule_hits, waived = outcome.counts, outcome.rule_hits, outcome.waived
        missing = outcome.missing_columns
        decided = decision.append_column("tier", outcome.table["tier"]).append_column(
            "tier_reasons", outcome.table["tier_reasons"]
        )
        if out is not None:
            pq.write_table(decided, out / "decisions.parquet", compression="zstd")
            frame = pl.from_arrow(
                decided.select(["source_file", "source_row", "tier", "tier_reasons"])
            )
            assert isinstance(frame, pl.DataFrame)
            outputs, written = write_split_manifests(source, reader.format, frame, out)
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
        outputs, _ = write_split_manifests(source, reader.format, empty, out)
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
        source=reader.plan.source,
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
    )
    if out is not None:
        (out / "gate.json").write_text(json.dumps(summary.to_dict(), indent=2) + "\n", "utf-8")
    return summary
