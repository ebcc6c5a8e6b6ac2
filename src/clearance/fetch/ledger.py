# SPDX-License-Identifier: Apache-2.0
"""The hash-chained ledger: one JSON line per WARC record, each committing to the one before.

Entry ``n`` holds the record's file, position (``pos``), length and the SHA-256 of its
stored bytes, the hash of entry ``n-1`` (``prev``) and its own ``hash`` = SHA-256 of its
canonical JSON without ``hash``. Editing, deleting, inserting or reordering a record or an
entry breaks the chain or a digest (see :mod:`clearance.fetch.verify`). Entries of one
document are appended in one write; the last carries ``final: true`` and the document's
outcome, so recovery after a crash cuts the ledger back to the last complete document.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from clearance.errors import EvidenceError

__all__ = ["GENESIS", "Ledger", "entry_hash", "read_entries"]

GENESIS = "0" * 64


def entry_hash(entry: dict[str, Any]) -> str:
    """Return the SHA-256 (hex) of an entry's canonical JSON, its ``hash`` field left out."""
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def read_entries(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, bytes]]:
    """Yield (byte offset, parsed entry or None if unreadable, raw line) for each line."""
    offset = 0
    with open(path, "rb") as fh:
        for line in fh:
            try:
                entry = orjson.loads(line)
                parsed = entry if isinstance(entry, dict) else None
            except orjson.JSONDecodeError:
                parsed = None
            yield offset, parsed, line
            offset += len(line)


class Ledger:
    """Append-only writer of one chain (one per worker shard)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seq = 0
        self.head = GENESIS
        self._fh: BinaryIO | None = None

    def recover(self) -> list[dict[str, Any]]:
        """Cut the file back to its last complete document; return the entries kept."""
        kept: list[dict[str, Any]] = []
        pending: list[dict[str, Any]] = []
        good_end = 0
        if self.path.exists():
            for offset, entry, line in read_entries(self.path):
                if entry is None or not line.endswith(b"\n"):
                    break
                pending.append(entry)
                if entry.get("final"):
                    kept.extend(pending)
                    pending.clear()
                    good_end = offset + len(line)
            if good_end < self.path.stat().st_size:
                with open(self.path, "r+b") as fh:
                    fh.truncate(good_end)
        if kept:
            self.seq = int(kept[-1]["seq"]) + 1
            self.head = str(kept[-1]["hash"])
        return kept

    def open(self) -> None:
        """Open the file for appending (after :meth:`recover`)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "ab")

    def chain(self, entries: list[dict[str, Any]]) -> list[bytes]:
        """Give each entry its ``seq``, ``prev`` and ``hash`` (in place); return their lines."""
        lines = []
        for entry in entries:
            entry["seq"] = self.seq
            entry["prev"] = self.head
            body = orjson.dumps(entry, option=orjson.OPT_SORT_KEYS)  # = entry_hash's input
            entry["hash"] = self.head = hashlib.sha256(body).hexdigest()
            lines.append(body[:-1] + b',"hash":"' + self.head.encode() + b'"}\n')
            self.seq += 1
        return lines

    def append(self, lines: list[bytes]) -> None:
        """Write chained lines in one write and flush them to the operating system."""
        if self._fh is None:
            raise EvidenceError(f"{self.path}: ledger is not open")
        self._fh.write(b"".join(lines))
        self._fh.flush()

    def close(self) -> None:
        """Flush, sync and close the file."""
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            self._fh = None
