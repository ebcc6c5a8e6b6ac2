# SPDX-License-Identifier: Apache-2.0
"""Check an evidence directory: every chain links, every record is where its entry says.

For each ledger chain: sequence numbers run 0, 1, 2, ...; each entry's ``prev`` is the hash
of the entry before and its ``hash`` recomputes; each entry's record is found at its file and
position with the SHA-256 it committed to; records tile each WARC file with no gap and nothing
after the last; each record parses, has a readable WARC-Date and its WARC-Block-Digest holds.
Every file under the directory is accounted for: the index, the ledger chains and their lock
files, and the WARC files the ledger refers to; anything else (an uncompressed ``.warc`` the
snapshot reader would read, a stray file) is reported. Every row of ``index.sqlite`` is
compared with its ledger entry, column by column, and every entry must have its row; a
missing or unreadable index is reported. So an edited, deleted, inserted or reordered record
or ledger line, an added file, and an edited index row are reported. Cutting the same tail off
a chain *and* its files *and* the index is caught only against a published chain head
(``FetchSummary.heads``).
"""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastwarc.warc import ArchiveIterator

from clearance.errors import EvidenceError
from clearance.fetch.index import COLUMNS
from clearance.fetch.ledger import GENESIS, entry_hash, read_entries
from clearance.fetch.store import evidence_paths

__all__ = ["INDEX_SIDECARS", "VerifyReport", "verify_evidence"]

_MAX_PROBLEMS = 1000
INDEX_SIDECARS = ("-wal", "-shm", "-journal")
"""Files SQLite keeps beside ``index.sqlite`` (write-ahead log, shared memory, journal)."""
_WARC_SUFFIXES = (".warc", ".warc.gz", ".warc.zst", ".arc", ".arc.gz")

Row = dict[str, Any]


@dataclass(slots=True)
class VerifyReport:
    """Result of :func:`verify_evidence`; ``ok`` is True only when no problem was found.

    ``unreadable_records``: ledgered records that do not parse as WARC (or have no readable
    date); ``unlisted_files``: files under the directory that the ledger does not account
    for (relative paths); ``index_rows``: rows of ``index.sqlite`` compared with the ledger.
    """

    records: int = 0
    files: int = 0
    chains: dict[str, tuple[int, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    unreadable_records: int = 0
    unlisted_files: list[str] = field(default_factory=list)
    index_rows: int = 0

    @property
    def ok(self) -> bool:
        """Return True when the evidence verified."""
        return not self.problems

    def add(self, problem: str) -> None:
        """Record a problem (the first thousand are kept)."""
        if len(self.problems) < _MAX_PROBLEMS:
            self.problems.append(problem)


def _check_member(data: bytes, record_id: str) -> tuple[str, bool] | None:
    """Return (problem, unreadable) for one stored record, or None when it is sound."""
    try:
        raw = zlib.decompress(data, 47)
    except zlib.error:
        return "is not one gzip member", True
    try:
        for rec in ArchiveIterator(io.BytesIO(raw), parse_http=False):
            if rec.record_id != record_id:
                return f"has WARC-Record-ID {rec.record_id}, ledger says {record_id}", False
            if rec.record_date is None:
                return "has no readable WARC-Date", True
            if not rec.verify_block_digest():
                return "fails its WARC-Block-Digest", False
            return None
    except Exception as exc:  # hostile bytes: fastwarc raises OSError and others
        return f"cannot be parsed ({type(exc).__name__}: {exc})", True
    return "is not a WARC record", True


def _norm(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


class _IndexRows:
    """One shard's index rows in sequence order, compared with its ledger entries in step."""

    def __init__(self, db: sqlite3.Connection | None, shard: str, report: VerifyReport) -> None:
        self.shard = shard
        self.report = report
        self.rows: Iterator[Row] = iter(())
        if db is not None:
            cursor = db.execute("SELECT * FROM records WHERE shard = ? ORDER BY seq", (shard,))
            names = [d[0] for d in cursor.description]
            self.rows = (dict(zip(names, r, strict=True)) for r in cursor)
        self.row = self._next()
        self.enabled = db is not None

    def _next(self) -> Row | None:
        row = next(self.rows, None)
        if row is not None:
            self.report.index_rows += 1
        return row

    def match(self, entry: Row, where: str) -> None:
        """Compare the entry with its row (reporting rows that no entry has on the way)."""
        seq = entry.get("seq")
        if not self.enabled or not isinstance(seq, int):
            return
        while self.row is not None and isinstance(self.row["seq"], int) and self.row["seq"] < seq:
            self.report.add(f"index row {self.shard}#{self.row['seq']} has no ledger entry")
            self.row = self._next()
        if self.row is None or self.row["seq"] != seq:
            self.report.add(f"{where}: no index row {self.shard}#{seq} (index out of step)")
            return
        differ = [c for c in COLUMNS if _norm(self.row.get(c)) != _norm(entry.get(c))]
        if differ:
            first = differ[0]
            self.report.add(
                f"index row {self.shard}#{seq} differs from the ledger in {', '.join(differ)} "
                f"(index edited): {first} is {self.row.get(first)!r} in the index, "
                f"{entry.get(first)!r} in the ledger"
            )
        self.row = self._next()

    def finish(self, have: int) -> None:
        """Report index rows past the chain's last entry (a tail cut from the ledger)."""
        extra = 0
        top = None
        while self.row is not None:
            extra += 1
            top = self.row["seq"]
            self.row = self._next()
        if extra and isinstance(top, int):
            self.report.add(
                f"ledger {self.shard}: index knows {top + 1} entries, ledger has {have} "
                "(entries deleted from the end)"
            )


def _chain(
    path: Path,
    warc_dir: Path,
    report: VerifyReport,
    ends: dict[str, int],
    deep: bool,
    db: sqlite3.Connection | None,
) -> None:
    shard = path.stem
    index = _IndexRows(db, shard, report)
    prev, expected_seq, count = GENESIS, 0, 0
    handles: dict[str, object] = {}
    for lineno, (_, entry, _line) in enumerate(read_entries(path), start=1):
        where = f"{path.name} line {lineno}"
        if entry is None:
            report.add(f"{where}: unreadable ledger line (edited or cut)")
            continue
        count += 1
        if entry.get("seq") != expected_seq:
            report.add(
                f"{where}: seq {entry.get('seq')} where {expected_seq} was due "
                "(entry deleted, inserted or reordered)"
            )
        if entry.get("prev") != prev:
            report.add(f"{where}: does not link to the entry before it")
        if entry.get("hash") != entry_hash(entry):
            report.add(f"{where}: hash does not match its content (entry edited)")
        index.match(entry, where)
        prev = str(entry.get("hash"))
        seq = entry.get("seq", expected_seq)
        expected_seq = (seq if isinstance(seq, int) else expected_seq) + 1
        warc, pos, length = str(entry.get("warc")), entry.get("pos"), entry.get("length")
        if not isinstance(pos, int) or not isinstance(length, int):
            report.add(f"{where}: no record position")
            continue
        if ends.get(warc, 0) != pos:
            report.add(
                f"{where}: record of {warc} at {pos}, but the previous one ended at "
                f"{ends.get(warc, 0)} (record deleted, inserted or reordered)"
            )
        ends[warc] = pos + length
        file = warc_dir / warc
        if warc not in handles:
            handles[warc] = open(file, "rb") if file.exists() else None
        fh = handles[warc]
        if fh is None:
            report.add(f"{where}: WARC file {warc} is missing")
            continue
        fh.seek(pos)  # type: ignore[attr-defined]
        data = fh.read(length)  # type: ignore[attr-defined]
        report.records += 1
        if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            report.add(
                f"{where}: record in {warc} at {pos} differs from the one committed "
                "(edited, deleted, inserted or reordered)"
            )
        elif deep:
            found = _check_member(data, str(entry.get("record_id")))
            if found is not None:
                problem, unreadable = found
                report.unreadable_records += unreadable
                report.add(f"{where}: record in {warc} at {pos} {problem}")
    for fh in handles.values():
        if fh is not None:
            fh.close()  # type: ignore[attr-defined]
    index.finish(count)
    report.chains[shard] = (count, prev)


def _open_index(index_path: Path, report: VerifyReport) -> sqlite3.Connection | None:
    if not index_path.is_file():
        report.add(
            f"{index_path.name} is missing: index rows cannot be compared with the ledger, and "
            "entries cut from the end of a chain cannot be detected"
        )
        return None
    try:
        db = sqlite3.connect(f"{index_path.absolute().as_uri()}?mode=ro", uri=True)
        db.execute("SELECT shard, seq FROM records LIMIT 1").fetchall()
    except sqlite3.Error as exc:
        report.add(f"{index_path.name} unreadable: {exc}")
        return None
    return db


def _unchained_rows(db: sqlite3.Connection, chains: set[str], report: VerifyReport) -> None:
    for shard, rows in db.execute("SELECT shard, COUNT(*) FROM records GROUP BY shard"):
        if shard not in chains:
            report.index_rows += int(rows)
            report.add(f"index holds {rows} row(s) of chain {shard!r}, which has no ledger file")


def _is_warc(name: str) -> bool:
    return name.lower().endswith(_WARC_SUFFIXES)


def _files(root: Path, report: VerifyReport, ends: dict[str, int]) -> None:
    """Account for every file under the evidence directory (see the module docstring)."""
    index_path, ledger_dir, warc_dir = evidence_paths(root)
    known = {index_path, *(Path(f"{index_path}{s}") for s in INDEX_SIDECARS)}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        links = [d for d in dirnames if (here / d).is_symlink()]
        for name in sorted([*filenames, *links]):
            path = here / name
            rel = path.relative_to(root).as_posix()
            if path in known:
                continue
            if here == ledger_dir and name.endswith(".jsonl") and not path.is_symlink():
                continue  # a chain: verified entry by entry
            if here == ledger_dir and name.endswith(".lock") and not path.is_symlink():
                if path.stat().st_size:
                    report.unlisted_files.append(rel)
                    report.add(f"{rel}: lock file with content (lock files are empty)")
                continue
            if _is_warc(name):
                report.files += 1
            if here == warc_dir and name in ends and not path.is_symlink():
                size = path.stat().st_size
                if size != ends[name]:
                    report.add(
                        f"{name}: {size - ends[name]} bytes after the last ledgered record "
                        "(record inserted or appended)"
                    )
                continue
            report.unlisted_files.append(rel)
            if _is_warc(name):
                report.add(f"{rel}: WARC file that no ledger entry refers to")
            else:
                report.add(f"{rel}: file that is not part of the evidence (not in the ledger)")


def verify_evidence(evidence_dir: str | Path, *, deep: bool = True) -> VerifyReport:
    """Return the verification report of an evidence directory (problems listed, not raised).

    Raises EvidenceError when the directory is not an evidence directory (no ``ledger/``).
    """
    root = Path(evidence_dir)
    index_path, ledger_dir, warc_dir = evidence_paths(root)
    if not ledger_dir.is_dir():
        raise EvidenceError(f"{root}: not an evidence directory (no ledger/)")
    report = VerifyReport()
    ends: dict[str, int] = {}
    db = _open_index(index_path, report)
    try:
        for path in sorted(ledger_dir.glob("*.jsonl")):
            _chain(path, warc_dir, report, ends, deep, db)
        if db is not None:
            _unchained_rows(db, set(report.chains), report)
    except sqlite3.Error as exc:
        report.add(f"{index_path.name} unreadable: {exc}")
    finally:
        if db is not None:
            db.close()
    _files(root, report, ends)
    return report
