# SPDX-License-Identifier: Apache-2.0
"""The facts vocabulary: what the law engine knows about one item, and how it is normalised.

Every fact is optional. A fact that is absent, null or ``unknown`` is *unknown*, and the rules
never read an unknown fact in the user's favour. Facts are normalised to a flat mapping of
strings (booleans become ``"true"``/``"false"``, anything missing ``"unknown"``) plus
``collected_at`` as a ``date`` or None, so that rule conditions compare plain values and a scan
can group items by their distinct fact combination. ``docs/law-engine.md`` documents each key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Final

import yaml

from clearance.errors import FactsError
from clearance.yamlio import load_yaml

__all__ = [
    "BOOL_FACTS",
    "DATE_FACTS",
    "ENUM_FACTS",
    "FACT_KEYS",
    "FREE_FACTS",
    "UNKNOWN",
    "Facts",
    "load_facts",
    "normalize_facts",
    "parse_date",
]

UNKNOWN: Final = "unknown"

#: Closed-vocabulary facts and their allowed values (``unknown`` is always allowed as well).
ENUM_FACTS: Final[dict[str, tuple[str, ...]]] = {
    "purpose": ("research", "commercial_training", "genai_training"),
    "org_type": ("company", "research_org", "cultural_heritage"),
    "reservation": ("reserved", "not_reserved"),
    "reservation_form": ("machine_readable", "natural_language", "none"),
    "access": ("lawful", "paywall_circumvented"),
    "personal_data": ("none", "ordinary", "special_category", "biometric", "minors"),
    # Added keys (the issue allows more): see docs/law-engine.md.
    "license_permission": ("allowed", "conditional", "not_allowed"),
    "gdpr_basis": ("consent", "legitimate_interest", "contract", "none"),
    "persona_use": ("none", "voice", "likeness"),
    # Issue 12: where the training copies were made (a market code, or `other`), and whether
    # items were collected from a platform while logged in to an account bound by its terms.
    "training_place": (
        "us", "eu", "de", "uk", "jp", "cn", "sg", "kr", "in", "ca", "au", "il", "br", "ch",
        "hk", "tw", "fr", "it", "nl", "other",
    ),  # fmt: skip
    "platform_access": ("logged_in", "logged_out"),
}
#: Yes/no facts; None (or absent) is unknown.
BOOL_FACTS: Final[tuple[str, ...]] = (
    "piracy_source",
    "database_substantial_extraction",
    "retained_after_training",
    "memorization",
    "output_competes",
    # Added keys.
    "consent_documented",
    "art9_condition",
    "gpai_eu_market",
    "ai_act_documentation",
    "illinois_subjects",
    "terms_prohibit_training",
    "rag_outputs",
    "provider_generated",
)
#: Facts holding a date (a ``date`` or an ISO ``YYYY-MM-DD`` string).
DATE_FACTS: Final[tuple[str, ...]] = ("collected_at", "model_placed_at")
#: Open-vocabulary string facts (ids from other vocabularies).
FREE_FACTS: Final[tuple[str, ...]] = ("source_category", "license_id")
FACT_KEYS: Final[tuple[str, ...]] = tuple(ENUM_FACTS) + BOOL_FACTS + DATE_FACTS + FREE_FACTS


@dataclass(frozen=True, slots=True)
class Facts:
    """The facts about one item (or one group of items) that the law engine judges.

    Leave a field ``None`` when it is not known; the engine treats it as unknown, never as
    the favourable value.
    """

    purpose: str | None = None
    org_type: str | None = None
    source_category: str | None = None
    license_id: str | None = None
    reservation: str | None = None
    reservation_form: str | None = None
    access: str | None = None
    piracy_source: bool | None = None
    personal_data: str | None = None
    database_substantial_extraction: bool | None = None
    collected_at: dt.date | str | None = None
    retained_after_training: bool | None = None
    memorization: bool | None = None
    output_competes: bool | None = None
    license_permission: str | None = None
    gdpr_basis: str | None = None
    art9_condition: bool | None = None
    consent_documented: bool | None = None
    persona_use: str | None = None
    illinois_subjects: bool | None = None
    gpai_eu_market: bool | None = None
    model_placed_at: dt.date | str | None = None
    ai_act_documentation: bool | None = None
    terms_prohibit_training: bool | None = None
    rag_outputs: bool | None = None
    training_place: str | None = None
    platform_access: str | None = None
    provider_generated: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the facts that are set, as a plain mapping."""
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }


def parse_date(value: Any, *, key: str = "collected_at") -> dt.date | None:
    """Return ``value`` as a date (None when unknown); raise FactsError when it is not one."""
    if value is None or value == UNKNOWN or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) > 10:
                return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise FactsError(f"{key}: expected a date or an ISO date string, got {value!r}")


def _bool(key: str, value: Any) -> str:
    if value is None or value == UNKNOWN:
        return UNKNOWN
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower()
    raise FactsError(f"{key}: expected true, false or unknown, got {value!r}")


def normalize_facts(facts: Mapping[str, Any] | Facts) -> dict[str, Any]:
    """Return facts as the flat mapping rules read: every key present, unknowns as ``unknown``.

    Raises FactsError for a key outside the vocabulary or a value outside a closed set.
    """
    raw = facts.to_dict() if isinstance(facts, Facts) else dict(facts)
    extra = sorted(set(raw) - set(FACT_KEYS))
    if extra:
        raise FactsError(f"unknown fact keys {extra}; known keys: {', '.join(FACT_KEYS)}")
    out: dict[str, Any] = {}
    for key, allowed in ENUM_FACTS.items():
        value = raw.get(key)
        if value is None:
            out[key] = UNKNOWN
            continue
        if not isinstance(value, str) or (value not in allowed and value != UNKNOWN):
            raise FactsError(f"{key}: {value!r} is not one of {', '.join(allowed)} or unknown")
        out[key] = value
    for key in BOOL_FACTS:
        out[key] = _bool(key, raw.get(key))
    for key in DATE_FACTS:
        out[key] = parse_date(raw.get(key), key=key)
    for key in FREE_FACTS:
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            raise FactsError(f"{key}: expected a string id, got {value!r}")
        out[key] = value.strip() if isinstance(value, str) and value.strip() else UNKNOWN
    return out


def load_facts(path: str | Path) -> dict[str, Any]:
    """Return the facts mapping in a YAML or JSON file, validated against the vocabulary.

    Raises FactsError naming the file when it cannot be read, is not a mapping, or uses a key
    or value outside the vocabulary.
    """
    path = Path(path)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise FactsError(f"{path}: cannot read facts: {exc}".replace("\n", " ")) from exc
    if not isinstance(data, dict):
        raise FactsError(f"{path}: expected a mapping of fact -> value")
    try:
        normalize_facts(data)
    except FactsError as exc:
        raise FactsError(f"{path}: {exc.message}") from exc
    return data
