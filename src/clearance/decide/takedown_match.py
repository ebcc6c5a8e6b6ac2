# SPDX-License-Identifier: Apache-2.0
"""Match a table of items against the takedown requests in force, vectorised.

Each kind of request is one join: ``url`` on the URL key, ``url_prefix`` on the host then a
vectorised ``starts_with``, ``domain`` on the suffixes of each distinct host, ``sha256`` on
``content_sha256``, ``creator`` on the lower-cased, space-collapsed creator. An item named
by several requests gets every id. :func:`match_takedowns` is what the scan engine and the
gate call; :func:`affected_items` is the per-dataset report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl
import pyarrow as pa

from clearance.decide.matching import key_hosts, keyed_urls, match_domains, match_values

__all__ = [
    "TakedownMatch",
    "affected_items",
    "match_counts",
    "match_takedowns",
    "report_manifest",
]


@dataclass(frozen=True, slots=True)
class TakedownMatch:
    """The ``takedown`` column (request ids, comma-joined, or null) and the (row, id) pairs."""

    column: pa.Array
    pairs: pl.DataFrame


def _col(frame: pl.DataFrame, name: str) -> pl.Series:
    if name in frame.columns:
        return frame[name].cast(pl.String)
    return pl.Series(name, [None] * frame.height, dtype=pl.String)


def match_takedowns(table: pa.Table | pl.DataFrame, requests: pl.DataFrame) -> TakedownMatch:
    """Return which rows each request in ``requests`` (``request_id``, ``kind``, ``key``) names.

    Reads ``url``, ``host``, ``content_sha256`` and ``creator`` when present.
    """
    frame = (
        table
        if isinstance(table, pl.DataFrame)
        else pl.from_arrow(
            table.select(
                [c for c in ("url", "host", "content_sha256", "creator") if c in table.column_names]
            )
        )
    )
    assert isinstance(frame, pl.DataFrame)
    n = frame.height
    req = requests.with_row_index("entry").with_columns(pl.col("entry").cast(pl.Int64))

    def of(kind: str, name: str) -> pl.DataFrame:
        return req.filter(pl.col("kind") == kind).select(pl.col("key").alias(name), "entry")

    hosts = frame["host"] if "host" in frame.columns else None
    kinds = set(req["kind"].to_list())
    found: list[pl.DataFrame] = []
    if kinds & {"url", "url_prefix"}:
        listed = pl.concat([of("url", "key"), of("url_prefix", "key")])
        keyed = keyed_urls(_col(frame, "url"), hosts, key_hosts(listed["key"]))
        exact = of("url", "key").join(keyed, on="key", how="inner").select("row", "entry")
        prefixes = of("url_prefix", "pkey").with_columns(
            pl.col("pkey").str.extract(r"^([^/?]*)").alias("phost")
        )
        under = (
            keyed.join(prefixes, on="phost", how="inner")
            .filter(pl.col("key").str.starts_with(pl.col("pkey")))
            .select("row", "entry")
        )
        found += [exact, under]
    if "domain" in kinds:
        found.append(match_domains(_col(frame, "host"), of("domain", "domain"), best_only=False))
    if "sha256" in kinds:
        digests = _col(frame, "content_sha256").str.to_lowercase()
        found.append(match_values(digests, of("sha256", "value"), best_only=False))
    if "creator" in kinds:
        creators = (
            _col(frame, "creator").str.replace_all(r"\s+", " ").str.strip_chars().str.to_lowercase()
        )
        found.append(match_values(creators, of("creator", "value"), best_only=False))
    found.append(pl.DataFrame(schema={"row": pl.UInt32, "entry": pl.Int64}))
    pairs = (
        pl.concat(
            [f.select(pl.col("row").cast(pl.UInt32), pl.col("entry").cast(pl.Int64)) for f in found]
        )
        .join(req.select("entry", "request_id"), on="entry")
        .select("row", "request_id")
        .unique()
        .sort("row", "request_id")
    )
    joined = pairs.group_by("row").agg(pl.col("request_id").sort().str.join(",").alias("ids"))
    column = pl.DataFrame({"row": pl.arange(0, n, dtype=pl.UInt32, eager=True)}).join(
        joined, on="row", how="left", maintain_order="left"
    )["ids"]
    return TakedownMatch(column.to_arrow().cast(pa.string()), pairs)


def match_counts(table: pa.Table | pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """Return items per ``request_id``, ``dataset_name`` and ``dataset_version``."""
    frame = table if isinstance(table, pl.DataFrame) else pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    meta = pl.DataFrame(
        {
            "dataset_name": _col(frame, "dataset_name"),
            "dataset_version": _col(frame, "dataset_version"),
        }
    ).with_row_index("row")
    return (
        pairs.join(meta, on="row")
        .group_by("request_id", "dataset_name", "dataset_version")
        .agg(pl.len().alias("items"))
        .sort("request_id", "dataset_name", "dataset_version", nulls_last=True)
    )


def affected_items(table: pa.Table | pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """Return one row per (item, request): dataset, version, item id, url, source row, request."""
    frame = table if isinstance(table, pl.DataFrame) else pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    cols = ("dataset_name", "dataset_version", "item_id", "url", "source_file", "source_row")
    meta = pl.DataFrame({c: _col(frame, c) for c in cols}).with_row_index("row")
    return (
        pairs.join(meta, on="row")
        .select(*cols, "request_id")
        .sort("dataset_name", "dataset_version", "request_id", "item_id", nulls_last=True)
    )


def report_manifest(
    source: Any,
    requests: pl.DataFrame,
    *,
    mapping: Mapping[str, str] | None = None,
    fmt: str | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Return (items per request, dataset and version; affected items; rows read) for a manifest.

    Reads the manifest batch by batch (rejected rows are skipped) and matches each batch
    against ``requests`` (:meth:`TakedownLedger.in_force`).
    """
    from clearance.ingest.manifest import ManifestReader

    reader = ManifestReader(source, mapping=mapping, on_error="skip", fmt=fmt)
    counts: list[pl.DataFrame] = []
    items: list[pl.DataFrame] = []
    for batch in reader:
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        hit = match_takedowns(frame, requests)
        if hit.pairs.height:
            counts.append(match_counts(frame, hit.pairs))
            items.append(affected_items(frame, hit.pairs))
    if counts:
        total = (
            pl.concat(counts)
            .group_by("request_id", "dataset_name", "dataset_version")
            .agg(pl.col("items").sum())
            .sort("request_id", "dataset_name", "dataset_version", nulls_last=True)
        )
        return total, pl.concat(items), reader.rows_read
    empty = pl.DataFrame(
        schema={"request_id": pl.String, "dataset_name": pl.String,
                "dataset_version": pl.String, "items": pl.UInt32}
    )  # fmt: skip
    cols = ("dataset_name", "dataset_version", "item_id", "url", "source_file", "source_row",
            "request_id")  # fmt: skip
    return empty, pl.DataFrame(schema={c: pl.String for c in cols}), reader.rows_read
