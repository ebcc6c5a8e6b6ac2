# SPDX-License-Identifier: Apache-2.0
"""Walk a directory of files without being led astray: regular files only, links kept inside.

A media directory may hold what its author put there: a FIFO (opening it waits forever), a
device (``/dev/zero`` never ends), a symbolic link to a file elsewhere on the machine. The walk
yields every entry in sorted order, hidden ones skipped; each is either a regular file to read
(a link is read through its resolved target when that lies under the root, or anywhere with
``follow_symlinks``) or a problem that becomes a rejected row. Links to directories are never
followed. :func:`open_regular` re-checks the kind after opening, so a file swapped for a FIFO
between the walk and the read is refused too.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Entry", "open_regular", "walk_tree"]

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry under the root: where it was found, what to open, or why it is not read."""

    path: Path  # as found under the root (reported in file_path)
    target: Path  # what to open: the path itself, or a link's resolved target
    problem: str | None = None


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def _entry(path: Path, root: str, follow_symlinks: bool) -> Entry:
    try:
        info = os.lstat(path)
    except OSError as exc:
        return Entry(path, path, f"cannot read the file ({exc.strerror or exc})")
    if stat.S_ISREG(info.st_mode):
        return Entry(path, path)
    if not stat.S_ISLNK(info.st_mode):
        return Entry(path, path, f"{_kind(info.st_mode)}, not a regular file: not read")
    target = os.path.realpath(path)
    if not _inside(target, root) and not follow_symlinks:
        return Entry(
            path,
            path,
            "symbolic link leaving the directory: not read (pass --follow-symlinks to read "
            "such links)",
        )
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return Entry(path, path, "broken symbolic link: its target does not exist")
    if not stat.S_ISREG(mode):
        return Entry(path, path, f"symbolic link to {_kind(mode)}, not a regular file: not read")
    return Entry(path, Path(target))


def walk_tree(root: Path, *, follow_symlinks: bool = False) -> Iterator[Entry]:
    """Yield every non-hidden entry under ``root`` in sorted order (see the module)."""
    real_root = os.path.realpath(root)
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        links = sorted(d for d in dirnames if not d.startswith(".") and (here / d).is_symlink())
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in links)
        names = sorted([*(n for n in filenames if not n.startswith(".")), *links])
        for name in names:
            path = here / name
            if name in links:
                yield Entry(path, path, "symbolic link to a directory: not followed")
            else:
                yield _entry(path, real_root, follow_symlinks)


def open_regular(path: Path) -> int:
    """Return a descriptor open for reading on a regular file; raise OSError for anything else.

    Opened without blocking (a FIFO would wait for a writer) and without following a final
    symbolic link; the kind is checked on the open descriptor.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise OSError(0, f"{_kind(mode)}, not a regular file")
    except BaseException:
        os.close(fd)
        raise
    return fd
