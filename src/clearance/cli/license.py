# SPDX-License-Identifier: Apache-2.0
"""``clearance license VALUE``: normalise licence evidence and show what it permits."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from clearance.cli._app import app, out, print_json, run
from clearance.enrich.licenses import explain_license

__all__ = ["license_command"]


@app.command("license")
def license_command(
    value: str = typer.Argument(
        ...,
        help="Licence evidence: SPDX id or expression, name, "
        "URL, licence text, HTML rel=license, XMP or HF card lines.",
    ),
    use: str | None = typer.Option(
        None,
        "--use",
        help="One use: research_training, "
        "commercial_training, genai_training, fine_tuning, "
        "rag_inference, dataset_redistribution, weights_release. "
        "Default: all.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Normalise VALUE to a canonical licence id and show its AI-use permissions."""
    report: dict[str, Any] = run(lambda: explain_license(value, use))
    if as_json:
        print_json(report)
        return
    match = report["match"]
    out.print(
        f"[bold]{match['id']}[/]  confidence {match['confidence']:.2f}  "
        f"({match['method']}: {match['evidence']})",
        highlight=False,
    )
    facts = report["license"]
    if facts is not None:
        flag = "" if facts["verified"] else "  [yellow](terms not verified)[/]"
        out.print(f"{facts['name']}  <{facts['source_url']}>{flag}", highlight=False)
    table = Table("use", "verdict", "conditions", "reason")
    for p in report["permissions"]:
        table.add_row(
            p["use"],
            p["verdict"],
            ", ".join(p["conditions"]) or "-",
            p["reasons"][0] if p["reasons"] else "",
        )
    out.print(table)
    out.print(report["disclaimer"], style="dim")
