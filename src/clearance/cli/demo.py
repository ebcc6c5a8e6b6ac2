# SPDX-License-Identifier: Apache-2.0
"""``clearance demo``: the main job on bundled data, offline, ending with the report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clearance.cli._app import app, console, out, print_json, run
from clearance.cli.progress import cli_progress
from clearance.cli.scan import print_result
from clearance.demo.generate import write_manifest
from clearance.demo.snapshot import demo_agreements_path, demo_snapshot_path
from clearance.disclose import example_model_yaml, write_disclosures
from clearance.disclose.model_info import parse_model_info
from clearance.engine.scan import ScanConfig, run_scan

__all__ = ["demo"]

DEMO_MARKETS = ("us", "eu", "uk", "jp", "cn", "sg")


@app.command()
def demo(
    rows: Annotated[int, typer.Option(help="Rows of the demo manifest (100k by default; "
                                     "scales to 10M).", min=1)] = 100_000,
    output: Annotated[Path, typer.Option("--out", help="Folder for the demo's files.")] = Path(
        "clearance-demo"),
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same "
                                     "manifest.")] = 2026,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Scan a realistic scraped-image manifest offline and write the risk report.

    "Acme AI" scraped social media, news sites, artist portfolios, stock-photo previews,
    Wikimedia, Flickr and public-domain archives, licensed one collection and generated a
    synthetic one. The demo generates that manifest, reads the sites' opt-outs from a bundled
    WARC snapshot (real monthly robots.txt captures of the top-100 news sites, 2025-02 to
    2026-06, and synthetic policies for the other hosts), judges every item in six markets
    under the eu-ready-commercial policy, and writes the report. The demo's own folder is
    rewritten on every run.
    """
    output.mkdir(parents=True, exist_ok=True)
    manifest = output / "manifest.parquet"
    console.print(f"writing the demo manifest ({rows:,} rows) to {manifest}")
    write_manifest(manifest, rows=rows, seed=seed)
    config = ScanConfig(manifest=str(manifest), out=output / "scan", markets=DEMO_MARKETS,
                        purpose="genai_training", org_type="company",
                        policy="eu-ready-commercial", snapshots=(demo_snapshot_path(),),
                        agreements=demo_agreements_path(), force=True)
    with cli_progress() as progress:
        result = run(lambda: run_scan(config, progress=progress))
    # the bundled example MODEL.yaml is Acme's: the demo writes its disclosures too
    model = parse_model_info(example_model_yaml(), source="example MODEL.yaml")
    disclosures = run(lambda: write_disclosures(output / "scan", model,
                                                output / "scan" / "disclosures"))
    if as_json:
        print_json({"tiers": result.tiers, "exposure": result.exposure, "files": result.files,
                    "warnings": list(result.warnings), "open_first": result.open_first,
                    "disclosures": disclosures.files})
        return
    print_result(result)
    out.print(f"[bold]Full report:[/] {result.files.get('report_html')} (also .pdf and .md)")
    out.print(f"[bold]Disclosure drafts:[/] {disclosures.files['eu_summary_pdf']} (EU summary; "
              f"AB 2013, Code of Practice, HF card, Croissant, SPDX 3, CycloneDX beside it)")
