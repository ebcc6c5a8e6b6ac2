# SPDX-License-Identifier: Apache-2.0
"""X-Robots-Tag and <meta name="robots">: noai, noimageai, noml, per-agent forms, hostile input."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from clearance.signals.html import parse_html
from clearance.signals.resolve import resolve
from clearance.signals.response import parse_saved_response
from clearance.signals.xrobots import parse_directives, robots_meta_signals, x_robots_tag_signals
from tests.fuzzing import budget


def by_purpose(signals):
    return {(s.purpose, s.agent): s.verdict for s in signals}


def test_example_1_noai_reserves_ai_for_all_agents() -> None:
    report = x_robots_tag_signals({"X-Robots-Tag": "noai"})
    got = by_purpose(report.signals)
    assert got == {
        ("ai_training", None): "reserved",
        ("genai_training", None): "reserved",
        ("ai_inference", None): "reserved",
    }
    assert report.signals[0].excerpt == "X-Robots-Tag: noai"


def test_example_2_noindex_is_search_only() -> None:
    report = x_robots_tag_signals({"x-robots-tag": "noindex"})
    assert by_purpose(report.signals) == {("search", None): "reserved"}
    assert resolve(report.signals)["ai_training"].verdict == "unknown"


def test_example_3_per_agent_form() -> None:
    report = x_robots_tag_signals([("X-Robots-Tag", "GPTBot: noai")])
    assert {s.agent for s in report.signals} == {"GPTBot"}
    assert resolve(report.signals, agent="gptbot")["ai_training"].verdict == "reserved"
    other = resolve(report.signals, agent="CCBot")["ai_training"]
    assert other.verdict == "unknown" and len(other.other_agents) == 1


def test_example_4_meta_is_case_insensitive() -> None:
    doc = parse_html(b'<html><head><META NAME="ROBOTS" CONTENT="NoImageAI"></head></html>')
    report = robots_meta_signals(doc)
    assert by_purpose(report.signals)[("ai_training", None)] == "reserved"
    assert any("images" in n for n in report.signals[0].notes)


def test_example_5_two_headers_combine_most_restrictive() -> None:
    headers = [("X-Robots-Tag", "all"), ("X-Robots-Tag", "noai")]
    result = resolve(x_robots_tag_signals(headers).signals)
    assert result["ai_training"].verdict == "reserved"
    assert result["search"].verdict == "not_reserved"


def test_example_6_noml_reserves_training_allows_search() -> None:
    doc = parse_html(b'<meta name="robots" content="noml">')
    result = resolve(robots_meta_signals(doc).signals)
    assert result["ai_training"].verdict == "reserved"
    assert result["genai_training"].verdict == "reserved"
    assert result["search"].verdict == "not_reserved"
    assert result["ai_inference"].verdict == "unknown"


def test_crawler_named_meta_is_agent_scoped() -> None:
    doc = parse_html(
        b'<meta name="GPTBot" content="noai, noimageai">'
        b'<meta name="description" content="noai art gallery">'
    )
    report = robots_meta_signals(doc)
    assert {s.agent for s in report.signals} == {"gptbot"}
    assert all(s.confidence < 1 for s in report.signals)


def test_agent_prefix_applies_to_the_rest_of_the_line_and_value_directives_are_not_agents() -> None:
    pairs, _ = parse_directives("googlebot: noindex, nofollow, unavailable_after: 25 Jun 2030")
    assert pairs == [
        ("googlebot", "noindex"),
        ("googlebot", "nofollow"),
        ("googlebot", "unavailable_after"),
    ]
    pairs, _ = parse_directives("max-snippet: 20, NOAI")
    assert pairs == [(None, "max-snippet"), (None, "noai")]


def test_noimageai_on_a_page_notes_what_it_binds() -> None:
    report = x_robots_tag_signals({"X-Robots-Tag": "noimageai"}, media_type="text/html")
    assert any("binds the images" in n for n in report.signals[0].notes)


def test_semicolon_separator_is_a_flagged_leniency() -> None:
    report = x_robots_tag_signals({"X-Robots-Tag": "noindex; noai"})
    assert by_purpose(report.signals)[("ai_training", None)] == "reserved"
    assert report.problems == 1 and report.signals[0].confidence < 1


def test_saved_response_with_redirect_and_folded_header() -> None:
    raw = (
        b"HTTP/1.1 301 Moved\r\nLocation: /b\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nX-Robots-Tag: noindex,\r\n noai\r\nContent-Type: image/png\r\n\r\n"
    )
    resp = parse_saved_response(raw)
    assert resp.status == 200 and resp.content_type == "image/png"
    report = x_robots_tag_signals(resp.headers)
    assert by_purpose(report.signals)[("ai_training", None)] == "reserved"


@budget(300, deadline=None)
@given(st.text(max_size=300))
def test_header_values_never_crash(value: str) -> None:
    report = x_robots_tag_signals({"X-Robots-Tag": value})
    assert all(s.verdict in ("reserved", "not_reserved") for s in report.signals)


@budget(150, deadline=None)
@given(st.binary(max_size=5000))
def test_html_and_saved_responses_never_crash(body: bytes) -> None:
    robots_meta_signals(parse_html(body))
    parse_saved_response(body)


def test_huge_and_malformed_html_is_bounded() -> None:
    body = b"<meta name=robots content=noai>" + b"<div" * 300_000 + b"<!--" * 1000
    doc = parse_html(body)
    assert robots_meta_signals(doc).signals
    huge = parse_html(b"<p>" + b"x" * (5 * 1024 * 1024))
    assert huge.problems >= 1
