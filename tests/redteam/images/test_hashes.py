# SPDX-License-Identifier: Apache-2.0
"""pHash against the imagehash package, hash encodings, multi-index search against a scan."""

from __future__ import annotations

import imagehash
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.redteam.images.hashes import (
    bits_to_words,
    hamming,
    hex_to_words,
    phash_batch,
    words_to_hex,
)
from clearance.redteam.images.mih import MultiIndex, linear_radius_search
from tests.redteam.images.conftest import Work


def test_phash_matches_imagehash_bit_for_bit(corpus: list[Work]) -> None:
    sample = corpus[::7]
    ours = phash_batch([w.image for w in sample], hash_size=8)
    for w, bits in zip(sample, ours, strict=True):
        theirs = imagehash.phash(w.image, hash_size=8).hash.ravel()
        assert np.array_equal(bits, theirs), w.name


@settings(deadline=None)
@given(st.binary(min_size=32, max_size=32))
def test_hex_words_round_trip(raw: bytes) -> None:
    words = hex_to_words([raw.hex()])
    assert words_to_hex(words) == [raw.hex()]
    bits = np.unpackbits(np.frombuffer(raw, np.uint8))[None, :]
    assert np.array_equal(bits_to_words(bits), words)


@settings(deadline=None)
@given(st.text(max_size=70))
def test_bad_hex_names_the_value(text: str) -> None:
    try:
        hex_to_words([text])
    except ValueError as exc:
        assert repr(text.strip().lower()) in str(exc) or repr(text) in str(exc)
    else:
        assert len(text.strip()) == 64


def _planted(seed: int, n: int, q: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    hashes = rng.integers(0, 2**63, size=(n, 4), dtype=np.uint64) * np.uint64(2)
    queries = hashes[rng.integers(0, n, q)].copy()
    for row in queries[: q // 2]:
        for bit in rng.choice(256, int(rng.integers(0, 40)), replace=False):
            row[bit // 64] ^= np.uint64(1) << np.uint64(bit % 64)
    queries[q // 2 :] = rng.integers(0, 2**63, size=(q - q // 2, 4), dtype=np.uint64)
    return hashes, queries


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32), st.integers(0, 70))
def test_multi_index_finds_exactly_what_a_scan_finds(seed: int, radius: int) -> None:
    hashes, queries = _planted(seed, 3000, 40)
    fast = MultiIndex.build(hashes).radius_search(queries, radius, batch=7)
    slow = linear_radius_search(hashes, queries, radius)
    assert np.array_equal(fast.query, slow.query)
    assert np.array_equal(fast.row, slow.row)
    assert np.array_equal(fast.distance, slow.distance)
    assert np.all(fast.distance == hamming(hashes[fast.row], queries[fast.query]))


def test_multi_index_on_empty_inputs() -> None:
    empty = np.zeros((0, 4), np.uint64)
    one = np.ones((1, 4), np.uint64)
    assert len(MultiIndex.build(empty).radius_search(one, 31).row) == 0
    assert len(MultiIndex.build(one).radius_search(empty, 31).row) == 0
