# SPDX-License-Identifier: Apache-2.0
"""``clearance gate MANIFEST --policy P``: tier every item, write the split manifests, and
exit non-zero when anything reaches the fail level (a CI gate)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from clearance.cli._app import app, console, out, print_json, run
from clearance.decide.blocklists import Blocklist, default_blocklists, load_blocklist
from clearance.decide.knownworks import KnownWorks, load_known_works
from clearance.decide.manifest_gate import gate_manifest
from clearance.decide.policy import Policy, load_policy, load_waivers, shipped_policies
from clearance.decide.takedown import TakedownLedger, default_ledger_path
from clearance.ingest.columns import parse_mapping
from clearance.models import GateSummary

__all__ = ["EXIT_GATE_FAILED", "gate"]

#: Exit status when items reach the fail level (1 is any other error, 2 a usage error).
EXIT_GATE_FAILED = 3
_LEVELS = ("prohibited", "restricted", "none")
_YES_NO = {"yes": True, "no": False, "unknown": None}


def _tri(value: str | None, option: str) -> bool | None:
    if value is None:
        return None
    if value not in _YES_NO:
        raise typer.BadParameter("use yes, no or unknown", param_hint=option)
    return _YES_NO[value]


def _failed(summary: GateSummary, fail_level: str) -> bool:
    if fail_level == "prohibited":
        return summary.prohibited > 0
    if fail_level == "restricted":
        return summary.prohibited + summary.restricted > 0
    return False


def _print(summary: GateSummary, fail_level: str) -> None:
    head = Table.grid(padding=(0, 2))
    head.add_row("manifest", f"{summary.source} ({summary.format})")
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
    for tier, path in summary.outputs.items():
        out.print(f"{tier:>11}: {path}")
    if fail_level == "none":
        out.print("gate: not enforced (--fail-level none)")
    elif _failed(summary, fail_level):
        worst = "prohibited" if summary.prohibited else "restricted"
        out.print(
            f"gate: [red]FAILED[/] ({worst} items; --fail-level {fail_level}); "
            f"exit {EXIT_GATE_FAILED}"
        )
    else:
        out.print(f"gate: [green]passed[/] (--fail-level {fail_level})")
    out.print(summary.disclaimer, style="dim")


@app.command("gate")
def gate(
    manifest: Annotated[str, typer.Argument(help="Manifest file, directory or glob.")],
    policy: Annotated[
        str,
        typer.Option(help=f"Shipped policy ({', '.join(shipped_policies())}) or a YAML file."),
    ],
    markets: Annotated[
        str | None,
        typer.Option(help="Comma-separated markets to assess (the policy's are always added)."),
    ] = None,
    purpose: Annotated[
        str | None,
        typer.Option(
            help="research | commercial_training | genai_training (default: the policy's)."
        ),
    ] = None,
    org_type: Annotated[
        str | None, typer.Option(help="company | research_org | cultural_heritage.")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder for approved/restricted/prohibited manifests, "
            "decisions.parquet, rejects.jsonl and gate.json.",
        ),
    ] = None,
    fail_level: Annotated[
        str,
        typer.Option(
            help="prohibited (default): exit 3 if any item is prohibited; "
            "restricted: also if any needs review; none: never fail."
        ),
    ] = "prohibited",
    waivers: Annotated[
        Path | None, typer.Option(help="A YAML file of extra waivers (waivers: [...]).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="Judge waivers, law and opt-outs as of this date.")
    ] = None,
    snapshot: Annotated[
        list[Path] | None, typer.Option(help="WARC files to read opt-out signals from.")
    ] = None,
    blocklist: Annotated[
        list[Path] | None,
        typer.Option(help="Extra blocklist (YAML, or text: one domain or URL prefix per line)."),
    ] = None,
    no_default_blocklists: Annotated[
        bool, typer.Option("--no-default-blocklists", help="Do not use the shipped blocklists.")
    ] = False,
    known_works: Annotated[
        list[Path] | None, typer.Option(help="Known-works list (sha256 / PDQ hashes).")
    ] = None,
    no_image_hashing: Annotated[
        bool, typer.Option("--no-image-hashing", help="Do not PDQ-hash image files.")
    ] = False,
    ledger: Annotated[
        Path | None,
        typer.Option(
            help="Takedown ledger (default: $CLEARANCE_TAKEDOWN_LEDGER or "
            ".clearance/takedowns.sqlite, when it exists)."
        ),
    ] = None,
    no_record: Annotated[
        bool, typer.Option("--no-record", help="Do not advance takedown statuses.")
    ] = False,
    access: Annotated[
        str, typer.Option(help="lawful | paywall_circumvented | unknown.")
    ] = "lawful",
    retained: Annotated[
        str, typer.Option(help="yes | no | unknown: are copies kept after training?")
    ] = "yes",
    memorization: Annotated[str | None, typer.Option(help="yes | no | unknown.")] = None,
    output_competes: Annotated[str | None, typer.Option(help="yes | no | unknown.")] = None,
    map_: Annotated[
        list[str] | None, typer.Option("--map", help="CANONICAL=COLUMN pairs (see ingest).")
    ] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="Force a reader.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Tier every item of MANIFEST under a sourcing policy (approved / restricted /
    prohibited, with reasons), write the three manifests in the input's format, and exit 3
    when any item reaches the fail level."""
    if fail_level not in _LEVELS:
        raise typer.BadParameter(f"use one of {', '.join(_LEVELS)}", param_hint="--fail-level")
    chosen: list[str] = [m.strip() for m in (markets or "").split(",") if m.strip()]

    def load() -> tuple[Policy, list[Blocklist], list[KnownWorks]]:
        pol = load_policy(policy)
        if waivers is not None:
            pol = load_waivers(waivers, pol)
        lists = [] if no_default_blocklists else list(default_blocklists())
        lists += [load_blocklist(p) for p in blocklist or []]
        return pol, lists, [load_known_works(p) for p in known_works or []]

    pol, lists, works = run(load)
    settings: dict[str, Any] = {
        "access": access,
        "retained_after_training": _tri(retained, "--retained"),
        "memorization": _tri(memorization, "--memorization"),
        "output_competes": _tri(output_competes, "--output-competes"),
    }
    path = ledger or default_ledger_path()
    book = run(lambda: TakedownLedger(path)) if ledger or path.exists() else None
    try:
        summary = run(
            lambda: gate_manifest(
                manifest,
                pol,
                out=output,
                markets=chosen,
                purpose=purpose,
                org_type=org_type,
                as_of=as_of,
                blocklists=lists,
                known_works=works,
                ledger=book,
                record=not no_record,
                fmt=fmt,
                mapping=run(lambda: parse_mapping(map_)),
                hash_images=not no_image_hashing,
                snapshots=tuple(snapshot or ()),
                settings=settings,
            )
        )
    finally:
        if book is not None:
            book.close()
    if as_json:
        print_json(summary.to_dict())
    else:
        _print(summary, fail_level)
    if _failed(summary, fail_level):
        raise typer.Exit(code=EXIT_GATE_FAILED)
