# SPDX-License-Identifier: Apache-2.0
"""Offline snapshots: read signals from WARC files instead of the network.

A :class:`Snapshot` indexes the captures in WARC files — our own evidence, the demo snapshot,
or Common Crawl's robots.txt WARC files — by (host, path) and answers, for a date, the capture
that stood then: the latest one at or before ``as_of``. Redirects are followed inside the
snapshot (up to five), ``revisit`` records resolve to the capture they confirm, and our
``metadata`` failure records come back as captures with a failure outcome.

Unreadable input is counted, never raised mid-scan: a record that cannot be read (a damaged
stretch, no readable WARC-Date, no target URI) is skipped and the rest of its file read
(:mod:`clearance.fetch.records`); :attr:`Snapshot.unreadable_records` counts them and
:attr:`Snapshot.problems` says why. Inside an evidence folder (``ledger/`` beside ``warc/``)
only what the ledger lists is read: other files, and bytes after a file's last ledgered
record, are skipped and counted (:attr:`Snapshot.skipped_files`,
:attr:`Snapshot.skipped_records`). A file named explicitly that is not a WARC file is an
:class:`~clearance.errors.EvidenceError`.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from fastwarc.warc import WarcRecordType

from clearance.errors import EvidenceError
from clearance.fetch.capture import (
    DOCUMENTS,
    capture_from_record,
    document_path,
    host_key,
    read_capture,
    target_key,
)
from clearance.fetch.ledger import read_entries
from clearance.fetch.records import iter_records, looks_like_warc
from clearance.fetch.store import evidence_paths
from clearance.models import Capture

if TYPE_CHECKING:
    import polars as pl

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


def _evidence_root(file: Path) -> Path | None:
    """Return the evidence folder a file lies anywhere under (it has ``ledger/`` and
    ``warc/``), else None."""
    for folder in file.absolute().parents:
        if (folder / "ledger").is_dir() and (folder / "warc").is_dir():
            return folder
    return None


def _ledgered_ends(root: Path) -> dict[str, int]:
    """Return {WARC file name: end of its last ledgered record} of an evidence folder."""
    _, ledger_dir, _ = evidence_paths(root)
    ends: dict[str, int] = {}
    for path in sorted(ledger_dir.glob("*.jsonl")):
        for _, entry, _ in read_entries(path):
            if entry is None:
                continue
            warc, pos, length = entry.get("warc"), entry.get("pos"), entry.get("length")
            if isinstance(warc, str) and isinstance(pos, int) and isinstance(length, int):
                ends[warc] = max(ends.get(warc, 0), pos + length)
    return ends


class Snapshot:
    """Captures from WARC files, looked up by (host, document, as_of).

    ``unreadable_records`` counts records (or damaged stretches) that could not be read,
    ``skipped_files`` files not read (unledgered in an evidence folder, or not WARC inside a
    directory given), ``skipped_records`` records past the ledgered end of an evidence file;
    ``problems`` counts each reason. A scan reports them and fails under ``--strict``.
    """

    def __init__(self, *, cap: int = 1 << 20) -> None:
        self.cap = cap
        self.files: list[Path] = []
        self.captures: dict[tuple[str, str], list[_Entry]] = {}
        self.by_id: dict[str, tuple[str, str]] = {}
        self.records = 0
        self.problems: dict[str, int] = {}
        self.unreadable_records = 0
        self.skipped_files = 0
        self.skipped_records = 0
        self._ids: list[tuple[str, str, datetime]] = []
        self._ledgers: dict[Path, dict[str, int]] = {}
        self._unloadable: set[tuple[int, int]] = set()

    @classmethod
    def from_paths(cls, paths: Iterable[str | Path], *, cap: int = 1 << 20) -> Snapshot:
        """Return a snapshot of WARC files; directories are searched for ``*.warc[.gz]``.

        Raises EvidenceError for a path that does not exist or a file (named as such) that
        is not a WARC file; inside directories such files are skipped and counted.
        """
        snap = cls(cap=cap)
        for given in paths:
            path = Path(given)
            if path.is_dir():
                files = sorted([*path.rglob("*.warc.gz"), *path.rglob("*.warc")])
                explicit = False
            elif path.exists():
                files, explicit = [path], True
            else:
                raise EvidenceError(f"{path}: no such WARC file or directory")
            for file in files:
                snap._add_checked(file, explicit)
        for entries in snap.captures.values():
            entries.sort(key=lambda e: e.when)
        return snap

    def _problem(self, what: str, *, unreadable: bool = False) -> None:
        self.problems[what] = self.problems.get(what, 0) + 1
        if unreadable:
            self.unreadable_records += 1

    def _add_checked(self, file: Path, explicit: bool) -> None:
        if not file.is_file():
            if explicit:
                raise EvidenceError(f"{file}: not a regular file, so not a WARC file")
            self.skipped_files += 1
            self._problem("not a regular file: skipped")
            return
        try:
            warc = looks_like_warc(file)
        except OSError as exc:
            raise EvidenceError(f"{file}: cannot be read ({exc.strerror or exc})") from exc
        if not warc:
            if explicit:
                with open(file, "rb") as fh:
                    head = fh.read(16)
                raise EvidenceError(
                    f"{file}: not a WARC file (ISO 28500; it starts with {head!r}); pass WARC "
                    "files (.warc, .warc.gz) or a directory holding them"
                )
            self.skipped_files += 1
            self._problem("file that is not a WARC file: skipped")
            return
        root = _evidence_root(file)
        end: int | None = None
        if root is not None:
            ends = self._ledgers.get(root)
            if ends is None:
                ends = self._ledgers[root] = _ledgered_ends(root)
            in_place = file.absolute().parent == evidence_paths(root)[2]
            end = ends.get(file.name) if in_place else None
            if end is None:
                log.warning("%s: not in its evidence folder's ledger; skipped", file)
                self.skipped_files += 1
                self._problem("WARC file in an evidence folder that its ledger does not list")
                return
        self.add_file(file, end=end)

    def add_file(self, path: Path, *, end: int | None = None) -> None:
        """Index the captures of one WARC file (call :meth:`from_paths` to keep order).

        ``end``: records starting at or after this offset are skipped (an evidence file's
        ledgered end). A record that cannot be read is counted and skipped; the rest of the
        file is still read.
        """
        index = len(self.files)
        self.files.append(path)

        def damaged(offset: int, reason: str) -> None:
            log.warning("%s: %s", path, reason)
            self._problem("unreadable WARC data (a damaged record or stretch)", unreadable=True)

        try:
            with open(path, "rb") as fh:
                for rec in iter_records(
                    fh, record_types=_WANTED, parse_http=False, on_damage=damaged
                ):
                    if end is not None and rec.stream_pos >= end:
                        self.skipped_records += 1
                        self._problem("record after the last ledgered record: skipped")
                        continue
                    self.records += 1
                    try:
                        self._index(rec, index)
                    except Exception as exc:  # hostile input: this record only
                        log.warning("%s: record at %d skipped (%s)", path, rec.stream_pos, exc)
                        self._problem(f"unreadable record: {type(exc).__name__}", unreadable=True)
        except OSError as exc:
            log.warning("%s: cannot be read (%s)", path, exc)
            self._problem("WARC file that cannot be opened", unreadable=True)

    def _index(self, rec: Any, index: int) -> None:
        uri = rec.headers.get("WARC-Target-URI")
        if not uri:
            self._problem("record without WARC-Target-URI", unreadable=True)
            return
        kind = _KINDS.get(int(rec.record_type), "other")
        if kind == "metadata":
            head = rec.reader.read(65536)
            if b"outcome:" not in head:
                return
        when = rec.record_date
        if when is None:
            self._problem("record with an unreadable WARC-Date", unreadable=True)
            return
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        key = target_key(uri)
        rid = rec.record_id or ""
        refers = rec.headers.get("WARC-Refers-To")
        self.captures.setdefault(key, []).append(
            _Entry(when, index, rec.stream_pos, kind, rid, refers)
        )
        if rid:
            self.by_id[rid] = key

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
        except Exception as exc:  # hostile input: count it (once per record), do not stop
            key = (entry.path_index, entry.pos)
            if key not in self._unloadable:
                self._unloadable.add(key)
                self._problem(f"unreadable record: {type(exc).__name__}", unreadable=True)
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
        import polars as pl  # imported here: fetch workers never need it

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
