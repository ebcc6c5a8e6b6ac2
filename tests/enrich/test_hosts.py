# SPDX-License-Identifier: Apache-2.0
"""Hosts and registrable domains: the PSL's own test vectors, URL shapes, hostile input."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance.enrich.hosts import host_parts, raw_host_expr, split_url_host
from clearance.enrich.psl import default_psl

DATA = Path(__file__).parent / "data"
_CHECK = re.compile(r"^checkPublicSuffix\((null|'[^']*'), (null|'[^']*')\);", re.MULTILINE)


def _vectors() -> list[tuple[str | None, str | None]]:
    text = (DATA / "psl_tests.txt").read_text(encoding="utf-8")
    out = []
    for a, b in _CHECK.findall(text):
        out.append((None if a == "null" else a[1:-1], None if b == "null" else b[1:-1]))
    return out


VECTORS = _vectors()


def test_psl_vectors_loaded() -> None:
    assert len(VECTORS) >= 70
    assert default_psl().version != "unknown"


@pytest.mark.parametrize(("domain", "expected"), VECTORS)
def test_official_psl_vectors(domain: str | None, expected: str | None) -> None:
    """The checkPublicSuffix vectors published with the list (public domain)."""
    if domain is None:
        return
    parts = host_parts(domain)
    got = parts.registrable_domain
    if expected is not None and not expected.isascii():
        expected = host_parts(expected).host
    if domain.startswith("."):
        assert got is None
    else:
        assert got == expected, domain


@pytest.mark.parametrize(
    ("url", "host", "registrable"),
    [
        ("https://pbs.twimg.com/media/Fx1.jpg", "pbs.twimg.com", "twimg.com"),
        ("http://user:pw@WWW.Example.CO.UK:8080/a?b#c", "www.example.co.uk", "example.co.uk"),
        ("//cdn.example.com/x.png", "cdn.example.com", "example.com"),
        ("https://alice.github.io/post", "alice.github.io", "alice.github.io"),
        ("https://bücher.example.de/x", "xn--bcher-kva.example.de", "example.de"),
        ("https://例え.テスト/", "xn--r8jz45g.xn--zckzah", "xn--r8jz45g.xn--zckzah"),
        ("http://192.168.0.1:80/a", "192.168.0.1", "192.168.0.1"),
        ("http://[2001:DB8::1]:443/a", "2001:db8::1", "2001:db8::1"),
        ("https://example.com./a", "example.com", "example.com"),
        ("https://a.b.c.kawasaki.jp/", "a.b.c.kawasaki.jp", "b.c.kawasaki.jp"),
        ("https://city.kawasaki.jp/", "city.kawasaki.jp", "city.kawasaki.jp"),
        ("https://co.uk/", "co.uk", None),
        ("https://exa mple.com/", None, None),
        ("http:///nohost", None, None),
        ("not a url", None, None),
        ("https://a..b.com/", None, None),
    ],
)
def test_url_shapes(url: str, host: str | None, registrable: str | None) -> None:
    parts = split_url_host(url)
    assert (parts.host, parts.registrable_domain) == (host, registrable)


def test_vectorised_extraction_agrees_with_the_scalar_path() -> None:
    urls = ["https://u@h.example.org:1/x", "//x.y.z/", "ftp://files.example.net/a", None, "junk"]
    raw = pl.DataFrame({"u": urls}).select(raw_host_expr(pl.col("u"))).to_series().to_list()
    assert raw == ["u@h.example.org:1", "x.y.z", "files.example.net", None, None]


@given(st.text(max_size=300))
def test_host_parts_never_raises(text: str) -> None:
    parts = host_parts(text)
    if parts.host is not None:
        assert parts.host.isascii()
        assert parts.host == parts.host.lower()
    split_url_host(text)
    split_url_host("https://" + text)
