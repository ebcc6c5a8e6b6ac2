# SPDX-License-Identifier: Apache-2.0
"""robots.txt per RFC 9309: parse once per host, then answer many path checks quickly.

:func:`parse_robots` takes the response as the fetcher got it (body bytes, HTTP status, URL,
fetch time, redirects followed) and returns a :class:`RobotsPolicy`:

* status semantics (RFC 9309 §2.3.1): 2xx is parsed; 4xx, an unfollowed redirect or more than
  five redirects is "unavailable" (everything may be crawled); 5xx or no response at all
  (``status=None``) is "unreachable" (nothing may be crawled); the reason is recorded;
* groups for the same product token are merged; a crawler obeys its own group, else the
  ``*`` group, else nothing (matching is exact and case-insensitive, never by substring);
* the longest matching pattern wins, ``allow`` on ties; ``*`` and ``$``; percent-encoding
  normalised on both sides; ``/robots.txt`` is always allowed; 500 KiB are read;
* leniencies of Google's reference parser (misspelt keys, a missing colon, ``Googlebot/2.1``)
  are applied and listed in :attr:`RobotsPolicy.notes`, never silently.

``google_compat=True`` reproduces Google's parser where it departs from the RFC (see
docs/signals-robots.md). Verdicts per crawler, operator and purpose, and
:class:`clearance.models.Signal` objects, come from :mod:`clearance.signals.robots.verdicts`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from clearance.signals.aipref import (
    UsagePreference,
    UsageRule,
    combine_usage,
    select_usage_rules,
)
from clearance.signals.robots.groups import (
    MAX_REDIRECTS,
    GroupIndex,
    RuleMatch,
    State,
    Statement,
    access_state,
)
from clearance.signals.robots.match import CompiledRules, Rule
from clearance.signals.robots.parse import (
    MAX_BYTES,
    Comment,
    ParseNote,
    RawGroup,
    RawRecord,
    parse_lines,
    product_token,
)
from clearance.signals.robots.paths import (
    batch_paths,
    extract_path,
    needs_normalizing,
    normalize_path,
    normalize_paths,
)

if TYPE_CHECKING:
    import pyarrow as pa

    from clearance.models import Signal
    from clearance.signals.crawlers import CrawlerRegistry

__all__ = [
    "MAX_REDIRECTS",
    "RobotsPolicy",
    "RuleMatch",
    "Statement",
    "parse_robots",
    "robots_allowed",
]

log = logging.getLogger(__name__)

_UNSEEN = object()


class RobotsPolicy:
    """One host's robots.txt, compiled once; answers path checks for any agent.

    Attributes are read-only by convention. ``state`` is ``parsed``, ``unavailable`` (allow
    all) or ``unreachable`` (disallow all) and ``reason`` says why.
    """

    __slots__ = (
        "_agent_cache",
        "_agent_lines",
        "_by_agent",
        "_compiled",
        "_rules",
        "_signals",
        "_spelling",
        "_usage",
        "bytes_read",
        "comments",
        "fetched_at",
        "google_compat",
        "groups",
        "lenient_lines",
        "license_urls",
        "licenses",
        "notes",
        "other_records",
        "reason",
        "redirects",
        "sitemaps",
        "state",
        "status",
        "truncated",
        "url",
    )

    def __init__(
        self,
        *,
        state: State,
        reason: str,
        status: int | None,
        url: str | None,
        fetched_at: datetime | None,
        redirects: int,
        google_compat: bool,
        groups: Sequence[RawGroup] = (),
        comments: Sequence[Comment] = (),
        notes: Sequence[ParseNote] = (),
        sitemaps: Sequence[RawRecord] = (),
        licenses: Sequence[RawRecord] = (),
        other_records: Sequence[RawRecord] = (),
        lenient_lines: Iterable[int] = (),
        truncated: bool = False,
        bytes_read: int = 0,
    ) -> None:
        self.state: State = state
        self.reason = reason
        self.status = status
        self.url = url
        self.fetched_at = fetched_at
        self.redirects = redirects
        self.google_compat = google_compat
        self.groups = tuple(groups)
        self.comments = tuple(comments)
        self.sitemaps = tuple(r.value for r in sitemaps)
        self.licenses = tuple(licenses)
        self.license_urls = tuple(r.value for r in licenses if r.value)
        self.other_records = tuple(other_records)
        self.lenient_lines = frozenset(lenient_lines)
        self.truncated = truncated
        self.bytes_read = bytes_read
        self.notes = list(notes)
        index = GroupIndex(google_compat=google_compat, lenient_lines=self.lenient_lines)
        for group in self.groups:
            index.add(group)
        self.notes.extend(index.notes)
        self._rules = index.rules
        self._usage = index.usage
        self._signals = index.signals
        self._spelling = index.spelling
        self._agent_lines = index.agent_lines
        self._compiled: dict[str, CompiledRules] = {}
        self._agent_cache: dict[str, str | None] = {}
        self._by_agent: dict[str, CompiledRules | None] = {}

    # ---- group selection ------------------------------------------------------------------

    def group_key(self, agent: str) -> str | None:
        """Return the group an agent obeys: its product token, ``*``, or None (no rules)."""
        if agent in self._agent_cache:
            return self._agent_cache[agent]
        token, _ = product_token(agent.strip(), google_compat=self.google_compat)
        if token is not None and token in self._rules:
            key: str | None = token
        elif "*" in self._rules:
            key = "*"
        else:
            key = None
        if len(self._agent_cache) < 4096:
            self._agent_cache[agent] = key
        return key

    def names_agent(self, agent: str) -> bool:
        """Return True when a group names this agent's product token (not just ``*``)."""
        token, _ = product_token(agent.strip(), google_compat=self.google_compat)
        return token is not None and token != "*" and token in self._rules

    def group_notes(self, key: str) -> list[ParseNote]:
        """Return the notes on the user-agent lines of the (merged) group ``key``."""
        lines = set(self._agent_lines.get(key, ()))
        return [n for n in self.notes if n.line in lines]

    def spelling(self, token: str) -> str:
        """Return a product token as the file first wrote it (``GPTBot`` for ``gptbot``)."""
        return self._spelling.get(token.lower(), token)

    @property
    def agents(self) -> tuple[str, ...]:
        """Return every product token a group names (lower-cased), ``*`` included."""
        return tuple(self._rules)

    def rules_for(self, agent: str) -> tuple[Rule, ...]:
        """Return the merged rules of the group an agent obeys, in precedence order."""
        key = self.group_key(agent)
        return self._compile(key).rules if key is not None else ()

    def compile(self, agents: Iterable[str] | None = None) -> None:
        """Compile the groups now (all, or those ``agents`` obey) instead of on demand.

        Worth it before judging many URLs of one host; by default a group compiles itself
        once it has served enough checks to repay the cost.
        """
        keys = set(self._rules) if agents is None else {self.group_key(a) for a in agents}
        for key in keys:
            if key is not None:
                self._compile(key).compile()

    def _compile(self, key: str) -> CompiledRules:
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = CompiledRules(self._rules[key])
            self._compiled[key] = compiled
        return compiled

    # ---- checks ---------------------------------------------------------------------------

    def allowed(self, agent: str, url_or_path: str) -> bool:
        """Return True when ``agent`` may crawl the URL (or path) under this robots.txt."""
        if self.state != "parsed":
            return self.state == "unavailable"
        compiled = self._by_agent.get(agent, _UNSEEN)
        if compiled is _UNSEEN:
            compiled = self._rules_of_agent(agent)
        path = url_or_path
        if path[:1] != "/" or path[1:2] == "/" or "#" in path:
            path = extract_path(path)
        if path == "/robots.txt" and not self.google_compat:
            return True
        if compiled is None:
            return True
        if self.google_compat or needs_normalizing(path):
            path = normalize_path(path, google_compat=self.google_compat)
        assert isinstance(compiled, CompiledRules)
        return compiled.allowed(path)

    def _rules_of_agent(self, agent: str) -> CompiledRules | None:
        key = self.group_key(agent)
        compiled = self._compile(key) if key is not None else None
        if len(self._by_agent) < 4096:
            self._by_agent[agent] = compiled
        return compiled

    def allowed_many(self, agent: str, urls: Sequence[str | None]) -> list[bool | None]:
        """Return one verdict per URL (None for None): the batch form of :meth:`allowed`.

        The whole batch is judged in one pass of the compiled expressions (paths joined by
        newlines), which is what a scan of many items from one host should call.
        """
        return self.allowed_matrix([agent], urls)[agent]

    def allowed_matrix(
        self, agents: Sequence[str], urls: Sequence[str | None]
    ) -> dict[str, list[bool | None]]:
        """Return {agent: verdicts} for several agents over one batch of URLs.

        Paths are extracted and normalised once, and each *group* is judged once however
        many of the agents obey it (GPTBot and CCBot often both fall to ``*``).
        """
        items = list(urls)
        count = len(items)
        if count == 0:
            return {agent: [] for agent in agents}
        missing = [i for i, u in enumerate(items) if u is None] if None in items else []
        strings = [u if u is not None else "" for u in items]
        by_key: dict[str | None, list[bool | None]] = {}
        out: dict[str, list[bool | None]] = {}
        paths: str | None = None
        for agent in agents:
            key = self.group_key(agent) if self.state == "parsed" else None
            if key not in by_key:
                if self.state != "parsed" or key is None:
                    by_key[key] = [self.state != "unreachable"] * count
                else:
                    if paths is None:
                        paths = self._batch_text(strings)
                    by_key[key] = self._judge_lines(key, paths, strings)
            out[agent] = list(by_key[key])
        for verdicts in out.values():
            for i in missing:
                verdicts[i] = None
        return out

    def _batch_text(self, strings: list[str]) -> str:
        text = "\n".join(strings)
        if text.count("\n") != len(strings) - 1:
            return "\0"  # a URL held a newline: judged one by one
        return normalize_paths(batch_paths(text, len(strings)), google_compat=self.google_compat)

    def _judge_lines(self, key: str, paths: str, strings: list[str]) -> list[bool | None]:
        if paths == "\0":
            return [self.allowed(key, u) for u in strings]
        compiled = self._compiled.get(key) or self._compile(key)
        out: list[bool | None] = list(compiled.allowed_lines(paths, len(strings)))
        if not self.google_compat and "/robots.txt" in paths:
            for i, path in enumerate(paths.split("\n")):
                if path == "/robots.txt":
                    out[i] = True
        return out

    def allowed_array(self, agent: str, urls: pa.Array | pa.ChunkedArray) -> pa.Array:
        """Return a boolean Arrow array of verdicts for an Arrow array of URLs (nulls kept).

        Each distinct URL is judged once and the verdicts are joined back by index.
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        distinct = pc.unique(urls)
        verdicts = pa.array(self.allowed_many(agent, distinct.to_pylist()), pa.bool_())
        return pc.take(verdicts, pc.index_in(urls, value_set=distinct))

    def explain(self, agent: str, url_or_path: str) -> RuleMatch:
        """Return the verdict for one URL with the group and rule that decided it."""
        if self.state != "parsed":
            return RuleMatch(self.state == "unavailable", None, None, self.state)
        path = extract_path(url_or_path)
        if path == "/robots.txt" and not self.google_compat:
            return RuleMatch(True, None, None, "robots.txt")
        key = self.group_key(agent)
        if key is None:
            return RuleMatch(True, None, None, "no-group")
        rule = self._compile(key).decide(normalize_path(path, google_compat=self.google_compat))
        if rule is None:
            return RuleMatch(True, key, None, "no-matching-rule")
        return RuleMatch(rule.allow, key, rule, "rule")

    # ---- extension records ----------------------------------------------------------------

    def usage_statements(self) -> tuple[Statement, ...]:
        """Return every Content-Usage line, once each, in file order."""
        return _unique(self._usage)

    def content_signal_statements(self) -> tuple[Statement, ...]:
        """Return every Content-Signal line, once each, in file order."""
        return _unique(self._signals)

    def content_usage_rules(self, agent: str, url_or_path: str) -> tuple[Statement, ...]:
        """Return the Content-Usage lines that govern a URL for an agent (the longest match).

        Empty when the agent's group states none for the path, or when the path may not be
        crawled (attach-05: preferences apply only to crawlable paths).
        """
        key = self.group_key(agent)
        if key is None or not self._usage[key] or not self.allowed(agent, url_or_path):
            return ()
        path = normalize_path(extract_path(url_or_path), google_compat=self.google_compat)
        by_rule = {id(st.value): st for st in self._usage[key]}
        rules = [st.value for st in self._usage[key] if isinstance(st.value, UsageRule)]
        return tuple(by_rule[id(rule)] for rule in select_usage_rules(rules, path))

    def content_usage(self, agent: str, url_or_path: str) -> UsagePreference | None:
        """Return the combined Content-Usage preference for a crawlable URL, else None."""
        chosen = self.content_usage_rules(agent, url_or_path)
        prefs = [st.value.preference for st in chosen if isinstance(st.value, UsageRule)]
        return combine_usage(prefs) if prefs else None

    def content_signals(self, agent: str) -> tuple[Statement, ...]:
        """Return the Content-Signal lines of the group an agent obeys."""
        key = self.group_key(agent)
        return tuple(self._signals[key]) if key is not None else ()

    def signals(
        self,
        path: str = "/",
        *,
        agents: Sequence[str] | None = None,
        registry: CrawlerRegistry | None = None,
    ) -> list[Signal]:
        """Return the Signals this robots.txt gives for a path (see ``robots_signals``)."""
        from clearance.signals.robots.verdicts import robots_signals  # imports this module

        return robots_signals(self, path, agents=agents, registry=registry)

    def comment_lines(self) -> str:
        """Return the ``#`` comments, each on its own line number, other lines left empty.

        The shape natural-language detectors read (see
        :func:`clearance.signals.robots.verdicts.comment_signals`): prose split over several
        comment lines stays together, and rules between comments break paragraphs.
        """
        last = max((c.line for c in self.comments), default=0)
        lines = [""] * last
        for comment in self.comments:
            lines[comment.line - 1] = "# " + comment.text
        return "\n".join(lines)

    @property
    def confidence(self) -> float:
        """Return 0..1: how cleanly the file was read (1.0 without problems or leniencies)."""
        if self.state != "parsed":
            return 1.0
        penalties = len({n.line for n in self.notes if n.code != "unparsed"})
        quality = 1.0 - 0.03 * min(penalties, 10)
        if self.truncated:
            quality -= 0.1
        if any(n.code == "html" for n in self.notes):
            quality -= 0.3
        return round(max(quality, 0.3), 3)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready summary (state, groups named, records, notes)."""
        return {
            "url": self.url,
            "status": self.status,
            "state": self.state,
            "reason": self.reason,
            "fetched_at": self.fetched_at.isoformat() if self.fetched_at else None,
            "agents": list(self.agents),
            "sitemaps": list(self.sitemaps),
            "license_urls": list(self.license_urls),
            "content_usage": [st.raw for st in self.usage_statements()],
            "content_signal": [st.raw for st in self.content_signal_statements()],
            "notes": [str(n) for n in self.notes],
            "truncated": self.truncated,
            "confidence": self.confidence,
        }


def _unique(by_agent: dict[str, list[Statement]]) -> tuple[Statement, ...]:
    seen: dict[int, Statement] = {}
    for statements in by_agent.values():
        for st in statements:
            seen.setdefault(st.line, st)
    return tuple(seen[line] for line in sorted(seen))


def parse_robots(
    body: bytes | str,
    *,
    status: int | None = 200,
    url: str | None = None,
    fetched_at: datetime | None = None,
    redirects: int = 0,
    google_compat: bool = False,
    max_bytes: int = MAX_BYTES,
) -> RobotsPolicy:
    """Return the compiled policy of one robots.txt response; never raises on bad input.

    ``status`` is the final HTTP status (None when there was no response at all),
    ``redirects`` how many were followed to reach it. The body is only parsed for 2xx.
    """
    state, reason = access_state(status, redirects)
    common: dict[str, Any] = {
        "state": state,
        "reason": reason,
        "status": status,
        "url": url,
        "fetched_at": fetched_at,
        "redirects": redirects,
        "google_compat": google_compat,
    }
    if state != "parsed":
        return RobotsPolicy(**common)
    data = body.encode("utf-8", "surrogateescape") if isinstance(body, str) else bytes(body)
    parsed = parse_lines(data, google_compat=google_compat, max_bytes=max_bytes)
    if parsed.notes:
        log.debug("%s: %d parse notes", url or "robots.txt", len(parsed.notes))
    return RobotsPolicy(
        groups=parsed.groups,
        comments=parsed.comments,
        notes=parsed.notes,
        sitemaps=parsed.sitemaps,
        licenses=parsed.licenses,
        other_records=parsed.other,
        lenient_lines=parsed.lenient_lines,
        truncated=parsed.truncated,
        bytes_read=parsed.bytes_read,
        **common,
    )


@lru_cache(maxsize=256)
def _cached_policy(body: bytes) -> RobotsPolicy:
    return parse_robots(body)


def robots_allowed(robots_txt: str | bytes, user_agent: str, url: str) -> bool:
    """Return True when ``user_agent`` (a product token) may crawl ``url`` under a robots.txt.

    The verdict for a robots.txt served with HTTP 200, per RFC 9309. Repeated calls with the
    same body reuse the compiled policy.
    """
    body = (
        robots_txt.encode("utf-8", "surrogateescape") if isinstance(robots_txt, str) else robots_txt
    )
    return _cached_policy(bytes(body)).allowed(user_agent, url)
