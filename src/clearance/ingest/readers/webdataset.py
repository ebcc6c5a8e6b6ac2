# SPDX-License-Identifier: Apache-2.0
"""WebDataset tar shards (img2dataset's ``output_format=webdataset``): one sample per key.

Members sharing a key (the path up to the first dot of the file name) form a sample; the
``.json`` sidecar gives its metadata, the media member its size, hash and modality.
"""

from __future__ import annotations

import hashlib
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

from clearance.errors import EmptyManifestError, ManifestError
from clearance.ingest.readers.base import RawChunk, Reject
from clearance.ingest.readers.jsonl import _text
from clearance.ingest.readers.media import sniff_modality

__all__ = ["read_webdataset"]

_SIDE_TEXT = {"txt", "caption", "cls", "json"}


def _key(name: str) -> tuple[str, str]:
    folder, _, base = name.rpartition("/")
    stem, _, ext = base.partition(".")
    return (f"{folder}/{stem}" if folder else stem), ext.lower()


def _samples(path: Path) -> Iterator[tuple[str, dict[str, tuple[str, bytes]]]]:
    current: str | None = None
    members: dict[str, tuple[str, bytes]] = {}
    try:
        with tarfile.open(path, mode="r|*") as tar:
            for member in tar:
                if not member.isfile():
                    continue
                key, ext = _key(member.name)
                handle = tar.extractfile(member)
                data = handle.read() if handle is not None else b""
                if current is not None and key != current:
                    yield current, members
                    members = {}
                current = key
                members[ext] = (member.name, data)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise ManifestError(f"tar shard is truncated or corrupt ({exc})", path=path) from exc
    if current is not None:
        yield current, members


def read_webdataset(path: Path, *, batch_rows: int = 65_536) -> Iterator[RawChunk]:
    """Yield chunks of samples from one tar shard."""
    source = str(path)
    cols: dict[str, list[str | None]] = {}
    rows: list[int] = []
    rejects: list[Reject] = []
    count = 0

    def put(name: str, value: str | None) -> None:
        col = cols.get(name)
        if col is None:
            col = cols[name] = [None] * (len(rows) - 1)
        if len(col) == len(rows):
            col[-1] = value  # a media fact overrides the sidecar's field of the same name
        else:
            col.append(value)

    def flush() -> RawChunk:
        width = len(rows)
        arrays: dict[str, Any] = {
            k: pa.array(v + [None] * (width - len(v)), type=pa.string()) for k, v in cols.items()
        }
        arrays["source_row"] = pa.array(rows, type=pa.int64())
        chunk = RawChunk(pa.table(arrays), source, list(rejects))
        cols.clear()
        rows.clear()
        rejects.clear()
        return chunk

    for key, members in _samples(path):
        count += 1
        meta: dict[str, Any] = {}
        if "json" in members:
            name, raw = members["json"]
            try:
                parsed = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                rejects.append(
                    Reject(
                        source,
                        count,
                        name,
                        f"invalid JSON sidecar: {exc}",
                        raw[:2000].decode("utf-8", "replace"),
                    )
                )
                continue
            if isinstance(parsed, dict):
                meta = parsed
        media = [(ext, v) for ext, v in members.items() if ext not in _SIDE_TEXT]
        rows.append(count)
        for field, value in meta.items():
            if field in ("source_row",):
                continue
            put(field, _text(value))
        put("wds_key", key)
        if media:
            ext, (name, data) = media[0]
            put("file_path", f"{source}!/{name}")
            put("size_bytes", str(len(data)))
            put("content_sha256", hashlib.sha256(data).hexdigest())
            put("modality", sniff_modality(data[:64], name))
        for col in cols.values():
            if len(col) < len(rows):
                col.append(None)
        if len(rows) >= batch_rows:
            yield flush()
    if rows or rejects:
        yield flush()
    elif count == 0:
        raise EmptyManifestError("the tar shard holds no samples", path=path)
