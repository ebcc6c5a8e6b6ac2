# SPDX-License-Identifier: Apache-2.0
"""The durable SQLite file behind the takedown ledger and the consent store.

Write-ahead log with ``synchronous=FULL`` (a commit survives a crash or a power cut), one
immediate transaction per write (concurrent writers wait for the lock, up to 30 s, instead of
failing), autocommit otherwise. The callers turn ``OSError`` and ``sqlite3.Error`` into their
own errors, naming the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

__all__ = ["open_durable", "write_transaction"]


def open_durable(path: Path, schema: str) -> sqlite3.Connection:
    """Open (creating the folder and the tables of ``schema`` if needed) the database at ``path``.

    Raises OSError or sqlite3.Error.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.executescript(schema)
    except sqlite3.Error:
        db.close()
        raise
    return db


def write_transaction(db: sqlite3.Connection, work: Callable[[sqlite3.Connection], None]) -> None:
    """Run ``work`` in one immediate transaction: committed whole, or rolled back and re-raised.

    Raises sqlite3.Error (and whatever ``work`` raises).
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        work(db)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
