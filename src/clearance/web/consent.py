# SPDX-License-Identifier: Apache-2.0
"""The seam between the consent pages and the library's consent store.

The pages only call :class:`ConsentBackend`. :func:`consent_backend` binds it to
:class:`clearance.decide.consent.ConsentLedger` (the takedown ledger's SQLite file) and the
opt-in user licence of :mod:`clearance.draft.user_licence`; when those are not installed it
returns None and the pages say that consent recording is not available (they never keep
consent themselves). The web layer identifies a person by email address but hands the store
only a pseudonym (:func:`pseudonym`: an HMAC of the address under the server's secret).
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any, Protocol

from clearance.web.security import sign

__all__ = ["ConsentBackend", "LibraryConsent", "consent_backend", "pseudonym"]

logger = logging.getLogger(__name__)


def pseudonym(secret: bytes, email: str) -> str:
    """Return the user id the consent store keeps for an email address (``web:`` + HMAC)."""
    return "web:" + sign(secret, "consent-user", email.strip().lower())


class ConsentBackend(Protocol):
    """What the consent pages need from the store."""

    def licence(self) -> dict[str, Any] | None:
        """Return the licence in effect: ``id``, ``version``, ``title``, ``summary``,
        ``effective``, ``scopes`` (name -> what it allows), ``text``, ``text_sha256``."""

    def record(self, user: str, version: str, scopes: list[str]) -> dict[str, Any]:
        """Record that ``user`` granted licence ``version`` for ``scopes``; return the record."""

    def revoke(self, user: str) -> list[dict[str, Any]]:
        """Revoke the user's active consents; return the records changed."""

    def by_user(self, user: str) -> list[dict[str, Any]]:
        """Return every consent record of one user, oldest first."""

    def export(self, user: str) -> dict[str, Any]:
        """Return everything held about the user's consents (records and events)."""

    def figures(self) -> list[dict[str, Any]]:
        """Return aggregate figures per licence version."""


class LibraryConsent:
    """:class:`ConsentBackend` over ``clearance.decide.consent`` and the user licence."""

    def __init__(self, ledger: Path, *, provider: str = "the Provider",
                 product: str = "the service") -> None:  # fmt: skip
        from clearance.decide.consent import ConsentLedger

        # the package re-exports a function of the same name: take the module itself
        user_licence: Any = importlib.import_module("clearance.draft.user_licence")

        self._ledger_class = ConsentLedger
        self._licences = user_licence
        self._path = ledger
        self._provider, self._product = provider, product

    def _open(self) -> Any:
        return self._ledger_class(self._path)

    def licence(self) -> dict[str, Any] | None:
        """Return the licence version in effect today, its text rendered."""
        from clearance.draft.render_md import markdown
        from clearance.draft.templating import environment

        found = self._licences.user_licence()
        env = environment()
        return {
            "id": found.id,
            "version": found.version,
            "title": found.title,
            "summary": found.summary,
            "effective": found.effective.isoformat(),
            "scopes": {k: " ".join(env.from_string(v).render(
                provider=self._provider, product=self._product, removal_days=30).split())
                for k, v in found.scopes.items()},
            "text": markdown(self._licences.render_user_licence(
                found.version, provider=self._provider, product=self._product)),
            "text_sha256": found.text_sha256,
        }  # fmt: skip

    def record(self, user: str, version: str, scopes: list[str]) -> dict[str, Any]:
        """Record one consent through ``record_consent`` (checks version and scopes)."""
        with self._open() as ledger:
            done = self._licences.record_consent(ledger, user, scopes, version=version,
                                                 source="web")  # fmt: skip
            return dict(done.to_dict())

    def revoke(self, user: str) -> list[dict[str, Any]]:
        """Revoke every active consent of the user."""
        with self._open() as ledger:
            return [dict(r.to_dict()) for r in ledger.revoke(user, note="revoked on the web")]

    def by_user(self, user: str) -> list[dict[str, Any]]:
        """List a user's records."""
        with self._open() as ledger:
            return [dict(r.to_dict()) for r in ledger.by_user(user)]

    def export(self, user: str) -> dict[str, Any]:
        """Export a user's records and events."""
        with self._open() as ledger:
            return dict(ledger.export_user(user))

    def figures(self) -> list[dict[str, Any]]:
        """Aggregate figures per licence version."""
        with self._open() as ledger:
            return list(ledger.figures())


def consent_backend(ledger: Path) -> ConsentBackend | None:
    """Return the library's consent store over ``ledger``, or None when it is not installed."""
    try:
        importlib.import_module("clearance.decide.consent")
        importlib.import_module("clearance.draft.user_licence")
    except ImportError:
        logger.info("no consent store (clearance.decide.consent): consent pages read-only")
        return None
    return LibraryConsent(ledger)
