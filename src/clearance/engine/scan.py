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
import pyarrow.compute as pc
import pyarrow.parquet as pq

from clearance import __version__
from clearance.config import FetchConfig
from clearance.decide.blocklists import load_blocklist
from clearance.decide.decision_table import with_market_columns
from clearance.decide.gate import apply_policy
from clearance.decide.knownworks import load_known_works
from clearance.decide.policy import TIERS, load_policy
from clearance.decide.split import write_split_manifests
from clearance.decide.takedown import TakedownLedger
from clearance.engine.facts import FactSettings, build_facts, law_input
from clearance.enrich.annotate import Categorizer
from clearance.enrich.psl import default_psl
from clearance.errors import InputError
from clearance.fetch.run import fetch_host_documents
from clearance.fetch.snapshot import Snapshot
from clearance.ingest.manifest import ManifestReader, OnError, RejectsSink
from clearance.law.table import assess_table
from clearance.report.write import write_reports

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
    presume_earlier: bool = False
    fetch: FetchConfig | None = None
    blocklists: tuple[Path, ...] = ()
    known_works: tuple[Path, ...] = ()
    takedowns: Path | None = None
    reports: bool = True

    def settings(self) -> FactSettings:
        """Return the fact settings this configuration implies."""
        as_of = (
            dt.datetime.combine(self.as_of, dt.time(23, 59, 59), tzinfo=dt.UTC)
            if self.as_of
            else None
        )
        return FactSettings(
            purpose=self.purpose,
            org_type=self.org_type,
            access=self.access,
            retained_after_training=self.retained_after_training,
            memorization=self.memorization,
            output_competes=self.output_competes,
            gpai_eu_market=self.gpai_eu_market,
            database_threshold=self.database_threshold,
            agent=self.agent,
            as_of=as_of,
            presume_earlier=self.presume_earlier,
        )

    def to_json(self) -> dict[str, Any]:
        """Return the configuration as JSON-ready data."""
        data = asdict(self)
        data["out"] = str(self.out)
        data["snapshots"] = [str(p) for p in self.snapshots]
        data["blocklists"] = [str(p) for p in self.blocklists]
        data["known_works"] = [str(p) for p in self.known_works]
        data["takedowns"] = str(self.takedowns) if self.takedowns else None
        data["as_of"] = self.as_of.isoformat() if self.as_of else None
        data["mapping"] = dict(self.mapping)
        data["defaults"] = dict(self.defaults)
        data["fetch"] = asdict(self.fetch) if self.fetch else None
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


def _origins(items: pa.Table) -> list[str]:
    """Return the distinct ``scheme://host[:port]`` origins of the items' http(s) URLs."""
    urls = pl.from_arrow(items["url"])
    assert isinstance(urls, pl.Series)
    scheme = urls.str.extract(r"^(?i:(https?)://)", 1).str.to_lowercase()
    authority = urls.str.extract(r"^(?i:https?)://(?:[^@/?#]*@)?([^/?#]+)", 1).str.to_lowercase()
    origins = (scheme + "://" + authority).drop_nulls().unique()
    return sorted(origins.to_list())


def _snapshot(config: ScanConfig, items: pa.Table, resolver: Any) -> Snapshot | None:
    """Return the snapshot signals come from: the given WARCs, or a live fetch into evidence/."""
    paths = list(config.snapshots)
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        raise InputError(f"snapshot files not found: {', '.join(missing)}")
    if config.live:
        evidence = config.out / "evidence"
        fetch_host_documents(_origins(items), evidence, config=config.fetch or FetchConfig(),
                             resolver=resolver)
        paths += sorted((evidence / "warc").glob("*.warc.gz"))
    return Snapshot.from_paths(paths) if paths else None


def _items(config: ScanConfig, step: Step) -> tuple[pa.Table, ManifestReader]:
    step("reading and categorising the manifest")
    reader = ManifestReader(config.manifest, mapping=config.mapping, defaults=config.defaults,
                            on_error=config.on_error,
                            rejects=RejectsSink(config.out / "rejects.jsonl"), fmt=config.fmt)
    categorize = Categorizer()
    frames = [categorize.frame(frame) for frame in reader.frames()]
    if not frames:
        raise InputError(f"{config.manifest}: no row was accepted; see rejects.jsonl")
    return pl.concat(frames).to_arrow(), reader


def _digest(paths: Sequence[Path]) -> list[dict[str, str]]:
    out = []
    for path in paths:
        sha = hashlib.sha256()
        with Path(path).open("rb") as handle:
            while block := handle.read(1 << 20):
                sha.update(block)
        out.append({"path": str(path), "sha256": sha.hexdigest()})
    return out


def run_scan(config: ScanConfig, *, step: Step | None = None, resolver: Any = None) -> ScanResult:
    """Run the whole flow for ``config`` and return what it wrote (see the module docstring).

    ``resolver`` replaces DNS for a live fetch (tests map names to 127.0.0.1).
    """
    started = time.perf_counter()
    say = step or (lambda _text: None)
    out = config.out
    out.mkdir(parents=True, exist_ok=True)
    items, reader = _items(config, say)
    say("fetching each host's robots.txt, tdmrep.json and ai.txt" if config.live else
        "reading opt-out signals from the snapshot" if config.snapshots else
        "no snapshot given: reservations stay unknown")
    ledger = TakedownLedger(config.takedowns) if config.takedowns else None
    built = build_facts(
        items, _snapshot(config, items, resolver), config.settings(),
        blocklists=[load_blocklist(p) for p in config.blocklists] or None,
        known_works=[load_known_works(p) for p in config.known_works],
        takedowns=ledger.in_force() if ledger else None,
        base_dir=Path(config.manifest).parent if Path(config.manifest).exists() else None)
    meta = {
        "clearance.version": __version__,
        "clearance.config": json.dumps(config.to_json()),
        "clearance.psl_version": default_psl().version,
        "clearance.counts": json.dumps({"rows_read": reader.rows_read,
                                        "rows_accepted": reader.rows_accepted,
                                        "rows_rejected": reader.rows_rejected,
                                        "format": reader.format,
                                        "known_works": built.known_work_counts}),
    }
    say("writing facts.parquet")
    facts = built.facts.replace_schema_metadata(meta)
    pq.write_table(facts, out / "facts.parquet", compression="zstd")
    pq.write_table(built.signals, out / "signals.parquet", compression="zstd")
    evidence = out / "evidence"
    evidence.mkdir(exist_ok=True)
    if config.snapshots:
        (evidence / "snapshots.json").write_text(
            json.dumps(_digest(config.snapshots), indent=2), encoding="utf-8")
    (out / "scan.json").write_text(json.dumps(config.to_json(), indent=2), encoding="utf-8")
    if ledger is not None and built.takedown_counts is not None:
        ledger.record_matches(built.takedown_counts)
    result = assess_scan(out, markets=config.markets, policy=config.policy,
                         as_of=config.as_of, step=say, reports=config.reports,
                         facts=facts, signals=built.signals)
    return replace(result, seconds=round(time.perf_counter() - started, 3))


def default_policy(purpose: str, markets: Sequence[str]) -> str:
    """Return the shipped policy a scan uses when none is given."""
    if purpose == "research":
        return "research-only"
    return "eu-ready-commercial" if "eu" in markets else "us-fair-use-reliant"


TIER_REASON_SEPARATOR = "; "
"""assessment.parquet joins an item's tier reasons with this (a rule id never contains it)."""


def _dictionary(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    return array if pa.types.is_dictionary(array.type) else pc.dictionary_encode(array)


def _assessment_with_tiers(assessment: pa.Table, tiers: pa.Table) -> pa.Table:
    """Return assessment rows (item x market) with the item's tier and its reasons.

    Item-level columns are dictionary-encoded and repeated by index, so adding them to
    millions of item x market rows copies no strings.
    """
    rows = assessment["row"].cast(pa.int64())
    reasons = pl.from_arrow(tiers["tier_reasons"])
    assert isinstance(reasons, pl.Series)
    joined = reasons.cast(pl.List(pl.String)).list.join(TIER_REASON_SEPARATOR).to_arrow()
    out = assessment.append_column("tier", _dictionary(tiers["tier"]).take(rows))
    out = out.append_column("tier_reasons", _dictionary(joined).take(rows))
    return out.replace_schema_metadata({**(assessment.schema.metadata or {}),
                                        **(tiers.schema.metadata or {})})


def _split(scan_dir: Path, saved: Mapping[str, Any], facts: pa.Table, tiers: pa.Table,
           fmt: str) -> dict[str, str]:
    """Write approved / restricted / prohibited manifests when the manifest is still there."""
    manifest = saved.get("manifest")
    if not manifest:
        return {}
    decisions = pl.from_arrow(facts.select(["source_file", "source_row"]))
    assert isinstance(decisions, pl.DataFrame)
    decisions = decisions.with_columns(
        pl.from_arrow(tiers["tier"]).alias("tier"),  # type: ignore[union-attr]
        pl.from_arrow(tiers["tier_reasons"].cast(pa.list_(pa.string())))
        .alias("tier_reasons"),  # type: ignore[union-attr]
    )
    try:
        paths, _ = write_split_manifests(manifest, fmt, decisions, scan_dir)
    except (OSError, InputError) as exc:
        log.warning("split manifests not written: %s", exc)
        return {}
    return {f"manifest_{tier}": path for tier, path in paths.items()}


def assess_scan(
    scan_dir: Path,
    *,
    markets: Sequence[str] | None = None,
    policy: str | None = None,
    as_of: dt.date | None = None,
    step: Step | None = None,
    reports: bool = True,
    facts: pa.Table | None = None,
    signals: pa.Table | None = None,
) -> ScanResult:
    """Judge a saved scan's facts per market and policy; write assessment, manifests, reports.

    ``facts`` and ``signals`` skip re-reading the scan's files when the caller has them.
    """
    started = time.perf_counter()
    say = step or (lambda _text: None)
    facts_path = scan_dir / "facts.parquet"
    if not facts_path.exists():
        raise InputError(f"{scan_dir}: no facts.parquet; run `clearance scan` first")
    if facts is None:
        facts = pq.read_table(facts_path)
    meta = facts.schema.metadata or {}
    saved = json.loads(meta.get(b"clearance.config", b"{}"))
    counts = json.loads(meta.get(b"clearance.counts", b"{}"))
    market_list = tuple(markets or saved.get("markets") or ("us", "eu"))
    purpose = str(saved.get("purpose") or "genai_training")
    policy_id = policy or saved.get("policy") or default_policy(purpose, market_list)
    chosen = load_policy(policy_id)
    say(f"assessing {facts.num_rows:,} items in {len(market_list)} markets")
    assessment = assess_table(law_input(facts), market_list, as_of=as_of)
    say(f"applying the policy {chosen.id}")
    decision = with_market_columns(facts, assessment, market_list,
                                   read=chosen.read_columns())
    tiers = apply_policy(decision, chosen, as_of=as_of)
    full = _assessment_with_tiers(assessment, tiers)
    pq.write_table(full, scan_dir / "assessment.parquet", compression="zstd")
    files = {"facts": str(facts_path), "assessment": str(scan_dir / "assessment.parquet"),
             "signals": str(scan_dir / "signals.parquet")}
    say("writing the split manifests")
    files |= _split(scan_dir, saved, facts, tiers, str(counts.get("format") or "parquet"))
    tier_counts = _counts(tiers["tier"])
    exposure: dict[str, dict[str, int]] = {}
    grouped = pl.from_arrow(assessment.select(["market", "exposure"]))
    assert isinstance(grouped, pl.DataFrame)
    for market, level, n in grouped.cast(pl.String).group_by(["market", "exposure"]).len()\
            .iter_rows():
        exposure.setdefault(market, {})[level] = n
    if reports:
        say("writing the reports")
        if signals is None and (scan_dir / "signals.parquet").exists():
            signals = pq.read_table(scan_dir / "signals.parquet")
        report_config = {**saved, "markets": list(market_list), "policy": chosen.id,
                         "policy_digest": chosen.digest(), "tool_version": __version__,
                         "as_of": as_of.isoformat() if as_of else None, **counts}
        paths = write_reports(scan_dir, facts, full, signals, report_config)
        files |= {k: str(v) for k, v in asdict(paths).items() if v}
    return ScanResult(
        out=scan_dir,
        rows_read=int(counts.get("rows_read", facts.num_rows)),
        rows_accepted=int(counts.get("rows_accepted", facts.num_rows)),
        rows_rejected=int(counts.get("rows_rejected", 0)),
        tiers=tier_counts, exposure=exposure,
        seconds=round(time.perf_counter() - started, 3), files=files)


def _counts(column: pa.ChunkedArray) -> dict[str, int]:
    series = pl.from_arrow(column.cast(pa.string()))
    assert isinstance(series, pl.Series)
    found = dict(series.value_counts().iter_rows())
    return {tier: int(found.get(tier, 0)) for tier in TIERS}
