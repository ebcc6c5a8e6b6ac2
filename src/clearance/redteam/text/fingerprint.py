# SPDX-License-Identifier: Apache-2.0
"""The per-batch work of an index build, run in worker processes: tokens, fingerprints, frames.

A batch is a run of text segments (whole sources, or ~32 K-character pieces of a long one).
:func:`fingerprint_batch` normalises and tokenises them in one vectorised pass, hashes every
run of ``k`` tokens that stays inside one source, keeps the winnowing minima of windows of
``w`` such runs, and compresses the original text into zstd frames. The edges of the batch
(``head``/``tail`` tokens) let the parent select the fingerprints of windows that straddle two
batches of one long source (:func:`junction`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import zstandard

from clearance.redteam.text.tokens import kgram_hashes, normalize, tokenize, winnow

__all__ = ["FRAME_BYTES", "BatchResult", "fingerprint_batch", "junction", "select"]

FRAME_BYTES = 1 << 17
_MAX = np.iinfo(np.uint64).max


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What a worker hands back for one batch."""

    tokens: npt.NDArray[np.int64]  # tokens per segment
    fp_hash: npt.NDArray[np.uint64]
    fp_pos: npt.NDArray[np.int64]  # batch-local token positions
    head: npt.NDArray[np.uint64]  # first edge tokens (hashes)
    head_doc: npt.NDArray[np.int64]
    tail: npt.NDArray[np.uint64]
    tail_doc: npt.NDArray[np.int64]
    frames: list[bytes]  # compressed
    layout: npt.NDArray[np.int64]  # per segment: frame (batch-local), offset, length (bytes)


def select(hashes: npt.NDArray[np.uint64], docs: npt.NDArray[np.int64], k: int,
           w: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """Return (k-gram hash, first token) of the winnowing fingerprints of a token run."""
    grams = kgram_hashes(hashes, k)
    if grams.shape[0] == 0:
        return grams, np.zeros(0, dtype=np.int64)
    crossing = docs[: grams.shape[0]] != docs[k - 1 :]
    grams[crossing] = _MAX  # a k-gram across two sources is never a fingerprint
    kept = winnow(grams, w)
    kept = kept[grams[kept] != _MAX]
    return grams[kept], kept


def junction(tail: npt.NDArray[np.uint64], tail_doc: npt.NDArray[np.int64],
             head: npt.NDArray[np.uint64], head_doc: npt.NDArray[np.int64], k: int,
             w: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """Return fingerprints of windows across a batch boundary (positions relative to the
    first tail token)."""
    return select(np.concatenate([tail, head]), np.concatenate([tail_doc, head_doc]), k, w)


def _frames(texts: list[bytes], level: int) -> tuple[list[bytes], npt.NDArray[np.int64]]:
    cctx = zstandard.ZstdCompressor(level=level)
    frames: list[bytes] = []
    layout = np.zeros((len(texts), 3), dtype=np.int64)
    pending: list[bytes] = []
    size = 0
    for i, data in enumerate(texts):
        if pending and size + len(data) > FRAME_BYTES:
            frames.append(cctx.compress(b"".join(pending)))
            pending, size = [], 0
        layout[i] = (len(frames), size, len(data))
        pending.append(data)
        size += len(data)
    if pending:
        frames.append(cctx.compress(b"".join(pending)))
    return frames, layout


def fingerprint_batch(texts: list[str], docs: list[int], profile: str, k: int, w: int,
                      level: int = 3) -> BatchResult:
    """Return the tokens per segment, fingerprints and compressed text of one batch."""
    encoded = [normalize(t, profile).encode("utf-8") for t in texts]
    joined = b"\n".join(encoded)
    toks = tokenize(joined, profile)
    bounds = np.cumsum([len(e) + 1 for e in encoded], dtype=np.int64)
    seg_of = np.searchsorted(bounds, toks.starts, side="right")
    counts = np.bincount(seg_of, minlength=len(texts)).astype(np.int64)
    doc_of = np.asarray(docs, dtype=np.int64)[seg_of]
    fp_hash, fp_pos = select(toks.hashes, doc_of, k, w)
    edge = (k - 1) + (w - 1)
    frames, layout = _frames([t.encode("utf-8") for t in texts], level)
    return BatchResult(
        tokens=counts, fp_hash=fp_hash, fp_pos=fp_pos,
        head=toks.hashes[:edge].copy(), head_doc=doc_of[:edge].copy(),
        tail=toks.hashes[-edge:].copy() if len(toks) else toks.hashes.copy(),
        tail_doc=doc_of[-edge:].copy() if len(toks) else doc_of.copy(),
        frames=frames, layout=layout,
    )
