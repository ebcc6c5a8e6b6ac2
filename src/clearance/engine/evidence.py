# SPDX-License-Identifier: Apache-2.0
"""Where a scan's opt-out evidence comes from, what it carries into OUT/evidence, and what the
report must say about it.

Three modes: ``snapshot`` (WARC files given with ``--snapshot``; the records the scan read are
copied into ``OUT/evidence`` so the folder verifies on its own), ``live`` (the fetcher writes
``OUT/evidence`` itself), and ``none`` (no signal was read: every reservation is unknown, and
the scan warns on the terminal and on page 1 of the report).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa

from clearance.config import FetchConfig
from clearance.engine.evidence_counts import STALE_DAYS, EvidenceCounts
from clearance.engine.progress import Progress
from clearance.errors import EvidenceError, InputError
from clearance.fetch.carry import TrackedSnapshot, carry_records, file_sha256
from clearance.fetch.run import fetch_host_documents

__all__ = [
    "STALE_DAYS",
    "EvidenceInfo",
    "check_snapshots",
    "evidence_summary",
    "gather_evidence",
    "item_captures",
    "origins",
]


NO_EVIDENCE = (
    "no --snapshot or --live: no opt-out signal was read, so every item's reservation is "
    "unknown (not 'not reserved')"
)


#: robots.txt outcomes that are an answer (a file, unchanged since the last fetch, or none
#: there: a 4xx allows everything under RFC 9309); any other leaves the host unread.
ANSWERED = frozenset({"ok", "not_modified", "http_4xx"})


@dataclass(frozen=True, slots=True)
class EvidenceInfo:
    """The evidence a scan judged from, and what it copied into its own folder."""

    mode: str  # none | snapshot | live | snapshot+live
    snapshot: TrackedSnapshot | None = None
    snapshot_files: int = 0  # the first N files of the snapshot are --snapshot files
    sources: tuple[tuple[str, str], ...] = ()
    records_carried: int = 0
    hosts_fetched: int = 0
    host_outcomes: dict[str, int] = field(default_factory=dict)  # live: hosts per robots.txt end
    problems: dict[str, int] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    unreadable: int = 0  # records (or damaged stretches) that could not be read

    def carried(self, dest: Path) -> EvidenceInfo:
        """Copy the snapshot records the scan read into ``dest``; return the updated info."""
        snap = self.snapshot
        if snap is None or not self.snapshot_files:
            return self
        touched = [(i, pos) for i, pos in snap.touched if i < self.snapshot_files]
        try:
            done = carry_records(snap.files[: self.snapshot_files], touched, dest,
                                 run=f"snapshot-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}")
        except EvidenceError as exc:
            warning = f"evidence not carried into {dest.name}/: {exc}"
            return replace(self, warnings=(*self.warnings, warning))
        return replace(self, records_carried=done.records,
                       problems=dict(snap.problems))

    def to_json(self) -> dict[str, Any]:
        """Return what the report and scan.json record (no paths of this machine)."""
        return {
            "mode": self.mode,
            "sources": [{"name": n, "sha256": h} for n, h in self.sources],
            "records_carried": self.records_carried,
            "hosts_fetched": self.hosts_fetched,
            "host_outcomes": dict(self.host_outcomes),
            "problems": dict(self.problems),
            "unreadable_records": self.unreadable,
            "warnings": list(self.warnings),
        }


def origins(items: pa.Table) -> list[str]:
    """Return the distinct ``scheme://host[:port]`` origins of the items' http(s) URLs."""
    urls = pl.from_arrow(items["url"])
    assert isinstance(urls, pl.Series)
    scheme = urls.str.extract(r"^(?i:(https?)://)", 1).str.to_lowercase()
    authority = urls.str.extract(r"^(?i:https?)://(?:[^@/?#]*@)?([^/?#]+)", 1).str.to_lowercase()
    found = (scheme + "://" + authority).drop_nulls().unique()
    return sorted(found.to_list())


def check_snapshots(paths: Sequence[Path]) -> None:
    """Refuse ``--snapshot`` values that are not readable WARC files, before any work.

    A WARC file starts with ``WARC/`` (uncompressed) or is gzip (``.warc.gz``); a folder, a
    missing file or anything else is an InputError naming it.
    """
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise InputError(f"--snapshot {path}: no such file")
        if path.is_dir():
            raise InputError(f"--snapshot {path}: is a folder; give its WARC files")
        try:
            with open(path, "rb") as fh:
                head = fh.read(5)
        except OSError as exc:
            raise InputError(f"--snapshot {path}: cannot be read ({exc.strerror})") from exc
        if not head.startswith((b"\x1f\x8b", b"WARC/")):
            raise InputError(f"--snapshot {path}: not a WARC file (neither WARC/ nor gzip)")


def gather_evidence(
    items: pa.Table,
    dest: Path,
    *,
    snapshots: Sequence[Path] = (),
    live: bool = False,
    fetch: FetchConfig | None = None,
    resolver: Any = None,
    progress: Progress,
) -> EvidenceInfo:
    """Return the snapshot the scan judges from: ``--snapshot`` files, a live fetch, or none."""
    paths = [Path(p) for p in snapshots]
    for path in paths:
        if path.is_dir():
            raise EvidenceError(f"--snapshot {path}: is a folder; give its WARC files")
    sources = tuple((p.name, file_sha256(p)) for p in paths)
    fetched = 0
    outcomes: dict[str, int] = {}
    if live:
        hosts = origins(items)
        stage = progress.stage("fetching robots.txt, tdmrep.json, ai.txt and home pages",
                               len(hosts), "hosts")
        summary = fetch_host_documents(hosts, dest, config=fetch or FetchConfig(),
                                       resolver=resolver)
        stage.advance(len(hosts))
        stage.close()
        fetched, outcomes = summary.hosts, dict(summary.host_outcomes)
    live_files = sorted((dest / "warc").glob("*.warc.gz")) if live else []
    mode = "+".join(m for m, on in (("snapshot", bool(paths)), ("live", live)) if on) or "none"
    if mode == "none":
        return EvidenceInfo("none", warnings=(NO_EVIDENCE,))
    stage = progress.stage("indexing the captures", len(paths) + len(live_files), "files")
    snap = TrackedSnapshot()
    for path in paths:
        snap.add_file(path)
        stage.advance()
    if paths and snap.records == 0:
        names = ", ".join(p.name for p in paths)
        raise EvidenceError(f"--snapshot: {names} holds no WARC record (is it a WARC file?)")
    for path in live_files:
        snap.add_file(path)
        stage.advance()
    for entries in snap.captures.values():
        entries.sort(key=lambda e: e.when)
    stage.close()
    warnings: tuple[str, ...] = ()
    failed = {k: v for k, v in sorted(outcomes.items()) if k not in ANSWERED and v}
    if failed:
        warnings += (
            f"live fetch: no robots.txt answer from {sum(failed.values()):,} of {fetched:,} "
            f"host(s) ({', '.join(f'{k} {v:,}' for k, v in failed.items())}); each outcome is "
            "recorded in evidence/, and an item with no capture of its host stays unknown",)
    unreadable = int(getattr(snap, "unreadable_records", 0))
    if snap.problems or unreadable:
        n = max(unreadable, sum(snap.problems.values()))
        warnings += (f"{n:,} unreadable record(s) in the evidence were skipped (the rest of "
                    "each file was read): "
                    + "; ".join(f"{k} ({v})" for k, v in sorted(snap.problems.items())),)
    return EvidenceInfo(mode, snap, len(paths), sources, hosts_fetched=fetched,
                        host_outcomes=outcomes, problems=dict(snap.problems), warnings=warnings,
                        unreadable=unreadable)


def evidence_summary(facts: pa.Table, evidence: dict[str, Any]) -> dict[str, Any]:
    """Return what the report says about the evidence (see :class:`EvidenceCounts`)."""
    counts = EvidenceCounts()
    counts.add(facts)
    return counts.summary(evidence)


def item_captures(scan_dir: Path, url: str) -> list[dict[str, Any]]:
    """Return, for each item of a scan with this URL, the capture its reservation rests on.

    Each entry: item_id, collected_at, reservation (then), form, capture URL, capture date,
    WARC-Record-ID, the excerpt of the deciding rule, and its age at collection in days.
    """
    path = scan_dir / "facts.parquet"
    if not path.exists():
        return []
    wanted = ["item_id", "url", "collected_at", "reservation", "reservation_form",
              "reservation_capture_url", "reservation_capture_at", "reservation_record_id",
              "reservation_excerpt", "reservation_capture_age_days", "reservation_now"]
    frame = pl.scan_parquet(path)
    names = frame.collect_schema().names()
    rows = frame.select([c for c in wanted if c in names]).filter(
        pl.col("url") == url).collect()
    out = []
    for row in rows.with_columns(pl.col(pl.Categorical).cast(pl.String)).iter_rows(named=True):
        out.append({k: (v.isoformat() if isinstance(v, dt.datetime) else v)
                    for k, v in row.items()})
    return out
