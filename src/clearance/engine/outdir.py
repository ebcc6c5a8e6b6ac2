# SPDX-License-Identifier: Apache-2.0
"""Output folders that are never half-written, never mixed and never silently overwritten.

Every file a run writes goes to a temporary name beside its target and is renamed into place
(:func:`atomic`). A run first removes the folder's completion marker and writes it again last
(:func:`finish`), listing every file with its size and the run's provenance (tool version,
manifest and snapshot hashes, knowledge-base as-of): a folder without the marker is an
interrupted run. A folder holding anything is refused unless the user says ``--force`` (the
previous run's outputs are removed first; files clearance did not write are never touched)
or ``--resume`` (an interrupted run of the same job continues; its evidence is kept).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Final

from clearance.errors import InputError

__all__ = [
    "MARKER",
    "OUTPUT_NAMES",
    "atomic",
    "atomic_text",
    "file_digest",
    "finish",
    "prepare_output",
    "read_marker",
]

MARKER: Final = "clearance-complete.json"
"""Written last by every scan, assess and gate run; its absence means the run did not end."""

#: Names (and name patterns: ``*`` suffix) of what clearance writes into an output folder.
OUTPUT_NAMES: Final[tuple[str, ...]] = (
    MARKER, "scan.json", "facts.parquet", "signals.parquet", "assessment.parquet",
    "decisions.parquet", "gate.json", "rejects.jsonl", "summary.json", "report.md",
    "report.html", "report.pdf", "assessment.pdf", "risk_matrix.png", "risk_matrix.svg",
    "approved.*", "restricted.*", "prohibited.*", "evidence", "runs", "disclosures",
    ".work",
)  # fmt: skip


def _ours(name: str) -> bool:
    if name.startswith(".") and name.endswith(".tmp"):
        return True  # a temporary file of an interrupted write
    for pattern in OUTPUT_NAMES:
        if pattern.endswith("*") and name.startswith(pattern[:-1]):
            return True
        if name == pattern:
            return True
    return False


def read_marker(folder: Path) -> dict[str, Any] | None:
    """Return the completion marker of ``folder`` (None when the run did not finish)."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def prepare_output(
    out: Path, *, force: bool = False, resume: bool = False, keep: Iterable[str] = ()
) -> bool:
    """Make ``out`` ready for a run and return whether an interrupted run is being resumed.

    An empty or missing folder is used as it is. A non-empty one is refused unless ``force``
    (clearance's outputs in it are removed; other files make it an error, named) or
    ``resume`` (allowed only for a run that did not finish; entries named in ``keep`` stay,
    the rest of clearance's outputs are removed). The completion marker is removed first.
    Raises InputError for a folder that cannot be used, naming it.
    """
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        entries = sorted(p.name for p in out.iterdir())
    except OSError as exc:
        raise InputError(f"--out {out}: cannot create or read the folder: {exc.strerror}") from exc
    if not os.access(out, os.W_OK | os.X_OK):
        raise InputError(f"--out {out}: the folder is not writable")
    if not entries:
        return False
    finished = read_marker(out) is not None
    if not force and not resume:
        what = "a finished run" if finished else "files"
        raise InputError(
            f"--out {out}: the folder already holds {what}; pass --force to replace "
            "clearance's outputs there, --resume to continue an interrupted run, or choose "
            "an empty folder"
        )
    if resume and finished and not force:
        raise InputError(f"--out {out}: the run there finished; nothing to resume (use --force)")
    foreign = [name for name in entries if not _ours(name)]
    if foreign:
        shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        raise InputError(
            f"--out {out}: holds files clearance did not write ({shown}); choose another folder"
        )
    kept = set(keep) if resume and not force else set()
    (out / MARKER).unlink(missing_ok=True)
    for name in entries:
        if name in kept or name == MARKER:
            continue
        path = out / name
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
        except OSError as exc:
            raise InputError(f"--out {out}: cannot remove {name}: {exc.strerror}") from exc
    return bool(kept)


def atomic(path: Path, write: Callable[[Path], object]) -> Path:
    """Write ``path`` through ``write(tmp)`` and rename it into place; return ``path``.

    The temporary file is removed when ``write`` fails; an OSError becomes InputError
    naming the file.
    """
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def atomic_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; return ``path``."""
    return atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def file_digest(paths: Iterable[Path]) -> str:
    """Return one SHA-256 over the bytes of ``paths`` in the given order (names excluded)."""
    sha = hashlib.sha256()
    for path in paths:
        with Path(path).open("rb") as handle:
            while block := handle.read(1 << 20):
                sha.update(block)
    return sha.hexdigest()


def finish(out: Path, provenance: Mapping[str, Any], *, kind: str) -> Path:
    """Write the completion marker: every file under ``out`` (size) and the provenance."""
    files: dict[str, int] = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if path.is_file() and rel != MARKER and not path.name.endswith(".tmp"):
            if rel.startswith(("runs/", "disclosures/")):
                continue  # later assess runs and disclosures are written after the scan
            files[rel] = path.stat().st_size
    data = {
        "kind": kind,
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "provenance": dict(provenance),
        "files": files,
    }
    return atomic_text(out / MARKER, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
