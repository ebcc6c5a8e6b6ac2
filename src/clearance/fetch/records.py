# SPDX-License-Identifier: Apache-2.0
"""Read WARC files record by record, and carry on past damage instead of dropping the rest.

fastwarc stops a file at the first record it cannot read (a corrupt gzip member, garbage
between records). :func:`iter_records` then looks for the next record start after the damage
(a gzip member that opens with ``WARC/``, or a ``WARC/1.x`` line in an uncompressed file),
reports the damaged stretch once through ``on_damage`` and goes on from there, so one bad
record costs that record, never the captures after it. :func:`looks_like_warc` tells a WARC
file from anything else by its first bytes.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

__all__ = ["ALL_RECORDS", "iter_records", "looks_like_warc"]

ALL_RECORDS = WarcRecordType.any_type
_GZIP = b"\x1f\x8b\x08"
_PLAIN = re.compile(rb"(?:^|\n)(WARC/1\.[01]\r?\n)")
_SCAN = 1 << 20


def _opens_warc(head: bytes) -> bool:
    if head.startswith(_GZIP):
        try:
            return zlib.decompressobj(47).decompress(head, 16).startswith(b"WARC/")
        except zlib.error:
            return False
    return head.startswith(b"WARC/")


def looks_like_warc(path: Path) -> bool:
    """Return True when a file starts like a WARC file (plain, or a gzip member of one)."""
    with open(path, "rb") as fh:
        return _opens_warc(fh.read(4096))


def _next_start(fh: BinaryIO, start: int, size: int) -> int | None:
    """Return the offset of the next readable record start at or after ``start``, or None.

    Either kind is looked for (a gzip member opening with ``WARC/``, a ``WARC/1.x`` line):
    damage may have changed what the file's first bytes say it is.
    """
    pos = start
    while pos < size:
        fh.seek(pos)
        chunk = fh.read(_SCAN + 16)
        if not chunk:
            return None
        found: list[int] = []
        at = chunk.find(_GZIP)
        while 0 <= at < _SCAN:
            fh.seek(pos + at)
            if _opens_warc(fh.read(4096)):
                found.append(at)
                break
            at = chunk.find(_GZIP, at + 1)
        plain = next((m.start(1) for m in _PLAIN.finditer(chunk) if m.start(1) < _SCAN), None)
        if plain is not None:
            found.append(plain)
        if found:
            return pos + min(found)
        pos += _SCAN
    return None


def iter_records(
    fh: BinaryIO,
    *,
    record_types: WarcRecordType = ALL_RECORDS,
    parse_http: bool = False,
    on_damage: Callable[[int, str], None] | None = None,
) -> Iterator[WarcRecord]:
    """Yield the records of an open WARC file, skipping damaged stretches (see the module).

    ``on_damage(offset, reason)`` is called once per damaged stretch (one record or more
    that could not be read, or trailing bytes that are not a record); ``offset`` is where
    reading failed, or the start of the last record read before it. fastwarc sometimes stops
    at damage without an error (a gzip header whose flags were changed): when a record start
    lies beyond where it stopped, that is damage too, and reading goes on from there.
    """
    size = os.fstat(fh.fileno()).st_size
    wanted = int(record_types)
    pos = 0
    in_damage = False  # failures with no record read in between are one stretch
    while pos < size:
        fh.seek(pos)
        gz = fh.read(3) == _GZIP
        fh.seek(pos)
        last: int | None = None
        resume = pos + 1  # where the next record start is looked for
        failure: Exception | None = None
        try:
            for rec in ArchiveIterator(fh, parse_http=parse_http):
                last = rec.stream_pos
                # an uncompressed record's block cannot hold the next record's start
                resume = last + 1 + (0 if gz else int(rec.content_length or 0))
                in_damage = False
                if int(rec.record_type) & wanted:
                    yield rec
        except Exception as exc:  # hostile input: fastwarc raises OSError and others
            failure = exc
        nxt = _next_start(fh, resume, size)
        if failure is None and nxt is None:
            return  # read to the end
        if not in_damage and on_damage is not None:
            where = f"after the record at byte {last}" if last is not None else f"at byte {pos}"
            why = f"{type(failure).__name__}: {failure}" if failure else "reading stopped early"
            on_damage(last if last is not None else pos, f"unreadable WARC data {where} ({why})")
        in_damage = True
        if nxt is None:
            return
        pos = nxt
