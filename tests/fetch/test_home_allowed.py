# SPDX-License-Identifier: Apache-2.0
"""``home_allowed`` reads a cut-down body (``signals.robots.rules_for_root``): it must answer
for ``/`` exactly as the conformance-tested parser answers on the whole body, whatever the
file holds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from clearance.fetch.plan import home_allowed
from clearance.signals.robots import parse_robots, rules_for_root

TOKENS = ["clearancebot", "ClearanceBot/1.0", "*", "*clearancebot*", "otherbot", "Google"]
PATTERNS = ["/", "/*", "/$", "*", "*$", "", "/a", "/a/*", "/%2F", "/%2f$", "/$x", "*a", "/a b",
            "//", "/*/", "/ab#c", "/é", "/?", "*/", "/\x00"]
KEYS = ["Disallow", "disallow", "ALLOW", "Allow", "Dissallow", "Disalow", "Disallow ", " Allow",
        "DiSaLlOw", "\tallow", "Disallow\t", "dis allow", "disallowallow"]
OTHER = ["Sitemap: https://a.example/s.xml", "Crawl-delay: 5", "# only a comment", "",
         "Content-Usage: train-ai=n", "Disallow /", "Disallow /a", "garbage line", "  ",
         "Host: a.example", "\ufeffUser-agent: *"]

line = st.one_of(
    st.builds(lambda t: f"User-agent: {t}", st.sampled_from(TOKENS)),
    st.builds(lambda k, p, c: f"{k}:{p}{c}", st.sampled_from(KEYS), st.sampled_from(PATTERNS),
              st.sampled_from(["", " # why", "#x"])),
    st.builds(lambda k, p: f"{k}: {p}", st.sampled_from(KEYS), st.sampled_from(PATTERNS)),
    st.sampled_from(OTHER),
)
bodies = st.builds(
    lambda bom, lines, ends: bom + b"".join(
        text.encode("utf-8") + end for text, end in zip(lines, ends * len(lines), strict=False)),
    st.sampled_from([b"", b"\xef\xbb\xbf", b"\xef\xbb", b"\xef"]),
    st.lists(line, max_size=40),
    st.lists(st.sampled_from([b"\n", b"\r\n", b"\r"]), min_size=1, max_size=3),
)


@given(bodies, st.sampled_from(["clearancebot", "otherbot", "google"]))
def test_the_answer_for_root_is_the_parsers(body: bytes, token: str) -> None:
    assert home_allowed(body, 200, token) == parse_robots(body, status=200).allowed(token, "/")


@given(st.binary(max_size=600), st.sampled_from(["clearancebot", "otherbot"]))
def test_any_bytes(body: bytes, token: str) -> None:
    assert home_allowed(body, 200, token) == parse_robots(body, status=200).allowed(token, "/")


def test_a_large_file_is_cut_where_the_parser_cuts_it() -> None:
    head = b"User-agent: *\n" + b"".join(b"Disallow: /p%d\n" % i for i in range(60_000))
    for tail in (b"Disallow: /\n", b"Allow: /\n"):
        body = head + tail
        assert len(body) > 500 * 1024  # the rule past 500 KiB is not read by either
        assert home_allowed(body, 200, "x") == parse_robots(body, status=200).allowed("x", "/")
        assert len(rules_for_root(body)) < 100
    ok = b"User-agent: *\n" + b"".join(b"Disallow: /p%d\n" % i for i in range(20_000))
    assert home_allowed(ok + b"Disallow: /\n", 200, "x") is False
    assert home_allowed(ok + b"Disallow: /$\n", 200, "x") is False
    assert home_allowed(ok + b"Allow: /\n", 200, "x") is True


def test_statuses_are_read_as_before() -> None:
    assert home_allowed(b"User-agent: *\nDisallow: /\n", 404, "x") is True
    assert home_allowed(b"", 503, "x") is False
    assert home_allowed(b"", None, "x") is False
