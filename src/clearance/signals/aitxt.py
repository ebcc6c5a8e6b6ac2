# SPDX-License-Identifier: Apache-2.0
"""Spawning ``/ai.txt``: robots.txt grammar over file patterns, for AI datasets.

Spawning's generator writes ``User-Agent:`` groups with ``Disallow:``/``Allow:`` lines, mostly
extension globs (``Disallow: *.jpg``). ``Disallow`` means the matching files may not be used
in AI datasets; ``Allow`` opts them in. Spawning publishes no evaluator, so we apply RFC 9309
matching: the group naming the agent (else ``*``), longest pattern wins, ``Allow`` on ties.
A file without any such line (e.g. the unrelated Markdown "ai.txt" convention) yields
nothing but a note.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from clearance.models import Signal, SignalReport
from clearance.signals.pattern import PathPattern, url_path

__all__ = ["MAX_AITXT_BYTES", "AiTxt", "AiTxtRule", "parse_ai_txt"]

log = logging.getLogger(__name__)

STANDARD = "ai.txt"
SPEC = "Spawning ai.txt (vendor convention; evaluated with RFC 9309 matching)"
MAX_AITXT_BYTES = 500 * 1024
_PURPOSES = ("ai_training", "genai_training")


@dataclass(frozen=True, slots=True)
class AiTxtRule:
    """One ``Allow``/``Disallow`` line of one group."""

    allow: bool
    pattern: PathPattern
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class AiTxt:
    """A parsed ai.txt: groups keyed by lower-cased agent token (``*`` for everyone)."""

    groups: dict[str, tuple[AiTxtRule, ...]]
    location: str
    observed_at: datetime | None
    problems: int
    confidence: float
    notes: tuple[str, ...]

    def _rules_for(self, agent: str | None) -> tuple[str | None, tuple[AiTxtRule, ...]]:
        if agent and agent.lower() in self.groups:
            return agent, self.groups[agent.lower()]
        return None, self.groups.get("*", ())

    def evaluate(self, url_or_path: str, *, agent: str | None = None) -> SignalReport:
        """Return the verdict for one URL: the longest matching rule, ``Allow`` on ties."""
        scoped, rules = self._rules_for(agent)
        path = url_path(url_or_path)
        best: AiTxtRule | None = None
        for rule in rules:
            if not rule.pattern.raw or not rule.pattern.matches(path):
                continue
            if best is None or (rule.pattern.length, rule.allow) > (
                best.pattern.length,
                best.allow,
            ):
                best = rule
        if best is None:
            return SignalReport(
                source=self.location,
                kind=STANDARD,
                problems=self.problems,
                notes=(*self.notes, f"no rule matches {path!r}: unknown"),
            )
        signals = self._signals(best, scoped, f"line {best.line} matched {path!r}", "item")
        return SignalReport(
            source=self.location,
            kind=STANDARD,
            signals=signals,
            problems=self.problems,
            notes=self.notes,
        )

    def listing(self) -> SignalReport:
        """Return one host-scoped signal per rule, for showing a file without a target URL."""
        signals: list[Signal] = []
        for token, rules in self.groups.items():
            for rule in rules:
                if rule.pattern.raw:
                    signals += self._signals(
                        rule,
                        None if token == "*" else token,
                        f"applies to paths matching {rule.pattern.raw!r}",
                        "host",
                    )
        return SignalReport(
            source=self.location,
            kind=STANDARD,
            signals=tuple(signals),
            problems=self.problems,
            notes=self.notes,
        )

    def _signals(
        self, rule: AiTxtRule, agent: str | None, note: str, scope: str
    ) -> tuple[Signal, ...]:
        verdict = "not_reserved" if rule.allow else "reserved"
        return tuple(
            Signal(
                standard=STANDARD,
                purpose=p,
                verdict=verdict,
                location=self.location,
                excerpt=rule.text[:500],
                agent=agent,
                scope=scope,
                observed_at=self.observed_at,
                confidence=self.confidence,
                spec_version=SPEC,
                notes=(*self.notes, note),
            )
            for p in _PURPOSES
        )


def parse_ai_txt(
    body: bytes, *, url: str | None = None, observed_at: datetime | None = None
) -> AiTxt:
    """Return the parsed groups of an ai.txt body; never raises, counts unreadable lines."""
    location = url or "/ai.txt"
    notes: list[str] = []
    problems = 0
    confidence = 1.0
    if len(body) > MAX_AITXT_BYTES:
        body = body[:MAX_AITXT_BYTES]
        problems += 1
        notes.append(f"only the first {MAX_AITXT_BYTES} bytes read")
    text = body.decode("utf-8", errors="replace").lstrip("\ufeff")
    if "\ufffd" in text:
        problems += 1
        confidence = 0.9
        notes.append("invalid UTF-8 replaced")
    groups: dict[str, list[AiTxtRule]] = {}
    current: list[str] = []
    in_rules = False
    directives = other = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        key, sep, value = line.partition(":")
        key = key.strip().lower().replace("_", "-")
        value = value.strip()
        if not sep or key not in ("user-agent", "allow", "disallow"):
            other += 1
            continue
        directives += 1
        if key == "user-agent":
            if in_rules:
                current, in_rules = [], False
            current.append(value.lower() or "*")
            continue
        in_rules = True
        if not current:
            current = ["*"]
            confidence = min(confidence, 0.8)
            notes.append(f"line {number}: rule before any User-Agent read as '*'")
            problems += 1
        rule = AiTxtRule(
            allow=key == "allow", pattern=PathPattern(value), line=number, text=raw.strip()
        )
        for token in current:
            groups.setdefault(token, []).append(rule)
    if not directives:
        notes.append("no User-Agent/Allow/Disallow line: not a Spawning ai.txt")
    elif other:
        problems += other
        notes.append(f"{other} line(s) that are not ai.txt directives skipped")
    return AiTxt(
        {k: tuple(v) for k, v in groups.items()},
        location,
        observed_at,
        problems,
        confidence,
        tuple(notes),
    )
