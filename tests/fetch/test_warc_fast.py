# SPDX-License-Identifier: Apache-2.0
"""The fetch hot path's WARC serialiser writes the records fastwarc writes, byte for byte."""

from __future__ import annotations

import base64
import io
import uuid
import zlib

from fastwarc.warc import ArchiveIterator
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.fetch.warc import _b32_sha1, _uuid4, fast_member, record_member

_KINDS = st.sampled_from(["request", "response", "metadata", "revisit", "warcinfo", "resource"])
# control characters are escaped by fast_member (tested below) and written raw by fastwarc
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=40)


@settings(max_examples=150, deadline=None)
@given(
    kind=_KINDS,
    uri=st.one_of(st.just(""), _TEXT.map(lambda t: "http://example.org/" + t)),
    block=st.binary(max_size=6000),
    payload=st.one_of(st.none(), st.binary(max_size=300)),
    headers=st.dictionaries(
        st.sampled_from(["WARC-IP-Address", "WARC-Truncated", "WARC-Profile"]), _TEXT, max_size=3
    ).map(lambda d: list(d.items())),
)
def test_fast_member_equals_fastwarc(
    kind: str, uri: str, block: bytes, payload: bytes | None, headers: list[tuple[str, str]]
) -> None:
    rid = "uuid:12345678-1234-4234-8234-123456789abc"
    kw = {"payload": payload, "content_type": "application/http", "headers": tuple(headers)}
    date = "2026-01-02T03:04:05.000006Z"
    fast, fast_id, fast_digest = fast_member(kind, uri, date, block, record_id=rid, **kw)  # type: ignore[arg-type]
    slow, slow_id, slow_digest = record_member(kind, uri, date, block, record_id=rid, **kw)  # type: ignore[arg-type]
    assert zlib.decompress(fast, 47) == zlib.decompress(slow, 47)
    assert (fast_id, fast_digest) == (slow_id, slow_digest)
    records = 0
    for rec in ArchiveIterator(io.BytesIO(fast), parse_http=False):
        assert rec.verify_block_digest()
        records += 1
    assert records == 1


def test_control_characters_in_a_uri_are_escaped() -> None:
    member, _, _ = fast_member("metadata", "http://x.test/a\x01b\x7f", "2026-01-01T00:00:00Z", b"")
    text = zlib.decompress(member, 47)
    assert b"WARC-Target-URI: http://x.test/a%01b%7F\r\n" in text


@given(st.binary(min_size=20, max_size=20))
def test_base32_of_a_digest_is_rfc4648(digest: bytes) -> None:
    assert _b32_sha1(digest) == base64.b32encode(digest).decode()


def test_record_ids_are_distinct_version_4_uuids() -> None:
    ids = [_uuid4() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for text in ids:
        parsed = uuid.UUID(text)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122 and str(parsed) == text
