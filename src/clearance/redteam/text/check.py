# SPDX-License-Identifier: Apache-2.0
"""Check a file of model outputs against a text index: :func:`check_outputs`.

Outputs are JSON Lines (``id``, ``text``, optional ``prompt``) or Parquet with those columns.
Results are one JSON object per output (``{"id", "matches": [...]}``, ``matches`` empty when
nothing reaches the threshold), and optionally a Parquet table with one row per match.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from clearance.errors import EmptyManifestError, MalformedRowError, ManifestError
from clearance.redteam.text.index import TextIndex
from clearance.redteam.text.thresholds import Threshold, default_threshold

__all__ = ["MATCH_SCHEMA", "CheckSummary", "Output", "check_outputs", "read_outputs"]

MATCH_SCHEMA = pa.schema([
    ("output_id", pa.string()), ("source", pa.string()), ("tokens", pa.int64()),
    ("chars", pa.int64()), ("output_start", pa.int64()), ("output_end", pa.int64()),
    ("source_start", pa.int64()), ("source_end", pa.int64()), ("longest_tokens", pa.int64()),
    ("longest_chars", pa.int64()), ("coverage", pa.float64()), ("license", pa.string()),
    ("url", pa.string()), ("title", pa.string()), ("author", pa.string()),
    ("category", pa.string()), ("item_id", pa.string()), ("excerpt", pa.string()),
    ("source_excerpt", pa.string()), ("prompt", pa.string()),
])  # fmt: skip


@dataclass(frozen=True, slots=True)
class Output:
    """One model output to check."""

    id: str
    text: str
    prompt: str | None = None


@dataclass(slots=True)
class CheckSummary:
    """Counts of a check run."""

    outputs: int = 0
    outputs_with_matches: int = 0
    matches: int = 0
    threshold: str = ""
    sources: dict[str, int] = field(default_factory=dict)  # source id -> outputs matching it

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"outputs": self.outputs, "outputs_with_matches": self.outputs_with_matches,
                "matches": self.matches, "threshold": self.threshold,
                "sources": dict(sorted(self.sources.items(), key=lambda kv: -kv[1]))}


def _field(obj: dict[str, Any], key: str, path: Path, row: int, required: bool) -> str | None:
    value = obj.get(key)
    if value is None and not required:
        return None
    if isinstance(value, int) and key == "id":
        return str(value)
    if not isinstance(value, str):
        raise MalformedRowError(f"needs a string {key!r}", path=path, row=row, column=key)
    return value


def read_outputs(path: str | Path) -> Iterator[Output]:
    """Yield the outputs of a JSON Lines or Parquet file; errors name the file and row."""
    path = Path(path)
    if not path.is_file():
        raise ManifestError("no such file", path=path)
    if path.suffix == ".parquet":
        table = pq.read_table(path)
        if "text" not in table.column_names:
            raise ManifestError("no 'text' column", path=path, column="text")
        ids = table["id"].to_pylist() if "id" in table.column_names else [None] * table.num_rows
        prompts = (table["prompt"].to_pylist() if "prompt" in table.column_names
                   else [None] * table.num_rows)
        for i, text in enumerate(table["text"].to_pylist(), start=1):
            if isinstance(text, str):
                yield Output(str(ids[i - 1] if ids[i - 1] is not None else i), text, prompts[i - 1])
        return
    seen = 0
    with path.open("rb") as fh:
        for row, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise MalformedRowError(f"not valid JSON: {exc}", path=path, row=row) from exc
            if not isinstance(obj, dict):
                raise MalformedRowError("expected a JSON object", path=path, row=row)
            oid = _field(obj, "id", path, row, False) or str(row)
            text = _field(obj, "text", path, row, True)
            assert text is not None
            seen += 1
            yield Output(oid, text, _field(obj, "prompt", path, row, False))
    if not seen:
        raise EmptyManifestError("no outputs", path=path)


def check_outputs(
    index: TextIndex,
    outputs: str | Path,
    *,
    threshold: Threshold | None = None,
    out: str | Path | None = None,
    parquet: str | Path | None = None,
) -> Generator[dict[str, Any], None, CheckSummary]:
    """Yield ``{"id", "matches"}`` per output; write JSON Lines / Parquet when asked.

    Files are written beside their final name and renamed when complete, so a reader never
    sees half a result. The summary is available from the generator's return value.
    """
    threshold = threshold or default_threshold()
    summary = CheckSummary(threshold=threshold.describe())
    rows: list[dict[str, Any]] = []
    out_path = Path(out) if out else None
    tmp = out_path.with_name(out_path.name + ".part") if out_path else None
    fh = tmp.open("wb") if tmp else None
    try:
        for o in read_outputs(outputs):
            matches = index.check(o.text, threshold)
            result = {"id": o.id, "matches": [m.to_dict() for m in matches]}
            summary.outputs += 1
            if matches:
                summary.outputs_with_matches += 1
                summary.matches += len(matches)
                for src in {m.source for m in matches}:
                    summary.sources[src] = summary.sources.get(src, 0) + 1
            if parquet:
                rows.extend({"output_id": o.id, "prompt": o.prompt, **m.to_dict()}
                            for m in matches)
            if fh:
                fh.write(orjson.dumps(result) + b"\n")
            yield result
    finally:
        if fh:
            fh.close()
    if tmp and out_path:
        os.replace(tmp, out_path)
    if parquet:
        table = pa.Table.from_pylist(rows, schema=MATCH_SCHEMA)
        part = Path(str(parquet) + ".part")
        pq.write_table(table, part)
        os.replace(part, parquet)
    return summary
