# SPDX-License-Identifier: Apache-2.0
"""The main job: scan a manifest into facts, judge them per market, decide, and report.

``run_scan`` is the only place the whole flow is strung together:

    manifest -> ingest (canonical rows, rejects)
             -> evidence (snapshot WARCs, or a live fetch into evidence/)
             -> categories (--categories overrides, knowledge base, home-page evidence)
             -> licences -> reservations
             -> facts.parquet + signals.parquet (+ the records relied on, in evidence/)
    facts    -> law (assess per market, once per distinct fact combination)
             -> policy gate (tier per item) -> assessment.parquet, split manifests, reports

``assess_scan`` re-runs the judgment half on a saved scan directory without reading the
manifest or the network again, into a new run folder (``SCAN/runs/<time>/``) so the reports
already handed out stay as they were. Every output folder ends with a completion marker that
records the provenance: tool version, manifest and snapshot hashes, knowledge-base as-of.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from clearance import __version__
from clearance.assumptions import Assumptions
from clearance.config import FetchConfig
from clearance.decide.blocklists import load_blocklist
from clearance.decide.decision_table import with_market_columns
from clearance.decide.gate import apply_policy
from clearance.decide.knownworks import load_known_works
from clearance.decide.policy import TIERS, Policy, load_policy, load_waivers
from clearance.decide.split import write_split_manifests
from clearance.decide.takedown import TakedownLedger
from clearance.engine.argue import argued
from clearance.engine.categorise import categorise_items, load_overrides, override_facts
from clearance.engine.evidence import (
    EvidenceInfo,
    check_snapshots,
    evidence_summary,
    gather_evidence,
)
from clearance.engine.facts import (
    FactSettings,
    assess_facts,
    build_facts,
    law_input,
    rejudge_facts,
)
from clearance.engine.outdir import atomic, atomic_text, finish, prepare_output, read_marker
from clearance.engine.paths import (
    manifest_digest,
    manifest_root,
    relabel_column,
    shown_path,
    source_labels,
)
from clearance.engine.progress import NullProgress, Progress
from clearance.engine.sensitivity import presumption_variants, sensitivity
from clearance.enrich.agreements import AgreementRegistry, load_agreements
from clearance.enrich.psl import default_psl
from clearance.errors import InputError
from clearance.ingest.limits import ReadLimits
from clearance.ingest.manifest import ManifestReader, OnError, RejectsSink
from clearance.law import all_markets
from clearance.law.kb import default_knowledge_base
from clearance.report.write import write_reports

__all__ = [
    "DEFAULT_MARKETS",
    "ScanConfig",
    "ScanResult",
    "assess_scan",
    "default_policy",
    "parse_markets",
    "run_scan",
]

log = logging.getLogger(__name__)

#: Markets judged when ``--markets`` is not given (scan, assess and gate alike).
DEFAULT_MARKETS: tuple[str, ...] = ("us", "eu", "uk", "jp", "cn", "sg")


def parse_markets(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """Return the markets a ``--markets`` value names (``all`` for every market).

    Raises InputError for an empty list or a market the law engine does not know.
    """
    if text is None:
        return DEFAULT_MARKETS
    items = text.split(",") if isinstance(text, str) else list(text)
    names = [m.strip().lower() for m in items if m.strip()]
    if names == ["all"]:
        return all_markets()
    known = all_markets()
    bad = [m for m in names if m not in known]
    if bad:
        raise InputError(f"--markets: unknown market(s) {', '.join(bad)}; known: "
                         f"{', '.join(known)} (or all)")
    if not names:
        raise InputError("--markets: name at least one market (e.g. us,eu) or all")
    return tuple(dict.fromkeys(names))


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """Everything a scan needs; saved as ``scan.json`` beside its outputs (reproducibility)."""

    manifest: str
    out: Path
    markets: tuple[str, ...] = DEFAULT_MARKETS
    purpose: str = "genai_training"
    org_type: str = "company"
    policy: str | None = None
    waivers: Path | None = None
    snapshots: tuple[Path, ...] = ()
    live: bool = False
    as_of: dt.date | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    defaults: Mapping[str, str] = field(default_factory=dict)
    on_error: OnError = "skip"
    fmt: str | None = None
    assumptions: Assumptions = Assumptions()
    database_threshold: int = 5000
    presume_earlier: bool = False
    fetch: FetchConfig | None = None
    blocklists: tuple[Path, ...] = ()
    default_blocklists: bool = True
    known_works: tuple[Path, ...] = ()
    hash_images: bool = True
    takedowns: Path | None = None
    record_takedowns: bool = True
    agreements: Path | None = None
    categories: Path | None = None
    reports: bool = True
    force: bool = False
    resume: bool = False
    follow_symlinks: bool = False

    def settings(self, registry: AgreementRegistry | None = None) -> FactSettings:
        """Return the fact settings this configuration implies."""
        as_of = (
            dt.datetime.combine(self.as_of, dt.time(23, 59, 59), tzinfo=dt.UTC)
            if self.as_of
            else None
        )
        return FactSettings(
            purpose=self.purpose,
            org_type=self.org_type,
            assumptions=self.assumptions,
            database_threshold=self.database_threshold,
            as_of=as_of,
            presume_earlier=self.presume_earlier,
            agreements=registry,
        )

    def to_json(self) -> dict[str, Any]:
        """Return the configuration as JSON-ready data, with no absolute path of this machine."""
        data = asdict(self)
        data["manifest"] = shown_path(self.manifest, self.out)
        data["out"] = "."
        data["snapshots"] = [Path(p).name for p in self.snapshots]
        data["blocklists"] = [Path(p).name for p in self.blocklists]
        data["known_works"] = [Path(p).name for p in self.known_works]
        data["takedowns"] = Path(self.takedowns).name if self.takedowns else None
        data["waivers"] = Path(self.waivers).name if self.waivers else None
        data["agreements"] = Path(self.agreements).name if self.agreements else None
        data["categories"] = Path(self.categories).name if self.categories else None
        data["as_of"] = self.as_of.isoformat() if self.as_of else None
        data["mapping"] = dict(self.mapping)
        data["defaults"] = dict(self.defaults)
        data["fetch"] = asdict(self.fetch) if self.fetch else None
        data["assumptions"] = self.assumptions.to_dict()
        for key in ("force", "resume", "follow_symlinks"):
            data.pop(key, None)
        return data


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What a scan (or an assess run) wrote and counted, and what it warns about."""

    out: Path
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    tiers: dict[str, int]
    exposure: dict[str, dict[str, int]]
    seconds: float
    files: dict[str, str]
    warnings: tuple[str, ...] = ()
    unreadable_records: int = 0

    @property
    def open_first(self) -> str | None:
        """Return the file to open first: the one-page assessment, else the summary."""
        return self.files.get("assessment_pdf") or self.files.get("summary_json")


def default_policy(purpose: str, markets: Sequence[str]) -> str:
    """Return the shipped policy a scan uses when none is given."""
    if purpose == "research":
        return "research-only"
    return "eu-ready-commercial" if "eu" in markets else "us-fair-use-reliant"


def _reader_total(manifest: str) -> int | None:
    """Return the row count of a single Parquet manifest from its footer (else None)."""
    path = Path(manifest)
    if path.is_file() and path.suffix.lower() == ".parquet":
        try:
            return int(pq.ParquetFile(path).metadata.num_rows)
        except (OSError, pa.ArrowException):
            return None
    return None


def _items(config: ScanConfig, progress: Progress) -> tuple[pa.Table, ManifestReader]:
    label = source_labels(config.manifest)
    reader = ManifestReader(config.manifest, mapping=config.mapping, defaults=config.defaults,
                            on_error=config.on_error,
                            rejects=RejectsSink(config.out / "rejects.jsonl", label=label),
                            fmt=config.fmt,
                            limits=ReadLimits(follow_symlinks=config.follow_symlinks))
    stage = progress.stage("reading the manifest", _reader_total(config.manifest), "rows")
    frames = []
    seen = 0
    try:
        for frame in reader.frames():
            frames.append(frame)
            stage.advance(reader.rows_read - seen)
            seen = reader.rows_read
    finally:
        reader.rejects.close()
        stage.close()
    if not frames:
        raise InputError(f"{config.manifest}: no row was accepted; see rejects.jsonl")
    items = pl.concat(frames)
    return items.with_columns(relabel_column(items["source_file"], label)).to_arrow(), reader


def _policy(policy: str | None, waivers: Path | None, purpose: str,
            markets: Sequence[str]) -> Policy:
    chosen = load_policy(policy or default_policy(purpose, markets))
    return load_waivers(waivers, chosen) if waivers is not None else chosen


def run_scan(
    config: ScanConfig, *, progress: Progress | None = None, resolver: Any = None
) -> ScanResult:
    """Run the whole flow for ``config`` and return what it wrote (see the module docstring).

    ``resolver`` replaces DNS for a live fetch (tests map names to 127.0.0.1). Raises
    InputError for an output folder that is not empty (unless ``force`` or ``resume``), an
    unknown market, policy or option value, before any work is done.
    """
    started = time.perf_counter()
    prog = progress or NullProgress()
    out = config.out
    markets = parse_markets(config.markets)
    chosen = _policy(config.policy, config.waivers, config.purpose, markets)  # fail early
    registry = load_agreements(config.agreements) if config.agreements else None
    check_snapshots(config.snapshots)
    overrides = load_overrides(config.categories)  # fail early, naming the file and row
    prepare_output(out, force=config.force, resume=config.resume,
                   keep=("evidence",) if config.live else ())
    items, reader = _items(config, prog)
    evidence = gather_evidence(items, out / "evidence", snapshots=config.snapshots,
                               live=config.live, fetch=config.fetch, resolver=resolver,
                               progress=prog)
    stage = prog.stage("categorising sources (overrides, knowledge, home pages)", 1, "steps")
    items, categories = categorise_items(items, evidence.snapshot, overrides)
    stage.advance()
    stage.close()
    ledger = TakedownLedger(config.takedowns) if config.takedowns else None
    stage = prog.stage("reading opt-outs, licences, blocklists and known works", 1, "steps")
    blocklists = [load_blocklist(p) for p in config.blocklists]
    built = build_facts(
        items, evidence.snapshot, config.settings(registry),
        blocklists=blocklists if blocklists or not config.default_blocklists else None,
        known_works=[load_known_works(p) for p in config.known_works],
        takedowns=ledger.in_force() if ledger else None,
        base_dir=Path(config.manifest).parent if Path(config.manifest).exists() else None,
        hash_images=config.hash_images)
    stage.advance()
    stage.close()
    evidence = evidence.carried(out / "evidence")
    provenance = _provenance(config, evidence)
    counts = {"rows_read": reader.rows_read, "rows_accepted": reader.rows_accepted,
              "rows_rejected": reader.rows_rejected, "format": reader.format,
              "known_works": built.known_work_counts,
              "category_sources": categories.to_json()}
    meta = {
        "clearance.version": __version__,
        "clearance.config": json.dumps(config.to_json()),
        "clearance.psl_version": default_psl().version,
        "clearance.counts": json.dumps(counts),
        "clearance.evidence": json.dumps(evidence.to_json()),
        "clearance.provenance": json.dumps(provenance),
        "clearance.agreements": (registry or AgreementRegistry()).to_json(),
    }
    facts = built.facts.replace_schema_metadata(meta)
    atomic(out / "facts.parquet", lambda p: pq.write_table(facts, p, compression="zstd"))
    atomic(out / "signals.parquet",
           lambda p: pq.write_table(built.signals, p, compression="zstd"))
    atomic_text(out / "scan.json", json.dumps(
        {**config.to_json(), "evidence": evidence.to_json(), "provenance": provenance,
         "category_sources": categories.to_json()},
        indent=2) + "\n")
    if ledger is not None and built.takedown_counts is not None and config.record_takedowns:
        ledger.record_matches(built.takedown_counts)
    result = _judge(out, facts, built.signals, markets=markets, policy=chosen,
                    as_of=config.as_of, reports=config.reports, progress=prog,
                    manifest=config.manifest, fmt=reader.format)
    finish(out, provenance, kind="scan")
    return replace(result, seconds=round(time.perf_counter() - started, 3),
                   warnings=evidence.warnings + result.warnings,
                   unreadable_records=evidence.unreadable)


def _provenance(config: ScanConfig, evidence: EvidenceInfo) -> dict[str, Any]:
    return {
        "tool_version": __version__,
        "kb_as_of": default_knowledge_base().as_of.isoformat(),
        "psl_version": default_psl().version,
        "manifest": shown_path(config.manifest, config.out),
        "manifest_sha256": manifest_digest(config.manifest),
        "snapshots": [{"name": n, "sha256": h} for n, h in evidence.sources],
        "scanned_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


TIER_REASON_SEPARATOR = "; "
"""assessment.parquet joins an item's tier reasons with this (a rule id never contains it)."""

#: Item columns repeated on every assessment row (item x market), dictionary-encoded.
ITEM_COLUMNS = ("acquisition_channel", "category", "reservation_capture_at",
                "reservation_capture_url", "reservation_record_id", "reservation_excerpt",
                "reservation_capture_age_days")  # fmt: skip


def _dictionary(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    return array if pa.types.is_dictionary(array.type) else pc.dictionary_encode(array)


def _assessment_with_tiers(assessment: pa.Table, tiers: pa.Table, facts: pa.Table) -> pa.Table:
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


def _split(out: Path, manifest: str | None, facts: pa.Table, tiers: pa.Table,
           fmt: str) -> tuple[dict[str, str], list[str]]:
    """Write approved / restricted / prohibited manifests when the manifest is at hand."""
    if not manifest:
        return {}, ["split manifests not written: the manifest's path is unknown (--manifest)"]
    decisions = pl.from_arrow(facts.select(["source_file", "source_row"]))
    assert isinstance(decisions, pl.DataFrame)
    decisions = decisions.with_columns(
        pl.from_arrow(tiers["tier"]).alias("tier"),  # type: ignore[union-attr]
        pl.from_arrow(tiers["tier_reasons"].cast(pa.list_(pa.string())))
        .alias("tier_reasons"),  # type: ignore[union-attr]
    )
    try:
        paths, _ = write_split_manifests(manifest, fmt, decisions, out,
                                         root=manifest_root(manifest),
                                         label=source_labels(manifest))
    except (OSError, InputError) as exc:
        return {}, [f"split manifests not written: {exc}"]
    return {f"manifest_{tier}": path for tier, path in paths.items()}, []


def _judge(
    out: Path, facts: pa.Table, signals: pa.Table | None, *, markets: Sequence[str],
    policy: Policy, as_of: dt.date | None, reports: bool, progress: Progress,
    manifest: str | None, fmt: str,
) -> ScanResult:
    """Judge ``facts`` per market, apply ``policy`` and write the judgment files into ``out``."""
    started = time.perf_counter()
    meta = facts.schema.metadata or {}
    saved = json.loads(meta.get(b"clearance.config", b"{}"))
    counts = json.loads(meta.get(b"clearance.counts", b"{}"))
    evidence = json.loads(meta.get(b"clearance.evidence", b"{}"))
    provenance = json.loads(meta.get(b"clearance.provenance", b"{}"))
    assumptions = Assumptions.from_dict(saved.get("assumptions"))
    stage = progress.stage("judging the law per market", len(markets), "markets")
    law = law_input(facts)
    assessment = assess_facts(law, facts, markets, as_of)
    stage.advance(len(markets))
    stage.close()
    stage = progress.stage("applying the policy and writing the tables", 3, "steps")
    decision = with_market_columns(facts, assessment, markets, read=policy.read_columns())
    tiers = apply_policy(decision, policy, as_of=as_of)
    full = _assessment_with_tiers(assessment, tiers, facts)
    stage.advance()
    atomic(out / "assessment.parquet", lambda p: pq.write_table(full, p, compression="zstd"))
    files = {"facts": "facts.parquet", "assessment": str(out / "assessment.parquet"),
             "signals": "signals.parquet"}
    stage.advance()
    split, warnings = _split(out, manifest, facts, tiers, str(counts.get("format") or fmt))
    files |= split
    stage.advance()
    stage.close()
    tier_counts = _counts(tiers["tier"])
    exposure: dict[str, dict[str, int]] = {}
    grouped = pl.from_arrow(assessment.select(["market", "exposure"]))
    assert isinstance(grouped, pl.DataFrame)
    for market, level, n in grouped.cast(pl.String).group_by(["market", "exposure"]).len()\
            .iter_rows():
        exposure.setdefault(market, {})[level] = n
    if reports:
        stage = progress.stage("writing the reports", 2, "steps")
        helpers = [c for c in ("access_presumed", "personal_data_presumed")
                   if c in facts.column_names]
        sens = sensitivity(law, list(markets), presumption_variants(assumptions), as_of=as_of,
                           extra=facts.select(helpers) if helpers else None)
        reasons = argued(law, facts["category"], list(markets), as_of)
        stage.advance()
        if signals is None and (out / "signals.parquet").exists():
            signals = pq.read_table(out / "signals.parquet")
        report_config = {**saved, "markets": list(markets), "policy": policy.id,
                         "policy_digest": policy.digest(), "tool_version": __version__,
                         "as_of": as_of.isoformat() if as_of else None, **counts,
                         "assumptions": assumptions.to_dict(),
                         "sensitivity": sens.to_dict(),
                         **reasons,
                         "evidence": evidence_summary(facts, evidence),
                         "provenance": provenance,
                         "warnings": warnings}
        paths = write_reports(out, facts, full, signals, report_config)
        files |= {k: str(v) for k, v in asdict(paths).items() if v}
        stage.advance()
        stage.close()
    return ScanResult(
        out=out,
        rows_read=int(counts.get("rows_read", facts.num_rows)),
        rows_accepted=int(counts.get("rows_accepted", facts.num_rows)),
        rows_rejected=int(counts.get("rows_rejected", 0)),
        tiers=tier_counts, exposure=exposure,
        seconds=round(time.perf_counter() - started, 3), files=files,
        warnings=tuple(warnings))


def assess_scan(
    scan_dir: Path,
    *,
    out: Path | None = None,
    force: bool = False,
    markets: Sequence[str] | str | None = None,
    policy: str | None = None,
    waivers: Path | None = None,
    as_of: dt.date | None = None,
    purpose: str | None = None,
    org_type: str | None = None,
    assumptions: Mapping[str, Any] | None = None,
    agreements: Path | None = None,
    manifest: str | None = None,
    categories: Path | None = None,
    reports: bool = True,
    progress: Progress | None = None,
) -> ScanResult:
    """Re-judge a saved scan's facts per market and policy into a new run folder.

    The run goes to ``out`` (default ``scan_dir/runs/<UTC time>``); the scan's own files are
    never touched, and ``out`` must be empty unless ``force``. ``assumptions`` overrides the
    scan's presumptions (``retained_after_training``, ``access``, ...; not ``agent``, which
    needs a new scan). ``agreements`` is a licence registry to judge with instead of the
    scan's. ``manifest`` locates the input for the split manifests when it moved.
    ``categories`` (a ``--categories`` file) overrides the saved categories of the hosts and
    URL prefixes it names; every other category stays as the scan decided it.
    """
    started = time.perf_counter()
    prog = progress or NullProgress()
    scan_dir = Path(scan_dir)
    facts_path = scan_dir / "facts.parquet"
    if not facts_path.exists():
        raise InputError(f"{scan_dir}: no facts.parquet; run `clearance scan` first")
    if read_marker(scan_dir) is None and (scan_dir / "scan.json").exists():
        log.warning("%s: the scan did not finish (no completion marker)", scan_dir)
    overrides = dict(assumptions or {})
    if overrides.get("agent"):
        raise InputError("--agent changes which robots.txt groups are read: run a new scan")
    facts = pq.read_table(facts_path)
    meta = dict(facts.schema.metadata or {})
    saved = json.loads(meta.get(b"clearance.config", b"{}"))
    before = Assumptions.from_dict(saved.get("assumptions"))
    after = before.changed(**overrides)
    new_purpose = purpose or saved.get("purpose") or "genai_training"
    new_org = org_type or saved.get("org_type") or "company"
    registry = (load_agreements(agreements) if agreements is not None
                else AgreementRegistry.from_json(meta.get(b"clearance.agreements")))
    loaded = load_overrides(categories)
    facts = rejudge_facts(facts, after, purpose=new_purpose, org_type=new_org,
                          agreements=registry, judged_on=as_of)
    meta[b"clearance.agreements"] = registry.to_json().encode()
    if loaded is not None:
        facts, changed = override_facts(facts, loaded)
        saved["categories"] = loaded.source
        counts_meta = json.loads(meta.get(b"clearance.counts", b"{}"))
        sources = dict(counts_meta.get("category_sources") or {})
        sources.update(overrides=loaded.source, override_entries=len(loaded.domains)
                       + len(loaded.prefixes), overridden_rows_in_assess=changed)
        counts_meta["category_sources"] = sources
        meta[b"clearance.counts"] = json.dumps(counts_meta).encode()
    saved.update(assumptions=after.to_dict(), purpose=new_purpose, org_type=new_org)
    market_list = parse_markets(markets if markets else saved.get("markets") or None)
    chosen = _policy(policy or saved.get("policy"), waivers, new_purpose, market_list)
    run_dir = out or scan_dir / "runs" / dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    if run_dir.resolve() == scan_dir.resolve() and not force:
        raise InputError(f"--out {run_dir}: re-judging into the scan folder replaces its "
                         "reports; pass --force to do so, or leave --out out for a new run")
    if run_dir.resolve() == scan_dir.resolve():
        for name in ("assessment.parquet", "summary.json"):
            (scan_dir / name).unlink(missing_ok=True)
    else:
        prepare_output(run_dir, force=force)
    saved["policy"] = chosen.id
    meta[b"clearance.config"] = json.dumps(saved).encode()
    facts = facts.replace_schema_metadata(meta)
    recorded = manifest or _manifest_near(scan_dir, saved.get("manifest"))
    signals_path = scan_dir / "signals.parquet"
    signals = pq.read_table(signals_path) if reports and signals_path.exists() else None
    fmt = json.loads(meta.get(b"clearance.counts", b"{}")).get("format") or "parquet"
    result = _judge(run_dir, facts, signals, markets=market_list, policy=chosen, as_of=as_of,
                    reports=reports, progress=prog, manifest=recorded, fmt=str(fmt))
    provenance = json.loads(meta.get(b"clearance.provenance", b"{}"))
    finish(run_dir, {**provenance, "assessed_at":
                     dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                     "scan": shown_path(scan_dir, run_dir)}, kind="assess")
    return replace(result, seconds=round(time.perf_counter() - started, 3))


def _manifest_near(scan_dir: Path, shown: str | None) -> str | None:
    """Return the scan's manifest path as recorded (relative to the scan folder) if it exists."""
    if not shown:
        return None
    candidate = scan_dir / shown
    if candidate.exists():
        return str(candidate)
    return shown if Path(shown).exists() else None


def _counts(column: pa.ChunkedArray) -> dict[str, int]:
    series = pl.from_arrow(column.cast(pa.string()))
    assert isinstance(series, pl.Series)
    found = dict(series.value_counts().iter_rows())
    return {tier: int(found.get(tier, 0)) for tier in TIERS}
