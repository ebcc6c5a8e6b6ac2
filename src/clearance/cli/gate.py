# SPDX-License-Identifier: Apache-2.0
"""``clearance gate MANIFEST --policy P``: tier every item, write the split manifests, and
exit non-zero when anything reaches the fail level (a CI gate).

The options are the same as ``clearance scan``'s (``clearance.cli.options``): same names,
same defaults, except that the gate fails on prohibited items by default.
"""

from __future__ import annotations

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
    PersonalData,
    PersonalOpt,
    PresumeEarlierOpt,
    Purpose,
    RayAddressOpt,
    RetainedOpt,
    SnapshotOpt,
    StrictOpt,
    Tri,
    WaiversOpt,
    WorkersOpt,
    assumptions_from,
)
from clearance.cli.progress import cli_progress
from clearance.cli.scan import EXIT_FAILED_LEVEL, check_strict, failed, parse_date
from clearance.decide.blocklists import Blocklist, default_blocklists, load_blocklist
from clearance.decide.knownworks import KnownWorks, load_known_works
from clearance.decide.policy import Policy, load_policy, load_waivers, shipped_policies
from clearance.decide.takedown import TakedownLedger, default_ledger_path
from clearance.engine.gate import gate_manifest
from clearance.engine.settings import DEFAULT_BATCH_ROWS, parse_markets
from clearance.enrich.agreements import AgreementRegistry, load_agreements
from clearance.ingest.columns import parse_mapping
from clearance.ingest.limits import ReadLimits
from clearance.models import GateSummary

__all__ = ["EXIT_GATE_FAILED", "gate"]

#: Exit status when items reach the fail level (1 is any other error, 2 a usage error).
EXIT_GATE_FAILED = EXIT_FAILED_LEVEL


def _print(summary: GateSummary, fail_level: FailLevel) -> None:
    head = Table.grid(padding=(0, 2))
    head.add_row("manifest", plain(f"{summary.source} ({summary.format})"))
    head.add_row(
        "policy", f"{summary.policy} (sha256 {summary.policy_digest[:12]}, as of {summary.as_of})"
    )
    head.add_row("markets", ", ".join(summary.markets))
    head.add_row("rows read", f"{summary.rows_read:,}")
    head.add_row("approved", f"[green]{summary.approved:,}[/]")
    head.add_row("restricted", f"[yellow]{summary.restricted:,}[/]  (needs review)")
    head.add_row("prohibited", f"[red]{summary.prohibited:,}[/]")
    head.add_row("rejected", f"{summary.rows_rejected:,}  (see rejects.jsonl)")
    ok = "[green]yes[/]" if summary.reconciled else "[red]NO[/]"
    head.add_row("reconciled", f"{ok}  (approved + restricted + prohibited + rejected = read)")
    out.print(head)
    hits = sorted(((n, r) for r, n in summary.rule_hits.items() if n), reverse=True)
    if hits:
        table = Table(title="Rules that held", title_justify="left", show_edge=False)
        table.add_column("rule")
        table.add_column("items", justify="right")
        table.add_column("waived", justify="right")
        for n, rule in hits:
            table.add_row(rule, f"{n:,}", f"{summary.waived.get(rule, 0):,}")
        out.print(table)
    if summary.expired_waivers:
        console.print(f"[yellow]expired waivers (ignored):[/] {', '.join(summary.expired_waivers)}")
    if summary.missing_columns:
        console.print(
            "[yellow]read as unknown (not in the decision table):[/] "
            + ", ".join(summary.missing_columns)
        )
    if summary.takedowns:
        console.print(
            f"takedown requests matched: {len(summary.takedowns)} "
            f"({sum(summary.takedowns.values()):,} items)"
        )
    for warning in summary.warnings:
        console.print(f"[yellow]warning:[/] {plain(warning)}", highlight=False)
    for tier, path in summary.outputs.items():
        out.print(f"{tier:>11}: {plain(path)}", highlight=False)
    if fail_level is FailLevel.none:
        out.print("gate: not enforced (--fail-level none)")
    elif failed(_tiers(summary), fail_level):
        worst = "prohibited" if summary.prohibited else "restricted"
        out.print(
            f"gate: [red]FAILED[/] ({worst} items; --fail-level {fail_level.value}); "
            f"exit {EXIT_GATE_FAILED}"
        )
    else:
        out.print(f"gate: [green]passed[/] (--fail-level {fail_level.value})")
    out.print(summary.disclaimer, style="dim")


def _tiers(summary: GateSummary) -> dict[str, int]:
    return {"approved": summary.approved, "restricted": summary.restricted,
            "prohibited": summary.prohibited}


@app.command("gate")
def gate(
    manifest: Annotated[str, typer.Argument(help="Manifest file, directory or glob.")],
    policy: Annotated[
        str,
        typer.Option(help=f"Shipped policy ({', '.join(shipped_policies())}) or a YAML file."),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--out", help="Folder (empty, or --force) for approved/restricted/"
                     "prohibited manifests, decisions.parquet, rejects.jsonl and gate.json."),
    ] = None,
    markets: Markets = None,
    purpose: Annotated[Purpose | None, typer.Option(
        help="What the data is used for (default: the policy's).")] = None,
    org_type: Annotated[OrgType | None, typer.Option(
        help="Who uses it (default: the policy's).")] = None,
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
        FailLevel,
        typer.Option(help="prohibited (default): exit 3 if any item is prohibited; "
                     "restricted: also if any needs review; none: never fail."),
    ] = FailLevel.prohibited,
    strict: StrictOpt = False,
    follow_symlinks: FollowSymlinksOpt = False,
    force: ForceOpt = False,
    as_json: JsonOpt = False,
    engine: EngineOpt = Engine.local,
    workers: WorkersOpt = None,
    ray_address: RayAddressOpt = None,
    batch_rows: BatchRowsOpt = DEFAULT_BATCH_ROWS,
) -> None:
    """Tier every item of MANIFEST under a sourcing policy (approved / restricted /
    prohibited, with reasons), write the three manifests in the input's format, and exit 3
    when any item reaches the fail level."""

    def load() -> tuple[Policy, list[Blocklist], list[KnownWorks], list[str],
                        AgreementRegistry | None]:
        pol = load_policy(policy)
        if waivers is not None:
            pol = load_waivers(waivers, pol)
        lists = [] if no_default_blocklists else list(default_blocklists())
        lists += [load_blocklist(p) for p in blocklist or []]
        chosen = list(parse_markets(markets))
        registry = load_agreements(agreements) if agreements else None
        return pol, lists, [load_known_works(p) for p in known_works or []], chosen, registry

    pol, lists, works, chosen, registry = run(load)
    assumptions = assumptions_from(
        access=access, retained=retained, memorization=memorization,
        output_competes=output_competes, personal_data=personal_data,
        gpai_eu_market=gpai_eu_market, agent=agent)
    on = run(lambda: parse_date(as_of, "--as-of"))
    path = ledger or default_ledger_path()
    book = run(lambda: TakedownLedger(path)) if ledger or path.exists() else None
    try:
        with cli_progress() as progress:
            summary = run(
                lambda: gate_manifest(
                    manifest,
                    pol,
                    out=output,
                    force=force,
                    markets=chosen,
                    purpose=purpose.value if purpose else None,
                    org_type=org_type.value if org_type else None,
                    as_of=on,
                    blocklists=lists,
                    known_works=works,
                    ledger=book,
                    record=not no_record,
                    fmt=fmt,
                    mapping=run(lambda: parse_mapping(map_)),
                    on_error="fail" if on_error is OnErrorChoice.fail else "skip",
                    hash_images=not no_image_hashing,
                    snapshots=tuple(snapshot or ()),
                    live=live,
                    assumptions=assumptions,
                    presume_earlier=presume_earlier,
                    agreements=registry,
                    limits=ReadLimits(follow_symlinks=follow_symlinks),
                    categories=categories,
                    memorization_tables=tuple(memorization_table or ()),
                    progress=progress,
                    engine=engine.value,
                    workers=workers,
                    ray_address=ray_address,
                    batch_rows=batch_rows,
                )
            )
    finally:
        if book is not None:
            book.close()
    if as_json:
        print_json(summary.to_dict())
    else:
        _print(summary, fail_level)
    check_strict(strict, int(summary.evidence.get("unreadable_records") or 0))
    if failed(_tiers(summary), fail_level):
        raise typer.Exit(code=EXIT_GATE_FAILED)
