# SPDX-License-Identifier: Apache-2.0
"""The bounds every manifest reader keeps, whatever the input (docs/security.md).

A manifest is a file a stranger may have written. Readers hold at most one line, one tar
sidecar or one block in memory; compressed input may expand only so many times its size; a
media directory yields regular files only. What goes past a bound is a rejected row (counted,
so that rows read = rows accepted + rows rejected) or, when the file as a whole cannot be read
safely (a decompression bomb), a :class:`~clearance.errors.ManifestError` naming the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

__all__ = ["DEFAULT_LIMITS", "ReadLimits", "limits_table"]

KIB, MIB, GIB = 1 << 10, 1 << 20, 1 << 30


def _s(default: Any, text: str) -> Any:
    return field(default=default, metadata={"help": text})


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Bounds of the manifest readers (see docs/security.md, "Reader limits")."""

    max_line_bytes: int = _s(
        8 * MIB,
        "Longest line of a CSV, TSV or JSON Lines manifest, and largest tar sidecar (.json, "
        ".txt); a longer one is a rejected row, read no further.",
    )
    max_member_bytes: int = _s(
        4 * GIB,
        "Largest tar member, by the size its header states; a sample with a larger one is a "
        "rejected row, never read (sparse members are always rejected).",
    )
    max_ratio: int = _s(
        200,
        "Most a gzip or zstd stream (.csv.gz, .jsonl.zst, .tar.gz, ...) may expand, as a "
        "multiple of the compressed bytes read, once past ratio_floor_bytes.",
    )
    ratio_floor_bytes: int = _s(
        64 * MIB,
        "Expanded bytes below which max_ratio is not applied (small, very regular files).",
    )
    follow_symlinks: bool = _s(
        False,
        "Read media-directory symbolic links whose target lies outside the directory "
        "(CLI: --follow-symlinks); links inside it are always read.",
    )


DEFAULT_LIMITS = ReadLimits()


def limits_table() -> list[tuple[str, Any, str]]:
    """Return (setting, default, help) for every reader limit (docs and their test)."""
    return [(f.name, f.default, str(f.metadata["help"])) for f in fields(ReadLimits)]
