# SPDX-License-Identifier: Apache-2.0
"""CSV and TSV manifests (optionally gzip or zstd compressed), read as text columns.

Python's C ``csv`` parser gives exact record and line numbers for every problem, which a
block-parallel parser cannot; quoted fields may span lines.
"""

from __future__ import annotations

import csv
import itertools
import sys
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from clearance.errors import EmptyManifestError, ManifestError
from clearance.ingest.limits import DEFAULT_LIMITS, ReadLimits
from clearance.ingest.readers.base import RawChunk, Reject, iter_lines

__all__ = ["DELIMITERS", "header_delimiter", "read_delimited"]

#: The delimiters a CSV header is read for, in the order that breaks a tie: comma (RFC 4180),
#: semicolon (spreadsheets in locales whose decimal mark is a comma), tab, vertical bar.
DELIMITERS = (",", ";", "\t", "|")

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


def header_delimiter(line: str) -> str:
    """Return the delimiter of a CSV file from its header line: the one of :data:`DELIMITERS`
    that occurs most often outside double quotes (the first listed on a tie), "," when none
    does. Column names seldom hold a delimiter; a header is the one line that is sure to."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])  # max keeps the first of equals
    return best if counts[best] else ","


def read_delimited(
    path: Path,
    *,
    delimiter: str | None = ",",
    encoding: str = "utf-8",
    batch_rows: int = 262_144,
    limits: ReadLimits = DEFAULT_LIMITS,
    lenient: bool = False,
) -> Iterator[RawChunk]:
    """Yield chunks of a delimited file; malformed records become rejects with their line.

    A line over the length limit, or (with ``lenient``) not valid in the encoding, rejects
    the record it belongs to; without ``lenient`` bad encoding fails the file. ``delimiter``
    None reads it from the header line (:func:`header_delimiter`).
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

    lines = feed()
    if delimiter is None:
        head = next(lines, None)
        delimiter = header_delimiter(head) if head is not None else ","
        if head is not None:
            lines = itertools.chain([head], lines)
    reader = csv.reader(lines, delimiter=delimiter, strict=False)
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
