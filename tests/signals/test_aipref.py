# SPDX-License-Identifier: Apache-2.0
"""IETF AI Preferences: the examples of draft-ietf-aipref-vocab-08 and -attach-05, and more."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance.signals.aipref import (
    AIPREF_VERSION,
    combine_usage,
    content_usage_signals,
    parse_content_usage,
    parse_usage_rule,
)
from clearance.signals.aipref_sf import InnerList, SFError, Token, parse_dictionary
from clearance.signals.robots import parse_robots
from clearance.signals.robots.verdicts import robots_signals
from tests.fuzzing import budget


def prefs(value: str) -> dict[str, str]:
    parsed = parse_content_usage(value)
    return {label: parsed.get(label) for label in ("train-ai", "ai-use", "search")}


# ---- vocab-08 examples ---------------------------------------------------------------------


def test_vocab_format_example_allow_training_disallow_search() -> None:
    # vocab §6: "train-ai=y, search=n"
    assert prefs("train-ai=y, search=n") == {
        "train-ai": "allowed",
        "ai-use": "unknown",
        "search": "disallowed",
    }


def test_vocab_multiple_preferences_example_is_all_unknown() -> None:
    # vocab §6.x "Multiple Preferences": the last value of each key is not a token
    assert prefs('train-ai=y, train-ai, search=n, search="n"') == {
        "train-ai": "unknown",
        "ai-use": "unknown",
        "search": "unknown",
    }


def test_vocab_parameters_example_last_value_carries_no_parameters() -> None:
    # vocab "Preference Parameters": train-ai;allow=n, train-ai=y -> allowed
    assert prefs("train-ai;allow=n, train-ai=y")["train-ai"] == "allowed"


def test_vocab_parameters_example_unknown_with_parameters() -> None:
    assert prefs('train-ai;has;parameters="?";')["train-ai"] == "unknown"


def test_vocab_uppercase_keys_fail_to_parse_so_everything_is_unknown() -> None:
    parsed = parse_content_usage("Train-AI=n")
    assert not parsed.parsed
    assert set(parsed.values.values()) == {"unknown"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("train-ai=n", "disallowed"),
        ("train-ai=y", "allowed"),
        ("train-ai=n, train-ai=y", "allowed"),  # last key wins
        ("train-ai=n;src=x", "disallowed"),  # parameters ignored
        ('train-ai="n"', "unknown"),  # a string, not a token
        ("train-ai", "unknown"),  # bare key = boolean true
        ("train-ai=?0", "unknown"),
        ("train-ai=no", "unknown"),  # a token, but neither y nor n
        ("train-ai=(n)", "unknown"),  # an inner list
        ("  train-ai=n  ", "disallowed"),  # leading and trailing spaces
        ("search=n,train-ai=n", "disallowed"),
    ],
)
def test_processing_algorithm(value: str, expected: str) -> None:
    assert prefs(value)["train-ai"] == expected


@pytest.mark.parametrize("label", ["train-genai", "tdm", "ai", "genai", "inference", "bots", "all"])
def test_labels_of_earlier_drafts_are_unknown_not_reservations(label: str) -> None:
    parsed = parse_content_usage(f"{label}=n")
    assert parsed.parsed and parsed.values == {} and parsed.ignored == (label,)
    signals = content_usage_signals(parsed)
    assert signals and {s.verdict for s in signals} == {"unknown"}
    assert "earlier draft" in signals[0].notes[0]


def test_unknown_future_labels_are_ignored_silently() -> None:
    parsed = parse_content_usage("train-ai=n, x-new-thing=n")
    assert parsed.get("train-ai") == "disallowed"
    assert parsed.ignored == ("x-new-thing",)
    assert [s.purpose for s in content_usage_signals(parsed)] == ["genai_training"]


def test_combining_statements_is_most_restrictive() -> None:
    # vocab §5.1: any disallow -> disallowed; else any allow -> allowed; else unknown
    a, b = parse_content_usage("train-ai=n"), parse_content_usage("train-ai=y, search=y")
    combined = combine_usage([a, b])
    assert combined.get("train-ai") == "disallowed"
    assert combined.get("search") == "allowed"
    assert combined.get("ai-use") == "unknown"


def test_header_signals_map_onto_the_vocabulary() -> None:
    signals = content_usage_signals(
        "train-ai=n, ai-use=y, search=n", location="header:content-usage"
    )
    got = {(s.purpose, s.verdict) for s in signals}
    assert got == {
        ("genai_training", "reserved"),
        ("ai_inference", "not_reserved"),
        ("search", "reserved"),
    }
    assert all(s.standard == "content-usage" and s.scope == "item" for s in signals)
    assert all(s.spec_version == AIPREF_VERSION for s in signals)
    assert signals[0].excerpt == "train-ai=n, ai-use=y, search=n"


def test_a_malformed_header_is_evidence_with_low_confidence() -> None:
    signals = content_usage_signals("train-ai=n,")  # trailing comma: not a Dictionary
    assert signals and {s.verdict for s in signals} == {"unknown"}
    assert max(s.confidence for s in signals) <= 0.5


# ---- attach-05 examples --------------------------------------------------------------------

ATTACH_ROBOTS = b"""User-Agent: *
Allow: /
Disallow: /never/
Content-Usage: / train-ai=n
Content-Usage: /ai-ok/ train-ai=y

User-Agent: ExampleBot
Allow: /
Content-Usage: / train-ai=y
"""


@pytest.mark.parametrize(
    ("path", "crawl", "train_ai"),
    [("/test", True, "disallowed"), ("/never/test", False, None), ("/ai-ok/test", True, "allowed")],
)
def test_attach_robots_example_table(path: str, crawl: bool, train_ai: str | None) -> None:
    policy = parse_robots(ATTACH_ROBOTS)
    assert policy.allowed("OtherBot", path) is crawl
    usage = policy.content_usage("OtherBot", path)
    assert (usage.get("train-ai") if usage else None) == train_ai


def test_attach_robots_example_examplebot_uses_its_own_group() -> None:
    policy = parse_robots(ATTACH_ROBOTS)
    for path in ("/test", "/never/test", "/ai-ok/test"):
        usage = policy.content_usage("ExampleBot", path)
        assert usage is not None and usage.get("train-ai") == "allowed"


def test_attach_introduction_example_header_and_robots() -> None:
    policy = parse_robots(b"User-Agent: *\nAllow: /\nContent-Usage: / train-ai=n\n")
    usage = policy.content_usage("AnyBot", "/some/page")
    assert usage is not None and usage.get("train-ai") == "disallowed"
    assert prefs("train-ai=n")["train-ai"] == "disallowed"  # the HTTP header form


def test_rules_with_identical_paths_combine_most_restrictively() -> None:
    body = b"User-Agent: *\nContent-Usage: /a/ train-ai=y\nContent-Usage: /a/ train-ai=n\n"
    usage = parse_robots(body).content_usage("x", "/a/b")
    assert usage is not None and usage.get("train-ai") == "disallowed"


def test_rule_order_carries_no_meaning_and_rules_may_interleave() -> None:
    a = b"User-Agent: *\nContent-Usage: /a/ train-ai=y\nDisallow: /z\nContent-Usage: / train-ai=n\n"
    b = b"User-Agent: *\nContent-Usage: / train-ai=n\nDisallow: /z\nContent-Usage: /a/ train-ai=y\n"
    for body in (a, b):
        policy = parse_robots(body)
        assert policy.content_usage("x", "/a/1").get("train-ai") == "allowed"  # type: ignore[union-attr]
        assert policy.content_usage("x", "/b").get("train-ai") == "disallowed"  # type: ignore[union-attr]
        assert policy.allowed("x", "/z") is False  # a Content-Usage line does not end the group


def test_spaces_in_paths_must_be_encoded_and_comments_end_the_value() -> None:
    rule = parse_usage_rule("/a%20b/ train-ai=n")
    assert rule.path == "/a%20b/" and rule.preference.get("train-ai") == "disallowed"
    policy = parse_robots(b"User-Agent: *\nContent-Usage: / train-ai=n # and search=n\n")
    usage = policy.content_usage("x", "/p")
    assert usage is not None and usage.get("search") == "unknown"


def test_a_rule_without_a_path_applies_to_everything_and_is_noted() -> None:
    rule = parse_usage_rule("train-ai=n")
    assert rule.path == "/" and not rule.path_given
    assert any("no path" in n for n in rule.preference.notes)


def test_robots_content_usage_signals_are_scoped_to_the_group() -> None:
    policy = parse_robots(ATTACH_ROBOTS, url="https://example.com/robots.txt")
    signals = [s for s in robots_signals(policy, "/test") if s.standard == "content-usage"]
    by_agent = {(s.agent, s.verdict) for s in signals}
    assert (None, "reserved") in by_agent  # the * group: train-ai=n on /test
    assert ("ExampleBot", "not_reserved") in by_agent
    assert all(s.location.startswith("https://example.com/robots.txt#L") for s in signals)
    assert all(s.purpose == "genai_training" for s in signals)
    never = [s for s in robots_signals(policy, "/never/x") if s.standard == "content-usage"]
    assert all(s.agent == "ExampleBot" for s in never)  # nothing implied where crawling is barred


# ---- the Structured Field parser -----------------------------------------------------------


def test_sf_dictionary_value_types() -> None:
    members = parse_dictionary(
        'a=1, b=-2.5, c="x\\"y", d=tok/en:1, e=:aGk=:, f=?1, g=(1 2);p, h=@5'
    )
    assert members["a"][0] == 1
    assert members["b"][0] == -2.5
    assert members["c"][0] == 'x"y'
    assert isinstance(members["d"][0], Token) and members["d"][0] == "tok/en:1"
    assert members["e"][0] == b"hi"
    assert members["f"][0] is True
    assert isinstance(members["g"][0], InnerList) and members["g"][1] == {"p": True}
    assert members["h"][0] == 5
    assert parse_dictionary('s=%"caf%c3%a9"')["s"][0] == "caf\u00e9"


@pytest.mark.parametrize(
    "value",
    [
        "a=1,",
        "A=1",
        "a=1 b=2",
        "a=1.",
        "a=1234567890123456",
        'a="unterminated',
        "a=:@@:",
        "é=1",
        "a=(1",
        "a=?2",
        "a=1.2345",
        ", a=1",
    ],
)
def test_sf_invalid_dictionaries_raise(value: str) -> None:
    with pytest.raises(SFError):
        parse_dictionary(value)


@budget(400, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300)))
def test_any_value_never_raises(value: str | bytes) -> None:
    parsed = parse_content_usage(value)
    assert set(parsed.values.values()) <= {"allowed", "disallowed", "unknown"}
    content_usage_signals(parsed)
    parse_usage_rule(value.decode("latin-1") if isinstance(value, bytes) else value)


@budget(200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["train-ai", "ai-use", "search", "x"]),
        st.sampled_from(["y", "n", "?1", '"n"', "maybe"]),
        max_size=4,
    )
)
def test_round_trip_of_generated_dictionaries(items: dict[str, str]) -> None:
    value = ", ".join(f"{k}={v}" for k, v in items.items())
    parsed = parse_content_usage(value)
    for key, raw in items.items():
        if key == "x":
            continue
        expected = {"y": "allowed", "n": "disallowed"}.get(raw, "unknown")
        assert parsed.get(key) == expected
