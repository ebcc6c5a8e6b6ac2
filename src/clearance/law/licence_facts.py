# SPDX-License-Identifier: Apache-2.0
"""Licence facts derived from a licence id: the permission for a purpose, and a contract ban.

The law engine reads two licence facts. ``license_permission`` says whether the licence grants
the use (``clearance.license_permits``); ``terms_prohibit_training`` says whether the licence
or terms expressly forbid AI training (the licence vocabulary's ``ai_training`` stance). They
differ: "all rights reserved" grants nothing but forbids nothing by contract. Both modules are
imported lazily; when they are missing the facts stay unknown.
"""

from __future__ import annotations

import functools
from typing import Any, Final

from clearance.errors import ClearanceError
from clearance.law.facts import UNKNOWN

__all__ = ["LICENSE_USE", "derive_license", "terms_prohibit"]

#: Licence uses (``clearance.license_permits``) for each purpose; unknown -> the strictest.
LICENSE_USE: Final = {
    "research": "research_training",
    "commercial_training": "commercial_training",
    "genai_training": "genai_training",
    UNKNOWN: "genai_training",
}


@functools.cache
def _license_verdict(license_id: str, use: str) -> str:
    try:
        from clearance import license_permits  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return UNKNOWN
    try:
        verdict = str(license_permits(license_id, use).verdict)
    except ClearanceError:
        return UNKNOWN
    return verdict if verdict in {"allowed", "conditional", "not_allowed"} else UNKNOWN


@functools.cache
def terms_prohibit(license_id: str) -> str:
    """Return ``true`` when the licence vocabulary says the licence forbids AI training.

    ``false`` when it is silent or permits it, ``unknown`` when the licence is not known.
    """
    try:
        from clearance.enrich.licenses.vocabulary import default_vocabulary

        entry = default_vocabulary().get(license_id)
    except (ImportError, ClearanceError):
        return UNKNOWN
    stance = getattr(getattr(entry, "terms", None), "ai_training", None)
    if stance is None or stance == UNKNOWN:
        return UNKNOWN
    return "true" if stance == "not_allowed" else "false"


def derive_license(facts: dict[str, Any]) -> str:
    """Return the licence permission for the item's purpose, from ``clearance.license_permits``.

    Returns ``unknown`` when no licence id is known or the licence module is not installed;
    an unknown purpose is judged as the strictest use (generative training).
    """
    license_id = facts.get("license_id", UNKNOWN)
    if license_id == UNKNOWN:
        return UNKNOWN
    return _license_verdict(str(license_id), LICENSE_USE[facts.get("purpose", UNKNOWN)])
