# SPDX-License-Identifier: Apache-2.0
"""What every reader yields, and the byte-level plumbing the text readers share.

A reader turns one manifest into ``RawChunk`` objects: an Arrow table of the columns as the
file names them, a ``source_row`` column (1-based record number within the file), and the
records it could not parse at all (``Reject``). Canonicalisation happens later, in one place.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

import polars as pl
import pyarrow as pa
import zstandard

from clearance.errors import EmptyManifestError, EncodingError, ManifestError
from clearance.ingest.schema import REJECT_SCHEMA

__all__ = [
    "BLOCK_BYTES",
    "Line",
    "RawChunk",
    "Reject",
    "iter_lines",
    "open_binary",
    "rejects_table",
]

BLOCK_BYTES = 8 << 20
GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


@dataclass(frozen=True, slots=True)
class Reject:
    """A record refused, with where it was and why.

    ``kind`` is ``malformed`` (the record breaks the format or the schema: ``--on-error
    fail`` stops on it) or ``excluded`` (well-formed but not an item of the dataset, e.g. an
    img2dataset row whose download failed).
    """

    source_file: str
    source_row: int | None
    column: str | None
    reason: str
    raw: str | None = None
    kind: str = "malformed"


def rejects_table(rejects: list[Reject]) -> pa.Table:
    """Return rejects as an Arrow table of REJECT_SCHEMA."""
    return pa.table(
        {
            "source_file": pa.array([r.source_file for r in rejects], pa.string()),
            "source_row": pa.array([r.source_row for r in rejects], pa.int64()),
            "column": pa.array([r.column for r in rejects], pa.string()),
            "reason": pa.array([r.reason for r in rejects], pa.string()),
            "raw": pa.array([r.raw for r in rejects], pa.string()),
            "kind": pa.array([r.kind for r in rejects], pa.string()),
        },
        schema=REJECT_SCHEMA,
    )


@dataclass(slots=True)
class RawChunk:
    """A batch of records as read, before canonicalisation.

    ``defaults`` fill canonical columns the manifest lacks (e.g. ``modality: image`` for
    img2dataset output); ``rejects`` are the records the reader could not use.
    """

    table: pa.Table | pl.DataFrame
    source_file: str
    rejects: list[Reject] = field(default_factory=list)
    defaults: dict[str, str] = field(default_factory=dict)
    reject_table: pa.Table | None = None


@dataclass(frozen=True, slots=True)
class Line:
    """One physical line of a text manifest (without its line ending)."""

    number: int
    text: str


def open_binary(path: Path) -> IO[bytes]:
    """Open a file for reading, transparently decompressing gzip and zstd by magic bytes."""
    with path.open("rb") as probe:
        head = probe.read(4)
    if head.startswith(GZIP_MAGIC):
        return cast(IO[bytes], gzip.open(path, "rb"))
    if head.startswith(ZSTD_MAGIC):
        return cast(IO[bytes], zstandard.open(path, "rb"))
    return path.open("rb")


def _read_block(stream: IO[bytes], path: Path, line: int) -> bytes:
    try:
        return stream.read(BLOCK_BYTES)
    except (EOFError, zlib.error, gzip.BadGzipFile, zstandard.ZstdError) as exc:
        raise ManifestError(
            f"compressed stream is truncated or corrupt after line {line} ({exc})",
            path=path,
            row=None,
        ) from exc


def _decode(block: bytes, path: Path, first_line: int, encoding: str) -> str:
    try:
        return block.decode(encoding)
    except UnicodeDecodeError as exc:
        line = first_line + block.count(b"\n", 0, exc.start)
        raise EncodingError(
            f"line {line} is not valid {encoding} (byte 0x{block[exc.start]:02x} at offset "
            f"{exc.start} of its block); re-encode the file or pass --encoding",
            path=path,
        ) from exc


def iter_lines(path: Path, *, encoding: str = "utf-8") -> Iterator[Line]:
    """Yield the physical lines of a (possibly compressed) text file, numbered from 1.

    Raises EncodingError naming the line for undecodable bytes, ManifestError for a
    truncated compressed stream, EmptyManifestError for a file without any byte.
    """
    number = 0
    carry = b""
    seen_bytes = False
    with open_binary(path) as stream:
        while True:
            block = _read_block(stream, path, number)
            if not block:
                break
            seen_bytes = True
            block = carry + block
            cut = block.rfind(b"\n")
            if cut == -1:
                carry = block
                continue
            carry = block[cut + 1 :]
            text = _decode(block[: cut + 1], path, number + 1, encoding)
            for piece in io.StringIO(text, newline=None) if "\r" in text else text.split("\n")[:-1]:
                number += 1
                yield Line(number, piece.rstrip("\r\n"))
        if carry:
            text = _decode(carry, path, number + 1, encoding)
            number += 1
            yield Line(number, text.rstrip("\r"))
    if not seen_bytes:
        raise EmptyManifestError("the file is empty (0 bytes)", path=path)
