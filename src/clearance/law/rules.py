# SPDX-License-Identifier: Apache-2.0
"""Rules as data: one YAML file per rule under ``data/rules/<market>/<rule-id>.yaml``.

A rule says: in this market, between these dates, when these facts hold, these legal bases
become available, arguable, contested, unknown or lost, and exposure is at least this level on
this ground; it cites knowledge-base ids. ``bases.yaml`` names the legal bases. Conditions use
one small grammar shared with the analyses (``conditions.py``). ``load_rules`` validates the
whole set and raises ``RuleError`` naming the bad file.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from clearance.errors import RuleError
from clearance.law.conditions import Condition, compile_conditions
from clearance.yamlio import load_yaml

__all__ = [
    "BASIS_STATUSES",
    "EXPOSURES",
    "GROUNDS",
    "RULES_ROOT",
    "Basis",
    "Rule",
    "RuleSet",
    "default_rules",
    "load_rules",
]

logger = logging.getLogger(__name__)

RULES_ROOT: Final = Path(__file__).resolve().parent.parent / "data" / "rules"
EXPOSURES: Final[tuple[str, ...]] = ("low", "medium", "high", "critical")
#: Basis statuses from best to worst; the worst a fired rule gives a basis wins.
BASIS_STATUSES: Final[tuple[str, ...]] = ("available", "arguable", "contested", "unknown", "lost")
#: Independent grounds of exposure; two grounds at ``high`` at once make ``critical``.
GROUNDS: Final[tuple[str, ...]] = (
    "copyright", "database", "contract", "personal_data", "publicity", "provenance",
    "regulatory",
)  # fmt: skip
GLOBAL: Final = "all"

Exposure = Literal["low", "medium", "high", "critical"]
BasisStatus = Literal["available", "arguable", "contested", "unknown", "lost"]
Ground = Literal[
    "copyright", "database", "contract", "personal_data", "publicity", "provenance", "regulatory"
]
OneLine = Annotated[str, Field(min_length=3, max_length=300, pattern=r"^[^\n\r]+$")]
RuleId = Annotated[str, Field(pattern=r"^(?:all|[a-z]{2})-[a-z0-9]+(?:-[a-z0-9]+)*$")]


class Basis(BaseModel):
    """A legal basis a use can rest on (an exception, fair use, a licence, the public domain)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label: OneLine = Field(description="How reports name it, e.g. 'JP Art. 30-4'.")
    ground: Ground = Field(description="The ground of exposure the basis answers.")


class Effect(BaseModel):
    """What a rule does when it fires."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bases: dict[str, BasisStatus] = Field(default_factory=dict)
    exposure: Exposure | None = Field(default=None, description="Floor on `ground`.")
    ground: Ground | None = None
    provisional: bool = Field(default=False, description="Rests on a first-instance ruling.")
    obligations: tuple[OneLine, ...] = ()
    void_bases: tuple[Ground, ...] = Field(
        default=(), description="Grounds whose every basis is lost (no lawful access at all)."
    )


class Rule(BaseModel):
    """One rule: market, dates, conditions over the facts, effect, citations."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: RuleId
    market: str
    title: OneLine
    when: dict[str, Any] = Field(default_factory=dict)
    effect: Effect
    explanation: str = Field(min_length=10, description="Why, in our own words.")
    citations: tuple[str, ...] = Field(default=(), description="KB ids the rule rests on.")
    see_also: tuple[str, ...] = Field(
        default=(),
        description="KB ids for context (pending reforms); they do not make the rule provisional.",
    )
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    replaces: tuple[str, ...] = ()
    _conditions: tuple[Condition, ...] = PrivateAttr(default=())

    @field_validator("when")
    @classmethod
    def _compile(cls, value: dict[str, Any]) -> dict[str, Any]:
        compile_conditions(value)  # raises ValueError on a bad key or value
        return value

    @model_validator(mode="after")
    def _coherent(self) -> Rule:
        self._conditions = compile_conditions(self.when)
        eff = self.effect
        if (eff.exposure is None) != (eff.ground is None):
            raise ValueError("effect.exposure and effect.ground go together")
        if not self.citations and self.market != GLOBAL:
            raise ValueError("a market rule must cite at least one knowledge-base id")
        if not eff.bases and eff.exposure is None and not eff.obligations and not eff.void_bases:
            raise ValueError("effect changes nothing: give bases, exposure or obligations")
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """Return the compiled conditions (one predicate per ``when`` entry)."""
        return self._conditions

    def in_effect(self, on: dt.date) -> bool:
        """Return True when ``on`` lies inside the rule's effective window."""
        if self.effective_from is not None and on < self.effective_from:
            return False
        return self.effective_to is None or on <= self.effective_to

    def matches(self, facts: dict[str, Any]) -> bool:
        """Return True when every condition holds for the normalised ``facts``."""
        return all(cond(facts) for cond in self._conditions)


class RuleSet:
    """The validated rules, by market, with the basis catalogue."""

    def __init__(self, rules: dict[str, Rule], bases: dict[str, Basis]) -> None:
        self.rules = rules
        self.bases = bases
        self._by_market: dict[str, tuple[Rule, ...]] = {}
        for rule in rules.values():
            self._by_market.setdefault(rule.market, ())
            self._by_market[rule.market] += (rule,)

    def for_market(self, market: str, layers: dict[str, str]) -> tuple[Rule, ...]:
        """Return the rules that apply in ``market``: global, its parent layer, then its own."""
        chain = [GLOBAL]
        if market in layers:
            chain.append(layers[market])
        chain.append(market)
        return tuple(r for m in chain for r in self._by_market.get(m, ()))

    def markets(self) -> tuple[str, ...]:
        """Return the markets that have rules of their own, sorted."""
        return tuple(sorted(m for m in self._by_market if m != GLOBAL))


def _read_yaml(path: Path) -> Any:
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"cannot read: {exc}", path=path) from exc
    except yaml.YAMLError as exc:
        raise RuleError(f"invalid YAML: {exc}".replace("\n", " "), path=path) from exc


def _summarise(exc: ValidationError) -> str:
    errs = exc.errors()
    parts = [f"{'.'.join(str(p) for p in e['loc']) or 'rule'}: {e['msg']}" for e in errs[:4]]
    return "; ".join(parts)


def load_bases(path: Path) -> dict[str, Basis]:
    """Return the basis catalogue in ``path`` (``bases.yaml``); raise RuleError when invalid."""
    data = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("bases"), dict):
        raise RuleError("expected a mapping 'bases: {id: {label, ground}}'", path=path)
    out: dict[str, Basis] = {}
    for key, body in data["bases"].items():
        try:
            out[key] = Basis.model_validate({"id": key, **(body or {})})
        except (ValidationError, TypeError) as exc:
            msg = _summarise(exc) if isinstance(exc, ValidationError) else str(exc)
            raise RuleError(f"basis {key!r}: {msg}", path=path) from exc
    return out


def read_rule(path: Path, markets: frozenset[str]) -> Rule:
    """Return the rule in one YAML file; raise RuleError naming the file when it is invalid."""
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise RuleError("expected a mapping of rule fields", path=path)
    try:
        rule = Rule.model_validate(data)
    except ValidationError as exc:
        raise RuleError(_summarise(exc), path=path) from exc
    if rule.id != path.stem:
        raise RuleError(f"id {rule.id!r} does not match the file name {path.name!r}", path=path)
    if rule.market != path.parent.name:
        raise RuleError(f"market {rule.market!r} is not its directory's", path=path)
    if rule.market not in markets:
        raise RuleError(f"market {rule.market!r} is not a known market", path=path)
    if not rule.id.startswith(rule.market + "-"):
        raise RuleError(f"id {rule.id!r} must start with its market", path=path)
    return rule


def load_rules(root: str | Path | None = None, markets: frozenset[str] | None = None) -> RuleSet:
    """Return every rule under ``root`` (default: the shipped set), cross-checked.

    Raises RuleError naming the file for a bad rule, a duplicate id, an unknown basis or a
    ``replaces`` that names no rule.
    """
    root = Path(root) if root is not None else RULES_ROOT
    if markets is None:
        from clearance.law.kb import LAYERS, MARKETS

        markets = frozenset(MARKETS) | frozenset(LAYERS) | {GLOBAL}
    bases = load_bases(root / "bases.yaml")
    rules: dict[str, Rule] = {}
    paths: dict[str, Path] = {}
    for sub in sorted(p for p in root.iterdir() if p.is_dir() and p.name != "analyses"):
        for path in sorted(sub.glob("*.yaml")):
            rule = read_rule(path, markets)
            if rule.id in rules:
                raise RuleError(f"duplicate rule id, also in {paths[rule.id]}", path=path)
            unknown = sorted(set(rule.effect.bases) - set(bases))
            if unknown:
                raise RuleError(f"bases not in bases.yaml: {unknown}", path=path)
            rules[rule.id] = rule
            paths[rule.id] = path
    for rid, rule in rules.items():
        missing = [r for r in rule.replaces if r not in rules]
        if missing:
            raise RuleError(f"replaces unknown rules {missing}", path=paths[rid])
    if not rules:
        raise RuleError("no rules found", path=root)
    logger.debug("loaded %d rules from %s", len(rules), root)
    return RuleSet(rules, bases)


@functools.cache
def default_rules() -> RuleSet:
    """Return the shipped rule set, loaded once per process."""
    return load_rules()
