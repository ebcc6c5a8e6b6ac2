# SPDX-License-Identifier: Apache-2.0
"""What the evidence says was seen at a URL, and when: the data behind ``evidence show``.

The index finds the rows; each row is then checked against its ledger entry (whose own hash
must recompute) before it is shown, so an index edited after the fact is refused with a
:class:`~clearance.errors.TamperError` instead of being displayed as evidence.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clearance.errors import EvidenceError, TamperError
from clearance.fetch.capture import read_capture
from clearance.fetch.index import COLUMNS, EvidenceIndex
from clearance.fetch.ledger import entry_hash, read_entries
from clearance.fetch.store import evidence_paths
from clearance.models import Capture

__all__ = ["Sighting", "url_history"]

log = logging.getLogger(__name__)

_SHARD = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True, slots=True)
class Sighting:
    """One recorded fetch of a URL: the ledger facts and the capture read back from the WARC."""

    run: str
    doc: str
    date: str
    outcome: str
    status: int | None
    final_url: str | None
    error: str | None
    warc: str
    pos: int
    record_id: str
    payload_digest: str
    ledger: str
    capture: Capture | None


def url_history(evidence_dir: str | Path, url: str, *, cap: int = 1 << 20) -> list[Sighting]:
    """Return every recorded outcome for ``url`` (requested or redirected to), oldest first."""
    root = Path(evidence_dir)
    index_path, _, warc_dir = evidence_paths(root)
    if not index_path.exists():
        raise EvidenceError(f"{root}: not an evidence directory (no index.sqlite)")
    index = EvidenceIndex(index_path)
    try:
        rows = index.query(
            "SELECT * FROM records WHERE final = 1 AND (url = ? OR uri = ?) ORDER BY date, seq",
            (url, url),
        )
    finally:
        index.close()
    _check_against_ledger(root, rows)
    out: list[Sighting] = []
    for r in rows:
        path = warc_dir / str(r["warc"])
        capture = _capture(path, int(r["pos"]), cap) if path.is_file() else None
        out.append(
            Sighting(
                run=str(r["run"]),
                doc=str(r["doc"]),
                date=str(r["date"]),
                outcome=str(r["outcome"]),
                status=r["status"],
                final_url=r["final_url"],
                error=r["error"],
                warc=str(r["warc"]),
                pos=int(r["pos"]),
                record_id=str(r["record_id"]),
                payload_digest=str(r["payload_digest"]),
                ledger=f"{r['shard']}#{r['seq']} {r['hash']}",
                capture=capture,
            )
        )
    return out


def _capture(path: Path, pos: int, cap: int) -> Capture | None:
    try:
        return read_capture(path, pos, cap=cap)
    except Exception as exc:  # a damaged record: shown without its capture, never a traceback
        log.warning("%s: record at %d cannot be read (%s)", path, pos, exc)
        return None


def _norm(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


def _check_against_ledger(root: Path, rows: list[dict[str, Any]]) -> None:
    """Raise TamperError unless every row equals its ledger entry (see the module)."""
    _, ledger_dir, _ = evidence_paths(root)
    wanted: dict[str, set[int]] = {}
    for r in rows:
        shard, seq = str(r["shard"]), r["seq"]
        if not _SHARD.fullmatch(shard) or not isinstance(seq, int):
            raise TamperError(f"{root}: index row names chain {shard!r}#{seq!r}, not a chain")
        wanted.setdefault(shard, set()).add(seq)
    entries: dict[tuple[str, int], dict[str, Any]] = {}
    for shard, seqs in wanted.items():
        path = ledger_dir / f"{shard}.jsonl"
        if not path.is_file():
            continue
        for _, entry, _ in read_entries(path):
            if entry is not None and entry.get("seq") in seqs and (
                entry.get("hash") == entry_hash(entry)
            ):
                entries[(shard, int(entry["seq"]))] = entry
    for r in rows:
        key = (str(r["shard"]), int(r["seq"]))
        entry = entries.get(key)
        if entry is None:
            raise TamperError(
                f"{root}: index row {key[0]}#{key[1]} has no sound ledger entry; the evidence "
                "does not verify (run clearance evidence verify)"
            )
        differ = [c for c in COLUMNS if _norm(r.get(c)) != _norm(entry.get(c))]
        if differ:
            raise TamperError(
                f"{root}: index row {key[0]}#{key[1]} differs from the ledger in "
                f"{', '.join(differ)}; the evidence does not verify (run clearance evidence "
                "verify)"
            )
