# SPDX-License-Identifier: Apache-2.0
"""The AI crawler registry: the shipped file, its schema, and verdicts per operator and purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.errors import KnowledgeBaseError
from clearance.signals.crawlers import CRAWLER_CLASSES, load_crawlers
from clearance.signals.robots import parse_robots
from clearance.signals.robots.parse import product_token
from clearance.signals.robots.verdicts import (
    crawler_verdicts,
    operator_verdicts,
    purpose_verdicts,
)
from clearance.signals.vocab import PURPOSES

DATA = Path(__file__).parent / "data" / "crawlers"

# The tokens issue 4 names, with the class each must have.
NAMED = {
    "GPTBot": ("OpenAI", "training"),
    "ChatGPT-User": ("OpenAI", "user-triggered"),
    "OAI-SearchBot": ("OpenAI", "search"),
    "CCBot": ("Common Crawl Foundation", "mixed"),
    "Google-Extended": ("Google", "training"),
    "ClaudeBot": ("Anthropic", "training"),
    "anthropic-ai": ("Anthropic", "training"),
    "Applebot-Extended": ("Apple", "training"),
    "Bytespider": ("ByteDance", "training"),
    "PerplexityBot": ("Perplexity", "search"),
    "meta-externalagent": ("Meta", "training"),
    "cohere-ai": ("Cohere", "user-triggered"),
    "Amazonbot": ("Amazon", "mixed"),
}


def test_shipped_registry_loads_with_at_least_60_tokens() -> None:
    registry = load_crawlers()
    assert len(registry) >= 60
    assert registry.as_of.isoformat() == "2026-11-28"
    assert registry.listing_url.startswith("https://github.com/ai-robots-txt/ai.robots.txt/")
    for crawler in registry:
        assert crawler.purpose in CRAWLER_CLASSES
        assert crawler.purposes and set(crawler.purposes) <= set(PURPOSES)
        assert crawler.source.startswith("https://")
        assert crawler.checked <= registry.as_of
        assert crawler.description.strip()


@pytest.mark.parametrize(("token", "expected"), sorted(NAMED.items()))
def test_issue_tokens_are_registered(token: str, expected: tuple[str, str]) -> None:
    crawler = load_crawlers().get(token)
    assert crawler is not None, token
    assert (crawler.operator, crawler.purpose) == expected


def test_training_crawlers_reserve_training_purposes() -> None:
    for crawler in load_crawlers().by_class("training"):
        assert "ai_training" in crawler.purposes, crawler.token


def test_lookup_is_case_insensitive() -> None:
    registry = load_crawlers()
    assert registry.get("gptbot") is registry.get("GPTBOT") is registry.get("GPTBot")
    assert "Meta-ExternalAgent" in registry
    assert registry.get("NoSuchBot") is None


def test_every_token_is_read_back_from_a_user_agent_line() -> None:
    # what a robots.txt line naming the token reads as is the token itself (lower-cased)
    for crawler in load_crawlers():
        assert product_token(crawler.token)[0] == crawler.key


def test_by_operator_groups_in_registry_order() -> None:
    groups = load_crawlers().by_operator()
    assert [c.token for c in groups["OpenAI"]][:3] == ["GPTBot", "OAI-SearchBot", "ChatGPT-User"]


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("crawlers_unknown_purpose.yaml", "world_domination"),
        ("crawlers_duplicate_token.yaml", "duplicate product token"),
        ("crawlers_bad_token.yaml", "token"),
        ("crawlers_unknown_key.yaml", "sourse"),
        ("crawlers_http_source.yaml", "source"),
        ("crawlers_not_yaml.yaml", "cannot read"),
    ],
)
def test_invalid_registries_raise_naming_the_file(name: str, fragment: str) -> None:
    path = DATA / name
    with pytest.raises(KnowledgeBaseError) as info:
        load_crawlers(path)
    assert info.value.path == str(path)
    assert fragment in str(info.value)


def test_missing_file_raises_naming_it(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="cannot read"):
        load_crawlers(tmp_path / "absent.yaml")


def test_verdicts_per_crawler_operator_and_purpose() -> None:
    body = b"User-agent: GPTBot\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    policy = parse_robots(body)
    by_token = {v.crawler.token: v for v in crawler_verdicts(policy)}
    assert by_token["GPTBot"].allowed is False and by_token["GPTBot"].explicit
    assert by_token["CCBot"].allowed is True and not by_token["CCBot"].explicit
    operators = operator_verdicts(policy)
    # "OpenAI training crawler: disallowed; Common Crawl: allowed"
    assert operators["OpenAI"]["training"] == "disallowed"
    assert operators["OpenAI"]["search"] == "allowed"
    assert operators["Common Crawl Foundation"] == {"mixed": "allowed"}
    assert operators["Anthropic"]["training"] == "allowed"
    purposes = purpose_verdicts(policy)
    assert purposes["training"]["disallowed"] == ["GPTBot"]
    assert "ClaudeBot" in purposes["training"]["allowed"]


def test_operator_verdict_is_partial_when_its_crawlers_differ() -> None:
    body = b"User-agent: ClaudeBot\nDisallow: /\n"
    operators = operator_verdicts(parse_robots(body))
    assert operators["Anthropic"]["training"] == "partial"  # ClaudeBot blocked, anthropic-ai not
