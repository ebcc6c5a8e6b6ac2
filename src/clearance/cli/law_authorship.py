# SPDX-License-Identifier: Apache-2.0
"""``clearance law authorship`` and ``clearance law output-duties``.

``authorship`` reads a facts file (or asks the questionnaire with ``--interactive``), prints
the leaning per market with reasons and citations and, for the US, the claim limitation, and
can write a Markdown and PDF memo. ``output-duties`` prints what must be done with generated
outputs per market, and with ``--regurgitation`` how a red-team finding changes exposure.
Risk assessment, not legal advice.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import typer
from rich.table import Table

from clearance.cli._app import console, out, print_json, run
from clearance.cli.law import law_app
from clearance.errors import InputError
from clearance.law.authorship.engine import DISCLAIMER, assess_authorship_markets
from clearance.law.authorship.facts import WorkFacts, load_work_facts
from clearance.law.authorship.memo import leaning_words, write_memo
from clearance.law.authorship.questionnaire import ask_work_facts
from clearance.law.kb import default_knowledge_base
from clearance.law.output_duties import (
    DUTY_MARKETS,
    output_duties,
    regurgitation_exposure,
    render_duties_markdown,
    render_regurgitation_markdown,
)

__all__ = ["authorship_command", "output_duties_command"]

_AS_OF = typer.Option(None, "--as-of", help="Apply the law as of this date (default: today).")
_JSON = typer.Option(False, "--json", help="Write JSON instead of text.")


def _facts(path: Path | None, interactive: bool) -> WorkFacts:
    if interactive == (path is not None):
        raise InputError("give either --facts FILE or --interactive")
    if path is not None:
        return load_work_facts(path)

    def read() -> str | None:
        line = sys.stdin.readline()
        return line if line else None

    return ask_work_facts(read, lambda text: console.print(text, highlight=False, markup=False))


def _markets(market: str | None, markets: str | None, default: str) -> str:
    if market and markets:
        raise InputError("give --market or --markets, not both")
    return market or markets or default


@law_app.command("authorship")
def authorship_command(
    facts: Path | None = typer.Option(None, "--facts", "-f", help="YAML or JSON facts file."),
    interactive: bool = typer.Option(
        False, "--interactive", "-i", help="Ask the questions in order, explaining each one."
    ),
    market: str | None = typer.Option(None, "--market", "-m", help="One market: us, uk, eu, ..."),
    markets: str | None = typer.Option(None, "--markets", help="Comma-separated, or 'all'."),
    as_of: str | None = _AS_OF,
    as_json: bool = _JSON,
    memo: Path | None = typer.Option(None, "--memo", help="Write a Markdown memo to this file."),
    pdf: Path | None = typer.Option(None, "--pdf", help="Write the memo as PDF to this file."),
    save_facts: Path | None = typer.Option(
        None, "--save-facts", help="Save the facts (e.g. the questionnaire's answers) as YAML."
    ),
) -> None:
    """Can this AI-assisted work be protected (or who is the inventor)? Leaning per market."""
    work = run(lambda: _facts(facts, interactive))
    if save_facts is not None:
        import yaml

        run(lambda: _save(save_facts, yaml.safe_dump(work.to_dict(), sort_keys=False)))
    wanted = run(lambda: _markets(market, markets, "all"))
    results = run(lambda: assess_authorship_markets(work, wanted, as_of))
    if memo is not None or pdf is not None:
        run(lambda: write_memo(results, memo, pdf))
    if as_json:
        print_json([r.to_dict() for r in results])
        return
    first = results[0]
    question = "Who can be named inventor" if work.is_invention else "Protection of the work"
    table = Table(title=f"{question} · law as of {first.as_of} · knowledge base as of "
                  f"{first.kb_as_of}", title_justify="left", show_lines=True)  # fmt: skip
    for col in ("market", "leaning", "reasons", "citations"):
        table.add_column(col, overflow="fold")
    for r in results:
        reasons = "\n".join(f"{x.rule_id}: {x.title}" for x in r.reasons)
        cites = ", ".join(f"{c} (unverified)" if c in r.unverified else c for c in r.citations)
        table.add_row(r.market.upper(), leaning_words(r), reasons, cites or "none")
    out.print(table)
    for r in results:
        if r.claim_limitation is not None:
            out.print(f"US claim limitation (draft): {r.claim_limitation.text}", highlight=False)
    for path in (p for p in (memo, pdf) if p is not None):
        out.print(f"Memo written to {path}", highlight=False)
    out.print(DISCLAIMER, highlight=False)


def _save(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot save the facts: {exc}") from exc


@law_app.command("output-duties")
def output_duties_command(
    market: str | None = typer.Option(None, "--market", "-m", help="One market: us, eu, cn, ..."),
    markets: str | None = typer.Option(None, "--markets", help="Comma-separated, or 'all'."),
    outputs: str | None = typer.Option(
        None, "--outputs", help="Only duties touching these outputs: text,image,audio,video,code."
    ),
    regurgitation: str | None = typer.Option(
        None,
        "--regurgitation",
        help="A red-team finding level: not_tested, none_found, "
        "incidental, substantial, verbatim; adds its exposure per market.",
    ),  # fmt: skip
    as_of: str | None = _AS_OF,
    as_json: bool = _JSON,
) -> None:
    """List what must be done with generated outputs per market (labels, marking, likeness)."""
    wanted = run(lambda: _markets(market, markets, "all"))
    kinds = [o.strip() for o in outputs.split(",")] if outputs else None
    items = run(lambda: output_duties(wanted, as_of, outputs=kinds))
    names = (
        list(DUTY_MARKETS)
        if wanted.strip() == "all"
        else [m.strip().lower() for m in wanted.split(",") if m.strip()]
    )
    findings = [run(lambda m=m: regurgitation_exposure(regurgitation, m))  # type: ignore[misc]
                for m in names] if regurgitation else []  # fmt: skip
    kb = default_knowledge_base()
    day = as_of or dt.date.today().isoformat()
    if as_json:
        print_json({"as_of": day, "kb_as_of": kb.as_of.isoformat(), "disclaimer": DISCLAIMER,
                    "duties": [i.to_dict() for i in items],
                    "regurgitation": [f.to_dict() for f in findings]})  # fmt: skip
        return
    text = render_duties_markdown(items, names, day, kb.as_of.isoformat())
    if findings:
        text += "\n" + render_regurgitation_markdown(findings)
    out.print(text, highlight=False, markup=False, soft_wrap=True)
