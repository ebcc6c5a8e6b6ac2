# SPDX-License-Identifier: Apache-2.0
"""Whole files or none: write to a hidden temporary beside the target, then rename it.

Every output clearance hands over (reports, disclosures, drafts, published pages, indexes)
goes through :func:`write_atomic`, so a run that fails or is killed leaves either the old file
or the new one, never half of one. The temporary is ``.<name>.tmp`` in the target's folder
(a rename within one file system is atomic) and is removed when the write fails.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from clearance.errors import ClearanceError, InputError

__all__ = ["temporary_for", "write_atomic", "write_text_atomic"]


def temporary_for(path: Path) -> Path:
    """Return the hidden temporary ``path`` is written through (``.<name>.tmp``)."""
    return path.with_name(f".{path.name}.tmp")


def write_atomic(
    path: Path,
    write: Callable[[Path], object],
    *,
    error: type[ClearanceError] = InputError,
    mkdir: bool = False,
) -> Path:
    """Write ``path`` through ``write(tmp)`` and rename it into place; return ``path``.

    ``mkdir`` creates the parent folder first. An OSError becomes ``error`` naming the file;
    the temporary is removed on any failure (an interrupt included).
    """
    tmp = temporary_for(path)
    try:
        if mkdir:
            path.parent.mkdir(parents=True, exist_ok=True)
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise error(f"{path}: cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(
    path: Path, text: str, *, error: type[ClearanceError] = InputError, mkdir: bool = False
) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; return ``path``."""
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"),
                        error=error, mkdir=mkdir)
