# SPDX-License-Identifier: Apache-2.0
"""Cloudflare Content Signals: the policy examples, the managed robots.txt, bad values."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from clearance.signals.content_signal import content_signal_signals, parse_content_signal
from clearance.signals.robots import parse_robots
from clearance.signals.robots.verdicts import robots_signals
from tests.fuzzing import budget


def verdicts(policy_body: bytes, agent: str | None = None) -> dict[str, str]:
    policy = parse_robots(policy_body, url="https://example.com/robots.txt")
    out = {}
    for s in robots_signals(policy, "/"):
        if s.standard == "content-signal" and s.agent == agent:
            out[s.purpose] = s.verdict
    return out


def test_example_search_yes_ai_train_no() -> None:
    body = b"User-Agent: *\nContent-Signal: search=yes, ai-train=no\nAllow: /\n"
    assert verdicts(body) == {
        "search": "not_reserved",
        "ai_training": "reserved",
        "genai_training": "reserved",
    }  # ai-input: neither granted nor restricted, so no signal (unknown)
    assert parse_robots(body).allowed("GPTBot", "/page") is True  # signals do not block crawling


def test_contentsignals_org_sample_all_three() -> None:
    body = b"User-Agent: *\nContent-Signal: ai-train=no, search=yes, ai-input=yes\nAllow: /\n"
    assert verdicts(body) == {
        "search": "not_reserved",
        "ai_inference": "not_reserved",
        "ai_training": "reserved",
        "genai_training": "reserved",
    }


def test_group_selection_follows_rfc_9309() -> None:
    body = b"User-agent: GPTBot\nContent-Signal: ai-train=no\nAllow: /\n"
    policy = parse_robots(body)
    assert policy.content_signals("ClaudeBot") == ()  # a different group, and no "*" group
    assert len(policy.content_signals("GPTBot")) == 1
    assert verdicts(body, agent="GPTBot")["ai_training"] == "reserved"


CLOUDFLARE_MANAGED = b"""# As a condition of accessing this website, you agree to abide by the
# following content signals:
# ANY RESTRICTIONS EXPRESSED VIA CONTENT SIGNALS ARE EXPRESS RESERVATIONS OF
# RIGHTS UNDER ARTICLE 4 OF THE EUROPEAN UNION DIRECTIVE 2019/790 ON COPYRIGHT
# AND RELATED RIGHTS IN THE DIGITAL SINGLE MARKET.

# BEGIN Cloudflare Managed content

User-agent: *
Content-Signal: search=yes,ai-train=no,use=reference
Allow: /

User-agent: Amazonbot
Disallow: /

User-agent: GPTBot
Disallow: /

# END Cloudflare Managed Content

User-agent: *
Disallow: /lp
"""


def test_cloudflare_managed_block_merges_with_the_sites_own_star_group() -> None:
    policy = parse_robots(CLOUDFLARE_MANAGED)
    assert policy.allowed("SomeBot", "/lp/offer") is False  # merged "*" group
    assert policy.allowed("SomeBot", "/news") is True
    assert policy.allowed("GPTBot", "/news") is False
    got = verdicts(CLOUDFLARE_MANAGED)
    assert got["ai_training"] == "reserved" and got["search"] == "not_reserved"
    signal = next(s for s in robots_signals(policy, "/") if s.standard == "content-signal")
    assert any("use=reference" in n for n in signal.notes)  # the newer key is kept verbatim
    assert signal.location.endswith("#L10")


def test_invalid_value_is_unknown_and_noted() -> None:
    parsed = parse_content_signal("ai-train=maybe, search=yes")
    assert parsed.values == {"search": True}
    assert any("maybe" in p for p in parsed.problems)
    signals = content_signal_signals(parsed, location="robots.txt#L2")
    assert {s.purpose for s in signals} == {"search"}
    assert all(s.confidence < 1.0 for s in signals)


def test_keys_and_values_are_case_insensitive_and_key_is_too() -> None:
    body = b"User-Agent: *\nCONTENT-SIGNAL: AI-Train=No\n"
    assert verdicts(body)["ai_training"] == "reserved"


def test_a_leading_path_is_accepted_and_noted() -> None:
    parsed = parse_content_signal("/blog/ ai-train=no")
    assert parsed.path == "/blog/" and parsed.values == {"ai-train": False}
    assert parsed.problems


def test_a_content_signal_line_does_not_change_the_grouping() -> None:
    # like any record RFC 9309 does not define (§2.2.4), it must not end or split a group
    body = b"User-agent: a\nContent-Signal: ai-train=no\nUser-agent: b\nDisallow: /x\n"
    policy = parse_robots(body)
    assert policy.allowed("a", "/x") is False
    assert policy.allowed("b", "/x") is False
    assert len(policy.content_signals("b")) == 1
    # Content-Usage, which extends the RFC's rule, does end the user-agent run
    body = b"User-agent: a\nContent-Usage: / train-ai=n\nUser-agent: b\nDisallow: /x\n"
    assert parse_robots(body).allowed("a", "/x") is True


@budget(300, deadline=None)
@given(st.text(max_size=200))
def test_any_value_never_raises(value: str) -> None:
    parsed = parse_content_signal(value)
    content_signal_signals(parsed, location="x")
