# SPDX-License-Identifier: Apache-2.0
"""``clearance disclose``: disclosure drafts and exports from a scan folder and MODEL.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clearance.cli._app import app, out, print_json, run
from clearance.disclose import example_model_yaml, load_model_info, write_disclosures

__all__ = ["disclose"]


@app.command()
def disclose(
    scan_dir: Annotated[Path | None, typer.Argument(help="The scan folder (clearance scan "
                                                    "--out).")] = None,
    model: Annotated[Path | None, typer.Option("--model", help="MODEL.yaml: the provider and "
                                               "the model (see --example-model).")] = None,
    output: Annotated[Path | None, typer.Option("--out", help="Folder for the drafts and "
                                                "exports.")] = None,
    since: Annotated[Path | None, typer.Option("--since", help="A previous disclosure folder "
                                               "(or scan folder): state what changed.")] = None,
    example_model: Annotated[bool, typer.Option("--example-model", help="Print a complete, "
                                                "commented MODEL.yaml and exit.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Write the EU AI Act public summary, AB 2013, Code of Practice checklist and exports.

    From a scan folder and MODEL.yaml: the Art. 53(1)(d) summary in the Commission's template
    (Markdown, DOCX, PDF), California AB 2013, the Code of Practice copyright checklist, a
    Hugging Face dataset card, Croissant 1.1, SPDX 3.0.1 and CycloneDX 1.6. Every draft is for
    counsel's review; what the inputs cannot give is listed as a gap.
    """
    if example_model:
        typer.echo(example_model_yaml(), nl=False)
        return
    if scan_dir is None or model is None or output is None:
        raise typer.BadParameter("give SCAN_DIR, --model and --out (or --example-model)")
    info = run(lambda: load_model_info(model))
    result = run(lambda: write_disclosures(scan_dir, info, output, since=since))
    if as_json:
        print_json({"files": result.files, "gaps": result.gaps, "changes": result.changes})
        return
    for key, path in result.files.items():
        out.print(f"  {key:<22} {path}", highlight=False)
    out.print(f"[bold]{len(result.gaps)} gaps[/] to fill before publication (listed at the end "
              "of each draft).")
    if result.changes is not None:
        out.print(f"{len(result.changes)} changes since {since} (changes.md).")
    out.print("Drafts for counsel's review; not legal advice.")
