# SPDX-License-Identifier: Apache-2.0
"""WebDataset tar shards (img2dataset's ``output_format=webdataset``): one sample per key.

Members sharing a key (the path up to the first dot of the file name) form a sample; the
``.json`` sidecar gives its metadata, the media member its size, hash and modality. Members
are streamed: a media member is hashed as it is read and only its first bytes are kept (to
sniff its type); sidecars are read up to ``max_line_bytes``. A member larger than
``max_member_bytes`` (or sparse), a sidecar over its limit, a member name seen twice and a
key that comes back after other keys make the sample a rejected row, with the reason.
Compressed shards (``.tar.gz``, ``.tar.zst``) are read through the decompression-ratio guard.
"""

from __future__ import annotations

import hashlib
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson
import pyarrow as pa

from clearance.errors import EmptyManifestError, ManifestError
from clearance.ingest.limits import DEFAULT_LIMITS, ReadLimits
from clearance.ingest.readers.base import DECOMPRESSION_ERRORS, RawChunk, Reject, open_binary
from clearance.ingest.readers.jsonl import _text
from clearance.ingest.readers.media import sniff_modality

__all__ = ["read_webdataset"]

_SIDE_TEXT = {"txt", "caption", "cls", "json"}
_HEAD = 64  # bytes kept of a media member: enough for every signature sniff_modality knows
_CHUNK = 1 << 20


@dataclass(slots=True)
class _Media:
    name: str
    size: int
    sha256: str
    head: bytes


@dataclass(slots=True)
class _Sample:
    key: str
    sidecars: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    media: list[tuple[str, _Media]] = field(default_factory=list)
    problem: str | None = None


def _key(name: str) -> tuple[str, str]:
    folder, _, base = name.rpartition("/")
    stem, _, ext = base.partition(".")
    return (f"{folder}/{stem}" if folder else stem), ext.lower()


def _stream_member(name: str, handle: IO[bytes]) -> _Media:
    """Return a media member's size, SHA-256 and first bytes, reading it once in blocks."""
    digest = hashlib.sha256()
    head = b""
    read = 0
    while block := handle.read(_CHUNK):
        if len(head) < _HEAD:
            head += block[: _HEAD - len(head)]
        digest.update(block)
        read += len(block)
    return _Media(name, read, digest.hexdigest(), head)


def _problem(member: tarfile.TarInfo, limits: ReadLimits, sidecar: bool) -> str | None:
    if member.issparse():
        return f"member {member.name!r} is a sparse file (holes expand to {member.size:,} bytes)"
    if member.size > limits.max_member_bytes:
        return (
            f"member {member.name!r} is {member.size:,} bytes, over max_member_bytes "
            f"({limits.max_member_bytes:,})"
        )
    if sidecar and member.size > limits.max_line_bytes:
        return (
            f"sidecar {member.name!r} is {member.size:,} bytes, over max_line_bytes "
            f"({limits.max_line_bytes:,})"
        )
    return None


def _add(sample: _Sample, tar: tarfile.TarFile, member: tarfile.TarInfo, ext: str,
         limits: ReadLimits) -> None:
    sidecar = ext in _SIDE_TEXT
    seen = ext in sample.sidecars or any(e == ext for e, _ in sample.media)
    problem = (
        f"duplicate member {member.name!r}: the shard holds two versions of it"
        if seen
        else _problem(member, limits, sidecar)
    )
    if problem is not None:
        sample.problem = sample.problem or problem
        return  # never read: tarfile skips the member's bytes on the next step
    handle = tar.extractfile(member)
    if handle is None:
        return
    if sidecar:
        sample.sidecars[ext] = (member.name, handle.read(limits.max_line_bytes + 1))
    else:
        sample.media.append((ext, _stream_member(member.name, handle)))


def _samples(path: Path, limits: ReadLimits) -> Iterator[_Sample]:
    current: _Sample | None = None
    done: set[str] = set()
    try:
        with open_binary(path, limits) as stream, tarfile.open(fileobj=stream, mode="r|") as tar:
            for member in tar:
                if not member.isfile():
                    continue
                key, ext = _key(member.name)
                if current is None or key != current.key:
                    if current is not None:
                        done.add(current.key)
                        yield current
                    current = _Sample(key)
                    if key in done:
                        current.problem = (
                            f"key {key!r} comes back after other samples: its members are not "
                            "contiguous or the sample is duplicated"
                        )
                _add(current, tar, member, ext, limits)
    except (tarfile.TarError, OSError, *DECOMPRESSION_ERRORS) as exc:
        raise ManifestError(f"tar shard is truncated or corrupt ({exc})", path=path) from exc
    if current is not None:
        yield current


def read_webdataset(
    path: Path, *, batch_rows: int = 65_536, limits: ReadLimits = DEFAULT_LIMITS
) -> Iterator[RawChunk]:
    """Yield chunks of samples from one tar shard (plain, gzip or zstd)."""
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

    for sample in _samples(path, limits):
        count += 1
        if sample.problem is not None:
            rejects.append(Reject(source, count, None, sample.problem, sample.key))
            continue
        meta: dict[str, Any] = {}
        if "json" in sample.sidecars:
            name, raw = sample.sidecars["json"]
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
        rows.append(count)
        for key, value in meta.items():
            if key in ("source_row",):
                continue
            put(key, _text(value))
        put("wds_key", sample.key)
        if sample.media:
            media = sample.media[0][1]
            put("file_path", f"{source}!/{media.name}")
            put("size_bytes", str(media.size))
            put("content_sha256", media.sha256)
            put("modality", sniff_modality(media.head, media.name))
        for col in cols.values():
            if len(col) < len(rows):
                col.append(None)
        if len(rows) >= batch_rows:
            yield flush()
    if rows or rejects:
        yield flush()
    elif count == 0:
        raise EmptyManifestError("the tar shard holds no samples", path=path)
