# SPDX-License-Identifier: Apache-2.0
"""Every example of RFC 9309 (and the behaviours its text requires), section by section."""

from __future__ import annotations

import pytest

from clearance import robots_allowed
from clearance.signals.robots import parse_robots
from clearance.signals.robots.parse import MAX_BYTES
from clearance.signals.robots.paths import extract_path, normalize_path, normalize_pattern

# RFC 9309 §5.1, verbatim (the "EOF" of the figure marks the end of the file).
SIMPLE = b"""User-Agent: *
Disallow: *.gif$
Disallow: /example/
Allow: /publications/

User-Agent: foobot
Disallow:/
Allow:/example/page.html
Allow:/example/allowed.gif

User-Agent: barbot
User-Agent: bazbot
Disallow: /example/page.html

User-Agent: quxbot
"""


@pytest.mark.parametrize(
    ("agent", "path", "allowed"),
    [
        # "*": /publications/ allowed; /example/ and every .gif disallowed
        ("otherbot", "/publications/x", True),
        ("otherbot", "/example/x", False),
        ("otherbot", "/images/cat.gif", False),
        ("otherbot", "/cat.gif?size=2", True),  # "$" anchors the end of the path
        ("otherbot", "/other", True),
        # foobot: only /example/page.html and /example/allowed.gif (no space after ":" is fine)
        ("foobot", "/example/page.html", True),
        ("foobot", "/example/allowed.gif", True),
        ("foobot", "/example/other.html", False),
        ("foobot", "/", False),
        # barbot and bazbot share a group: /example/page.html prefix disallowed, rest allowed
        ("barbot", "/example/page.html", False),
        ("bazbot", "/example/page.html?x=1", False),
        ("barbot", "/example/other", True),
        ("bazbot", "/cat.gif", True),  # the "*" group does not apply to them
        # quxbot: an empty last group allows everything
        ("quxbot", "/example/x", True),
        ("quxbot", "/cat.gif", True),
    ],
)
def test_section_5_1_simple_example(agent: str, path: str, allowed: bool) -> None:
    assert parse_robots(SIMPLE).allowed(agent, path) is allowed


def test_section_5_2_longest_match() -> None:
    body = b"User-Agent: foobot\nAllow: /example/page/\nDisallow: /example/page/disallowed.gif\n"
    policy = parse_robots(body)
    assert policy.allowed("foobot", "/example/page/disallowed.gif") is False
    assert policy.allowed("foobot", "/example/page/other.gif") is True
    rule = policy.explain("foobot", "/example/page/disallowed.gif").rule
    assert rule is not None and rule.line == 3


def test_figure_1_the_product_token_is_what_a_crawler_is_matched_by() -> None:
    # the crawler sending "Mozilla/5.0 (compatible; ExampleBot/0.1; ...)" obeys "ExampleBot"
    policy = parse_robots(b"user-agent: ExampleBot\ndisallow: /\n")
    assert policy.allowed("ExampleBot", "/a") is False
    # callers pass the product token; the header string names another token ("mozilla")
    header = "Mozilla/5.0 (compatible; ExampleBot/0.1; https://www.example.com/bot.html)"
    assert policy.allowed(header, "/a") is True


def test_figure_2_groups_for_the_same_token_are_merged() -> None:
    body = (
        b"user-agent: ExampleBot\ndisallow: /foo\ndisallow: /bar\n\n"
        b"user-agent: ExampleBot\ndisallow: /baz\n"
    )
    policy = parse_robots(body)
    for path in ("/foo", "/bar", "/baz"):
        assert policy.allowed("ExampleBot", path) is False
    assert policy.allowed("ExampleBot", "/qux") is True
    assert len(policy.rules_for("examplebot")) == 3


def test_figure_3_the_star_group_when_no_group_matches() -> None:
    body = b"user-agent: *\ndisallow: /foo\ndisallow: /bar\n\nuser-agent: BazBot\ndisallow: /baz\n"
    policy = parse_robots(body)
    assert policy.allowed("ExampleBot", "/foo") is False
    assert policy.allowed("ExampleBot", "/bar") is False
    assert policy.allowed("ExampleBot", "/baz") is True  # BazBot's group is not ExampleBot's
    assert policy.group_key("ExampleBot") == "*"


def test_section_2_2_1_no_matching_group_and_no_star_means_no_rules() -> None:
    policy = parse_robots(b"User-agent: GPTBot\nDisallow: /\n")
    assert policy.allowed("ClaudeBot", "/a") is True
    assert policy.group_key("ClaudeBot") is None
    assert parse_robots(b"").allowed("anybot", "/x") is True  # no groups at all


def test_section_2_2_1_matching_is_case_insensitive_and_never_a_substring() -> None:
    policy = parse_robots(b"User-agent: gptbot\nDisallow: /\n\nUser-agent: bot\nDisallow: /b\n")
    assert policy.allowed("GPTBot", "/x") is False
    assert policy.allowed("GPTBOT", "/x") is False
    assert policy.allowed("mybot", "/b") is True  # "bot" is not "mybot"
    assert policy.allowed("GPTBot-Extra", "/x") is True  # nor is "gptbot" "gptbot-extra"


def test_section_2_2_1_specific_group_replaces_star() -> None:
    body = b"User-agent: *\nDisallow: /x/\n\nUser-agent: FooBot\nDisallow: /y/\n"
    policy = parse_robots(body)
    assert policy.allowed("FooBot", "/x/page") is True
    assert policy.allowed("FooBot", "/y/page") is False


def test_section_2_2_2_allow_wins_when_equivalent() -> None:
    policy = parse_robots(b"user-agent: FooBot\ndisallow: /\nallow: /\n")
    assert policy.allowed("FooBot", "/x") is True
    policy = parse_robots(b"user-agent: FooBot\nallow: /page\ndisallow: /page\n")
    assert policy.allowed("FooBot", "/page") is True


def test_section_2_2_2_longest_pattern_counts_wildcards_as_octets() -> None:
    # "/*.html" has 7 octets, "/page" 5: the disallow is the more specific match
    policy = parse_robots(b"user-agent: FooBot\nallow: /page\ndisallow: /*.html\n")
    assert policy.allowed("FooBot", "/page.html") is False
    assert policy.allowed("FooBot", "/page") is True


def test_section_2_2_2_matching_is_case_sensitive_and_starts_at_the_first_octet() -> None:
    policy = parse_robots(b"user-agent: *\ndisallow: /Private\n")
    assert policy.allowed("x", "/private") is True
    assert policy.allowed("x", "/Private/a") is False
    assert policy.allowed("x", "/a/Private") is True


def test_section_2_2_2_empty_disallow_and_no_rules_allow_everything() -> None:
    policy = parse_robots(b"user-agent: *\ndisallow:\n")
    assert policy.allowed("x", "/anything") is True
    assert policy.rules_for("x") == ()


def test_section_2_2_2_robots_txt_is_implicitly_allowed() -> None:
    policy = parse_robots(b"user-agent: *\ndisallow: /\n")
    assert policy.allowed("x", "/robots.txt") is True
    assert policy.allowed("x", "https://example.com/robots.txt") is True
    assert policy.allowed("x", "/robots.txt.bak") is False


def test_section_2_2_2_rules_outside_any_group_are_ignored() -> None:
    policy = parse_robots(b"Disallow: /\nUser-agent: *\nDisallow: /private\n")
    assert policy.allowed("x", "/public") is True
    assert any(n.code == "rule-outside-group" and n.line == 1 for n in policy.notes)


@pytest.mark.parametrize(
    ("path", "encoded", "to_match"),
    [
        # RFC 9309 Figure 4, row by row: path, encoded path, path to match
        ("/foo/bar?baz=quz", "/foo/bar?baz=quz", "/foo/bar?baz=quz"),
        (
            "/foo/bar?baz=https://foo.bar",
            "/foo/bar?baz=https%3A%2F%2Ffoo.bar",
            "/foo/bar?baz=https%3A%2F%2Ffoo.bar",
        ),
        ("/foo/bar/\u30c4", "/foo/bar/%E3%83%84", "/foo/bar/%E3%83%84"),
        ("/foo/bar/%E3%83%84", "/foo/bar/%E3%83%84", "/foo/bar/%E3%83%84"),
        ("/foo/bar/%62%61%7A", "/foo/bar/%62%61%7A", "/foo/bar/baz"),
    ],
)
def test_figure_4_percent_encoding_of_paths(path: str, encoded: str, to_match: str) -> None:
    # every spelling of a row normalises to one string, for URLs and for patterns alike
    forms = {normalize_path(p) for p in (path, encoded, to_match)}
    forms |= {normalize_pattern(p) for p in (path, encoded, to_match)}
    assert len(forms) == 1
    if "?" not in path:  # outside a query our canonical form is the figure's last column
        assert forms == {to_match}
    # a rule written in any spelling matches a URL written in any spelling
    for rule in (path, encoded, to_match):
        for url in (path, encoded, to_match):
            policy = parse_robots(f"user-agent: *\ndisallow: {rule}$\n".encode())
            assert policy.allowed("x", url) is False, (rule, url)


def test_escaped_reserved_characters_differ_from_literal_ones_in_the_path() -> None:
    # RFC 3986 §2.2: "/" and "%2F" are not the same in a path ...
    assert normalize_path("/a%2Fb") != normalize_path("/a/b")
    policy = parse_robots(b"user-agent: *\ndisallow: /a/b\n")
    assert policy.allowed("x", "/a%2Fb") is True
    # ... while lower-case hex digits are only a spelling
    assert normalize_path("/a%2fb") == normalize_path("/a%2Fb") == "/a%2Fb"


def test_figure_5_special_characters() -> None:
    policy = parse_robots(
        b"user-agent: *\n"
        b"# comment on its own line\n"
        b"disallow: / # comment in line\n"
        b"allow: /this/path/exactly$\n"
        b"allow: /this/*/exactly\n"
    )
    assert policy.allowed("x", "/this/path/exactly") is True
    assert policy.allowed("x", "/this/path/exact") is False
    assert policy.allowed("x", "/this/any/thing/exactly/yes") is True  # "*" spans "/"
    assert policy.allowed("x", "/this/exactly") is False
    anchored = parse_robots(b"user-agent: *\ndisallow: /\nallow: /this/path/exactly$\n")
    assert anchored.allowed("x", "/this/path/exactly") is True
    assert anchored.allowed("x", "/this/path/exactly/not") is False
    assert [c.text for c in policy.comments] == ["comment on its own line", "comment in line"]


def test_figure_6_percent_encoded_special_characters_match_literally() -> None:
    policy = parse_robots(
        b"user-agent: *\ndisallow: /path/file-with-a-%2A.html\ndisallow: /path/foo-%24\n"
    )
    assert policy.allowed("x", "https://www.example.com/path/file-with-a-*.html") is False
    assert policy.allowed("x", "https://www.example.com/path/file-with-a-b.html") is True
    assert policy.allowed("x", "https://www.example.com/path/foo-$") is False
    assert policy.allowed("x", "https://www.example.com/path/foo-") is True


def test_section_2_2_4_other_records_do_not_end_a_group() -> None:
    body = b"User-agent: a\nSitemap: https://x/s.xml\nUser-agent: b\nDisallow: /p\n"
    policy = parse_robots(body)
    assert policy.allowed("a", "/p") is False
    assert policy.allowed("b", "/p") is False
    assert policy.sitemaps == ("https://x/s.xml",)
    # flagged, because Google's reference parser starts a new group there
    assert [n.code for n in policy.notes] == ["ua-after-record"]


def test_section_2_2_group_ends_only_at_a_user_agent_line_after_rules() -> None:
    # empty lines do not end a group
    policy = parse_robots(b"User-agent: a\n\nDisallow: /p\n\n\nDisallow: /q\n")
    assert policy.allowed("a", "/q") is False


def test_section_2_2_keys_are_case_insensitive() -> None:
    policy = parse_robots(b"USER-AGENT: A\nDISALLOW: /p\nAllow: /p/q\n")
    assert policy.allowed("a", "/p") is False
    assert policy.allowed("a", "/p/q") is True


@pytest.mark.parametrize(
    ("status", "redirects", "allowed", "state"),
    [
        (200, 0, False, "parsed"),  # §2.3.1.1 successful access: the rules apply
        (204, 0, False, "parsed"),
        (200, 5, False, "parsed"),  # §2.3.1.2 up to five redirects followed
        (200, 6, True, "unavailable"),  # §2.3.1.2 more than five: MAY be unavailable
        (404, 0, True, "unavailable"),  # §2.3.1.3 4xx: any resource may be accessed
        (401, 0, True, "unavailable"),
        (403, 0, True, "unavailable"),
        (429, 0, False, "unreachable"),  # not shown: read as Google reads it (see docs)
        (500, 0, False, "unreachable"),  # §2.3.1.4 5xx: complete disallow
        (503, 0, False, "unreachable"),
        (None, 0, False, "unreachable"),  # network error: complete disallow
        (301, 0, True, "unavailable"),  # a redirect that was not followed
    ],
)
def test_section_2_3_1_access_results(
    status: int | None, redirects: int, allowed: bool, state: str
) -> None:
    policy = parse_robots(b"User-agent: *\nDisallow: /\n", status=status, redirects=redirects)
    assert policy.state == state
    assert policy.allowed("anybot", "/page") is allowed
    assert policy.reason  # the reason is recorded


def test_section_2_5_parse_limit_is_500_kib() -> None:
    assert MAX_BYTES == 500 * 1024
    head = b"User-agent: *\nDisallow: /early\n"
    filler = b"#" + b"x" * (MAX_BYTES - len(head) - 2) + b"\n"
    body = head + filler + b"Disallow: /late\n"
    policy = parse_robots(body)
    assert policy.truncated
    assert policy.allowed("x", "/early") is False
    assert policy.allowed("x", "/late") is True  # beyond the limit: ignored
    assert any(n.code == "truncated" for n in policy.notes)


def test_line_endings_cr_lf_and_crlf() -> None:
    for sep in (b"\n", b"\r", b"\r\n"):
        policy = parse_robots(sep.join([b"User-agent: *", b"Disallow: /a", b"Disallow: /b"]))
        assert policy.allowed("x", "/b") is False


def test_robots_allowed_is_the_200_verdict() -> None:
    body = "User-agent: GPTBot\nDisallow: /\n"
    assert robots_allowed(body, "GPTBot", "https://example.com/page") is False
    assert robots_allowed(body.encode(), "CCBot", "https://example.com/page") is True
    assert robots_allowed(SIMPLE, "foobot", "https://example.com/example/page.html") is True


def test_paths_are_taken_from_urls_without_fragment() -> None:
    assert extract_path("https://example.com") == "/"
    assert extract_path("https://example.com?q=1") == "/?q=1"
    assert extract_path("https://example.com/a/b?q=1#frag") == "/a/b?q=1"
    assert extract_path("//example.com/a") == "/a"
    assert extract_path("/a#b") == "/a"
    assert extract_path("page.html") == "/page.html"
