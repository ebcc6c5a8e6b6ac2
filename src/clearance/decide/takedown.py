# SPDX-License-Identifier: Apache-2.0
"""The takedown and opt-out ledger: a durable SQLite (WAL) store of requests and their status.

A request names items by ``url``, ``url_prefix``, ``domain``, ``sha256`` (content hash) or
``creator``. It is durable once :meth:`TakedownLedger.add_many` has committed it (WAL,
``synchronous=FULL``): the caller is told a request was accepted only after the commit, so
killing the process at any point loses no acknowledged request. Intake is idempotent by
request id: the same request again is a ``duplicate``; a different one under a used id is
refused. Status moves forward only: ``received -> matched -> applied -> confirmed`` (steps may
be skipped); ``withdrawn`` ends it from any state. Every status but ``withdrawn`` is in force:
later scans and gates keep excluding the items. docs/takedowns.md explains the workflow.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import polars as pl

from clearance.decide.durable import open_durable, write_transaction
from clearance.decide.takedown_request import KINDS, normalize_request, now
from clearance.errors import TakedownError
from clearance.models import TakedownRequest

__all__ = [
    "DEFAULT_LEDGER",
    "IN_FORCE",
    "KINDS",
    "STATUSES",
    "IntakeResult",
    "TakedownLedger",
    "default_ledger_path",
    "normalize_request",
]

#: Where the ledger lives unless ``--ledger`` or ``CLEARANCE_TAKEDOWN_LEDGER`` says otherwise.
DEFAULT_LEDGER: Final = Path(".clearance") / "takedowns.sqlite"
STATUSES: Final = ("received", "matched", "applied", "confirmed", "withdrawn")
IN_FORCE: Final = ("received", "matched", "applied", "confirmed")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
  request_id TEXT PRIMARY KEY, kind TEXT NOT NULL, value TEXT NOT NULL, key TEXT NOT NULL,
  type TEXT NOT NULL, status TEXT NOT NULL, received_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  requester TEXT NOT NULL, contact TEXT NOT NULL, reason TEXT NOT NULL, reference TEXT NOT NULL,
  fingerprint TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, at TEXT NOT NULL,
  status TEXT NOT NULL, note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS matches (
  request_id TEXT NOT NULL, dataset_name TEXT NOT NULL, dataset_version TEXT NOT NULL,
  items INTEGER NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
  PRIMARY KEY (request_id, dataset_name, dataset_version));
CREATE INDEX IF NOT EXISTS requests_status ON requests(status);
"""
_FIELDS: Final = (
    "request_id",
    "kind",
    "value",
    "key",
    "type",
    "status",
    "received_at",
    "updated_at",
    "requester",
    "contact",
    "reason",
    "reference",
)


def default_ledger_path() -> Path:
    """Return ``$CLEARANCE_TAKEDOWN_LEDGER`` if set, else ``.clearance/takedowns.sqlite``."""
    import os

    env = os.environ.get("CLEARANCE_TAKEDOWN_LEDGER")
    return Path(env) if env else DEFAULT_LEDGER


def _fingerprint(r: TakedownRequest) -> str:
    body = [r.kind, r.key, r.type, r.requester, r.contact, r.reason, r.reference]
    return hashlib.sha256(json.dumps(body).encode()).hexdigest()


@dataclass
class IntakeResult:
    """What an intake did: ids accepted (new), duplicates (already held) and refusals."""

    accepted: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (position, reason)


class TakedownLedger:
    """The ledger at ``path`` (created on first use). Use as a context manager or close()."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self._db = open_durable(self.path, _SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise TakedownError(f"{self.path}: cannot open the takedown ledger: {exc}") from exc

    def __enter__(self) -> TakedownLedger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def _write(self, work: Callable[[sqlite3.Connection], None]) -> None:
        try:
            write_transaction(self._db, work)
        except sqlite3.Error as exc:
            raise TakedownError(f"{self.path}: cannot write the takedown ledger: {exc}") from exc

    def add_many(
        self,
        rows: Iterable[Mapping[str, Any] | TakedownRequest],
        *,
        chunk: int = 100,
        on_commit: Callable[[list[str], list[str]], None] | None = None,
    ) -> IntakeResult:
        """Store requests, committing every ``chunk``; return what was accepted and refused.

        ``on_commit(accepted, duplicates)`` is called after each commit with the ids that are
        now durable: acknowledge requests there, never earlier.
        """
        result = IntakeResult()
        pending: list[tuple[int, TakedownRequest]] = []

        def flush() -> None:
            if not pending:
                return
            new: list[str] = []
            dup: list[str] = []

            def work(db: sqlite3.Connection) -> None:
                for position, r in pending:
                    old = db.execute(
                        "SELECT fingerprint FROM requests WHERE request_id = ?", (r.request_id,)
                    ).fetchone()
                    if old is not None:
                        if old[0] != _fingerprint(r):
                            result.rejected.append(
                                (
                                    position,
                                    f"{r.request_id}: the id already holds a different request",
                                )
                            )
                        else:
                            dup.append(r.request_id)
                        continue
                    db.execute(
                        f"INSERT INTO requests ({', '.join(_FIELDS)}, fingerprint) "
                        f"VALUES ({', '.join('?' * (len(_FIELDS) + 1))})",
                        (*[getattr(r, f) for f in _FIELDS], _fingerprint(r)),
                    )
                    db.execute(
                        "INSERT INTO events (request_id, at, status, note) "
                        "VALUES (?, ?, 'received', 'intake')",
                        (r.request_id, now()),
                    )
                    new.append(r.request_id)

            self._write(work)
            result.accepted.extend(new)
            result.duplicates.extend(dup)
            pending.clear()
            if on_commit is not None:
                on_commit(new, dup)

        for position, raw in enumerate(rows, start=1):
            try:
                request = raw if isinstance(raw, TakedownRequest) else normalize_request(raw)
            except TakedownError as exc:
                result.rejected.append((position, exc.message))
                continue
            pending.append((position, request))
            if len(pending) >= chunk:
                flush()
        flush()
        return result

    def add(self, raw: Mapping[str, Any] | TakedownRequest) -> tuple[str, str]:
        """Store one request; return ``(request_id, "accepted" | "duplicate")``.

        Raises TakedownError when it is invalid or its id holds a different request.
        """
        result = self.add_many([raw])
        if result.rejected:
            raise TakedownError(result.rejected[0][1])
        if result.accepted:
            return result.accepted[0], "accepted"
        return result.duplicates[0], "duplicate"

    def _row(self, row: tuple[Any, ...]) -> TakedownRequest:
        return TakedownRequest(**dict(zip(_FIELDS, row, strict=True)))

    def get(self, request_id: str) -> TakedownRequest:
        """Return one request; raise TakedownError if the ledger has none with that id."""
        row = self._db.execute(
            f"SELECT {', '.join(_FIELDS)} FROM requests WHERE request_id = ?", (request_id,)
        ).fetchone()
        if row is None:
            raise TakedownError(f"{self.path}: no request {request_id!r}")
        return self._row(row)

    def requests(self, status: str | None = None) -> list[TakedownRequest]:
        """Return the requests (optionally of one status), oldest first."""
        sql = f"SELECT {', '.join(_FIELDS)} FROM requests"
        args: tuple[str, ...] = ()
        if status is not None:
            if status not in STATUSES:
                raise TakedownError(f"status {status!r} is not one of {', '.join(STATUSES)}")
            sql, args = sql + " WHERE status = ?", (status,)
        rows = self._db.execute(sql + " ORDER BY received_at, request_id", args).fetchall()
        return [self._row(r) for r in rows]

    def history(self, request_id: str) -> list[dict[str, str]]:
        """Return the status events of one request, oldest first."""
        rows = self._db.execute(
            "SELECT at, status, note FROM events WHERE request_id = ? ORDER BY seq", (request_id,)
        ).fetchall()
        return [{"at": a, "status": s, "note": n} for a, s, n in rows]

    def matches(self, request_id: str) -> list[dict[str, Any]]:
        """Return the items counted per dataset and version for one request."""
        rows = self._db.execute(
            "SELECT dataset_name, dataset_version, items, first_seen, "
            "last_seen FROM matches WHERE request_id = ? ORDER BY 1, 2",
            (request_id,),
        ).fetchall()
        keys = ("dataset_name", "dataset_version", "items", "first_seen", "last_seen")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def set_status(
        self, request_id: str, status: str, note: str = "", *, override: bool = False
    ) -> TakedownRequest:
        """Move a request one step along received -> matched -> applied -> confirmed (or to
        withdrawn); return it updated.

        Skipping a step (e.g. confirming a request that was never applied) needs
        ``override=True`` and a ``note`` saying why; the note is kept in the request's history.
        Going back, or leaving ``withdrawn``, is refused.
        """
        if status not in STATUSES:
            raise TakedownError(f"status {status!r} is not one of {', '.join(STATUSES)}")
        current = self.get(request_id).status
        if current == status:
            return self.get(request_id)
        if current == "withdrawn" or (
            status != "withdrawn" and STATUSES.index(status) < STATUSES.index(current)
        ):
            raise TakedownError(f"{request_id}: cannot go from {current} to {status}")
        skips = status != "withdrawn" and STATUSES.index(status) > STATUSES.index(current) + 1
        if skips and not (override and note.strip()):
            due = STATUSES[STATUSES.index(current) + 1]
            raise TakedownError(
                f"{request_id}: cannot go from {current} to {status} without being {due} "
                "first; pass override with a note saying why the step is skipped"
            )
        if skips:
            note = f"override (skipped {current} -> {status}): {note.strip()}"
        at = now()

        def work(db: sqlite3.Connection) -> None:
            db.execute(
                "UPDATE requests SET status = ?, updated_at = ? WHERE request_id = ?",
                (status, at, request_id),
            )
            db.execute(
                "INSERT INTO events (request_id, at, status, note) VALUES (?, ?, ?, ?)",
                (request_id, at, status, note),
            )

        self._write(work)
        return self.get(request_id)

    def in_force(self) -> pl.DataFrame:
        """Return the requests in force as a frame: ``request_id``, ``kind``, ``key``."""
        rows = self._db.execute(
            "SELECT request_id, kind, key FROM requests WHERE status != "
            "'withdrawn' ORDER BY request_id"
        ).fetchall()
        return pl.DataFrame(
            rows,
            schema={"request_id": pl.String, "kind": pl.String, "key": pl.String},
            orient="row",
        )

    def record_matches(
        self, counts: pl.DataFrame, *, applied: bool = False, note: str = ""
    ) -> None:
        """Record items found per request, dataset and version; advance received -> matched
        (and, with ``applied``, matched -> applied) for every request that matched items."""
        at = now()
        rows = counts.select(
            "request_id",
            pl.col("dataset_name").fill_null(""),
            pl.col("dataset_version").fill_null(""),
            "items",
        ).rows()
        target = "applied" if applied else "matched"

        def work(db: sqlite3.Connection) -> None:
            for rid, name, version, items in rows:
                db.execute(
                    "INSERT INTO matches VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(request_id, "
                    "dataset_name, dataset_version) DO UPDATE "
                    "SET items = excluded.items, last_seen = excluded.last_seen",
                    (rid, name, version, int(items), at, at),
                )
            for rid in sorted({r[0] for r in rows}):
                status = db.execute(
                    "SELECT status FROM requests WHERE request_id = ?", (rid,)
                ).fetchone()
                if status is None or STATUSES.index(status[0]) >= STATUSES.index(target):
                    continue
                db.execute(
                    "UPDATE requests SET status = ?, updated_at = ? WHERE request_id = ?",
                    (target, at, rid),
                )
                # every step is recorded: matched, then applied when the manifests were written
                for step in STATUSES[STATUSES.index(status[0]) + 1 : STATUSES.index(target) + 1]:
                    db.execute(
                        "INSERT INTO events (request_id, at, status, note) VALUES (?, ?, ?, ?)",
                        (rid, at, step, note),
                    )

        self._write(work)
