# SPDX-License-Identifier: Apache-2.0
"""The pieces a robots.txt policy is built from: access results, merged groups, statements.

:func:`access_state` reads the HTTP outcome (RFC 9309 §2.3.1). :class:`GroupIndex` merges the
groups of a file by product token (§2.2.1) and turns their lines into :class:`Rule` objects
(normalised patterns) and :class:`Statement` objects (Content-Usage, Content-Signal), noting
rules no crawler will apply as written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from clearance.signals.aipref import UsageRule, parse_usage_rule
from clearance.signals.content_signal import ContentSignal, parse_content_signal
from clearance.signals.robots.match import Rule
from clearance.signals.robots.parse import ParseNote, RawGroup, RawRecord, product_token
from clearance.signals.robots.paths import normalize_pattern

__all__ = ["MAX_REDIRECTS", "GroupIndex", "RuleMatch", "State", "Statement", "access_state"]

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
    if 400 <= status <= 499:
        return "unavailable", f"HTTP {status}: unavailable, any resource may be crawled (§2.3.1.3)"
    if 500 <= status <= 599:
        return "unreachable", f"HTTP {status}: unreachable, complete disallow (§2.3.1.4)"
    return "unreachable", f"HTTP {status}: not a valid final status, treated as unreachable"


class GroupIndex:
    """The groups of one file, merged per product token (lower-case; ``*`` for everyone)."""

    __slots__ = (
        "agent_lines",
        "google_compat",
        "lenient_lines",
        "notes",
        "rules",
        "signals",
        "spelling",
        "usage",
    )

    def __init__(self, *, google_compat: bool, lenient_lines: Iterable[int]) -> None:
        self.google_compat = google_compat
        self.lenient_lines = frozenset(lenient_lines)
        self.notes: list[ParseNote] = []
        self.rules: dict[str, list[Rule]] = {}
        self.usage: dict[str, list[Statement]] = {}
        self.signals: dict[str, list[Statement]] = {}
        self.spelling: dict[str, str] = {}  # token -> as the file first wrote it
        self.agent_lines: dict[str, list[int]] = {}  # token -> its user-agent lines

    def add(self, group: RawGroup) -> None:
        """Index one group's agents, rules and statements (merging same-token groups)."""
        agents = tuple(dict.fromkeys(group.agents))
        for record in group.agent_lines:
            value = record.value.strip()
            token, _ = product_token(value, google_compat=self.google_compat)
            if token is not None and token != "*":
                self.spelling.setdefault(token, value.lstrip("*")[: len(token)])
        for agent in agents:
            self.agent_lines.setdefault(agent, []).extend(r.line for r in group.agent_lines)
        for agent in agents:
            self.rules.setdefault(agent, [])
            self.usage.setdefault(agent, [])
            self.signals.setdefault(agent, [])
        for record in group.rules:
            lenient = record.line in self.lenient_lines
            if record.key in ("allow", "disallow"):
                for rule in self._rules_of(record):
                    for agent in agents:
                        self.rules[agent].append(rule)
            elif record.key == "content-usage":
                st = Statement(
                    agents,
                    record.line,
                    record.raw,
                    parse_usage_rule(record.value, line=record.line, raw=record.raw),
                    lenient,
                )
                for agent in agents:
                    self.usage[agent].append(st)
            elif record.key == "content-signal":
                st = Statement(
                    agents, record.line, record.raw, parse_content_signal(record.value), lenient
                )
                for agent in agents:
                    self.signals[agent].append(st)

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
