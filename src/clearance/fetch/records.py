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


def _next_start(fh: BinaryIO, start: int, size: int, gz: bool) -> int | None:
    """Return the offset of the next readable record start at or after ``start``, or None."""
    pos = start
    while pos < size:
        fh.seek(pos)
        chunk = fh.read(_SCAN + 16)
        if not chunk:
            return None
        if gz:
            at = chunk.find(_GZIP)
            while 0 <= at < _SCAN:
                fh.seek(pos + at)
                if _opens_warc(fh.read(4096)):
                    return pos + at
                at = chunk.find(_GZIP, at + 1)
        else:
            for found in _PLAIN.finditer(chunk):
                if found.start(1) < _SCAN:
                    return pos + found.start(1)
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
    reading failed, or the start of the last record read before it.
    """
    size = os.fstat(fh.fileno()).st_size
    fh.seek(0)
    gz = fh.read(3) == _GZIP
    pos = 0
    in_damage = False  # failures with no record read in between are one stretch
    while pos < size:
        fh.seek(pos)
        last: int | None = None
        try:
            for rec in ArchiveIterator(fh, record_types=record_types, parse_http=parse_http):
                last = rec.stream_pos
                in_damage = False
                yield rec
            return
        except Exception as exc:  # hostile input: fastwarc raises OSError and others
            failed_at = last if last is not None else pos
            if not in_damage and on_damage is not None:
                where = f"after the record at byte {last}" if last is not None else f"at byte {pos}"
                on_damage(failed_at, f"unreadable WARC data {where} ({type(exc).__name__}: {exc})")
            in_damage = True
            nxt = _next_start(fh, failed_at + 1, size, gz)
            if nxt is None:
                return
            pos = nxt
