# SPDX-License-Identifier: Apache-2.0
"""Negotiation playbooks and strategies, as data.

A playbook names the deal (a term sheet), who tables the first draft, the topics in play, a
seed, and for each side: a strategy (``tough``, ``balanced``, ``cooperative`` ship under
``data/clauses/strategies/``, or one written inline), priorities per topic (1-5), a ladder of
acceptable positions per topic (best first; the last rung is the floor), red lines (topics on
which the side will not move at all, with what it says) and trades ("we accept your X if you
give us Y"). ``load_playbook`` validates it against the clause library and raises
``ContractError`` naming the file and the field.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clearance.draft.library import ClauseLibrary
from clearance.draft.sources import CLAUSES_ROOT
from clearance.draft.termsheet import (
    EXAMPLE_TERM_SHEET,
    TermSheet,
    check_sheet,
    load_term_sheet,
    read_yaml_mapping,
)
from clearance.errors import ContractError, KnowledgeBaseError
from clearance.law.kb import OneLine

__all__ = [
    "EXAMPLE_PLAYBOOK",
    "STRATEGIES_ROOT",
    "Playbook",
    "SidePlan",
    "Strategy",
    "Trade",
    "load_playbook",
    "shipped_strategies",
]

STRATEGIES_ROOT: Final = CLAUSES_ROOT / "strategies"
EXAMPLE_PLAYBOOK: Final = CLAUSES_ROOT / "examples" / "playbook.yaml"
Side = Literal["licensor", "licensee"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Strategy(_Model):
    """How a side behaves: how long it holds, how fast it concedes, whether it trades."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    title: OneLine
    description: OneLine
    patience: int = Field(ge=0, le=20, description="Turns a topic is held before a concession.")
    patience_jitter: int = Field(ge=0, le=5, description="Random extra turns (seeded).")
    concessions_per_turn: int = Field(ge=0, le=10, description="Topics conceded per turn at most.")
    offers_packages: bool = Field(description="Proposes its trades.")
    package_ratio: float = Field(
        ge=0, le=10, description="Accepts a package if gain >= ratio x loss."
    )
    firm_priority: int = Field(
        ge=1, le=6, description="Holds topics of this priority or more to the end."
    )


class Trade(_Model):
    """A package: concede ``give`` (a topic and position) in exchange for ``get``."""

    give: dict[str, str] = Field(min_length=1, max_length=1)
    get: dict[str, str] = Field(min_length=1, max_length=1)
    say: str = Field(default="", max_length=600)


class SidePlan(_Model):
    """One side's plan: strategy, priorities, ladders, red lines, trades."""

    strategy: str | Strategy = "balanced"
    priorities: dict[str, int] = Field(default_factory=dict)
    ladders: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    red_lines: dict[str, str] = Field(default_factory=dict)
    trades: tuple[Trade, ...] = ()


class Playbook(_Model):
    """A negotiation to simulate: the deal, who drafts first, the topics and both sides' plans."""

    title: str = Field(default="Negotiation", max_length=200)
    seed: int = 0
    max_rounds: int = Field(default=12, ge=1, le=100)
    term_sheet: str | dict[str, Any] = "example"
    opening: Side = "licensor"
    topics: tuple[str, ...] = ()
    sides: dict[Side, SidePlan]


@functools.cache
def shipped_strategies() -> dict[str, Strategy]:
    """Return the strategies under ``data/clauses/strategies`` by id."""
    found: dict[str, Strategy] = {}
    for path in sorted(STRATEGIES_ROOT.glob("*.yaml")):
        try:
            strategy = Strategy.model_validate(read_yaml_mapping(path, "strategy"))
        except (ValidationError, ContractError) as exc:
            raise KnowledgeBaseError(f"invalid strategy: {exc}", path=path) from exc
        if strategy.id != path.stem:
            raise KnowledgeBaseError(f"id {strategy.id!r} must equal the file name", path=path)
        found[strategy.id] = strategy
    return found


def _check_side(side: str, plan: SidePlan, library: ClauseLibrary, topics: set[str]) -> list[str]:
    problems = []
    where = f"sides.{side}"
    if isinstance(plan.strategy, str) and plan.strategy not in shipped_strategies():
        known = ", ".join(shipped_strategies())
        problems.append(f"{where}.strategy: unknown strategy {plan.strategy!r} (known: {known})")
    for topic, value in plan.priorities.items():
        if topic not in topics:
            problems.append(f"{where}.priorities.{topic}: not a topic in play")
        elif not 1 <= value <= 5:
            problems.append(f"{where}.priorities.{topic}: priority must be 1-5")
    for topic, ladder in plan.ladders.items():
        if topic not in topics:
            problems.append(f"{where}.ladders.{topic}: not a topic in play")
            continue
        if not ladder or len(set(ladder)) != len(ladder):
            problems.append(f"{where}.ladders.{topic}: needs distinct positions")
        elif any(p not in library.positions for p in ladder):
            problems.append(
                f"{where}.ladders.{topic}: positions are {', '.join(library.positions)}"
            )
        else:
            values = [library.value(side, p) for p in ladder]
            if values != sorted(values, reverse=True):
                problems.append(f"{where}.ladders.{topic}: order the rungs best first for {side}")
    for topic in plan.red_lines:
        if topic not in topics:
            problems.append(f"{where}.red_lines.{topic}: not a topic in play")
    for i, trade in enumerate(plan.trades):
        for part, what in (("give", trade.give), ("get", trade.get)):
            ((topic, position),) = what.items()
            if topic not in topics:
                problems.append(f"{where}.trades.{i}.{part}: {topic!r} is not a topic in play")
            elif position not in library.positions:
                problems.append(f"{where}.trades.{i}.{part}.{topic}: unknown position {position!r}")
    return problems


def load_playbook(path: str | Path, library: ClauseLibrary) -> tuple[Playbook, TermSheet]:
    """Return the playbook in ``path`` and its term sheet, validated; raise ContractError."""
    path = Path(path)
    raw = read_yaml_mapping(path, "playbook")
    try:
        book = Playbook.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "playbook"
        raise ContractError(f"{where}: {err['msg']}", path=path) from exc
    if isinstance(book.term_sheet, dict):
        sheet_path = path.parent / ".inline-term-sheet.yaml"
        sheet = _inline_sheet(book.term_sheet, library, path, sheet_path)
    else:
        target = EXAMPLE_TERM_SHEET if book.term_sheet == "example" else Path(book.term_sheet)
        if not target.is_absolute():
            target = path.parent / target
        sheet = load_term_sheet(target, library)
    topics = set(book.topics or [t.id for t in library])
    problems = [f"topics: unknown topic {t!r}" for t in book.topics if t not in library]
    for side in library.info.sides:
        if side not in book.sides:
            problems.append(f"sides.{side}: missing")
    for side, plan in book.sides.items():
        problems += _check_side(side, plan, library, topics)
    if problems:
        raise ContractError("; ".join(problems[:5]), path=path)
    return book, sheet


def _inline_sheet(
    data: dict[str, Any], library: ClauseLibrary, playbook: Path, label: Path
) -> TermSheet:
    try:
        sheet = TermSheet.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ContractError(f"term_sheet.{where}: {err['msg']}", path=playbook) from exc
    problems = check_sheet(sheet, library)
    if problems:
        raise ContractError("term_sheet: " + "; ".join(problems[:5]), path=playbook)
    return sheet.model_copy(update={"base_dir": label.parent.resolve()})
