# SPDX-License-Identifier: Apache-2.0
"""robots.txt per RFC 9309: parse once per host, then answer many path checks quickly.

:func:`~clearance.signals.robots.read.parse_robots` takes the response as the fetcher got it
(body bytes, HTTP status, URL, fetch time, redirects followed) and returns a
:class:`RobotsPolicy`:

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

from collections.abc import Iterable, Sequence
from datetime import datetime
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
)
from clearance.signals.robots.match import CompiledRules, Rule
from clearance.signals.robots.parse import (
    CAP_CODES,
    Comment,
    ParseNote,
    RawGroup,
    RawRecord,
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

__all__ = ["MAX_REDIRECTS", "RobotsPolicy", "RuleMatch", "Statement"]

_UNSEEN = object()


class RobotsPolicy:
    """One host's robots.txt, compiled once; answers path checks for any agent.

    Attributes are read-only by convention. ``state`` is ``parsed``, ``unavailable`` (allow
    all) or ``unreachable`` (disallow all) and ``reason`` says why.
    """

    __slots__ = (
        "_agent_cache",
        "_by_agent",
        "_compiled",
        "_confidence",
        "_group_notes",
        "_index",
        "_line_notes",
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
        self._index = index
        self._compiled: dict[tuple[int, ...], CompiledRules] = {}
        self._agent_cache: dict[str, str | None] = {}
        self._by_agent: dict[str, CompiledRules | None] = {}
        self._group_notes: list[list[ParseNote]] | None = None
        self._line_notes: dict[int, list[ParseNote]] | None = None
        self._confidence: float | None = None

    # ---- group selection ------------------------------------------------------------------

    def group_key(self, agent: str) -> str | None:
        """Return the group an agent obeys: its product token, ``*``, or None (no rules)."""
        if agent in self._agent_cache:
            return self._agent_cache[agent]
        token, _ = product_token(agent.strip(), google_compat=self.google_compat)
        by_agent = self._index.by_agent
        if token is not None and token in by_agent:
            key: str | None = token
        elif "*" in by_agent:
            key = "*"
        else:
            key = None
        if len(self._agent_cache) < 4096:
            self._agent_cache[agent] = key
        return key

    def names_agent(self, agent: str) -> bool:
        """Return True when a group names this agent's product token (not just ``*``)."""
        token, _ = product_token(agent.strip(), google_compat=self.google_compat)
        return token is not None and token != "*" and token in self._index.by_agent

    def group_notes(self, key: str, limit: int | None = None) -> list[ParseNote]:
        """Return the notes on the user-agent lines of the (merged) group ``key``.

        ``limit`` caps how many are returned (a hostile file can put a note on each of
        thousands of lines); :meth:`group_note_count` gives the total.
        """
        by_group = self._notes_by_group()
        out: list[ParseNote] = []
        for number in self._index.groups_of(key):
            for note in by_group[number]:
                if limit is not None and len(out) >= limit:
                    return out
                out.append(note)
        return out

    def group_numbers(self, key: str) -> tuple[int, ...]:
        """Return the numbers (in :attr:`groups`) of the groups a token's merged group joins."""
        return self._index.groups_of(key)

    def line_notes(self, line: int) -> list[ParseNote]:
        """Return the notes on one line of the file."""
        self._notes_by_group()
        assert self._line_notes is not None
        return self._line_notes.get(line, [])

    def group_note_count(self, key: str) -> int:
        """Return how many notes the user-agent lines of the (merged) group ``key`` carry."""
        by_group = self._notes_by_group()
        return sum(len(by_group[g]) for g in self._index.groups_of(key))

    def _notes_by_group(self) -> list[list[ParseNote]]:
        if self._group_notes is None:
            by_line: dict[int, list[ParseNote]] = {}
            for note in self.notes:
                if note.line:
                    by_line.setdefault(note.line, []).append(note)
            self._line_notes = by_line
            self._group_notes = [
                [n for line in group.lines for n in by_line.get(line, ())]
                for group in self._index.groups
            ]
        return self._group_notes

    def spelling(self, token: str) -> str:
        """Return a product token as the file first wrote it (``GPTBot`` for ``gptbot``)."""
        return self._index.spelling.get(token.lower(), token)

    @property
    def agents(self) -> tuple[str, ...]:
        """Return every product token a group names (lower-cased), ``*`` included."""
        return tuple(self._index.by_agent)

    def rules_for(self, agent: str) -> tuple[Rule, ...]:
        """Return the merged rules of the group an agent obeys, in precedence order."""
        key = self.group_key(agent)
        return self._compile(key).rules if key is not None else ()

    def compile(self, agents: Iterable[str] | None = None) -> None:
        """Compile the groups now (all, or those ``agents`` obey) instead of on demand.

        Worth it before judging many URLs of one host; by default a group compiles itself
        once it has served enough checks to repay the cost.
        """
        keys = set(self._index.by_agent) if agents is None else {self.group_key(a) for a in agents}
        for key in keys:
            if key is not None:
                self._compile(key).compile()

    def _compile(self, key: str) -> CompiledRules:
        # tokens obeying the same groups share one matcher: a group naming thousands of
        # tokens is prepared once, not once per token
        groups = self._index.groups_of(key)
        compiled = self._compiled.get(groups)
        if compiled is None:
            compiled = CompiledRules(self._index.rules(groups))
            self._compiled[groups] = compiled
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
        compiled = self._compile(key)
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
        return tuple(st for group in self._index.groups for st in group.usage)

    def content_signal_statements(self) -> tuple[Statement, ...]:
        """Return every Content-Signal line, once each, in file order."""
        return tuple(st for group in self._index.groups for st in group.signals)

    def statement_agents(self) -> tuple[str, ...]:
        """Return the tokens (``*`` included) whose groups hold Content-Usage or Content-Signal."""
        seen: dict[str, None] = {}
        for group in self._index.groups:
            if group.usage or group.signals:
                seen.update(dict.fromkeys(group.agents))
        return tuple(seen)

    def content_usage_rules(self, agent: str, url_or_path: str) -> tuple[Statement, ...]:
        """Return the Content-Usage lines that govern a URL for an agent (the longest match).

        Empty when the agent's group states none for the path, or when the path may not be
        crawled (attach-05: preferences apply only to crawlable paths).
        """
        key = self.group_key(agent)
        usage = self._index.usage(self._index.groups_of(key)) if key is not None else ()
        if not usage or not self.allowed(agent, url_or_path):
            return ()
        path = normalize_path(extract_path(url_or_path), google_compat=self.google_compat)
        by_rule = {id(st.value): st for st in usage}
        rules = [st.value for st in usage if isinstance(st.value, UsageRule)]
        return tuple(by_rule[id(rule)] for rule in select_usage_rules(rules, path))

    def content_usage(self, agent: str, url_or_path: str) -> UsagePreference | None:
        """Return the combined Content-Usage preference for a crawlable URL, else None."""
        chosen = self.content_usage_rules(agent, url_or_path)
        prefs = [st.value.preference for st in chosen if isinstance(st.value, UsageRule)]
        return combine_usage(prefs) if prefs else None

    def content_signals(self, agent: str) -> tuple[Statement, ...]:
        """Return the Content-Signal lines of the group an agent obeys."""
        key = self.group_key(agent)
        return tuple(self._index.signals(self._index.groups_of(key))) if key is not None else ()

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
        if self._confidence is None:
            penalties = len({n.line for n in self.notes if n.code != "unparsed"})
            quality = 1.0 - 0.03 * min(penalties, 10)
            if self.truncated:
                quality -= 0.1
            codes = {n.code for n in self.notes}
            if "html" in codes:
                quality -= 0.3
            if codes & CAP_CODES:
                quality -= 0.3  # a file built to exceed the caps: its reading is partial
            self._confidence = round(max(quality, 0.3), 3)
        return self._confidence

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
            "capped": sorted({n.code for n in self.notes} & CAP_CODES),
            "confidence": self.confidence,
        }
