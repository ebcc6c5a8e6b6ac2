# SPDX-License-Identifier: Apache-2.0
"""Check an evidence directory: every chain links, every record is where its entry says.

For each ledger chain: sequence numbers run 0, 1, 2, ...; each entry's ``prev`` is the hash
of the entry before and its ``hash`` recomputes; each entry's record is found at its file and
position with the SHA-256 it committed to; records tile each WARC file with no gap and nothing
after the last; every WARC file belongs to a chain; each record parses and its WARC-Block-Digest
holds. So an edited, deleted, inserted or reordered record, or an edited, deleted, inserted or
reordered ledger line, is reported. Cutting the same tail off a chain *and* its files is
caught only against a published chain head (``FetchSummary.heads``) or the index.
"""

from __future__ import annotations

import hashlib
import io
import sqlite3
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from fastwarc.warc import ArchiveIterator

from clearance.errors import EvidenceError
from clearance.fetch.ledger import GENESIS, entry_hash, read_entries
from clearance.fetch.store import evidence_paths

__all__ = ["VerifyReport", "verify_evidence"]

_MAX_PROBLEMS = 1000


@dataclass(slots=True)
class VerifyReport:
    """Result of :func:`verify_evidence`; ``ok`` is True only when no problem was found."""

    records: int = 0
    files: int = 0
    chains: dict[str, tuple[int, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return True when the evidence verified."""
        return not self.problems

    def add(self, problem: str) -> None:
        """Record a problem (the first thousand are kept)."""
        if len(self.problems) < _MAX_PROBLEMS:
            self.problems.append(problem)


def _check_member(data: bytes, record_id: str) -> str | None:
    try:
        raw = zlib.decompress(data, 47)
    except zlib.error:
        return "is not one gzip member"
    for rec in ArchiveIterator(io.BytesIO(raw), parse_http=False):
        if rec.record_id != record_id:
            return f"has WARC-Record-ID {rec.record_id}, ledger says {record_id}"
        if not rec.verify_block_digest():
            return "fails its WARC-Block-Digest"
        return None
    return "is not a WARC record"


def _chain(
    path: Path, warc_dir: Path, report: VerifyReport, ends: dict[str, int], deep: bool
) -> None:
    shard = path.stem
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
        prev = str(entry.get("hash"))
        expected_seq = int(entry.get("seq", expected_seq)) + 1
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
            problem = _check_member(data, str(entry.get("record_id")))
            if problem:
                report.add(f"{where}: record in {warc} at {pos} {problem}")
    for fh in handles.values():
        if fh is not None:
            fh.close()  # type: ignore[attr-defined]
    report.chains[shard] = (count, prev)


def verify_evidence(evidence_dir: str | Path, *, deep: bool = True) -> VerifyReport:
    """Return the verification report of an evidence directory (problems listed, not raised)."""
    root = Path(evidence_dir)
    index_path, ledger_dir, warc_dir = evidence_paths(root)
    if not ledger_dir.is_dir():
        raise EvidenceError(f"{root}: not an evidence directory (no ledger/)")
    report = VerifyReport()
    ends: dict[str, int] = {}
    for path in sorted(ledger_dir.glob("*.jsonl")):
        _chain(path, warc_dir, report, ends, deep)
    files = sorted(p.name for p in warc_dir.glob("*.warc.gz")) if warc_dir.is_dir() else []
    report.files = len(files)
    for name in files:
        size = (warc_dir / name).stat().st_size
        if name not in ends:
            report.add(f"{name}: WARC file that no ledger entry refers to")
        elif size != ends[name]:
            report.add(
                f"{name}: {size - ends[name]} bytes after the last ledgered record "
                "(record inserted or appended)"
            )
    if index_path.exists():
        db = sqlite3.connect(f"file:{index_path}?mode=ro", uri=True)
        try:
            for shard, top in db.execute("SELECT shard, MAX(seq) FROM records GROUP BY shard"):
                have = report.chains.get(shard, (0, ""))[0]
                if top is not None and top + 1 > have:
                    report.add(
                        f"ledger {shard}: index knows {top + 1} entries, ledger has "
                        f"{have} (entries deleted from the end)"
                    )
        except sqlite3.Error as exc:
            report.add(f"index unreadable: {exc}")
        finally:
            db.close()
    return report
