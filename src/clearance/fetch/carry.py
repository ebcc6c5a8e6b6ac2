# SPDX-License-Identifier: Apache-2.0
"""Carry the snapshot records a scan relied on into the scan's own evidence folder.

A scan judged from ``--snapshot`` WARC files must be checkable without them: every record the
scan read (each host document of each epoch it judged, redirect targets and the originals of
revisits included) is copied byte for byte — one gzip member per record, as it was stored —
into ``OUT/evidence/warc/snapshot-00000.warc.gz``, ledgered in a hash chain
(``ledger/snapshot.jsonl``, each entry naming the source file by name and SHA-256 and the
record's offset there) and indexed (``index.sqlite``), so ``clearance evidence verify`` and
``evidence show`` work on the scan folder after it is moved to another machine. Records of an
uncompressed WARC are compressed into a member of their own; their WARC headers and block
digest are unchanged.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastwarc.warc import ArchiveIterator

from clearance.errors import EvidenceError
from clearance.fetch.capture import host_key, read_capture
from clearance.fetch.index import EvidenceIndex
from clearance.fetch.ledger import Ledger
from clearance.fetch.snapshot import Snapshot
from clearance.fetch.store import evidence_paths

__all__ = ["CarryResult", "TrackedSnapshot", "carry_records", "file_sha256"]

SHARD = "snapshot"
_KINDS = {"response", "revisit", "metadata", "request", "resource", "warcinfo"}


class TrackedSnapshot(Snapshot):
    """A :class:`Snapshot` that remembers every record it read: ``(file index, offset)``."""

    def __init__(self, *, cap: int = 1 << 20) -> None:
        super().__init__(cap=cap)
        self.touched: set[tuple[int, int]] = set()

    def _load(self, entry: Any) -> Any:
        self.touched.add((entry.path_index, entry.pos))
        return super()._load(entry)


@dataclass(frozen=True, slots=True)
class CarryResult:
    """What was carried: records copied, and the source files by name and SHA-256."""

    records: int
    sources: tuple[tuple[str, str], ...]
    warc: str


def file_sha256(path: Path) -> str:
    """Return the SHA-256 (hex) of a file's bytes."""
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            sha.update(block)
    return sha.hexdigest()


def _boundaries(path: Path) -> list[int]:
    """Return the start offset of every record of a WARC file, then the file's size."""
    starts: list[int] = []
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh, parse_http=False):
            starts.append(int(rec.stream_pos))
    return sorted(set(starts)) + [path.stat().st_size]


def _member(raw: bytes, gzipped: bool, where: str) -> bytes:
    """Return one gzip member holding exactly one record (the stored bytes when they are one)."""
    if not gzipped:
        comp = zlib.compressobj(9, zlib.DEFLATED, 31)
        return comp.compress(raw) + comp.flush()
    dec = zlib.decompressobj(47)
    try:
        dec.decompress(raw)
    except zlib.error as exc:
        raise EvidenceError(f"{where}: not a gzip member per record ({exc})") from exc
    if not dec.eof or dec.unused_data:
        raise EvidenceError(
            f"{where}: the WARC file is not compressed one record per gzip member; "
            "its records cannot be copied one by one"
        )
    return raw


def _entry(member: bytes, *, capture: Any, uri: str, rid: str, kind: str, date: str,
           payload: str, source: str, source_sha: str, pos: int, run: str) -> dict[str, Any]:
    host = host_key(uri) if uri else ""
    try:
        path = urlsplit(uri).path or "/"
    except ValueError:
        path = "/"
    return {
        "shard": SHARD, "run": run, "host": host, "doc": path, "url": uri,
        "uri": uri, "kind": kind, "warc": "", "pos": 0, "length": len(member),
        "record_id": rid, "date": date, "sha256": hashlib.sha256(member).hexdigest(),
        "payload_digest": payload, "final": 1,
        "outcome": capture.outcome if capture is not None else None,
        "status": capture.status if capture is not None else None,
        "final_url": capture.final_url if capture is not None else None,
        "truncated": int(bool(capture.truncated)) if capture is not None else 0,
        "copied_from": f"{source}:{pos}", "copied_from_sha256": source_sha,
    }  # fmt: skip


def carry_records(
    files: Iterable[Path], touched: Iterable[tuple[int, int]], dest: Path, *, run: str
) -> CarryResult:
    """Copy the records at ``touched`` (file index into ``files``, offset) into ``dest``.

    ``dest`` is an evidence folder (created; it must not already hold a ``snapshot``
    chain). Returns what was carried; raises EvidenceError when a record cannot be copied.
    """
    paths = list(files)
    by_file: dict[int, list[int]] = {}
    for index, pos in touched:
        by_file.setdefault(index, []).append(pos)
    index_path, ledger_dir, warc_dir = evidence_paths(dest)
    ledger_path = ledger_dir / f"{SHARD}.jsonl"
    if ledger_path.exists():
        raise EvidenceError(f"{dest}: already holds carried snapshot records")
    ledger_dir.mkdir(parents=True, exist_ok=True)
    warc_dir.mkdir(parents=True, exist_ok=True)
    name = f"{SHARD}-00000.warc.gz"
    entries: list[dict[str, Any]] = []
    sources: list[tuple[str, str]] = []
    offset = 0
    tmp = warc_dir / f".{name}.tmp"
    with open(tmp, "wb") as out:
        for index in sorted(by_file):
            path = paths[index]
            source_sha = file_sha256(path)
            sources.append((path.name, source_sha))
            bounds = _boundaries(path)
            gzipped = path.name.lower().endswith(".gz")
            with open(path, "rb") as fh:
                for pos in sorted(set(by_file[index])):
                    k = bounds.index(pos) if pos in bounds else -1
                    if k < 0 or k + 1 >= len(bounds):
                        raise EvidenceError(f"{path.name}: no record starts at offset {pos}")
                    fh.seek(pos)
                    raw = fh.read(bounds[k + 1] - pos)
                    member = _member(raw, gzipped, f"{path.name} at {pos}")
                    head = zlib.decompress(member, 47)[:4096].decode("latin-1")
                    fields = dict(
                        line.split(": ", 1) for line in head.split("\r\n") if ": " in line
                    )
                    kind = fields.get("WARC-Type", "response")
                    entry = _entry(
                        member, capture=read_capture(path, pos), uri=fields.get(
                            "WARC-Target-URI", ""), rid=fields.get("WARC-Record-ID", ""),
                        kind=kind if kind in _KINDS else "response",
                        date=fields.get("WARC-Date", ""),
                        payload=fields.get("WARC-Payload-Digest", ""), source=path.name,
                        source_sha=source_sha, pos=pos, run=run)
                    entry["warc"], entry["pos"] = name, offset
                    out.write(member)
                    offset += len(member)
                    entries.append(entry)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, warc_dir / name)
    ledger = Ledger(ledger_path)
    ledger.recover()
    ledger.open()
    lines = ledger.chain(entries)
    if lines:
        ledger.append(lines)
    ledger.close()
    db = EvidenceIndex(index_path)
    try:
        db.add(entries)
        db.db.execute(
            "INSERT OR REPLACE INTO runs (run, started_at, finished_at, hosts_digest, hosts, "
            "config) VALUES (?, ?, ?, ?, ?, ?)",
            (run, None, None, "", len({e["host"] for e in entries}), '{"carried": true}'),
        )
    finally:
        db.close()
    return CarryResult(len(entries), tuple(sources), name)
