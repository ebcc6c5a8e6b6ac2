# SPDX-License-Identifier: Apache-2.0
"""One shard's evidence writer: WARC files, its ledger chain and the shared index, kept in step.

Layout of an evidence directory::

    index.sqlite              every ledger entry, queryable (WAL; shared by all shards)
    ledger/<shard>.jsonl      one hash chain per writer process
    ledger/<shard>.lock       held while a process writes the shard
    warc/<shard>-NNNNN.warc.gz

The event loop hands each finished document to :meth:`EvidenceStore.submit` and goes on; a
writer thread builds the records (serialising, compressing, hashing), chains the ledger entries
and writes in batches: all WARC bytes of a batch, then their ledger lines, then index rows
(committed every ``commit_every`` documents). What is queued is bounded (:meth:`room` makes the
event loop wait while more than ``max_queued_bytes`` are). On open, :meth:`EvidenceStore.open`
cuts the ledger back to the last complete document, cuts each WARC file back to the end of its
last ledgered record (or removes a file never ledgered) and syncs the index, so a process
killed at any instant resumes from a consistent state: a document still queued was never
recorded and is fetched again.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from clearance.errors import EvidenceError
from clearance.fetch.index import EvidenceIndex
from clearance.fetch.ledger import Ledger
from clearance.fetch.warc import RecordRef, WarcFileWriter, iso_date

if TYPE_CHECKING:
    from clearance.fetch.client import Exchange

__all__ = ["Document", "EvidenceStore", "evidence_paths", "read_member"]

log = logging.getLogger(__name__)

_BATCH = 128
_LOCK_WAIT = 10.0


def evidence_paths(root: Path) -> tuple[Path, Path, Path]:
    """Return (index file, ledger dir, WARC dir) of an evidence directory."""
    return root / "index.sqlite", root / "ledger", root / "warc"


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name), None)


@dataclass(slots=True)
class Document:
    """One document's outcome, queued for the writer: an exchange, or a note (skipped)."""

    host: str
    doc: str
    url: str
    exchange: Exchange | None = None
    refers: dict[str, str] | None = None
    note: str = ""
    noted_at: datetime | None = None

    def size(self) -> int:
        """Return roughly how many bytes the queued document holds."""
        if self.exchange is None:
            return 512
        return (
            1024 + sum(len(h.raw_body) + 512 for h in self.exchange.hops) + len(self.exchange.body)
        )


class EvidenceStore:
    """Write one shard's records; :meth:`open` first, :meth:`close` at the end.

    ``threaded=False`` writes each document when it is submitted (tools and tests that write a
    handful of records).
    """

    def __init__(
        self,
        root: Path,
        shard: str,
        *,
        run: str,
        warc_max_bytes: int,
        commit_every: int = 512,
        info: dict[str, str] | None = None,
        threaded: bool = True,
        max_queued_bytes: int = 64 << 20,
    ) -> None:
        self.root = root
        self.shard = shard
        self.run = run
        self.commit_every = commit_every
        self.info = info or {}
        self.threaded = threaded
        self.max_queued_bytes = max_queued_bytes
        index_path, ledger_dir, warc_dir = evidence_paths(root)
        ledger_dir.mkdir(parents=True, exist_ok=True)
        warc_dir.mkdir(parents=True, exist_ok=True)
        self.ledger = Ledger(ledger_dir / f"{shard}.jsonl")
        self.writer = WarcFileWriter(warc_dir, shard, warc_max_bytes)
        self.index = EvidenceIndex(index_path, shared=threaded)
        self._lock_path = ledger_dir / f"{shard}.lock"
        self._lock: TextIO | None = None
        self._uncommitted = 0
        self._lines: list[bytes] = []
        # the queue: appended by the event loop, emptied by the writer thread; each counter
        # is written by one thread only
        self._jobs: deque[Document] = deque()
        self._queued = 0
        self._written = 0
        self._wake = threading.Event()
        self._idle = False
        self._stop = False
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def open(self) -> None:
        """Take the shard lock, recover from any crash, and get ready to append."""
        self._lock = open(self._lock_path, "a")
        # a worker of a run just killed dies with its parent, but not in the same instant:
        # wait a little for its lock before calling the shard busy
        deadline = time.monotonic() + _LOCK_WAIT
        while True:
            try:
                fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
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

    # -- the event loop's side -----------------------------------------------------------------

    def submit(self, document: Document) -> None:
        """Queue a document for writing (written at once when not threaded)."""
        if self._error is not None:
            raise EvidenceError(f"{self.root}: the evidence writer failed: {self._error!r}")
        if not self.threaded:
            self._write(document)
            self.drain()
            return
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name=f"evidence-{self.shard}", daemon=True
            )
            self._thread.start()
        self._queued += document.size()
        self._jobs.append(document)
        if self._idle:
            self._wake.set()

    async def room(self) -> None:
        """Wait while the queue holds more than ``max_queued_bytes`` (bounded memory)."""
        while self._queued - self._written > self.max_queued_bytes and self._error is None:
            await asyncio.sleep(0.005)

    # -- the writer thread ---------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while True:
                if not self._jobs:
                    if self._stop:
                        break
                    self._idle = True  # submit() wakes us only while we say so
                    if not self._jobs:
                        self._wake.wait(0.05)
                    self._idle = False
                    self._wake.clear()
                    continue
                done = 0
                size = 0
                while self._jobs and done < _BATCH:
                    job = self._jobs.popleft()
                    self._write(job)
                    size += job.size()
                    done += 1
                self.drain()
                self._written += size
        except BaseException as exc:  # reported to the event loop by submit() and close()
            log.exception("evidence writer %s failed", self.shard)
            self._error = exc

    def _write(self, job: Document) -> None:
        refs = self.begin_document()
        if job.exchange is None:
            when = job.noted_at or datetime.now(UTC)
            refs.append(
                self.writer.add_note(job.url, when, {"outcome": "skipped", "detail": job.note})
            )
            final: dict[str, Any] = {"outcome": "skipped", "status": None, "error": job.note}
        else:
            ex = job.exchange
            last = ex.hops[-1]
            for hop in ex.hops:
                refs += self.writer.add_exchange(hop, refers_to=job.refers if hop is last else None)
            final = {
                "outcome": ex.outcome,
                "status": ex.status,
                "final_url": ex.final_url,
                "etag": _header(ex.headers, "etag"),
                "last_modified": _header(ex.headers, "last-modified"),
                "truncated": int(ex.truncated),
                "error": ex.error or None,
            }
        self.record(refs, host=job.host, doc=job.doc, url=job.url, final=final)

    def record(
        self, refs: list[RecordRef], *, host: str, doc: str, url: str, final: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Chain the ledger entries of one document's queued records; return the entries."""
        shard, run = self.shard, self.run
        entries: list[dict[str, Any]] = [
            {
                "shard": shard,
                "run": run,
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
            for ref in refs
        ]
        entries[-1].update(final, final=1)
        self._lines.extend(self.ledger.chain(entries))
        self.index.add(entries)
        self._uncommitted += 1
        return entries

    def drain(self) -> None:
        """Write the batched WARC records, then their ledger lines (in that order)."""
        self.writer.flush()
        if self._lines:
            self.ledger.append(self._lines)
            self._lines = []
        if self._uncommitted >= self.commit_every:
            self.index.commit()
            self._uncommitted = 0

    def begin_document(self) -> list[RecordRef]:
        """Start a new WARC file if needed; return the refs of records queued for it."""
        if not self.writer.needs_new_file():
            return []
        info = {"run": self.run, "shard": self.shard, **self.info}
        return [self.writer.start_file(info, iso_date(datetime.now(UTC)))]

    def close(self) -> None:
        """Write what is queued, commit the index and release the shard lock."""
        try:
            if self._thread is not None:
                self._stop = True
                self._wake.set()  # (a writer between its checks wakes within 50 ms anyway)
                self._thread.join()
                self._thread = None
            if self._error is None:
                self.drain()
        finally:
            self.writer.close()
            self.ledger.close()
            self.index.close()
            if self._lock is not None:
                fcntl.flock(self._lock.fileno(), fcntl.LOCK_UN)
                self._lock.close()
                self._lock = None
        if self._error is not None:
            raise EvidenceError(f"{self.root}: the evidence writer failed: {self._error!r}")


def read_member(root: Path, warc: str, pos: int, length: int) -> bytes:
    """Return the stored bytes of one record (its gzip member)."""
    _, _, warc_dir = evidence_paths(root)
    with open(warc_dir / warc, "rb") as fh:
        fh.seek(pos)
        data = fh.read(length)
    if len(data) != length:
        raise EvidenceError(f"{warc_dir / warc}: record at {pos} is cut short")
    return data
