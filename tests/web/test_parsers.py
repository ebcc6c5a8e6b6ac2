# SPDX-License-Identifier: Apache-2.0
"""Property tests of the small parsers of the web layer: evidence references, the Cookie
header, the rate limiter's window, and evidence references that try to leave the scan."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.errors import EvidenceError
from clearance.web.evidence import evidence_refs, resolve_ref
from clearance.web.security import RateLimiter, _cookie

_REF = st.text(st.characters(blacklist_characters=";", blacklist_categories=("Cs",)),
               min_size=1, max_size=30).filter(lambda s: s.strip() == s and s)


@given(st.lists(_REF, max_size=8))
def test_evidence_refs_split_what_was_joined_once_each(refs: list[str]) -> None:
    assert evidence_refs(";".join(refs)) == list(dict.fromkeys(refs))


@given(st.text(max_size=200))
def test_evidence_refs_never_fail(value: str) -> None:
    for ref in evidence_refs(value):
        assert ref and ";" not in ref and ref == ref.strip()


@given(name=st.from_regex(r"[a-z_]{1,12}", fullmatch=True),
       value=st.from_regex(r"[A-Za-z0-9_-]{1,40}", fullmatch=True),
       noise=st.lists(st.from_regex(r"[a-z]{1,6}=[a-z0-9]{0,8}", fullmatch=True), max_size=4))
def test_the_cookie_header_is_read_among_others(name: str, value: str,
                                                noise: list[str]) -> None:
    others = [n for n in noise if n.split("=")[0] != name]
    header = "; ".join([*others, f"{name}={value}"]).encode("latin-1")
    assert _cookie({"headers": [(b"cookie", header)]}, name) == value


@given(st.binary(max_size=100))
def test_a_hostile_cookie_header_never_raises(raw: bytes) -> None:
    _cookie({"headers": [(b"cookie", raw)]}, "clearance_csrf")


@settings(max_examples=50)
@given(limit=st.integers(1, 5), window=st.floats(1, 100), hits=st.integers(0, 12))
def test_the_limiter_admits_exactly_the_limit_per_window(limit: int, window: float,
                                                         hits: int) -> None:
    now = [0.0]
    limiter = RateLimiter({"a": (limit, window)}, clock=lambda: now[0])
    admitted = [limiter.hit("a", "c") is None for _ in range(hits)]
    assert sum(admitted) == min(hits, limit)
    assert limiter.hit("a", "other client") is None
    now[0] += window + 0.001
    assert limiter.hit("a", "c") is None


@pytest.mark.parametrize("ref", ["/etc/passwd:0", "../../../etc/passwd:0",
                                 "evidence/../../x.warc.gz:10", "urn:uuid:nothing", "plain"])
def test_a_reference_outside_the_scan_is_refused(scan_dir: Path, ref: str) -> None:
    with pytest.raises(EvidenceError):
        resolve_ref(scan_dir, ref)
