# SPDX-License-Identifier: Apache-2.0
"""``clearance scan`` and ``clearance assess``: the main job, and re-judging saved facts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from clearance.cli._app import app, console, out, print_json, run
from clearance.cli.ingest import MapOption
from clearance.engine.scan import ScanConfig, ScanResult, assess_scan, run_scan
from clearance.ingest.columns import parse_mapping

__all__ = ["assess", "print_result", "scan"]

_EXPOSURES = ("low", "medium", "high", "critical")


def _markets(text: str) -> tuple[str, ...]:
    return tuple(m.strip().lower() for m in text.split(",") if m.strip())


def _date(text: str | None, hint: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter("expected YYYY-MM-DD", param_hint=hint) from exc


def _tri(text: str | None, hint: str) -> bool | None:
    if text is None or text == "unknown":
        return None
    if text in ("yes", "true"):
        return True
    if text in ("no", "false"):
        return False
    raise typer.BadParameter("expected yes, no or unknown", param_hint=hint)


def print_result(result: ScanResult) -> None:
    """Print the scan's exposure per market, tiers, and where the files are."""
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
        out.print(f"  {name:<20} {path}")
    console.print("This is a risk assessment, not legal advice.")


@app.command()
def scan(
    manifest: Annotated[
        str, typer.Argument(help="The manifest to scan (any format `clearance ingest` reads).")
    ],
    output: Annotated[Path, typer.Option("--out", help="Folder for every output.")],
    markets: Annotated[
        str, typer.Option(help="Comma-separated markets to judge, e.g. us,eu,uk,jp,cn,sg.")
    ] = "us,eu,uk,jp,cn,sg",
    purpose: Annotated[
        str, typer.Option(help="research | commercial_training | genai_training.")
    ] = "genai_training",
    org_type: Annotated[
        str, typer.Option(help="company | research_org | cultural_heritage.")
    ] = "company",
    policy: Annotated[
        str | None,
        typer.Option(
            help="A shipped policy id (eu-ready-commercial, "
            "us-fair-use-reliant, research-only) or a "
            "policy YAML file."
        ),
    ] = None,
    snapshot: Annotated[
        list[Path] | None,
        typer.Option(help="WARC files to read opt-out signals from (repeatable)."),
    ] = None,
    live: Annotated[
        bool,
        typer.Option("--live", help="Fetch every host's robots.txt, tdmrep.json and ai.txt now, "
                     "into OUT/evidence (WARC + ledger), instead of or besides --snapshot."),
    ] = False,
    presume_earlier: Annotated[
        bool,
        typer.Option("--presume-earlier", help="Items collected before a host's first capture "
                     "take a reservation seen in that capture (never a permission)."),
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(help="Judge the law and 'reserved now' as of this date (YYYY-MM-DD)."),
    ] = None,
    agent: Annotated[
        str | None,
        typer.Option(
            help="The crawler token the data was collected with; default: any AI training crawler."
        ),
    ] = None,
    access: Annotated[
        str,
        typer.Option(
            help="lawful: public URLs were fetched without "
            "circumvention (stated in the report); unknown: do "
            "not assume it."
        ),
    ] = "lawful",
    memorization: Annotated[
        str | None,
        typer.Option(help="yes | no | unknown: does the model reproduce works verbatim?"),
    ] = None,
    output_competes: Annotated[
        str | None,
        typer.Option(help="yes | no | unknown: does the product substitute for the works?"),
    ] = None,
    blocklist: Annotated[
        list[Path] | None,
        typer.Option(help="Extra blocklist files (YAML, or one domain per line); the shipped "
                     "shadow-library lists always apply."),
    ] = None,
    known_works: Annotated[
        list[Path] | None,
        typer.Option("--known-works", help="Lists of protected works (sha256 / PDQ)."),
    ] = None,
    ledger: Annotated[
        Path | None,
        typer.Option(help="Takedown ledger (SQLite) whose open requests apply to this scan."),
    ] = None,
    map_: MapOption = None,
    on_error: Annotated[
        str,
        typer.Option(
            "--on-error", help="skip (default): malformed rows go to rejects.jsonl; fail: stop."
        ),
    ] = "skip",
    no_reports: Annotated[bool, typer.Option("--no-reports", help="Write tables only.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Scan a manifest: categories, licences, opt-outs, law per market, policy tiers, reports."""
    if on_error not in ("fail", "skip"):
        raise typer.BadParameter("must be 'fail' or 'skip'", param_hint="--on-error")
    config = ScanConfig(
        manifest=manifest,
        out=output,
        markets=_markets(markets),
        purpose=purpose,
        org_type=org_type,
        policy=policy,
        snapshots=tuple(snapshot or ()),
        live=live,
        presume_earlier=presume_earlier,
        as_of=_date(as_of, "--as-of"),
        mapping=run(lambda: parse_mapping(map_)),
        on_error="fail" if on_error == "fail" else "skip",
        agent=agent,
        access=access,
        memorization=_tri(memorization, "--memorization"),
        output_competes=_tri(output_competes, "--output-competes"),
        blocklists=tuple(blocklist or ()),
        known_works=tuple(known_works or ()),
        takedowns=ledger,
        reports=not no_reports,
    )
    with console.status("scanning") as status:
        result = run(lambda: run_scan(config, step=lambda text: status.update(text)))
    if as_json:
        print_json(
            {
                "out": str(result.out),
                "rows_read": result.rows_read,
                "rows_accepted": result.rows_accepted,
                "rows_rejected": result.rows_rejected,
                "tiers": result.tiers,
                "exposure": result.exposure,
                "seconds": result.seconds,
                "files": result.files,
            }
        )
        return
    print_result(result)


@app.command()
def assess(
    scan_dir: Annotated[Path, typer.Argument(help="A folder written by `clearance scan`.")],
    markets: Annotated[
        str | None, typer.Option(help="Markets to judge (default: the scan's).")
    ] = None,
    policy: Annotated[str | None, typer.Option(help="Policy id or YAML file.")] = None,
    as_of: Annotated[str | None, typer.Option(help="Judge the law as of this date.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Re-judge a saved scan's facts (new markets, policy or date) without fetching anything."""
    with console.status("assessing") as status:
        result = run(
            lambda: assess_scan(
                scan_dir,
                markets=_markets(markets) if markets else None,
                policy=policy,
                as_of=_date(as_of, "--as-of"),
                step=lambda text: status.update(text),
            )
        )
    if as_json:
        print_json({"tiers": result.tiers, "exposure": result.exposure, "files": result.files})
        return
    print_result(result)
