# SPDX-License-Identifier: Apache-2.0
"""Directories of media files: walked in sorted order, hashed, modality from the signature.

Only regular files are read (see :mod:`clearance.ingest.readers.tree`); FIFOs, devices,
links to directories and links leaving the directory are rejected rows with the reason.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa

from clearance.errors import EmptyManifestError
from clearance.ingest.limits import DEFAULT_LIMITS, ReadLimits
from clearance.ingest.readers.base import RawChunk, Reject
from clearance.ingest.readers.tree import Entry, open_regular, walk_tree

__all__ = ["hash_file", "read_media_dir", "sniff_modality"]

# (offset, magic bytes, modality): file signatures of common media containers.
_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\xff\xd8\xff", "image"),  # JPEG
    (0, b"\x89PNG\r\n\x1a\n", "image"),
    (0, b"GIF87a", "image"),
    (0, b"GIF89a", "image"),
    (0, b"II*\x00", "image"),  # TIFF little-endian
    (0, b"MM\x00*", "image"),  # TIFF big-endian
    (0, b"BM", "image"),  # BMP (checked after longer signatures)
    (0, b"\x00\x00\x01\x00", "image"),  # ICO
    (0, b"8BPS", "image"),  # Photoshop
    (0, b"\xff\x0a", "image"),  # JPEG XL codestream
    (0, b"\x00\x00\x00\x0cJXL ", "image"),
    (0, b"ID3", "audio"),  # MP3 with ID3 tag
    (0, b"fLaC", "audio"),
    (0, b"OggS", "audio"),
    (0, b"MThd", "audio"),  # MIDI
    (0, b"\x1aE\xdf\xa3", "video"),  # Matroska / WebM
    (0, b"FLV", "video"),
    (0, b"%PDF-", "text"),
)
_RIFF = {b"WEBP": "image", b"WAVE": "audio", b"AVI ": "video"}
_FTYP_IMAGE = {b"avif", b"avis", b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1"}
_FTYP_AUDIO = {b"M4A ", b"M4B ", b"M4P "}
_CODE_EXT = {
    ".py",
    ".js",
    ".ts",
    ".tsx",
    ".jsx",
    ".java",
    ".c",
    ".h",
    ".cc",
    ".cpp",
    ".hpp",
    ".cs",
    ".go",
    ".rs",
    ".rb",
    ".php",
    ".swift",
    ".kt",
    ".scala",
    ".sh",
    ".sql",
    ".r",
    ".m",
    ".lua",
    ".pl",
    ".hs",
    ".jl",
    ".dart",
    ".ipynb",
}
_TEXT_EXT = {
    ".txt",
    ".md",
    ".rst",
    ".html",
    ".htm",
    ".xml",
    ".json",
    ".jsonl",
    ".csv",
    ".tex",
    ".epub",
    ".doc",
    ".docx",
    ".odt",
    ".rtf",
}


def sniff_modality(head: bytes, name: str = "") -> str | None:
    """Return the modality that a file's first bytes (else its extension) indicate, or None."""
    if head[:4] == b"RIFF" and len(head) >= 12:
        return _RIFF.get(head[8:12], "other")
    if head[4:8] == b"ftyp" and len(head) >= 12:
        brand = head[8:12]
        if brand in _FTYP_IMAGE:
            return "image"
        return "audio" if brand in _FTYP_AUDIO else "video"
    for offset, magic, modality in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return modality
    if (
        len(head) >= 2
        and head[0] == 0xFF
        and head[1] & 0xE0 == 0xE0
        and name.lower().endswith((".mp3", ".mp2", ".aac"))
    ):
        return "audio"  # MPEG audio frame sync
    ext = os.path.splitext(name)[1].lower()
    if ext in _CODE_EXT:
        return "code"
    if ext in _TEXT_EXT or ext == ".svg":
        return "image" if ext == ".svg" else "text"
    if head and b"\x00" not in head:
        try:
            head.decode("utf-8")
            return "text"
        except UnicodeDecodeError:
            pass
    return "other" if head else None


def hash_file(path: Path) -> tuple[str, int, bytes]:
    """Return (sha256 hex, size in bytes, first 64 bytes) of a file, reading it once.

    Raises OSError when the path is not a regular file (a FIFO, a device, a link).
    """
    digest = hashlib.sha256()
    size = 0
    head = b""
    with os.fdopen(open_regular(path), "rb") as handle:
        while block := handle.read(1 << 20):
            if not head:
                head = block[:64]
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size, head


def read_media_dir(
    root: Path, *, batch_rows: int = 4096, workers: int = 4, limits: ReadLimits = DEFAULT_LIMITS
) -> Iterator[RawChunk]:
    """Yield chunks describing every file under ``root`` (hidden files and dirs skipped)."""
    source = str(root)
    any_file = False
    with ThreadPoolExecutor(max_workers=workers) as pool:
        batch: list[Entry] = []
        position = 0

        def flush(entries: list[Entry], start: int) -> RawChunk:
            cols: dict[str, list[object]] = {
                "file_path": [],
                "size_bytes": [],
                "content_sha256": [],
                "modality": [],
                "source_row": [],
            }
            rejects: list[Reject] = []
            results = zip(entries, pool.map(_safe_hash, entries), strict=False)
            for i, (entry, result) in enumerate(results, start=start + 1):
                if isinstance(result, str):
                    rejects.append(Reject(source, i, "file_path", result, str(entry.path)))
                    continue
                digest, size, head = result
                cols["file_path"].append(str(entry.path))
                cols["size_bytes"].append(str(size))
                cols["content_sha256"].append(digest)
                cols["modality"].append(sniff_modality(head, entry.path.name))
                cols["source_row"].append(i)
            table = pa.table(
                {
                    k: pa.array(v, type=pa.int64() if k == "source_row" else pa.string())
                    for k, v in cols.items()
                }
            )
            return RawChunk(table, source, rejects)

        for entry in walk_tree(root, follow_symlinks=limits.follow_symlinks):
            any_file = True
            batch.append(entry)
            if len(batch) >= batch_rows:
                yield flush(batch, position)
                position += len(batch)
                batch = []
        if batch:
            yield flush(batch, position)
    if not any_file:
        raise EmptyManifestError("the directory holds no files", path=root)


def _safe_hash(entry: Entry) -> tuple[str, int, bytes] | str:
    if entry.problem is not None:
        return entry.problem
    try:
        return hash_file(entry.target)
    except OSError as exc:
        return f"cannot read the file ({exc.strerror or exc})"
