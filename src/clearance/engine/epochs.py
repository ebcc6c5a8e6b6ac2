# SPDX-License-Identifier: Apache-2.0
"""Items judged on the epochs of their hosts' captures: the reservation columns of the facts.

A host's captures of robots.txt, tdmrep.json and ai.txt cut its timeline into epochs
(:mod:`clearance.engine.reservations`). Each item falls in the epoch that stood when it was
collected, and in the one standing at ``as_of`` ("now"). :class:`HostJudges` keeps one judge
per host for the whole job (a worker keeps it across batches), so each distinct host state is
parsed once however many batches hold its items; per batch the items are grouped by host and
epoch with vectorised search, and joined to the distinct judgements by index.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from clearance.engine.reservations import _AUTHORITY, DOCUMENTS, EpochSignals, Judgement
from clearance.engine.settings import ScanConfig
from clearance.fetch.snapshot import Snapshot
from clearance.models import Capture, Signal
from clearance.signals.crawlers import CrawlerRegistry, load_crawlers

__all__ = ["SIGNAL_SCHEMA", "HostJudges", "add_reservations"]

UTC = dt.UTC

SIGNAL_SCHEMA = pa.schema(
    [
        ("host", pa.string()),
        ("captured_at", pa.timestamp("us", tz="UTC")),
        ("standard", pa.string()),
        ("purpose", pa.string()),
        ("verdict", pa.string()),
        ("agent", pa.string()),
        ("excerpt", pa.string()),
        ("location", pa.string()),
        ("confidence", pa.float32()),
        ("contested", pa.bool_()),
        ("evidence", pa.string()),
    ]
)

_PORT_RE = r"^([A-Za-z][A-Za-z0-9+.\-]*)://(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*):(\d+)"
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_NO_TIME = np.iinfo(np.int64).min


def _host_frame(items: pa.Table) -> pl.DataFrame:
    """Return items' rows with ``key``: the host, plus ``:port`` for a non-default port
    (the key snapshots file captures under)."""
    frame = pl.from_arrow(items.select(["host", "url", "collected_at"]))
    assert isinstance(frame, pl.DataFrame)
    parts = pl.col("url").str.extract_groups(_PORT_RE)
    scheme = parts.struct.field("1").str.to_lowercase()
    port = parts.struct.field("2")
    default = scheme.replace_strict(_DEFAULT_PORTS, default=None, return_dtype=pl.String)
    keyed = pl.when(port.is_not_null() & (port != default.fill_null("")))\
        .then(pl.col("host") + pl.lit(":") + port).otherwise(pl.col("host"))
    return frame.with_row_index("__i").with_columns(keyed.alias("key"))


def _path_ids(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[str | None]]:
    """Return the rows with ``__p``, the id of their (host, path and query), and the first
    URL of each id: the matchers read only the path and query, so each is judged once."""
    tails = frame.with_columns(pl.col("url").str.replace(_AUTHORITY, "").alias("__t"))
    firsts = tails.group_by("key", "__t", maintain_order=True).agg(pl.col("url").first())\
        .with_row_index("__p")
    joined = tails.join(firsts.select("key", "__t", "__p"), on=["key", "__t"], how="left",
                        maintain_order="left", nulls_equal=True).drop("__t")
    reps = firsts["url"].to_list()
    return joined, reps


def _capture_row(host: str, when: dt.datetime, sig: Signal, evidence: str) -> dict[str, object]:
    return {
        "host": host,
        "captured_at": when,
        "standard": sig.standard,
        "purpose": sig.purpose,
        "verdict": sig.verdict,
        "agent": sig.agent,
        "excerpt": sig.excerpt[:500],
        "location": sig.location,
        "confidence": sig.confidence,
        "contested": sig.contested,
        "evidence": evidence,
    }


class _Columns:
    """The reservation columns being filled: per item an index into distinct judgements."""

    def __init__(self, n: int) -> None:
        self.judgements: list[Judgement] = [Judgement("unknown", "none", (), None)]
        self._ids: dict[Judgement, int] = {self.judgements[0]: 0}
        self.then = np.zeros(n, dtype=np.int32)
        self.now = np.zeros(n, dtype=np.int32)
        self.capture_at = np.full(n, _NO_TIME, dtype=np.int64)

    def ids(self, judged: tuple[list[Judgement], np.ndarray]) -> np.ndarray:
        """Return the global ids of a (distinct judgements, per-URL index) pair."""
        distinct, index = judged
        local = np.empty(len(distinct), dtype=np.int32)
        for k, one in enumerate(distinct):
            got = self._ids.get(one)
            if got is None:
                got = self._ids[one] = len(self.judgements)
                self.judgements.append(one)
            local[k] = got
        result: np.ndarray = local[index]
        return result

    def append_to(self, items: pa.Table) -> pa.Table:
        distinct = pa.table(
            {
                "verdict": [j.verdict for j in self.judgements],
                "form": [j.form for j in self.judgements],
                "standards": pa.array(
                    [list(j.standards) for j in self.judgements], pa.list_(pa.string())
                ),
                "evidence": pa.array([j.evidence for j in self.judgements], pa.string()),
                "excerpt": pa.array([j.excerpt or None for j in self.judgements], pa.string()),
                "url": pa.array([j.url for j in self.judgements], pa.string()),
                "record_id": pa.array([j.record_id for j in self.judgements], pa.string()),
            }
        )
        then = distinct.take(pa.array(self.then))
        now = distinct.take(pa.array(self.now))
        missing = self.capture_at == _NO_TIME
        stamps = pa.array(self.capture_at, mask=missing).cast(pa.timestamp("us", tz="UTC"))
        out = items
        for name, column in (
            ("reservation", then["verdict"]),
            ("reservation_form", then["form"]),
            ("reservation_standards", then["standards"]),
            ("reservation_capture_at", stamps),
            ("reservation_evidence", then["evidence"]),
            ("reservation_capture_url", then["url"]),
            ("reservation_record_id", then["record_id"]),
            ("reservation_excerpt", then["excerpt"]),
            ("reservation_now", now["verdict"]),
            ("reservation_now_form", now["form"]),
        ):
            out = out.append_column(name, column)
        collected = pc.cast(items["collected_at"], pa.timestamp("us", tz="UTC"))
        age = pc.divide(
            pc.cast(pc.subtract(collected, stamps), pa.int64()), 86_400_000_000
        ).cast(pa.int32())
        return out.append_column("reservation_capture_age_days", age)


def _digest(capture: Capture | None) -> tuple[object, ...]:
    if capture is None:
        return (None,)
    return (capture.status, capture.outcome, hashlib.blake2b(capture.body, digest_size=16).digest())


class _HostJudge:
    """Judges one host's items on the epochs of its captures, parsing each distinct state once."""

    def __init__(self, host: str, owner: HostJudges) -> None:
        self.host = host
        self.owner = owner
        snapshot = owner.snapshot
        self.cuts = sorted({d for doc in DOCUMENTS for d in snapshot.history(host, doc)})
        self.stamps = np.array([int(c.timestamp() * 1_000_000) for c in self.cuts],
                               dtype=np.int64)
        self.cache: dict[dt.datetime, EpochSignals] = {}
        self.states: dict[tuple[object, ...], EpochSignals] = {}

    def epoch(self, at: dt.datetime) -> EpochSignals:
        state = self.cache.get(at)
        if state is None:
            owner = self.owner
            captures: dict[str, Capture | None] = {
                d: owner.snapshot.lookup(self.host, d, at) for d in DOCUMENTS
            }
            key = tuple(_digest(captures[d]) for d in DOCUMENTS)
            parsed = self.states.get(key)
            if parsed is None:
                agents = (owner.settings.agent,) if owner.settings.agent else None
                state = EpochSignals(self.host, captures, purpose=owner.settings.purpose,
                                     agents=agents, registry=owner.registry)
                self.states[key] = state
            else:
                # the same documents as an epoch already parsed: reuse the parse, but the
                # evidence is this epoch's own captures (whichever epoch came first)
                state = parsed.recaptured(captures)
            self.cache[at] = state
            for sig in state.signals:
                owner.signal_rows.append(_capture_row(self.host, at, sig, state.evidence))
        return state

    def _ids(self, state: EpochSignals, pids: np.ndarray, reps: list[str | None],
             cols: _Columns) -> np.ndarray:
        """Return the judgement ids of the rows with path ids ``pids`` in one epoch."""
        if not state.path_dependent:
            return cols.ids((state.judge_paths([])[0], np.zeros(len(pids), dtype=np.int32)))
        distinct_paths, inverse = np.unique(pids, return_inverse=True)
        judged, local = state.judge_paths([reps[p] for p in distinct_paths.tolist()])
        return cols.ids((judged, local[inverse.reshape(-1)]))

    def judge(self, rows: np.ndarray, pids: np.ndarray, collected: np.ndarray,
              cols: _Columns, reps: list[str | None]) -> None:
        """Judge the items at ``rows`` (their path ids, collection times in µs)."""
        if not self.cuts:
            return
        starts = np.searchsorted(self.stamps, collected, side="right") - 1
        for k in np.unique(starts):
            pick = np.nonzero(starts == k)[0]
            if k < 0:
                if self.owner.settings.presume_earlier:
                    self._presume(rows[pick], pids[pick], reps, cols)
                continue  # collected before the first capture: what stood then is unknown
            when = self.cuts[int(k)]
            ids = self._ids(self.epoch(when), pids[pick], reps, cols)
            cols.then[rows[pick]] = ids
            cols.capture_at[rows[pick]] = int(self.stamps[int(k)])
        as_of = self.owner.settings.as_of_moment or dt.datetime.now(UTC)
        current = [c for c in self.cuts if c <= as_of]
        if current:
            cols.now[rows] = self._ids(self.epoch(current[-1]), pids, reps, cols)

    def _presume(self, rows: np.ndarray, pids: np.ndarray, reps: list[str | None],
                 cols: _Columns) -> None:
        """Carry a reservation of the first capture back to items collected before it.

        Only reservations travel back: a permission seen later says nothing about earlier
        (the site may have lifted a reservation), so those items stay unknown.
        """
        first = self.cuts[0]
        ids = self._ids(self.epoch(first), pids, reps, cols)
        is_reserved = np.array([j.verdict == "reserved" for j in cols.judgements], dtype=bool)
        reserved = is_reserved[ids]
        cols.then[rows[reserved]] = ids[reserved]
        cols.capture_at[rows[reserved]] = int(self.stamps[0])


class HostJudges:
    """The judges of every host of a snapshot, kept for a whole job (grows with hosts).

    ``signal_rows`` collects the site-wide signals of each (host, epoch) the first time it is
    judged; the engine drains it after each batch.
    """

    def __init__(self, snapshot: Snapshot, settings: ScanConfig,
                 registry: CrawlerRegistry | None = None) -> None:
        self.snapshot = snapshot
        self.settings = settings
        self.registry = registry or load_crawlers()
        self.known = set(snapshot.hosts())
        self.judges: dict[str, _HostJudge] = {}
        self.signal_rows: list[dict[str, object]] = []

    def judge(self, items: pa.Table) -> pa.Table:
        """Return ``items`` with the reservation columns (see :func:`add_reservations`)."""
        cols = _Columns(items.num_rows)
        frame = _host_frame(items).filter(pl.col("key").is_in(list(self.known)))
        if not frame.height:
            return cols.append_to(items)
        frame, reps = _path_ids(frame)
        frame = frame.with_columns(pl.col("key").rank("dense").cast(pl.Int64).alias("__k"))
        keys = frame["__k"].to_numpy()
        order = np.argsort(keys, kind="stable")
        rows = frame["__i"].to_numpy()[order]
        pids = frame["__p"].to_numpy()[order]
        collected = frame["collected_at"].dt.epoch("us").fill_null(_NO_TIME).to_numpy()[order]
        names = frame["key"].to_numpy()[order]
        cuts = np.flatnonzero(np.diff(keys[order])) + 1
        firsts = np.concatenate([[0], cuts])
        # hosts in order of first appearance, as the items list them
        for start in sorted(firsts.tolist(), key=lambda k: int(order[k])):
            end = int(cuts[np.searchsorted(cuts, start, side="right")]) \
                if np.searchsorted(cuts, start, side="right") < len(cuts) else len(order)
            host = str(names[start])
            judge = self.judges.get(host)
            if judge is None:
                judge = self.judges[host] = _HostJudge(host, self)
            judge.judge(rows[start:end], pids[start:end], collected[start:end], cols, reps)
        return cols.append_to(items)

    def drain_signals(self) -> pa.Table:
        """Return the signals found since the last call, and forget them."""
        rows, self.signal_rows = self.signal_rows, []
        return pa.Table.from_pylist(rows, schema=SIGNAL_SCHEMA)


def add_reservations(
    items: pa.Table, snapshot: Snapshot | None, settings: ScanConfig,
    judges: HostJudges | None = None,
) -> tuple[pa.Table, pa.Table]:
    """Return (items with reservation columns, signals table) judged from ``snapshot``.

    Columns: reservation, reservation_form, reservation_standards (list), reservation_capture_at,
    reservation_evidence (record ids of the host's documents then), reservation_capture_url,
    reservation_record_id and reservation_excerpt (the capture and the rule that decided),
    reservation_capture_age_days (days from that capture to collection; negative when a
    later capture was carried back), reservation_now and reservation_now_form (as of
    ``settings.as_of``). Without a snapshot every item is ``unknown``. ``judges`` keeps the
    parsed host states across calls (a worker's batches).
    """
    if snapshot is None:
        return _Columns(items.num_rows).append_to(items), SIGNAL_SCHEMA.empty_table()
    judges = judges or HostJudges(snapshot, settings)
    out = judges.judge(items)
    return out, judges.drain_signals()
