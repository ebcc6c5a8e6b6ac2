# SPDX-License-Identifier: Apache-2.0
"""``clearance signals TARGET``: every opt-out signal in a file or saved response, resolved."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from clearance.cli._app import app, out, print_json, run
from clearance.signals.detect import explain_signals
from clearance.textsafe import rich_safe

__all__ = ["signals_command"]


@app.command("signals")
def signals_command(
    target: str = typer.Argument(
        ...,
        help="A local file: media (JPEG, PNG, TIFF, WebP, GIF, PDF), a saved HTTP response "
        "(curl -i output), HTML, robots.txt, ai.txt, tdmrep.json or terms-of-service text.",
    ),
    agent: str | None = typer.Option(
        None, "--agent", help="Crawler product token to resolve for (e.g. GPTBot)."
    ),
    url: str | None = typer.Option(
        None, "--url", help="The item URL, for path rules (tdmrep.json, ai.txt, robots.txt)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """List every signal in TARGET with its evidence, and the verdict per purpose."""
    report: dict[str, Any] = run(lambda: explain_signals(target, agent=agent, url=url))
    if as_json:
        print_json(report)
        return
    # targets, agents, locations, excerpts and notes come from documents strangers wrote
    out.print(f"[bold]{rich_safe(report['target'])}[/]  kind {report['kind']}  "
              f"problems {report['problems']}", highlight=False)  # fmt: skip
    table = Table("standard", "purpose", "verdict", "agent", "conf", "location", "excerpt")
    for s in report["signals"]:
        verdict = s["verdict"] + (" (contested)" if s["contested"] else "")
        table.add_row(s["standard"], s["purpose"], verdict, rich_safe(s["agent"] or "*"),
                      f"{s['confidence']:.2f}", rich_safe(s["location"]),
                      rich_safe(s["excerpt"][:80]))  # fmt: skip
    out.print(table if report["signals"] else "no signal found")
    for e in report["evidence"]:
        out.print(f"evidence ({rich_safe(e['source'])}) {e['kind']}: {rich_safe(e['value'])}",
                  highlight=False)
    res = Table("purpose", "verdict", "rule", "deciding", "contradicting", "other agents")
    for purpose, r in report["resolution"].items():
        verdict = r["verdict"] + (" (contested)" if r["contested"] else "")
        res.add_row(purpose, verdict, r["rule"],
                    ", ".join(sorted({d["standard"] for d in r["deciding"]})) or "-",
                    str(len(r["contradicting"])), str(len(r["other_agents"])))  # fmt: skip
    agent = report["agent"]
    agent_text = rich_safe(agent) if agent else "(any; agent-scoped signals aside)"
    out.print(f"resolution for agent {agent_text}")
    out.print(res)
    for note in report["notes"][:20]:
        out.print(f"note: {rich_safe(note)}", style="dim", highlight=False)
    out.print(report["disclaimer"], style="dim")
