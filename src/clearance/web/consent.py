# SPDX-License-Identifier: Apache-2.0
"""The seam between the consent pages and the consent store of ``clearance.decide.consent``.

The pages only call :class:`ConsentBackend`. :func:`consent_backend` returns one bound to the
takedown ledger's SQLite file when the library provides the store, else None, and the pages
then say that consent recording is not available (they never keep consent themselves).
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any, Protocol

__all__ = ["ConsentBackend", "LibraryConsent", "consent_backend"]

logger = logging.getLogger(__name__)


class ConsentBackend(Protocol):
    """What the consent pages need from the store."""

    def licence(self) -> dict[str, Any] | None:
        """Return the current opt-in licence: ``version``, ``title``, ``text`` (Markdown)."""

    def record(self, user: str, version: str) -> dict[str, Any]:
        """Record that ``user`` consented to licence ``version``; return the record."""

    def revoke(self, user: str, version: str | None = None) -> list[dict[str, Any]]:
        """Revoke the user's consent (to one version, or all); return the records changed."""

    def by_user(self, user: str) -> list[dict[str, Any]]:
        """Return every consent record of one user, oldest first (the export)."""

    def figures(self) -> list[dict[str, Any]]:
        """Return aggregate figures per licence version: granted, revoked, in force."""


class LibraryConsent:
    """Adapter to ``clearance.decide.consent`` over the ledger's SQLite file."""

    def __init__(self, module: Any, ledger: Path) -> None:
        self._module = module
        self._ledger = ledger

    def _store(self) -> Any:
        return self._module.ConsentStore(self._ledger)

    def licence(self) -> dict[str, Any] | None:
        """Return the current licence text and version from the library."""
        current = getattr(self._module, "current_licence", None)
        if current is None:
            return None
        found = current()
        if found is None:
            return None
        return found if isinstance(found, dict) else dict(vars(found))

    def _call(self, name: str, *args: Any) -> Any:
        store = self._store()
        try:
            return getattr(store, name)(*args)
        finally:
            getattr(store, "close", lambda: None)()

    def record(self, user: str, version: str) -> dict[str, Any]:
        """Record one consent."""
        return _plain(self._call("record", user, version))

    def revoke(self, user: str, version: str | None = None) -> list[dict[str, Any]]:
        """Revoke consent."""
        return [_plain(r) for r in self._call("revoke", user, version) or []]

    def by_user(self, user: str) -> list[dict[str, Any]]:
        """List a user's records."""
        return [_plain(r) for r in self._call("by_user", user)]

    def figures(self) -> list[dict[str, Any]]:
        """Aggregate figures per version."""
        return [_plain(r) for r in self._call("figures")]


def _plain(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if hasattr(value, "to_dict"):
        return dict(value.to_dict())
    return dict(vars(value))


def consent_backend(ledger: Path) -> ConsentBackend | None:
    """Return the library's consent store over ``ledger``, or None when it is not installed."""
    try:
        module = importlib.import_module("clearance.decide.consent")
    except ImportError:
        logger.info("clearance.decide.consent is not available: consent pages are read-only")
        return None
    if not hasattr(module, "ConsentStore"):
        return None
    return LibraryConsent(module, ledger)
