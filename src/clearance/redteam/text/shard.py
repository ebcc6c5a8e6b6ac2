# SPDX-License-Identifier: Apache-2.0
"""One shard of a text index on disk: fingerprints, segments, compressed text, sources.

::

    INDEX/index.json                 format, profile, k, w, shard names
    INDEX/shard-0000/fp_lo.npy       uint16 low bits of every kept k-gram hash, sorted per bucket
    INDEX/shard-0000/fp_pos.npy      uint32 token position (in the shard) of each fingerprint
    INDEX/shard-0000/fp_buckets.npy  uint32 offsets of the 2**bits buckets (top bits of a hash)
    INDEX/shard-0000/segments.npy    one row per text segment (see SEGMENT)
    INDEX/shard-0000/frames.npy      uint64 byte offsets of the zstd frames in text.zst
    INDEX/shard-0000/text.zst        the sources' original text, zstd frames of ~128 KB
    INDEX/shard-0000/sources.parquet one row per source: id, licence, url, title, author, ...
    INDEX/shard-0000/shard.json      counts and bucket bits; written last (completion marker)

Everything is opened memory-mapped; a query reads a few pages of the fingerprint arrays and
decompresses only the frames it verifies against.
"""

from __future__ import annotations

import functools
import json
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow.compute as pc
import pyarrow.parquet as pq
import zstandard

from clearance.errors import InputError
from clearance.redteam.text.tokens import Tokens, normalize, tokenize

__all__ = ["SEGMENT", "SOURCE_COLUMNS", "Shard", "SegmentText", "finish_fingerprints"]

#: Row type of segments.npy: source row, frame, byte offset and length in the frame's
#: decompressed bytes, first token (shard position), first character (in the source's text).
SEGMENT: Final = np.dtype([("doc", "<u4"), ("frame", "<u4"), ("offset", "<u4"), ("length", "<u4"),
                           ("token", "<u8"), ("char", "<u8")])
SOURCE_COLUMNS: Final = ("id", "license", "url", "title", "author", "category", "item_id",
                         "chars", "tokens", "sha256")
SPILL_BITS: Final = 8
#: Low hash bits stored per fingerprint; with the bucket's top bits a key has 16 + bits bits.
#: A chance equality only costs a verification that finds nothing.
LOW_MASK: Final = 0xFFFF


def finish_fingerprints(spill: Path, out: Path, total: int) -> int:
    """Sort the spilled (hash, position) pairs bucket by bucket into the shard's arrays.

    Returns the number of bucket bits chosen. Memory is bounded by the largest spill bucket.
    """
    bits = max(SPILL_BITS, min(30, int(np.ceil(np.log2(max(total, 1) / 16 + 1)))))
    lo_out = np.lib.format.open_memmap(out / "fp_lo.npy", mode="w+", dtype=np.uint16,
                                       shape=(total,))
    pos_out = np.lib.format.open_memmap(out / "fp_pos.npy", mode="w+", dtype=np.uint32,
                                        shape=(total,))
    counts = np.zeros((1 << bits) + 1, dtype=np.uint64)
    at = 0
    for b in range(1 << SPILL_BITS):
        path = spill / f"{b:03d}.bin"
        if not path.exists():
            continue
        raw = np.fromfile(path, dtype=np.uint64).reshape(-1, 2)
        path.unlink()
        # order by (bucket, low 16 bits, position): lookups binary-search the low bits
        key = ((raw[:, 0] >> np.uint64(64 - bits)) << np.uint64(16)) \
            | (raw[:, 0] & np.uint64(LOW_MASK))
        order = np.lexsort((raw[:, 1], key))
        raw, key = raw[order], key[order]
        if raw.shape[0] > 1:  # drop duplicates (junctions may select a position twice)
            keep = np.ones(raw.shape[0], dtype=bool)
            keep[1:] = (key[1:] != key[:-1]) | (raw[1:, 1] != raw[:-1, 1])
            raw = raw[keep]
        n = raw.shape[0]
        lo_out[at : at + n] = (raw[:, 0] & np.uint64(LOW_MASK)).astype(np.uint16)
        pos_out[at : at + n] = raw[:, 1].astype(np.uint32)
        top = raw[:, 0] >> np.uint64(64 - bits)
        np.add.at(counts, top.astype(np.int64) + 1, 1)
        at += n
    lo_out.flush()
    pos_out.flush()
    del lo_out, pos_out
    if at != total:  # duplicates were dropped: shrink the arrays
        for name in ("fp_lo.npy", "fp_pos.npy"):
            arr = np.load(out / name, mmap_mode="r")[:at].copy()
            np.save(out / name, arr)
    np.save(out / "fp_buckets.npy", np.cumsum(counts, dtype=np.uint64).astype(np.uint32))
    return bits


@dataclass(frozen=True, slots=True)
class SegmentText:
    """The text of a run of segments of one source, with its tokens for verification."""

    original: str  # original text of the segments, concatenated
    normalized: str
    tokens: Tokens
    first_token: int  # shard position of tokens[0]
    char_start: int  # character offset of `original` in the source's text


class Shard:
    """A finished shard, opened memory-mapped."""

    def __init__(self, path: Path, profile: str) -> None:
        meta_path = path / "shard.json"
        if not meta_path.exists():
            raise InputError(f"{path}: shard is incomplete (no shard.json); rebuild the index")
        self.path = path
        self.profile = profile
        self.meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
        self.bits = int(self.meta["bits"])
        self.lo = np.load(path / "fp_lo.npy", mmap_mode="r")
        self.pos = np.load(path / "fp_pos.npy", mmap_mode="r")
        self.buckets = np.load(path / "fp_buckets.npy", mmap_mode="r")
        self.segments = np.load(path / "segments.npy")
        self.frames = np.load(path / "frames.npy")
        self.text = np.memmap(path / "text.zst", dtype=np.uint8, mode="r") \
            if (path / "text.zst").stat().st_size else np.zeros(0, dtype=np.uint8)
        self.table = pq.read_table(path / "sources.parquet", memory_map=True)
        self.tokens = self.table["tokens"].to_numpy().astype(np.int64)
        self.doc_first_segment = np.searchsorted(self.segments["doc"],
                                                 np.arange(self.table.num_rows + 1))
        self._frames: OrderedDict[int, bytes] = OrderedDict()
        self._dctx = zstandard.ZstdDecompressor()

    @property
    def n_sources(self) -> int:
        """Return the number of sources in the shard."""
        return int(self.table.num_rows)

    def row(self, doc: int) -> dict[str, Any]:
        """Return one source's row (id, licence, url, title, author, ...)."""
        return {c: self.table.column(c)[doc].as_py() for c in self.table.column_names}

    def find(self, source_id: str) -> int | None:
        """Return the row of a source id, or None."""
        at = int(pc.index(self.table["id"], source_id).as_py())
        return None if at < 0 else at

    def lookup(self, hashes: npt.NDArray[np.uint64], cap: int) -> tuple[
            npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Return (query index, token position, postings of that hash) per fingerprint hit.

        At most ``cap`` positions are returned per query hash (boilerplate shared by thousands
        of sources would otherwise swamp the check); the third array says how many there are.
        """
        top = (hashes >> np.uint64(64 - self.bits)).astype(np.int64)
        low = (hashes & np.uint64(LOW_MASK)).astype(np.uint16)
        start = self.buckets[top].astype(np.int64)
        stop = self.buckets[top + 1].astype(np.int64)
        size = stop - start
        small = np.flatnonzero((size > 0) & (size <= 64))
        qs: list[npt.NDArray[np.int64]] = []
        ps: list[npt.NDArray[np.int64]] = []
        ns: list[npt.NDArray[np.int64]] = []
        if small.shape[0]:
            reps = size[small]
            q = np.repeat(small, reps)
            offs = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
            idx = start[q] + offs
            hit = self.lo[idx] == low[q]
            q, idx = q[hit], idx[hit]
            if q.shape[0]:
                first = np.searchsorted(q, q, side="left")
                total = np.searchsorted(q, q, side="right") - first
                keep = (np.arange(q.shape[0]) - first) < cap
                qs.append(q[keep])
                ps.append(self.pos[idx[keep]].astype(np.int64))
                ns.append(total[keep])
        for i in np.flatnonzero(size > 64).tolist():
            part = self.lo[start[i] : stop[i]]
            a = int(np.searchsorted(part, low[i], side="left"))
            b = int(np.searchsorted(part, low[i], side="right"))
            if b > a:
                n = min(b, a + cap) - a
                qs.append(np.full(n, i, dtype=np.int64))
                ps.append(self.pos[start[i] + a : start[i] + a + n].astype(np.int64))
                ns.append(np.full(n, b - a, dtype=np.int64))
        if not qs:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        return np.concatenate(qs), np.concatenate(ps), np.concatenate(ns)

    def doc_of(self, positions: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Return the source row holding each token position."""
        seg = np.searchsorted(self.segments["token"], positions, side="right") - 1
        return self.segments["doc"][seg].astype(np.int64)  # type: ignore[no-any-return]

    def doc_tokens(self, doc: int) -> tuple[int, int]:
        """Return the [first, end) token positions of a source."""
        first = int(self.segments["token"][self.doc_first_segment[doc]])
        return first, first + int(self.tokens[doc])

    def _frame(self, frame: int) -> bytes:
        cached = self._frames.get(frame)
        if cached is not None:
            self._frames.move_to_end(frame)
            return cached
        a, b = int(self.frames[frame]), int(self.frames[frame + 1])
        data = self._dctx.decompress(self.text[a:b].tobytes())
        self._frames[frame] = data
        if len(self._frames) > 64:
            self._frames.popitem(last=False)
        return data

    def text_between(self, doc: int, lo: int, hi: int) -> SegmentText:
        """Return the segments of source ``doc`` that hold token positions ``lo..hi``."""
        first_seg, end_seg = int(self.doc_first_segment[doc]), int(self.doc_first_segment[doc + 1])
        segs = self.segments[first_seg:end_seg]
        a = first_seg + max(0, int(np.searchsorted(segs["token"], lo, side="right")) - 1)
        b = first_seg + max(1, int(np.searchsorted(segs["token"], hi, side="left")))
        return self._segments_text(a, max(b, a + 1))

    @functools.lru_cache(maxsize=128)  # noqa: B019 - one cache per open shard is intended
    def _segments_text(self, a: int, b: int) -> SegmentText:
        originals, normals, hashes, starts, ends = [], [], [], [], []
        at = 0
        for row in self.segments[a:b]:
            data = self._frame(int(row["frame"]))
            off = int(row["offset"])
            original = data[off : off + int(row["length"])].decode("utf-8")
            norm = normalize(original, self.profile)
            toks = tokenize(norm, self.profile)
            originals.append(original)
            normals.append(norm)
            hashes.append(toks.hashes)
            starts.append(toks.starts + at)
            ends.append(toks.ends + at)
            at += len(norm.encode("utf-8"))
        tokens = Tokens(np.concatenate(hashes), np.concatenate(starts), np.concatenate(ends))
        return SegmentText("".join(originals), "".join(normals), tokens,
                           int(self.segments["token"][a]), int(self.segments["char"][a]))
