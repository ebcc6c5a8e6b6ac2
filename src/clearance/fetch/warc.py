# SPDX-License-Identifier: Apache-2.0
"""The evidence writer: ISO 28500 (WARC/1.1) records, one gzip member each, via fastwarc.

Each exchange becomes a ``request`` + ``response`` pair (``WARC-Concurrent-To`` links them), a
``304`` becomes a ``revisit`` record (profile server-not-modified) pointing at the capture it
confirms, and a failure becomes a ``metadata`` record saying what went wrong. Every record has
WARC-Date, WARC-Target-URI, WARC-Payload-Digest and WARC-Block-Digest. The writer returns where
each record landed and the SHA-256 of its stored bytes, which the ledger commits to.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from fastwarc.warc import WarcRecord, WarcRecordType

from clearance.fetch.client import Hop

__all__ = ["RecordRef", "WarcFileWriter", "fast_member", "iso_date", "record_member"]

_REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
_RENAMED = {"transfer-encoding": "X-Crawler-Transfer-Encoding"}


@dataclass(frozen=True, slots=True)
class RecordRef:
    """Where one record was written and what it is."""

    kind: str
    record_id: str
    warc: str
    pos: int
    length: int
    sha256: str
    payload_digest: str
    uri: str
    date: str


def iso_date(when: datetime) -> str:
    """Return a WARC-Date (UTC, microseconds, trailing Z) of an aware UTC datetime."""
    text = when.isoformat(timespec="microseconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text + "Z"


def record_member(
    kind: str,
    uri: str,
    date: str,
    block: bytes,
    *,
    payload: bytes | None = None,
    content_type: str = "",
    headers: tuple[tuple[str, str], ...] = (),
    record_id: str | None = None,
    level: int = 6,
    small: bool = True,
) -> tuple[bytes, str, str]:
    """Return (gzip member, WARC-Record-ID, payload digest) for one record.

    ``small`` lets small records use a small deflate window (much cheaper to set up; used on
    the fetch hot path); builders of archives meant to be shipped pass ``small=False``.
    """
    rtype = {
        "request": WarcRecordType.request,
        "response": WarcRecordType.response,
        "metadata": WarcRecordType.metadata,
        "revisit": WarcRecordType.revisit,
        "warcinfo": WarcRecordType.warcinfo,
        "resource": WarcRecordType.resource,
    }[kind]
    rid = record_id or f"uuid:{uuid.uuid4()}"
    rec = WarcRecord()
    rec.init_headers(rtype, record_urn=rid.encode())
    rec.headers["WARC-Date"] = date
    if uri:
        rec.headers["WARC-Target-URI"] = uri
    if content_type:
        rec.headers["Content-Type"] = content_type
    for name, value in headers:
        rec.headers[name] = value
    rec.set_bytes_content(block)
    raw = io.BytesIO()
    digest_of = block if payload is None else payload
    rec.write(raw, checksum_data=True, payload_digest=hashlib.sha1(digest_of).digest())
    data = raw.getvalue()
    # a small window for small records: zlib's set-up of a 32 KiB window costs 6x the deflate
    window = 9 if small and len(data) < 4096 else 15
    comp = zlib.compressobj(level, zlib.DEFLATED, 16 + window, 5 if small else 9)
    member = comp.compress(data) + comp.flush()
    return member, f"<urn:{rid}>", rec.headers.get("WARC-Payload-Digest") or ""


_CTL = re.compile(r"[\x00-\x1f\x7f]")
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B32_PAIRS = [a + b for a in _B32 for b in _B32]  # ten bits -> two letters
_SHIFTS = range(150, -10, -10)


def _b32_sha1(digest: bytes) -> str:
    """Return RFC 4648 base32 of a 20-byte digest (base64.b32encode, several times faster)."""
    n = int.from_bytes(digest, "big")
    return "".join([_B32_PAIRS[(n >> s) & 0x3FF] for s in _SHIFTS])


_EMPTY_SHA1 = "sha1:" + base64.b32encode(hashlib.sha1(b"").digest()).decode()
_UUIDS: list[str] = []
_UUID_PID = [0]
_V4_MASK = ~((0xF << 76) | (0x3 << 62)) & ((1 << 128) - 1)
_V4_BITS = (0x4 << 76) | (0x2 << 62)


def _uuid4() -> str:
    """Return a random (version 4) UUID string; random bytes are drawn 256 UUIDs at a time.

    The pool belongs to one process: a forked child never reuses its parent's identifiers.
    """
    if _UUID_PID[0] == os.getpid():
        try:
            return _UUIDS.pop()
        except IndexError:  # empty (another thread may have taken the last one)
            pass
    else:
        _UUIDS.clear()
        _UUID_PID[0] = os.getpid()
    pool = os.urandom(16 * 256)
    fresh = []
    for i in range(0, len(pool), 16):
        n = (int.from_bytes(pool[i : i + 16], "big") & _V4_MASK) | _V4_BITS
        h = f"{n:032x}"
        fresh.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    _UUIDS.extend(fresh[1:])
    return fresh[0]


def _field(value: str) -> str:
    """Return a WARC header value trimmed as fastwarc trims, control characters escaped."""
    value = value.strip(" \t")
    if not value.isprintable() and _CTL.search(value):
        value = _CTL.sub(lambda m: f"%{ord(m.group()):02X}", value)
    return value


def _sha1(data: bytes) -> str:
    if not data:
        return _EMPTY_SHA1
    return "sha1:" + _b32_sha1(hashlib.sha1(data).digest())


def fast_member(
    kind: str,
    uri: str,
    date: str,
    block: bytes,
    *,
    payload: bytes | None = None,
    content_type: str = "",
    headers: tuple[tuple[str, str], ...] = (),
    record_id: str | None = None,
) -> tuple[bytes, str, str]:
    """Return (gzip member, WARC-Record-ID, payload digest): :func:`record_member`'s record.

    The same bytes as :func:`record_member` (test: ``tests/fetch/test_warc_fast.py``), written
    without building a record object: the fetch hot path's serialiser. Deflate level 6 (a
    small window for small records), level 1 past 16 KiB, where level 6 costs milliseconds.
    """
    rid = f"<urn:{record_id or 'uuid:' + _uuid4()}>"
    block_digest = _sha1(block)
    pdigest = block_digest if payload is None or payload is block else _sha1(payload)
    head = (
        f"WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Date: {date}\r\nWARC-Record-ID: {rid}"
        f"\r\nContent-Length: {len(block)}"
    )
    if uri:
        head += "\r\nWARC-Target-URI: " + _field(uri)
    if content_type:
        head += "\r\nContent-Type: " + content_type
    for name, value in headers:
        head += f"\r\n{name}: {_field(value)}"
    head += (
        f"\r\nWARC-Payload-Digest: {pdigest}\r\nWARC-Block-Digest: {block_digest}\r\n\r\n"
    )
    data = b"".join((head.encode("utf-8", "replace"), block, b"\r\n\r\n"))
    size = len(data)
    if size < 4096:
        comp = zlib.compressobj(6, zlib.DEFLATED, 16 + 9, 5)
    else:
        comp = zlib.compressobj(6 if size <= 16384 else 1, zlib.DEFLATED, 16 + 15, 8)
    return comp.compress(data) + comp.flush(), rid, pdigest


def _request_block(hop: Hop) -> bytes:
    if hop.request_head:
        return hop.request_head  # the bytes sent, as sent
    parts = urlsplit(hop.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [f"{hop.method} {target} HTTP/1.1"]
    if not any(k.lower() == "host" for k, _ in hop.request_headers):
        lines.append(f"Host: {parts.netloc}")
    lines += [f"{k}: {v}" for k, v in hop.request_headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "replace")


def _response_head(hop: Hop) -> bytes:
    lines = [f"HTTP/{hop.http_version} {hop.status} {hop.reason}".rstrip()]
    for name, value in hop.response_headers:
        lines.append(f"{_RENAMED.get(name.lower(), name)}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")


def _fields(items: dict[str, str]) -> bytes:
    text = "".join(f"{k}: {' '.join(str(v).split())}\r\n" for k, v in items.items())
    return text.encode("utf-8")


class WarcFileWriter:
    """Append records to ``<dir>/<prefix>-NNNNN.warc.gz``, rotating at ``max_bytes``."""

    def __init__(self, directory: Path, prefix: str, max_bytes: int) -> None:
        self.directory = directory
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.name = ""
        self.size = 0
        self._fh: BinaryIO | None = None
        self._pending: list[tuple[bytes, RecordRef]] = []
        self._pending_size = 0

    def open_file(self, name: str, size: int) -> None:
        """Continue appending to ``name`` (already cut back to ``size`` bytes by recovery)."""
        self.close()
        self.name, self.size = name, size
        self._fh = open(self.directory / name, "ab")

    def next_name(self) -> str:
        """Return the name the next new file gets."""
        numbers = [
            int(p.name[len(self.prefix) + 1 : -8])
            for p in self.directory.glob(f"{self.prefix}-*.warc.gz")
            if p.name[len(self.prefix) + 1 : -8].isdigit()
        ]
        return f"{self.prefix}-{max(numbers, default=-1) + 1:05d}.warc.gz"

    def needs_new_file(self) -> bool:
        """Return True when no file is open or the open one is full."""
        return self._fh is None or self.size >= self.max_bytes

    def start_file(self, info: dict[str, str], date: str) -> RecordRef:
        """Open a new file and queue its warcinfo record; return that record's ref."""
        from clearance import __version__  # imported late: clearance/__init__ imports us

        self.close()
        self.name, self.size = self.next_name(), 0
        self._fh = open(self.directory / self.name, "ab")
        block = _fields(
            {"software": f"clearance/{__version__}", "format": "WARC File Format 1.1", **info}
        )
        return self._add(
            "warcinfo",
            "",
            date,
            block,
            content_type="application/warc-fields",
            headers=(("WARC-Filename", self.name),),
        )

    def _add(self, kind: str, uri: str, date: str, block: bytes, **kw: object) -> RecordRef:
        member, rid, pdigest = fast_member(kind, uri, date, block, **kw)  # type: ignore[arg-type]
        offset = self.size + self._pending_size
        ref = RecordRef(
            kind,
            rid,
            self.name,
            offset,
            len(member),
            hashlib.sha256(member).hexdigest(),
            pdigest,
            uri,
            date,
        )
        self._pending.append((member, ref))
        self._pending_size += len(member)
        return ref

    def add_exchange(self, hop: Hop, *, refers_to: dict[str, str] | None = None) -> list[RecordRef]:
        """Queue the records of one hop; return their refs (request first)."""
        date = iso_date(hop.started_at)
        if hop.error is not None:
            block = _fields(
                {
                    "outcome": hop.error,
                    "detail": hop.detail,
                    "method": hop.method,
                    "attempt": str(hop.attempt),
                }
            )
            return [
                self._add("metadata", hop.url, date, block, content_type="application/warc-fields")
            ]
        response_id = f"uuid:{_uuid4()}"
        extra: list[tuple[str, str]] = []
        if hop.peer:
            extra.append(("WARC-IP-Address", hop.peer))
        if hop.truncated:
            extra.append(
                ("WARC-Truncated", "disconnect" if "cut short" in hop.detail else "length")
            )
        head = _response_head(hop)
        if hop.status == 304 and refers_to:
            kind = "revisit"
            block, payload = head, None
            extra += [
                ("WARC-Profile", _REVISIT_PROFILE),
                ("WARC-Refers-To-Target-URI", refers_to["url"]),
                ("WARC-Refers-To-Date", refers_to["date"]),
                ("WARC-Refers-To", refers_to["record_id"]),
            ]
        else:
            kind, block, payload = "response", head + hop.raw_body, hop.raw_body
        req = self._add(
            "request",
            hop.url,
            date,
            _request_block(hop),
            payload=b"",
            content_type="application/http; msgtype=request",
            headers=(("WARC-Concurrent-To", f"<urn:{response_id}>"),),
        )
        resp = self._add(
            kind,
            hop.url,
            date,
            block,
            payload=payload,
            content_type="application/http; msgtype=response",
            headers=tuple(extra),
            record_id=response_id,
        )
        return [req, resp]

    def add_note(self, uri: str, when: datetime, items: dict[str, str]) -> RecordRef:
        """Queue a metadata record (e.g. a document skipped because its host is down)."""
        return self._add(
            "metadata", uri, iso_date(when), _fields(items), content_type="application/warc-fields"
        )

    def flush(self) -> None:
        """Write queued records in one go and flush them to the operating system."""
        if not self._pending:
            return
        assert self._fh is not None
        data = b"".join(m for m, _ in self._pending)
        self._fh.write(data)
        self._fh.flush()
        self.size += len(data)
        self._pending.clear()
        self._pending_size = 0

    def close(self) -> None:
        """Flush and close the open file."""
        if self._fh is not None:
            self.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            self._fh = None
