# SPDX-License-Identifier: Apache-2.0
"""``assess_authorship(facts, market)``: can this AI-assisted work (or invention) be protected?

Each of the work's human contributions is judged on its own: in the market's rules (its own
first, then the layer it sits on: EU under DE and FR) the most specific matching *leaning*
rule decides, then every matching *modifier* may cap it and add what to do and what evidence
to keep. The work's leaning is the best its contributions reach: one human-authored element
is enough for partial protection. The result names every rule and authority relied on, is
``provisional`` when any rests on pending or proposed authority, and, for the US, carries the
claim limitation an application should use. It is a risk assessment, not legal advice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from clearance.errors import InputError
from clearance.law.authorship.claim import ClaimLimitation, build_claim_limitation
from clearance.law.authorship.facts import WorkFacts, normalize_work_facts, parse_work_facts
from clearance.law.authorship.rules import (
    AUTHORSHIP_MARKETS,
    LEANINGS,
    AuthorshipRule,
    AuthorshipRuleSet,
    default_authorship_rules,
)
from clearance.law.kb import KnowledgeBase, default_knowledge_base

__all__ = [
    "DISCLAIMER",
    "AuthorshipReason",
    "AuthorshipResult",
    "assess_authorship",
    "assess_authorship_markets",
]

DISCLAIMER: Final = "Risk assessment, not legal advice; a draft for counsel's review."
_UNSETTLED: Final = frozenset({"pending", "proposed", "appealed"})


@dataclass(frozen=True, slots=True)
class AuthorshipReason:
    """One rule that fired: for which contribution, with what effect, on which authorities."""

    rule_id: str
    market: str
    title: str
    contributions: tuple[str, ...]
    effect: str  # the leaning a leaning rule gives, or "at most <cap>" / "adds duties"
    explanation: str
    citations: tuple[str, ...]
    provisional: bool

    def to_dict(self) -> dict[str, Any]:
        """Return the reason as a JSON-ready mapping."""
        return {
            "rule_id": self.rule_id, "market": self.market, "title": self.title,
            "contributions": list(self.contributions), "effect": self.effect,
            "explanation": self.explanation, "citations": list(self.citations),
            "provisional": self.provisional,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class AuthorshipResult:
    """The leaning for one work in one market, with reasons, authorities and what to do."""

    market: str
    leaning: str
    reasons: tuple[AuthorshipReason, ...]
    citations: tuple[str, ...]
    provisional: bool
    by_contribution: tuple[tuple[str, str], ...]
    scope: tuple[str, ...]
    claim_limitation: ClaimLimitation | None
    actions: tuple[str, ...]
    evidence: tuple[str, ...]
    unverified: tuple[str, ...]
    facts: WorkFacts
    as_of: str
    kb_as_of: str
    disclaimer: str = field(default=DISCLAIMER)

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """Return the ids of the rules that fired, in order."""
        return tuple(r.rule_id for r in self.reasons)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready mapping."""
        claim = self.claim_limitation.to_dict() if self.claim_limitation else None
        return {
            "market": self.market, "leaning": self.leaning, "provisional": self.provisional,
            "reasons": [r.to_dict() for r in self.reasons], "citations": list(self.citations),
            "by_contribution": dict(self.by_contribution), "scope": list(self.scope),
            "claim_limitation": claim, "actions": list(self.actions),
            "evidence": list(self.evidence), "unverified_citations": list(self.unverified),
            "facts": self.facts.to_dict(), "as_of": self.as_of, "kb_as_of": self.kb_as_of,
            "disclaimer": self.disclaimer,
        }  # fmt: skip


def _as_of(value: dt.date | str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(f"as_of: expected a date YYYY-MM-DD, got {value!r}") from None


def _market(market: str) -> str:
    m = str(market).strip().lower()
    if m not in AUTHORSHIP_MARKETS:
        raise InputError(f"unknown market {market!r}; one of: {', '.join(AUTHORSHIP_MARKETS)}")
    return m


def _decide(
    rules: Iterable[AuthorshipRule], chain: tuple[str, ...], facts: Mapping[str, str]
) -> list[AuthorshipRule]:
    """Return the deciding leaning rules: own market first, then most specific; ties kept."""
    found = [r for r in rules if r.kind == "leaning" and r.matches(facts)]
    if not found:
        return []
    rank = {m: i for i, m in enumerate(chain)}
    best = max((rank[r.market], r.specificity) for r in found)
    return [r for r in found if (rank[r.market], r.specificity) == best]


def _no_authority(market: str, contribution: str) -> AuthorshipReason:
    return AuthorshipReason(
        "no-authority",
        market,
        "No authority in the knowledge base",
        (contribution,),
        "uncertain",
        "No rule for this market addresses this kind of contribution to this kind of work, so "
        "the leaning is uncertain until an authority is added to the knowledge base.",
        (),
        False,
    )


def _reason(rule: AuthorshipRule, contribution: str, effect: str, prov: bool) -> AuthorshipReason:
    return AuthorshipReason(rule.id, rule.market, rule.title, (contribution,), effect,
                            " ".join(rule.explanation.split()), rule.citations, prov)  # fmt: skip


def assess_authorship(
    facts: Mapping[str, Any] | WorkFacts,
    market: str,
    as_of: dt.date | str | None = None,
    *,
    rules: AuthorshipRuleSet | None = None,
    kb: KnowledgeBase | None = None,
) -> AuthorshipResult:
    """Return the leaning for a work in ``market`` as of a date, with reasons and citations.

    ``facts`` is a mapping in the facts vocabulary (see ``facts.py``) or ``WorkFacts``.
    Raises FactsError for facts outside the vocabulary and InputError for an unknown market
    or a malformed date.
    """
    work = parse_work_facts(facts)
    m, on = _market(market), _as_of(as_of)
    rules = rules or default_authorship_rules()
    kb = kb or default_knowledge_base()
    chain = rules.chain(m)
    active = [r for r in rules.for_market(m) if r.in_effect(on)]

    def provisional(rule: AuthorshipRule) -> bool:
        return rule.provisional or any(
            c in kb and kb.get(c).status in _UNSETTLED for c in rule.citations
        )

    reasons: list[AuthorshipReason] = []
    per: list[tuple[str, str]] = []
    fired: list[AuthorshipRule] = []
    included: list[str] = []
    scope: list[str] = []
    for contribution in work.human_contribution:
        derived = normalize_work_facts(work, contribution)
        deciding = _decide(active, chain, derived)
        if not deciding:
            per.append((contribution, "uncertain"))
            reasons.append(_no_authority(m, contribution))
            continue
        leaning = min((r.leaning for r in deciding if r.leaning), key=LEANINGS.index)
        for rule in deciding:
            reasons.append(_reason(rule, contribution, rule.leaning or "", provisional(rule)))
        fired.extend(deciding)
        for mod in (r for r in active if r.kind == "modifier" and r.matches(derived)):
            effect = "adds duties"
            if mod.cap is not None:
                effect = f"at most {mod.cap}"
                leaning = min(leaning, mod.cap, key=LEANINGS.index)
            reasons.append(_reason(mod, contribution, effect, provisional(mod)))
            fired.append(mod)
        per.append((contribution, leaning))
        if LEANINGS.index(leaning) >= LEANINGS.index("partially_protectable"):
            scope.extend(r.scope for r in deciding if r.scope)
            included.extend(r.claim_include for r in deciding if r.claim_include)
    overall = max((lean for _, lean in per), key=LEANINGS.index)
    merged: dict[tuple[str, str], AuthorshipReason] = {}
    for r in reasons:  # one reason per rule and effect, naming every contribution it judged
        key = (r.rule_id, r.effect)
        if key in merged:
            old = merged[key]
            merged[key] = replace(old, contributions=old.contributions + r.contributions)
        else:
            merged[key] = r
    citations = tuple(sorted({c for r in fired for c in r.citations}))
    claim = build_claim_limitation(work, included) if m == "us" else None
    return AuthorshipResult(
        market=m,
        leaning=overall,
        reasons=tuple(merged.values()),
        citations=citations,
        provisional=any(r.provisional for r in reasons),
        by_contribution=tuple(per),
        scope=tuple(dict.fromkeys(scope)),
        claim_limitation=claim,
        actions=tuple(dict.fromkeys(a for r in fired for a in r.actions)),
        evidence=tuple(dict.fromkeys(e for r in fired for e in r.evidence)),
        unverified=tuple(c for c in citations if c in kb and not kb.get(c).verified),
        facts=work,
        as_of=on.isoformat(),
        kb_as_of=kb.as_of.isoformat(),
    )


def assess_authorship_markets(
    facts: Mapping[str, Any] | WorkFacts,
    markets: str | Iterable[str] = "all",
    as_of: dt.date | str | None = None,
) -> list[AuthorshipResult]:
    """Return ``assess_authorship`` for each market (``"all"``: every authorship market)."""
    if isinstance(markets, str):
        wanted = (
            list(AUTHORSHIP_MARKETS)
            if markets.strip() == "all"
            else [m.strip() for m in markets.split(",") if m.strip()]
        )
    else:
        wanted = list(markets)
    if not wanted:
        raise InputError("no market given; use e.g. --market us or --markets all")
    work = parse_work_facts(facts)
    return [assess_authorship(work, m, as_of) for m in wanted]
