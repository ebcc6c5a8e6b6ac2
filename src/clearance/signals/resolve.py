# SPDX-License-Identifier: Apache-2.0
"""One resolution: every signal of one item, combined per purpose into one verdict.

Precedence (docs/signals.md, "How signals combine"):

1. **Applicability.** A signal without an agent applies to everyone. A signal scoped to a
   crawler applies only when that crawler is asked about (case-insensitive); the rest are
   kept as ``other_agents``.
2. **Inside one mechanism.** TDMRep layers supersede each other (file < header < HTML <
   embedded metadata; absence never resets). In group-scoped files (robots.txt, ai.txt and
   the rules they carry) a group naming the agent replaces the ``*`` group, as RFC 9309 says.
   What is overridden is kept as ``superseded``.
3. **Across mechanisms.** Any applicable machine-readable reservation reserves (the only
   cross-mechanism rule a standard states: the IETF AI-preferences vocabulary's). Failing
   that, a natural-language reservation reserves, marked ``contested``. Failing that, an
   explicit permission gives ``not_reserved``. Nothing applicable is ``unknown`` - never
   permission. Contradicting signals are kept, never dropped.

:func:`resolve_table` is the columnar form for scans: one resolution per distinct key (a
host, or a signal-set id from :func:`signal_set_key`), joined back onto the rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl

from clearance.models import Resolution, Signal
from clearance.signals.tdmrep import combine_layers
from clearance.signals.vocab import NOT_RESERVED, PURPOSES, RESERVED, UNKNOWN

__all__ = ["GROUP_SCOPED", "resolve", "resolve_table", "signal_set_key"]

#: Standards whose agent-specific statements replace the '*' group's, from the same file.
GROUP_SCOPED = frozenset({"robots.txt", "ai.txt", "content-usage", "content-signal", "rsl"})
_RULES = {
    "machine": "machine-readable reservation",
    "contested": "natural-language reservation only (contested)",
    "permission": "explicit permission, no reservation",
    "none": "no applicable signal: unknown, not permission",
}


def _source(sig: Signal) -> str:
    return sig.location.split("#", 1)[0]


def _applies(sig: Signal, agent: str | None) -> bool:
    if sig.agent in (None, "*"):
        return True
    return agent is not None and sig.agent.lower() == agent.lower()


def _group_override(signals: list[Signal], agent: str | None) -> tuple[list[Signal], list[Signal]]:
    if agent is None:
        return signals, []
    specific = {
        (s.standard, _source(s), s.purpose)
        for s in signals
        if s.agent not in (None, "*") and s.standard in GROUP_SCOPED
    }
    kept, dropped = [], []
    for s in signals:
        universal = s.agent in (None, "*") and s.standard in GROUP_SCOPED
        if (
            universal
            and not s.location.startswith(("header:", "html:"))
            and (s.standard, _source(s), s.purpose) in specific
        ):
            dropped.append(s)
        else:
            kept.append(s)
    return kept, dropped


def resolve(
    signals: Iterable[Signal], *, agent: str | None = None, purposes: Sequence[str] = PURPOSES
) -> dict[str, Resolution]:
    """Return one :class:`~clearance.models.Resolution` per purpose for one item's signals."""
    every = list(signals)
    applicable = [s for s in every if _applies(s, agent)]
    others = [s for s in every if not _applies(s, agent)]
    tdm = [s for s in applicable if s.standard == "tdmrep"]
    effective, superseded = combine_layers(tdm)
    applicable = [s for s in applicable if s.standard != "tdmrep"] + effective
    applicable, overridden = _group_override(applicable, agent)
    superseded += overridden
    out: dict[str, Resolution] = {}
    for purpose in purposes:
        mine = [s for s in applicable if s.purpose == purpose]
        reserved = [s for s in mine if s.verdict == RESERVED]
        permits = [s for s in mine if s.verdict == NOT_RESERVED]
        unknowns = [s for s in mine if s.verdict not in (RESERVED, NOT_RESERVED)]
        machine = [s for s in reserved if not s.contested]
        if reserved:
            key = "machine" if machine else "contested"
            verdict, deciding, against = (
                RESERVED,
                machine + [s for s in reserved if s.contested],
                permits + unknowns,
            )
        elif permits:
            key, verdict, deciding, against = "permission", NOT_RESERVED, permits, unknowns
        else:
            key, verdict, deciding, against = "none", UNKNOWN, unknowns, []
        out[purpose] = Resolution(
            purpose=purpose,
            verdict=verdict,
            agent=agent,
            contested=key == "contested",
            confidence=max((s.confidence for s in deciding), default=0.0)
            if verdict != UNKNOWN
            else 0.0,
            rule=_RULES[key],
            deciding=tuple(deciding),
            contradicting=tuple(against),
            superseded=tuple(s for s in superseded if s.purpose == purpose),
            other_agents=tuple(s for s in others if s.purpose == purpose),
        )
    return out


def signal_set_key(signals: Iterable[Signal]) -> str:
    """Return a stable id for a set of signals (order-insensitive), to resolve each set once."""
    parts = sorted(
        "\x1f".join(
            (
                s.standard,
                s.purpose,
                s.verdict,
                s.agent or "",
                s.location,
                s.excerpt,
                str(s.contested),
                f"{s.confidence:.3f}",
            )
        )
        for s in signals
    )
    return hashlib.blake2b(
        "\x1e".join(parts).encode("utf-8", "replace"), digest_size=12
    ).hexdigest()


def resolve_table(
    keys: Any,
    signal_sets: Mapping[str, Sequence[Signal]],
    *,
    agent: str | None = None,
    purposes: Sequence[str] = PURPOSES,
) -> pl.DataFrame:
    """Return per-row verdict columns for ``keys``, resolving each distinct key once.

    ``keys`` is a column (pyarrow array, Polars series or sequence) of host names or
    signal-set ids; ``signal_sets`` maps each key to its signals (a missing key resolves to
    ``unknown``). Columns: ``key``, then per purpose ``<purpose>`` (verdict),
    ``<purpose>_contested`` and ``<purpose>_confidence``; rows keep the input order.
    """
    series = pl.Series("key", keys, dtype=pl.String)
    distinct = series.drop_nulls().unique()
    rows: dict[str, list[Any]] = {"key": []}
    for purpose in purposes:
        rows[purpose], rows[f"{purpose}_contested"], rows[f"{purpose}_confidence"] = [], [], []
    for key in distinct.to_list():
        resolved = resolve(signal_sets.get(key, ()), agent=agent, purposes=purposes)
        rows["key"].append(key)
        for purpose, res in resolved.items():
            rows[purpose].append(res.verdict)
            rows[f"{purpose}_contested"].append(res.contested)
            rows[f"{purpose}_confidence"].append(res.confidence)
    schema: dict[str, Any] = {"key": pl.String}
    for purpose in purposes:
        schema |= {
            purpose: pl.String,
            f"{purpose}_contested": pl.Boolean,
            f"{purpose}_confidence": pl.Float64,
        }
    small = pl.DataFrame(rows, schema=schema)
    joined = series.to_frame().join(
        small, on="key", how="left", maintain_order="left", nulls_equal=False
    )
    return joined.with_columns(
        [pl.col(p).fill_null(UNKNOWN) for p in purposes]
        + [pl.col(f"{p}_contested").fill_null(False) for p in purposes]
        + [pl.col(f"{p}_confidence").fill_null(0.0) for p in purposes]
    )
