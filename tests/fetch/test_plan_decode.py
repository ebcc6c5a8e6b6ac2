# SPDX-License-Identifier: Apache-2.0
"""Planning reads of robots.txt (Crawl-delay, License) and the capped decoder, on any bytes."""

from __future__ import annotations

import gzip
import zlib

from hypothesis import given
from hypothesis import strategies as st

from clearance.config import FetchConfig
from clearance.fetch.decode import decode_body
from clearance.fetch.plan import (
    crawl_delay,
    item_fallback,
    item_requests,
    origin_of,
    robots_references,
)


def test_crawl_delay_of_our_group_else_star() -> None:
    body = b"User-agent: *\nCrawl-delay: 5\n\nUser-agent: clearance\nCrawl-delay: 2\nDisallow:\n"
    assert crawl_delay(body, "clearance") == 2.0
    assert crawl_delay(body, "otherbot") == 5.0
    assert crawl_delay(b"User-agent: *\nCrawl-delay: soon\n", "x") is None
    assert crawl_delay(b"", "x") is None


def test_license_references_resolved_against_the_robots_url() -> None:
    body = b"User-agent: *\nAllow: /\nLicense: https://ex.com/license.xml\nLicense: /l2.xml\n"
    refs = robots_references(body, "https://ex.com/robots.txt")
    assert refs == ["https://ex.com/license.xml", "https://ex.com/l2.xml"]
    assert robots_references(b"User-agent: *\nDisallow: /\n", "https://ex.com/robots.txt") == []


def test_item_plan() -> None:
    cfg = FetchConfig()
    (media,) = item_requests("https://ex.com/a/photo.JPG?x=1", cfg)
    assert media.method == "GET" and ("Range", "bytes=0-65535") in media.headers
    (head,) = item_requests("https://ex.com/page", cfg)
    assert head.method == "HEAD"
    fallback = item_fallback(405, "http_4xx")
    assert fallback is not None and fallback.headers == (("Range", "bytes=0-0"),)
    assert item_fallback(200, "ok") is None
    assert origin_of("Example.com") == "https://example.com"
    assert origin_of("http://h.test:81/x/y") == "http://h.test:81"


@given(st.binary(max_size=4000), st.sampled_from(["clearance", "*", "GPTBot"]))
def test_planning_never_crashes_on_any_robots(body: bytes, token: str) -> None:
    delay = crawl_delay(body, token)
    assert delay is None or delay >= 0
    for ref in robots_references(body, "https://ex.com/robots.txt"):
        assert isinstance(ref, str)


@given(st.binary(max_size=2000), st.sampled_from(["gzip", "deflate", "br", "zstd", "x", None]))
def test_decoder_never_crashes_and_respects_the_cap(raw: bytes, coding: str | None) -> None:
    out = decode_body(raw, coding, 100, 100)
    assert len(out.body) <= 100


@given(st.binary(max_size=5000), st.integers(min_value=1, max_value=6000))
def test_decoder_roundtrip(data: bytes, cap: int) -> None:
    out = decode_body(gzip.compress(data), "gzip", cap, 10**9)
    assert out.body == data[:cap]
    assert out.truncated == (len(data) > cap)
    out = decode_body(zlib.compress(data), "deflate", cap, 10**9)
    assert out.body == data[:cap]


def test_bomb_detected_by_ratio() -> None:
    bomb = gzip.compress(bytes(20 * 2**20))
    out = decode_body(bomb, "gzip", 500 * 1024, 100)
    assert out.bomb and out.body == b""
    ok = decode_body(gzip.compress(bytes(1000)), "gzip", 500 * 1024, 100)
    assert not ok.bomb and ok.body == bytes(1000)
