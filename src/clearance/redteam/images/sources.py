# SPDX-License-Identifier: Apache-2.0
"""Where indexed images come from: directories, WebDataset shards, a scan, a known-works list.

Each source yields ``SourceItem`` records: an id (the path relative to the directory, the
shard and sample key, the scan's ``item_id``, or the known work's label), the collection it
belongs to, the licence and owner when something states them, and either the image (a path
or bytes) or, for known-works lists, only the hashes the list gives.

Licence and owner, first found wins: a metadata file (``--meta``: CSV/TSV/JSON Lines with a
``source`` column and ``license``/``owner`` columns; aliases below), a WebDataset sample's
``.json``, the scan's ``license_id``/``license_raw`` and ``creator``, the list's
``rightsholder``; then, for image files, the copyright/creator/licence statements embedded in
the file (EXIF, IPTC, XMP) as ``clearance signals`` reads them; then the defaults given for
the run (``--license``, ``--owner``). Nothing is guessed.
"""

from __future__ import annotations

import json
import logging
import tarfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

import polars as pl

from clearance.errors import InputError

__all__ = [
    "IMAGE_SUFFIXES",
    "SourceItem",
    "embedded_rights",
    "from_directory",
    "from_known_works",
    "from_scan",
    "from_shard",
    "read_metadata",
]

logger = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff")
MAX_MEMBER_BYTES = 64 * 1024 * 1024
LICENSE_KEYS = ("license", "licence", "license_id", "license_raw", "LICENSE", "rights")
OWNER_KEYS = ("owner", "rightsholder", "rights_holder", "creator", "author", "artist", "copyright")
SOURCE_KEYS = ("source", "path", "file", "file_path", "key", "item_id")


@dataclass(frozen=True, slots=True)
class SourceItem:
    """One thing to index: its id, collection, licence and owner, and its image or hashes."""

    source: str
    collection: str
    license: str | None = None
    owner: str | None = None
    url: str | None = None
    path: Path | None = None
    data: bytes | None = None
    pdq: str | None = None  # known works: a PDQ hash given instead of pixels
    sha256: str | None = None  # known works: an exact hash given instead of pixels


def _first(row: Mapping[str, object], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = row.get(key)
        if value is not None and str(value).strip():
            return str(value).strip()
    return None


def read_metadata(path: Path) -> dict[str, tuple[str | None, str | None]]:
    """Return {source: (licence, owner)} from a CSV, TSV or JSON Lines file.

    Raises InputError naming the file when it cannot be read or has no source column.
    """
    try:
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            frame = pl.read_ndjson(path, infer_schema_length=None)
        else:
            sep = "\t" if path.suffix.lower() == ".tsv" else ","
            frame = pl.read_csv(path, separator=sep, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputError(f"{path}: cannot read the metadata file: {exc}") from exc
    key = next((k for k in SOURCE_KEYS if k in frame.columns), None)
    if key is None:
        names = ", ".join(SOURCE_KEYS)
        raise InputError(f"{path}: needs a column naming the image: one of {names}")
    out: dict[str, tuple[str | None, str | None]] = {}
    for row in frame.iter_rows(named=True):
        name = row.get(key)
        if name:
            out[str(name).replace("\\", "/")] = (_first(row, LICENSE_KEYS), _first(row, OWNER_KEYS))
    return out


def embedded_rights(data: bytes, name: str) -> tuple[str | None, str | None]:
    """Return (licence, owner) stated in an image's embedded metadata, if any."""
    from clearance.signals.detect import scan_bytes

    report = scan_bytes(data, name=name)
    licence = owner = None
    for ev in report.evidence:
        if licence is None and ev.kind in ("web_statement", "usage_terms", "rights_expression"):
            licence = ev.value
        if owner is None and ev.kind in ("copyright", "creator", "licensor", "credit"):
            owner = ev.value
    return licence, owner


def from_directory(root: Path, collection: str | None = None) -> Iterator[SourceItem]:
    """Yield every image file below ``root`` (sorted), its id the path relative to ``root``."""
    if not root.is_dir():
        raise InputError(f"{root}: not a directory")
    label = collection or root.resolve().name
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file():
            yield SourceItem(path.relative_to(root).as_posix(), label, path=path)


def _sample_key(name: str) -> tuple[str, str]:
    pure = PurePosixPath(name)
    stem, _, ext = pure.name.partition(".")
    return str(pure.parent / stem) if str(pure.parent) != "." else stem, ext.lower()


def from_shard(shard: Path, collection: str | None = None) -> Iterator[SourceItem]:
    """Yield the images of a WebDataset tar shard, with licence and owner from each ``.json``.

    Samples are runs of members sharing a key (the name up to its first dot); an image
    member larger than 64 MiB is skipped. Raises InputError when the shard cannot be read.
    """
    label = collection or shard.name
    try:
        opened = tarfile.open(shard, "r|*")
    except (OSError, tarfile.TarError, EOFError, zlib.error) as exc:
        raise InputError(f"{shard}: cannot read the WebDataset shard: {exc}") from exc
    except TypeError as exc:  # CPython's stream reader on a gzip header cut short
        raise InputError(f"{shard}: cannot read the WebDataset shard: its compressed "
                         "stream's header is cut short") from exc
    try:
        with opened as tar:
            key: str | None = None
            images: list[tuple[str, bytes]] = []
            meta: dict[str, object] = {}
            for member in tar:
                if not member.isfile():
                    continue
                this, ext = _sample_key(member.name)
                if this != key:
                    yield from _sample(shard, label, key, images, meta)
                    key, images, meta = this, [], {}
                if "." + ext.rsplit(".", 1)[-1] in IMAGE_SUFFIXES:
                    if member.size > MAX_MEMBER_BYTES:
                        logger.info("%s: %s is over 64 MiB: skipped", shard, member.name)
                        continue
                    fh = tar.extractfile(member)
                    if fh is not None:
                        images.append((ext, fh.read()))
                elif ext == "json" and member.size <= 1 << 20:
                    fh = tar.extractfile(member)
                    try:
                        loaded = json.loads(fh.read()) if fh is not None else {}
                    except ValueError:
                        loaded = {}
                    meta = loaded if isinstance(loaded, dict) else {}
            yield from _sample(shard, label, key, images, meta)
    except (OSError, tarfile.TarError, EOFError, zlib.error) as exc:
        raise InputError(f"{shard}: cannot read the WebDataset shard: {exc}") from exc


def _sample(
    shard: Path,
    label: str,
    key: str | None,
    images: list[tuple[str, bytes]],
    meta: Mapping[str, object],
) -> Iterator[SourceItem]:
    if key is None:
        return
    for ext, data in images:
        source = f"{shard.name}/{key}" if len(images) == 1 else f"{shard.name}/{key}.{ext}"
        url = meta.get("url")
        yield SourceItem(
            source,
            label,
            license=_first(meta, LICENSE_KEYS),
            owner=_first(meta, OWNER_KEYS),
            url=str(url) if isinstance(url, str) else None,
            data=data,
        )


def from_scan(scan: Path) -> tuple[list[SourceItem], int]:
    """Return the image items of a scan whose files are local, and how many were not.

    ``scan`` is a scan's output directory (its ``facts.parquet``) or that file. Relative
    ``file_path`` values resolve against the manifest's folder, then the working directory.
    """
    facts = scan / "facts.parquet" if scan.is_dir() else scan
    if not facts.is_file():
        raise InputError(f"{scan}: no facts.parquet: not a scan output")
    try:
        frame = pl.read_parquet(facts)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputError(f"{facts}: cannot read the scan's facts: {exc}") from exc
    if "file_path" not in frame.columns or "item_id" not in frame.columns:
        raise InputError(f"{facts}: needs item_id and file_path columns")
    if "modality" in frame.columns:
        frame = frame.filter(pl.col("modality") == "image")
    label = scan.resolve().name if scan.is_dir() else scan.resolve().parent.name
    items: list[SourceItem] = []
    remote = 0
    for row in frame.iter_rows(named=True):
        raw = row.get("file_path")
        path = _resolve(str(raw), row.get("source_file")) if raw else None
        if path is None:
            remote += 1
            continue
        licence = _first(row, ("license_id", "license_raw", "dataset_license"))
        items.append(
            SourceItem(
                str(row["item_id"]),
                label,
                license=licence,
                owner=_first(row, ("creator",)),
                url=row.get("url"),
                path=path,
            )
        )
    return items, remote


def _resolve(raw: str, manifest: object) -> Path | None:
    path = Path(raw)
    candidates = [path] if path.is_absolute() else []
    if not path.is_absolute():
        if isinstance(manifest, str) and manifest:
            candidates.append(Path(manifest).parent / path)
        candidates.append(path)
    return next((c for c in candidates if c.is_file()), None)


def from_known_works(path: Path) -> list[SourceItem]:
    """Return a known-works list's entries as hash-only items, owner from ``rightsholder``.

    Raises InputError (from the list loader) naming the file and row of a bad entry.
    """
    from clearance.decide.knownworks import load_known_works
    from clearance.redteam.images.hashes import words_to_hex

    works = load_known_works(path)
    owners = _list_owners(path)
    items = [
        SourceItem(work, works.name, owner=owners.get(h), pdq=h)
        for work, h in zip(works.pdq_works, words_to_hex(works.pdq), strict=True)
    ]
    for digest, work in works.sha256.iter_rows():
        items.append(SourceItem(work, works.name, owner=owners.get(digest), sha256=digest))
    return items


def _list_owners(path: Path) -> dict[str, str]:
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".tsv"):
            sep = "\t" if suffix == ".tsv" else ","
            frame = pl.read_csv(path, separator=sep, infer_schema=False)
        elif suffix in (".jsonl", ".ndjson"):
            frame = pl.read_ndjson(path, infer_schema_length=None)
        elif suffix in (".parquet", ".pq"):
            frame = pl.read_parquet(path)
        else:
            return {}
    except (OSError, pl.exceptions.PolarsError):
        return {}
    if "rightsholder" not in frame.columns:
        return {}
    out: dict[str, str] = {}
    for column in ("hash", "sha256", "pdq"):
        if column in frame.columns:
            for h, owner in frame.select(column, "rightsholder").iter_rows():
                if h and owner:
                    out[str(h).strip().lower().removeprefix("sha256:")] = str(owner)
    return out


def with_defaults(item: SourceItem, licence: str | None, owner: str | None) -> SourceItem:
    """Return ``item`` with the run's default licence and owner where it states none."""
    if (item.license or not licence) and (item.owner or not owner):
        return item
    return replace(item, license=item.license or licence, owner=item.owner or owner)
