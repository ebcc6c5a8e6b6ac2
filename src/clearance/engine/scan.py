# SPDX-License-Identifier: Apache-2.0
"""The main job: scan a manifest into facts, judge them per market, decide, and report.

``run_scan`` and ``assess_scan`` set a job up and hand it to the streaming engine
(:mod:`clearance.engine.stream`), which strings the steps together batch by batch:

    manifest -> ingest (canonical rows, rejects)
             -> evidence (snapshot WARCs, or a live fetch into evidence/)
             -> categories (--categories overrides, knowledge base, home-page evidence)
             -> licences -> reservations -> red-team findings (--memorization-table)
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
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from clearance import __version__
from clearance.assumptions import Assumptions
from clearance.decide.blocklists import load_blocklist
from clearance.decide.knownworks import load_known_works
from clearance.decide.policy import TIERS, Policy, load_policy, load_waivers
from clearance.decide.takedown import TakedownLedger
from clearance.engine.batch import (
    ITEM_COLUMNS,
    TIER_REASON_SEPARATOR,
    BatchContext,
    Rejudge,
    run_batch,
)
from clearance.engine.categorise import load_overrides
from clearance.engine.evidence import EvidenceInfo, check_snapshots
from clearance.engine.lawcounts import merge_law_counts, report_law
from clearance.engine.memorization import load_memorization
from clearance.engine.outdir import atomic, atomic_text, finish, prepare_output, read_marker
from clearance.engine.paths import manifest_digest, shown_path, source_labels
from clearance.engine.progress import NullProgress, Progress
from clearance.engine.settings import DEFAULT_MARKETS, ScanConfig, parse_markets
from clearance.engine.sinks import ParquetSink
from clearance.engine.stream import (
    Streamed,
    execute,
    split_manifests,
    stream,
    work_folder,
)
from clearance.engine.survey import Survey
from clearance.enrich.agreements import AgreementRegistry, load_agreements
from clearance.enrich.psl import default_psl
from clearance.errors import InputError
from clearance.ingest.limits import ReadLimits
from clearance.ingest.manifest import ManifestReader, RejectsSink
from clearance.law.kb import LAYERS, default_knowledge_base
from clearance.report.write import write_reports
from clearance.signals.page import PageEvidence

__all__ = [
    "DEFAULT_MARKETS",
    "ITEM_COLUMNS",
    "TIER_REASON_SEPARATOR",
    "ScanConfig",
    "ScanResult",
    "assess_scan",
    "default_policy",
    "markets_for_policy",
    "parse_markets",
    "run_scan",
]

log = logging.getLogger(__name__)


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
    """Return the shipped policy a scan uses when none is given.

    Research reads the research-only policy; a scan that judges the EU or one of its member
    states (de, fr, it, nl), or does not judge the US, reads eu-ready-commercial, the more
    cautious of the two commercial policies; a scan for the US without the EU reads
    us-fair-use-reliant. The markets the chosen policy reads are added to the judged ones
    (:func:`markets_for_policy`).
    """
    if purpose == "research":
        return "research-only"
    in_eu = any(m == "eu" or LAYERS.get(m) == "eu" for m in markets)
    return "eu-ready-commercial" if in_eu or "us" not in markets else "us-fair-use-reliant"


def markets_for_policy(markets: Sequence[str], policy: Policy) -> tuple[tuple[str, ...], str]:
    """Return the markets to judge (``markets`` and those ``policy`` reads) and a note naming
    the added ones (empty when none was added), as the gate does."""
    chosen = tuple(dict.fromkeys([*markets, *policy.needed_markets()]))
    added = [m for m in chosen if m not in markets]
    if not added:
        return chosen, ""
    return chosen, (
        f"market(s) {', '.join(added)} judged besides --markets {','.join(markets)}: the "
        f"policy {policy.id} reads their exposure (pass --policy to choose another)"
    )



def _reader_total(manifest: str) -> int | None:
    """Return the row count of a single Parquet manifest from its footer (else None)."""
    path = Path(manifest)
    if path.is_file() and path.suffix.lower() == ".parquet":
        try:
            return int(pq.ParquetFile(path).metadata.num_rows)
        except (OSError, pa.ArrowException):
            return None
    return None


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
    config.check()
    out = config.out
    asked = parse_markets(config.markets)
    chosen = _policy(config.policy, config.waivers, config.purpose, asked)  # fail early
    markets, added = markets_for_policy(asked, chosen)
    registry = load_agreements(config.agreements) if config.agreements else None
    config = replace(config, markets=markets, registry=registry)
    check_snapshots(config.snapshots)
    overrides = load_overrides(config.categories)  # fail early, naming the file and row
    findings = load_memorization(config.memorization_tables)
    blocklists = [load_blocklist(p) for p in config.blocklists]
    known_works = tuple(load_known_works(p) for p in config.known_works)
    prepare_output(out, force=config.force, resume=config.resume,
                   keep=("evidence",) if config.live else ())
    ledger = TakedownLedger(config.takedowns) if config.takedowns else None
    label = source_labels(config.manifest)
    reader = ManifestReader(config.manifest, mapping=config.mapping, defaults=config.defaults,
                            on_error=config.on_error,
                            rejects=RejectsSink(out / "rejects.jsonl", label=label),
                            fmt=config.fmt, batch_rows=config.batch_rows,
                            limits=ReadLimits(follow_symlinks=config.follow_symlinks))
    base_dir = Path(config.manifest).parent if Path(config.manifest).exists() else None

    def context(found: Survey, evidence: EvidenceInfo,
                pages: Mapping[str, PageEvidence]) -> BatchContext:
        return BatchContext(
            settings=config, markets=markets, policy=chosen, law_as_of=config.as_of,
            policy_as_of=config.as_of, snapshot=evidence.snapshot,
            blocklists=tuple(blocklists) if blocklists or not config.default_blocklists
            else None,
            known_works=known_works, takedowns=ledger.in_force() if ledger else None,
            base_dir=base_dir, domains=found.domain_table(), reports=config.reports,
            overrides=overrides, pages=pages, memorization=findings)

    sinks = {"facts": ParquetSink(out / "facts.parquet"),
             "assessment": ParquetSink(out / "assessment.parquet")}
    with work_folder(out) as work:
        sinks["split"] = ParquetSink(work / "decisions.parquet", statistics=())
        try:
            done = stream(config, context, reader, out=out, work=work, label=label,
                          sinks=sinks, progress=prog, total=_reader_total(config.manifest),
                          resolver=resolver, require_rows=True)
        except BaseException:
            for sink in sinks.values():
                sink.abort()
            raise
        sinks["split"].close()
        evidence = done.evidence.carried(out / "evidence")
        provenance = _provenance(config, evidence)
        counts = {"rows_read": reader.rows_read, "rows_accepted": reader.rows_accepted,
                  "rows_rejected": reader.rows_rejected, "format": reader.format,
                  "known_works": done.known_works or _no_known_works(),
                  "category_sources": done.categories.to_json()}
        if findings is not None:
            counts["memorization_tables"] = {**findings.to_dict(), **done.memorization}
        meta = {
            "clearance.version": __version__,
            "clearance.config": json.dumps(config.to_json()),
            "clearance.psl_version": default_psl().version,
            "clearance.counts": json.dumps(counts),
            "clearance.evidence": json.dumps(evidence.to_json()),
            "clearance.provenance": json.dumps(provenance),
            "clearance.agreements": (registry or AgreementRegistry()).to_json(),
        }
        sinks["facts"].close(meta)
        sinks["assessment"].close(done.meta)
        signals = done.signal_table()
        atomic(out / "signals.parquet",
               lambda p: pq.write_table(signals, p, compression="zstd"))
        atomic_text(out / "scan.json", json.dumps(
            {**config.to_json(), "evidence": evidence.to_json(), "provenance": provenance,
             "category_sources": done.categories.to_json()},
            indent=2) + "\n")
        takedowns = done.takedown_counts()
        if ledger is not None and takedowns is not None and config.record_takedowns:
            ledger.record_matches(takedowns)
        stage = prog.stage("writing the split manifests", done.items, "items")
        split, warnings = _split(out, config.manifest, work / "decisions.parquet",
                                 reader.format, label)
        stage.advance(done.items)
        stage.close()
    saved = config.to_json()
    result = _report(out, done, signals, saved=saved, counts=counts, markets=markets,
                     policy=chosen, as_of=config.as_of, reports=config.reports,
                     evidence=evidence.to_json(), provenance=provenance,
                     assumptions=config.assumptions,
                     warnings=[added, *warnings] if added else warnings, split=split,
                     progress=prog)
    finish(out, provenance, kind="scan")
    return replace(result, seconds=round(time.perf_counter() - started, 3),
                   warnings=evidence.warnings + result.warnings,
                   unreadable_records=evidence.unreadable)


def _no_known_works() -> dict[str, int]:
    return {"sha256": 0, "pdq": 0, "images_hashed": 0, "unreadable_images": 0,
            "missing_images": 0, "low_quality_images": 0}


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


def _split(out: Path, manifest: str | None, decisions: Path, fmt: str,
           label: Any) -> tuple[dict[str, str], list[str]]:
    """Write approved / restricted / prohibited manifests when the manifest is at hand."""
    if not manifest:
        return {}, ["split manifests not written: the manifest's path is unknown (--manifest)"]
    try:
        paths, _ = split_manifests(manifest, fmt, decisions, out, label)
    except (OSError, InputError) as exc:
        return {}, [f"split manifests not written: {exc}"]
    return {f"manifest_{tier}": path for tier, path in paths.items()}, []


def _report(
    out: Path, done: Streamed, signals: pa.Table | None, *, saved: dict[str, Any],
    counts: dict[str, Any], markets: Sequence[str], policy: Policy, as_of: dt.date | None,
    reports: bool, evidence: dict[str, Any], provenance: dict[str, Any],
    assumptions: Assumptions, warnings: list[str], split: dict[str, str],
    progress: Progress | None = None, scan_dir: Path | None = None,
) -> ScanResult:
    """Write the reports from the counts the stream kept; return what the job did.

    ``scan_dir`` holds the facts and signals when it is not ``out`` (an assess run)."""
    source = scan_dir or out
    files = {"facts": str(source / "facts.parquet"),
             "assessment": str(out / "assessment.parquet"),
             "signals": str(source / "signals.parquet"), **split}
    if reports:
        stage = (progress or NullProgress()).stage("writing the reports", 2, "steps")
        sens, reasons = report_law(merge_law_counts(done.law), markets, assumptions, as_of)
        report_config = {**saved, "markets": list(markets), "policy": policy.id,
                         "policy_digest": policy.digest(), "tool_version": __version__,
                         "as_of": as_of.isoformat() if as_of else None, **counts,
                         "assumptions": assumptions.to_dict(),
                         "sensitivity": sens.to_dict(),
                         **reasons,
                         "evidence": done.evidence_counts.summary(evidence),
                         "provenance": provenance,
                         "warnings": warnings}
        stage.advance()
        done.report.meta = {**done.meta, **done.report.meta}
        paths = write_reports(out, done.report, None, signals, report_config)
        files |= {k: str(v) for k, v in asdict(paths).items() if v}
        stage.advance()
        stage.close()
    return ScanResult(
        out=out,
        rows_read=int(counts.get("rows_read", done.items)),
        rows_accepted=int(counts.get("rows_accepted", done.items)),
        rows_rejected=int(counts.get("rows_rejected", 0)),
        tiers={t: int(done.tiers.get(t, 0)) for t in TIERS}, exposure=done.exposure,
        seconds=0.0, files=files, warnings=tuple(warnings))


def run_facts_group(index: int, path: Path, group: int, offset: int) -> Any:
    """Return the results of one row group of a saved facts.parquet (a worker task)."""
    table = pq.ParquetFile(path).read_row_group(group)
    return run_batch(index, table, offset)


def _saved_domains(path: Path) -> pl.DataFrame:
    """Return items per registrable domain of a saved facts.parquet (one column read)."""
    counts: dict[str, int] = {}
    file = pq.ParquetFile(path)
    if "registrable_domain" not in file.schema_arrow.names:
        return pl.DataFrame(schema={"registrable_domain": pl.String, "items": pl.Int64})
    for batch in file.iter_batches(columns=["registrable_domain"]):
        series = pl.from_arrow(batch.column(0))
        assert isinstance(series, pl.Series)
        for key, n in series.cast(pl.String).drop_nulls().value_counts().iter_rows():
            counts[str(key)] = counts.get(str(key), 0) + int(n)
    return pl.DataFrame({"registrable_domain": list(counts), "items": list(counts.values())},
                        schema={"registrable_domain": pl.String, "items": pl.Int64})


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
    memorization_tables: Sequence[Path] = (),
    reports: bool = True,
    progress: Progress | None = None,
    workers: int | None = None,
) -> ScanResult:
    """Re-judge a saved scan's facts per market and policy into a new run folder.

    The run goes to ``out`` (default ``scan_dir/runs/<UTC time>``); the scan's own files are
    never touched, and ``out`` must be empty unless ``force``. ``assumptions`` overrides the
    scan's presumptions (``retained_after_training``, ``access``, ...; not ``agent``, which
    needs a new scan). ``agreements`` is a licence registry to judge with instead of the
    scan's. ``manifest`` locates the input for the split manifests when it moved.
    ``categories`` (a ``--categories`` file) overrides the saved categories of the hosts and
    URL prefixes it names; every other category stays as the scan decided it.
    ``memorization_tables`` replace the red team's findings the scan was judged with. The saved
    facts are read row group by row group, like a scan's batches.
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
    meta = dict(pq.read_schema(facts_path).metadata or {})
    saved = json.loads(meta.get(b"clearance.config", b"{}"))
    before = Assumptions.from_dict(saved.get("assumptions"))
    after = before.changed(**overrides)
    new_purpose = purpose or saved.get("purpose") or "genai_training"
    new_org = org_type or saved.get("org_type") or "company"
    registry = (load_agreements(agreements) if agreements is not None
                else AgreementRegistry.from_json(meta.get(b"clearance.agreements")))
    loaded = load_overrides(categories)
    findings = load_memorization(list(memorization_tables))
    saved.update(assumptions=after.to_dict(), purpose=new_purpose, org_type=new_org)
    asked = parse_markets(markets if markets else saved.get("markets") or None)
    chosen = _policy(policy or saved.get("policy"), waivers, new_purpose, asked)
    market_list, added = markets_for_policy(asked, chosen)
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
    if loaded is not None:
        saved["categories"] = loaded.source
    if findings is not None:
        saved["memorization_tables"] = list(findings.files)
    counts = json.loads(meta.get(b"clearance.counts", b"{}"))
    evidence = json.loads(meta.get(b"clearance.evidence", b"{}"))
    provenance = json.loads(meta.get(b"clearance.provenance", b"{}"))
    settings = ScanConfig(purpose=new_purpose, org_type=new_org, assumptions=after,
                          markets=market_list, workers=workers)
    ctx = BatchContext(settings=settings, markets=market_list, policy=chosen, law_as_of=as_of,
                       policy_as_of=as_of, domains=_saved_domains(facts_path),
                       reports=reports,
                       rejudge=Rejudge(after, new_purpose, new_org, registry, as_of),
                       overrides=loaded, memorization=findings)
    file_meta = pq.ParquetFile(facts_path).metadata
    starts = [0]
    for g in range(file_meta.num_row_groups):
        starts.append(starts[-1] + file_meta.row_group(g).num_rows)
    tasks = [(i, facts_path, i, starts[i]) for i in range(file_meta.num_row_groups)]
    recorded = manifest or _manifest_near(scan_dir, saved.get("manifest"))
    fmt = str(counts.get("format") or "parquet")
    done = Streamed(Survey(), EvidenceInfo("none"))
    stage = prog.stage("judging the law per market and applying the policy",
                       pq.ParquetFile(facts_path).metadata.num_rows, "items")
    with work_folder(run_dir) as work:
        sink = ParquetSink(run_dir / "assessment.parquet")
        split_sink = ParquetSink(work / "decisions.parquet", statistics=())
        results, _ = execute(settings, ctx, tasks, run_facts_group)
        try:
            for batch in results:
                if batch.assessment is not None:
                    sink.write(batch.assessment)
                if batch.decisions is not None:
                    split_sink.write(batch.decisions)
                    done.items += batch.decisions.num_rows
                    stage.advance(batch.decisions.num_rows)
                done.add(batch)
        except BaseException:
            sink.abort()
            split_sink.abort()
            raise
        finally:
            stage.close()
        sink.close(done.meta)
        split_sink.close()
        if loaded is not None:
            sources = dict(counts.get("category_sources") or {})
            sources.update(overrides=loaded.source, override_entries=len(loaded.domains)
                           + len(loaded.prefixes), overridden_rows_in_assess=done.overridden)
            counts["category_sources"] = sources
        if findings is not None:
            counts["memorization_tables"] = {**findings.to_dict(), **done.memorization}
        split, warnings = _split(run_dir, recorded, work / "decisions.parquet", fmt,
                                 source_labels(recorded) if recorded else None)
    signals_path = scan_dir / "signals.parquet"
    signals = pq.read_table(signals_path) if reports and signals_path.exists() else None
    result = _report(run_dir, done, signals, saved=saved, counts=counts, markets=market_list,
                     policy=chosen, as_of=as_of, reports=reports, evidence=evidence,
                     provenance=provenance, assumptions=after,
                     warnings=[added, *warnings] if added else warnings, split=split,
                     progress=prog, scan_dir=scan_dir)
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
