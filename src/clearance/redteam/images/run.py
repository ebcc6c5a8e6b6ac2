# SPDX-License-Identifier: Apache-2.0
"""The two jobs the command line runs: index image sources, and check query images.

``index_images`` gathers the items of every source (directories, WebDataset shards, scans,
known-works lists), applies licence and owner metadata, builds the index and writes it.
``check_files`` expands query paths (files, or every image below a directory), checks them
against a saved index, and returns one result per image.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq

from clearance.atomic import write_atomic
from clearance.errors import InputError
from clearance.redteam.images import keypoints as kp
from clearance.redteam.images.check import CheckResult, OperatingPoint, check_images
from clearance.redteam.images.index import BuildStats, build_index, load_index
from clearance.redteam.images.sources import (
    IMAGE_SUFFIXES,
    SourceItem,
    from_directory,
    from_known_works,
    from_scan,
    from_shard,
    read_metadata,
    with_defaults,
)

__all__ = ["check_files", "expand_queries", "gather_items", "index_images", "write_memorization"]


def gather_items(
    sources: Sequence[str | Path],
    *,
    scans: Sequence[str | Path] = (),
    known_works: Sequence[str | Path] = (),
    metadata: str | Path | None = None,
    license: str | None = None,
    owner: str | None = None,
) -> tuple[list[SourceItem], int]:
    """Return every item to index and the number of scan items skipped as not local.

    A source is a directory (its images, and any ``.tar`` shards inside it) or a ``.tar``
    WebDataset shard. Raises InputError naming a source that does not exist or cannot be read.
    """
    items: list[SourceItem] = []
    for raw in sources:
        path = Path(raw)
        if path.is_dir():
            items.extend(from_directory(path))
            for shard in sorted(path.rglob("*.tar")):
                items.extend(from_shard(shard, f"{path.resolve().name}/{shard.name}"))
        elif path.is_file() and path.name.endswith((".tar", ".tar.gz", ".tgz")):
            items.extend(from_shard(path))
        elif path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES:
            items.append(SourceItem(path.name, path.parent.resolve().name, path=path))
        elif path.exists():
            raise InputError(f"{path}: not an image directory, image or WebDataset .tar shard")
        else:
            raise InputError(f"{path}: no such file or directory")
    remote = 0
    for scan in scans:
        found, skipped = from_scan(Path(scan))
        items.extend(found)
        remote += skipped
    for listed in known_works:
        path = Path(listed)
        if not path.is_file():
            raise InputError(f"{path}: no such known-works list")
        items.extend(from_known_works(path))
    if metadata is not None:
        table = read_metadata(Path(metadata))
        items = [
            replace(i, license=i.license or table[i.source][0], owner=i.owner or table[i.source][1])
            if i.source in table
            else i
            for i in items
        ]
    items = [with_defaults(i, license, owner) for i in items]
    seen: set[tuple[str, str]] = set()
    for item in items:
        key = (item.collection, item.source)
        if key in seen:
            raise InputError(f"{item.source}: indexed twice in {item.collection}")
        seen.add(key)
    return items, remote


def index_images(
    sources: Sequence[str | Path],
    out: str | Path,
    *,
    scans: Sequence[str | Path] = (),
    known_works: Sequence[str | Path] = (),
    metadata: str | Path | None = None,
    license: str | None = None,
    owner: str | None = None,
    n_keypoints: int = kp.MAX_KEYPOINTS,
    workers: int = 1,
    embedded: bool = True,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> BuildStats:
    """Index every source and write the index folder ``out``; return what was done.

    Raises InputError when there is nothing to index or ``out`` cannot be written.
    """
    items, remote = gather_items(
        sources, scans=scans, known_works=known_works, metadata=metadata, license=license,
        owner=owner,
    )  # fmt: skip
    if not items:
        raise InputError("nothing to index: no images and no listed hashes in the sources given")
    total = sum(1 for i in items if i.pdq is None and i.sha256 is None)
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    labels = [str(s) for s in sources] + [f"scan:{s}" for s in scans]
    labels += [f"known-works:{k}" for k in known_works]
    index, stats = build_index(
        items, n_keypoints=n_keypoints, workers=workers, embedded=embedded, sources=labels,
        progress=step, remote_skipped=remote,
    )  # fmt: skip
    try:
        index.save(out, overwrite=overwrite)
    except OSError as exc:
        raise InputError(f"{out}: cannot write the index: {exc}") from exc
    return stats


def expand_queries(queries: Sequence[str | Path]) -> Iterator[tuple[str, Path]]:
    """Yield (name, path) for each query file and every image below each query directory.

    Raises InputError for a query path that does not exist.
    """
    for raw in queries:
        path = Path(raw)
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if found.is_file() and found.suffix.lower() in IMAGE_SUFFIXES:
                    yield str(found), found
        elif path.is_file():
            yield str(path), path
        else:
            raise InputError(f"{path}: no such query file or directory")


def check_files(
    index_path: str | Path,
    queries: Sequence[str | Path],
    operating_point: OperatingPoint | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[CheckResult]:
    """Return one result per query image, checked against the index at ``index_path``."""
    index = load_index(index_path)
    files = list(expand_queries(queries))
    if not files:
        raise InputError("no query images found in the paths given")
    return check_images(index, files, operating_point, progress)


def write_memorization(results: Sequence[CheckResult], path: str | Path) -> Path:
    """Write the memorisation table of ``results`` (Parquet) atomically; return its path."""
    from clearance.redteam.images.findings import image_memorization_table

    table = image_memorization_table(results)
    return write_atomic(Path(path), lambda tmp: pq.write_table(table, tmp))
