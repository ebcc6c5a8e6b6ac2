# SPDX-License-Identifier: Apache-2.0
"""Known works: lists of protected works to exclude, by exact SHA-256 or PDQ perceptual hash.

A list is a CSV, TSV, JSON Lines or Parquet file with either ``kind`` (``sha256`` | ``pdq``)
and ``hash`` columns or a ``sha256`` and/or ``pdq`` column, plus optional ``work``,
``rightsholder`` and ``reference``; or a text file of ``sha256:<hex>`` / ``pdq:<hex>`` lines.
The list's name is the file name without extension. SHA-256 hits are a join on
``content_sha256``; PDQ hits need the image's bytes (``file_path``) or a ``pdq`` column on
the item table, and match within a Hamming distance (31 by default). A hit reads
``list: sha256 <work>`` or ``list: pdq distance 12 <work>``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

from clearance.decide.pdq import (
    DEFAULT_MIN_QUALITY,
    DEFAULT_THRESHOLD,
    hash_files,
    hex_to_words,
    nearest,
)
from clearance.errors import InputError

__all__ = ["KnownWorks", "KnownWorksMatch", "load_known_works", "match_known_works"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class KnownWorks:
    """One loaded list: exact hashes (``sha256``, ``work``) and PDQ hashes with their labels."""

    name: str
    path: str
    sha256: pl.DataFrame
    pdq: np.ndarray
    pdq_works: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KnownWorksMatch:
    """The ``known_work`` column and what the PDQ step could not read."""

    column: pa.Array
    sha256_hits: int
    pdq_hits: int
    images_hashed: int
    unreadable: int
    missing: int
    low_quality: int


def _read_table(path: Path) -> pl.DataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".tsv"):
            return pl.read_csv(
                path, separator="\t" if suffix == ".tsv" else ",", infer_schema=False
            )
        if suffix in (".jsonl", ".ndjson"):
            return pl.read_ndjson(path, infer_schema_length=None)
        if suffix in (".parquet", ".pq"):
            return pl.read_parquet(path)
        lines = [ln.split("#", 1)[0].strip() for ln in path.read_text("utf-8").splitlines()]
        pairs = [ln.split(":", 1) for ln in lines if ln]
        if any(len(p) != 2 for p in pairs):
            raise InputError(f"{path}: text lists need 'sha256:<hex>' or 'pdq:<hex>' lines")
        return pl.DataFrame(
            {"kind": [p[0].strip().lower() for p in pairs], "hash": [p[1].strip() for p in pairs]}
        )
    except (OSError, UnicodeDecodeError, pl.exceptions.PolarsError) as exc:
        raise InputError(f"{path}: cannot read the known-works list: {exc}") from exc


def load_known_works(path: str | Path, name: str | None = None) -> KnownWorks:
    """Return the known-works list in ``path``; raise InputError naming the file and row."""
    path = Path(path)
    frame = _read_table(path)
    label = pl.col("work").cast(pl.String) if "work" in frame.columns else pl.lit(None, pl.String)
    if {"kind", "hash"} <= set(frame.columns):
        long = frame.select(
            pl.col("kind").cast(pl.String).str.to_lowercase(),
            pl.col("hash").cast(pl.String),
            label.alias("work"),
        )
    else:
        parts = [
            frame.select(
                pl.lit(k).alias("kind"),
                pl.col(k).cast(pl.String).alias("hash"),
                label.alias("work"),
            )
            for k in ("sha256", "pdq")
            if k in frame.columns
        ]
        if not parts:
            raise InputError(f"{path}: needs 'kind' and 'hash' columns, or 'sha256' / 'pdq'")
        long = pl.concat(parts)
    long = (
        long.with_row_index("row", offset=1)
        .drop_nulls("hash")
        .with_columns(
            pl.col("hash").str.strip_chars().str.to_lowercase().str.replace(r"^sha256:", "")
        )
    )
    bad_kind = long.filter(~pl.col("kind").is_in(["sha256", "pdq"]))
    if bad_kind.height:
        row = bad_kind.row(0, named=True)
        raise InputError(f"{path}: row {row['row']}: kind {row['kind']!r} is not sha256 or pdq")
    sha = long.filter(pl.col("kind") == "sha256")
    bad = sha.filter(~pl.col("hash").str.contains(r"^[0-9a-f]{64}$"))
    if bad.height:
        raise InputError(f"{path}: row {bad['row'][0]}: not a SHA-256: {bad['hash'][0]!r}")
    pdq = long.filter(pl.col("kind") == "pdq")
    try:
        words = hex_to_words(pdq["hash"].to_list())
    except ValueError as exc:
        raise InputError(f"{path}: {exc}") from exc
    works = tuple(
        w or h[:16] for w, h in zip(pdq["work"].to_list(), pdq["hash"].to_list(), strict=True)
    )
    exact = sha.select(
        pl.col("hash").alias("sha256"),
        pl.coalesce("work", pl.col("hash").str.slice(0, 16)).alias("work"),
    )
    return KnownWorks(
        name or path.stem, str(path), exact.unique("sha256", keep="first"), words, works
    )


def _sha_hits(frame: pl.DataFrame, lists: Sequence[KnownWorks]) -> pl.Series:
    digests = (
        frame["content_sha256"].cast(pl.String).str.to_lowercase()
        if "content_sha256" in frame.columns
        else pl.Series([None] * frame.height, dtype=pl.String)
    )
    keyed = pl.DataFrame({"sha256": digests}).with_row_index("row")
    hits = pl.Series("known_work", [None] * frame.height, dtype=pl.String)
    for kw in lists:
        joined = keyed.join(kw.sha256, on="sha256", how="left", maintain_order="left")
        text = pl.format(f"{kw.name}: sha256 {{}}", joined["work"])
        hits = pl.select(pl.coalesce(pl.lit(hits), text)).to_series()
    return hits


def match_known_works(
    table: pa.Table | pl.DataFrame,
    lists: Sequence[KnownWorks],
    *,
    base_dir: Path | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    min_quality: int = DEFAULT_MIN_QUALITY,
    hash_images: bool = True,
) -> KnownWorksMatch:
    """Return the ``known_work`` column for ``table`` (row order), sha256 first, then PDQ.

    PDQ is tried for rows not already hit whose ``modality`` is image: from a ``pdq`` column
    when the table has one, else (``hash_images``) by hashing the file at ``file_path``.
    """
    frame = table if isinstance(table, pl.DataFrame) else pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    hits = _sha_hits(frame, lists)
    sha_count = int(hits.is_not_null().sum())
    listed = [(kw, i) for kw in lists for i in range(len(kw.pdq_works))]
    pdq_count = hashed = unreadable = missing = low = 0
    if listed and "modality" in frame.columns:
        todo = frame.with_row_index("__row").filter(
            (pl.col("modality") == "image") & hits.is_null()
        )
        if "pdq" in todo.columns:
            values: list[str | None] = todo["pdq"].cast(pl.String).to_list()
            scores: list[int | None] = [100 if v else None for v in values]
        elif hash_images and "file_path" in todo.columns:
            result = hash_files(todo["file_path"].to_list(), base_dir)
            values, scores = result.hashes, result.quality
            unreadable, missing = result.unreadable, result.missing
        else:
            values, scores = [], []
        keep = [
            i
            for i, (v, q) in enumerate(zip(values, scores, strict=True))
            if v is not None and q is not None and q >= min_quality
        ]
        low = sum(
            1
            for v, q in zip(values, scores, strict=True)
            if v is not None and q is not None and q < min_quality
        )
        hashed = sum(1 for v in values if v is not None)
        if keep:
            try:
                query = hex_to_words([str(values[i]) for i in keep])
            except ValueError as exc:
                raise InputError(f"pdq column: {exc}") from exc
            every = np.concatenate([kw.pdq for kw in lists if len(kw.pdq)])
            dist, where = nearest(query, every)
            rows = todo["__row"].to_list()
            found: dict[int, str] = {}
            for k, (d, w) in enumerate(zip(dist.tolist(), where.tolist(), strict=True)):
                if d <= threshold:
                    kw, j = listed[w]
                    found[rows[keep[k]]] = f"{kw.name}: pdq distance {d} {kw.pdq_works[j]}"
            pdq_count = len(found)
            if found:
                extra = pl.DataFrame(
                    {"__row": list(found), "t": list(found.values())},
                    schema={"__row": pl.UInt32, "t": pl.String},
                )
                base = pl.DataFrame({"k": hits}).with_row_index("__row")
                hits = (
                    base.join(extra, on="__row", how="left", maintain_order="left")
                    .select(pl.coalesce("k", "t"))
                    .to_series()
                )
    if low:
        logger.info(
            "known works: %d images with PDQ quality below %d not matched", low, min_quality
        )
    return KnownWorksMatch(
        hits.to_arrow().cast(pa.string()), sha_count, pdq_count, hashed, unreadable, missing, low
    )
