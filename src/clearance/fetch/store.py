# SPDX-License-Identifier: Apache-2.0
"""One shard's evidence writer: WARC files, its ledger chain and the shared index, kept in step.

Layout of an evidence directory::

    index.sqlite              every ledger entry, queryable (WAL; shared by all shards)
    ledger/<shard>.jsonl      one hash chain per writer process
    ledger/<shard>.lock       held while a process writes the shard
    warc/<shard>-NNNNN.warc.gz

Order of writes: WARC bytes, then ledger lines (both batched: every 256 entries or 0.2 s),
index rows committed every ``commit_every`` documents. On open,
:meth:`EvidenceStore.open` cuts the ledger back to the last complete document, cuts each WARC
file back to the end of its last ledgered record (or removes a file never ledgered) and syncs
the index, so a process killed at any instant resumes from a consistent state.
"""

from __future__ import annotations

import fcntl
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from clearance.errors import EvidenceError
from clearance.fetch.index import EvidenceIndex
from clearance.fetch.ledger import Ledger
from clearance.fetch.warc import RecordRef, WarcFileWriter, iso_date

__all__ = ["EvidenceStore", "evidence_paths", "read_member"]

log = logging.getLogger(__name__)


def evidence_paths(root: Path) -> tuple[Path, Path, Path]:
    """Return (index file, ledger dir, WARC dir) of an evidence directory."""
    return root / "index.sqlite", root / "ledger", root / "warc"


class EvidenceStore:
    """Write one shard's records; use :meth:`open` first and :meth:`close` at the end."""

    def __init__(
        self,
        root: Path,
        shard: str,
        *,
        run: str,
        warc_max_bytes: int,
        commit_every: int = 512,
        info: dict[str, str] | None = None,
    ) -> None:
        self.root = root
        self.shard = shard
        self.run = run
        self.commit_every = commit_every
        self.info = info or {}
        index_path, ledger_dir, warc_dir = evidence_paths(root)
        ledger_dir.mkdir(parents=True, exist_ok=True)
        warc_dir.mkdir(parents=True, exist_ok=True)
        self.ledger = Ledger(ledger_dir / f"{shard}.jsonl")
        self.writer = WarcFileWriter(warc_dir, shard, warc_max_bytes)
        self.index = EvidenceIndex(index_path)
        self._lock_path = ledger_dir / f"{shard}.lock"
        self._lock: TextIO | None = None
        self._uncommitted = 0
        self._lines: list[bytes] = []
        self._drained = time.monotonic()

    def open(self) -> None:
        """Take the shard lock, recover from any crash, and get ready to append."""
        self._lock = open(self._lock_path, "a")
        try:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            self._lock.close()
            self._lock = None
            raise EvidenceError(
                f"{self.root}: shard {self.shard} is being written by another process"
            ) from exc
        entries = self.ledger.recover()
        ends: dict[str, int] = {}
        for entry in entries:
            ends[entry["warc"]] = int(entry["pos"]) + int(entry["length"])
        for path in sorted(self.writer.directory.glob(f"{self.shard}-*.warc.gz")):
            end = ends.get(path.name)
            if end is None:
                log.warning("removing %s: no record in it was ever ledgered", path)
                path.unlink()
            elif path.stat().st_size > end:
                log.warning("cutting %s back to %d bytes (crash debris)", path, end)
                with open(path, "r+b") as fh:
                    fh.truncate(end)
        self.index.sync(self.shard, entries)
        self.ledger.open()
        if entries:
            last = entries[-1]["warc"]
            self.writer.open_file(last, ends[last])

    def record(
        self, refs: list[RecordRef], *, host: str, doc: str, url: str, final: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Write queued records of one document and their ledger entries; return the entries."""
        entries: list[dict[str, Any]] = []
        for ref in refs:
            entries.append(
                {
                    "shard": self.shard,
                    "run": self.run,
                    "host": host,
                    "doc": "warcinfo" if ref.kind == "warcinfo" else doc,
                    "url": url,
                    "uri": ref.uri,
                    "kind": ref.kind,
                    "warc": ref.warc,
                    "pos": ref.pos,
                    "length": ref.length,
                    "record_id": ref.record_id,
                    "date": ref.date,
                    "sha256": ref.sha256,
                    "payload_digest": ref.payload_digest,
                    "final": 0,
                }
            )
        entries[-1].update(final, final=1)
        self._lines.extend(self.ledger.chain(entries))
        self.index.add(entries)
        if len(self._lines) >= 256 or time.monotonic() - self._drained > 0.2:
            self.drain()
        self._uncommitted += 1
        if self._uncommitted >= self.commit_every:
            self.index.commit()
            self._uncommitted = 0
        return entries

    def drain(self) -> None:
        """Write the batched WARC records, then their ledger lines (in that order)."""
        self.writer.flush()
        if self._lines:
            self.ledger.append(self._lines)
            self._lines = []
        self._drained = time.monotonic()

    def begin_document(self) -> list[RecordRef]:
        """Start a new WARC file if needed; return the refs of records queued for it."""
        if not self.writer.needs_new_file():
            return []
        info = {"run": self.run, "shard": self.shard, **self.info}
        return [self.writer.start_file(info, iso_date(datetime.now(UTC)))]

    def close(self) -> None:
        """Flush everything, commit the index and release the shard lock."""
        self.drain()
        self.writer.close()
        self.ledger.close()
        self.index.close()
        if self._lock is not None:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None


def read_member(root: Path, warc: str, pos: int, length: int) -> bytes:
    """Return the stored bytes of one record (its gzip member)."""
    _, _, warc_dir = evidence_paths(root)
    with open(warc_dir / warc, "rb") as fh:
        fh.seek(pos)
        data = fh.read(length)
    if len(data) != length:
        raise EvidenceError(f"{warc_dir / warc}: record at {pos} is cut short")
    return data
