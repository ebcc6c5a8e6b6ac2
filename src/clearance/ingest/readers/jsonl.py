# SPDX-License-Identifier: Apache-2.0
"""JSON Lines manifests (plain, .gz, .zst): one object per line, values kept as text.

Scalars become their JSON text (strings unquoted), nested values their JSON; typing happens
once, in canonicalisation, so "123" and 123 are read alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

from clearance.errors import EmptyManifestError, ManifestError
from clearance.ingest.limits import DEFAULT_LIMITS, ReadLimits
from clearance.ingest.readers.base import RawChunk, Reject, iter_lines

__all__ = ["read_jsonl"]


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return orjson.dumps(value).decode()


def read_jsonl(
    path: Path,
    *,
    encoding: str = "utf-8",
    batch_rows: int = 262_144,
    limits: ReadLimits = DEFAULT_LIMITS,
    lenient: bool = False,
) -> Iterator[RawChunk]:
    """Yield chunks of a JSON Lines file; bad lines become rejects naming the line.

    A line over the length limit is a reject; so is a line that is not valid in the encoding
    when ``lenient`` (``--on-error skip``), else the whole file fails with EncodingError.
    """
    source = str(path)
    columns: dict[str, list[str | None]] = {}
    rows: list[int] = []
    rejects: list[Reject] = []
    records = 0

    def flush() -> RawChunk:
        arrays = {k: pa.array(v, type=pa.string()) for k, v in columns.items()}
        arrays["source_row"] = pa.array(rows, type=pa.int64())
        chunk = RawChunk(pa.table(arrays), source, list(rejects))
        columns.clear()
        rows.clear()
        rejects.clear()
        return chunk

    for line in iter_lines(path, encoding=encoding, limits=limits, lenient=lenient):
        # a UTF-8 byte-order mark (Windows tools write one) is not part of the first object
        text = line.text[1:] if line.number == 1 and line.text[:1] == "\ufeff" else line.text
        if line.error is not None:
            records += 1
            rejects.append(Reject(source, line.number, None, line.error, text[:2000]))
            continue
        if not text.strip():
            continue
        if not records and not rows and text.lstrip(" \t\ufeff").startswith("["):
            raise ManifestError(
                f"line {line.number} opens a JSON array: manifests are JSON Lines, one object "
                "per line; convert it first (for example `jq -c '.[]' FILE > FILE.jsonl`)",
                path=path,
                row=None,
            )
        records += 1
        if "\x00" in text:
            rejects.append(
                Reject(
                    source,
                    line.number,
                    None,
                    "NUL byte in the line",
                    text.replace("\x00", "\\0")[:2000],
                )
            )
            continue
        try:
            obj = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            rejects.append(Reject(source, line.number, None, f"invalid JSON: {exc}", text[:2000]))
            continue
        if not isinstance(obj, dict):
            rejects.append(
                Reject(
                    source,
                    line.number,
                    None,
                    f"expected a JSON object, found {type(obj).__name__}",
                    text[:2000],
                )
            )
            continue
        n = len(rows)
        for key, value in obj.items():
            col = columns.get(key)
            if col is None:
                col = columns[key] = [None] * n
            col.append(_text(value))
        rows.append(line.number)
        for col in columns.values():
            if len(col) == n:
                col.append(None)
        if len(rows) >= batch_rows:
            yield flush()
    if rows or rejects:
        yield flush()
    elif records == 0:
        raise EmptyManifestError("the file holds no JSON records", path=path)
