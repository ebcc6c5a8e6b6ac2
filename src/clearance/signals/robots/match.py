# SPDX-License-Identifier: Apache-2.0
"""The compiled rule matcher of robots.txt: which rule decides a path (RFC 9309 §2.2.2).

Paths and patterns arrive normalised (:mod:`clearance.signals.robots.paths`). The most
specific rule wins: the longest pattern (``*`` and ``$`` counted, as Google counts them),
``allow`` on a tie.

A group's rules are prepared once. Plain prefixes (no ``*``, no ``$``; nearly all rules) are
looked up by length, or, once a group has served enough checks, in one regular expression
shaped as a trie, which finds the longest matching prefix in time linear in the path whatever
the number of rules. Wildcard rules are tried in precedence order (longest pattern first,
``allow`` first on ties); their ``*`` segments are atomic (``(?>.*?lit)``: the earliest
occurrence of each literal is always the best choice), so matching stays linear instead of
exponential in the number of ``*``. :meth:`CompiledRules.allowed_lines` judges a whole batch
of paths, one per line, with whole-string operations.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import accumulate, compress, filterfalse, repeat
from operator import itemgetter

__all__ = ["CompiledRules", "Rule"]

_MAX_TRIE_DEPTH = 150  # nested groups; deeper tries (hostile files) use a flat alternation
# Wildcard patterns larger than this are matched without an expression (see _Segments), and
# groups whose wildcard patterns total more than ALTERNATION_MAX_CHARS are not joined into one.
REGEX_MAX_WILDCARDS = 64
REGEX_MAX_CHARS = 4096
ALTERNATION_MAX_CHARS = 16384
MANY_WILDCARDS = 24  # above this, single checks pre-filter wildcard rules by a needed literal
SWEEP_LENGTHS = 4  # above this many distinct prefix lengths, batches use the sorted sweep
# A group's prefixes are compiled into a trie expression once checks x distinct prefix lengths
# (the work of the uncompiled lookups) reach COMPILE_WEIGHT x characters of prefixes (the
# work of compiling them), and never before UPGRADE_CHECKS checks.
UPGRADE_CHECKS = 256
COMPILE_WEIGHT = 30


class Rule:
    """One allow/disallow rule of a group, with its normalised pattern and where it came from.

    Immutable by convention (a plain slotted class: a frozen dataclass costs several times
    more to build, and parsing builds one per line).
    """

    __slots__ = ("allow", "line", "pattern", "plain", "priority", "raw")

    def __init__(self, allow: bool, pattern: str, raw: str, line: int) -> None:
        self.allow = allow
        self.pattern = pattern  # normalised
        self.raw = raw  # the line as written in the file
        self.line = line  # 1-based line number in the file
        self.priority = len(pattern)  # RFC 9309 ranks matches by octets of the pattern
        self.plain = "*" not in pattern and not pattern.endswith("$")  # a plain prefix

    def _key(self) -> tuple[bool, str, str, int]:
        return (self.allow, self.pattern, self.raw, self.line)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Rule) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"Rule(allow={self.allow!r}, pattern={self.pattern!r}, raw={self.raw!r}, "
            f"line={self.line!r})"
        )


def _pattern_regex(pattern: str) -> str:
    anchored = pattern.endswith("$")
    segments = (pattern[:-1] if anchored else pattern).split("*")
    parts = [re.escape(segments[0])]
    middle = segments[1:]
    for index, segment in enumerate(middle):
        if anchored and index == len(middle) - 1:
            parts.append(".*" + re.escape(segment))
        elif segment:
            parts.append("(?>.*?" + re.escape(segment) + ")")
    if anchored:
        parts.append("$")
    return "".join(parts)


def _trie_regex(words: Sequence[str]) -> str | None:
    """Return a regex matching the longest of ``words`` that prefixes the input, or None.

    Built from the sorted words directly (no per-character nodes, so memory stays linear in
    the input); None when groups would nest deeper than the regex engine should parse.
    """
    ordered = sorted(set(words))

    def build(lo: int, hi: int, pos: int, depth: int) -> str | None:
        first, last = ordered[lo], ordered[hi - 1]
        common = len(os.path.commonprefix([first[pos:], last[pos:]]))
        stem, pos = re.escape(first[pos : pos + common]), pos + common
        terminal = len(first) == pos
        start = lo + 1 if terminal else lo
        if start >= hi:
            return stem
        runs: list[tuple[int, int]] = []
        i = start
        while i < hi:
            ch, j = ordered[i][pos], i + 1
            while j < hi and ordered[j][pos] == ch:
                j += 1
            runs.append((i, j))
            i = j
        nested = terminal or len(runs) > 1
        if nested and depth + 1 > _MAX_TRIE_DEPTH:
            return None
        alternatives = []
        for a, b in runs:
            sub = build(a, b, pos, depth + 1 if nested else depth)
            if sub is None:
                return None
            alternatives.append(sub)
        body = alternatives[0] if len(runs) == 1 else "(?:" + "|".join(alternatives) + ")"
        return stem + ("(?:" + body + ")?" if terminal else body)

    return build(0, len(ordered), 0, 0) if ordered else None


@lru_cache(maxsize=16384)
def _single(pattern: str) -> re.Pattern[str]:
    return re.compile(_pattern_regex(pattern), re.MULTILINE)


def _regex_sized(pattern: str) -> bool:
    """Return True when a pattern is small enough to compile (and cache) as an expression."""
    return len(pattern) <= REGEX_MAX_CHARS and pattern.count("*") <= REGEX_MAX_WILDCARDS


class _Segments:
    """A wildcard pattern matched by successive ``str.find`` calls, with no expression.

    For patterns too big to compile cheaply (a hostile file can hold one 500 KiB pattern of
    250,000 ``*``, which takes seconds to compile). The earliest occurrence of each literal
    is always the best choice, so this agrees with :func:`_pattern_regex`; the work is one
    scan of the path per literal.
    """

    __slots__ = ("end", "exact", "first", "middle")

    def __init__(self, pattern: str) -> None:
        anchored = pattern.endswith("$")
        parts = (pattern[:-1] if anchored else pattern).split("*")
        self.first = parts[0]
        self.exact = anchored and len(parts) == 1  # "/a$": the path is exactly the prefix
        if not anchored or self.exact:
            self.middle, self.end = tuple(p for p in parts[1:] if p), None
        else:
            self.middle, self.end = tuple(p for p in parts[1:-1] if p), parts[-1]

    def match(self, path: str) -> bool | None:
        """Return True when the pattern matches the path (from its start), else None."""
        if not path.startswith(self.first):
            return None
        if self.exact:
            return True if len(path) == len(self.first) else None
        pos = len(self.first)
        for literal in self.middle:
            at = path.find(literal, pos)
            if at < 0:
                return None
            pos = at + len(literal)
        if self.end is None:
            return True
        if len(path) - len(self.end) >= pos and path.endswith(self.end):
            return True
        return None


def _matcher(pattern: str) -> Callable[[str], object]:
    """Return a function telling whether a wildcard pattern matches a path (truthy or None)."""
    return _single(pattern).match if _regex_sized(pattern) else _Segments(pattern).match


def _needle(pattern: str) -> str:
    """Return the longest literal piece of a wildcard pattern: every match contains it."""
    return max((pattern[:-1] if pattern.endswith("$") else pattern).split("*"), key=len)


@lru_cache(maxsize=4096)
def _wild_regex(patterns: tuple[str, ...]) -> re.Pattern[str]:
    # shared by every host: many sites publish the same wildcard rules (shop and CMS defaults)
    body = "|".join(f"({_pattern_regex(p)})" for p in patterns)
    return re.compile(f"\\n(?:{body}|())", re.MULTILINE)


class CompiledRules:
    """The rules of one (merged) group, prepared once; answers which rule decides a path.

    Plain prefixes (nearly every rule) have two tiers: until a group has served enough checks
    they are looked up by length in dicts (no compile cost, which suits the many hosts that
    see few URLs); once the checks would repay it (see :data:`COMPILE_WEIGHT`) they are
    compiled into one prefix-trie expression. Wildcard rules are tried in precedence order:
    singly (and behind a literal each one needs) for batches and for groups with many of
    them, otherwise as one alternation (cached across hosts, since many sites publish the same
    wildcard rules). Batches are judged in one pass over the newline-joined paths
    (:meth:`allowed_lines`).
    """

    __slots__ = (
        "_allow",
        "_by_length",
        "_checks",
        "_alternation",
        "_lengths",
        "_matchers",
        "_needles",
        "_plain",
        "_plain_rx",
        "_rules",
        "_sorted",
        "_source",
        "_upgrade_at",
        "_wild",
        "_wild_rx",
    )

    def __init__(self, rules: Sequence[Rule]) -> None:
        self._source = rules
        self._rules: tuple[Rule, ...] | None = None
        plain: dict[str, Rule] = {}
        wild: dict[tuple[bool, str], Rule] = {}
        for rule in rules:
            if rule.plain:
                seen = plain.get(rule.pattern)
                if seen is None or (rule.allow and not seen.allow):  # allow wins a tie
                    plain[rule.pattern] = rule
            else:
                wild.setdefault((rule.allow, rule.pattern), rule)  # duplicates MAY be dropped
        self._plain = plain
        self._allow = {p: r.allow for p, r in plain.items()}
        self._lengths = tuple(sorted({len(p) for p in plain}, reverse=True))
        self._wild = tuple(sorted(wild.values(), key=_precedence))
        self._needles = tuple(_needle(r.pattern) for r in self._wild)
        self._matchers: list[Callable[[str], object] | None] | None = None
        self._alternation = len(self._wild) <= MANY_WILDCARDS and (
            sum(len(r.pattern) for r in self._wild) <= ALTERNATION_MAX_CHARS
            and all(_regex_sized(r.pattern) for r in self._wild)
        )
        self._plain_rx: re.Pattern[str] | None = None
        self._wild_rx: re.Pattern[str] | None = None
        self._by_length: tuple[tuple[Callable[[str], str], dict[str, str]], ...] | None = None
        self._sorted: list[str] | None = None
        self._checks = 0
        chars = sum(map(len, plain))
        self._upgrade_at = max(UPGRADE_CHECKS, COMPILE_WEIGHT * chars // max(1, len(self._lengths)))

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Return the distinct rules in precedence order (longest first, allow first on ties)."""
        if self._rules is None:
            unique = {(r.allow, r.pattern): r for r in reversed(self._source)}
            self._rules = tuple(sorted(unique.values(), key=_precedence))
        return self._rules

    @property
    def compiled(self) -> bool:
        """Return True once the plain prefixes have been compiled into the trie expression."""
        return self._plain_rx is not None

    def compile(self) -> None:
        """Compile the prefix trie now (normally done once enough checks have been served)."""
        if self._plain_rx is not None or not self._plain:
            return
        words = sorted(self._plain, key=len, reverse=True)
        trie = _trie_regex(words)
        body = trie if trie is not None else "|".join(re.escape(w) for w in words)
        self._plain_rx = re.compile(f"\\n({body}|)", re.MULTILINE)

    def _plain_best(self, path: str) -> Rule | None:
        if self._plain_rx is not None:
            found = self._plain_rx.match("\n" + path)
            return self._plain.get(found.group(1)) if found is not None else None
        size = len(path)
        plain = self._plain
        for length in self._lengths:
            if length <= size:
                rule = plain.get(path[:length])
                if rule is not None:
                    return rule
        return None

    def _match_fn(self, index: int) -> Callable[[str], object]:
        """Return the matcher of wildcard rule ``index``, built on first use."""
        if self._matchers is None:
            self._matchers = [None] * len(self._wild)
        match = self._matchers[index]
        if match is None:
            match = self._matchers[index] = _matcher(self._wild[index].pattern)
        return match

    def _wild_best(self, path: str, best: Rule | None) -> Rule | None:
        if not self._alternation:
            for index, (rule, needle) in enumerate(zip(self._wild, self._needles, strict=True)):
                if best is not None and not _can_beat(rule, best):
                    break  # precedence order: nothing further can win
                if needle in path and self._match_fn(index)(path) is not None:
                    return rule
            return best
        if self._wild_rx is None:
            self._wild_rx = _wild_regex(tuple(r.pattern for r in self._wild))
        found = self._wild_rx.match("\n" + path)
        group = found.lastindex if found is not None else None
        if group is not None and group <= len(self._wild):
            return _better(best, self._wild[group - 1])
        return best

    def decide(self, path: str) -> Rule | None:
        """Return the winning rule for a normalised path, or None when no rule matches."""
        self._checks += 1
        if self._checks >= self._upgrade_at and self._plain_rx is None and self._plain:
            self.compile()
        best = self._plain_best(path) if self._plain else None
        return self._wild_best(path, best) if self._wild else best

    def allowed(self, path: str) -> bool:
        """Return True when a normalised path may be crawled under these rules."""
        plain_rx = self._plain_rx
        if plain_rx is not None and not self._wild:
            found = plain_rx.match("\n" + path)
            return self._allow.get(found.group(1), True) if found is not None else True
        rule = self.decide(path)
        return rule is None or rule.allow

    def allowed_lines(self, text: str, count: int) -> list[bool]:
        """Return one verdict per line of ``text`` (``count`` normalised paths, ``\\n``-joined)."""
        if not self._plain and not self._wild:
            return [True] * count
        self._checks += count
        if self._plain and self._plain_rx is None and self._checks >= self._upgrade_at:
            self.compile()
        lines = text.split("\n") if self._wild or self._plain_rx is None else None
        if not self._plain:
            prefixes: list[str] = [""] * count
        elif self._plain_rx is not None:
            prefixes = self._plain_rx.findall("\n" + text)
        else:
            assert lines is not None
            prefixes = self._prefixes_by_length(lines)
        out: list[bool] = list(map(self._allow.get, prefixes, repeat(True)))
        if self._wild:
            assert lines is not None
            plain = self._plain
            for line, rule in self._wild_matches(text, lines):
                best = plain.get(prefixes[line]) if prefixes[line] else None
                if best is None or _can_beat(rule, best):
                    out[line] = rule.allow
        return out

    def _prefixes_by_length(self, lines: list[str]) -> list[str]:
        """Return, per line, the longest plain pattern prefixing it ("" for none).

        Uncompiled batches. With few distinct pattern lengths: one pass of C-level slicing and
        dict lookups per length, shortest first, each longer match overriding the shorter.
        With many (relative to the batch and the patterns): one sorted sweep of lines and
        patterns together (a stack of the patterns that prefix the current position), linear
        in lines plus patterns.
        """
        count, lengths = len(lines), len(self._lengths)
        if lengths > SWEEP_LENGTHS and lengths * count > 8 * (count + len(self._plain)):
            return self._prefixes_by_sweep(lines)
        if self._by_length is None:
            by_length: dict[int, dict[str, str]] = {}
            for pattern in self._plain:
                by_length.setdefault(len(pattern), {})[pattern] = pattern
            self._by_length = tuple(
                (itemgetter(slice(0, n)), d) for n, d in sorted(by_length.items())
            )
        found = [""] * len(lines)
        for cut, patterns in self._by_length:
            found = list(map(patterns.get, map(cut, lines), found))
        return found

    def _prefixes_by_sweep(self, lines: list[str]) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self._plain)
        patterns = self._sorted
        found = [""] * len(lines)
        stack: list[str] = []  # patterns, each a prefix of the next
        next_pattern = 0
        for index in sorted(range(len(lines)), key=lines.__getitem__):
            line = lines[index]
            while next_pattern < len(patterns) and patterns[next_pattern] <= line:
                pattern = patterns[next_pattern]
                while stack and not pattern.startswith(stack[-1]):
                    stack.pop()  # sorted order: it can prefix no later string
                stack.append(pattern)
                next_pattern += 1
            while stack and not line.startswith(stack[-1]):
                stack.pop()
            if stack:
                found[index] = stack[-1]
        return found

    def _wild_matches(self, text: str, lines: list[str]) -> Iterable[tuple[int, Rule]]:
        """Return (line, rule) pairs: the first wildcard rule, in precedence order, per line.

        A rule no line can match costs one substring scan of the batch. The common shapes
        ``S*`` and ``S*L`` are matched with C-level ``startswith``/``find`` over the lines;
        others run their expression on the undecided lines that hold the literal they need.
        Each line is decided once, by the strongest rule that matches it.
        """
        count = len(lines)
        starts: list[int] | None = None
        decided: dict[int, Rule] = {}
        for index, (rule, needle) in enumerate(zip(self._wild, self._needles, strict=True)):
            if needle not in text or len(decided) == count:
                continue
            head, tail = _single_star(rule.pattern)
            if head is not None:
                hits: Iterable[int] = compress(
                    range(count), map(str.startswith, lines, repeat(head))
                )
                if tail:  # keep the lines where the tail occurs after the head (C-level)
                    heads = list(filterfalse(decided.__contains__, hits))
                    found = map(
                        str.find, map(lines.__getitem__, heads), repeat(tail), repeat(len(head))
                    )
                    hits = compress(heads, map((-1).__lt__, found))
            else:
                if starts is None:
                    starts = list(accumulate(map((1).__add__, map(len, lines)), initial=0))
                hits = _regex_hits(self._match_fn(index), needle, text, lines, starts, decided)
            decided.update(zip(filterfalse(decided.__contains__, hits), repeat(rule)))
        return decided.items()


def _regex_hits(
    match: Callable[[str], object],
    needle: str,
    text: str,
    lines: list[str],
    starts: list[int],
    decided: dict[int, Rule],
) -> list[int]:
    """Return the undecided lines a wildcard rule's expression matches (needle lines only)."""
    count = len(lines)
    if not needle:
        return [i for i in filterfalse(decided.__contains__, range(count)) if match(lines[i])]
    hits = []
    at = text.find(needle)
    while at >= 0:
        line = bisect_right(starts, at) - 1
        if line not in decided and match(lines[line]) is not None:
            hits.append(line)
        at = text.find(needle, starts[line + 1]) if line + 1 < count else -1
    return hits


@lru_cache(maxsize=16384)
def _single_star(pattern: str) -> tuple[str | None, str]:
    """Return (head, tail) for a pattern ``head*tail`` (one ``*``, no ``$``), else (None, "")."""
    if pattern.endswith("$") or pattern.count("*") != 1:
        return None, ""
    head, _, tail = pattern.partition("*")
    return head, tail


def _precedence(rule: Rule) -> tuple[int, bool, int]:
    return (-rule.priority, not rule.allow, rule.line)


def _can_beat(rule: Rule, best: Rule) -> bool:
    """Return True when ``rule`` outranks ``best`` (longer, or as long and an allow)."""
    return rule.priority > best.priority or (
        rule.priority == best.priority and rule.allow and not best.allow
    )


def _better(current: Rule | None, candidate: Rule) -> Rule:
    if current is None or candidate.priority > current.priority:
        return candidate
    if candidate.priority == current.priority and candidate.allow and not current.allow:
        return candidate
    return current
