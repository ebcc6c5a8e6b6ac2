# SPDX-License-Identifier: Apache-2.0
"""Local features: ORB keypoints, a vote index that proposes candidates, and a geometric check.

Global hashes see the whole frame, so a crop, a border, a caption strip or a small rotation
moves them as far as an unrelated image. Local features survive those edits: ORB (OpenCV's
oriented FAST + rotated BRIEF, 256-bit binary descriptors) finds a few hundred keypoints per
image; a copy shares many of them *in the same geometric arrangement*.

Candidates come from a vote index: every descriptor is filed under ``TABLES`` keys, each made
of ``KEY_BITS`` fixed, randomly chosen descriptor bits (bit-sampling LSH for Hamming space);
a query's descriptors vote for the images whose descriptors share a key, and the images with
the most votes are verified. Verification matches descriptors (nearest neighbour, Lowe's
ratio test), fits a similarity transform (rotation, uniform scale, translation) with RANSAC,
and counts the inliers. Only candidates are verified, never the whole index.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

__all__ = [
    "KEY_BITS",
    "MAX_KEYPOINTS",
    "TABLES",
    "VOTE_DISTANCE",
    "Geometry",
    "Keypoints",
    "VoteIndex",
    "extract",
    "verify",
]

MAX_KEYPOINTS = 500
TABLES = 8
KEY_BITS = 24
_LSH_SEED = 20260514
VOTE_DISTANCE = 48
_BUCKET_CAP = 256  # a key shared by more descriptors than this says nothing (flat texture)
_RATIO = 0.8
_MAX_DESCRIPTOR_DISTANCE = 64
_RANSAC_PIXELS = 4.0


@dataclass(frozen=True, slots=True)
class Keypoints:
    """One image's keypoints: (k, 2) float32 positions in the working image, (k, 32) descriptors."""

    xy: np.ndarray
    descriptors: np.ndarray

    def __len__(self) -> int:
        return len(self.descriptors)


@dataclass(frozen=True, slots=True)
class Geometry:
    """The outcome of a geometric check of a query against one indexed image."""

    inliers: int
    matches: int
    scale: float
    rotation: float
    coverage: float
    transform: np.ndarray | None


@functools.cache
def _orb(n: int) -> object:
    import cv2

    cv2.setNumThreads(1)
    return cv2.ORB_create(nfeatures=n, edgeThreshold=15, fastThreshold=10)  # type: ignore[attr-defined]


def empty() -> Keypoints:
    """Return an empty set of keypoints."""
    return Keypoints(np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8))


def extract(grey: np.ndarray, n: int = MAX_KEYPOINTS) -> Keypoints:
    """Return up to ``n`` ORB keypoints of a grey uint8 image."""
    if min(grey.shape[:2]) < 32 or n <= 0:
        return empty()
    found, desc = _orb(n).detectAndCompute(grey, None)  # type: ignore[attr-defined]
    if desc is None or not found:
        return empty()
    xy = np.array([k.pt for k in found], dtype=np.float32)
    return Keypoints(xy, np.ascontiguousarray(desc, dtype=np.uint8))


@functools.cache
def _sampled_bits() -> np.ndarray:
    rng = np.random.default_rng(_LSH_SEED)
    return np.stack([rng.choice(256, KEY_BITS, replace=False) for _ in range(TABLES)])


def lsh_keys(descriptors: np.ndarray) -> np.ndarray:
    """Return the (k, TABLES) uint32 keys of (k, 32) uint8 descriptors."""
    desc = np.asarray(descriptors, dtype=np.uint8)
    out = np.zeros((len(desc), TABLES), dtype=np.uint32)
    for t, chosen in enumerate(_sampled_bits()):
        key = out[:, t]
        for j, bit in enumerate(chosen.tolist()):
            column = (desc[:, bit >> 3] >> np.uint8(7 - (bit & 7))) & np.uint8(1)
            key |= column.astype(np.uint32) << np.uint32(j)
    return out


class VoteIndex:
    """Descriptor keys sorted per table, with the record each descriptor belongs to.

    A vote is a query descriptor that shares a key with an indexed descriptor *and* lies
    within ``VOTE_DISTANCE`` bits of it: ORB's bits are far from uniform, so key collisions
    alone would let every textured image vote for every other.
    """

    __slots__ = ("descriptors", "keys", "records", "rows")

    def __init__(
        self, keys: np.ndarray, rows: np.ndarray, records: np.ndarray, descriptors: np.ndarray
    ) -> None:
        self.keys = keys  # (TABLES, N) uint32, each row sorted
        self.rows = rows  # (TABLES, N) uint32 descriptor rows in that order
        self.records = records  # (N,) int32 record of each descriptor row
        self.descriptors = descriptors  # (N, 32) uint8

    @classmethod
    def build(cls, descriptors: np.ndarray, records: np.ndarray) -> VoteIndex:
        """Return the index of every descriptor ((N, 32) uint8) of the records given."""
        n = len(descriptors)
        keys = np.empty((TABLES, n), dtype=np.uint32)
        rows = np.empty((TABLES, n), dtype=np.uint32)
        step = 1 << 18
        table_keys = np.empty((n, TABLES), dtype=np.uint32)
        for start in range(0, n, step):
            table_keys[start : start + step] = lsh_keys(descriptors[start : start + step])
        for t in range(TABLES):
            order = np.argsort(table_keys[:, t], kind="stable")
            keys[t] = table_keys[order, t]
            rows[t] = order
        return cls(keys, rows, np.asarray(records, dtype=np.int32), descriptors)

    def candidates(
        self, descriptors: np.ndarray, top: int, min_votes: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the records with the most votes (at least ``min_votes``) and their votes."""
        if len(descriptors) == 0 or self.keys.shape[1] == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        query = lsh_keys(descriptors)
        qwords = np.ascontiguousarray(descriptors, dtype=np.uint8)
        pairs: list[np.ndarray] = []
        for t in range(TABLES):
            lo = np.searchsorted(self.keys[t], query[:, t], "left")
            hi = np.searchsorted(self.keys[t], query[:, t], "right")
            length = np.where(hi - lo <= _BUCKET_CAP, hi - lo, 0)
            total = int(length.sum())
            if total == 0:
                continue
            which = np.repeat(np.arange(len(query)), length)
            pos = np.arange(total) - np.repeat(np.cumsum(length) - length, length)
            rows = self.rows[t, lo[which] + pos].astype(np.int64)
            near = _distances(qwords[which], self.descriptors[rows]) <= VOTE_DISTANCE
            record = self.records[rows[near]].astype(np.int64)
            pairs.append(which[near].astype(np.int64) * (1 << 32) + record)
        if not pairs:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        voted = np.unique(np.concatenate(pairs)) & ((1 << 32) - 1)
        record, votes = np.unique(voted, return_counts=True)
        keep = votes >= min_votes
        record, votes = record[keep], votes[keep]
        order = np.argsort(-votes, kind="stable")[:top]
        return record[order], votes[order]


def _distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return the Hamming distances between rows of two (n, 32) uint8 descriptor arrays."""
    x = np.ascontiguousarray(a).view(np.uint64) ^ np.ascontiguousarray(b).view(np.uint64)
    return np.asarray(np.bitwise_count(x).sum(axis=1, dtype=np.int32))


def verify(query: Keypoints, indexed: Keypoints, query_shape: tuple[int, int]) -> Geometry:
    """Return the geometric agreement of a query's keypoints with an indexed image's.

    ``query_shape`` is the query's working (height, width), used for the share of the query
    that the inliers span (``coverage``).
    """
    import cv2

    none = Geometry(0, 0, 0.0, 0.0, 0.0, None)
    if len(query) < 8 or len(indexed) < 8:
        return none
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    pairs = matcher.knnMatch(query.descriptors, indexed.descriptors, k=2)
    good = [
        p[0]
        for p in pairs
        if len(p) == 2
        and p[0].distance < _RATIO * p[1].distance
        and p[0].distance < _MAX_DESCRIPTOR_DISTANCE
    ]
    if len(good) < 8:
        return Geometry(0, len(good), 0.0, 0.0, 0.0, None)
    src = query.xy[[g.queryIdx for g in good]]
    dst = indexed.xy[[g.trainIdx for g in good]]
    transform, mask = cv2.estimateAffinePartial2D(
        src,
        dst,
        method=cv2.RANSAC,
        ransacReprojThreshold=_RANSAC_PIXELS,
        maxIters=2000,
        confidence=0.995,
    )
    if transform is None or mask is None:
        return Geometry(0, len(good), 0.0, 0.0, 0.0, None)
    inlier = mask.ravel().astype(bool)
    scale = float(np.hypot(transform[0, 0], transform[1, 0]))
    rotation = float(np.degrees(np.arctan2(transform[1, 0], transform[0, 0])))
    spread = src[inlier]
    h, w = query_shape
    coverage = 0.0
    if len(spread) >= 3:
        extent = spread.max(axis=0) - spread.min(axis=0)
        coverage = float(extent[0] * extent[1]) / float(max(1, h * w))
    return Geometry(int(inlier.sum()), len(good), scale, rotation, coverage, transform)
