# SPDX-License-Identifier: Apache-2.0
"""Local users, API tokens and sign-in sessions of the web app: one SQLite file.

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106's second recommended
option); API tokens and session ids are 256-bit random values stored only as their SHA-256,
so a copy of the file gives no way in. Roles are ``viewer`` < ``counsel`` < ``admin``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from clearance.errors import InputError

__all__ = ["ROLES", "SESSION_HOURS", "User", "UserStore", "role_at_least"]

ROLES: Final = ("viewer", "counsel", "admin")
#: How long a sign-in lasts.
SESSION_HOURS: Final = 12
MIN_PASSWORD: Final = 12
_NAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
  name TEXT PRIMARY KEY, role TEXT NOT NULL, password TEXT, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
  digest TEXT PRIMARY KEY, name TEXT NOT NULL, label TEXT NOT NULL, created_at TEXT NOT NULL,
  last_used TEXT);
CREATE TABLE IF NOT EXISTS sessions (
  digest TEXT PRIMARY KEY, name TEXT NOT NULL, expires TEXT NOT NULL);
"""
_HASHER = PasswordHasher()
# Verified against when the user does not exist, so a wrong name costs as long as a wrong
# password (no user enumeration by timing).
_DUMMY = _HASHER.hash(secrets.token_hex(16))


def role_at_least(role: str, needed: str) -> bool:
    """Return True when ``role`` grants what ``needed`` grants."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class User:
    """A signed-in user (or the owner of an API token)."""

    name: str
    role: str
    via: str = "session"  # session | token

    def can(self, needed: str) -> bool:
        """Return True when the user's role grants ``needed``."""
        return role_at_least(self.role, needed)


class UserStore:
    """The users file at ``path`` (created on first use)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, timeout=30.0, isolation_level=None, check_same_thread=False
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise InputError(f"{self.path}: cannot open the users file: {exc}") from exc

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def _run(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        with self._lock:
            return list(self._db.execute(sql, args).fetchall())

    # ---- users ----------------------------------------------------------------------------

    def add(self, name: str, role: str, password: str | None = None) -> User:
        """Create a user; raise InputError for a bad name, role or weak password, or a
        name already taken."""
        name = name.strip().lower()
        if not _NAME.match(name):
            raise InputError(f"user name {name!r}: use 1-64 of a-z 0-9 . _ @ -")
        if role not in ROLES:
            raise InputError(f"role {role!r} is not one of {', '.join(ROLES)}")
        hashed = self._hash(password) if password is not None else None
        try:
            self._run(
                "INSERT INTO users VALUES (?, ?, ?, ?)",
                (name, role, hashed, _now().isoformat()),
            )
        except sqlite3.IntegrityError:
            raise InputError(f"user {name!r} exists already") from None
        return User(name, role)

    @staticmethod
    def _hash(password: str) -> str:
        if len(password) < MIN_PASSWORD:
            raise InputError(f"a password needs at least {MIN_PASSWORD} characters")
        return _HASHER.hash(password)

    def set_password(self, name: str, password: str) -> None:
        """Set a user's password; raise InputError for an unknown user or a weak password."""
        self.get(name)
        self._run("UPDATE users SET password = ? WHERE name = ?", (self._hash(password), name))

    def set_role(self, name: str, role: str) -> None:
        """Change a user's role."""
        if role not in ROLES:
            raise InputError(f"role {role!r} is not one of {', '.join(ROLES)}")
        self.get(name)
        self._run("UPDATE users SET role = ? WHERE name = ?", (role, name))

    def remove(self, name: str) -> None:
        """Delete a user with their tokens and sessions."""
        self.get(name)
        for table in ("tokens", "sessions", "users"):
            self._run(f"DELETE FROM {table} WHERE name = ?", (name,))

    def get(self, name: str) -> User:
        """Return a user; raise InputError when there is none by that name."""
        rows = self._run("SELECT name, role FROM users WHERE name = ?", (name.strip().lower(),))
        if not rows:
            raise InputError(f"no user {name!r}")
        return User(str(rows[0][0]), str(rows[0][1]))

    def users(self) -> list[dict[str, object]]:
        """Return every user with role, whether a password is set and the token count."""
        rows = self._run(
            "SELECT u.name, u.role, u.password IS NOT NULL, u.created_at, "
            "(SELECT COUNT(*) FROM tokens t WHERE t.name = u.name) FROM users u ORDER BY u.name"
        )
        keys = ("name", "role", "has_password", "created_at", "tokens")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def has_password_user(self) -> bool:
        """Return True when some user can sign in with a password."""
        return bool(self._run("SELECT 1 FROM users WHERE password IS NOT NULL LIMIT 1"))

    def verify(self, name: str, password: str) -> User | None:
        """Return the user when the password is theirs, else None (constant work either way)."""
        rows = self._run(
            "SELECT name, role, password FROM users WHERE name = ?", (name.strip().lower(),)
        )
        stored = str(rows[0][2]) if rows and rows[0][2] is not None else _DUMMY
        try:
            _HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if not rows or rows[0][2] is None:
            return None
        if _HASHER.check_needs_rehash(stored):
            self._run("UPDATE users SET password = ? WHERE name = ?",
                      (_HASHER.hash(password), rows[0][0]))  # fmt: skip
        return User(str(rows[0][0]), str(rows[0][1]))

    # ---- API tokens -----------------------------------------------------------------------

    def issue_token(self, name: str, label: str = "") -> str:
        """Return a new API token for a user (shown once; only its hash is kept)."""
        self.get(name)
        token = "clr_" + secrets.token_urlsafe(32)
        self._run(
            "INSERT INTO tokens VALUES (?, ?, ?, ?, NULL)",
            (_digest(token), name, label.strip()[:80], _now().isoformat()),
        )
        return token

    def token_user(self, token: str) -> User | None:
        """Return the owner of an API token (None when the token is unknown)."""
        rows = self._run(
            "SELECT u.name, u.role FROM tokens t JOIN users u ON u.name = t.name "
            "WHERE t.digest = ?",
            (_digest(token),),
        )
        if not rows:
            return None
        return User(str(rows[0][0]), str(rows[0][1]), via="token")

    def tokens(self, name: str | None = None) -> list[dict[str, object]]:
        """Return the tokens (id = first 12 hex of the hash, label, owner, dates)."""
        sql = "SELECT substr(digest, 1, 12), name, label, created_at FROM tokens"
        rows = self._run(sql + (" WHERE name = ?" if name else "") + " ORDER BY created_at",
                         (name,) if name else ())  # fmt: skip
        keys = ("id", "name", "label", "created_at")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def revoke_token(self, token_id: str) -> None:
        """Delete the token whose id (hash prefix, >= 8 hex) is ``token_id``."""
        if not re.fullmatch(r"[0-9a-f]{8,64}", token_id):
            raise InputError("a token id is 8 to 64 hex digits")
        found = self._run("SELECT digest FROM tokens WHERE digest LIKE ?", (token_id + "%",))
        if len(found) != 1:
            raise InputError(f"token id {token_id!r} names {len(found)} tokens")
        self._run("DELETE FROM tokens WHERE digest = ?", (found[0][0],))

    # ---- sessions -------------------------------------------------------------------------

    def open_session(self, name: str, hours: int = SESSION_HOURS) -> str:
        """Return a new session id for a user (the cookie value)."""
        sid = secrets.token_urlsafe(32)
        expires = (_now() + dt.timedelta(hours=hours)).isoformat()
        self._run("DELETE FROM sessions WHERE expires < ?", (_now().isoformat(),))
        self._run("INSERT INTO sessions VALUES (?, ?, ?)", (_digest(sid), name, expires))
        return sid

    def session_user(self, sid: str) -> User | None:
        """Return the user of a live session (None when unknown or expired)."""
        rows = self._run(
            "SELECT u.name, u.role, s.expires FROM sessions s JOIN users u ON u.name = s.name "
            "WHERE s.digest = ?",
            (_digest(sid),),
        )
        if not rows or str(rows[0][2]) < _now().isoformat():
            return None
        return User(str(rows[0][0]), str(rows[0][1]))

    def close_session(self, sid: str) -> None:
        """End a session."""
        self._run("DELETE FROM sessions WHERE digest = ?", (_digest(sid),))
