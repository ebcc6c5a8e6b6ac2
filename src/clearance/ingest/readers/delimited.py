# SPDX-License-Identifier: Apache-2.0
"""CSV and TSV manifests (optionally gzip or zstd compressed), read as text columns.

Python's C ``csv`` parser gives exact record and line numbers for every problem, which a
block-parallel parser cannot; quoted fields may span lines.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from clearance.errors import EmptyManifestError, ManifestError
from clearance.ingest.limits import DEFAULT_LIMITS, ReadLimits
from clearance.ingest.readers.base import RawChunk, Reject, iter_lines

__all__ = ["read_delimited"]

csv.field_size_limit(min(sys.maxsize, 64 << 20))


def _header(row: list[str], path: Path) -> list[str]:
    names = [name.strip().lstrip("\ufeff") for name in row]
    if not any(names):
        raise ManifestError("the header row is empty", path=path, row=0)
    seen: set[str] = set()
    for i, name in enumerate(names):
        if not name:
            names[i] = name = f"column_{i + 1}"
        if name in seen:
            raise ManifestError(f"duplicate column name {name!r} in the header", path=path, row=0)
        seen.add(name)
    return names


def read_delimited(
    path: Path,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    batch_rows: int = 262_144,
    limits: ReadLimits = DEFAULT_LIMITS,
    lenient: bool = False,
) -> Iterator[RawChunk]:
    """Yield chunks of a delimited file; malformed records become rejects with their line.

    A line over the length limit, or (with ``lenient``) not valid in the encoding, rejects
    the record it belongs to; without ``lenient`` bad encoding fails the file.
    """
    source = str(path)
    line_no = 0
    nul_line = 0
    bad_line: tuple[str, str] | None = None  # (reason, text) of an unreadable line

    def feed() -> Iterator[str]:
        nonlocal line_no, nul_line, bad_line
        for line in iter_lines(path, encoding=encoding, limits=limits, lenient=lenient):
            line_no = line.number
            if line.error is not None:
                if line_no == 1:
                    raise ManifestError(f"cannot read the header: {line.error}", path=path, row=0)
                # stands in for the line: a one-field record (or part of a quoted field),
                # so the record it belongs to is still counted, and rejected
                bad_line = bad_line or (line.error, line.text)
                yield "\x00\n"
                continue
            if "\x00" in line.text:
                nul_line = line.number
            yield line.text + "\n"

    reader = csv.reader(feed(), delimiter=delimiter, strict=False)
    try:
        first = next(reader)
    except StopIteration:
        raise EmptyManifestError("no header row", path=path) from None
    except csv.Error as exc:
        raise ManifestError(f"cannot parse the header: {exc}", path=path, row=0) from exc
    names = _header(first, path)
    width = len(names)
    columns: list[list[str]] = [[] for _ in names]
    rows: list[int] = []
    rejects: list[Reject] = []
    record = 0

    def flush() -> RawChunk:
        arrays = {
            name: pa.array(col, type=pa.string()) for name, col in zip(names, columns, strict=False)
        }
        arrays["source_row"] = pa.array(rows, type=pa.int64())
        chunk = RawChunk(pa.table(arrays), source, list(rejects))
        for col in columns:
            col.clear()
        rows.clear()
        rejects.clear()
        return chunk

    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ManifestError(f"line {line_no}: {exc}", path=path, row=record + 1) from exc
        if not row:
            continue  # a blank line is not a record
        record += 1
        if bad_line is not None:
            reason, text = bad_line
            bad_line, nul_line = None, 0
            rejects.append(Reject(source, record, None, reason, text[:2000]))
            continue
        if nul_line:
            nul_line = 0
            bad = next((names[i] for i, v in enumerate(row) if "\x00" in v and i < width), None)
            rejects.append(
                Reject(
                    source,
                    record,
                    bad,
                    f"NUL byte in the record (line {line_no})",
                    delimiter.join(row).replace("\x00", "\\0")[:2000],
                )
            )
            continue
        if len(row) != width:
            rejects.append(
                Reject(
                    source,
                    record,
                    None,
                    f"expected {width} fields, found {len(row)} (line {line_no})",
                    delimiter.join(row)[:2000],
                )
            )
            continue
        for col, value in zip(columns, row, strict=False):
            col.append(value)
        rows.append(record)
        if len(rows) >= batch_rows:
            yield flush()
    if rows or rejects:
        yield flush()
    elif record == 0:
        raise EmptyManifestError("the file has a header but no records", path=path)
