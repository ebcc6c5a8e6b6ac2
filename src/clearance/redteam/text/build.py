# SPDX-License-Identifier: Apache-2.0
"""Build (or add to) a text index: :func:`build_index`.

The parent reads sources, cuts them into segments and batches, and hands batches to worker
processes (:mod:`.fingerprint`); at most ``2 x workers`` batches are in flight, and
fingerprints are spilled to 256 files by their top byte, so memory stays bounded whatever the
corpus size. A shard is complete when its ``shard.json`` exists; adding sources to an index
writes a new shard, and a shard left incomplete by a killed build is removed and redone.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from clearance.atomic import write_text_atomic
from clearance.errors import InputError
from clearance.redteam.text.corpus import Source, digest
from clearance.redteam.text.fingerprint import BatchResult, fingerprint_batch, junction
from clearance.redteam.text.shard import SEGMENT, SOURCE_COLUMNS, SPILL_BITS, finish_fingerprints
from clearance.redteam.text.tokens import PROFILES

__all__ = ["FORMAT", "BuildStats", "IndexSettings", "build_index", "read_settings"]

log = logging.getLogger(__name__)

FORMAT = "clearance-redteam-text/1"
SEGMENT_CHARS = 32768
BATCH_CHARS = 4 << 20


@dataclass(frozen=True, slots=True)
class IndexSettings:
    """How an index fingerprints text; fixed when the index is created."""

    profile: str = "text"
    k: int = 6  # tokens per hashed run
    w: int = 15  # winnowing window: any shared run of k + w - 1 = 20 tokens is found


@dataclass(frozen=True, slots=True)
class BuildStats:
    """What a build did."""

    index: str
    shard: str | None
    sources_added: int
    sources_skipped: int
    input_bytes: int
    tokens: int
    fingerprints: int
    index_bytes: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)


def read_settings(index: Path) -> tuple[IndexSettings, list[str]]:
    """Return an index's settings and its shard names; raise InputError if it is not one."""
    meta = index / "index.json"
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{index}: not a clearance text index (no readable index.json)") from exc
    if data.get("format") != FORMAT:
        raise InputError(f"{meta}: unsupported format {data.get('format')!r}; expected {FORMAT}")
    return IndexSettings(data["profile"], int(data["k"]), int(data["w"])), list(data["shards"])


def _write_json(path: Path, data: dict[str, Any]) -> None:
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def _segments(text: str) -> list[str]:
    """Cut a text into pieces of about SEGMENT_CHARS at whitespace (joined, they are the text)."""
    if len(text) <= SEGMENT_CHARS:
        return [text]
    out = []
    at = 0
    while len(text) - at > SEGMENT_CHARS:
        cut = at + SEGMENT_CHARS
        space = max(text.rfind(" ", at, cut), text.rfind("\n", at, cut))
        cut = space + 1 if space > at else cut
        out.append(text[at:cut])
        at = cut
    out.append(text[at:])
    return out


class _ShardWriter:
    """Receives batch results in order and writes one shard."""

    def __init__(self, path: Path, settings: IndexSettings) -> None:
        self.path = path
        self.settings = settings
        path.mkdir(parents=True)
        (path / "spill").mkdir()
        self.spill: dict[int, BinaryIO] = {}
        self.text = (path / "text.zst").open("wb")
        self.frame_offsets = [0]
        self.segments: list[np.ndarray] = []
        self.tokens = 0
        self.fingerprints = 0
        self.prev_tail: tuple[np.ndarray, np.ndarray] | None = None

    def _spill(self, hashes: np.ndarray, positions: np.ndarray) -> None:
        if positions.shape[0] and int(positions.max()) >= 1 << 32:
            raise InputError("a shard holds at most 4,294,967,295 tokens; index in parts")
        pairs = np.empty((hashes.shape[0], 2), dtype=np.uint64)
        pairs[:, 0] = hashes
        pairs[:, 1] = positions.astype(np.uint64)
        top = (hashes >> np.uint64(64 - SPILL_BITS)).astype(np.int64)
        order = np.argsort(top, kind="stable")
        pairs, top = pairs[order], top[order]
        cuts = np.flatnonzero(np.diff(top)) + 1
        for part in np.split(np.arange(top.shape[0]), cuts):
            if part.shape[0] == 0:
                continue
            b = int(top[part[0]])
            fh = self.spill.get(b)
            if fh is None:
                fh = self.spill[b] = (self.path / "spill" / f"{b:03d}.bin").open("ab")
            fh.write(pairs[part].tobytes())
        self.fingerprints += hashes.shape[0]

    def add(self, res: BatchResult, seg_docs: list[int], seg_chars: list[int],
            continues: bool) -> None:
        k, w = self.settings.k, self.settings.w
        if continues and self.prev_tail is not None and res.head.shape[0]:
            tail, tail_doc = self.prev_tail
            jh, jp = junction(tail, tail_doc, res.head, res.head_doc, k, w)
            self._spill(jh, jp + (self.tokens - tail.shape[0]))
        self._spill(res.fp_hash, res.fp_pos + self.tokens)
        frame_base = len(self.frame_offsets) - 1
        for data in res.frames:
            self.text.write(data)
            self.frame_offsets.append(self.frame_offsets[-1] + len(data))
        rows = np.zeros(len(seg_docs), dtype=SEGMENT)
        rows["doc"] = seg_docs
        rows["frame"] = res.layout[:, 0] + frame_base
        rows["offset"] = res.layout[:, 1]
        rows["length"] = res.layout[:, 2]
        rows["token"] = self.tokens + np.concatenate([[0], np.cumsum(res.tokens)[:-1]])
        rows["char"] = seg_chars
        self.segments.append(rows)
        self.tokens += int(res.tokens.sum())
        if res.tail.shape[0]:
            self.prev_tail = (res.tail, res.tail_doc)

    def abort(self) -> None:
        """Close every file and remove the unfinished shard."""
        self.text.close()
        for fh in self.spill.values():
            fh.close()
        shutil.rmtree(self.path, ignore_errors=True)

    def finish(self, sources: dict[str, list[Any]]) -> int:
        self.text.close()
        for fh in self.spill.values():
            fh.close()
        segs = np.concatenate(self.segments) if self.segments else np.zeros(0, dtype=SEGMENT)
        np.save(self.path / "segments.npy", segs)
        np.save(self.path / "frames.npy", np.asarray(self.frame_offsets, dtype=np.uint64))
        pq.write_table(pa.table({c: sources[c] for c in SOURCE_COLUMNS}),
                       self.path / "sources.parquet")
        bits = finish_fingerprints(self.path / "spill", self.path, self.fingerprints)
        shutil.rmtree(self.path / "spill")
        kept = int(np.load(self.path / "fp_lo.npy", mmap_mode="r").shape[0])
        _write_json(self.path / "shard.json", {"bits": bits, "tokens": self.tokens,
                                               "fingerprints": kept,
                                               "sources": len(sources["id"])})
        return kept


def _existing(index: Path, shards: list[str]) -> dict[str, str]:
    seen: dict[str, str] = {}
    for name in shards:
        table = pq.read_table(index / name / "sources.parquet", columns=["id", "sha256"])
        seen.update(zip(table["id"].to_pylist(), table["sha256"].to_pylist(), strict=True))
    return seen


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build_index(
    sources: Iterable[Source],
    out: str | Path,
    settings: IndexSettings | None = None,
    *,
    workers: int | None = None,
    level: int = 3,
    progress: Callable[[int, int], None] | None = None,
) -> BuildStats:
    """Index ``sources`` into ``out`` (created, or added to as a new shard).

    A source whose id is already indexed with the same text is skipped; the same id with
    different text raises InputError. ``workers`` processes fingerprint batches (default: the
    CPU count; 0 works in this process). ``progress(sources, bytes)`` is called per batch.
    """
    started = time.perf_counter()
    out = Path(out)
    if (out / "index.json").exists():
        have, shards = read_settings(out)
        if settings is not None and settings != have:
            raise InputError(f"{out}: index was built with {have}; cannot add with {settings}")
        settings = have
    else:
        settings = settings or IndexSettings()
        if settings.profile not in PROFILES:
            raise InputError(f"unknown profile {settings.profile!r}; one of {', '.join(PROFILES)}")
        if settings.k < 2 or settings.w < 1:
            raise InputError("k must be at least 2 and w at least 1")
        out.mkdir(parents=True, exist_ok=True)
        shards = []
    for stale in out.glob("shard-*"):
        if stale.name not in shards:
            shutil.rmtree(stale)  # left by a killed build
    seen = _existing(out, shards)
    name = f"shard-{len(shards):04d}"
    writer: _ShardWriter | None = None
    cols: dict[str, list[Any]] = {c: [] for c in SOURCE_COLUMNS}
    added = skipped = nbytes = 0
    nproc = (os.cpu_count() or 1) if workers is None else workers
    pool = ProcessPoolExecutor(max_workers=nproc) if nproc > 0 else None
    inflight: deque[tuple[Future[BatchResult] | BatchResult, list[int], list[int], bool]] = deque()

    def drain(limit: int) -> None:
        assert writer is not None
        while len(inflight) > limit:
            fut, docs, chars, cont = inflight.popleft()
            res = fut.result() if isinstance(fut, Future) else fut
            writer.add(res, docs, chars, cont)
            if progress:
                progress(added, nbytes)

    batch: list[str] = []
    docs: list[int] = []
    chars: list[int] = []
    first_continues = False

    def submit() -> None:
        nonlocal batch, docs, chars, first_continues
        if not batch:
            return
        args = (batch, docs, settings.profile, settings.k, settings.w, level)
        job: Future[BatchResult] | BatchResult = (
            pool.submit(fingerprint_batch, *args) if pool else fingerprint_batch(*args))
        inflight.append((job, docs, chars, first_continues))
        drain(2 * max(nproc, 1))
        batch, docs, chars, first_continues = [], [], [], False

    try:
        size = 0
        for src in sources:
            sha = digest(src.text)
            if src.id in seen:
                if seen.get(src.id) == sha:
                    skipped += 1
                    continue
                raise InputError(f"source {src.id!r} is already indexed with different text; "
                                 "index it under another id or build a new index")
            seen[src.id] = sha
            if writer is None:
                writer = _ShardWriter(out / name, settings)
            doc = len(cols["id"])
            for c, v in (("id", src.id), ("license", src.license), ("url", src.url),
                         ("title", src.title), ("author", src.author),
                         ("category", src.category), ("item_id", src.item_id),
                         ("chars", len(src.text)), ("sha256", sha)):
                cols[c].append(v)
            at = 0
            for piece in _segments(src.text):
                if size + len(piece) > BATCH_CHARS and batch:
                    submit()
                    size = 0
                    first_continues = at > 0
                batch.append(piece)
                docs.append(doc)
                chars.append(at)
                at += len(piece)
                size += len(piece)
            added += 1
            nbytes += len(src.text.encode("utf-8")) if not src.text.isascii() else len(src.text)
        submit()
        if writer is None:
            return BuildStats(str(out), None, 0, skipped, 0, 0, 0, _size(out),
                              time.perf_counter() - started)
        drain(0)
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
    seg = np.concatenate(writer.segments) if writer.segments else np.zeros(0, dtype=SEGMENT)
    per_doc = np.bincount(seg["doc"].astype(np.int64), minlength=len(cols["id"]))
    first = np.searchsorted(seg["doc"], np.arange(len(cols["id"])))
    toks = np.append(seg["token"].astype(np.int64), writer.tokens)
    ends = np.where(per_doc > 0, first + per_doc, first)
    cols["tokens"] = (toks[ends] - toks[first]).tolist()
    fps = writer.finish(cols)
    _write_json(out / "index.json", {
        "format": FORMAT, "profile": settings.profile, "k": settings.k, "w": settings.w,
        "shards": [*shards, name], "updated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    })
    return BuildStats(str(out), name, added, skipped, nbytes, writer.tokens, fps, _size(out),
                      time.perf_counter() - started)
