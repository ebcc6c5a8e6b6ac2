# SPDX-License-Identifier: Apache-2.0
"""Where RFC 9309 and Google's reference parser differ: both behaviours, and the leniencies
both read (flagged here, silent in Google's parser)."""

from __future__ import annotations

import pytest

from clearance.signals.robots import RobotsPolicy, parse_robots


def both(body: bytes) -> tuple[RobotsPolicy, RobotsPolicy]:
    return parse_robots(body), parse_robots(body, google_compat=True)


def test_robots_txt_is_implicitly_allowed_only_by_the_rfc() -> None:
    rfc, google = both(b"User-agent: *\nDisallow: /\n")
    assert rfc.allowed("x", "/robots.txt") is True
    assert google.allowed("x", "/robots.txt") is False


def test_escapes_of_unreserved_characters() -> None:
    rfc, google = both(b"User-agent: *\nDisallow: /foo/bar/%62%61%7A\n")
    assert rfc.allowed("x", "/foo/bar/baz") is False
    assert google.allowed("x", "/foo/bar/baz") is True
    assert google.allowed("x", "/foo/bar/%62%61%7A") is False


def test_lower_case_escapes_in_urls() -> None:
    rfc, google = both("User-agent: *\nDisallow: /café\n".encode())
    assert rfc.allowed("x", "/caf%c3%a9") is False
    assert google.allowed("x", "/caf%c3%a9") is True
    assert google.allowed("x", "/caf%C3%A9") is False


def test_escaped_query_data() -> None:
    rfc, google = both(b"User-agent: *\nDisallow: /r?u=https://a.example/\n")
    url = "/r?u=https%3A%2F%2Fa.example%2F"
    assert rfc.allowed("x", url) is False
    assert google.allowed("x", url) is True


def test_index_html_allows_the_directory_only_for_google() -> None:
    body = b"User-agent: *\nDisallow: /dir/\nAllow: /dir/index.html\n"
    rfc, google = both(body)
    assert rfc.allowed("x", "/dir/") is False
    assert google.allowed("x", "/dir/") is True
    assert google.allowed("x", "/dir/other") is False
    for policy in (rfc, google):
        assert policy.allowed("x", "/dir/index.html") is True


def test_keys_matched_by_prefix_only_for_google() -> None:
    rfc, google = both(b"User-agent: *\nDisallowed: /a\n")
    assert rfc.allowed("x", "/a") is True
    assert google.allowed("x", "/a") is False


def test_digits_in_product_tokens() -> None:
    rfc, google = both(b"User-agent: img2dataset\nDisallow: /\n")
    assert rfc.allowed("img2dataset", "/p") is False
    assert rfc.allowed("img", "/p") is True
    # Google reads the token as "img": the line then names the "img" crawler
    assert google.allowed("img", "/p") is False


def test_line_length_cut_only_for_google() -> None:
    long_path = "/" + "a" * 20_000
    body = f"User-agent: *\nDisallow: {long_path}\n".encode()
    rfc, google = both(body)
    assert rfc.allowed("x", long_path + "b") is False
    assert rfc.allowed("x", "/" + "a" * 17_000) is True
    # Google kept 16,664 bytes of the line: the shorter pattern now matches
    assert google.allowed("x", "/" + "a" * 17_000) is False
    assert any(n.code == "line-cut" for n in google.notes)


@pytest.mark.parametrize("google_compat", [False, True])
@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"User-agent: *\nDisallow /private\n", "missing-colon"),
        (b"useragent: *\nDisallow: /private\n", "key-typo"),
        (b"user agent: *\nDisallow: /private\n", "key-typo"),
        (b"User-agent: *\ndissallow: /private\n", "key-typo"),
        (b"User-agent: *\ndisalow: /private\n", "key-typo"),
        (b"User-agent: x/1.0\nDisallow: /private\n", "ua-nonstandard"),
    ],
)
def test_leniencies_both_modes_read_and_we_flag(
    body: bytes, code: str, google_compat: bool
) -> None:
    policy = parse_robots(body, google_compat=google_compat)
    assert policy.allowed("x", "/private") is False
    assert any(n.code == code for n in policy.notes)
    assert policy.lenient_lines
    assert policy.confidence < 1.0


def test_versioned_user_agent_values_name_the_token() -> None:
    rfc, google = both(
        b"User-agent: Googlebot/2.1 (+http://www.google.com/bot.html)\nDisallow: /\n"
    )
    for policy in (rfc, google):
        assert policy.allowed("Googlebot", "/a") is False
        assert policy.allowed("Googlebot-Image", "/a") is True


def test_a_global_group_with_trailing_text() -> None:
    rfc, google = both(b"User-agent: * (all robots)\nDisallow: /a\n")
    for policy in (rfc, google):
        assert policy.group_key("anybot") == "*"
        assert policy.allowed("anybot", "/a") is False


def test_star_followed_by_other_text() -> None:
    rfc, google = both(b"User-agent: */1.0\nDisallow: /a\n\nUser-agent: *OrkashBot*\nDisallow: /\n")
    assert rfc.group_key("anybot") == "*" and rfc.allowed("anybot", "/a") is False
    assert rfc.allowed("OrkashBot", "/b") is False  # the name between asterisks, flagged
    assert google.group_key("anybot") is None  # Google: neither line names a token
    assert google.allowed("OrkashBot", "/b") is True


def test_a_user_agent_line_after_another_record() -> None:
    body = b"User-agent: *\nCrawl-delay: 120\n\nUser-agent: 008\nDisallow: /\n"
    rfc, google = both(body)
    # RFC 9309 §2.2.4: the Crawl-delay record must not end the group, so "*" shares the rule
    assert rfc.allowed("anybot", "/a") is False
    assert any(n.code == "ua-after-record" for n in rfc.notes)
    # google/robotstxt starts a new group after any record: "*" has no rules
    assert google.allowed("anybot", "/a") is True
