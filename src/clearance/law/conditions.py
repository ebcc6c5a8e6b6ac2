# SPDX-License-Identifier: Apache-2.0
"""The condition grammar rules and analyses use to say when they apply.

A ``when`` mapping holds one entry per fact; every entry must hold (logical AND)::

    purpose: [commercial_training, genai_training]   # any of these values
    reservation: reserved                            # exactly this value
    piracy_source: false                             # booleans: true | false | unknown
    access: {not: [lawful]}                          # none of these values
    collected_at: {before: 2022-01-01}               # dates: before | on_or_after; unknown
    collected_at: unknown                            #   matches a comparison only with
    model_placed_at: {on_or_after: 2025-08-02, or_unknown: true}   # or_unknown: true

Values are checked against the facts vocabulary when a rule is loaded, so a typo is an error
naming the file, not a rule that silently never fires.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from clearance.law.facts import BOOL_FACTS, DATE_FACTS, ENUM_FACTS, FACT_KEYS, FREE_FACTS, UNKNOWN

__all__ = ["Condition", "compile_conditions", "date_thresholds"]

Condition = Callable[[dict[str, Any]], bool]


def _scalar(key: str, value: Any) -> str:
    if isinstance(value, bool):
        if key not in BOOL_FACTS:
            raise ValueError(f"{key}: a boolean value is only allowed for yes/no facts")
        return "true" if value else "false"
    if not isinstance(value, str):
        raise ValueError(f"{key}: expected a string value, got {value!r}")
    if key in ENUM_FACTS and value not in ENUM_FACTS[key] and value != UNKNOWN:
        raise ValueError(f"{key}: {value!r} is not one of {', '.join(ENUM_FACTS[key])}, unknown")
    if key in BOOL_FACTS and value not in {"true", "false", UNKNOWN}:
        raise ValueError(f"{key}: {value!r} is not true, false or unknown")
    return value


def _values(key: str, value: Any) -> frozenset[str]:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise ValueError(f"{key}: empty list of values")
    return frozenset(_scalar(key, v) for v in items)


def _date(key: str, value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{key}: expected a date YYYY-MM-DD, got {value!r}")


def _date_condition(key: str, spec: Any) -> Condition:
    if spec == UNKNOWN:
        return lambda facts: facts[key] is None
    if spec == "known":
        return lambda facts: facts[key] is not None
    ops = {"before", "on_or_after"}
    if not isinstance(spec, dict) or not set(spec) & ops or set(spec) - ops - {"or_unknown"}:
        raise ValueError(f"{key}: use unknown, known, or {{before|on_or_after: DATE}}")
    before = _date(key, spec["before"]) if "before" in spec else None
    after = _date(key, spec["on_or_after"]) if "on_or_after" in spec else None
    or_unknown = spec.get("or_unknown", False)
    if not isinstance(or_unknown, bool):
        raise ValueError(f"{key}: or_unknown must be true or false")

    def check(facts: dict[str, Any]) -> bool:
        value = facts[key]
        if value is None:
            return or_unknown
        if before is not None and not value < before:
            return False
        return after is None or value >= after

    return check


def _one(key: str, spec: Any) -> Condition:
    if key not in FACT_KEYS:
        raise ValueError(f"unknown fact {key!r}; known facts: {', '.join(FACT_KEYS)}")
    if key in DATE_FACTS:
        return _date_condition(key, spec)
    if isinstance(spec, dict):
        if set(spec) != {"not"}:
            raise ValueError(f"{key}: the only operator for this fact is 'not'")
        excluded = _values(key, spec["not"])
        if key in FREE_FACTS:
            folded_out = frozenset(v.strip().lower() for v in excluded)
            return lambda facts: str(facts[key]).lower() not in folded_out
        return lambda facts: facts[key] not in excluded
    allowed = _values(key, spec)
    if key in FREE_FACTS:  # ids from other vocabularies compare without case
        folded = frozenset(v.strip().lower() for v in allowed)
        return lambda facts: str(facts[key]).lower() in folded
    return lambda facts: facts[key] in allowed


def compile_conditions(when: dict[str, Any]) -> tuple[Condition, ...]:
    """Return one predicate per entry of a ``when`` mapping; raise ValueError when invalid."""
    if not isinstance(when, dict):
        raise ValueError("'when' must be a mapping of fact -> condition")
    return tuple(_one(str(key), spec) for key, spec in when.items())


def date_thresholds(whens: list[dict[str, Any]], key: str) -> tuple[dt.date, ...]:
    """Return the sorted distinct dates the conditions compare ``key`` with.

    A scan maps each item's date to the interval between thresholds it falls in, so items
    that no rule can tell apart share one distinct fact combination.
    """
    found: set[dt.date] = set()
    for when in whens:
        spec = when.get(key)
        if isinstance(spec, dict):
            for op in ("before", "on_or_after"):
                if op in spec:
                    found.add(_date(key, spec[op]))
    return tuple(sorted(found))
