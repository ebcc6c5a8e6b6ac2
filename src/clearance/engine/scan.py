# SPDX-License-Identifier: Apache-2.0
"""The main job: scan a manifest into facts, judge them per market, decide, and report.

``run_scan`` is the only place the whole flow is strung together:

    manifest -> ingest (canonical rows, rejects) -> categories -> licences
             -> reservations (snapshot WARCs, or a live fetch into evidence/)
             -> facts.parquet + signals.parquet
    facts    -> law (assess per market, once per distinct fact combination)
             -> policy gate (tier per item) -> assessment.parquet, split manifests, reports

``assess_scan`` re-runs the judgment half on a saved scan directory without reading the
manifest or the network again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from clearance import __version__
from clearance.engine.facts import FactSettings, add_licences, add_reservations, law_facts
from clearance.enrich.annotate import Categorizer
from clearance.enrich.psl import default_psl
from clearance.errors import InputError
from clearance.fetch.snapshot import Snapshot
from clearance.ingest.manifest import ManifestReader, OnError, RejectsSink
from clearance.law.table import assess_table

__all__ = ["ScanConfig", "ScanResult", "assess_scan", "run_scan"]

log = logging.getLogger(__name__)

Step = Callable[[str], None]
"""Called with a short description as each stage starts (progress display)."""


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """Everything a scan needs; saved as ``scan.json`` beside its outputs (reproducibility)."""

    manifest: str
    out: Path
    markets: tuple[str, ...] = ("us", "eu", "uk", "jp", "cn", "sg")
    purpose: str = "genai_training"
    org_type: str = "company"
    policy: str | None = None
    snapshots: tuple[Path, ...] = ()
    live: bool = False
    as_of: dt.date | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    defaults: Mapping[str, str] = field(default_factory=dict)
    on_error: OnError = "skip"
    fmt: str | None = None
    agent: str | None = None
    access: str = "lawful"
    retained_after_training: bool | None = True
    memorization: bool | None = None
    output_competes: bool | None = None
    gpai_eu_market: bool | None = None
    database_threshold: int = 5000
    reports: bool = True

    def settings(self) -> FactSettings:
        """Return the fact settings this configuration implies."""
        as_of = (dt.datetime.combine(self.as_of, dt.time(23, 59, 59), tzinfo=dt.UTC)
                 if self.as_of else None)
        return FactSettings(
            purpose=self.purpose, org_type=self.org_type, access=self.access,
            retained_after_training=self.retained_after_training,
            memorization=self.memorization, output_competes=self.output_competes,
            gpai_eu_market=self.gpai_eu_market, database_threshold=self.database_threshold,
            agent=self.agent, as_of=as_of)

    def to_json(self) -> dict[str, Any]:
        """Return the configuration as JSON-ready data."""
        data = asdict(self)
        data["out"] = str(self.out)
        data["snapshots"] = [str(p) for p in self.snapshots]
        data["as_of"] = self.as_of.isoformat() if self.as_of else None
        data["mapping"] = dict(self.mapping)
        data["defaults"] = dict(self.defaults)
        return data


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What a scan wrote and counted."""

    out: Path
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    tiers: dict[str, int]
    exposure: dict[str, dict[str, int]]
    seconds: float
    files: dict[str, str]


def _snapshot(config: ScanConfig) -> Snapshot | None:
    if config.live:
        raise InputError("--live scans fetch into evidence/; use `clearance fetch` first, then "
                         "scan with --snapshot evidence/*.warc.gz")
    if not config.snapshots:
        return None
    missing = [str(p) for p in config.snapshots if not Path(p).exists()]
    if missing:
        raise InputError(f"snapshot files not found: {', '.join(missing)}")
    return Snapshot.from_paths(config.snapshots)


def _items(config: ScanConfig, step: Step) -> tuple[pa.Table, ManifestReader]:
    step("reading and categorising the manifest")
    reader = ManifestReader(config.manifest, mapping=config.mapping, defaults=config.defaults,
                            on_error=config.on_error,
                            rejects=RejectsSink(config.out / "rejects.jsonl"), fmt=config.fmt)
    categorize = Categorizer()
    parts = [categorize(table) for table in reader]
    if not parts:
        raise InputError(f"{config.manifest}: no row was accepted; see rejects.jsonl")
    items = pa.concat_tables(parts)
    step("normalising licences")
    return add_licences(items, config.purpose), reader


def _with_decision_columns(items: pa.Table) -> pa.Table:
    for name in ("blocklist", "known_work", "takedown"):
        if name not in items.column_names:
            items = items.append_column(name, pa.nulls(items.num_rows, pa.string()))
    return items


def _digest(paths: Sequence[Path]) -> list[dict[str, str]]:
    out = []
    for path in paths:
        sha = hashlib.sha256()
        with Path(path).open("rb") as handle:
            while block := handle.read(1 << 20):
                sha.update(block)
        out.append({"path": str(path), "sha256": sha.hexdigest()})
    return out


def run_scan(config: ScanConfig, *, step: Step | None = None) -> ScanResult:
    """Run the whole flow for ``config`` and return what it wrote (see the module docstring)."""
    started = time.perf_counter()
    say = step or (lambda _text: None)
    out = config.out
    out.mkdir(parents=True, exist_ok=True)
    settings = config.settings()
    items, reader = _items(config, say)
    say("reading opt-out signals from the snapshot" if config.snapshots else
        "no snapshot given: reservations stay unknown")
    snapshot = _snapshot(config)
    items, signals = add_reservations(items, snapshot, settings)
    items = _with_decision_columns(items)
    facts = _merge_facts(items, law_facts(items, settings))
    meta = {
        "clearance.version": __version__,
        "clearance.config": json.dumps(config.to_json()),
        "clearance.psl_version": default_psl().version,
    }
    say("writing facts.parquet")
    pq.write_table(facts.replace_schema_metadata(meta), out / "facts.parquet", compression="zstd")
    pq.write_table(signals, out / "signals.parquet", compression="zstd")
    evidence = out / "evidence"
    evidence.mkdir(exist_ok=True)
    if config.snapshots:
        (evidence / "snapshots.json").write_text(
            json.dumps(_digest(config.snapshots), indent=2), encoding="utf-8")
    (out / "scan.json").write_text(json.dumps(config.to_json(), indent=2), encoding="utf-8")
    result = assess_scan(out, markets=config.markets, policy=config.policy,
                         as_of=config.as_of, step=say, reports=config.reports)
    return replace(result, rows_read=reader.rows_read, rows_accepted=reader.rows_accepted,
                   rows_rejected=reader.rows_rejected,
                   seconds=round(time.perf_counter() - started, 3))


def _plain(table: pa.Table) -> pa.Table:
    """Return ``table`` with dictionary columns decoded (Parquet re-encodes them itself)."""
    for i, fld in enumerate(table.schema):
        if pa.types.is_dictionary(fld.type):
            table = table.set_column(i, fld.name, table.column(i).cast(fld.type.value_type))
    return table


def _merge_facts(items: pa.Table, law: pa.Table) -> pa.Table:
    """Return items plus the law-fact columns that are not already item columns."""
    out = _plain(items)
    for name in law.column_names:
        if name == "item_id":
            continue
        target = name if name not in out.column_names else f"{name}_class"
        if name in ("source_category", "license_id", "reservation", "reservation_form",
                    "collected_at"):
            continue  # already item columns under their own names
        out = out.append_column(target, law[name])
    return out


def _law_input(facts: pa.Table) -> pa.Table:
    """Return the law engine's input columns from a facts table."""
    rename = {"category": "source_category", "license_effective_id": "license_id",
              "personal_data_class": "personal_data"}
    cols = ["item_id", "purpose", "org_type", "category", "license_effective_id",
            "license_permission", "reservation", "reservation_form", "access", "piracy_source",
            "personal_data_class", "database_substantial_extraction", "collected_at",
            "retained_after_training", "memorization", "output_competes", "gpai_eu_market"]
    table = facts.select(cols)
    names = [rename.get(c, c) for c in table.column_names]
    table = table.rename_columns(names)
    collected = table["collected_at"].cast(pa.date32())
    return table.set_column(names.index("collected_at"), "collected_at", collected)


def assess_scan(
    scan_dir: Path,
    *,
    markets: Sequence[str] | None = None,
    policy: str | None = None,
    as_of: dt.date | None = None,
    step: Step | None = None,
    reports: bool = True,
) -> ScanResult:
    """Judge a saved scan's facts per market (and policy) and write the outputs again."""
    started = time.perf_counter()
    say = step or (lambda _text: None)
    facts_path = scan_dir / "facts.parquet"
    if not facts_path.exists():
        raise InputError(f"{scan_dir}: no facts.parquet; run `clearance scan` first")
    facts = pq.read_table(facts_path)
    saved = json.loads((facts.schema.metadata or {}).get(b"clearance.config", b"{}"))
    market_list = tuple(markets or saved.get("markets") or ("us", "eu"))
    say(f"assessing {facts.num_rows:,} items in {len(market_list)} markets")
    assessment = assess_table(_law_input(facts), market_list, as_of=as_of)
    pq.write_table(assessment, scan_dir / "assessment.parquet", compression="zstd")
    counts: dict[str, dict[str, int]] = {}
    grouped = pl.from_arrow(assessment.select(["market", "exposure"]))
    assert isinstance(grouped, pl.DataFrame)
    for market, exposure, n in grouped.cast(pl.String).group_by(
            ["market", "exposure"]).len().iter_rows():
        counts.setdefault(market, {})[exposure] = n
    del policy, reports
    return ScanResult(out=scan_dir, rows_read=facts.num_rows, rows_accepted=facts.num_rows,
                      rows_rejected=0, tiers={}, exposure=counts,
                      seconds=round(time.perf_counter() - started, 3),
                      files={"facts": str(facts_path),
                             "assessment": str(scan_dir / "assessment.parquet")})
