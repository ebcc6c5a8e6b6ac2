# SPDX-License-Identifier: Apache-2.0
"""W3C TDM Reservation Protocol (TDMRep): tdmrep.json, headers, HTML meta, and its layers.

Spec: TDMRep Community Group Final Report (w3c/tdm-reservation-protocol). ``tdm-reservation``
is ``1`` (reserved) or ``0`` (not reserved); any other value is a protocol error and counts
as unset. ``/.well-known/tdmrep.json`` is an array of rules whose first matching ``location``
wins. Layers supersede each other in this order: file < HTTP header < HTML meta < embedded
metadata (EPUB/PDF XMP); absence in a later layer never resets an earlier one
(:func:`combine_layers`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from clearance.models import Signal, SignalReport
from clearance.signals.pattern import PathPattern, url_path
from clearance.signals.response import HeaderInput, header_values

__all__ = [
    "LAYER_EMBEDDED",
    "LAYER_FILE",
    "LAYER_HEADER",
    "LAYER_HTML",
    "MAX_TDMREP_BYTES",
    "TdmRepFile",
    "TdmRule",
    "combine_layers",
    "layer_of",
    "parse_tdmrep_json",
    "parse_value",
    "tdmrep_from_headers",
    "tdmrep_from_meta",
    "value_signals",
]

log = logging.getLogger(__name__)

STANDARD = "tdmrep"
SPEC = "TDMRep CG Final Report (2024-02-02 second version)"
MAX_TDMREP_BYTES = 1024 * 1024
MAX_RULES = 10_000
LAYER_FILE, LAYER_HEADER, LAYER_HTML, LAYER_EMBEDDED = 1, 2, 3, 4

# What one tdm-reservation value says per purpose. TDM covers training; inference is our
# interpretation (inputs are mined), so it carries a lower confidence; search is not TDM.
_PURPOSES: tuple[tuple[str, float, str | None], ...] = (
    ("tdm", 1.0, None),
    ("ai_training", 1.0, None),
    ("genai_training", 1.0, None),
    ("ai_inference", 0.7, "ai_inference mapped from TDM by interpretation"),
)


def parse_value(raw: object) -> tuple[int | None, str | None]:
    """Return (0 | 1 | None, leniency note) for one tdm-reservation value; None means unset."""
    if isinstance(raw, bool):
        return None, f"tdm-reservation {raw!r} is not 0 or 1: protocol error, unset"
    if isinstance(raw, int):
        return (
            (raw, None)
            if raw in (0, 1)
            else (None, f"tdm-reservation {raw!r} is not 0 or 1: protocol error, unset")
        )
    if isinstance(raw, str):
        text = raw.strip()
        if text in ("0", "1"):
            return int(text), None
    shown = str(raw)[:40]
    return None, f"tdm-reservation {shown!r} is not 0 or 1: protocol error, unset"


def value_signals(
    value: int,
    *,
    location: str,
    excerpt: str,
    scope: str,
    observed_at: datetime | None = None,
    policy: str | None = None,
    confidence: float = 1.0,
    notes: Sequence[str] = (),
) -> list[Signal]:
    """Return one Signal per purpose for a valid ``tdm-reservation`` value (0 or 1)."""
    verdict = "reserved" if value == 1 else "not_reserved"
    extra = list(notes)
    if policy and value == 1:
        extra.append(f"tdm-policy: {policy}")
    elif policy:
        extra.append("tdm-policy present with tdm-reservation 0: not processed (spec)")
    out = []
    for purpose, weight, note in _PURPOSES:
        out.append(
            Signal(
                standard=STANDARD,
                purpose=purpose,
                verdict=verdict,
                location=location,
                excerpt=excerpt[:500],
                scope=scope,
                observed_at=observed_at,
                confidence=round(confidence * weight, 3),
                spec_version=SPEC,
                notes=tuple(extra + ([note] if note else [])),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class TdmRule:
    """One rule of tdmrep.json: a location pattern and its (possibly unset) values."""

    location: str
    reservation: int | None
    policy: str | None
    excerpt: str
    pattern: PathPattern
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TdmRepFile:
    """A parsed ``/.well-known/tdmrep.json``: rules in file order, plus what was wrong."""

    rules: tuple[TdmRule, ...]
    location: str
    observed_at: datetime | None
    problems: int
    confidence: float
    notes: tuple[str, ...]

    def evaluate(self, url_or_path: str) -> SignalReport:
        """Return the signals of the first rule whose location matches the URL's path."""
        path = url_path(url_or_path)
        for index, rule in enumerate(self.rules):
            if not rule.pattern.matches(path):
                continue
            notes = (*self.notes, *rule.notes, f"rule {index} matched {path!r}")
            if rule.reservation is None:
                return SignalReport(
                    source=self.location,
                    kind="tdmrep.json",
                    problems=self.problems,
                    notes=(*notes, "first matching rule is unset"),
                )
            signals = value_signals(
                rule.reservation,
                location=self.location,
                excerpt=rule.excerpt,
                scope="host",
                observed_at=self.observed_at,
                policy=rule.policy,
                confidence=self.confidence,
                notes=notes,
            )
            return SignalReport(
                source=self.location,
                kind="tdmrep.json",
                signals=tuple(signals),
                problems=self.problems,
                notes=notes,
            )
        return SignalReport(
            source=self.location,
            kind="tdmrep.json",
            problems=self.problems,
            notes=(*self.notes, f"no rule matches {path!r}: unset"),
        )


def parse_tdmrep_json(
    body: bytes, *, url: str | None = None, observed_at: datetime | None = None
) -> TdmRepFile:
    """Return the rules of a tdmrep.json body; never raises, counts what it could not read."""
    location = url or "/.well-known/tdmrep.json"
    problems, confidence, notes = 0, 1.0, []
    if len(body) > MAX_TDMREP_BYTES:
        body = body[:MAX_TDMREP_BYTES]
        problems += 1
        notes.append(f"body cut at {MAX_TDMREP_BYTES} bytes")
    text = body.decode("utf-8", errors="replace").lstrip("\ufeff")
    if "\ufffd" in text:
        problems += 1
        confidence *= 0.8
        notes.append("invalid UTF-8 replaced")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        notes.append(f"not JSON: {str(exc)[:120]}")
        return TdmRepFile((), location, observed_at, problems + 1, 0.0, tuple(notes))
    if isinstance(data, dict):
        data = [data]
        confidence *= 0.8
        notes.append("leniency: a single object without the mandatory array brackets")
    if not isinstance(data, list):
        notes.append(f"top level is {type(data).__name__}, not an array")
        return TdmRepFile((), location, observed_at, problems + 1, 0.0, tuple(notes))
    rules: list[TdmRule] = []
    for index, item in enumerate(data[:MAX_RULES]):
        rule = _rule(index, item, notes)
        if rule is None:
            problems += 1
        else:
            rules.append(rule)
            problems += sum(1 for n in rule.notes if "protocol error" in n)
    if len(data) > MAX_RULES:
        problems += 1
        notes.append(f"only the first {MAX_RULES} rules read")
    return TdmRepFile(tuple(rules), location, observed_at, problems, confidence, tuple(notes))


def _rule(index: int, item: object, notes: list[str]) -> TdmRule | None:
    if not isinstance(item, dict):
        notes.append(f"rule {index} is not an object: skipped")
        return None
    loc = item.get("location")
    if not isinstance(loc, str) or not loc:
        notes.append(f"rule {index} has no location: skipped")
        return None
    value: int | None = None
    note: str | None = "tdm-reservation missing: protocol error, unset"
    if "tdm-reservation" in item:
        value, note = parse_value(item["tdm-reservation"])
    policy = item.get("tdm-policy")
    excerpt = json.dumps(item, ensure_ascii=False, sort_keys=True)[:500]
    return TdmRule(
        location=loc,
        reservation=value,
        policy=policy if isinstance(policy, str) else None,
        excerpt=excerpt,
        pattern=PathPattern(loc),
        notes=(f"rule {index}: {note}",) if note else (),
    )


def tdmrep_from_headers(
    headers: HeaderInput | None, *, observed_at: datetime | None = None
) -> SignalReport:
    """Return the signals of ``tdm-reservation`` / ``tdm-policy`` response headers."""
    values = header_values(headers, "tdm-reservation")
    policies = header_values(headers, "tdm-policy")
    return _layer(
        values,
        policies[-1] if policies else None,
        "header:tdm-reservation",
        "http-headers",
        "tdm-reservation: {}",
        observed_at,
    )


def tdmrep_from_meta(
    reservations: Sequence[str],
    policies: Sequence[str],
    *,
    location: str = "html:meta[name=tdm-reservation]",
    observed_at: datetime | None = None,
) -> SignalReport:
    """Return the signals of ``<meta name="tdm-reservation">`` (or XMP/EPUB) values."""
    return _layer(
        list(reservations),
        policies[-1] if policies else None,
        location,
        "html",
        '<meta name="tdm-reservation" content="{}">',
        observed_at,
    )


def _layer(
    values: list[str],
    policy: str | None,
    location: str,
    kind: str,
    shape: str,
    observed_at: datetime | None,
) -> SignalReport:
    if not values:
        return SignalReport(source=location, kind=kind)
    notes: list[str] = []
    parsed: list[int] = []
    for raw in values:
        value, note = parse_value(raw)
        if note:
            notes.append(note)
        if value is not None:
            parsed.append(value)
    if not parsed:
        return SignalReport(source=location, kind=kind, problems=len(notes), notes=tuple(notes))
    confidence = 1.0
    if len(set(parsed)) > 1:
        notes.append("conflicting values in one layer: the reservation is kept")
        confidence = 0.8
    value = max(parsed)
    signals = value_signals(
        value,
        location=location,
        excerpt=shape.format(value),
        scope="item",
        observed_at=observed_at,
        policy=policy,
        confidence=confidence,
        notes=notes,
    )
    return SignalReport(
        source=location,
        kind=kind,
        signals=tuple(signals),
        problems=len(notes) - (1 if confidence < 1 else 0),
        notes=tuple(notes),
    )


def layer_of(signal: Signal) -> int:
    """Return the TDMRep layer a signal came from (file 1 < header 2 < HTML 3 < embedded 4)."""
    loc = signal.location
    if loc.startswith("header:"):
        return LAYER_HEADER
    if loc.startswith("html:"):
        return LAYER_HTML
    if loc.endswith("tdmrep.json") or "/.well-known/tdmrep.json" in loc:
        return LAYER_FILE
    return LAYER_EMBEDDED


def combine_layers(signals: Sequence[Signal]) -> tuple[list[Signal], list[Signal]]:
    """Split TDMRep signals into (effective, superseded) per the spec's processing priority.

    Per purpose, the highest layer that set a value wins; lower layers are superseded.
    Layers that set nothing (absent or invalid) never reset a lower one.
    """
    effective: list[Signal] = []
    superseded: list[Signal] = []
    by_purpose: dict[str, list[Signal]] = {}
    for sig in signals:
        by_purpose.setdefault(sig.purpose, []).append(sig)
    for group in by_purpose.values():
        top = max(layer_of(s) for s in group)
        for sig in group:
            (effective if layer_of(sig) == top else superseded).append(sig)
    return effective, superseded
