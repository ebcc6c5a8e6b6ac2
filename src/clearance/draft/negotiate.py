# SPDX-License-Identifier: Apache-2.0
"""Simulate the negotiation of an AI data licence between a licensor and a licensee.

The opening side tables the first draft at the top of its ladders. Each round, the other
side moves, then the opening side: a side accepts the other's position on a topic when it is
at least as good for it as its own current stance; answers a pending package (accepting it
when what it gains, weighted by its priorities, is at least ``package_ratio`` times what it
gives); offers one of its own trades; and concedes one rung on up to ``concessions_per_turn``
open topics it has held for ``patience`` turns, lowest priority first (ties broken by the
seeded random generator). A side never goes below the floor of a ladder, never moves on a red
line, and never concedes unilaterally on a topic at or above its strategy's firm priority.

The run ends in agreement when no topic is open, or in deadlock when neither side can move
(each is at its floor on every open topic and no trade is left to offer) or when the rounds
run out. Everything random comes from ``random.Random(seed)``: the same playbook and seed
give the same transcript.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from clearance.draft.library import ClauseLibrary
from clearance.draft.playbook import Playbook, SidePlan, Strategy, Trade, shipped_strategies

__all__ = ["Event", "Outcome", "simulate"]

_DEFAULT_PRIORITY = 2


@dataclass(frozen=True, slots=True)
class Event:
    """One line of the transcript."""

    round: int
    side: str
    action: str  # tables | accepts | concedes | offers | takes_package | rejects | red_line | holds
    text: str
    topic: str = ""
    position: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the event as a JSON-ready dict."""
        return {
            "round": self.round,
            "side": self.side,
            "action": self.action,
            "topic": self.topic,
            "position": self.position,
            "text": self.text,
        }


@dataclass
class Outcome:
    """How the negotiation ended and how it got there."""

    result: str  # agreement | deadlock
    reason: str
    rounds: int
    opening: dict[str, str]
    final: dict[str, str]
    agreed: dict[str, int]  # topic -> round agreed
    stances: dict[str, dict[str, str]]
    floors: dict[str, dict[str, str]]
    transcript: list[Event] = field(default_factory=list)
    concessions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    packages: list[dict[str, Any]] = field(default_factory=list)


class _Side:
    def __init__(
        self,
        name: str,
        plan: SidePlan,
        topics: list[str],
        library: ClauseLibrary,
        rng: random.Random,
    ) -> None:
        self.name = name
        self.plan = plan
        self.strategy: Strategy = (
            plan.strategy
            if isinstance(plan.strategy, Strategy)
            else shipped_strategies()[plan.strategy]
        )
        self.ladder = {}
        for t in topics:
            ladder = list(plan.ladders.get(t, (name, "balanced")))
            if t in plan.red_lines:
                ladder = ladder[:1]
            self.ladder[t] = ladder
        self.rung = dict.fromkeys(topics, 0)
        self.priority = {t: plan.priorities.get(t, _DEFAULT_PRIORITY) for t in topics}
        self.wait = {
            t: self.strategy.patience + rng.randint(0, self.strategy.patience_jitter)
            for t in topics
        }
        self.held = dict.fromkeys(topics, 0)
        self.offered: dict[int, tuple[str, ...]] = {}
        self.red_said: set[str] = set()

    def stance(self, topic: str) -> str:
        return self.ladder[topic][self.rung[topic]]

    def at_floor(self, topic: str) -> bool:
        return self.rung[topic] >= len(self.ladder[topic]) - 1

    def can_concede(self, topic: str) -> bool:
        firm = self.priority[topic] >= self.strategy.firm_priority
        return not self.at_floor(topic) and not firm and topic not in self.plan.red_lines


class _Run:
    def __init__(self, book: Playbook, library: ClauseLibrary, start: dict[str, str]) -> None:
        self.library = library
        self.rng = random.Random(book.seed)
        self.topics = list(book.topics or [t.id for t in library])
        self.sides = {
            s: _Side(s, book.sides[s], self.topics, library, self.rng)  # type: ignore[index]
            for s in library.info.sides
        }
        self.first = book.opening
        self.second = library.other(book.opening)
        self.start = dict(start)
        self.agreed: dict[str, str] = {}
        self.agreed_round: dict[str, int] = {}
        self.events: list[Event] = []
        self.pending: tuple[str, int, Trade] | None = None
        self.concessions: dict[str, list[dict[str, Any]]] = {s: [] for s in self.sides}
        self.packages: list[dict[str, Any]] = []

    # -- helpers --------------------------------------------------------------------------
    def title(self, topic: str) -> str:
        return self.library.topic(topic).title

    def summary(self, topic: str, position: str) -> str:
        return self.library.topic(topic).positions[position].summary

    def who(self, side: str) -> str:
        return self.library.info.side_titles[side]

    def open_topics(self) -> list[str]:
        return [t for t in self.topics if t not in self.agreed]

    def say(
        self, rnd: int, side: str, action: str, text: str, topic: str = "", position: str = ""
    ) -> None:
        self.events.append(Event(rnd, side, action, text, topic, position))

    def agree(self, rnd: int, topic: str, position: str) -> None:
        self.agreed[topic] = position
        self.agreed_round[topic] = rnd

    def value(self, side: str, position: str) -> int:
        return self.library.value(side, position)

    # -- moves ----------------------------------------------------------------------------
    def table(self) -> None:
        me = self.sides[self.first]
        own = sum(1 for t in self.topics if me.stance(t) == self.first)
        self.say(
            0,
            self.first,
            "tables",
            f"{self.who(self.first)} tables the first draft: {len(self.topics)} topics in "
            f"play, {own} of them at its own position.",
        )

    def accept_matches(self, rnd: int, me: _Side, other: _Side) -> bool:
        moved = False
        for t in self.open_topics():
            theirs = other.stance(t)
            if theirs in me.ladder[t] and self.value(me.name, theirs) >= self.value(
                me.name, me.stance(t)
            ):
                self.agree(rnd, t, theirs)
                self.say(
                    rnd,
                    me.name,
                    "accepts",
                    f"We accept your position on {self.title(t)}: {self.summary(t, theirs)}",
                    t,
                    theirs,
                )
                moved = True
        return moved

    def answer_package(self, rnd: int, me: _Side) -> bool:
        if self.pending is None or self.pending[0] == me.name:
            return False
        offerer, index, trade = self.pending
        self.pending = None
        ((give_t, give_p),) = trade.give.items()  # what the offerer concedes: good for me
        ((get_t, get_p),) = trade.get.items()  # what the offerer wants: costs me
        if give_t in self.agreed or get_t in self.agreed:
            return False
        other = self.sides[offerer]
        gain = me.priority[give_t] * (
            self.value(me.name, give_p) - self.value(me.name, other.stance(give_t))
        )
        loss = me.priority[get_t] * (
            self.value(me.name, me.stance(get_t)) - self.value(me.name, get_p)
        )
        acceptable = get_p in me.ladder[get_t] and get_t not in me.plan.red_lines
        if acceptable and gain > 0 and gain >= me.strategy.package_ratio * max(loss, 0):
            self.agree(rnd, give_t, give_p)
            self.agree(rnd, get_t, get_p)
            self.packages.append(
                {
                    "round": rnd,
                    "offered_by": offerer,
                    "accepted_by": me.name,
                    "give": {give_t: give_p},
                    "get": {get_t: get_p},
                }
            )
            for side, topic, pos in ((offerer, give_t, give_p), (me.name, get_t, get_p)):
                before = self.sides[side].stance(topic)
                if self.value(side, pos) < self.value(side, before):
                    self.concessions[side].append(
                        self.concession(rnd, side, topic, before, pos, "package")
                    )
            self.say(
                rnd,
                me.name,
                "takes_package",
                f"We take the package: {self.title(give_t)} at the {give_p} position and "
                f"{self.title(get_t)} at the {get_p} position.",
                get_t,
                get_p,
            )
            return True
        why = (
            "it crosses our red line"
            if get_t in me.plan.red_lines
            else ("what we would give is worth more to us than what we would get")
        )
        self.say(rnd, me.name, "rejects", f"We cannot take that package: {why}.", get_t, get_p)
        return False

    def offer_package(self, rnd: int, me: _Side) -> bool:
        if not me.strategy.offers_packages or self.pending is not None:
            return False
        for i, trade in enumerate(me.plan.trades):
            ((give_t, give_p),) = trade.give.items()
            ((get_t, get_p),) = trade.get.items()
            if give_t in self.agreed or get_t in self.agreed:
                continue
            if me.offered.get(i) == self.snapshot(give_t, get_t):
                continue  # offered before, and nothing has moved on these topics since
            me.offered[i] = self.snapshot(give_t, get_t)
            self.pending = (me.name, i, trade)
            ours = self.summary(give_t, give_p).rstrip(".").lower()
            theirs = self.summary(get_t, get_p).rstrip(".").lower()
            text = trade.say or (
                f"We accept {ours} on {self.title(give_t)} if you give us {theirs} on "
                f"{self.title(get_t)}."
            )
            self.say(rnd, me.name, "offers", text, give_t, give_p)
            return True
        return False

    def snapshot(self, *topics: str) -> tuple[str, ...]:
        return tuple(side.stance(t) for t in topics for side in self.sides.values())

    def concession(
        self, rnd: int, side: str, topic: str, before: str, after: str, how: str
    ) -> dict[str, Any]:
        me = self.sides[side]
        drop = self.value(side, before) - self.value(side, after)
        return {
            "round": rnd,
            "topic": topic,
            "title": self.title(topic),
            "from": before,
            "to": after,
            "priority": me.priority[topic],
            "cost": drop * me.priority[topic],
            "how": how,
        }

    def concede(self, rnd: int, me: _Side, other: _Side) -> bool:
        blocked = set()
        if self.pending is not None:
            _, _, trade = self.pending
            blocked = {*trade.give, *trade.get}
        candidates = [
            t
            for t in self.open_topics()
            if t not in blocked and me.can_concede(t) and me.held[t] >= me.wait[t]
        ]
        order = {t: self.rng.random() for t in candidates}
        candidates.sort(key=lambda t: (me.priority[t], order[t]))
        moved = False
        for t in candidates[: me.strategy.concessions_per_turn]:
            before = me.stance(t)
            me.rung[t] += 1
            me.held[t] = 0
            after = me.stance(t)
            self.concessions[me.name].append(
                self.concession(rnd, me.name, t, before, after, "concession")
            )
            moved = True
            if after == other.stance(t):
                self.agree(rnd, t, after)
                self.say(
                    rnd,
                    me.name,
                    "accepts",
                    f"On {self.title(t)} we can accept your position: {self.summary(t, after)}",
                    t,
                    after,
                )
            else:
                self.say(
                    rnd,
                    me.name,
                    "concedes",
                    f"On {self.title(t)} we can move to the {after} position: "
                    f"{self.summary(t, after)}",
                    t,
                    after,
                )
        for t in self.open_topics():
            if (
                t in me.plan.red_lines
                and t not in me.red_said
                and self.value(me.name, other.stance(t)) < self.value(me.name, me.stance(t))
            ):
                me.red_said.add(t)
                self.say(
                    rnd,
                    me.name,
                    "red_line",
                    f"{self.title(t)} is a red line for us: {me.plan.red_lines[t]}",
                    t,
                    me.stance(t),
                )
        return moved

    def turn(self, rnd: int, side: str) -> bool:
        me, other = self.sides[side], self.sides[self.library.other(side)]
        moved = self.accept_matches(rnd, me, other)
        moved = self.answer_package(rnd, me) or moved
        offered = self.offer_package(rnd, me)
        moved = self.concede(rnd, me, other) or moved
        for t in self.open_topics():
            me.held[t] += 1
        if not moved and not offered and self.open_topics():
            names = ", ".join(self.title(t) for t in self.open_topics()[:4])
            more = len(self.open_topics()) - 4
            self.say(
                rnd,
                side,
                "holds",
                f"We hold our position on {names}"
                + (f" and {more} more topics" if more > 0 else "")
                + ".",
            )
        return moved or offered

    def stuck(self) -> bool:
        for t in self.open_topics():
            for side in self.sides.values():
                theirs = self.sides[self.library.other(side.name)].stance(t)
                if theirs in side.ladder[t] and self.value(side.name, theirs) >= self.value(
                    side.name, side.stance(t)
                ):
                    return False
        for side in self.sides.values():
            if any(side.can_concede(t) for t in self.open_topics()):
                return False
            if side.strategy.offers_packages and any(
                side.offered.get(i) != self.snapshot(*tr.give, *tr.get)
                and not ({*tr.give, *tr.get} & set(self.agreed))
                for i, tr in enumerate(side.plan.trades)
            ):
                return False
        return self.pending is None

    def run(self, max_rounds: int) -> tuple[str, str, int]:
        self.table()
        for t in self.topics:
            if self.sides[self.first].stance(t) == self.sides[self.second].stance(t):
                self.agree(0, t, self.sides[self.first].stance(t))
        for rnd in range(1, max_rounds + 1):
            for side in (self.second, self.first):
                self.turn(rnd, side)
                if not self.open_topics():
                    return "agreement", f"all topics agreed in round {rnd}", rnd
            if self.stuck():
                names = ", ".join(self.title(t) for t in self.open_topics())
                return (
                    "deadlock",
                    f"deadlock in round {rnd}: neither side can move on {names}",
                    rnd,
                )
        names = ", ".join(self.title(t) for t in self.open_topics())
        return (
            "deadlock",
            f"no agreement within {max_rounds} rounds; still open: {names}",
            max_rounds,
        )


def simulate(book: Playbook, library: ClauseLibrary, positions: dict[str, str]) -> Outcome:
    """Play ``book`` and return the outcome; ``positions`` are the term sheet's positions."""
    run = _Run(book, library, positions)
    opening = dict(positions)
    for t in run.topics:
        opening[t] = run.sides[run.first].stance(t)
    result, reason, rounds = run.run(book.max_rounds)
    final = dict(opening)
    final.update(run.agreed)
    for t in run.open_topics():  # the pen-holder's current text stays in the draft
        final[t] = run.sides[run.first].stance(t)
    return Outcome(
        result=result,
        reason=reason,
        rounds=rounds,
        opening=opening,
        final=final,
        agreed=dict(run.agreed_round),
        stances={s: {t: run.sides[s].stance(t) for t in run.topics} for s in run.sides},
        floors={s: {t: run.sides[s].ladder[t][-1] for t in run.topics} for s in run.sides},
        transcript=run.events,
        concessions=run.concessions,
        packages=run.packages,
    )
