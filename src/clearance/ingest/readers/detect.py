# SPDX-License-Identifier: Apache-2.0
"""Which reader reads a manifest: by object type, directory contents, extension, then bytes."""

from __future__ import annotations

import glob
import os
import tarfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from clearance.errors import ManifestError, UnknownFormatError
from clearance.ingest.limits import DEFAULT_LIMITS, ReadLimits
from clearance.ingest.readers.base import (
    GZIP_MAGIC,
    UTF16_BOMS,
    ZSTD_MAGIC,
    RawChunk,
    open_binary,
)
from clearance.ingest.readers.columnar import (
    Selector,
    iter_arrow_table,
    read_arrow_stream,
    read_parquet,
)
from clearance.ingest.readers.delimited import read_delimited
from clearance.ingest.readers.hf import is_hf_dataset_object, read_hf_disk, read_hf_object
from clearance.ingest.readers.jsonl import read_jsonl
from clearance.ingest.readers.media import read_media_dir, sniff_modality
from clearance.ingest.readers.tree import open_regular, walk_tree
from clearance.ingest.readers.webdataset import read_webdataset

__all__ = ["FORMATS", "Plan", "plan_reading"]

FORMATS = (
    "csv",
    "tsv",
    "jsonl",
    "parquet",
    "webdataset",
    "arrow",
    "hf-disk",
    "hf-dataset",
    "arrow-table",
    "media-dir",
)

_EXT = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".tar": "webdataset",
    ".arrow": "arrow",
}


@dataclass(frozen=True, slots=True)
class Plan:
    """How a source will be read: its format, a description, and the chunk iterator."""

    format: str
    source: str
    files: int
    chunks: Callable[[], Iterator[RawChunk]]
    paths: tuple[Path, ...] = ()


def _ext_format(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    while suffixes and suffixes[-1] in (".gz", ".zst", ".zstd"):
        suffixes.pop()
    return _EXT.get(suffixes[-1]) if suffixes else None


#: Workbooks a manifest is sometimes kept in; they are not read (no spreadsheet engine), and
#: the error says how to export the sheet.
_WORKBOOKS = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".numbers"})


def _is_tarfile(path: Path) -> bool:
    """``tarfile.is_tarfile``, false (not raising) for a damaged compressed stream."""
    try:
        return tarfile.is_tarfile(path)
    except (OSError, EOFError, zlib.error, TypeError, ValueError):
        # gzip raises EOFError on a cut header; tarfile's own readers raise TypeError or
        # ValueError on some cut gzip headers: either way, not a readable tar
        return False


def _sniff(path: Path) -> str:
    if path.suffix.lower() in _WORKBOOKS:
        raise UnknownFormatError(
            "a spreadsheet workbook is not read: save the sheet as CSV (UTF-8) or Unicode text "
            "and scan that file",
            path=path,
        )
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head:
        return "empty"
    if head[:4] == b"PAR1":
        return "parquet"
    if head[:6] == b"ARROW1" or head[:4] == b"\xff\xff\xff\xff":
        return "arrow"
    if len(head) > 262 and head[257:262] == b"ustar":
        return "webdataset"
    if head.startswith((GZIP_MAGIC, ZSTD_MAGIC)):
        with open_binary(path) as stream:
            try:
                head = stream.read(4096)
            except Exception as exc:
                raise ManifestError(f"compressed stream is corrupt ({exc})", path=path) from exc
        if len(head) > 262 and head[257:262] == b"ustar":
            return "webdataset"
    if head.startswith(UTF16_BOMS):
        head = head[: len(head) // 2 * 2].decode("utf-16", "replace").encode("utf-8")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] == b"{":
        return "jsonl"
    if b"\x00" not in head[:512] and sniff_modality(head) == "text":
        first = text.split(b"\n", 1)[0]
        if b"\t" in first:
            return "tsv"
        if b"," in first or b";" in first:
            return "csv"  # its delimiter is read from the header (delimited.header_delimiter)
    raise UnknownFormatError(
        "cannot tell the format (not CSV/TSV, JSON Lines, Parquet, Arrow or a tar shard); "
        "rename it with its extension or pass --format",
        path=path,
    )


@dataclass(frozen=True, slots=True)
class _Options:
    select: Selector | None
    batch_rows: int
    limits: ReadLimits
    lenient: bool


def _file_plan(path: Path, fmt: str, opts: _Options) -> Plan:
    rows, limits, lenient = opts.batch_rows, opts.limits, opts.lenient
    readers: dict[str, Callable[[], Iterator[RawChunk]]] = {
        "csv": lambda: read_delimited(
            path, delimiter=None, batch_rows=rows, limits=limits, lenient=lenient
        ),
        "tsv": lambda: read_delimited(
            path, delimiter="\t", batch_rows=rows, limits=limits, lenient=lenient
        ),
        "jsonl": lambda: read_jsonl(path, batch_rows=rows, limits=limits, lenient=lenient),
        "parquet": lambda: read_parquet([path], select=opts.select, batch_rows=rows),
        "webdataset": lambda: read_webdataset(path, limits=limits),
        "arrow": lambda: read_arrow_stream(path, batch_rows=rows),
    }
    if fmt not in readers:
        raise UnknownFormatError(f"format {fmt!r} is not one of {sorted(readers)}", path=path)
    return Plan(fmt, str(path), 1, readers[fmt], (path,) if fmt == "parquet" else ())


def _chain(plans: list[Plan]) -> Callable[[], Iterator[RawChunk]]:
    def run() -> Iterator[RawChunk]:
        for plan in plans:
            yield from plan.chunks()

    return run


def _dir_plan(root: Path, opts: _Options) -> Plan:
    select, batch_rows = opts.select, opts.batch_rows
    if (root / "dataset_dict.json").is_file() or (root / "state.json").is_file():
        return Plan("hf-disk", str(root), 1, lambda: read_hf_disk(root, batch_rows=batch_rows))
    entries = sorted(walk_tree(root, follow_symlinks=opts.limits.follow_symlinks),
                     key=lambda e: e.path)  # fmt: skip
    files = [e.target for e in entries if e.problem is None]
    by_format: dict[str, list[Path]] = {}
    for path in files:
        fmt = _ext_format(path)
        if fmt is not None and not path.name.endswith("_stats.json"):
            by_format.setdefault(fmt, []).append(path)
    if "parquet" in by_format:
        parts = by_format["parquet"]
        return Plan(
            "parquet",
            str(root),
            len(parts),
            lambda: read_parquet(parts, select=select, batch_rows=batch_rows),
            tuple(parts),
        )
    if "webdataset" in by_format:
        shards = by_format["webdataset"]
        return Plan(
            "webdataset",
            str(root),
            len(shards),
            _chain([_file_plan(p, "webdataset", opts) for p in shards]),
        )
    for fmt in ("jsonl", "csv", "tsv", "arrow"):
        if fmt in by_format and not any(sniff_is_media(p) for p in files[:20]):
            plans = [_file_plan(p, fmt, opts) for p in by_format[fmt]]
            return Plan(fmt, str(root), len(plans), _chain(plans))
    return Plan(
        "media-dir", str(root), len(entries), lambda: read_media_dir(root, limits=opts.limits)
    )


def sniff_is_media(path: Path) -> bool:
    """Return True when a file's signature says image, audio or video."""
    try:
        with os.fdopen(open_regular(path), "rb") as handle:
            head = handle.read(64)
    except OSError:
        return False
    return sniff_modality(head, path.name) in ("image", "audio", "video")


def plan_reading(
    source: Any,
    *,
    fmt: str | None = None,
    select: Selector | None = None,
    batch_rows: int = 1 << 20,
    limits: ReadLimits = DEFAULT_LIMITS,
    lenient: bool = False,
) -> Plan:
    """Return how to read ``source``: a path, a glob, a directory, or a dataset object.

    ``limits`` bound every reader (docs/security.md); ``lenient`` (``--on-error skip``) makes
    a line that is not valid in the encoding a rejected row instead of a failed file.
    """
    opts = _Options(select, batch_rows, limits, lenient)
    if is_hf_dataset_object(source):
        return Plan(
            "hf-dataset",
            f"<Dataset {getattr(source.info, 'dataset_name', '')}>",
            1,
            lambda: read_hf_object(source, batch_rows=batch_rows),
        )
    if isinstance(source, pa.Table):
        return Plan(
            "arrow-table",
            "<arrow table>",
            1,
            lambda: iter_arrow_table(source, "<arrow table>", batch_rows=batch_rows),
        )
    if type(source).__module__.startswith("polars"):
        table = source.to_arrow()
        return Plan(
            "arrow-table",
            "<polars frame>",
            1,
            lambda: iter_arrow_table(table, "<polars frame>", batch_rows=batch_rows),
        )
    text = str(source)
    if any(ch in text for ch in "*?[") and not Path(text).exists():
        matches = [Path(p) for p in sorted(glob.glob(text, recursive=True)) if Path(p).is_file()]
        if not matches:
            raise ManifestError("the pattern matches no files", path=text)
        plans = [_file_plan(p, fmt or _ext_format(p) or _sniff(p), opts) for p in matches]
        if plans[0].format == "parquet" and all(p.format == "parquet" for p in plans):
            return Plan(
                "parquet",
                text,
                len(matches),
                lambda: read_parquet(matches, select=select, batch_rows=batch_rows),
                tuple(matches),
            )
        return Plan(plans[0].format, text, len(plans), _chain(plans))
    path = Path(text)
    if not path.exists():
        raise ManifestError("no such file or directory", path=path)
    if path.is_dir():
        return _dir_plan(path, opts)
    if path.stat().st_size == 0:
        from clearance.errors import EmptyManifestError

        raise EmptyManifestError("the file is empty (0 bytes)", path=path)
    chosen = fmt or _ext_format(path) or _sniff(path)
    if chosen == "webdataset" and not _is_tarfile(path) and _sniff(path) != "webdataset":
        raise ManifestError("not a tar archive", path=path)
    return _file_plan(path, chosen, opts)
