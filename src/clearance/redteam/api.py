# SPDX-License-Identifier: Apache-2.0
"""One library call per ``clearance redteam`` text command (the CLI only parses and prints)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pyarrow.parquet as pq

from clearance.atomic import write_atomic
from clearance.errors import InputError
from clearance.redteam.findings import memorization_table
from clearance.redteam.probe import ChatModel, ProbeRun, build_probes, run_probes
from clearance.redteam.summary import RedteamSummary, build_summary
from clearance.redteam.text.build import BuildStats, IndexSettings, build_index
from clearance.redteam.text.check import CheckSummary, check_outputs
from clearance.redteam.text.corpus import Source, iter_corpus
from clearance.redteam.text.index import TextIndex
from clearance.redteam.text.thresholds import Threshold

__all__ = ["ReportInputs", "check_file", "index_corpora", "probe_model", "report_from_results"]


def index_corpora(corpora: Sequence[str | Path], out: str | Path,
                  settings: IndexSettings | None = None, *, workers: int | None = None,
                  text_column: str = "text",
                  progress: Callable[[int, int], None] | None = None) -> BuildStats:
    """Index every corpus (directories, JSON Lines, Parquet, scans) into ``out``."""
    if not corpora:
        raise InputError("name at least one corpus")
    sources: Iterator[Source] = itertools.chain.from_iterable(
        iter_corpus(c, text_column=text_column) for c in corpora)
    return build_index(sources, out, settings, workers=workers, progress=progress)


def check_file(index: str | Path, outputs: str | Path, threshold: Threshold, *,
               out: str | Path | None = None,
               parquet: str | Path | None = None
               ) -> Generator[dict[str, Any], None, CheckSummary]:
    """Yield one ``{"id", "matches"}`` per output of ``outputs`` checked against ``index``."""
    gen = check_outputs(TextIndex(index), outputs, threshold=threshold, out=out, parquet=parquet)
    summary: CheckSummary = yield from gen
    return summary


def probe_model(index: str | Path, out: str | Path, *, base_url: str, model: str,
                api_key_env: str | None, kinds: Sequence[str], threshold: Threshold,
                prefix_words: int = 50, offsets: Sequence[float] = (0.0,),
                limit: int | None = None, sources: Sequence[str] | None = None,
                rate_per_minute: float | None = 60.0, retries: int = 3,
                temperature: float = 0.0, max_tokens: int = 512, system: str | None = None,
                progress: Callable[[int, int], None] | None = None) -> ProbeRun:
    """Build probes from the index, send them to an OpenAI-compatible endpoint, check them."""
    ix = TextIndex(index)
    probes = build_probes(ix, kinds, sources=sources, prefix_words=prefix_words,
                          offsets=offsets, limit=limit)
    chat = ChatModel(base_url, model, api_key_env=api_key_env, retries=retries,
                     temperature=temperature, max_tokens=max_tokens, system=system)
    return run_probes(ix, chat, probes, out, threshold=threshold,
                      rate_per_minute=rate_per_minute, progress=progress)


@dataclass(frozen=True, slots=True)
class ReportInputs:
    """What ``clearance redteam report`` renders, and the memorisation table beside it."""

    summary: RedteamSummary
    memorization: Any  # pyarrow.Table (MEMORIZATION_SCHEMA)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    try:
        return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    except (OSError, orjson.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read results: {exc}") from exc


def report_from_results(index: str | Path, results: str | Path) -> ReportInputs:
    """Return the red-team section and memorisation table of a probe run or check results.

    ``results`` is a probe run directory (its ``results.jsonl`` names each probe's target) or a
    ``check --out`` JSON Lines file.
    """
    ix = TextIndex(index)
    path = Path(results)
    run = path / "run.json" if path.is_dir() else None
    rows = _read_jsonl(path / "results.jsonl" if path.is_dir() else path)
    probed: dict[str, int] = {}
    for r in rows:
        if "target" in r:
            probed[r["target"]] = probed.get(r["target"], 0) + 1
    threshold = ""
    if run and run.exists():
        threshold = json.loads(run.read_text(encoding="utf-8")).get("threshold", "")
    sources = ix.sources()
    summary = build_summary(sources, rows, threshold=threshold or "the run's threshold",
                            probed=probed or None)
    table = memorization_table(sources, rows, probed=probed, threshold=threshold)
    return ReportInputs(summary, table)


def write_table(table: Any, path: str | Path) -> None:
    """Write a pyarrow table as Parquet (whole or not at all)."""
    write_atomic(Path(path), lambda tmp: pq.write_table(table, tmp))
