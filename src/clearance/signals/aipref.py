# SPDX-License-Identifier: Apache-2.0
"""IETF AI Preferences: ``Content-Usage`` in HTTP headers and in robots.txt.

Follows draft-ietf-aipref-vocab-08 (the vocabulary: ``train-ai``, ``ai-use``, ``search``, each
``y`` or ``n``, serialised as an RFC 9651 Dictionary) and draft-ietf-aipref-attach-05 (the
``Content-Usage`` header field and the robots.txt ``Content-Usage: [path] preference`` rule).

Processing as the vocabulary draft says: a parse failure makes every preference unknown; a
value other than the Token ``y``/``n`` is unknown; parameters are ignored; a repeated key keeps
its last value; labels outside the current vocabulary are ignored. Labels of earlier drafts
(``train-genai``, ``tdm``, ``bots``, ...) are therefore *unknown*, never reservations; they are
still recorded, verbatim, as evidence. Several statements combine most-restrictively (any
``n`` disallows, else any ``y`` allows, else unknown).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Literal

from clearance.models import Signal
from clearance.signals.aipref_sf import SFError, Token, parse_dictionary
from clearance.signals.robots.match import CompiledRules, Rule
from clearance.signals.robots.paths import normalize_pattern
from clearance.signals.vocab import NOT_RESERVED, RESERVED, UNKNOWN, Purpose

__all__ = [
    "AIPREF_VERSION",
    "CURRENT_LABELS",
    "LEGACY_LABELS",
    "Preference",
    "UsagePreference",
    "UsageRule",
    "combine_usage",
    "content_usage_signals",
    "parse_content_usage",
    "parse_usage_rule",
    "select_usage_rules",
]

AIPREF_VERSION = "draft-ietf-aipref-vocab-08; draft-ietf-aipref-attach-05"

Preference = Literal["allowed", "disallowed", "unknown"]

# label -> the purposes of signals.vocab it speaks for
CURRENT_LABELS: dict[str, tuple[Purpose, ...]] = {
    "train-ai": ("genai_training",),  # vocab-08 §4.1: training of *generative* AI models
    "ai-use": ("ai_inference",),  # vocab-08 §4.2: input to a generative model, not user-supplied
    "search": ("search",),  # vocab-08 §4.3
}
# labels of earlier drafts (vocab-00..07) and the purpose they were about; read as unknown
LEGACY_LABELS: dict[str, Purpose] = {
    "tdm": "tdm",
    "ai": "ai_training",
    "genai": "genai_training",
    "inference": "ai_inference",
    "all": "tdm",
    "bots": "tdm",
    "train-genai": "genai_training",
    "ai-output": "ai_inference",
}


@dataclass(frozen=True, slots=True)
class UsagePreference:
    """One statement of preference: the value per current label, plus what was ignored."""

    raw: str
    values: dict[str, Preference] = field(default_factory=dict)
    parsed: bool = True
    ignored: tuple[str, ...] = ()  # labels outside the current vocabulary, as written
    notes: tuple[str, ...] = ()

    def get(self, label: str) -> Preference:
        """Return allowed, disallowed or unknown for one vocabulary label."""
        return self.values.get(label, "unknown")


def parse_content_usage(value: str | bytes) -> UsagePreference:
    """Return the preferences of one Content-Usage value (header field or robots.txt rule)."""
    raw = value.decode("latin-1") if isinstance(value, bytes) else value
    try:
        members = parse_dictionary(value)
    except SFError as exc:
        return UsagePreference(
            raw=raw[:500],
            values={label: "unknown" for label in CURRENT_LABELS},
            parsed=False,
            notes=(f"not a Structured Field Dictionary ({exc}): every preference is unknown",),
        )
    values: dict[str, Preference] = {}
    notes: list[str] = []
    for label in CURRENT_LABELS:
        if label not in members:
            continue
        item, _params = members[label]
        if isinstance(item, Token) and item in ("y", "n"):
            values[label] = "allowed" if item == "y" else "disallowed"
        else:
            values[label] = "unknown"
            notes.append(f"{label}: value {item!r} is not the token y or n, so unknown")
    ignored = tuple(k for k in members if k not in CURRENT_LABELS)
    for label in ignored:
        if label in LEGACY_LABELS:
            notes.append(f"{label}: label of an earlier aipref draft, ignored (unknown)")
    if values.get("search") == "allowed" and values.get("train-ai") == "disallowed":
        notes.append("search=y also allows training models used only for that search (vocab §4.3)")
    return UsagePreference(raw=raw[:500], values=values, ignored=ignored, notes=tuple(notes))


def combine_usage(statements: Iterable[UsagePreference]) -> UsagePreference:
    """Return the most restrictive combination of statements (vocab-08 §5.1)."""
    items = list(statements)
    values: dict[str, Preference] = {}
    for label in CURRENT_LABELS:
        seen = {s.get(label) for s in items}
        if "disallowed" in seen:
            values[label] = "disallowed"
        elif "allowed" in seen:
            values[label] = "allowed"
    return UsagePreference(
        raw=" | ".join(s.raw for s in items)[:500],
        values=values,
        parsed=all(s.parsed for s in items),
        ignored=tuple(dict.fromkeys(k for s in items for k in s.ignored)),
        notes=tuple(dict.fromkeys(n for s in items for n in s.notes)),
    )


@dataclass(frozen=True, slots=True)
class UsageRule:
    """A robots.txt ``Content-Usage`` rule: the path it covers and its preference."""

    path: str  # raw path pattern ("/" when the rule gave none)
    preference: UsagePreference
    line: int
    raw: str
    path_given: bool = True


_WS = re.compile(r"[ \t]+")


def parse_usage_rule(value: str, *, line: int = 0, raw: str = "") -> UsageRule:
    """Return the rule of a robots.txt ``Content-Usage`` value (``[path WS] preference``).

    attach-05 puts a path first; an older form without a path (the preference alone) is read
    as applying to ``/`` and noted.
    """
    text = value.strip()
    if text.startswith("/"):
        parts = _WS.split(text, maxsplit=1)
        path = parts[0]
        pref = parse_content_usage(parts[1] if len(parts) > 1 else "")
        if len(parts) == 1:
            pref = UsagePreference(
                raw=text, parsed=False, notes=("path without a preference: unknown",)
            )
        return UsageRule(path, pref, line, raw or value)
    pref = parse_content_usage(text)
    note = "no path given: read as applying to / (attach-05 form has a path)"
    pref = UsagePreference(pref.raw, pref.values, pref.parsed, pref.ignored, (*pref.notes, note))
    return UsageRule("/", pref, line, raw or value, path_given=False)


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> CompiledRules:
    return CompiledRules([Rule(True, normalize_pattern(pattern), pattern, 0)])


def _pattern_length_and_match(pattern: str, path: str) -> int:
    compiled = _compiled(pattern)
    return compiled.rules[0].priority if compiled.decide(path) is not None else -1


def select_usage_rules(rules: Sequence[UsageRule], path: str) -> tuple[UsageRule, ...]:
    """Return the rules that apply to a normalised path: all those of the longest match.

    Rules with identical (longest) paths all apply and are combined most-restrictively by
    the caller (attach-05 §3.1); rule order carries no meaning.
    """
    best = -1
    chosen: list[UsageRule] = []
    for rule in rules:
        length = _pattern_length_and_match(rule.path, path)
        if length > best:
            best, chosen = length, [rule]
        elif length == best and length >= 0:
            chosen.append(rule)
    return tuple(chosen) if best >= 0 else ()


_VERDICT = {"allowed": NOT_RESERVED, "disallowed": RESERVED, "unknown": UNKNOWN}


def content_usage_signals(
    value: str | bytes | UsagePreference,
    *,
    location: str = "header:content-usage",
    observed_at: datetime | None = None,
    agent: str | None = None,
    scope: str = "item",
    confidence: float = 1.0,
    notes: Sequence[str] = (),
) -> list[Signal]:
    """Return the signals of one Content-Usage statement (by default, an HTTP header).

    One signal per purpose a current label speaks for, unknown ones included when the label
    was present (so a malformed value is still evidence), plus an ``unknown`` record for each
    label of an earlier draft.
    """
    pref = value if isinstance(value, UsagePreference) else parse_content_usage(value)
    all_notes = (*notes, *pref.notes)

    def make(purpose: Purpose, verdict: str, conf: float, first_note: str) -> Signal:
        return Signal(
            standard="content-usage",
            purpose=purpose,
            verdict=verdict,
            location=location,
            excerpt=pref.raw[:500],
            agent=agent,
            scope=scope,
            observed_at=observed_at,
            confidence=conf,
            spec_version=AIPREF_VERSION,
            notes=(first_note, *all_notes),
        )

    out: list[Signal] = []
    for label, purposes in CURRENT_LABELS.items():
        if label in pref.values:
            conf = confidence if pref.parsed else min(confidence, 0.5)
            for purpose in purposes:
                out.append(make(purpose, _VERDICT[pref.values[label]], conf, f"label {label}"))
    for label in pref.ignored:
        if label in LEGACY_LABELS:
            note = f"label {label} of an earlier draft: not a reservation"
            out.append(make(LEGACY_LABELS[label], UNKNOWN, confidence, note))
    return out
