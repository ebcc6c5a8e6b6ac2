# SPDX-License-Identifier: Apache-2.0
"""``clearance law explain|assess|fair-use|eu-tdm|database-right|personal-data``.

Each command reads a facts file (YAML or JSON mapping), calls one library function and prints
the reasoning with citations, or JSON with ``--json``. Output is a risk assessment, not legal
advice, and names the knowledge base's as-of date.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from clearance.cli._app import out, print_json, run
from clearance.cli.law import law_app
from clearance.law.analyses.framework import run_analysis
from clearance.law.engine import all_markets, assess
from clearance.law.explain import render_analysis, render_assessment
from clearance.law.facts import load_facts

__all__ = ["assess_command", "assess_table_command", "explain_command"]

_FACTS = typer.Option(..., "--facts", "-f", help="YAML or JSON file mapping facts to values.")
_AS_OF = typer.Option(None, "--as-of", help="Apply the law as of this date (default: today).")
_JSON = typer.Option(False, "--json", help="Write JSON instead of text.")


@law_app.command("explain")
def explain_command(
    facts: Path = _FACTS,
    market: str = typer.Option(..., "--market", "-m", help="Market: us, eu, de, uk, jp, ..."),
    as_of: str | None = _AS_OF,
    as_json: bool = _JSON,
) -> None:
    """Print the reasoning chain for one item in one market, every rule with its citations."""
    result = run(lambda: assess(load_facts(facts), market, as_of))
    if as_json:
        print_json(result.to_dict())
    else:
        out.print(render_assessment(result), highlight=False, markup=False, soft_wrap=True)


@law_app.command("assess")
def assess_command(
    facts: Path = _FACTS,
    markets: str = typer.Option(
        "all", "--markets", help="Comma-separated markets, or 'all' for every market."
    ),
    as_of: str | None = _AS_OF,
    as_json: bool = _JSON,
) -> None:
    """Print exposure, deciding bases and provisional flag for one item in several markets."""
    wanted = all_markets() if markets == "all" else [m.strip() for m in markets.split(",")]
    facts_map = run(lambda: load_facts(facts))
    results = [run(lambda m=m: assess(facts_map, m, as_of)) for m in wanted]  # type: ignore[misc]
    if as_json:
        print_json([r.to_dict() for r in results])
        return
    first = results[0] if results else None
    title = f"Law as of {first.as_of} · knowledge base as of {first.kb_as_of}" if first else ""
    table = Table(title=title, title_justify="left")
    for col in ("market", "exposure", "provisional", "legal bases", "reasons"):
        table.add_column(col, overflow="fold")
    for r in results:
        bases = "; ".join(f"{b} ({st})" for b, st in r.basis_status) or "none"
        table.add_row(r.market, r.exposure, "yes" if r.provisional else "", bases,
                      ", ".join(r.reasons))  # fmt: skip
    out.print(table)
    out.print("Risk assessment, not legal advice.", highlight=False)


@law_app.command("assess-table")
def assess_table_command(
    facts: Path = typer.Argument(..., help="Facts table: Parquet (e.g. a scan's facts.parquet)."),
    output: Path = typer.Option(..., "--output", "-o", help="Parquet file to write."),
    markets: str = typer.Option("all", "--markets", help="Comma-separated markets, or 'all'."),
    as_of: str | None = _AS_OF,
) -> None:
    """Assess every row of a facts table in every market, once per distinct combination."""
    import polars as pl
    import pyarrow.parquet as pq

    from clearance.errors import InputError
    from clearance.law.table import assess_table

    wanted = all_markets() if markets == "all" else [m.strip() for m in markets.split(",")]

    def go() -> int:
        try:
            read = pq.read_table(facts)
        except (OSError, ValueError) as exc:
            raise InputError(f"{facts}: cannot read the facts table: {exc}") from exc
        if b"clearance.config" in (read.schema.metadata or {}):
            from clearance.engine.facts import law_input  # a scan's facts.parquet

            read = law_input(read)
        frame = pl.from_arrow(read)
        assert isinstance(frame, pl.DataFrame)
        table = assess_table(frame, wanted, as_of=as_of)
        pq.write_table(table, output)
        return int(table.num_rows)

    rows = run(go)
    out.print(f"{rows} rows written to {output}. Risk assessment, not legal advice.",
              highlight=False)  # fmt: skip


def _analysis_command(name: str, default_market: str, doc: str) -> None:
    def command(
        facts: Path = _FACTS,
        market: str = typer.Option(default_market, "--market", "-m", help="Market to apply."),
        as_of: str | None = _AS_OF,
        as_json: bool = _JSON,
    ) -> None:
        result = run(lambda: run_analysis(name, load_facts(facts), market, as_of))
        if as_json:
            print_json(result.to_dict())
        else:
            out.print(render_analysis(result), highlight=False, markup=False, soft_wrap=True)

    command.__doc__ = doc
    law_app.command(name.replace("_", "-"))(command)


_analysis_command(
    "fair_use", "us", "Print the US four-factor fair-use analysis: each factor, its authorities."
)
_analysis_command(
    "eu_tdm", "eu", "Print the EU TDM analysis: Art. 3 vs 4, access, reservation, AI Act Art. 53."
)
_analysis_command(
    "database_right", "eu", "Print the EU database-right analysis (substantial extraction)."
)
_analysis_command(
    "personal_data", "eu", "Print the personal-data and personality analysis for a market."
)
