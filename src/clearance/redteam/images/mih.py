# SPDX-License-Identifier: Apache-2.0
"""Multi-index hashing: exact Hamming radius search over 256-bit hashes in sublinear time.

Norouzi, Punjani and Fleet's multi-index hashing (CVPR 2012): the hash is cut into ``m``
chunks of 16 bits and each chunk gets a table (rows sorted by the chunk's value, with the
offsets of each of the 65,536 buckets). By the pigeonhole principle two hashes within
distance ``r`` agree within ``r // m`` bits on at least one chunk, so probing every chunk's
buckets within that many bits of the query's chunk and checking the full distance of what
they hold finds every hash within ``r`` and nothing else: exact, not approximate. With 16
chunks and r <= 31 a query probes 16 x 17 buckets.

Everything runs on whole batches of queries as numpy array operations.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np

from clearance.redteam.images.hashes import hamming

__all__ = ["CHUNKS", "MultiIndex", "RadiusHits", "linear_radius_search"]

CHUNKS = 16
_BUCKETS = 1 << 16


@dataclass(frozen=True, slots=True)
class RadiusHits:
    """Every (query, row) pair within the radius, with its distance; sorted by query, distance."""

    query: np.ndarray
    row: np.ndarray
    distance: np.ndarray


@functools.cache
def _masks(flips: int) -> np.ndarray:
    masks = [0]
    for k in range(1, flips + 1):
        for bits in itertools.combinations(range(16), k):
            masks.append(sum(1 << b for b in bits))
    return np.array(masks, dtype=np.int64)


def _chunk(words: np.ndarray, c: int) -> np.ndarray:
    shift = np.uint64(48 - 16 * (c % 4))
    return ((words[:, c // 4] >> shift) & np.uint64(0xFFFF)).astype(np.int64)


def _sorted_hits(query: np.ndarray, row: np.ndarray, dist: np.ndarray) -> RadiusHits:
    if len(query):
        key = query.astype(np.int64) * (1 << 40) + row.astype(np.int64)
        _, first = np.unique(key, return_index=True)
        query, row, dist = query[first], row[first], dist[first]
        order = np.lexsort((row, dist, query))
        query, row, dist = query[order], row[order], dist[order]
    return RadiusHits(query.astype(np.int64), row.astype(np.int64), dist.astype(np.int32))


class MultiIndex:
    """Sixteen 16-bit chunk tables over an (n, 4) uint64 hash array."""

    __slots__ = ("hashes", "offsets", "order")

    def __init__(self, hashes: np.ndarray, order: np.ndarray, offsets: np.ndarray) -> None:
        self.hashes = hashes
        self.order = order
        self.offsets = offsets

    @classmethod
    def build(cls, hashes: np.ndarray) -> MultiIndex:
        """Return the tables for ``hashes`` ((n, 4) uint64)."""
        hashes = np.ascontiguousarray(hashes, dtype=np.uint64).reshape(-1, 4)
        order = np.empty((CHUNKS, len(hashes)), dtype=np.int32)
        offsets = np.zeros((CHUNKS, _BUCKETS + 1), dtype=np.int64)
        for c in range(CHUNKS):
            key = _chunk(hashes, c)
            order[c] = np.argsort(key, kind="stable")
            offsets[c, 1:] = np.cumsum(np.bincount(key, minlength=_BUCKETS))
        return cls(hashes, order, offsets)

    def __len__(self) -> int:
        return len(self.hashes)

    def radius_search(self, queries: np.ndarray, radius: int, batch: int = 512) -> RadiusHits:
        """Return every indexed row within ``radius`` bits of each query ((q, 4) uint64)."""
        queries = np.ascontiguousarray(queries, dtype=np.uint64).reshape(-1, 4)
        if radius < 0 or len(queries) == 0 or len(self.hashes) == 0:
            empty = np.zeros(0, dtype=np.int64)
            return RadiusHits(empty, empty, empty.astype(np.int32))
        masks = _masks(radius // CHUNKS)
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for start in range(0, len(queries), batch):
            block = queries[start : start + batch]
            for c in range(CHUNKS):
                probes = (_chunk(block, c)[:, None] ^ masks[None, :]).ravel()
                first = self.offsets[c, probes]
                length = self.offsets[c, probes + 1] - first
                total = int(length.sum())
                if total == 0:
                    continue
                which = np.repeat(np.arange(len(probes)), length)
                pos = np.arange(total) - np.repeat(np.cumsum(length) - length, length)
                rows = self.order[c, first[which] + pos]
                qid = which // len(masks)
                dist = hamming(self.hashes[rows], block[qid])
                keep = dist <= radius
                parts.append((qid[keep] + start, rows[keep], dist[keep]))
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return RadiusHits(empty, empty, empty.astype(np.int32))
        return _sorted_hits(*(np.concatenate(p) for p in zip(*parts, strict=True)))


def linear_radius_search(
    hashes: np.ndarray, queries: np.ndarray, radius: int, block: int = 64
) -> RadiusHits:
    """Return what ``MultiIndex.radius_search`` returns, by comparing with every hash."""
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for start in range(0, len(queries), block):
        dist = hamming(hashes[None, :, :], queries[start : start + block, None, :])
        qid, rows = np.nonzero(dist <= radius)
        parts.append((qid + start, rows, dist[qid, rows]))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return RadiusHits(empty, empty, empty.astype(np.int32))
    return _sorted_hits(*(np.concatenate(p) for p in zip(*parts, strict=True)))
