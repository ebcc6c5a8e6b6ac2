# SPDX-License-Identifier: Apache-2.0
"""Offline snapshots: read signals from WARC files instead of the network.

A :class:`Snapshot` indexes the captures in WARC files — our own evidence, the demo snapshot,
or Common Crawl's robots.txt WARC files — by (host, path) and answers, for a date, the capture
that stood then: the latest one at or before ``as_of``. Redirects are followed inside the
snapshot (up to five), ``revisit`` records resolve to the capture they confirm, and our
``metadata`` failure records come back as captures with a failure outcome. Unreadable input is
counted in :attr:`Snapshot.problems`, never raised mid-scan.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin

import polars as pl
from fastwarc.warc import ArchiveIterator, WarcRecordType

from clearance.errors import EvidenceError
from clearance.fetch.capture import (
    DOCUMENTS,
    capture_from_record,
    document_path,
    host_key,
    read_capture,
    target_key,
)
from clearance.models import Capture

__all__ = [
    "DOCUMENTS",
    "REDIRECT_GRACE",
    "Snapshot",
    "capture_from_record",
    "host_key",
    "read_capture",
]

log = logging.getLogger(__name__)

REDIRECT_GRACE = timedelta(days=1)
"""How long after a redirect capture its target capture is looked for (:meth:`capture`)."""
_WANTED = WarcRecordType.response | WarcRecordType.revisit | WarcRecordType.metadata
_KINDS = {
    int(WarcRecordType.response): "response",
    int(WarcRecordType.revisit): "revisit",
    int(WarcRecordType.metadata): "metadata",
}


@dataclass(frozen=True, slots=True)
class _Entry:
    when: datetime
    path_index: int
    pos: int
    kind: str
    record_id: str
    refers_to: str | None


class Snapshot:
    """Captures from WARC files, looked up by (host, document, as_of)."""

    def __init__(self, *, cap: int = 1 << 20) -> None:
        self.cap = cap
        self.files: list[Path] = []
        self.captures: dict[tuple[str, str], list[_Entry]] = {}
        self.by_id: dict[str, tuple[str, str]] = {}
        self.records = 0
        self.problems: dict[str, int] = {}
        self._ids: list[tuple[str, str, datetime]] = []

    @classmethod
    def from_paths(cls, paths: Iterable[str | Path], *, cap: int = 1 << 20) -> Snapshot:
        """Return a snapshot of WARC files; directories are searched for ``*.warc[.gz]``."""
        snap = cls(cap=cap)
        for given in paths:
            path = Path(given)
            if path.is_dir():
                files = sorted([*path.rglob("*.warc.gz"), *path.rglob("*.warc")])
            elif path.exists():
                files = [path]
            else:
                raise EvidenceError(f"{path}: no such WARC file or directory")
            for file in files:
                snap.add_file(file)
        for entries in snap.captures.values():
            entries.sort(key=lambda e: e.when)
        return snap

    def _problem(self, what: str) -> None:
        self.problems[what] = self.problems.get(what, 0) + 1

    def add_file(self, path: Path) -> None:
        """Index the captures of one WARC file (call :meth:`from_paths` to keep order)."""
        index = len(self.files)
        self.files.append(path)
        try:
            with open(path, "rb") as fh:
                for rec in ArchiveIterator(fh, record_types=_WANTED, parse_http=False):
                    self.records += 1
                    uri = rec.headers.get("WARC-Target-URI")
                    if not uri:
                        self._problem("record without WARC-Target-URI")
                        continue
                    kind = _KINDS.get(int(rec.record_type), "other")
                    if kind == "metadata":
                        head = rec.reader.read(65536)
                        if b"outcome:" not in head:
                            continue
                    try:
                        when = rec.record_date
                    except (ValueError, OSError):
                        self._problem("record with an unreadable WARC-Date")
                        continue
                    when = when if when.tzinfo else when.replace(tzinfo=UTC)
                    key = target_key(uri)
                    rid = rec.record_id or ""
                    refers = rec.headers.get("WARC-Refers-To")
                    self.captures.setdefault(key, []).append(
                        _Entry(when, index, rec.stream_pos, kind, rid, refers)
                    )
                    if rid:
                        self.by_id[rid] = key
        except Exception as exc:  # hostile input: any reader error ends this file, counted
            log.warning("%s: stopped reading (%s)", path, exc)
            self._problem(f"unreadable WARC data: {type(exc).__name__}")

    def hosts(self) -> list[str]:
        """Return the hosts the snapshot has captures of."""
        return sorted({h for h, _ in self.captures})

    def history(self, host: str, document: str) -> list[datetime]:
        """Return the capture dates of one document of one host, oldest first."""
        return [e.when for e in self.captures.get((host_key(host), document_path(document)), [])]

    def _entry(self, key: tuple[str, str], as_of: datetime | None) -> _Entry | None:
        entries = self.captures.get(key)
        if not entries:
            return None
        if as_of is None:
            return entries[-1]
        when = as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
        i = bisect.bisect_right([e.when for e in entries], when)
        return entries[i - 1] if i else None

    def _load(self, entry: _Entry) -> Capture | None:
        try:
            return read_capture(self.files[entry.path_index], entry.pos, cap=self.cap)
        except Exception as exc:  # hostile input: count it, do not stop the scan
            self._problem(f"unreadable record: {type(exc).__name__}")
            return None

    def lookup(self, host: str, document: str, as_of: datetime | None = None) -> Capture | None:
        """Return the capture of ``document`` on ``host`` that stood at ``as_of`` (latest if None).

        None means the snapshot holds no capture of it at or before that date. Redirect
        targets are taken as of the same date; a redirect whose target was not captured comes
        back as the redirect itself (outcome ``redirect``).
        """
        entry = self._entry((host_key(host), document_path(document)), as_of)
        return None if entry is None else self._resolve(entry, as_of)

    def _resolve(self, entry: _Entry, as_of: datetime | None) -> Capture | None:
        requested: str | None = None
        capture: Capture | None = None
        for _hop in range(6):
            loaded = self._load(entry)
            if loaded is None:
                return capture and self._as_requested(capture, requested)
            capture = loaded
            requested = requested or capture.url
            if entry.kind == "revisit":
                capture = self._revisit(entry, capture, as_of)
            if capture.outcome != "redirect":
                return self._as_requested(capture, requested)
            location = next((v for k, v in capture.headers if k.lower() == "location"), None)
            if not location:
                return self._as_requested(capture, requested)
            target = self._entry(target_key(urljoin(capture.url, location.strip())), as_of)
            if target is None:
                return self._as_requested(capture, requested)
            entry = target
        assert capture is not None
        return self._as_requested(capture, requested, outcome="too_many_redirects")

    def table(self, document: str) -> pl.DataFrame:
        """Return one row per capture of ``document``: host, captured_at (UTC), capture id.

        Sorted by ``captured_at``, ready for a columnar as-of join: join items on
        (host, collected_at) with ``join_asof(..., by="host", strategy="backward")``, then read
        each distinct capture id once with :meth:`capture`.
        """
        path = document_path(document)
        hosts: list[str] = []
        dates: list[datetime] = []
        ids: list[int] = []
        for (host, doc_path), entries in self.captures.items():
            if doc_path != path:
                continue
            for entry in entries:
                hosts.append(host)
                dates.append(entry.when)
                ids.append(len(self._ids))
                self._ids.append((host, doc_path, entry.when))
        frame = pl.DataFrame(
            {"host": hosts, "captured_at": dates, "capture": ids},
            schema={
                "host": pl.String,
                "captured_at": pl.Datetime("us", "UTC"),
                "capture": pl.Int64,
            },
        )
        return frame.sort("captured_at")

    def capture(self, capture: int) -> Capture | None:
        """Return the capture a :meth:`table` id names.

        A redirect is followed to the target capture standing one day after it (crawlers
        fetch the target right after the redirect), so the result does not depend on the
        item's date and each id is read once.
        """
        host, path, when = self._ids[capture]
        for entry in reversed(self.captures.get((host, path), [])):
            if entry.when == when:  # the last of equal dates, as lookup() picks
                return self._resolve(entry, when + REDIRECT_GRACE)
        return None

    def lookup_many(
        self, host: str, document: str, dates: Sequence[datetime | None]
    ) -> list[Capture | None]:
        """Return :meth:`lookup` for each date, reading each distinct capture once."""
        cache: dict[datetime | None, Capture | None] = {}
        return [
            cache[d] if d in cache else cache.setdefault(d, self.lookup(host, document, d))
            for d in dates
        ]

    def _revisit(self, entry: _Entry, capture: Capture, as_of: datetime | None) -> Capture:
        key = self.by_id.get(entry.refers_to or "")
        original = None
        if key is not None:
            for cand in self.captures.get(key, []):
                if cand.record_id == entry.refers_to:
                    original = self._load(cand)
                    break
        if original is None:
            self._problem("revisit whose original is not in the snapshot")
            return capture
        return Capture(
            capture.url,
            original.status,
            original.headers,
            original.body,
            capture.captured_at,
            outcome=original.outcome,
            truncated=original.truncated,
            record_id=capture.record_id,
            source=capture.source,
        )

    @staticmethod
    def _as_requested(
        capture: Capture, requested: str | None, *, outcome: str | None = None
    ) -> Capture:
        if requested is None or (requested == capture.url and outcome is None):
            return capture
        return Capture(
            requested,
            capture.status,
            capture.headers,
            capture.body,
            capture.captured_at,
            outcome=outcome or capture.outcome,
            truncated=capture.truncated,
            final_url=capture.url,
            record_id=capture.record_id,
            source=capture.source,
        )
