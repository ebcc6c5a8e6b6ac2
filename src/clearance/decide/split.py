# SPDX-License-Identifier: Apache-2.0
"""Write the approved / restricted / prohibited manifests, in the input's own format.

Each output row is the input row as the manifest holds it plus two columns, ``tier`` and
``tier_reasons`` (``clearance_tier`` / ``clearance_tier_reasons`` in a file that already uses
those names). Rows are matched to their decision by ``(source_file, source_row)``, so the
original columns, order and values survive: JSON Lines lines are copied verbatim with the two
keys spliced in; CSV and TSV rows keep their text fields; Parquet keeps its types. Formats
without a row-oriented text form (WebDataset, media directories, Arrow, Hugging Face) are
written as Parquet of the columns as read. Rows the ingest rejected are not written (they
are in ``rejects.jsonl``).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from clearance.decide.policy import TIERS
from clearance.ingest.readers.base import iter_lines
from clearance.ingest.readers.detect import plan_reading

__all__ = ["output_extension", "write_split_stream"]

logger = logging.getLogger(__name__)

_EXT = {"csv": "csv", "tsv": "tsv", "jsonl": "jsonl", "parquet": "parquet"}


def output_extension(fmt: str) -> str:
    """Return the extension the split manifests get for an input format."""
    return _EXT.get(fmt, "parquet")


def _names(columns: list[str]) -> tuple[str, str]:
    if "tier" in columns or "tier_reasons" in columns:
        return "clearance_tier", "clearance_tier_reasons"
    return "tier", "tier_reasons"


class _Writers:
    """One open writer per tier, created on first use, in one output format."""

    def __init__(self, out: Path, fmt: str) -> None:
        self.out, self.fmt = out, fmt
        self.ext = output_extension(fmt)
        self.paths = {t: out / f"{t}.{self.ext}" for t in TIERS}
        # written under temporary names, renamed into place when all three are complete
        self.partial = {t: p.with_name(f".{p.name}.tmp") for t, p in self.paths.items()}
        self.counts = {t: 0 for t in TIERS}
        self._handles: dict[str, Any] = {}
        self.schema: pa.Schema | None = None
        self.dropped: set[str] = set()

    def _conform(self, table: pa.Table) -> pa.Table:
        if self.schema is None:
            self.schema = table.schema
            return table
        if table.schema.equals(self.schema):
            return table
        self.dropped |= set(table.column_names) - set(self.schema.names)
        cols = [
            table[f.name].cast(f.type)
            if f.name in table.column_names
            else pa.nulls(table.num_rows, f.type)
            for f in self.schema
        ]
        return pa.Table.from_arrays(cols, schema=self.schema)

    def write_table(self, tier: str, table: pa.Table) -> None:
        table = self._conform(table)
        handle = self._handles.get(tier)
        if handle is None:
            if self.fmt in ("csv", "tsv"):
                options = pacsv.WriteOptions(delimiter="\t" if self.fmt == "tsv" else ",")
                handle = pacsv.CSVWriter(self.partial[tier], table.schema, write_options=options)
            else:
                handle = pq.ParquetWriter(self.partial[tier], table.schema, compression="zstd")
            self._handles[tier] = handle
        handle.write_table(table)
        self.counts[tier] += table.num_rows

    def write_lines(self, tier: str, lines: list[str]) -> None:
        handle = self._handles.get(tier)
        if handle is None:
            handle = self._handles[tier] = self.partial[tier].open("w", encoding="utf-8")
        handle.write("".join(line + "\n" for line in lines))
        self.counts[tier] += len(lines)

    def close(self, *, complete: bool = True) -> dict[str, str]:
        """Close the writers; when ``complete``, rename the three files into place."""
        for handle in self._handles.values():
            handle.close()
        if not complete:
            for path in self.partial.values():
                path.unlink(missing_ok=True)
            return {}
        for tier, path in self.partial.items():  # an empty tier still gets its (empty) file
            if tier not in self._handles:
                if self.fmt in ("csv", "tsv", "jsonl"):
                    path.write_text("", encoding="utf-8")
                elif self.schema is not None:
                    pq.write_table(self.schema.empty_table(), path)
                else:
                    path.write_text("", encoding="utf-8")
        for tier, path in self.partial.items():
            os.replace(path, self.paths[tier])
        return {t: str(p) for t, p in self.paths.items()}


_CLASH = re.compile(r'"tier(?:_reasons)?"\s*:')


def _splice(writers: _Writers, rows: pl.DataFrame, lines: list[str], names: tuple[str, str]
            ) -> None:  # fmt: skip
    """Write ``lines`` (the input lines of ``rows``, in order) with the tier keys spliced in."""
    tier_name, reasons_name = names
    spliced = rows.with_columns(pl.Series("__line", lines, pl.String)).select(
        "tier",
        pl.col("__line").str.strip_chars_end().str.strip_suffix("}").alias("__head"),
        pl.struct(pl.col("tier").alias(tier_name), pl.col("tier_reasons").alias(reasons_name))
        .struct.json_encode().str.slice(1).alias("__tail"),
    ).select(
        "tier",
        pl.when(pl.col("__head").str.strip_chars_end().str.ends_with("{"))
        .then(pl.col("__head") + pl.col("__tail"))
        .otherwise(pl.col("__head") + "," + pl.col("__tail")).alias("__out"),
    )  # fmt: skip
    for tier in TIERS:
        out = spliced.filter(pl.col("tier") == tier)["__out"].to_list()
        if out:
            writers.write_lines(tier, out)


def _write_rows(writers: _Writers, raw: pl.DataFrame, part: pl.DataFrame, text: bool) -> None:
    """Write the rows of one input chunk that have a decision, each to its tier's manifest,
    with the tier and its reasons as two more columns (reasons joined by " | " in text)."""
    tier_name, reasons_name = _names([c for c in raw.columns if c != "source_row"])
    joined = raw.join(part.select("source_row", "tier", "tier_reasons"), on="source_row",
                      how="inner", maintain_order="left")
    reasons = pl.col("tier_reasons").list.join(" | ") if text else pl.col("tier_reasons")
    joined = joined.with_columns(pl.col("tier").alias(tier_name), reasons.alias(reasons_name))
    keep = [c for c in raw.columns if c != "source_row"] + [tier_name, reasons_name]
    for tier in TIERS:
        rows = joined.filter(pl.col("tier") == tier).select(keep)
        if rows.height:
            writers.write_table(tier, rows.to_arrow())


class _Cursor:
    """Decisions in the input's order, taken chunk by chunk as the input is read again."""

    def __init__(self, batches: Iterable[pl.DataFrame]) -> None:
        self._batches = iter(batches)
        self._buffer: pl.DataFrame | None = None

    def _fill(self) -> bool:
        while self._buffer is None or self._buffer.height == 0:
            nxt = next(self._batches, None)
            if nxt is None:
                return False
            self._buffer = nxt.select(
                pl.col("source_file").cast(pl.String), pl.col("source_row").cast(pl.Int64),
                pl.col("tier").cast(pl.String), pl.col("tier_reasons").cast(pl.List(pl.String)))
        return True

    def peek_file(self) -> str | None:
        """Return the file of the next decision (None at the end)."""
        if not self._fill():
            return None
        assert self._buffer is not None
        return str(self._buffer["source_file"][0])

    def take(self, file: str, last_row: int | None = None, limit: int | None = None
             ) -> pl.DataFrame:  # fmt: skip
        """Return the next decisions of ``file`` (rows up to ``last_row``; at most ``limit``)."""
        parts: list[pl.DataFrame] = []
        taken = 0
        while (limit is None or taken < limit) and self._fill():
            assert self._buffer is not None
            buf = self._buffer
            mask = buf["source_file"] == file
            if last_row is not None:
                mask = mask & (buf["source_row"] <= last_row)
            flags = mask.fill_null(False).to_numpy()
            k = len(flags) if flags.all() else int(np.argmin(flags))
            if limit is not None:
                k = min(k, limit - taken)
            parts.append(buf.slice(0, k))
            self._buffer = buf.slice(k)
            taken += k
            if self._buffer.height:
                break
        if not parts:
            return pl.DataFrame(schema={"source_file": pl.String, "source_row": pl.Int64,
                                        "tier": pl.String, "tier_reasons": pl.List(pl.String)})
        return pl.concat(parts)


def _jsonl_stream(writers: _Writers, cursor: _Cursor, root: Path | None,
                  block: int = 100_000) -> None:
    while (file := cursor.peek_file()) is not None:
        path = root / file if root is not None else Path(file)
        clash = any(_CLASH.search(line.text) for line in iter_lines(path, lenient=True))
        names = ("clearance_tier", "clearance_tier_reasons") if clash else ("tier", "tier_reasons")
        rows = cursor.take(file, limit=block)
        wanted = rows["source_row"].to_list()
        pos = 0
        lines: list[str] = []
        for line in iter_lines(path, lenient=True):  # rows rejected by the scan stay out
            if pos < len(wanted) and line.number == wanted[pos]:
                lines.append(line.text)
                pos += 1
                if pos == len(wanted):
                    _splice(writers, rows, lines, names)
                    rows, lines, pos = cursor.take(file, limit=block), [], 0
                    wanted = rows["source_row"].to_list()
                    if not wanted:
                        break
        if lines:
            _splice(writers, rows.slice(0, len(lines)), lines, names)
        if cursor.peek_file() == file:
            cursor.take(file)  # rows the file no longer holds: nothing to copy


def _tabular_stream(writers: _Writers, source: Any, fmt: str | None, cursor: _Cursor,
                    label: Callable[[str], str] | None, batch_rows: int) -> None:
    plan = plan_reading(source, fmt=fmt, batch_rows=batch_rows, lenient=True)
    text = writers.fmt in ("csv", "tsv")
    for chunk in plan.chunks():
        key = label(chunk.source_file) if label is not None else chunk.source_file
        raw = chunk.table if isinstance(chunk.table, pl.DataFrame) else pl.from_arrow(chunk.table)
        assert isinstance(raw, pl.DataFrame)
        if raw.height == 0:
            continue
        part = cursor.take(key, int(raw["source_row"].max()))  # type: ignore[arg-type]
        if part.height == 0:
            continue
        _write_rows(writers, raw, part, text)


def write_split_stream(
    source: Any,
    fmt: str,
    decisions: Iterable[pl.DataFrame],
    out: Path,
    *,
    root: Path | None = None,
    label: Callable[[str], str] | None = None,
    batch_rows: int = 1 << 17,
) -> tuple[dict[str, str], dict[str, int]]:
    """Write the three manifests from ``decisions`` given in the input's own order.

    The decisions (``source_file``, ``source_row``, ``tier``, ``tier_reasons``, in the order
    the manifest was read) are consumed batch by batch as the input is read again, so memory
    stays bounded by a chunk of the input (``batch_rows`` rows) and a batch of decisions,
    whatever the manifest's size.
    """
    out.mkdir(parents=True, exist_ok=True)
    writers = _Writers(out, fmt)
    cursor = _Cursor(decisions)
    try:
        if fmt == "jsonl":
            _jsonl_stream(writers, cursor, root)
        else:
            _tabular_stream(writers, source, None if fmt not in _EXT else fmt, cursor, label,
                            batch_rows)
    except BaseException:
        writers.close(complete=False)
        raise
    paths = writers.close()
    if writers.dropped:
        logger.warning(
            "split manifests: columns %s of later files were not in the first file's "
            "header and were left out",
            sorted(writers.dropped),
        )
    return paths, writers.counts
