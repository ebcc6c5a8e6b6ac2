# SPDX-License-Identifier: Apache-2.0
"""The image index: one record per image or listed hash, its signatures, saved as a folder.

Layout of an index folder (every array a ``.npy`` file, memory-mapped on load)::

    index.json        format, version, signature parameters, counts, sources; written last
    records.parquet   record, source, collection, license, owner, url, kind, sha256, sizes,
                      pdq_quality, kp_start, kp_count, thumb_start, thumb_len
    pdq.npy           (rows, 4) uint64 PDQ hashes; pdq_record.npy, pdq_view.npy (0 = whole
                      frame, i = CROP_SCALES[i - 1]); pdq_mih_order.npy, pdq_mih_offsets.npy
                      the multi-index tables (mih.py)
    phash.npy         (rows, 4) uint64 pHashes; phash_record.npy; phash_mih_*.npy
    kp_xy.npy         (n, 2) float32 keypoint positions; kp_desc.npy (n, 32) uint8 ORB
    vote_keys.npy     (TABLES, n) uint32 sorted keys; vote_rows.npy their descriptor rows
    thumbs.bin        JPEG thumbnails back to back

``kind`` is ``image`` (all signatures), ``pdq`` (a known-works PDQ hash only) or ``sha256``
(a known-works exact hash only). The folder is built beside its destination and renamed into
place, so a reader never sees half an index.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from clearance.errors import InputError
from clearance.redteam.images import keypoints as kp
from clearance.redteam.images.decode import HASH_SIDE, WORK_SIDE
from clearance.redteam.images.hashes import PHASH_SIZE, hex_to_words
from clearance.redteam.images.mih import MultiIndex
from clearance.redteam.images.signatures import CROP_SCALES, IndexSignature, index_signature
from clearance.redteam.images.sources import SourceItem, embedded_rights

__all__ = ["FORMAT", "VERSION", "BuildStats", "ImageIndex", "build_index", "load_index"]

logger = logging.getLogger(__name__)

FORMAT = "clearance-image-index"
VERSION = 1
_ARRAYS = ("pdq", "pdq_record", "pdq_view", "phash", "phash_record", "kp_xy", "kp_desc",
           "vote_keys", "vote_rows", "pdq_mih_order", "pdq_mih_offsets", "phash_mih_order",
           "phash_mih_offsets")  # fmt: skip


@dataclass(frozen=True, slots=True)
class BuildStats:
    """What building an index did: images indexed, hash-only entries, what could not be read."""

    images: int = 0
    hash_only: int = 0
    unreadable: int = 0
    unreadable_examples: tuple[str, ...] = ()
    remote_skipped: int = 0


def _params(n_keypoints: int) -> dict[str, object]:
    return {
        "work_side": WORK_SIDE,
        "hash_side": HASH_SIDE,
        "crop_scales": list(CROP_SCALES),
        "phash_size": PHASH_SIZE,
        "max_keypoints": n_keypoints,
        "vote_tables": kp.TABLES,
        "vote_key_bits": kp.KEY_BITS,
    }


@dataclass(slots=True)
class ImageIndex:
    """An index in memory: records, hash rows, keypoints, vote tables, thumbnails."""

    records: pl.DataFrame
    arrays: dict[str, np.ndarray]
    thumbs: bytes | np.ndarray
    meta: dict[str, object] = field(default_factory=dict)
    _pdq: MultiIndex | None = None
    _phash: MultiIndex | None = None
    _sha: dict[str, list[int]] | None = None
    _votes: kp.VoteIndex | None = None

    def __len__(self) -> int:
        return self.records.height

    def _multi(self, name: str) -> MultiIndex:
        order, offsets = (
            self.arrays.get(f"{name}_mih_order"),
            self.arrays.get(f"{name}_mih_offsets"),
        )
        if order is not None and offsets is not None:
            return MultiIndex(self.arrays[name], order, offsets)
        return MultiIndex.build(np.asarray(self.arrays[name]))

    @property
    def pdq_index(self) -> MultiIndex:
        """Return the multi-index over the PDQ rows (saved with the index, else built)."""
        if self._pdq is None:
            self._pdq = self._multi("pdq")
        return self._pdq

    @property
    def phash_index(self) -> MultiIndex:
        """Return the multi-index over the pHash rows (saved with the index, else built)."""
        if self._phash is None:
            self._phash = self._multi("phash")
        return self._phash

    @property
    def votes(self) -> kp.VoteIndex:
        """Return the keypoint vote index."""
        if self._votes is None:
            desc_record = np.repeat(
                np.arange(self.records.height, dtype=np.int32),
                self.records["kp_count"].to_numpy().astype(np.int64),
            )
            self._votes = kp.VoteIndex(
                self.arrays["vote_keys"],
                self.arrays["vote_rows"],
                desc_record,
                self.arrays["kp_desc"],
            )
        return self._votes

    @property
    def has_hash_only_pdq(self) -> bool:
        """Return True when the index holds known-works entries that only have a PDQ hash."""
        return bool((self.records["kind"] == "pdq").any())

    def by_sha256(self, digest: str) -> list[int]:
        """Return the records whose bytes (or listed exact hash) have this SHA-256."""
        if self._sha is None:
            table: dict[str, list[int]] = {}
            for rec, sha in self.records.select("record", "sha256").iter_rows():
                if sha:
                    table.setdefault(sha, []).append(int(rec))
            self._sha = table
        return self._sha.get(digest, [])

    def keypoints(self, record: int) -> kp.Keypoints:
        """Return the stored keypoints of a record."""
        start = int(self.records["kp_start"][record])
        count = int(self.records["kp_count"][record])
        return kp.Keypoints(
            np.asarray(self.arrays["kp_xy"][start : start + count]),
            np.asarray(self.arrays["kp_desc"][start : start + count]),
        )

    def thumbnail(self, record: int) -> bytes | None:
        """Return the JPEG thumbnail of a record, or None when it has none."""
        start = int(self.records["thumb_start"][record])
        length = int(self.records["thumb_len"][record])
        if length <= 0:
            return None
        return bytes(self.thumbs[start : start + length])

    def record(self, record: int) -> dict[str, object]:
        """Return one record as a dict."""
        return self.records.row(record, named=True)

    def save(self, out: str | Path, *, overwrite: bool = False) -> Path:
        """Write the index folder at ``out`` atomically; refuse to replace a non-index."""
        out = Path(out)
        if out.exists():
            if not (out / "index.json").is_file():
                raise InputError(f"{out}: exists and is not an image index; choose another --out")
            if not overwrite:
                raise InputError(f"{out}: an index is already there (use --overwrite)")
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        try:
            self.records.write_parquet(tmp / "records.parquet")
            for name in _ARRAYS:
                np.save(tmp / f"{name}.npy", np.asarray(self.arrays[name]))
            (tmp / "thumbs.bin").write_bytes(bytes(self.thumbs))
            meta = dict(self.meta, format=FORMAT, version=VERSION, records=self.records.height)
            (tmp / "index.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
            if out.exists():
                old = out.with_name(f".{out.name}.old")
                shutil.rmtree(old, ignore_errors=True)
                os.replace(out, old)
                os.replace(tmp, out)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(tmp, out)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return out


def load_index(path: str | Path) -> ImageIndex:
    """Return the index saved at ``path``, arrays memory-mapped; InputError if it is not one."""
    path = Path(path)
    manifest = path / "index.json"
    if not manifest.is_file():
        raise InputError(
            f"{path}: not an image index (no index.json); build one with "
            "'clearance redteam images index'"
        )
    try:
        meta = json.loads(manifest.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{manifest}: unreadable: {exc}") from exc
    if meta.get("format") != FORMAT or meta.get("version") != VERSION:
        raise InputError(
            f"{path}: index format {meta.get('format')!r} version "
            f"{meta.get('version')!r}; this clearance reads {FORMAT} {VERSION}"
        )
    try:
        records = pl.read_parquet(path / "records.parquet")
        arrays = {n: np.load(path / f"{n}.npy", mmap_mode="r") for n in _ARRAYS}
        size = (path / "thumbs.bin").stat().st_size
        thumbs: bytes | np.ndarray = (
            np.memmap(path / "thumbs.bin", dtype=np.uint8, mode="r") if size else b""
        )
    except (OSError, ValueError, pl.exceptions.PolarsError) as exc:
        raise InputError(f"{path}: the index is damaged: {exc}") from exc
    if records.height != meta.get("records"):
        raise InputError(f"{path}: the index is damaged: record count does not match index.json")
    return ImageIndex(records, arrays, thumbs, meta)


def _sign(
    item: SourceItem, n_keypoints: int, want_rights: bool
) -> tuple[IndexSignature | None, str | None, str | None, str | None]:
    try:
        data = item.data if item.data is not None else Path(str(item.path)).read_bytes()
        sig = index_signature(data, n_keypoints)
    except Exception as exc:  # hostile input: any decoder failure is one unreadable image
        return None, f"{item.source}: {type(exc).__name__}: {exc}", None, None
    licence = owner = None
    if want_rights and (item.license is None or item.owner is None):
        try:
            licence, owner = embedded_rights(data, item.source)
        except Exception:  # metadata is a bonus; never fail the image over it
            licence = owner = None
    return sig, None, licence, owner


def _sign_chunk(
    chunk: list[SourceItem], n_keypoints: int, want_rights: bool
) -> list[tuple[IndexSignature | None, str | None, str | None, str | None]]:
    return [_sign(item, n_keypoints, want_rights) for item in chunk]


def _signed(
    items: Sequence[SourceItem],
    n_keypoints: int,
    want_rights: bool,
    workers: int,
    progress: Callable[[int], None] | None,
) -> Iterable[tuple[IndexSignature | None, str | None, str | None, str | None]]:
    chunk = 32
    chunks = [list(items[i : i + chunk]) for i in range(0, len(items), chunk)]
    if workers <= 1 or len(chunks) <= 1:
        for part in chunks:
            done = _sign_chunk(part, n_keypoints, want_rights)
            if progress:
                progress(len(part))
            yield from done
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_sign_chunk, part, n_keypoints, want_rights) for part in chunks]
        for part, future in zip(chunks, futures, strict=True):
            done = future.result()
            if progress:
                progress(len(part))
            yield from done


def build_index(
    items: Sequence[SourceItem],
    *,
    n_keypoints: int = kp.MAX_KEYPOINTS,
    workers: int = 1,
    embedded: bool = True,
    sources: Sequence[str] = (),
    progress: Callable[[int], None] | None = None,
    remote_skipped: int = 0,
) -> tuple[ImageIndex, BuildStats]:
    """Return the index of ``items`` and what building it did.

    Images are decoded and hashed in ``workers`` processes; one that cannot be decoded is
    counted (with up to five examples) and left out. ``embedded`` reads licence and owner
    from an image's own metadata when the item does not state them.
    """
    rows: list[dict[str, object]] = []
    pdq: list[np.ndarray] = []
    pdq_record: list[int] = []
    pdq_view: list[int] = []
    phash: list[np.ndarray] = []
    phash_record: list[int] = []
    kp_xy: list[np.ndarray] = []
    kp_desc: list[np.ndarray] = []
    thumbs = bytearray()
    unreadable: list[str] = []
    kp_start = 0
    images = [i for i in items if i.pdq is None and i.sha256 is None]
    listed = [i for i in items if i.pdq is not None or i.sha256 is not None]
    for item, (sig, error, licence, owner) in zip(
        images, _signed(images, n_keypoints, embedded, workers, progress), strict=True
    ):
        if sig is None:
            unreadable.append(str(error))
            continue
        rec = len(rows)
        rows.append({
            "record": rec, "source": item.source, "collection": item.collection,
            "license": item.license or licence, "owner": item.owner or owner, "url": item.url,
            "kind": "image", "sha256": sig.sha256, "width": sig.width, "height": sig.height,
            "work_width": sig.work_width, "work_height": sig.work_height,
            "pdq_quality": sig.pdq_quality, "kp_start": kp_start,
            "kp_count": len(sig.keypoints), "thumb_start": len(thumbs),
            "thumb_len": len(sig.thumbnail),
        })  # fmt: skip
        for view, value in enumerate(sig.pdq):
            pdq.append(value)
            pdq_record.append(rec)
            pdq_view.append(view)
        phash.append(sig.phash)
        phash_record.append(rec)
        kp_xy.append(sig.keypoints.xy)
        kp_desc.append(sig.keypoints.descriptors)
        kp_start += len(sig.keypoints)
        thumbs += sig.thumbnail
    for item in listed:
        rec = len(rows)
        rows.append({
            "record": rec, "source": item.source, "collection": item.collection,
            "license": item.license, "owner": item.owner, "url": item.url,
            "kind": "pdq" if item.pdq else "sha256", "sha256": item.sha256, "width": None,
            "height": None, "work_width": None, "work_height": None,
            "pdq_quality": None, "kp_start": kp_start, "kp_count": 0,
            "thumb_start": len(thumbs), "thumb_len": 0,
        })  # fmt: skip
        if item.pdq:
            pdq.append(hex_to_words([item.pdq])[0])
            pdq_record.append(rec)
            pdq_view.append(0)
    records = pl.DataFrame(rows, schema=_SCHEMA)
    desc = np.concatenate(kp_desc) if kp_desc else np.zeros((0, 32), np.uint8)
    desc_record = np.repeat(
        np.arange(records.height, dtype=np.int32), records["kp_count"].to_numpy().astype(np.int64)
    )
    votes = kp.VoteIndex.build(desc, desc_record)
    arrays: dict[str, np.ndarray] = {
        "pdq": np.array(pdq, dtype=np.uint64).reshape(-1, 4),
        "pdq_record": np.array(pdq_record, dtype=np.int32),
        "pdq_view": np.array(pdq_view, dtype=np.int8),
        "phash": np.array(phash, dtype=np.uint64).reshape(-1, 4),
        "phash_record": np.array(phash_record, dtype=np.int32),
        "kp_xy": np.concatenate(kp_xy) if kp_xy else np.zeros((0, 2), np.float32),
        "kp_desc": desc,
        "vote_keys": votes.keys,
        "vote_rows": votes.rows,
    }
    for name in ("pdq", "phash"):
        tables = MultiIndex.build(arrays[name])
        arrays[f"{name}_mih_order"] = tables.order
        arrays[f"{name}_mih_offsets"] = tables.offsets
    stats = BuildStats(
        images=len(images) - len(unreadable),
        hash_only=len(listed),
        unreadable=len(unreadable),
        unreadable_examples=tuple(unreadable[:5]),
        remote_skipped=remote_skipped,
    )
    meta: dict[str, object] = {
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "parameters": _params(n_keypoints),
        "sources": list(sources),
        "images": stats.images,
        "hash_only": stats.hash_only,
        "unreadable": stats.unreadable,
        "remote_skipped": remote_skipped,
    }
    return ImageIndex(records, arrays, bytes(thumbs), meta), stats


_SCHEMA = {
    "record": pl.Int32, "source": pl.String, "collection": pl.String, "license": pl.String,
    "owner": pl.String, "url": pl.String, "kind": pl.String, "sha256": pl.String,
    "width": pl.Int32, "height": pl.Int32, "work_width": pl.Int32, "work_height": pl.Int32,
    "pdq_quality": pl.Int16, "kp_start": pl.Int64, "kp_count": pl.Int32,
    "thumb_start": pl.Int64, "thumb_len": pl.Int32,
}  # fmt: skip
