# SPDX-License-Identifier: Apache-2.0
"""robots.txt as Signals: per crawler and purpose, with evidence; status semantics; batches."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa

from clearance.signals.robots import parse_robots
from clearance.signals.robots.verdicts import comment_signals, robots_signals

WHEN = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
URL = "https://news.example/robots.txt"
BODY = b"""# Text and data mining of our content is expressly prohibited (Art. 4 DSM Directive).
User-agent: GPTBot
Disallow: /

User-agent: OAI-SearchBot
Allow: /

User-agent: *
Disallow: /private/
"""


def by(signals: list, agent: str | None, purpose: str) -> object:  # type: ignore[type-arg]
    return next(s for s in signals if s.agent == agent and s.purpose == purpose)


def test_a_training_crawler_blocked_reserves_training_for_that_agent() -> None:
    policy = parse_robots(BODY, url=URL, fetched_at=WHEN)
    signals = robots_signals(policy, "/")
    gpt = by(signals, "GPTBot", "ai_training")
    assert gpt.verdict == "reserved" and gpt.standard == "robots.txt"
    assert gpt.location == f"{URL}#L3" and gpt.excerpt == "Disallow: /"
    assert gpt.observed_at == WHEN and gpt.confidence == 1.0 and gpt.scope == "host"
    assert gpt.spec_version == "RFC 9309"
    assert by(signals, "GPTBot", "genai_training").verdict == "reserved"
    # a search crawler explicitly allowed: search and AI answers not reserved, for that agent
    search = by(signals, "OAI-SearchBot", "search")
    assert search.verdict == "not_reserved" and search.confidence == 1.0
    # a training crawler that only falls under "*": not reserved, with less confidence
    claude = by(signals, "ClaudeBot", "ai_training")
    assert claude.verdict == "not_reserved" and claude.confidence == 0.8
    assert any("'*' group applies" in n for n in claude.notes)
    # and the generic reading of the "*" group for TDM
    assert by(signals, None, "tdm").verdict == "not_reserved"
    assert by(robots_signals(policy, "/private/x"), None, "tdm").verdict == "reserved"


def test_the_policy_method_is_the_function() -> None:
    policy = parse_robots(BODY, url=URL, fetched_at=WHEN)
    assert policy.signals("/", agents=["GPTBot"]) == robots_signals(policy, "/", agents=["GPTBot"])


def test_the_path_decides() -> None:
    policy = parse_robots(BODY, url=URL)
    assert (
        by(robots_signals(policy, "/private/a"), "ClaudeBot", "ai_training").verdict == "reserved"
    )
    assert (
        by(
            robots_signals(policy, "https://news.example/public"), "ClaudeBot", "ai_training"
        ).verdict
        == "not_reserved"
    )


def test_unavailable_and_unreachable_files() -> None:
    gone = robots_signals(parse_robots(b"", status=404, url=URL), "/", agents=["GPTBot"])
    assert {s.verdict for s in gone} == {"not_reserved"}
    assert all(s.confidence == 0.8 and "4xx" not in s.notes[0] for s in gone)
    assert "HTTP 404" in gone[0].notes[0]
    down = robots_signals(parse_robots(b"", status=503, url=URL), "/", agents=["GPTBot"])
    assert {s.verdict for s in down} == {"unknown"}
    none = robots_signals(parse_robots(b"", status=None, url=URL), "/", agents=["GPTBot"])
    assert {s.verdict for s in none} == {"unknown"} and none[0].excerpt == "no response"


def test_agents_limits_the_crawlers_and_accepts_unregistered_tokens() -> None:
    policy = parse_robots(b"User-agent: NewAIBot\nDisallow: /\n")
    signals = robots_signals(policy, "/", agents=["NewAIBot", "GPTBot"])
    assert {s.agent for s in signals} == {"NewAIBot", "GPTBot"}
    assert by(signals, "NewAIBot", "ai_training").verdict == "reserved"


def test_leniency_lowers_the_confidence_of_the_signal_it_decides() -> None:
    policy = parse_robots(b"User-agent: GPTBot\nDisallow /\n")
    gpt = by(robots_signals(policy, "/", agents=["GPTBot"]), "GPTBot", "ai_training")
    assert gpt.verdict == "reserved" and gpt.confidence < 1.0
    assert any("missing-colon" in n for n in gpt.notes)


def test_comment_signals_are_contested_natural_language() -> None:
    signals = comment_signals(parse_robots(BODY, url=URL, fetched_at=WHEN))
    assert signals and all(s.contested and s.standard == "natural-language" for s in signals)
    assert {"tdm"} <= {s.purpose for s in signals}
    assert signals[0].location == f"{URL}#comments" and signals[0].observed_at == WHEN


def test_comment_lines_keep_line_positions() -> None:
    policy = parse_robots(b"# one\nUser-agent: *\n# two\n# three\nDisallow: /x # four\n")
    assert policy.comment_lines().split("\n") == ["# one", "", "# two", "# three", "# four"]


def test_batch_matrix_and_arrow_agree_with_single_checks() -> None:
    policy = parse_robots(BODY)
    urls = ["https://news.example/", "/private/x", None, "/robots.txt", "/a?b=c#d", "/private"]
    matrix = policy.allowed_matrix(["GPTBot", "ClaudeBot", "CCBot"], urls)
    for agent, verdicts in matrix.items():
        assert verdicts == [None if u is None else policy.allowed(agent, u) for u in urls]
        assert verdicts == policy.allowed_many(agent, urls)
    arrow = policy.allowed_array("ClaudeBot", pa.array(urls))
    assert arrow.to_pylist() == matrix["ClaudeBot"]


def test_to_dict_summarises_the_policy() -> None:
    summary = parse_robots(BODY + b"Sitemap: https://news.example/s.xml\n", url=URL).to_dict()
    assert summary["state"] == "parsed" and summary["agents"] == ["gptbot", "oai-searchbot", "*"]
    assert summary["sitemaps"] == ["https://news.example/s.xml"]
    assert summary["confidence"] == 1.0
