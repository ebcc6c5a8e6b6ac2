# SPDX-License-Identifier: Apache-2.0
"""What a robots.txt says about AI use: verdicts per crawler, operator and purpose, as Signals.

robots.txt only governs crawling; its AI meaning comes from *which* product token is blocked.
The crawler registry says what each token is for, so a ``Disallow`` that applies to ``GPTBot``
(a training crawler) reserves ``ai_training``/``genai_training`` for that agent, one that
applies to ``OAI-SearchBot`` reserves ``search``/``ai_inference`` for it, and so on.

Signals emitted by :func:`robots_signals` for one path (``/`` by default), all with the raw
line, its location (``<robots url>#L<line>``), the fetch time and the parse notes:

* ``robots.txt``, one per registered crawler and purpose: ``reserved`` when the crawler may
  not fetch the path, ``not_reserved`` when it may (explicitly when a group names it; with
  confidence 0.8 when it only falls under ``*`` or under no group). A 4xx robots.txt gives
  ``not_reserved`` (RFC 9309 lets crawlers fetch everything); a 5xx or missing response gives
  ``unknown`` (crawling must stop, but the site stated nothing);
* ``robots.txt`` for ``tdm`` with no agent: the ``*`` group's verdict for the path (a generic
  block of all crawlers; confidence 0.7, since reading it as a TDM reservation is an
  interpretation);
* ``content-usage`` and ``content-signal`` for the statements of every group that applies to
  the path, scoped to that group's agents.

Natural-language reservations in comments come from :func:`comment_signals` (the
natural-language detector over the comments), kept apart because they are contested.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from clearance.models import Signal
from clearance.signals.aipref import UsageRule, content_usage_signals
from clearance.signals.content_signal import ContentSignal, content_signal_signals
from clearance.signals.crawlers import Crawler, CrawlerClass, CrawlerRegistry, load_crawlers
from clearance.signals.robots.groups import RuleMatch
from clearance.signals.robots.parse import CAP_CODES
from clearance.signals.robots.paths import extract_path
from clearance.signals.robots.policy import RobotsPolicy
from clearance.signals.vocab import NOT_RESERVED, RESERVED, UNKNOWN

__all__ = [
    "ROBOTS_VERSION",
    "CrawlerVerdict",
    "comment_signals",
    "crawler_verdicts",
    "operator_verdicts",
    "purpose_verdicts",
    "robots_signals",
]

ROBOTS_VERSION = "RFC 9309"
Summary = Literal["disallowed", "allowed", "partial"]


@dataclass(frozen=True, slots=True)
class CrawlerVerdict:
    """Whether one registered crawler may fetch a path, and why."""

    crawler: Crawler
    allowed: bool
    explicit: bool  # a group names this crawler's token
    match: RuleMatch


def crawler_verdicts(
    policy: RobotsPolicy, path: str = "/", registry: CrawlerRegistry | None = None
) -> list[CrawlerVerdict]:
    """Return the verdict for every registered crawler on one path (``/`` by default)."""
    reg = registry if registry is not None else load_crawlers()
    out = []
    for crawler in reg:
        match = policy.explain(crawler.token, path)
        out.append(CrawlerVerdict(crawler, match.allowed, policy.names_agent(crawler.token), match))
    return out


def _summarise(flags: Iterable[bool]) -> Summary:
    values = set(flags)
    if values == {False}:
        return "disallowed"
    if values == {True}:
        return "allowed"
    return "partial"


def operator_verdicts(
    policy: RobotsPolicy, path: str = "/", registry: CrawlerRegistry | None = None
) -> dict[str, dict[CrawlerClass, Summary]]:
    """Return, per operator and crawler class, whether its crawlers may fetch the path.

    ``{"OpenAI": {"training": "disallowed", "search": "allowed", ...}, ...}``; ``partial``
    when some crawlers of that operator and class may and others may not.
    """
    grouped: dict[str, dict[CrawlerClass, list[bool]]] = {}
    for v in crawler_verdicts(policy, path, registry):
        grouped.setdefault(v.crawler.operator, {}).setdefault(v.crawler.purpose, []).append(
            v.allowed
        )
    return {op: {cls: _summarise(f) for cls, f in by.items()} for op, by in grouped.items()}


def purpose_verdicts(
    policy: RobotsPolicy, path: str = "/", registry: CrawlerRegistry | None = None
) -> dict[CrawlerClass, dict[str, list[str]]]:
    """Return, per crawler class, the tokens disallowed and allowed on the path."""
    out: dict[CrawlerClass, dict[str, list[str]]] = {}
    for v in crawler_verdicts(policy, path, registry):
        entry = out.setdefault(v.crawler.purpose, {"disallowed": [], "allowed": []})
        entry["allowed" if v.allowed else "disallowed"].append(v.crawler.token)
    return out


def _where(policy: RobotsPolicy, line: int | None) -> str:
    base = policy.url or "robots.txt"
    return f"{base}#L{line}" if line else base


def _state_signals(policy: RobotsPolicy, crawlers: Sequence[Crawler]) -> list[Signal]:
    verdict = NOT_RESERVED if policy.state == "unavailable" else UNKNOWN
    out = []
    for crawler in crawlers:
        for purpose in crawler.purposes:
            out.append(
                Signal(
                    standard="robots.txt",
                    purpose=purpose,
                    verdict=verdict,
                    location=_where(policy, None),
                    excerpt=f"HTTP {policy.status}" if policy.status else "no response",
                    agent=crawler.token,
                    observed_at=policy.fetched_at,
                    confidence=0.8 if verdict == NOT_RESERVED else 1.0,
                    spec_version=ROBOTS_VERSION,
                    notes=(policy.reason,),
                )
            )
    return out


_TOKEN_EDGE = "A-Za-z0-9_-"
MAX_SIGNAL_NOTES = 20  # notes on a group's user-agent lines copied into one crawler's signal
MAX_STATEMENT_AGENTS = 256  # unregistered tokens given their own statement signals


def _mentions(policy: RobotsPolicy, crawlers: Sequence[Crawler]) -> dict[str, str]:
    """Return {crawler token (lower): note} for user-agent values that name a crawler but are
    not read as its product token. One pass over the flagged lines, whatever the number of
    crawlers.
    """
    flagged = {n.line for n in policy.notes if n.code in ("ua-nonstandard", "ua-invalid")}
    if not flagged or not crawlers:
        return {}
    tokens = sorted({c.token.lower() for c in crawlers}, key=len, reverse=True)
    word = re.compile(
        rf"(?<![{_TOKEN_EDGE}])({'|'.join(map(re.escape, tokens))})(?![{_TOKEN_EDGE}])", re.I
    )
    out: dict[str, str] = {}
    for group in policy.groups:
        for record in group.agent_lines:
            if record.line not in flagged:
                continue
            for found in word.finditer(record.value):
                out.setdefault(
                    found.group(1).lower(),
                    f"line {record.line} names {found.group(1)} inside the user-agent value "
                    f"{record.value[:80]!r}, which crawlers do not read as its product token",
                )
        if len(out) == len(tokens):
            break
    return out


def _crawler_signals(
    policy: RobotsPolicy, v: CrawlerVerdict, mentions: dict[str, str], caps: Sequence[str]
) -> list[Signal]:
    rule = v.match.rule
    notes: list[str] = []
    confidence = policy.confidence
    if not v.explicit:
        mention = mentions.get(v.crawler.token.lower())
        if mention is not None:  # the site meant this crawler; the syntax did not say so
            notes.append(mention)
            confidence *= 0.5 if v.allowed else 1.0
    if v.match.group is None:
        notes.append("no group applies to this crawler and there is no '*' group")
        confidence *= 0.8
    elif not v.explicit:
        notes.append("no group names this crawler; the '*' group applies")
        if v.allowed:
            confidence *= 0.8
    if v.match.group is not None:
        for note in policy.group_notes(v.match.group, limit=MAX_SIGNAL_NOTES):
            notes.append(str(note))
            if note.code == "ua-after-record":  # the group's extent is an interpretation
                confidence *= 0.6
        more = policy.group_note_count(v.match.group) - MAX_SIGNAL_NOTES
        if more > 0:
            notes.append(f"and {more:,} more notes on this group's user-agent lines")
    if rule is None:
        notes.append("no rule matches the path: allowed")
        excerpt = f"user-agent group {v.match.group}" if v.match.group else "(no applicable group)"
    else:
        excerpt = rule.raw
        if rule.line in policy.lenient_lines:
            confidence *= 0.85
        notes.extend(str(n) for n in policy.line_notes(rule.line))
    if policy.truncated:
        notes.append("robots.txt was longer than the parse limit; the rest was ignored")
    notes.extend(caps)
    return [
        Signal(
            standard="robots.txt",
            purpose=purpose,
            verdict=NOT_RESERVED if v.allowed else RESERVED,
            location=_where(policy, rule.line if rule else None),
            excerpt=excerpt,
            agent=v.crawler.token,
            observed_at=policy.fetched_at,
            confidence=round(confidence, 3),
            spec_version=ROBOTS_VERSION,
            notes=(f"{v.crawler.operator} {v.crawler.purpose} crawler", *notes),
        )
        for purpose in v.crawler.purposes
    ]


def _generic_signal(policy: RobotsPolicy, path: str) -> list[Signal]:
    if "*" not in policy.agents:
        return []
    match = policy.explain("*", path)
    rule = match.rule
    return [
        Signal(
            standard="robots.txt",
            purpose="tdm",
            verdict=NOT_RESERVED if match.allowed else RESERVED,
            location=_where(policy, rule.line if rule else None),
            excerpt=rule.raw if rule else "user-agent: * (no matching rule)",
            agent=None,
            observed_at=policy.fetched_at,
            confidence=round(0.7 * policy.confidence, 3),
            spec_version=ROBOTS_VERSION,
            notes=("the '*' group: applies to every crawler without a group of its own",),
        )
    ]


def _label(policy: RobotsPolicy, key: str, registry: CrawlerRegistry) -> str | None:
    if key == "*":
        return None
    known = registry.get(key)
    return known.token if known else policy.spelling(key)


def _statement_signals(policy: RobotsPolicy, path: str, registry: CrawlerRegistry) -> list[Signal]:
    """Return the Content-Usage and Content-Signal signals, one set per token of their groups.

    Computed once per distinct set of groups and labelled per token, so a group naming
    thousands of tokens costs one evaluation. Every registered crawler and ``*`` is listed;
    other tokens up to :data:`MAX_STATEMENT_AGENTS`, the rest summarised in a note.
    """
    by_groups: dict[tuple[int, ...], list[Signal]] = {}
    keyed: list[tuple[str, tuple[int, ...]]] = []
    others = skipped = 0
    for key in policy.statement_agents():
        if key != "*" and registry.get(key) is None:
            if others >= MAX_STATEMENT_AGENTS:
                skipped += 1
                continue
            others += 1
        groups = policy.group_numbers(key)
        if groups not in by_groups:
            by_groups[groups] = _group_statements(policy, key, path)
        keyed.append((key, groups))
    extra: tuple[str, ...] = ()
    if skipped:
        extra = (
            f"{skipped:,} further user agents (not in the crawler registry) share these "
            f"statements and are not listed one by one (at most {MAX_STATEMENT_AGENTS} are)",
        )
    out: list[Signal] = []
    for key, groups in keyed:
        label = _label(policy, key, registry)
        for sig in by_groups[groups]:
            if extra or label:
                sig = replace(sig, agent=label, notes=sig.notes + extra)
            out.append(sig)
    return out


def _group_statements(policy: RobotsPolicy, key: str, path: str) -> list[Signal]:
    out: list[Signal] = []
    for st in policy.content_usage_rules(key, path):
        assert isinstance(st.value, UsageRule)
        out.extend(
            content_usage_signals(
                st.value.preference,
                location=_where(policy, st.line),
                observed_at=policy.fetched_at,
                agent=None,
                scope="host",
                confidence=round(policy.confidence * (0.85 if st.lenient else 1.0), 3),
                notes=(f"robots.txt Content-Usage rule for path {st.value.path}",),
            )
        )
    for st in policy.content_signals(key):
        assert isinstance(st.value, ContentSignal)
        out.extend(
            content_signal_signals(
                st.value,
                location=_where(policy, st.line),
                agent=None,
                observed_at=policy.fetched_at,
                confidence=round(policy.confidence * (0.85 if st.lenient else 1.0), 3),
            )
        )
    return out


def robots_signals(
    policy: RobotsPolicy,
    path: str = "/",
    *,
    agents: Sequence[str] | None = None,
    registry: CrawlerRegistry | None = None,
) -> list[Signal]:
    """Return the Signals a robots.txt gives for one path (see the module docstring).

    ``agents`` limits the per-crawler signals to those product tokens (registered or not; an
    unregistered token gets the purposes ``ai_training`` and ``genai_training``).
    """
    reg = registry if registry is not None else load_crawlers()
    path = extract_path(path)
    if agents is None:
        crawlers = list(reg)
    else:
        crawlers = [reg.get(a) or _unregistered(a, reg) for a in agents]
    if policy.state != "parsed":
        return _state_signals(policy, crawlers)
    out: list[Signal] = []
    mentions = _mentions(policy, crawlers)
    caps = tuple(str(n) for n in policy.notes if n.code in CAP_CODES)
    for crawler in crawlers:
        match = policy.explain(crawler.token, path)
        verdict = CrawlerVerdict(crawler, match.allowed, policy.names_agent(crawler.token), match)
        out.extend(_crawler_signals(policy, verdict, mentions, caps))
    out.extend(_generic_signal(policy, path))
    out.extend(_statement_signals(policy, path, reg))
    return out


def _unregistered(token: str, registry: CrawlerRegistry) -> Crawler:
    return Crawler(
        token=token,
        operator="unknown",
        purpose="mixed",
        purposes=("ai_training", "genai_training"),
        respects_robots="unclear",
        description="product token supplied by the caller; not in the registry",
        source="",
        checked=registry.as_of,
        verified=False,
    )


def comment_signals(policy: RobotsPolicy) -> list[Signal]:
    """Return the natural-language reservations in the comments (contested; see the module).

    Runs the natural-language detector (:mod:`clearance.signals.natural_language`) over
    :meth:`RobotsPolicy.comment_lines`; not part of :func:`robots_signals`, whose callers read
    comments themselves when they want them.
    """
    from clearance.signals.natural_language import comment_text, find_reservations

    report = find_reservations(
        comment_text(policy.comment_lines()),
        location=f"{policy.url or 'robots.txt'}#comments",
        observed_at=policy.fetched_at,
    )
    return list(report.signals)
