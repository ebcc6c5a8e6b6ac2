# SPDX-License-Identifier: Apache-2.0
"""robots.txt work and memory grow linearly with the file (issue 20, failure 3).

A file of 20,000 ``User-agent`` lines used to copy each group's lines and rules once per
agent (26.5 s, 3.2 GB). These tests count what is stored and bound the memory allocated; speed
itself is measured in ``benchmarks/robots_hostile.py``. The worst-case harness runs each
generated file (up to RFC 9309's 500 KiB) through everything a scan does with it, under the
per-example deadline of the Hypothesis profile (tests/conftest.py).
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from clearance.signals.robots import parse_robots, robots_signals
from clearance.signals.robots.groups import GroupIndex
from clearance.signals.robots.match import CompiledRules, Rule, _Segments, _single
from clearance.signals.robots.parse import (
    MAX_AGENTS_PER_GROUP,
    MAX_BYTES,
    MAX_STATEMENTS,
    parse_lines,
)
from clearance.signals.robots.policy import RobotsPolicy
from tests.fuzzing import WORST_CASE_DEADLINE, budget

MIB = 1 << 20


def _name(i: int) -> str:
    letters = []
    for _ in range(5):
        i, digit = divmod(i, 26)
        letters.append(chr(97 + digit))
    return "".join(letters)


def _probe(agents: int) -> bytes:
    """The probe's file: ``agents`` user-agent lines in one group, then one rule."""
    lines = [f"User-agent: {_name(i)}" for i in range(agents)]
    return ("\n".join(lines) + "\nDisallow: /private\n").encode()


def _peak(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _everything(body: bytes) -> RobotsPolicy:
    """Do with a file what a scan does: parse, judge paths, emit signals, summarise."""
    policy = parse_robots(body, url="https://h.example/robots.txt")
    policy.allowed("GPTBot", "/private/x")
    policy.allowed_many("CCBot", ["/", "/private", "/a/b?c=d", "/" + "a" * 300])
    robots_signals(policy, "/")
    policy.to_dict()
    return policy


def _stored(policy: RobotsPolicy) -> tuple[int, int]:
    """Return (rules stored, token-to-group links) of a policy's group index."""
    index = GroupIndex(google_compat=policy.google_compat, lenient_lines=policy.lenient_lines)
    for group in policy.groups:
        index.add(group)
    rules = sum(len(g.rules) for g in index.groups)
    links = sum(len(groups) for groups in index.by_agent.values())
    return rules, links


def test_twenty_thousand_user_agents_cost_memory_linear_in_the_file() -> None:
    body = _probe(20_000)
    assert len(body) < 360 * 1024  # the probe's 356 KB file
    holder: list[RobotsPolicy] = []
    peak = _peak(lambda: holder.append(_everything(body)))
    policy = holder[0]
    assert peak < 24 * MIB, f"{peak / MIB:.0f} MiB"  # was 3.2 GB: each agent copied the group
    assert policy.allowed(_name(7), "/private/x") is False
    assert policy.allowed(_name(19_999), "/private/x") is False  # past the cap: still obeyed
    assert policy.allowed(_name(7), "/public") is True
    capped = [n for n in policy.notes if n.code == "agents-capped"]
    assert len(capped) == 1 and capped[0].line == MAX_AGENTS_PER_GROUP + 1
    assert "15,000" in capped[0].message
    assert len(policy.groups[0].agent_lines) == MAX_AGENTS_PER_GROUP
    assert policy.confidence <= 0.7
    assert "agents-capped" in policy.to_dict()["capped"]
    assert _stored(policy) == (1, 20_000)


def test_a_group_is_prepared_once_for_all_its_agents() -> None:
    rules = "".join(f"Disallow: /r{i}/\n" for i in range(300))
    agents = "".join(f"User-agent: {_name(i)}\n" for i in range(300))
    policy = parse_robots((agents + rules).encode())
    for i in range(300):
        assert policy.allowed(_name(i), f"/r{i}/x") is False
    assert len(policy._compiled) == 1  # one matcher shared by the 300 agents of the group
    assert _stored(policy) == (300, 300)


def test_merged_groups_keep_file_order_and_rfc_semantics() -> None:
    body = (
        b"User-agent: a\nUser-agent: b\nDisallow: /x\n\n"
        b"User-agent: b\nAllow: /x/y\nContent-Usage: train-ai=n\n\n"
        b"User-agent: *\nDisallow: /\n"
    )
    policy = parse_robots(body)
    assert [r.raw for r in policy.rules_for("b")] == ["Allow: /x/y", "Disallow: /x"]
    assert policy.allowed("b", "/x/y") and not policy.allowed("b", "/x/z")
    assert not policy.allowed("a", "/x/y")
    assert [st.raw for st in policy.usage_statements()] == ["Content-Usage: train-ai=n"]
    assert policy.group_numbers("b") == (0, 1) and policy.group_numbers("zzz") == ()


def test_rules_past_the_cap_end_the_file_with_a_finding() -> None:
    body = b"User-agent: *\n" + b"".join(b"Disallow: /p%d\n" % i for i in range(50))
    parsed = parse_lines(body, max_rules=20)
    assert sum(len(g.rules) for g in parsed.groups) == 20
    assert parsed.truncated
    assert [n.code for n in parsed.notes] == ["rules-capped"]
    assert parsed.notes[0].line == 22


def test_statements_past_the_cap_are_skipped_with_a_finding() -> None:
    signal = "Content-Signal: ai-train=no\n"
    body = ("User-agent: GPTBot\n" + signal * (MAX_STATEMENTS + 40) + "Disallow: /x\n").encode()
    policy = parse_robots(body)
    assert len(policy.content_signal_statements()) == MAX_STATEMENTS
    assert not policy.allowed("GPTBot", "/x")  # rules after the skipped lines still count
    notes = [n for n in policy.notes if n.code == "statements-capped"]
    assert len(notes) == 1 and "40 " in notes[0].message
    signals = robots_signals(policy, "/", agents=["GPTBot"])
    crawler = [s for s in signals if s.standard == "robots.txt"]
    assert crawler and all(any("statements-capped" in n for n in s.notes) for s in crawler)


def test_statement_signals_are_computed_once_per_group_and_bounded() -> None:
    agents = "".join(f"User-agent: {_name(i)}\n" for i in range(2000))
    body = (agents + "User-agent: GPTBot\nContent-Signal: ai-train=no\nDisallow: /\n").encode()
    policy = parse_robots(body)
    statements = [s for s in robots_signals(policy, "/") if s.standard == "content-signal"]
    labelled = {s.agent for s in statements}
    assert "GPTBot" in labelled
    assert len(labelled) == 257  # GPTBot and the first 256 unregistered tokens
    assert all(any("further user agents" in n for n in s.notes) for s in statements)


def test_notes_copied_into_a_signal_are_bounded() -> None:
    body = "".join(f"User-agent: *GPTBot*/{i}\nSitemap: /s{i}\n" for i in range(3000))
    policy = parse_robots((body + "Disallow: /\n").encode())
    signals = robots_signals(policy, "/", agents=["GPTBot"])
    assert signals and all(len(s.notes) < 40 for s in signals)
    assert any("more notes on this group's user-agent lines" in n for n in signals[0].notes)


def test_huge_wildcard_pattern_is_matched_without_an_expression() -> None:
    star = "/" + "a*" * 200_000 + "b$"
    policy = parse_robots(f"User-agent: *\nDisallow: {star}\n".encode())
    assert policy.allowed("x", "/" + "a" * 150_000 + "b") is True  # too few "a" before "b"
    assert policy.allowed("x", "/" + "a" * 200_001 + "b") is False
    assert policy.allowed_many("x", ["/ab", "/" + "a" * 200_000 + "xb"]) == [True, False]
    assert _single.cache_info().currsize < 16384  # nothing of that size was cached


pattern_alphabet = st.sampled_from(["a", "b", "/", "*", "ab", "%2F"])
patterns = st.lists(pattern_alphabet, max_size=12).map(lambda p: "/" + "".join(p)).flatmap(
    lambda p: st.sampled_from([p, p + "$"])
)
paths = st.lists(st.sampled_from(["a", "b", "/", "ab", "ba", "%2F", "$", "*"]), max_size=14).map(
    lambda p: "/" + "".join(p)
)


@budget(300)
@given(patterns, st.lists(paths, min_size=1, max_size=8))
def test_segment_matcher_agrees_with_the_expression(pattern: str, batch: list[str]) -> None:
    regex = _single(pattern)
    segments = _Segments(pattern)
    for path in batch:
        assert (segments.match(path) is not None) == (regex.match(path) is not None), path


@budget(100)
@given(st.lists(patterns, min_size=1, max_size=30), st.lists(paths, min_size=1, max_size=20))
def test_big_pattern_path_equals_regex_path(rules: list[str], batch: list[str]) -> None:
    compiled = CompiledRules([Rule(i % 2 == 0, p, p, i + 1) for i, p in enumerate(rules)])
    expected = [compiled.decide(p) for p in batch]
    import clearance.signals.robots.match as match

    saved = match.REGEX_MAX_WILDCARDS
    match.REGEX_MAX_WILDCARDS = -1  # every wildcard pattern takes the segment path
    try:
        forced = CompiledRules([Rule(i % 2 == 0, p, p, i + 1) for i, p in enumerate(rules)])
        assert [forced.decide(p) for p in batch] == expected
        assert forced.allowed_lines("\n".join(batch), len(batch)) == [
            r is None or r.allow for r in expected
        ]
    finally:
        match.REGEX_MAX_WILDCARDS = saved


# ---- worst cases within 500 KiB: linear structures, and the profile's deadline -----------


def _agents_rules(agents: int, rules: int) -> str:
    head = "".join(f"User-agent: {_name(i)}\n" for i in range(agents))
    return head + "".join(f"Disallow: /p{i}/\n" for i in range(rules))


AI = ["GPTBot", "CCBot", "ClaudeBot", "Google-Extended", "PerplexityBot", "Bytespider"]
SHAPES: dict[str, Callable[[int], str]] = {
    "agents": lambda n: _agents_rules(n, 1),
    "agents-rules": lambda n: _agents_rules(n // 2, n // 2),
    "groups": lambda n: "".join(f"User-agent: {_name(i)}\nDisallow: /x{i}\n" for i in range(n)),
    "wildcards": lambda n: "User-agent: *\n" + "".join(f"Disallow: /*a*{i}*b$\n" for i in range(n)),
    "long-wildcard": lambda n: "User-agent: *\nDisallow: /" + "a*" * (n * 8) + "\n",
    "long-plain": lambda n: "User-agent: *\nDisallow: /" + "a" * (n * 16) + "\n",
    "plain": lambda n: "User-agent: *\n" + "".join(f"Disallow: /{_name(i)}/\n" for i in range(n)),
    "statements": lambda n: "".join(f"User-agent: {a}\n" for a in AI)
    + "Content-Signal: ai-train=no\nDisallow: /s\n" * n,
    "noted": lambda n: "".join(
        f"User-agent: *{AI[i % len(AI)]}*/{i}\nSitemap: /s{i}\nDisallow: /{i}\n" for i in range(n)
    ),
    "subsets": lambda n: "".join(
        "".join(f"User-agent: {a}\n" for i, a in enumerate(AI) if (g >> i) & 1)
        + "".join(f"Disallow: /g{g}/{r}\n" for r in range(n // 64 + 1))
        for g in range(64)
    ),
}


@budget(12, deadline=WORST_CASE_DEADLINE)
@given(st.sampled_from(sorted(SHAPES)), st.integers(1_000, 40_000))
def test_worst_case_files_within_500_kib(shape: str, size: int) -> None:
    body = SHAPES[shape](size).encode()[:MAX_BYTES]
    policy = _everything(body)
    rules, links = _stored(policy)
    lines = body.count(b"\n") + 1
    assert rules <= lines and links <= lines  # each rule and each agent stored once


@budget(10)
@given(st.sampled_from(["agents", "agents-rules", "groups", "statements"]), st.integers(500, 3000))
def test_memory_is_linear_in_the_file(shape: str, size: int) -> None:
    body = SHAPES[shape](size).encode()
    peak = _peak(lambda: _everything(body))
    # a few hundred bytes of Python objects per byte of input at most; the quadratic index
    # held agents x rules references (8 bytes each): 4M for a 2,000 x 2,000 file
    assert peak < 400 * len(body) + 8 * MIB, (shape, size, peak)
