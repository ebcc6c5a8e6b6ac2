# SPDX-License-Identifier: Apache-2.0
"""The pieces a robots.txt policy is built from: access results, merged groups, statements.

:func:`access_state` reads the HTTP outcome (RFC 9309 §2.3.1). :class:`GroupIndex` turns the
lines of each group into :class:`Rule` objects (normalised patterns) and :class:`Statement`
objects (Content-Usage, Content-Signal), stored once per group, and indexes the groups by
product token (merged per §2.2.1 when asked), noting rules no crawler will apply as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from clearance.signals.aipref import UsageRule, parse_usage_rule
from clearance.signals.content_signal import ContentSignal, parse_content_signal
from clearance.signals.robots.match import Rule
from clearance.signals.robots.parse import ParseNote, RawGroup, RawRecord, product_token
from clearance.signals.robots.paths import normalize_pattern

__all__ = [
    "MAX_REDIRECTS",
    "GroupIndex",
    "IndexedGroup",
    "RuleMatch",
    "State",
    "Statement",
    "access_state",
]

MAX_REDIRECTS = 5  # RFC 9309 §2.3.1.2: follow at least five; more MAY be read as unavailable
State = Literal["parsed", "unavailable", "unreachable"]


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """Why a path is or is not allowed for an agent."""

    allowed: bool
    group: str | None  # the group that applied: a token, "*", or None
    rule: Rule | None  # the deciding rule; None when no rule matched
    reason: str  # "rule", "no-matching-rule", "no-group", "robots.txt", or the policy state


@dataclass(frozen=True, slots=True)
class Statement:
    """A Content-Usage or Content-Signal line, with the group it belongs to."""

    agents: tuple[str, ...]  # lower-cased product tokens of the group ("*" for everyone)
    line: int
    raw: str
    value: UsageRule | ContentSignal
    lenient: bool = False


def access_state(status: int | None, redirects: int) -> tuple[State, str]:
    """Return the state a robots.txt response puts a crawler in, and why (RFC 9309 §2.3.1)."""
    if redirects > MAX_REDIRECTS:
        return "unavailable", f"more than {MAX_REDIRECTS} redirects: read as unavailable (§2.3.1.2)"
    if status is None:
        return "unreachable", "no response (network error): complete disallow (§2.3.1.4)"
    if 200 <= status <= 299:
        return "parsed", f"HTTP {status}: rules parsed (§2.3.1.1)"
    if 300 <= status <= 399:
        return "unavailable", f"HTTP {status}: redirect not followed to a file (§2.3.1.2)"
    if status == 429:
        # "Too Many Requests" says the server would not serve now, not that there is no file:
        # read as a server error, as Google reads it ("all 4xx errors, except 429, as if a
        # valid robots.txt file didn't exist"), so a rate limit never reads as permission
        return "unreachable", ("HTTP 429: too many requests, the file was not shown: "
                               "unreachable, complete disallow (§2.3.1.4, as Google reads 429)")
    if 400 <= status <= 499:
        return "unavailable", f"HTTP {status}: unavailable, any resource may be crawled (§2.3.1.3)"
    if 500 <= status <= 599:
        return "unreachable", f"HTTP {status}: unreachable, complete disallow (§2.3.1.4)"
    return "unreachable", f"HTTP {status}: not a valid final status, treated as unreachable"


class IndexedGroup:
    """One group of the file as written: its tokens, user-agent lines, rules and statements.

    Rules and statements are stored once per group, however many tokens the group names.
    """

    __slots__ = ("agents", "lines", "rules", "signals", "usage")

    def __init__(self, agents: tuple[str, ...], lines: tuple[int, ...]) -> None:
        self.agents = agents  # distinct lower-cased product tokens, "*" included
        self.lines = lines  # line numbers of its user-agent lines
        self.rules: list[Rule] = []
        self.usage: list[Statement] = []
        self.signals: list[Statement] = []


class GroupIndex:
    """The groups of one file, indexed by product token (lower-case; ``*`` for everyone).

    RFC 9309 §2.2.1 merges groups naming the same token. Each token maps to the numbers of
    the groups that name it; a group's rules are never copied per token, so building the
    index is linear in the file however many tokens share a group. The merged view of a
    token (:meth:`rules`, :meth:`usage`, :meth:`signals`) is the group's own list when one
    group names it, else the concatenation in file order, built when asked for.
    """

    __slots__ = (
        "_frozen",
        "by_agent",
        "google_compat",
        "groups",
        "lenient_lines",
        "notes",
        "spelling",
    )

    def __init__(self, *, google_compat: bool, lenient_lines: Iterable[int]) -> None:
        self.google_compat = google_compat
        self.lenient_lines = frozenset(lenient_lines)
        self.notes: list[ParseNote] = []
        self.groups: list[IndexedGroup] = []
        self.by_agent: dict[str, list[int]] = {}  # token -> numbers of the groups naming it
        self.spelling: dict[str, str] = {}  # token -> as the file first wrote it
        self._frozen: dict[str, tuple[int, ...]] = {}

    def add(self, group: RawGroup) -> None:
        """Index one group's agents, rules and statements."""
        agents = tuple(dict.fromkeys(group.agents))
        for record in group.agent_lines:
            value = record.value.strip()
            token, _ = product_token(value, google_compat=self.google_compat)
            if token is not None and token != "*" and token not in self.spelling:
                self.spelling[token] = value.lstrip("*")[: len(token)]
        self._frozen.clear()
        number = len(self.groups)
        indexed = IndexedGroup(agents, tuple(r.line for r in group.agent_lines))
        self.groups.append(indexed)
        for agent in agents:
            self.by_agent.setdefault(agent, []).append(number)
        for record in group.rules:
            lenient = record.line in self.lenient_lines
            if record.key in ("allow", "disallow"):
                indexed.rules.extend(self._rules_of(record))
            elif record.key == "content-usage":
                indexed.usage.append(
                    Statement(
                        agents,
                        record.line,
                        record.raw,
                        parse_usage_rule(record.value, line=record.line, raw=record.raw),
                        lenient,
                    )
                )
            elif record.key == "content-signal":
                indexed.signals.append(
                    Statement(
                        agents, record.line, record.raw, parse_content_signal(record.value), lenient
                    )
                )

    def groups_of(self, agent: str) -> tuple[int, ...]:
        """Return the numbers of the groups naming a token (empty when none does)."""
        found = self._frozen.get(agent)
        if found is None:
            numbers = self.by_agent.get(agent)
            if numbers is None:
                return ()
            found = self._frozen[agent] = tuple(numbers)
        return found

    def rules(self, groups: Sequence[int]) -> Sequence[Rule]:
        """Return the merged rules of some groups, in file order (no copy for one group)."""
        if len(groups) == 1:
            return self.groups[groups[0]].rules
        return [rule for g in groups for rule in self.groups[g].rules]

    def usage(self, groups: Sequence[int]) -> Sequence[Statement]:
        """Return the merged Content-Usage statements of some groups, in file order."""
        if len(groups) == 1:
            return self.groups[groups[0]].usage
        return [st for g in groups for st in self.groups[g].usage]

    def signals(self, groups: Sequence[int]) -> Sequence[Statement]:
        """Return the merged Content-Signal statements of some groups, in file order."""
        if len(groups) == 1:
            return self.groups[groups[0]].signals
        return [st for g in groups for st in self.groups[g].signals]

    def rule_count(self) -> int:
        """Return the number of rules stored (each once, whatever the number of tokens)."""
        return sum(len(g.rules) for g in self.groups)

    def _rules_of(self, record: RawRecord) -> list[Rule]:
        value = record.value
        if not value:
            return []  # "Disallow:" with no path: no rule (allows everything)
        if value.lower().startswith(("http://", "https://")):
            self.notes.append(
                ParseNote(
                    record.line,
                    "absolute-url",
                    "a full URL is not a path pattern; it matches no path",
                )
            )
        elif not value.startswith(("/", "*")):
            self.notes.append(
                ParseNote(record.line, "pattern-no-slash", "pattern does not start with '/' or '*'")
            )
        allow = record.key == "allow"
        pattern = normalize_pattern(value, google_compat=self.google_compat)
        rules = [Rule(allow, pattern, record.raw, record.line)]
        if self.google_compat and allow:
            slash = pattern.rfind("/")
            if slash >= 0 and pattern[slash:].startswith("/index.htm"):
                # google/robotstxt: allowing .../index.htm(l) also allows the directory URL
                rules.append(Rule(True, pattern[: slash + 1] + "$", record.raw, record.line))
        return rules
