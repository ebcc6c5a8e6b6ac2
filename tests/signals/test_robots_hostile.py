# SPDX-License-Identifier: Apache-2.0
"""Hostile robots.txt input: huge, binary, invalid UTF-8, pathological patterns. No crash,
no hang, bounded memory; and every way of asking (per call, batch, compiled) agrees."""

from __future__ import annotations

import tracemalloc

from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from clearance.signals.robots import parse_robots
from clearance.signals.robots.paths import normalize_path, normalize_paths
from clearance.signals.robots.verdicts import robots_signals
from tests.fuzzing import budget

KEYS = [
    "User-agent",
    "user-agent",
    "Allow",
    "Disallow",
    "disallow",
    "useragent",
    "dissallow",
    "Sitemap",
    "Content-Usage",
    "Content-Signal",
    "License",
    "Crawl-delay",
    "noise",
]
AGENTS = ["*", "GPTBot", "gptbot", "CCBot", "Googlebot/2.1", "Foo Bar", "img2dataset", "", "é"]
PATTERN_ALPHABET = "/ab*$%2F?=&.~é#: "


def robots_line() -> st.SearchStrategy[str]:
    key = st.sampled_from(KEYS)
    value = st.one_of(
        st.sampled_from(AGENTS),
        st.text(alphabet=PATTERN_ALPHABET, max_size=24),
        st.text(max_size=24),
    )
    sep = st.sampled_from([":", ": ", " :\t", " ", ""])
    return st.builds(lambda k, s, v: f"{k}{s}{v}", key, sep, value)


robots_text = st.lists(robots_line(), max_size=40).map("\n".join)
paths = st.lists(
    st.one_of(
        st.text(alphabet=PATTERN_ALPHABET, max_size=30).map(lambda p: "/" + p),
        st.text(max_size=30),
        st.sampled_from(["https://example.com/a?b=c", "//h/x", "", "/robots.txt"]),
    ),
    min_size=1,
    max_size=25,
)


@budget(300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(robots_text, paths, st.sampled_from(["GPTBot", "CCBot", "foo", "*", "Googlebot"]))
def test_every_way_of_asking_agrees(body: str, urls: list[str], agent: str) -> None:
    per_call = parse_robots(body)
    batch = parse_robots(body)
    compiled = parse_robots(body)
    compiled.compile()
    expected = [per_call.allowed(agent, u) for u in urls]
    assert batch.allowed_many(agent, urls) == expected
    assert compiled.allowed_many(agent, urls) == expected
    assert [compiled.allowed(agent, u) for u in urls] == expected
    for u, verdict in zip(urls, expected, strict=True):
        assert per_call.explain(agent, u).allowed is verdict


@budget(300, deadline=None)
@given(st.binary(max_size=4000))
def test_binary_bodies_never_crash(body: bytes) -> None:
    policy = parse_robots(body, url="https://h/robots.txt")
    policy.allowed("GPTBot", "/x")
    policy.allowed_many("GPTBot", ["/x", "/y"])
    robots_signals(policy, "/")
    policy.to_dict()


@budget(200, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=20))
def test_batch_normalisation_equals_line_by_line(lines: list[str]) -> None:
    lines = [line.replace("\n", "") for line in lines]
    text = "\n".join(lines)
    assert normalize_paths(text) == "\n".join(normalize_path(line) for line in lines)


def test_invalid_utf8_is_kept_as_octets_and_flagged() -> None:
    body = b"User-agent: *\nDisallow: /caf\xe9/\n"  # Latin-1, not UTF-8
    policy = parse_robots(body)
    assert any(n.code == "invalid-utf8" for n in policy.notes)
    assert policy.allowed("x", "/caf%E9/menu") is False  # the raw octet, percent-encoded
    assert policy.allowed("x", "/caf%C3%A9/menu") is True
    assert policy.confidence <= 1.0


def test_a_huge_body_is_cut_at_the_limit_with_bounded_memory() -> None:
    body = b"User-agent: *\n" + b"Disallow: /a*b*c*d*e*f*g*h$\n" * 400_000  # about 11 MB
    tracemalloc.start()
    policy = parse_robots(body)
    policy.allowed_many("x", [f"/a{'b' * 50}{i}" for i in range(50)])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert policy.truncated and policy.bytes_read == 500 * 1024
    assert peak < 80 * 1024 * 1024


def test_wildcard_heavy_patterns_do_not_backtrack_exponentially() -> None:
    star = "/" + "a*" * 40 + "b"
    policy = parse_robots(f"User-agent: *\nDisallow: {star}\nDisallow: {star}$\n".encode())
    path = "/" + "a" * 5000  # no "b": a naive backtracking matcher never finishes
    assert policy.allowed("x", path) is True
    policy.compile()
    assert policy.allowed_many("x", [path] * 3) == [True, True, True]


def test_deeply_nested_prefixes_compile() -> None:
    rules = "".join(f"Disallow: /{'a' * n}\nAllow: /{'a' * n}b\n" for n in range(1, 400))
    policy = parse_robots(f"User-agent: *\n{rules}".encode())
    policy.compile()
    assert policy.allowed("x", "/" + "a" * 200) is False
    assert policy.allowed("x", "/" + "a" * 200 + "b") is True
    assert policy.allowed("x", "/b") is True


def test_a_very_long_line_and_many_groups() -> None:
    long_rule = b"Disallow: /" + b"x" * 300_000 + b"\n"
    many = b"".join(b"User-agent: bot%d\nDisallow: /%d\n" % (i, i) for i in range(5000))
    policy = parse_robots(b"User-agent: *\n" + long_rule + many)
    assert policy.allowed("bot42", "/42") is False
    assert policy.allowed("nobot", "/" + "x" * 300_000) is False


def test_control_characters_and_nul_bytes() -> None:
    body = b"User-agent: *\x00\nDisallow: /a\x01b\r\n\x0cDisallow: /c\n"
    policy = parse_robots(body)
    assert policy.allowed("x", "/c") is False
    assert policy.allowed("x", "/a%01b") is False
