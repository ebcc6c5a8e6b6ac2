# SPDX-License-Identifier: Apache-2.0
"""What the evidence says was seen at a URL, and when: the data behind ``evidence show``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clearance.errors import EvidenceError
from clearance.fetch.capture import read_capture
from clearance.fetch.index import EvidenceIndex
from clearance.fetch.store import evidence_paths
from clearance.models import Capture

__all__ = ["Sighting", "url_history"]


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
    out: list[Sighting] = []
    for r in rows:
        path = warc_dir / str(r["warc"])
        capture = read_capture(path, int(r["pos"]), cap=cap) if path.exists() else None
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
