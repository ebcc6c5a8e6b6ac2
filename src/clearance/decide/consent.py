# SPDX-License-Identifier: Apache-2.0
"""Consent records for the opt-in user licence, in the takedown ledger's SQLite store.

A user licenses their content for AI training under a versioned licence (``clearance draft
consent text``). Each grant is a consent record: who (a pseudonymous ``user_id``), which
licence and version (with the SHA-256 of its text, so the record pins the words the user
saw), when, the scopes granted (``training``, ``fine_tuning``, ...), and where it came from.
A user holds at most one active consent per licence: granting again (a new version, other
scopes) supersedes the earlier one. Revocation ends a consent from that moment; it never
deletes the record, so the history stays auditable and exportable.

Records live in the same SQLite file as the takedown ledger (``.clearance/takedowns.sqlite``
or ``$CLEARANCE_TAKEDOWN_LEDGER``), in their own tables ``consents`` and ``consent_events``;
the takedown tables are not touched. Writes are durable before they are acknowledged (WAL,
``synchronous=FULL``, one transaction per call or chunk). This module is the library API the
transparency dashboard reads: :meth:`ConsentLedger.record`, :meth:`~ConsentLedger.revoke`,
:meth:`~ConsentLedger.by_user`, :meth:`~ConsentLedger.export_user` and
:meth:`~ConsentLedger.figures`.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from clearance.decide.durable import open_durable, write_transaction
from clearance.decide.takedown import default_ledger_path
from clearance.decide.takedown_request import now
from clearance.errors import ContractError

__all__ = ["ConsentLedger", "ConsentRecord", "default_ledger_path"]

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS consents (
  consent_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, licence_id TEXT NOT NULL,
  licence_version TEXT NOT NULL, text_sha256 TEXT NOT NULL, scopes TEXT NOT NULL,
  granted_at TEXT NOT NULL, source TEXT NOT NULL, revoked_at TEXT, ended_by TEXT,
  revocation_note TEXT NOT NULL DEFAULT '', fingerprint TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS consents_user ON consents(user_id, granted_at);
CREATE INDEX IF NOT EXISTS consents_version ON consents(licence_id, licence_version);
CREATE TABLE IF NOT EXISTS consent_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, consent_id TEXT NOT NULL, user_id TEXT NOT NULL,
  at TEXT NOT NULL, event TEXT NOT NULL, note TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS consent_events_user ON consent_events(user_id, seq);
"""
_FIELDS: Final = (
    "consent_id",
    "user_id",
    "licence_id",
    "licence_version",
    "text_sha256",
    "scopes",
    "granted_at",
    "source",
    "revoked_at",
    "ended_by",
    "revocation_note",
)
_TEXT_ID = re.compile(r"^[\w.:@+-]{1,200}$")
_SHA = re.compile(r"^[0-9a-f]{64}$")
_SCOPE = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    """One consent: who granted which licence version, for which scopes, when; and if revoked."""

    consent_id: str
    user_id: str
    licence_id: str
    licence_version: str
    text_sha256: str
    scopes: tuple[str, ...]
    granted_at: str
    source: str
    revoked_at: str | None = None
    ended_by: str | None = None  # "revoked" by the user, or "superseded" by a later grant
    revocation_note: str = ""

    @property
    def active(self) -> bool:
        """Return True while the consent has not been revoked or superseded."""
        return self.revoked_at is None

    def to_dict(self) -> dict[str, Any]:
        """Return the record as a JSON-ready dict (with ``status``)."""
        data = asdict(self)
        data["scopes"] = list(self.scopes)
        data["status"] = "active" if self.active else (self.ended_by or "revoked")
        return data


def _check(
    user_id: str, licence_id: str, version: str, digest: str, scopes: Sequence[str], at: str
) -> tuple[str, ...]:
    if not _TEXT_ID.match(user_id):
        raise ContractError(f"user id {user_id!r} must be 1-200 letters, digits or . : @ + - _")
    if not _TEXT_ID.match(licence_id) or not _TEXT_ID.match(version):
        raise ContractError(f"licence {licence_id!r} version {version!r} is not a valid id")
    if not _SHA.match(digest):
        raise ContractError("text_sha256 must be 64 lower-case hex digits")
    clean = tuple(sorted(set(scopes)))
    if not clean or any(not _SCOPE.match(s) for s in clean):
        raise ContractError(f"scopes must be one or more snake_case names, got {list(scopes)!r}")
    if not _TIME.match(at):
        raise ContractError(f"time {at!r} must be UTC ISO 8601 like 2026-12-05T10:00:00Z")
    return clean


class ConsentLedger:
    """Consent records in the SQLite file at ``path`` (created on first use)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_ledger_path()
        try:
            self._db = open_durable(self.path, _SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ContractError(f"cannot open the consent store: {exc}", path=self.path) from exc

    def __enter__(self) -> ConsentLedger:
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
            raise ContractError(f"cannot write the consent store: {exc}", path=self.path) from exc

    @staticmethod
    def _row(row: Sequence[Any]) -> ConsentRecord:
        data = dict(zip(_FIELDS, row, strict=True))
        data["scopes"] = tuple(json.loads(data["scopes"]))
        return ConsentRecord(**data)

    def _get(self, db: sqlite3.Connection, consent_id: str) -> ConsentRecord | None:
        row = db.execute(
            f"SELECT {', '.join(_FIELDS)} FROM consents WHERE consent_id = ?", (consent_id,)
        ).fetchone()
        return None if row is None else self._row(row)

    def record_many(
        self,
        rows: Iterable[Mapping[str, Any]],
        *,
        chunk: int = 100,
        on_commit: Callable[[list[ConsentRecord]], None] | None = None,
    ) -> list[ConsentRecord]:
        """Store consents, committing every ``chunk``; return the records stored or found.

        Each row has ``user_id``, ``licence_id``, ``licence_version``, ``text_sha256``,
        ``scopes`` and optionally ``source``, ``consent_id`` and ``granted_at``. The same
        ``consent_id`` again with the same content is a no-op; with other content it is
        refused. ``on_commit`` gets each chunk's records after they are durable.
        """
        stored: list[ConsentRecord] = []
        pending: list[ConsentRecord] = []

        def flush() -> None:
            if not pending:
                return
            done: list[ConsentRecord] = []

            def work(db: sqlite3.Connection) -> None:
                for r in pending:
                    done.append(self._insert(db, r))

            self._write(work)
            stored.extend(done)
            pending.clear()
            if on_commit is not None:
                on_commit(done)

        for raw in rows:
            at = str(raw.get("granted_at") or now())
            scopes = raw.get("scopes") or ()
            if isinstance(scopes, str):
                scopes = [s.strip() for s in scopes.split(",") if s.strip()]
            clean = _check(
                str(raw.get("user_id", "")),
                str(raw.get("licence_id", "")),
                str(raw.get("licence_version", "")),
                str(raw.get("text_sha256", "")),
                list(scopes),
                at,
            )
            consent_id = str(raw.get("consent_id") or uuid.uuid4().hex)
            if not _TEXT_ID.match(consent_id):
                raise ContractError(f"consent id {consent_id!r} is not a valid id")
            pending.append(
                ConsentRecord(
                    consent_id,
                    str(raw["user_id"]),
                    str(raw["licence_id"]),
                    str(raw["licence_version"]),
                    str(raw["text_sha256"]),
                    clean,
                    at,
                    str(raw.get("source") or ""),
                )
            )
            if len(pending) >= chunk:
                flush()
        flush()
        return stored

    def _insert(self, db: sqlite3.Connection, r: ConsentRecord) -> ConsentRecord:
        body = [
            r.user_id,
            r.licence_id,
            r.licence_version,
            r.text_sha256,
            list(r.scopes),
            r.granted_at,
            r.source,
        ]
        fingerprint = hashlib.sha256(json.dumps(body).encode()).hexdigest()
        old = db.execute(
            "SELECT fingerprint FROM consents WHERE consent_id = ?", (r.consent_id,)
        ).fetchone()
        if old is not None:
            if old[0] != fingerprint:
                raise ContractError(f"consent {r.consent_id} already holds a different record")
            found = self._get(db, r.consent_id)
            assert found is not None
            return found
        for (earlier,) in db.execute(
            "SELECT consent_id FROM consents WHERE user_id = ? AND licence_id = ? "
            "AND revoked_at IS NULL",
            (r.user_id, r.licence_id),
        ).fetchall():
            note = f"superseded by {r.consent_id}"
            db.execute(
                "UPDATE consents SET revoked_at = ?, ended_by = 'superseded', "
                "revocation_note = ? WHERE consent_id = ?",
                (r.granted_at, note, earlier),
            )
            db.execute(
                "INSERT INTO consent_events (consent_id, user_id, at, event, note) "
                "VALUES (?, ?, ?, 'superseded', ?)",
                (earlier, r.user_id, r.granted_at, note),
            )
        db.execute(
            f"INSERT INTO consents ({', '.join(_FIELDS)}, fingerprint) "
            f"VALUES ({', '.join('?' * (len(_FIELDS) + 1))})",
            (
                r.consent_id,
                r.user_id,
                r.licence_id,
                r.licence_version,
                r.text_sha256,
                json.dumps(list(r.scopes)),
                r.granted_at,
                r.source,
                None,
                None,
                "",
                fingerprint,
            ),
        )
        scope_note = ",".join(r.scopes)
        db.execute(
            "INSERT INTO consent_events (consent_id, user_id, at, event, note) VALUES "
            "(?, ?, ?, 'granted', ?)",
            (
                r.consent_id,
                r.user_id,
                r.granted_at,
                f"{r.licence_id} {r.licence_version}: {scope_note}",
            ),
        )
        return r

    def record(
        self,
        user_id: str,
        licence_id: str,
        licence_version: str,
        text_sha256: str,
        scopes: Sequence[str],
        *,
        source: str = "",
        consent_id: str | None = None,
        granted_at: str | None = None,
    ) -> ConsentRecord:
        """Store one consent (durable on return) and return it; supersedes the user's earlier
        active consent to the same licence."""
        rows = [
            {
                "user_id": user_id,
                "licence_id": licence_id,
                "licence_version": licence_version,
                "text_sha256": text_sha256,
                "scopes": list(scopes),
                "source": source,
                "consent_id": consent_id,
                "granted_at": granted_at,
            }
        ]
        return self.record_many(rows)[0]

    def revoke(
        self,
        user_id: str,
        *,
        licence_id: str | None = None,
        consent_id: str | None = None,
        note: str = "",
        at: str | None = None,
    ) -> list[ConsentRecord]:
        """Revoke the user's active consents (all, one licence's, or one by id); return them.

        Raises ContractError when there is nothing active to revoke.
        """
        when = at or now()
        if not _TIME.match(when):
            raise ContractError(f"time {when!r} must be UTC ISO 8601 like 2026-12-05T10:00:00Z")
        sql = "SELECT consent_id FROM consents WHERE user_id = ? AND revoked_at IS NULL"
        args: list[str] = [user_id]
        if licence_id is not None:
            sql, args = sql + " AND licence_id = ?", [*args, licence_id]
        if consent_id is not None:
            sql, args = sql + " AND consent_id = ?", [*args, consent_id]
        ids = [r[0] for r in self._db.execute(sql, args).fetchall()]
        if not ids:
            raise ContractError(f"user {user_id!r} has no active consent to revoke")

        def work(db: sqlite3.Connection) -> None:
            for cid in ids:
                db.execute(
                    "UPDATE consents SET revoked_at = ?, ended_by = 'revoked', "
                    "revocation_note = ? WHERE consent_id = ?",
                    (when, note or "revoked by the user", cid),
                )
                db.execute(
                    "INSERT INTO consent_events (consent_id, user_id, at, event, note) "
                    "VALUES (?, ?, ?, 'revoked', ?)",
                    (cid, user_id, when, note),
                )

        self._write(work)
        return [r for r in (self._get(self._db, cid) for cid in ids) if r is not None]

    def by_user(self, user_id: str) -> list[ConsentRecord]:
        """Return every consent of the user, oldest first (active and revoked)."""
        rows = self._db.execute(
            f"SELECT {', '.join(_FIELDS)} FROM consents WHERE user_id = ? "
            "ORDER BY granted_at, consent_id",
            (user_id,),
        ).fetchall()
        return [self._row(r) for r in rows]

    def active(self, user_id: str) -> list[ConsentRecord]:
        """Return the user's consents in force."""
        return [r for r in self.by_user(user_id) if r.active]

    def export_user(self, user_id: str) -> dict[str, Any]:
        """Return everything held about the user's consents, JSON-ready (for access requests)."""
        events = self._db.execute(
            "SELECT consent_id, at, event, note FROM consent_events WHERE user_id = ? ORDER BY seq",
            (user_id,),
        ).fetchall()
        return {
            "user_id": user_id,
            "exported_at": now(),
            "store": self.path.name,
            "consents": [r.to_dict() for r in self.by_user(user_id)],
            "events": [
                dict(zip(("consent_id", "at", "event", "note"), e, strict=True)) for e in events
            ],
        }

    def figures(self) -> list[dict[str, Any]]:
        """Return aggregate figures per licence version: users, consents granted, active,
        revoked by users, superseded by a later grant, and active consents per scope."""
        out = []
        rows = self._db.execute(
            "SELECT licence_id, licence_version, COUNT(*), COUNT(DISTINCT user_id), "
            "SUM(revoked_at IS NULL), SUM(ended_by = 'revoked'), SUM(ended_by = 'superseded'), "
            "MIN(granted_at), MAX(granted_at) FROM consents GROUP BY licence_id, "
            "licence_version ORDER BY licence_id, licence_version"
        ).fetchall()
        for lid, version, n, users, active, revoked, superseded, first, last in rows:
            scopes: dict[str, int] = {}
            for (raw,) in self._db.execute(
                "SELECT scopes FROM consents WHERE licence_id = ? AND licence_version = ? AND "
                "revoked_at IS NULL",
                (lid, version),
            ):
                for scope in json.loads(raw):
                    scopes[scope] = scopes.get(scope, 0) + 1
            out.append(
                {
                    "licence_id": lid,
                    "licence_version": version,
                    "consents": n,
                    "users": users,
                    "active": int(active or 0),
                    "revoked": int(revoked or 0),
                    "superseded": int(superseded or 0),
                    "active_by_scope": dict(sorted(scopes.items())),
                    "first_granted": first,
                    "last_granted": last,
                }
            )
        return out
