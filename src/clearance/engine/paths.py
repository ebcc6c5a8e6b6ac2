# SPDX-License-Identifier: Apache-2.0
"""Paths as outputs show them (never an absolute path of this machine) and manifest digests."""

from __future__ import annotations

import glob
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = [
    "manifest_digest",
    "manifest_root",
    "relative_source",
    "shown_path",
    "relabel_column",
    "SourceLabels",
    "source_labels",
]

_MAX_UP = 2


def shown_path(path: Any, out: Path) -> str:
    """Return ``path`` as an output records it: relative to ``out`` when close, else its name.

    A path two or fewer folders up from ``out`` (``../manifest.parquet``) stays findable when
    the scan folder and its input are moved together; anything further away is recorded by
    name only (its SHA-256 identifies it), so no absolute path reaches a report.
    """
    text = str(path)
    if not text or text.startswith("<"):
        return text
    try:
        rel = os.path.relpath(os.path.abspath(text), os.path.abspath(out))
    except ValueError:  # another drive (Windows)
        return Path(text).name
    ups = 0
    for part in Path(rel).parts:
        if part != "..":
            break
        ups += 1
    return Path(rel).as_posix() if ups <= _MAX_UP else Path(text).name


def _sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            sha.update(block)
    return sha.hexdigest()


def manifest_digest(source: Any) -> str | None:
    """Return the SHA-256 of a manifest: of its bytes for a file; for a folder or a glob, of
    the list of its files (relative path and SHA-256, sorted). None for in-memory tables."""
    if not isinstance(source, str | Path):
        return None
    text = str(source)
    path = Path(text)
    if path.is_file():
        return _sha256(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
        root = path
    else:
        files = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
        root = Path(os.path.commonpath([str(p) for p in files])) if files else path
        root = root if root.is_dir() else root.parent
    if not files:
        return None
    listing = hashlib.sha256()
    for file in files:
        listing.update(f"{file.relative_to(root).as_posix()}\0{_sha256(file)}\n".encode())
    return listing.hexdigest()


def manifest_root(source: Any) -> Path | None:
    """Return the folder rows' ``source_file`` values are made relative to.

    A file's own folder, a folder manifest itself, a glob's deepest common folder; None for
    in-memory tables (their labels are kept as they are).
    """
    if not isinstance(source, str | Path):
        return None
    text = str(source)
    path = Path(text)
    if path.is_dir():
        return path
    if path.is_file():
        return path.parent
    files = [Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file()]
    if not files:
        return None
    return Path(os.path.commonpath([str(p.parent) for p in files]))


def relative_source(text: str, root: Path | None) -> str:
    """Return a row's ``source_file`` relative to ``root`` (posix), or as it is."""
    if root is None or not text or text.startswith("<"):
        return text
    try:
        rel = os.path.relpath(os.path.abspath(text), os.path.abspath(root))
    except ValueError:
        return text
    return Path(rel).as_posix() if not rel.startswith("..") else Path(text).name


class SourceLabels:
    """Relabels rows' ``source_file`` relative to a root (memoised; picklable for workers)."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._seen: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        got = self._seen.get(text)
        if got is None:
            got = relative_source(text, self.root)
            if len(self._seen) < 4096:
                self._seen[text] = got
        return got


def source_labels(source: Any) -> Callable[[str], str]:
    """Return the function that relabels rows' ``source_file`` for ``source`` (memoised)."""
    return SourceLabels(manifest_root(source))


def relabel_column(values: Any, label: Callable[[str], str]) -> Any:
    """Return a string Polars series with ``label`` applied once per distinct value."""
    import polars as pl

    series = values if isinstance(values, pl.Series) else pl.Series(values)
    series = series.cast(pl.String)
    mapping = {v: label(v) for v in series.unique().to_list() if v is not None}
    return series.replace_strict(mapping, default=None, return_dtype=pl.String)
