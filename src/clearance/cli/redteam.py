# SPDX-License-Identifier: Apache-2.0
"""``clearance redteam``: test a model's outputs for regurgitation of protected work.

``redteam_app`` holds the text and code commands; ``images_app`` (``clearance redteam
images``) the image ones. Command modules register on them.
"""

from __future__ import annotations

import typer

from clearance.cli._app import app

__all__ = ["images_app", "redteam_app"]

redteam_app = typer.Typer(
    help=(
        "IP red team: index protected text, code and images, and check a model's outputs "
        "for regurgitation, with the source's licence. A risk assessment, not legal advice."
    ),
    no_args_is_help=True,
)
app.add_typer(redteam_app, name="redteam")

images_app = typer.Typer(
    help="Near-duplicate detection of training and protected images in generated images.",
    no_args_is_help=True,
)
redteam_app.add_typer(images_app, name="images")


# --- text and code (issue 13): index, check, probe, report -------------------------------

import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Annotated  # noqa: E402

from clearance.cli._app import console, out, print_json, run  # noqa: E402


def _threshold(preset: str | None, min_tokens: int | None, min_chars: int | None) -> object:
    from clearance.redteam.text.thresholds import resolve_threshold

    return run(lambda: resolve_threshold(preset, min_tokens, min_chars))


@redteam_app.command("index")
def index_command(
    corpus: Annotated[list[Path], typer.Argument(help="Directories, .jsonl[.gz], .parquet "
                                                 "files or scan directories to index.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Index directory (created or added to).")],
    profile: Annotated[str, typer.Option(help="text | code | code-ids (identifiers hidden).")]
    = "text",
    workers: Annotated[int | None, typer.Option(help="Worker processes (default: CPUs).")]
    = None,
    text_column: Annotated[str, typer.Option(help="Text column of Parquet corpora.")] = "text",
    as_json: Annotated[bool, typer.Option("--json", help="Print the build statistics as JSON.")]
    = False,
) -> None:
    """Index a reference corpus of text or code for `redteam check` (adds to an existing one)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from clearance.redteam.api import index_corpora
    from clearance.redteam.text.build import IndexSettings

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[mb]}"),
                  TimeElapsedColumn(), console=console, transient=True,
                  disable=as_json) as bar:
        task = bar.add_task("indexing", total=None, mb="")

        def progress(sources: int, nbytes: int) -> None:
            bar.update(task, description=f"indexing: {sources:,} sources",
                       mb=f"{nbytes / 1e6:,.0f} MB")

        stats = run(lambda: index_corpora(corpus, out_dir, IndexSettings(profile=profile),
                                          workers=workers, text_column=text_column,
                                          progress=progress))
    if as_json:
        print_json(stats.to_dict())
        return
    out.print(f"{stats.sources_added:,} sources indexed ({stats.sources_skipped:,} already "
              f"there), {stats.input_bytes / 1e6:,.1f} MB in {stats.seconds:.1f} s; index "
              f"{stats.index_bytes / 1e6:,.1f} MB at {out_dir}", highlight=False)


@redteam_app.command("check")
def check_command(
    index: Annotated[Path, typer.Argument(help="Index directory built by `redteam index`.")],
    outputs: Annotated[Path, typer.Argument(help="Model outputs: JSON Lines (id, text, "
                                            "prompt) or Parquet.")],
    min_tokens: Annotated[int | None, typer.Option(help="Report spans of at least this many "
                                                   "tokens (words for text).")] = None,
    min_chars: Annotated[int | None, typer.Option(help="... and at least this many "
                                                  "characters.")] = None,
    preset: Annotated[str | None, typer.Option(help="tokens50 (default) | copilot150 | "
                                               "urhdag160; see docs/redteam.md.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per output on "
                                          "stdout.")] = False,
    out_path: Annotated[Path | None, typer.Option("--out", help="Write JSON Lines here.")]
    = None,
    parquet: Annotated[Path | None, typer.Option(help="Write one row per match here.")] = None,
) -> None:
    """Check model outputs for spans copied from indexed sources, with their licence."""
    import orjson

    from clearance.redteam.api import check_file

    threshold = _threshold(preset, min_tokens, min_chars)

    def go() -> object:
        gen = check_file(index, outputs, threshold, out=out_path, parquet=parquet)  # type: ignore[arg-type]
        while True:
            try:
                result = next(gen)
            except StopIteration as stop:
                return stop.value
            if as_json:
                sys.stdout.buffer.write(orjson.dumps(result) + b"\n")

    summary = run(go)
    if not as_json:
        assert summary is not None
        data = summary.to_dict()  # type: ignore[attr-defined]
        out.print(f"{data['outputs_with_matches']:,} of {data['outputs']:,} outputs reproduce "
                  f"indexed sources ({data['matches']:,} spans, {data['threshold']}).",
                  highlight=False)
        for src, n in list(data["sources"].items())[:10]:
            out.print(f"  {n:>6,}  {src}", highlight=False)


@redteam_app.command("probe")
def probe_command(
    index: Annotated[Path, typer.Argument(help="Index directory built by `redteam index`.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Run directory (resumes if it exists).")],
    base_url: Annotated[str, typer.Option(help="OpenAI-compatible base URL, e.g. "
                                          "https://host/v1.")],
    model: Annotated[str, typer.Option(help="Model name sent with each request.")],
    api_key_env: Annotated[str, typer.Option(help="Environment variable holding the API key "
                                             "(never written to evidence).")]
    = "OPENAI_API_KEY",
    kinds: Annotated[str, typer.Option(help="Probe kinds: prefix,title,lyrics,code.")]
    = "prefix,title,lyrics,code",
    prefix_words: Annotated[int, typer.Option(help="Words of source text in a prefix probe.")]
    = 50,
    limit: Annotated[int | None, typer.Option(help="Send at most this many probes.")] = None,
    rate: Annotated[float, typer.Option(help="Requests per minute at most (0: no limit).")]
    = 60.0,
    retries: Annotated[int, typer.Option(help="Retries of a 429, 5xx or timeout.")] = 3,
    min_tokens: Annotated[int | None, typer.Option(help="Threshold in tokens.")] = None,
    min_chars: Annotated[int | None, typer.Option(help="Threshold in characters.")] = None,
    preset: Annotated[str | None, typer.Option(help="Threshold preset.")] = None,
) -> None:
    """Probe a model for regurgitation of indexed sources and keep every exchange."""
    from clearance.redteam.api import probe_model

    threshold = _threshold(preset, min_tokens, min_chars)
    result = run(lambda: probe_model(
        index, out_dir, base_url=base_url, model=model, api_key_env=api_key_env or None,
        kinds=[k.strip() for k in kinds.split(",") if k.strip()], threshold=threshold,  # type: ignore[arg-type]
        prefix_words=prefix_words, limit=limit, rate_per_minute=rate or None, retries=retries))
    out.print(f"{result.sent:,} probes sent ({result.resumed:,} resumed, {result.failed:,} "
              f"failed); {result.outputs_with_matches:,} outputs reproduce "
              f"{result.sources_reproduced:,} sources. Evidence and report in {out_dir}",
              highlight=False)


@redteam_app.command("report")
def report_command(
    index: Annotated[Path, typer.Argument(help="Index directory.")],
    results: Annotated[Path, typer.Argument(help="A probe run directory or `check --out` "
                                            "JSON Lines.")],
    fmt: Annotated[str, typer.Option("--format", help="md | html | json.")] = "md",
    memorization: Annotated[Path | None, typer.Option(help="Write the memorisation table "
                                                      "(Parquet) the scan can join.")] = None,
) -> None:
    """Render the red-team section (extraction rates, worst sources, spans, law, mitigations)."""
    from clearance.errors import InputError
    from clearance.redteam.api import report_from_results, write_table
    from clearance.redteam.summary import render_html, render_markdown

    def go() -> object:
        if fmt not in ("md", "html", "json"):
            raise InputError(f"--format {fmt!r}: expected md, html or json")
        return report_from_results(index, results)

    inputs = run(go)
    if memorization is not None:
        write_table(inputs.memorization, memorization)  # type: ignore[attr-defined]
        console.print(f"memorisation table: {memorization}", highlight=False)
    if fmt == "json":
        print_json(inputs.summary.to_dict())  # type: ignore[attr-defined]
    else:
        render = render_html if fmt == "html" else render_markdown
        sys.stdout.write(render(inputs.summary))  # type: ignore[attr-defined]
