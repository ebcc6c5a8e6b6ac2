# SPDX-License-Identifier: Apache-2.0
"""Sourcing policies as YAML documents: the schema, the loader and the shipped set.

A policy maps conditions over the decision table (``decide/conditions.py``) to one of three
tiers and may carry waivers. :func:`load_policy` takes a shipped policy id
(``eu-ready-commercial``) or a path, validates the document and every condition, and raises
:class:`~clearance.errors.PolicyError` naming the file and, when one is at fault, the rule or
waiver. ``docs/policies.md`` explains the format for counsel.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from clearance.decide.columns import market_of
from clearance.decide.conditions import Node, columns_of, parse_when
from clearance.errors import PolicyError
from clearance.yamlio import load_yaml

__all__ = [
    "BUILTIN_RULES",
    "TIERS",
    "Policy",
    "PolicyRule",
    "Tier",
    "Waiver",
    "load_policy",
    "load_waivers",
    "shipped_policies",
]

Tier = Literal["approved", "restricted", "prohibited"]
#: Tiers from least to most severe; the most severe matching rule decides.
TIERS: Final[tuple[str, ...]] = ("approved", "restricted", "prohibited")
_ID = r"^[a-z0-9][a-z0-9._-]{0,79}$"


class PolicyRule(BaseModel):
    """One rule: when its condition holds for an item, the item gets at least its tier."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=_ID)
    tier: Tier
    reason: str = Field(min_length=3, description="Plain words shown with every item it hits.")
    when: dict[str, Any]
    waivable: bool = True
    citations: list[str] = Field(default_factory=list)
    notes: str = ""


#: Rules every policy starts with (precedence: decide/gate.py).
BUILTIN_RULES: tuple[PolicyRule, ...] = (
    PolicyRule(
        id="builtin.known-work",
        tier="prohibited",
        reason="matches a known protected work",
        when={"known_work": {"present": True}},
        waivable=False,
    ),
    PolicyRule(
        id="builtin.takedown",
        tier="prohibited",
        reason="named by a takedown or opt-out request",
        when={"takedown": {"present": True}},
        waivable=False,
    ),
    PolicyRule(
        id="builtin.blocklist",
        tier="prohibited",
        reason="source is on a shadow-library or piracy blocklist",
        when={"blocklist": {"present": True}},
    ),
)


class Waiver(BaseModel):
    """Lifts one rule (or, with no rule, every waivable rule) for the items a selector picks."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=_ID)
    rule: str | None = None
    items: dict[str, Any] | None = None
    reason: str = Field(min_length=3)
    author: str = Field(min_length=1)
    expires: dt.date
    granted: dt.date | None = None
    reference: str = ""

    @field_validator("expires", "granted", mode="before")
    @classmethod
    def _iso(cls, value: Any) -> Any:
        if isinstance(value, str):
            return dt.date.fromisoformat(value)
        return value


class Policy(BaseModel):
    """A whole policy document."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=_ID)
    title: str
    version: int = Field(ge=1)
    summary: str
    purpose: str = "genai_training"
    org_type: str | None = None
    markets: list[str] = Field(default_factory=list)
    default_tier: Tier
    rules: list[PolicyRule]
    waivers: list[Waiver] = Field(default_factory=list)
    path: str = Field(default="", exclude=True)

    def digest(self) -> str:
        """Return the SHA-256 of the policy's canonical JSON (rules, waivers, default)."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def conditions(self) -> dict[str, Node]:
        """Return each rule's parsed condition, by rule id."""
        return {r.id: _parsed(self, "rule", r.id, r.when) for r in self.rules}

    def selectors(self) -> dict[str, Node | None]:
        """Return each waiver's parsed item selector (None: every item), by waiver id."""
        return {
            w.id: None if w.items is None else _parsed(self, "waiver", w.id, w.items)
            for w in self.waivers
        }

    def read_columns(self) -> set[str]:
        """Return every decision-table column the rules and waivers read."""
        read: set[str] = set()
        for node in (*self.conditions().values(), *self.selectors().values()):
            if node is not None:
                read |= columns_of(node)
        return read

    def needed_markets(self) -> list[str]:
        """Return the markets whose columns the rules or waivers read, plus ``markets``."""
        read: set[str] = set()
        for node in (*self.conditions().values(), *self.selectors().values()):
            if node is not None:
                read |= {m for c in columns_of(node) if (m := market_of(c))}
        return list(dict.fromkeys([*self.markets, *sorted(read)]))

    def with_waivers(self, extra: list[Waiver], source: str = "") -> Policy:
        """Return a copy with ``extra`` waivers appended (validated against the rules)."""
        merged = self.model_copy(update={"waivers": [*self.waivers, *extra]})
        _check(merged, source or self.path)
        return merged


def _parsed(policy: Policy, what: str, ident: str, when: dict[str, Any]) -> Node:
    try:
        return parse_when(when)
    except ValueError as exc:
        raise PolicyError(f"{what} {ident!r}: {exc}", path=policy.path or None) from exc


def _check(policy: Policy, path: str) -> None:
    def fail(message: str) -> PolicyError:
        return PolicyError(message, path=path or None)

    if not policy.rules:
        raise fail("the policy has no rules")
    ids = [r.id for r in policy.rules]
    for rid in sorted({i for i in ids if ids.count(i) > 1}):
        raise fail(f"rule {rid!r}: the id is used by more than one rule")
    waiver_ids = [w.id for w in policy.waivers]
    for wid in sorted({i for i in waiver_ids if waiver_ids.count(i) > 1}):
        raise fail(f"waiver {wid!r}: the id is used by more than one waiver")
    for rule in policy.rules:
        if rule.id.startswith("builtin."):
            raise fail(f"rule {rule.id!r}: ids starting with 'builtin.' are reserved")
    rules = {r.id: r for r in (*BUILTIN_RULES, *policy.rules)}
    for waiver in policy.waivers:
        if waiver.rule is None and waiver.items is None:
            raise fail(f"waiver {waiver.id!r}: name the rule it waives, an items selector, or both")
        if waiver.rule is not None:
            if waiver.rule not in rules:
                raise fail(f"waiver {waiver.id!r}: no rule {waiver.rule!r} in the policy")
            if not rules[waiver.rule].waivable:
                raise fail(f"waiver {waiver.id!r}: rule {waiver.rule!r} cannot be waived")
            if waiver.rule == "builtin.blocklist" and waiver.items is None:
                raise fail(
                    f"waiver {waiver.id!r}: a blocklist hit is waived item by item only "
                    "(give an items selector)"
                )
        if waiver.granted is not None and waiver.granted > waiver.expires:
            raise fail(f"waiver {waiver.id!r}: granted after it expires")
    from clearance.law.engine import all_markets

    for market in policy.markets:
        if market not in all_markets():
            raise fail(f"unknown market {market!r}; markets: {', '.join(all_markets())}")
    policy.conditions()
    policy.selectors()




def _read(path: Path | Any) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"cannot read: {exc}", path=str(path)) from exc
    try:
        return load_yaml(text, unique_keys=True)
    except yaml.YAMLError as exc:
        raise PolicyError(f"invalid YAML: {exc}".replace("\n", " "), path=str(path)) from exc


def _summarise(exc: ValidationError, data: Any) -> str:
    parts = []
    for err in exc.errors()[:4]:
        loc = list(err["loc"])
        where = ".".join(str(p) for p in loc) or "document"
        if len(loc) >= 2 and loc[0] in ("rules", "waivers") and isinstance(loc[1], int):
            try:
                ident = data[loc[0]][loc[1]].get("id")
            except (AttributeError, IndexError, KeyError, TypeError):
                ident = None
            if ident:
                kind = "rule" if loc[0] == "rules" else "waiver"
                where = f"{kind} {ident!r} ({'.'.join(str(p) for p in loc[2:]) or 'entry'})"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def _policies_dir() -> Any:
    return resources.files("clearance").joinpath("data/policies")


def shipped_policies() -> tuple[str, ...]:
    """Return the ids of the policies shipped in ``data/policies/``."""
    root = _policies_dir()
    return tuple(sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml")))


@cache
def _load_shipped(name: str) -> Policy:
    return _load_path(_policies_dir().joinpath(f"{name}.yaml"))


def _load_path(path: Path | Any) -> Policy:
    data = _read(path)
    if data is None:
        raise PolicyError("the document is empty", path=str(path))
    if not isinstance(data, dict):
        raise PolicyError("expected a mapping (id, title, rules, ...)", path=str(path))
    try:
        policy = Policy.model_validate({**data, "path": str(path)})
    except ValidationError as exc:
        raise PolicyError(_summarise(exc, data), path=str(path)) from exc
    _check(policy, str(path))
    return policy


def load_policy(source: str | Path) -> Policy:
    """Return the policy named by a shipped id or found at a path, validated.

    Raises PolicyError naming the file (and the rule or waiver at fault) when the document is
    empty, malformed, uses an unknown column, tier or operator, repeats an id, or waives a
    rule that does not exist or cannot be waived.
    """
    text = str(source)
    if isinstance(source, str) and text in shipped_policies():
        return _load_shipped(text)
    path = Path(text)
    if not path.is_file():
        shipped = ", ".join(shipped_policies())
        raise PolicyError(f"no such policy file (shipped policies: {shipped})", path=text)
    return _load_path(path)


class _WaiverFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    waivers: list[Waiver]


def load_waivers(path: str | Path, policy: Policy) -> Policy:
    """Return ``policy`` with the waivers of a separate YAML file (``waivers: [...]``) added."""
    data = _read(Path(path))
    if not isinstance(data, dict):
        raise PolicyError("expected a mapping with a 'waivers' list", path=str(path))
    try:
        extra = _WaiverFile.model_validate(data).waivers
    except ValidationError as exc:
        raise PolicyError(_summarise(exc, data), path=str(path)) from exc
    return policy.with_waivers(extra, str(path))
