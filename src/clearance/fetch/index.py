# SPDX-License-Identifier: Apache-2.0
"""The evidence index: SQLite in WAL mode, one row per ledger entry, rebuilt from the ledger.

The ledger is the truth; the index is a projection of it for queries (what was seen for a URL,
which documents a run has recorded, the previous ETag of a URL). Rows are committed in batches;
after a crash, :meth:`EvidenceIndex.sync` brings the index back in line with the ledger.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["COLUMNS", "EvidenceIndex"]

COLUMNS = (
    "shard",
    "seq",
    "run",
    "host",
    "doc",
    "url",
    "uri",
    "kind",
    "warc",
    "pos",
    "length",
    "record_id",
    "date",
    "final",
    "outcome",
    "status",
    "final_url",
    "etag",
    "last_modified",
    "truncated",
    "error",
    "payload_digest",
    "sha256",
    "hash",
)

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS records (
  {
    ", ".join(
        c
        + (" INTEGER" if c in ("seq", "pos", "length", "final", "status", "truncated") else " TEXT")
        for c in COLUMNS
    )
},
  PRIMARY KEY (shard, seq)
);
CREATE INDEX IF NOT EXISTS records_url ON records (url, final);
CREATE INDEX IF NOT EXISTS records_run ON records (run, final);
CREATE TABLE IF NOT EXISTS runs (
  run TEXT PRIMARY KEY, started_at TEXT, finished_at TEXT, hosts_digest TEXT, hosts INTEGER,
  config TEXT
);
"""


class EvidenceIndex:
    """Open (creating if needed) ``<evidence dir>/index.sqlite``."""

    def __init__(self, path: Path, *, shared: bool = False) -> None:
        self.path = path
        # ``shared``: handed from the thread that opens it to one writer thread (one at a time)
        self.db = sqlite3.connect(
            path, timeout=60.0, isolation_level=None, check_same_thread=not shared
        )
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        self._pending: list[tuple[Any, ...]] = []

    def add(self, entries: Iterable[dict[str, Any]]) -> None:
        """Queue rows for entries (written at the next :meth:`commit`)."""
        self._pending.extend(tuple(map(e.get, COLUMNS)) for e in entries)

    def commit(self) -> None:
        """Write the queued rows in one transaction."""
        if not self._pending:
            return
        marks = ", ".join("?" for _ in COLUMNS)
        self.db.execute("BEGIN IMMEDIATE")
        self.db.executemany(
            f"INSERT OR REPLACE INTO records ({', '.join(COLUMNS)}) VALUES ({marks})",
            self._pending,
        )
        self.db.execute("COMMIT")
        self._pending.clear()

    def sync(self, shard: str, entries: list[dict[str, Any]]) -> None:
        """Make the shard's rows equal the ledger's entries (drop extra rows, add missing)."""
        last = entries[-1]["seq"] if entries else -1
        self.db.execute("BEGIN IMMEDIATE")
        self.db.execute("DELETE FROM records WHERE shard = ? AND seq > ?", (shard, last))
        (have,) = self.db.execute(
            "SELECT COUNT(*) FROM records WHERE shard = ?", (shard,)
        ).fetchone()
        self.db.execute("COMMIT")
        if have != len(entries):
            self.add(entries)
            self.commit()

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        """Return rows of a read query as dicts."""
        cur = self.db.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def recorded_urls(self, run: str) -> set[str]:
        """Return the document URLs a run has recorded an outcome for."""
        rows = self.db.execute("SELECT url FROM records WHERE run = ? AND final = 1", (run,))
        return {r[0] for r in rows}

    def close(self) -> None:
        """Commit what is queued and close the database."""
        self.commit()
        self.db.close()
