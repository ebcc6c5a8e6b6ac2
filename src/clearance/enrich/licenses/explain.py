# SPDX-License-Identifier: Apache-2.0
"""One call that answers "what licence is this, and may we use it?": :func:`explain_license`.

Used by the ``clearance license`` command and the web layer; returns JSON-ready data.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from clearance.enrich.licenses.normalize import normalize_license
from clearance.enrich.licenses.permissions import license_permits
from clearance.enrich.licenses.schema import USES
from clearance.enrich.licenses.vocabulary import Vocabulary, default_vocabulary
from clearance.errors import InputError

__all__ = ["explain_license"]


def explain_license(
    value: str, use: str | None = None, *, vocabulary: Vocabulary | None = None
) -> dict[str, Any]:
    """Return the normalised licence of ``value``, its facts, and its permission(s).

    With ``use`` the result holds that one permission; without, one per use in ``USES``.
    """
    if use is not None and use not in USES:
        raise InputError(f"unknown use {use!r}; expected one of {', '.join(USES)}")
    vocab = vocabulary if vocabulary is not None else default_vocabulary()
    match = normalize_license(value, vocabulary=vocab)
    entry = vocab.get(match.id)
    facts: dict[str, Any] | None = None
    if entry is not None:
        facts = {
            "name": entry.name,
            "family": entry.family,
            "kind": entry.kind,
            "spdx_id": entry.spdx_id,
            "scancode_key": entry.scancode_key,
            "source_url": entry.source_url,
            "verified": entry.verified,
            "notes": entry.notes,
            **entry.terms.model_dump(),
        }
    uses = (use,) if use is not None else USES
    permissions = [asdict(license_permits(match.id, u, vocabulary=vocabulary)) for u in uses]
    return {
        "match": asdict(match),
        "license": facts,
        "permissions": permissions,
        "disclaimer": "Risk assessment, not legal advice.",
    }
