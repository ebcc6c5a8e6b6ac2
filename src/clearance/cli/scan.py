# SPDX-License-Identifier: Apache-2.0
"""``clearance scan`` and ``clearance assess``: the main job, and re-judging saved facts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from clearance.cli._app import app, console, out, plain, print_json, run
from clearance.cli.options import (
    Access,
    AccessOpt,
    AgentOpt,
    AgreementsOpt,
    AsOfOpt,
    BatchRowsOpt,
    BlocklistOpt,
    CategoriesOpt,
    CompetesOpt,
    Engine,
    EngineOpt,
    FailLevel,
    FollowSymlinksOpt,
    ForceOpt,
    FormatOpt,
    GpaiOpt,
    JsonOpt,
    KnownWorksOpt,
    LedgerOpt,
    LiveOpt,
    MapOpt,
    Markets,
    MemorizationOpt,
    MemorizationTableOpt,
    NoDefaultBlocklistsOpt,
    NoImageHashingOpt,
    NoRecordOpt,
    OnErrorChoice,
    OnErrorOpt,
    OrgType,
    OrgTypeOpt,
    PersonalData,
    PersonalOpt,
    PolicyOpt,
    PresumeEarlierOpt,
    Purpose,
    PurposeOpt,
    RayAddressOpt,
    ResumeOpt,
    RetainedOpt,
    SnapshotOpt,
    StrictOpt,
    Tri,
    WaiversOpt,
    WorkersOpt,
    assumption_overrides,
    assumptions_from,
)
from clearance.cli.progress import cli_progress
from clearance.engine.scan import ScanConfig, ScanResult, assess_scan, parse_markets, run_scan
from clearance.engine.settings import DEFAULT_BATCH_ROWS
from clearance.errors import InputError
from clearance.ingest.columns import parse_mapping

__all__ = [
    "EXIT_EVIDENCE_INCOMPLETE",
    "EXIT_FAILED_LEVEL",
    "assess",
    "check_strict",
    "failed",
    "parse_date",
    "print_result",
    "scan",
]

#: Exit status when items reach --fail-level (1 is any other error, 2 a usage error).
EXIT_FAILED_LEVEL = 3
#: Exit status under --strict when the evidence had unreadable records.
EXIT_EVIDENCE_INCOMPLETE = 4
_EXPOSURES = ("low", "medium", "high", "critical")


def parse_date(text: str | None, option: str) -> dt.date | None:
    """Return an ISO date option as a date; raise InputError naming the option."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option}: expected a date YYYY-MM-DD, got {text!r}") from None


def failed(tiers: dict[str, int], level: FailLevel) -> bool:
    """Return whether any item reached the fail level."""
    if level is FailLevel.prohibited:
        return tiers.get("prohibited", 0) > 0
    if level is FailLevel.restricted:
        return tiers.get("prohibited", 0) + tiers.get("restricted", 0) > 0
    return False


def print_result(result: ScanResult, *, also: Sequence[str] = ()) -> None:
    """Print exposure per market, tiers, warnings, the files, ``also`` (further lines), and
    last the one file to open first."""
    table = Table(title="Items per market and exposure", title_justify="left")
    table.add_column("market")
    for level in _EXPOSURES:
        table.add_column(level, justify="right")
    for market, counts in result.exposure.items():
        table.add_row(market, *(f"{counts.get(level, 0):,}" for level in _EXPOSURES))
    out.print(table)
    if result.tiers:
        out.print("Policy tiers: " + ", ".join(f"{k} {v:,}" for k, v in result.tiers.items()))
    out.print(
        f"rows read {result.rows_read:,} = accepted {result.rows_accepted:,} + rejected "
        f"{result.rows_rejected:,}; {result.seconds:.1f} s"
    )
    for name, path in result.files.items():
        out.print(f"  {name:<20} {plain(path)}", highlight=False)
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {plain(warning)}", highlight=False)
    console.print("This is a risk assessment, not legal advice.")
    for line in also:
        out.print(line, highlight=False)
    if result.open_first:
        out.print(f"\n[bold]Open first:[/] {plain(result.open_first)}", highlight=False)


def _json(result: ScanResult) -> dict[str, object]:
    return {
        "out": str(result.out),
        "rows_read": result.rows_read,
        "rows_accepted": result.rows_accepted,
        "rows_rejected": result.rows_rejected,
        "tiers": result.tiers,
        "exposure": result.exposure,
        "seconds": result.seconds,
        "files": result.files,
        "warnings": list(result.warnings),
        "unreadable_records": result.unreadable_records,
        "open_first": result.open_first,
    }


@app.command()
def scan(
    manifest: Annotated[
        str, typer.Argument(help="The manifest to scan (any format `clearance ingest` reads).")
    ],
    output: Annotated[Path, typer.Option("--out", help="Folder for every output (empty, or "
                                         "--force / --resume).")],
    markets: Markets = None,
    purpose: PurposeOpt = Purpose.genai_training,
    org_type: OrgTypeOpt = OrgType.company,
    policy: PolicyOpt = None,
    waivers: WaiversOpt = None,
    as_of: AsOfOpt = None,
    snapshot: SnapshotOpt = None,
    live: LiveOpt = False,
    presume_earlier: PresumeEarlierOpt = False,
    access: AccessOpt = Access.lawful,
    retained: RetainedOpt = Tri.yes,
    memorization: MemorizationOpt = Tri.unknown,
    output_competes: CompetesOpt = Tri.unknown,
    personal_data: PersonalOpt = PersonalData.unknown,
    gpai_eu_market: GpaiOpt = Tri.unknown,
    agent: AgentOpt = None,
    blocklist: BlocklistOpt = None,
    no_default_blocklists: NoDefaultBlocklistsOpt = False,
    known_works: KnownWorksOpt = None,
    no_image_hashing: NoImageHashingOpt = False,
    ledger: LedgerOpt = None,
    no_record: NoRecordOpt = False,
    agreements: AgreementsOpt = None,
    categories: CategoriesOpt = None,
    memorization_table: MemorizationTableOpt = None,
    map_: MapOpt = None,
    fmt: FormatOpt = None,
    on_error: OnErrorOpt = OnErrorChoice.skip,
    fail_level: Annotated[
        FailLevel, typer.Option(help="Exit 3 when an item reaches this tier (gate's default "
                                "is prohibited; a scan reports and does not fail by default).")
    ] = FailLevel.none,
    strict: StrictOpt = False,
    follow_symlinks: FollowSymlinksOpt = False,
    force: ForceOpt = False,
    resume: ResumeOpt = False,
    no_reports: Annotated[bool, typer.Option("--no-reports", help="Write tables only.")] = False,
    as_json: JsonOpt = False,
    engine: EngineOpt = Engine.local,
    workers: WorkersOpt = None,
    ray_address: RayAddressOpt = None,
    batch_rows: BatchRowsOpt = DEFAULT_BATCH_ROWS,
) -> None:
    """Scan a manifest: categories, licences, opt-outs, law per market, policy tiers, reports."""

    def build() -> ScanConfig:
        return ScanConfig(
            manifest=manifest,
            out=output,
            markets=parse_markets(markets),
            purpose=purpose.value,
            org_type=org_type.value,
            policy=policy,
            waivers=waivers,
            snapshots=tuple(snapshot or ()),
            live=live,
            presume_earlier=presume_earlier,
            as_of=parse_date(as_of, "--as-of"),
            mapping=parse_mapping(map_),
            fmt=fmt,
            on_error="fail" if on_error is OnErrorChoice.fail else "skip",
            assumptions=assumptions_from(
                access=access, retained=retained, memorization=memorization,
                output_competes=output_competes, personal_data=personal_data,
                gpai_eu_market=gpai_eu_market, agent=agent),
            blocklists=tuple(blocklist or ()),
            default_blocklists=not no_default_blocklists,
            known_works=tuple(known_works or ()),
            hash_images=not no_image_hashing,
            takedowns=ledger,
            record_takedowns=not no_record,
            agreements=agreements,
            categories=categories,
            memorization_tables=tuple(memorization_table or ()),
            reports=not no_reports,
            force=force,
            resume=resume,
            follow_symlinks=follow_symlinks,
            engine=engine.value,
            workers=workers,
            ray_address=ray_address,
            batch_rows=batch_rows,
        )

    config = run(build)
    with cli_progress() as progress:
        result = run(lambda: run_scan(config, progress=progress))
    if as_json:
        print_json(_json(result))
    else:
        print_result(result)
    check_strict(strict, result.unreadable_records)
    if failed(result.tiers, fail_level):
        raise typer.Exit(code=EXIT_FAILED_LEVEL)


def check_strict(strict: bool, unreadable: int) -> None:
    """Exit 4 under --strict when the evidence had unreadable records."""
    if strict and unreadable:
        console.print(f"[red]strict:[/] {unreadable:,} unreadable evidence record(s); exit "
                      f"{EXIT_EVIDENCE_INCOMPLETE}", highlight=False)
        raise typer.Exit(code=EXIT_EVIDENCE_INCOMPLETE)


@app.command()
def assess(
    scan_dir: Annotated[Path, typer.Argument(help="A folder written by `clearance scan`.")],
    output: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for this run (default SCAN_DIR/runs/<UTC time>); "
                     "the scan's own reports are never overwritten without --force."),
    ] = None,
    markets: Markets = None,
    purpose: Annotated[Purpose | None, typer.Option(help="Default: the scan's.")] = None,
    org_type: Annotated[OrgType | None, typer.Option(help="Default: the scan's.")] = None,
    policy: PolicyOpt = None,
    waivers: WaiversOpt = None,
    as_of: AsOfOpt = None,
    access: Annotated[Access | None, typer.Option(help="Default: the scan's.",
                                                  rich_help_panel="Presumptions")] = None,
    retained: Annotated[Tri | None, typer.Option(help="Default: the scan's.",
                                                 rich_help_panel="Presumptions")] = None,
    memorization: Annotated[Tri | None, typer.Option(help="Default: the scan's.",
                                                     rich_help_panel="Presumptions")] = None,
    output_competes: Annotated[Tri | None, typer.Option(
        help="Default: the scan's.", rich_help_panel="Presumptions")] = None,
    personal_data: Annotated[PersonalData | None, typer.Option(
        help="Default: the scan's.", rich_help_panel="Presumptions")] = None,
    gpai_eu_market: Annotated[Tri | None, typer.Option(
        help="Default: the scan's.", rich_help_panel="Presumptions")] = None,
    agreements: AgreementsOpt = None,
    manifest: Annotated[
        str | None,
        typer.Option(help="Where the scan's manifest is now, for the split manifests (default: "
                     "the recorded path, when it still exists)."),
    ] = None,
    categories: CategoriesOpt = None,
    memorization_table: MemorizationTableOpt = None,
    fail_level: Annotated[FailLevel, typer.Option(help="Exit 3 when an item reaches this "
                                                  "tier.")] = FailLevel.none,
    force: ForceOpt = False,
    no_reports: Annotated[bool, typer.Option("--no-reports", help="Write tables only.")] = False,
    as_json: JsonOpt = False,
    workers: WorkersOpt = None,
) -> None:
    """Re-judge a saved scan's facts (other markets, policy, date or presumptions) without
    fetching anything, into a new run folder."""
    overrides = assumption_overrides(
        access=access, retained=retained, memorization=memorization,
        output_competes=output_competes, personal_data=personal_data,
        gpai_eu_market=gpai_eu_market)
    with cli_progress() as progress:
        result = run(
            lambda: assess_scan(
                scan_dir,
                out=output,
                force=force,
                markets=parse_markets(markets) if markets else None,
                policy=policy,
                waivers=waivers,
                as_of=parse_date(as_of, "--as-of"),
                purpose=purpose.value if purpose else None,
                org_type=org_type.value if org_type else None,
                assumptions=overrides,
                agreements=agreements,
                manifest=manifest,
                categories=categories,
                memorization_tables=tuple(memorization_table or ()),
                reports=not no_reports,
                progress=progress,
                workers=workers,
            )
        )
    if as_json:
        print_json(_json(result))
    else:
        print_result(result)
    if failed(result.tiers, fail_level):
        raise typer.Exit(code=EXIT_FAILED_LEVEL)
