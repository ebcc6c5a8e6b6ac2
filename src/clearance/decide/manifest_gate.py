# SPDX-License-Identifier: Apache-2.0
"""The gate job: read a manifest, decide every item's tier, write the split manifests.

``gate_manifest`` streams the manifest in batches: each canonical batch becomes decision-table
rows (:class:`~clearance.decide.decision_table.DecisionTableBuilder`), the policy gives each
row its tier and reasons, and only ``(source_file, source_row, tier, tier_reasons)`` is kept.
A second pass over the input writes the approved / restricted / prohibited manifests in the
input's format. The counts reconcile: approved + restricted + prohibited + rejected = rows read.
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
import pyarrow.parquet as pq

from clearance.decide.blocklists import Blocklist
from clearance.decide.decision_table import DecisionTableBuilder
from clearance.decide.gate import decide_tiers
from clearance.decide.knownworks import KnownWorks
from clearance.decide.policy import TIERS, Policy, load_policy
from clearance.decide.split import write_split_manifests
from clearance.decide.takedown import TakedownLedger
from clearance.errors import InputError
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
    progress: Progress | None = None,
) -> GateSummary:
    """Gate ``source`` under ``policy``; with ``out``, write the split manifests and a report.

    ``markets`` defaults to the markets the policy reads; ``purpose`` and ``org_type`` to the
    policy's. Into ``out`` go ``approved|restricted|prohibited.<ext>``, ``decisions.parquet``
    (every item's decision-table row with its tier and reasons), ``rejects.jsonl`` and
    ``gate.json``. Raises PolicyError for a policy that does not fit the table, and the
    ingest errors for an unreadable manifest.
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
    base_dir = Path(str(source)).parent if isinstance(source, str | Path) else None
    builder = DecisionTableBuilder(
        markets=chosen,
        purpose=purpose or pol.purpose,
        org_type=org_type or pol.org_type,
        as_of=on,
        blocklists=blocklists,
        known_works=known_works,
        takedowns=ledger.in_force() if ledger is not None else None,
        base_dir=base_dir,
        hash_images=hash_images,
    )
    counts = {t: 0 for t in TIERS}
    rule_hits: dict[str, int] = {}
    waived: dict[str, int] = {}
    expired = [w.id for w in pol.waivers if w.expires < on]
    missing: set[str] = set()
    kept: list[pl.DataFrame] = []
    writer: pq.ParquetWriter | None = None
    try:
        for batch in reader:
            decision = builder(batch)
            outcome = decide_tiers(decision, pol, as_of=on)
            for tier, n in outcome.counts.items():
                counts[tier] += n
            for key, n in outcome.rule_hits.items():
                rule_hits[key] = rule_hits.get(key, 0) + n
            for key, n in outcome.waived.items():
                waived[key] = waived.get(key, 0) + n
            missing |= set(outcome.missing_columns)
            decided = decision.append_column("tier", outcome.table["tier"]).append_column(
                "tier_reasons", outcome.table["tier_reasons"]
            )
            frame = pl.from_arrow(
                decided.select(["source_file", "source_row", "tier", "tier_reasons"])
            )
            assert isinstance(frame, pl.DataFrame)
            kept.append(frame)
            if out is not None:
                if writer is None:
                    writer = pq.ParquetWriter(
                        out / "decisions.parquet", decided.schema, compression="zstd"
                    )
                writer.write_table(decided.cast(writer.schema))
            if progress is not None:
                progress(reader.rows_read, reader.rows_accepted)
    finally:
        if writer is not None:
            writer.close()
        reader.rejects.close()
    outputs: dict[str, str] = {}
    if out is not None:
        decisions = (
            pl.concat(kept)
            if kept
            else pl.DataFrame(
                schema={
                    "source_file": pl.String,
                    "source_row": pl.Int64,
                    "tier": pl.String,
                    "tier_reasons": pl.List(pl.String),
                }
            )
        )
        outputs, written = write_split_manifests(source, reader.format, decisions, out)
        if written != counts:
            logger.warning("split manifests hold %s rows per tier, decisions %s", written, counts)
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
