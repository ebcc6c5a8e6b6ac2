# SPDX-License-Identifier: Apache-2.0
"""Snapshot reader: closest capture at or before a date, redirects, revisits, hostile input."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from clearance.errors import EvidenceError
from clearance.fetch import Snapshot
from clearance.fetch.snapshot import host_key
from tests.fuzzing import budget


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _crawl_like_warc(path: Path) -> None:
    """Write a robots.txt WARC the way a large crawler does: request, response, metadata."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        captures = [
            (
                "http://example.com/robots.txt",
                "2024-01-10T08:00:00Z",
                200,
                [("Content-Type", "text/plain")],
                b"User-agent: *\nDisallow: /old/\n",
            ),
            (
                "http://example.com/robots.txt",
                "2024-06-10T08:00:00Z",
                200,
                [("Content-Type", "text/plain")],
                b"User-agent: GPTBot\nDisallow: /\n",
            ),
            (
                "https://redir.example.org/robots.txt",
                "2024-03-01T00:00:00Z",
                301,
                [("Location", "https://www.redir.example.org/robots.txt")],
                b"",
            ),
            (
                "https://www.redir.example.org/robots.txt",
                "2024-03-01T00:00:01Z",
                200,
                [("Content-Type", "text/plain")],
                b"User-agent: CCBot\nDisallow: /\n",
            ),
            (
                "http://gz.example.net/robots.txt",
                "2024-02-01T00:00:00Z",
                200,
                [("Content-Encoding", "gzip")],
                gzip.compress(b"User-agent: *\nAllow: /\n"),
            ),
            (
                "http://loop.example.net/robots.txt",
                "2024-02-01T00:00:00Z",
                302,
                [("Location", "/robots.txt")],
                b"",
            ),
        ]
        for uri, date, status, headers, body in captures:
            http = StatusAndHeaders(f"{status} X", headers, protocol="HTTP/1.1")
            resp = writer.create_warc_record(
                uri,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": date},
            )
            req_http = StatusAndHeaders(
                "GET /robots.txt HTTP/1.1", [("Host", "x")], is_http_request=True
            )
            req = writer.create_warc_record(
                uri, "request", http_headers=req_http, warc_headers_dict={"WARC-Date": date}
            )
            meta = writer.create_warc_record(
                uri,
                "metadata",
                payload=io.BytesIO(b"fetchTimeMs: 120\r\n"),
                length=18,
                warc_content_type="application/warc-fields",
                warc_headers_dict={"WARC-Date": date},
            )
            writer.write_request_response_pair(req, resp)
            writer.write_record(meta)


def test_closest_capture_at_or_before(tmp_path: Path) -> None:
    path = tmp_path / "robotstxt.warc.gz"
    _crawl_like_warc(path)
    snap = Snapshot.from_paths([path])
    assert snap.lookup("example.com", "robots.txt", _at("2023-12-31")) is None
    early = snap.lookup("example.com", "robots.txt", _at("2024-03-01"))
    late = snap.lookup("example.com", "/robots.txt", _at("2024-06-10T08:00:00"))
    latest = snap.lookup("https://example.com", "robots", None)
    assert early is not None and early.body == b"User-agent: *\nDisallow: /old/\n"
    assert (
        late is not None and b"GPTBot" in late.body and late.captured_at == _at("2024-06-10T08:00")
    )
    assert latest is not None and latest.body == late.body
    assert snap.history("example.com", "robots.txt") == [
        _at("2024-01-10T08:00"),
        _at("2024-06-10T08:00"),
    ]
    assert (
        snap.lookup_many("example.com", "robots.txt", [_at("2024-02-01"), None, _at("2024-02-01")])[
            0
        ]
        == early
    )


def test_redirects_encodings_and_loops(tmp_path: Path) -> None:
    path = tmp_path / "robotstxt.warc.gz"
    _crawl_like_warc(path)
    snap = Snapshot.from_paths([tmp_path])
    red = snap.lookup("redir.example.org", "robots.txt", _at("2024-12-01"))
    assert red is not None and red.status == 200 and b"CCBot" in red.body
    assert red.url == "https://redir.example.org/robots.txt"
    assert red.final_url == "https://www.redir.example.org/robots.txt"
    gz = snap.lookup("gz.example.net", "robots.txt", None)
    assert gz is not None and gz.body == b"User-agent: *\nAllow: /\n"
    loop = snap.lookup("loop.example.net", "robots.txt", None)
    assert loop is not None and loop.outcome == "too_many_redirects"
    # metadata records of the crawler are not captures (no "outcome" field)
    assert snap.problems == {}


def test_host_keys() -> None:
    assert host_key("https://Example.COM:443/x") == "example.com"
    assert host_key("http://example.com:80") == "example.com"
    assert host_key("example.com:8080") == "example.com:8080"
    assert host_key("http://h.loop.test:4321/robots.txt") == "h.loop.test:4321"


@budget(60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=3000), st.sampled_from([b"", b"WARC/1.1\r\n", b"\x1f\x8b\x08"]))
def test_garbage_never_crashes(tmp_path: Path, data: bytes, prefix: bytes) -> None:
    path = tmp_path / "junk.warc.gz"
    path.write_bytes(prefix + data)
    try:
        snap = Snapshot.from_paths([path])
    except EvidenceError as exc:  # a clear error: the file is not a WARC file
        assert "not a WARC file" in str(exc)
        return
    assert snap.lookup("example.com", "robots.txt", None) is None or snap.records >= 0


@budget(40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=1, max_value=400), st.binary(min_size=1, max_size=64))
def test_damaged_warc_is_counted_not_raised(tmp_path: Path, cut: int, junk: bytes) -> None:
    path = tmp_path / "good.warc.gz"
    if not path.exists():
        _crawl_like_warc(path)
    data = path.read_bytes()
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(data[: len(data) - cut] + junk)
    snap = Snapshot.from_paths([bad])
    snap.lookup("example.com", "robots.txt", None)  # must not raise
    assert snap.records >= 0


def test_columnar_as_of_join_matches_lookup(tmp_path: Path) -> None:
    import polars as pl

    path = tmp_path / "robotstxt.warc.gz"
    _crawl_like_warc(path)
    snap = Snapshot.from_paths([path])
    items = pl.DataFrame(
        {
            "host": ["example.com", "example.com", "example.com", "redir.example.org", "nope.org"],
            "collected_at": [
                _at("2023-05-01"),
                _at("2024-02-01"),
                _at("2024-07-01"),
                _at("2024-05-01"),
                _at("2024-05-01"),
            ],
        },
        schema={"host": pl.String, "collected_at": pl.Datetime("us", "UTC")},
    ).sort("collected_at")
    joined = items.join_asof(
        snap.table("robots.txt"),
        left_on="collected_at",
        right_on="captured_at",
        by="host",
        strategy="backward",
    )
    for host, when, cid in joined.select("host", "collected_at", "capture").iter_rows():
        expected = snap.lookup(host, "robots.txt", when)
        got = snap.capture(cid) if cid is not None else None
        assert (got.body if got else None) == (expected.body if expected else None)
