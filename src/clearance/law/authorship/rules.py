# SPDX-License-Identifier: Apache-2.0
"""Authorship rules as data: ``data/authorship/rules/<market>/<rule-id>.yaml``, one rule a file.

A *leaning* rule says: in this market, for these work types and human contributions (and
optional detail), a careful practitioner's leaning is ``protectable``, ``partially_protectable``,
``unprotectable`` or ``uncertain``, what the protection covers, and which authorities say so.
A *modifier* rule caps the leaning (e.g. no process records in China) or adds what to do and
what evidence to keep. Conditions compare the facts of ``facts.DERIVED_FACTS``::

    when:
      work_type: {not: [invention]}        # none of these
      contribution: [prompts_only]         # any of these
      records: false                       # true | false | unknown

``load_authorship_rules`` validates the whole set (every cited id must be in the knowledge
base) and raises ``RuleError`` naming the bad file.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from clearance.errors import RuleError
from clearance.law.authorship.facts import DERIVED_FACTS, UNKNOWN
from clearance.yamlio import load_yaml

__all__ = [
    "AUTHORSHIP_MARKETS",
    "LEANINGS",
    "RULES_ROOT",
    "AuthorshipRule",
    "AuthorshipRuleSet",
    "default_authorship_rules",
    "load_authorship_rules",
]

RULES_ROOT: Final = Path(__file__).resolve().parents[2] / "data" / "authorship" / "rules"
#: Leanings from least to most favourable; a cap keeps the lower of two.
LEANINGS: Final[tuple[str, ...]] = (
    "unprotectable", "uncertain", "partially_protectable", "protectable"
)  # fmt: skip
#: The markets the authorship rules cover (de and fr layer on eu).
AUTHORSHIP_MARKETS: Final[tuple[str, ...]] = (
    "us", "uk", "eu", "de", "fr", "cn", "jp", "kr", "in", "au", "ca", "ch",
)  # fmt: skip
LAYERS: Final[dict[str, str]] = {"de": "eu", "fr": "eu"}

Leaning = Literal["unprotectable", "uncertain", "partially_protectable", "protectable"]
OneLine = Annotated[str, Field(min_length=3, max_length=400, pattern=r"^[^\n\r]+$")]
Condition = Callable[[Mapping[str, str]], bool]


def _values(key: str, spec: Any) -> frozenset[str]:
    items = spec if isinstance(spec, list) else [spec]
    if not items:
        raise ValueError(f"{key}: empty list of values")
    out = set()
    for item in items:
        value = ("true" if item else "false") if isinstance(item, bool) else item
        if not isinstance(value, str) or value not in (*DERIVED_FACTS[key], UNKNOWN):
            raise ValueError(f"{key}: {item!r} is not one of {', '.join(DERIVED_FACTS[key])}")
        out.add(value)
    return frozenset(out)


def compile_when(when: Mapping[str, Any]) -> tuple[Condition, ...]:
    """Return one predicate per ``when`` entry; raise ValueError for an unknown key or value."""
    conds: list[Condition] = []
    for key, spec in when.items():
        if key not in DERIVED_FACTS:
            raise ValueError(f"unknown fact {key!r}; known: {', '.join(DERIVED_FACTS)}")
        if isinstance(spec, dict):
            if set(spec) != {"not"}:
                raise ValueError(f"{key}: the only operator is 'not'")
            excluded = _values(key, spec["not"])
            conds.append(lambda f, k=key, ex=excluded: f[k] not in ex)  # type: ignore[misc]
        else:
            allowed = _values(key, spec)
            conds.append(lambda f, k=key, al=allowed: f[k] in al)  # type: ignore[misc]
    return tuple(conds)


class AuthorshipRule(BaseModel):
    """One rule: market, conditions, a leaning (or a cap), what to do, and its authorities."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z]{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")]
    market: str
    title: OneLine
    kind: Literal["leaning", "modifier"] = "leaning"
    when: dict[str, Any] = Field(default_factory=dict)
    leaning: Leaning | None = Field(default=None, description="For leaning rules.")
    cap: Leaning | None = Field(default=None, description="For modifiers: at most this leaning.")
    scope: OneLine | None = Field(default=None, description="What the protection covers.")
    claim_include: OneLine | None = Field(
        default=None, description="US: the human material to claim ('new material included')."
    )
    actions: tuple[OneLine, ...] = Field(default=(), description="What to do.")
    evidence: tuple[OneLine, ...] = Field(default=(), description="What to keep, and why.")
    explanation: str = Field(min_length=20, description="Why, in our own words.")
    citations: tuple[str, ...] = Field(min_length=1, description="Knowledge-base ids relied on.")
    see_also: tuple[str, ...] = Field(default=(), description="Context; not relied on.")
    provisional: bool = Field(default=False, description="Rests on pending or proposed law.")
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    _conditions: tuple[Condition, ...] = PrivateAttr(default=())

    @model_validator(mode="after")
    def _coherent(self) -> AuthorshipRule:
        self._conditions = compile_when(self.when)
        if self.kind == "leaning" and (self.leaning is None or self.cap is not None):
            raise ValueError("a leaning rule gives 'leaning' and no 'cap'")
        if self.kind == "modifier" and self.leaning is not None:
            raise ValueError("a modifier gives 'cap', 'actions' or 'evidence', not 'leaning'")
        if self.kind == "modifier" and not (self.cap or self.actions or self.evidence):
            raise ValueError("a modifier changes nothing: give cap, actions or evidence")
        if self.kind == "leaning" and "contribution" not in self.when:
            raise ValueError("a leaning rule must say which contributions it judges")
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self

    @property
    def specificity(self) -> int:
        """Return how many facts the rule tests; the most specific matching rule decides."""
        return len(self.when)

    def in_effect(self, on: dt.date) -> bool:
        """Return True when ``on`` lies inside the rule's effective window."""
        if self.effective_from is not None and on < self.effective_from:
            return False
        return self.effective_to is None or on <= self.effective_to

    def matches(self, facts: Mapping[str, str]) -> bool:
        """Return True when every condition holds for the normalised ``facts``."""
        return all(cond(facts) for cond in self._conditions)


class AuthorshipRuleSet:
    """The validated authorship rules, by market."""

    def __init__(self, rules: Mapping[str, AuthorshipRule]) -> None:
        self.rules = dict(rules)
        self._by_market: dict[str, list[AuthorshipRule]] = {}
        for rule in self.rules.values():
            self._by_market.setdefault(rule.market, []).append(rule)

    def chain(self, market: str) -> tuple[str, ...]:
        """Return the markets whose rules apply in ``market``, parent layer first."""
        return (LAYERS[market], market) if market in LAYERS else (market,)

    def for_market(self, market: str) -> tuple[AuthorshipRule, ...]:
        """Return the rules that apply in ``market``: its parent layer's, then its own."""
        return tuple(r for m in self.chain(market) for r in self._by_market.get(m, ()))


def _read(path: Path) -> AuthorshipRule:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), unique_keys=True)
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"cannot read: {exc}", path=path) from exc
    except (yaml.YAMLError, ValueError) as exc:
        raise RuleError(f"invalid YAML: {exc}".replace("\n", " "), path=path) from exc
    if not isinstance(data, dict):
        raise RuleError("expected a mapping of rule fields", path=path)
    try:
        rule = AuthorshipRule.model_validate(data)
    except ValidationError as exc:
        msgs = [f"{'.'.join(map(str, e['loc'])) or 'rule'}: {e['msg']}" for e in exc.errors()[:4]]
        raise RuleError("; ".join(msgs), path=path) from exc
    if rule.id != path.stem:
        raise RuleError(f"id {rule.id!r} does not match the file name {path.name!r}", path=path)
    if rule.market != path.parent.name or not rule.id.startswith(rule.market + "-"):
        raise RuleError(f"market {rule.market!r} must be its directory and id prefix", path=path)
    return rule


def load_authorship_rules(
    root: str | Path | None = None, known_ids: frozenset[str] | None = None
) -> AuthorshipRuleSet:
    """Return every rule under ``root`` (default: the shipped set), cross-checked.

    Raises RuleError naming the file for a bad rule, an unknown market, a duplicate id or a
    citation that is not in the knowledge base (``known_ids``; default: the shipped one).
    """
    root = Path(root) if root is not None else RULES_ROOT
    if known_ids is None:
        from clearance.law.kb import default_knowledge_base

        known_ids = frozenset(e.id for e in default_knowledge_base())
    if not root.is_dir():
        raise RuleError("authorship rules directory not found", path=root)
    rules: dict[str, AuthorshipRule] = {}
    for sub in sorted(p for p in root.iterdir() if p.is_dir()):
        if sub.name not in AUTHORSHIP_MARKETS:
            raise RuleError(f"{sub.name!r} is not an authorship market", path=sub)
        for path in sorted(sub.glob("*.yaml")):
            rule = _read(path)
            if rule.id in rules:
                raise RuleError("duplicate rule id", path=path)
            missing = sorted((set(rule.citations) | set(rule.see_also)) - known_ids)
            if missing:
                raise RuleError(f"cites ids not in the knowledge base: {missing}", path=path)
            rules[rule.id] = rule
    if not rules:
        raise RuleError("no authorship rules found", path=root)
    return AuthorshipRuleSet(rules)


@functools.cache
def default_authorship_rules() -> AuthorshipRuleSet:
    """Return the shipped authorship rules, loaded once per process."""
    return load_authorship_rules()
