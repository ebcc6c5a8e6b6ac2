# SPDX-License-Identifier: Apache-2.0
"""Spawning ai.txt: the generator's examples, agent groups, the name clash, hostile input."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from clearance.signals.aitxt import parse_ai_txt
from clearance.signals.resolve import resolve
from tests.fuzzing import budget

SPAWNING = b"""# Spawning AI
# Prevent datasets from using the following file types

User-Agent: *
Disallow: *.txt
Disallow: *.pdf
Disallow: *.jpg
Disallow: *.mp3
Disallow: *.py
"""


def verdict(parsed, path, agent=None):
    return resolve(parsed.evaluate(path, agent=agent).signals, agent=agent)["ai_training"].verdict


def test_generator_example_reserves_listed_types_only() -> None:
    parsed = parse_ai_txt(SPAWNING, url="https://example.com/ai.txt")
    assert verdict(parsed, "https://example.com/a/b.jpg") == "reserved"
    assert verdict(parsed, "/docs/paper.pdf") == "reserved"
    assert verdict(parsed, "/img/photo.png") == "unknown"
    assert parsed.problems == 0


def test_png_example() -> None:
    parsed = parse_ai_txt(b"User-Agent: *\nDisallow: *.png\n")
    assert verdict(parsed, "/img/a.png") == "reserved"
    assert verdict(parsed, "/doc.pdf") == "unknown"


def test_everything_disallowed() -> None:
    parsed = parse_ai_txt(b"User-Agent: *\nDisallow: /\nDisallow: *\n")
    for path in ("/", "/a.jpg", "/x/y/z.html"):
        assert verdict(parsed, path) == "reserved"


def test_allow_opts_in_and_wins_ties_and_longest_match_wins() -> None:
    parsed = parse_ai_txt(
        b"User-Agent: *\nDisallow: /\nAllow: /public/\nDisallow: /public/x\n"
        b"Allow: /same\nDisallow: /same\n"
    )
    assert verdict(parsed, "/public/a.jpg") == "not_reserved"
    assert verdict(parsed, "/public/x.jpg") == "reserved"
    assert verdict(parsed, "/same") == "not_reserved"


def test_agent_group_replaces_star_group() -> None:
    parsed = parse_ai_txt(b"User-Agent: *\nDisallow: /\n\nUser-Agent: FriendlyBot\nAllow: /\n")
    assert verdict(parsed, "/a.jpg") == "reserved"
    assert verdict(parsed, "/a.jpg", agent="friendlybot") == "not_reserved"


def test_markdown_ai_txt_is_not_an_opt_out() -> None:
    parsed = parse_ai_txt(b"# About this site\n\nThis site sells shoes. Contact us at x@y.\n")
    assert parsed.evaluate("/").signals == ()
    assert any("not a Spawning ai.txt" in n for n in parsed.notes)


def test_rules_before_user_agent_are_read_as_star_with_a_note() -> None:
    parsed = parse_ai_txt(b"Disallow: *.jpg\n")
    signals = parsed.evaluate("/a.jpg").signals
    assert signals and signals[0].confidence < 1 and parsed.problems == 1


def test_listing_shows_every_rule() -> None:
    report = parse_ai_txt(SPAWNING).listing()
    assert {s.excerpt for s in report.signals} == {
        "Disallow: *.txt",
        "Disallow: *.pdf",
        "Disallow: *.jpg",
        "Disallow: *.mp3",
        "Disallow: *.py",
    }


@budget(200, deadline=None)
@given(st.binary(max_size=4000), st.text(max_size=50))
def test_never_crashes(body: bytes, path: str) -> None:
    parse_ai_txt(body).evaluate("/" + path)


def test_huge_file_is_cut() -> None:
    parsed = parse_ai_txt(b"User-Agent: *\n" + b"Disallow: /a*b*c*d\n" * 100_000)
    assert parsed.problems >= 1
    assert verdict(parsed, "/abcd") == "reserved"
