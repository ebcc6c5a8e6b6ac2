# SPDX-License-Identifier: Apache-2.0
"""Readers of the reference corpus: directories, JSON Lines, Parquet, and a scan's facts.

Each yields :class:`Source` records one at a time (bounded memory). A file's source id is its
path relative to the corpus directory; a directory source's licence is its own
``SPDX-License-Identifier`` line, else the nearest ``LICENSE``/``COPYING`` file above it.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

import orjson
import pyarrow.parquet as pq

from clearance.errors import EmptyManifestError, EncodingError, MalformedRowError, ManifestError

__all__ = ["Source", "digest", "iter_corpus", "license_of_file"]

log = logging.getLogger(__name__)

_LICENSE_FILES = ("LICENSE", "LICENCE", "COPYING", "LICENSE.txt", "LICENSE.md", "COPYING.txt",
                  "LICENCE.txt", "LICENSE.rst")
_SPDX_LINE = re.compile(rb"SPDX-License-Identifier:\s*([A-Za-z0-9.+\-() ]+?)\s*(?:\*/|-->|$)",
                        re.MULTILINE)
_META = ("license", "url", "title", "author", "category", "item_id")
_MAX_FILE = 256 << 20


@dataclass(frozen=True, slots=True)
class Source:
    """One document of the reference corpus, with what is known of its rights."""

    id: str
    text: str
    license: str | None = None
    url: str | None = None
    title: str | None = None
    author: str | None = None
    category: str | None = None
    item_id: str | None = None


def digest(text: str) -> str:
    """Return the SHA-256 of a text's UTF-8 bytes, hex."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@functools.lru_cache(maxsize=4096)
def _license_text_id(path: Path) -> str | None:
    from clearance.enrich.licenses import normalize_license

    try:
        text = path.read_text(encoding="utf-8", errors="replace")[:20000]
    except OSError:
        return None
    match = normalize_license(text)
    return None if match.id == "unknown" else match.id


def license_of_file(path: Path, root: Path, head: bytes) -> str | None:
    """Return the licence id of a corpus file: its SPDX line, else the nearest licence file."""
    found = _SPDX_LINE.search(head[:4096])
    if found:
        return found.group(1).decode("ascii", "replace").strip()
    folder = path.parent
    while True:
        for name in _LICENSE_FILES:
            candidate = folder / name
            if candidate.is_file():
                return _license_text_id(candidate)
        if folder == root or root not in folder.parents:
            return None
        folder = folder.parent


def _directory(root: Path) -> Iterator[Source]:
    files = sorted(p for p in root.rglob("*") if p.is_file()
                   and not any(part.startswith(".") for part in p.relative_to(root).parts))
    for path in files:
        if path.stat().st_size > _MAX_FILE:
            log.warning("%s: larger than %d bytes, skipped", path, _MAX_FILE)
            continue
        data = path.read_bytes()
        if b"\x00" in data[:8192]:
            continue  # binary file
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")  # legacy text; offsets stay per character
        rel = path.relative_to(root).as_posix()
        yield Source(rel, text, license=license_of_file(path, root, data[:4096]), title=path.name)


def _str(value: Any, path: Path, row: int, column: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    raise MalformedRowError(f"expected a string, got {type(value).__name__}", path=path, row=row,
                            column=column)


def _open(path: Path) -> IO[bytes]:
    if path.suffix == ".gz":
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def _jsonl(path: Path) -> Iterator[Source]:
    seen = 0
    with _open(path) as fh:
        for row, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise MalformedRowError(f"not valid JSON: {exc}", path=path, row=row) from exc
            if not isinstance(obj, dict):
                raise MalformedRowError("expected a JSON object", path=path, row=row)
            text = obj.get("text")
            if not isinstance(text, str):
                raise MalformedRowError("needs a string 'text'", path=path, row=row, column="text")
            sid = _str(obj.get("id"), path, row, "id") or f"{path.name}#{row}"
            meta = {k: _str(obj.get(k), path, row, k) for k in _META}
            seen += 1
            yield Source(sid, text, **meta)
    if not seen:
        raise EmptyManifestError("no documents", path=path)


def _parquet(path: Path, text_column: str) -> Iterator[Source]:
    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a bad file
        raise ManifestError(f"cannot read Parquet: {exc}", path=path) from exc
    names = pf.schema_arrow.names
    if text_column not in names:
        raise ManifestError(f"no text column {text_column!r} (columns: {', '.join(names)})",
                            path=path, column=text_column)
    wanted = [c for c in (text_column, "id", *_META) if c in names]
    row = 0
    for batch in pf.iter_batches(batch_size=4096, columns=wanted):
        cols = {c: batch.column(c).to_pylist() for c in wanted}
        for i in range(batch.num_rows):
            row += 1
            text = cols[text_column][i]
            if text is None:
                continue
            if not isinstance(text, str):
                raise MalformedRowError("text is not a string", path=path, row=row,
                                        column=text_column)
            sid = _str(cols.get("id", [None] * batch.num_rows)[i], path, row, "id")
            meta = {k: _str(cols[k][i], path, row, k) if k in cols else None for k in _META}
            yield Source(sid or f"{path.name}#{row}", text, **meta)


def _scan(folder: Path) -> Iterator[Source]:
    facts = folder / "facts.parquet" if folder.is_dir() else folder
    table = pq.read_table(facts)
    names = table.column_names
    need = {"item_id"}
    if not need <= set(names) or not ({"file_path", "text"} & set(names)):
        raise ManifestError("a scan's facts need item_id and file_path (or text)", path=facts)

    def col(name: str) -> list[Any]:
        return table[name].to_pylist() if name in names else [None] * table.num_rows

    ids, paths, texts = col("item_id"), col("file_path"), col("text")
    licences, urls, authors, cats = (col("license_effective_id"), col("url"), col("creator"),
                                     col("category"))
    for i in range(table.num_rows):
        text = texts[i]
        if text is None and paths[i]:
            p = Path(paths[i])
            if not p.is_absolute():
                p = (folder if folder.is_dir() else folder.parent) / p
            try:
                text = p.read_bytes().decode("utf-8", errors="replace")
            except OSError:
                log.warning("%s: item %s: cannot read %s", facts, ids[i], p)
                continue
        if not text:
            continue
        yield Source(str(ids[i]), text, license=licences[i], url=urls[i], author=authors[i],
                     category=cats[i], item_id=str(ids[i]))


def iter_corpus(path: str | Path, *, text_column: str = "text") -> Iterator[Source]:
    """Yield the sources of one corpus: a directory, ``.jsonl[.gz]``, ``.parquet``, or a scan.

    A scan is a directory holding ``facts.parquet`` (or that file itself); its items' text is
    read from their ``file_path`` (or a ``text`` column). Raises a ManifestError naming the
    file (and row) when a corpus cannot be read.
    """
    p = Path(path)
    if not p.exists():
        raise ManifestError("no such file or directory", path=p)
    if p.is_dir():
        if (p / "facts.parquet").is_file():
            yield from _scan(p)
        else:
            yield from _directory(p)
        return
    name = p.name.lower()
    try:
        if name == "facts.parquet":
            yield from _scan(p)
        elif name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".json")):
            yield from _jsonl(p)
        elif name.endswith(".parquet"):
            yield from _parquet(p, text_column)
        else:
            data = p.read_bytes()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise EncodingError("not UTF-8 text", path=p) from exc
            yield Source(p.name, text, license=license_of_file(p, p.parent, data[:4096]),
                         title=p.name)
    except OSError as exc:
        raise ManifestError(f"cannot read: {exc.strerror or exc}", path=p) from exc
