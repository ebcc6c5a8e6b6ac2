# SPDX-License-Identifier: Apache-2.0
"""The per-market engine: facts x market x as-of date -> exposure, bases, reasons, citations.

How a verdict is reached (``docs/law-engine.md`` says it in prose):

1. The facts are normalised; a missing ``license_permission`` is derived from ``license_id``
   through ``clearance.license_permits`` when that is installed (else it stays unknown).
2. The rules of the market (global rules, then the EU layer for member states, then the
   market's own) that are in effect on ``as_of`` and whose conditions hold fire; a fired rule
   may ``replace`` a more general one.
3. Each basis takes the worst status any fired rule gave it. Per ground, exposure is the floor
   the rules set, and for a ground whose bases the rules named (copyright always) at least:
   ``low`` when a basis is available, ``medium`` when the best one is arguable, contested or
   unknown, ``high`` when none is left.
4. The exposure is the highest ground; two or more independent grounds at ``high`` make it
   ``critical`` (database and copyright count once: ``SAME_ACT``).
   It is provisional when a rule deciding it rests on a pending or first-instance authority.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from clearance.errors import ClearanceError, FactsError
from clearance.law.conditions import Condition
from clearance.law.facts import UNKNOWN, Facts, normalize_facts, parse_date
from clearance.law.licence_facts import derive_license, terms_prohibit
from clearance.law.rules import BASIS_STATUSES, EXPOSURES, Rule, RuleSet, default_rules
from clearance.models import DISCLAIMER, MarketAssessment, RuleFiring

__all__ = [
    "PENDING_STATUSES",
    "SAME_ACT",
    "all_markets",
    "assess",
    "assess_normalized",
    "prepare",
    "verdict_row",
]

logger = logging.getLogger(__name__)

#: Knowledge-base statuses that make a rule resting on the entry provisional.
PENDING_STATUSES: Final = frozenset({"pending", "appealed", "proposed"})
_STATUS_LEVEL: Final = {"available": 0, "arguable": 1, "contested": 1, "unknown": 1}
#: Grounds one act engages together: they count once towards ``critical``. Extracting a reserved
#: database infringes the sui generis right and the copyright in its contents by the same act
#: against the same reservation; that is one high exposure, not two independent ones (issue 12).
SAME_ACT: Final = {"database": "copyright"}


@dataclass(frozen=True, slots=True)
class _Context:
    rules: RuleSet
    statuses: dict[str, str]  # KB id -> status
    since: dict[str, dt.date]  # KB id -> effective_from, else its date
    kb_as_of: str | None
    layers: dict[str, str]
    markets: tuple[str, ...]


@functools.cache
def _default_context() -> _Context:
    from clearance.law.kb import LAYERS, MARKETS

    statuses: dict[str, str] = {}
    since: dict[str, dt.date] = {}
    kb_as_of = None
    try:
        from clearance.law.kb import default_knowledge_base

        kb = default_knowledge_base()
        statuses = {e.id: e.status for e in kb}
        since = {e.id: e.effective_from or e.date for e in kb}
        kb_as_of = kb.as_of.isoformat()
    except (ClearanceError, ImportError) as exc:  # the KB is optional for judging
        logger.warning("law knowledge base unavailable (%s); citations unchecked", exc)
    markets = MARKETS + tuple(m for m in LAYERS if m not in MARKETS)
    return _Context(default_rules(), statuses, since, kb_as_of, dict(LAYERS), markets)


def all_markets() -> tuple[str, ...]:
    """Return every market the engine can assess: the 16 launch markets, then EU layers."""
    return _default_context().markets


def _as_of(value: dt.date | str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    parsed = parse_date(value, key="as_of")
    if parsed is None:
        raise FactsError("as_of: expected a date")
    return parsed


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A rule flattened for the hot loop: plain tuples, no model attribute lookups."""

    rule: Rule
    conditions: tuple[Condition, ...]
    start: dt.date | None
    end: dt.date | None
    bases: tuple[tuple[str, int, str], ...]  # (basis id, status rank, ground)
    floor: tuple[str, int] | None  # (ground, level)
    void: frozenset[str]
    replaces: frozenset[str]
    provisional: bool


_RANK: Final = {s: i for i, s in enumerate(BASIS_STATUSES)}


def _start(rule: Rule, since: dict[str, dt.date]) -> dt.date | None:
    """Return when a rule starts to apply: its own date, and never before every authority it
    rests on existed (a rule cannot apply before the earliest of its citations)."""
    dates = [since[c] for c in rule.citations if c in since]
    earliest = min(dates) if dates else None
    if rule.effective_from is None or earliest is None:
        return rule.effective_from or earliest
    return max(rule.effective_from, earliest)


@functools.cache
def _compiled(market: str) -> tuple[_Compiled, ...]:
    ctx = _default_context()
    out = []
    for r in ctx.rules.for_market(market, ctx.layers):
        eff = r.effect
        out.append(
            _Compiled(
                rule=r,
                conditions=r.conditions,
                start=_start(r, ctx.since),
                end=r.effective_to,
                bases=tuple((b, _RANK[s], ctx.rules.bases[b].ground) for b, s in eff.bases.items()),
                floor=(eff.ground, EXPOSURES.index(eff.exposure))
                if eff.ground and eff.exposure
                else None,
                void=frozenset(eff.void_bases),
                replaces=frozenset(r.replaces),
                provisional=eff.provisional
                or any(ctx.statuses.get(c) in PENDING_STATUSES for c in r.citations),
            )
        )
    return tuple(out)


@functools.lru_cache(maxsize=256)
def _active(market: str, on: dt.date) -> tuple[_Compiled, ...]:
    """Return the market's compiled rules in effect on ``on``."""
    return tuple(
        c
        for c in _compiled(market)
        if (c.start is None or on >= c.start) and (c.end is None or on <= c.end)
    )


@dataclass(frozen=True, slots=True)
class _Judgement:
    fired: list[_Compiled]
    basis: list[tuple[str, str]]  # best first
    levels: dict[str, int]
    top: int
    provisional: bool


def _judge(facts: dict[str, Any], market: str, on: dt.date, ctx: _Context) -> _Judgement:
    if market not in ctx.markets:
        raise FactsError(f"unknown market {market!r}; markets: {', '.join(ctx.markets)}")
    fired = []
    for c in _active(market, on):
        for cond in c.conditions:
            if not cond(facts):
                break
        else:
            fired.append(c)
    replaced = {rid for c in fired for rid in c.replaces}
    fired = [c for c in fired if c.rule.id not in replaced]
    basis: dict[str, int] = {}
    ground_of: dict[str, str] = {}
    floors: dict[str, int] = {}
    touched: dict[str, list[_Compiled]] = {"copyright": []}
    void: set[str] = set()
    for c in fired:
        for bid, rank, ground in c.bases:
            if rank > basis.get(bid, -1):
                basis[bid] = rank
            ground_of[bid] = ground
            touched.setdefault(ground, []).append(c)
        if c.floor is not None:
            ground, level = c.floor
            floors[ground] = max(floors.get(ground, 0), level)
            touched.setdefault(ground, []).append(c)
        void |= c.void
    lost = _RANK["lost"]
    for bid in basis:
        if ground_of[bid] in void:
            basis[bid] = lost
    levels: dict[str, int] = {}
    for ground in touched:
        level = floors.get(ground, 0)
        named = [r for b, r in basis.items() if ground_of[b] == ground]
        if named or ground == "copyright":  # a ground answered by bases: none left -> high
            live = [_STATUS_LEVEL[BASIS_STATUSES[r]] for r in named if r != lost]
            level = max(level, min(live) if live else 2)
        levels[ground] = level
    top = max(levels.values())
    if len({SAME_ACT.get(g, g) for g, v in levels.items() if v >= 2}) >= 2:
        top = 3
    deciding = [g for g, v in levels.items() if v == top or (top == 3 and v >= 2)]
    provisional = any(c.provisional for g in deciding for c in touched[g])
    ordered = sorted(((b, BASIS_STATUSES[r]) for b, r in basis.items()),
                     key=lambda kv: (_RANK[kv[1]], kv[0]))  # fmt: skip
    return _Judgement(fired, ordered, levels, top, provisional)


def verdict_row(facts: dict[str, Any], market: str, on: dt.date) -> tuple[str, bool, str, str, str]:
    """Return (exposure, provisional, bases, reasons, citations) as flat strings, for tables."""
    ctx = _default_context()
    j = _judge(facts, market, on, ctx)
    labels = "; ".join(f"{ctx.rules.bases[b].label} ({s})" for b, s in j.basis)
    reasons = ",".join(c.rule.id for c in j.fired)
    cites = ",".join(dict.fromkeys(x for c in j.fired for x in c.rule.citations))
    return EXPOSURES[j.top], j.provisional, labels, reasons, cites


def assess_normalized(
    facts: dict[str, Any], market: str, on: dt.date, ctx: _Context | None = None
) -> MarketAssessment:
    """Return the assessment of already normalised facts (see ``normalize_facts``)."""
    ctx = ctx or _default_context()
    j = _judge(facts, market, on, ctx)
    rules = [c.rule for c in j.fired]
    citations = tuple(dict.fromkeys(x for r in rules for x in r.citations))
    obligations = tuple(dict.fromkeys(o for r in rules for o in r.effect.obligations))
    steps = tuple(
        RuleFiring(
            rule_id=c.rule.id,
            market=c.rule.market,
            title=c.rule.title,
            explanation=" ".join(c.rule.explanation.split()),
            bases=tuple(c.rule.effect.bases.items()),
            exposure=c.rule.effect.exposure,
            ground=c.rule.effect.ground,
            citations=c.rule.citations,
            provisional=c.provisional,
            obligations=c.rule.effect.obligations,
        )
        for c in j.fired
    )
    return MarketAssessment(
        market=market,
        exposure=EXPOSURES[j.top],
        bases=tuple(f"{ctx.rules.bases[b].label} ({s})" for b, s in j.basis),
        reasons=tuple(r.id for r in rules),
        citations=citations,
        provisional=j.provisional,
        as_of=on.isoformat(),
        kb_as_of=ctx.kb_as_of,
        disclaimer=DISCLAIMER,
        basis_status=tuple(j.basis),
        grounds=tuple((g, EXPOSURES[v]) for g, v in sorted(j.levels.items())),
        obligations=obligations,
        steps=steps,
        facts=dict(facts),
    )


def prepare(facts: Mapping[str, Any] | Facts) -> dict[str, Any]:
    """Return normalised facts, deriving the licence facts from ``license_id`` when missing.

    ``license_permission`` comes from ``clearance.license_permits`` for the purpose, and
    ``terms_prohibit_training`` from the licence vocabulary's stance on AI training (an
    express prohibition, not mere silence: "all rights reserved" prohibits nothing by contract).
    """
    norm = normalize_facts(facts)
    if norm["license_permission"] == UNKNOWN:
        norm["license_permission"] = derive_license(norm)
    if norm["terms_prohibit_training"] == UNKNOWN and norm["license_id"] != UNKNOWN:
        norm["terms_prohibit_training"] = terms_prohibit(str(norm["license_id"]))
    return norm


def assess(
    facts: Mapping[str, Any] | Facts, market: str, as_of: dt.date | str | None = None
) -> MarketAssessment:
    """Return the assessment of one item's facts in one market, as of a date (default today).

    Raises FactsError for facts outside the vocabulary or an unknown market. The result is a
    risk assessment, not legal advice; it names the knowledge base's as-of date.
    """
    return assess_normalized(prepare(facts), market.lower().strip(), _as_of(as_of))
