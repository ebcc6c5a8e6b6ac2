# SPDX-License-Identifier: Apache-2.0
"""What every reader yields, and the byte-level plumbing the text readers share.

A reader turns one manifest into ``RawChunk`` objects: an Arrow table of the columns as the
file names them, a ``source_row`` column (1-based record number within the file), and the
records it could not parse at all (``Reject``). Canonicalisation happens later, in one place.
"""

from __future__ import annotations

import codecs
import gzip
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

import polars as pl
import pyarrow as pa
import zstandard

from clearance.errors import EmptyManifestError, EncodingError, ManifestError
from clearance.ingest.limits import DEFAULT_LIMITS, ReadLimits
from clearance.ingest.schema import REJECT_SCHEMA

__all__ = [
    "BLOCK_BYTES",
    "UTF16_BOMS",
    "BoundedStream",
    "Line",
    "RawChunk",
    "Reject",
    "Utf8FromUtf16",
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
    """One physical line of a text manifest (without its line ending).

    ``error`` says why the line could not be read as it stands (bytes not valid in the
    encoding, longer than the line limit); ``text`` then holds what could be shown of it.
    """

    number: int
    text: str
    error: str | None = None


class BoundedStream:
    """A decompressing reader that refuses to expand more than ``max_ratio`` times.

    The ratio is of bytes given out to compressed bytes consumed from the file, checked on
    every read once ``ratio_floor_bytes`` have come out, so a bomb is stopped after a few
    megabytes of work instead of filling memory or disk.
    """

    def __init__(self, raw: IO[bytes], inner: IO[bytes], path: Path, limits: ReadLimits) -> None:
        self.raw = raw
        self.inner = inner
        self.path = path
        self.limits = limits
        self.expanded = 0

    def read(self, size: int | None = -1) -> bytes:
        """Return up to ``size`` decompressed bytes (all that remain when negative)."""
        if size is None or size < 0:
            parts = []
            while block := self.read(1 << 20):
                parts.append(block)
            return b"".join(parts)
        data = self.inner.read(size)
        self.expanded += len(data)
        limits = self.limits
        if self.expanded > limits.ratio_floor_bytes:
            consumed = max(self.raw.tell(), 1)
            if self.expanded > limits.max_ratio * consumed:
                raise ManifestError(
                    f"decompression bomb refused: {consumed:,} compressed bytes expanded to "
                    f"more than {self.expanded:,} (over {limits.max_ratio} times; "
                    "limit max_ratio)",
                    path=self.path,
                )
        return data

    def close(self) -> None:
        """Close the decompressor and the file."""
        try:
            self.inner.close()
        finally:
            self.raw.close()

    def __enter__(self) -> BoundedStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_binary(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> IO[bytes]:
    """Open a file for reading, transparently decompressing gzip and zstd by magic bytes.

    Compressed input comes through a :class:`BoundedStream` (ratio limit).
    """
    raw = path.open("rb")
    head = raw.read(4)
    raw.seek(0)
    if head.startswith(GZIP_MAGIC):
        inner: IO[bytes] = cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb"))
    elif head.startswith(ZSTD_MAGIC):
        inner = cast(IO[bytes], zstandard.ZstdDecompressor().stream_reader(raw, closefd=False,
                                                                           read_across_frames=True))
    elif head.startswith(UTF16_BOMS):
        return cast(IO[bytes], Utf8FromUtf16(raw, path))
    else:
        return raw
    return cast(IO[bytes], BoundedStream(raw, inner, path, limits))


UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class Utf8FromUtf16(io.RawIOBase):
    """A UTF-16 text file (it starts with a byte-order mark) read as UTF-8 bytes.

    Spreadsheets export "Unicode text" as UTF-16; the line readers split bytes at ``\n``, so
    the file is transcoded as it is read (memory: one block). Bytes that are not UTF-16 raise
    EncodingError naming the file.
    """

    def __init__(self, raw: IO[bytes], path: Path) -> None:
        super().__init__()
        self._raw, self._path = raw, path
        self._decoder = codecs.getincrementaldecoder("utf-16")()
        self._buffer = bytearray()
        self._done = False

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        want = -1 if size is None else size
        while not self._done and (want < 0 or len(self._buffer) < want):
            chunk = self._raw.read(BLOCK_BYTES)
            try:
                text = self._decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                raise EncodingError(
                    f"not valid UTF-16 after its byte-order mark ({exc.reason}); re-encode the "
                    "file as UTF-8",
                    path=self._path,
                ) from exc
            self._buffer += text.encode("utf-8")
            self._done = not chunk
        cut = len(self._buffer) if want < 0 else min(want, len(self._buffer))
        out = bytes(self._buffer[:cut])
        del self._buffer[:cut]
        return out

    def close(self) -> None:
        self._raw.close()
        super().close()


DECOMPRESSION_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile, zstandard.ZstdError)


def _read_block(stream: IO[bytes], path: Path, line: int) -> bytes:
    try:
        return stream.read(BLOCK_BYTES)
    except DECOMPRESSION_ERRORS as exc:
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
            f"{exc.start} of its block); re-encode the file as UTF-8 (UTF-16 with a byte-order "
            "mark is read too)",
            path=path,
        ) from exc


_NEWLINES = re.compile(rb"\r\n|\r|\n")


def _split(body: bytes) -> list[bytes]:
    """Return the lines of a block ending with a newline (universal newlines, as decoded)."""
    pieces = _NEWLINES.split(body) if b"\r" in body else body.split(b"\n")
    return pieces[:-1]


def _decode_line(number: int, raw: bytes, encoding: str, lenient: bool, path: Path) -> Line:
    """Return one line decoded; undecodable bytes raise, or with ``lenient`` set ``error``."""
    try:
        return Line(number, raw.decode(encoding).rstrip("\r"))
    except UnicodeDecodeError as exc:
        where = f"byte 0x{raw[exc.start]:02x} at offset {exc.start} of the line"
        if not lenient:
            raise EncodingError(
                f"line {number} is not valid {encoding} ({where}); re-encode the file as UTF-8 "
                "(UTF-16 with a byte-order mark is read too)",
                path=path,
            ) from exc
        reason = f"not valid {encoding} (line {number}: {where}); re-encode the file as UTF-8"
        return Line(number, raw[:2000].decode(encoding, "backslashreplace"), reason)


def _lines_of(
    body: bytes, path: Path, first: int, encoding: str, lenient: bool
) -> Iterator[Line]:
    """Yield the lines of a block that ends with a newline, numbered from ``first``."""
    try:
        text = _decode(body, path, first, encoding)
    except EncodingError:
        if not lenient:
            raise
        # decode line by line: only the lines that are not valid are set aside
        for number, raw in enumerate(_split(body), start=first):
            yield _decode_line(number, raw, encoding, lenient, path)
        return
    pieces = io.StringIO(text, newline=None) if "\r" in text else text.split("\n")[:-1]
    for number, piece in enumerate(pieces, start=first):
        yield Line(number, piece.rstrip("\r\n"))


def iter_lines(
    path: Path,
    *,
    encoding: str = "utf-8",
    limits: ReadLimits = DEFAULT_LIMITS,
    lenient: bool = False,
) -> Iterator[Line]:
    """Yield the physical lines of a (possibly compressed) text file, numbered from 1.

    A line longer than ``limits.max_line_bytes`` comes back with an ``error`` and only its
    start is kept (memory holds one block and one line at most). Undecodable bytes raise
    EncodingError naming the line, or with ``lenient`` come back as that line's ``error``.
    Raises ManifestError for a truncated compressed stream or a decompression bomb,
    EmptyManifestError for a file without any byte.
    """
    number = 0
    carry = b""
    long_line = False  # inside a line already past the limit: skip to its end
    seen_bytes = False
    limit = limits.max_line_bytes
    with open_binary(path, limits) as stream:
        while True:
            block = _read_block(stream, path, number)
            if not block:
                break
            seen_bytes = True
            if long_line:
                cut = block.find(b"\n")
                if cut == -1:
                    continue
                long_line, block = False, block[cut + 1 :]
            block = carry + block
            cut = block.rfind(b"\n")
            if cut == -1:
                carry = block
            else:
                carry = block[cut + 1 :]
                body = block[: cut + 1]
                if len(body) > limit and max(map(len, _split(body))) > limit:
                    for raw in _split(body):
                        number += 1
                        yield _line(number, raw, encoding, limit, lenient, path)
                else:
                    for line in _lines_of(body, path, number + 1, encoding, lenient):
                        number = line.number
                        yield line
            if len(carry) > limit:
                number += 1
                yield _too_long(number, carry, encoding, limit)
                carry, long_line = b"", True
        if carry:
            number += 1
            yield _line(number, carry, encoding, limit, lenient, path)
    if not seen_bytes:
        raise EmptyManifestError("the file is empty (0 bytes)", path=path)


def _too_long(number: int, raw: bytes, encoding: str, limit: int) -> Line:
    return Line(
        number,
        raw[:2000].decode(encoding, "backslashreplace"),
        f"line longer than {limit:,} bytes, not read (line {number}; limit max_line_bytes)",
    )


def _line(
    number: int, raw: bytes, encoding: str, limit: int, lenient: bool, path: Path
) -> Line:
    if len(raw) > limit:
        return _too_long(number, raw, encoding, limit)
    return _decode_line(number, raw, encoding, lenient, path)
