# SPDX-License-Identifier: Apache-2.0
"""The facts stage of a scan: items -> categories, licences, reservations, law facts.

Everything here is a fact about an item (or a documented reading of one) and is written to
``facts.parquet``; judgments (law, policy) are made later from these columns alone, so a scan
can be re-judged without reading the manifest or the network again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from clearance.assumptions import Assumptions
from clearance.decide.blocklists import Blocklist
from clearance.decide.decision_table import add_decision_columns
from clearance.decide.knownworks import KnownWorks
from clearance.engine.reservations import DOCUMENTS, EpochSignals, Judgement
from clearance.enrich.agreements import AgreementRegistry, apply_agreements
from clearance.enrich.licenses import add_license_columns
from clearance.fetch.snapshot import Snapshot
from clearance.law.table import assess_table
from clearance.models import Capture, Signal
from clearance.signals.crawlers import CrawlerRegistry, load_crawlers

__all__ = [
    "LAW_INPUT",
    "LICENSE_USE",
    "SIGNAL_SCHEMA",
    "FactSettings",
    "BuiltFacts",
    "add_licences",
    "add_reservations",
    "build_facts",
    "law_facts",
    "law_input",
    "LICENSE_POSITIONS",
    "add_license_position",
    "assess_facts",
    "not_applicable_reservations",
    "rejudge_facts",
]

LICENSE_USE = {
    "genai_training": "genai_training",
    "commercial_training": "commercial_training",
    "research": "research_training",
}
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


@dataclass(frozen=True, slots=True)
class FactSettings:
    """What the user tells the scan about their use, and the presumptions it makes.

    ``assumptions`` holds every fact presumed rather than read (access, retention,
    memorisation, output competition, personal data, EU market, crawler agent: see
    :mod:`clearance.assumptions`); ``database_threshold`` is the number of items from one
    registrable domain from which extraction is read as substantial (EU database right).
    """

    purpose: str = "genai_training"
    org_type: str = "company"
    assumptions: Assumptions = Assumptions()
    database_threshold: int = 5000
    as_of: dt.datetime | None = None
    presume_earlier: bool = False
    agreements: AgreementRegistry | None = None

    @property
    def judged_on(self) -> dt.date:
        """Return the date agreements and 'now' are judged on (as_of, else today)."""
        return (self.as_of or dt.datetime.now(UTC)).date()

    @property
    def agent(self) -> str | None:
        """Return the crawler token robots.txt is read for (None: any AI crawler)."""
        return self.assumptions.agent


#: license_position values: the one position on "no licence" across law, policy and report.
LICENSE_POSITIONS = ("granted", "conditional", "excluded", "none")


def add_license_position(items: pa.Table) -> pa.Table:
    """Return ``items`` with ``license_position``: what the licence says about this use.

    ``granted`` (the licence or agreement permits it), ``conditional`` (on conditions),
    ``excluded`` (a licence whose own terms do not extend to this use: non-commercial,
    research-only, no derivatives, ...), ``none`` (no licence: none was found, or the item
    states "all rights reserved", or its terms are unknown). "All rights reserved" and no
    licence are one position: neither grants the use, neither forbids more than copyright
    already does; the use rests on an exception or fair use. An express prohibition of AI
    training is a separate fact (``terms_prohibit_training``).
    """
    from clearance.enrich.licenses.vocabulary import default_vocabulary

    frame = pl.from_arrow(items.select(["license_effective_id", "license_permission"]))
    assert isinstance(frame, pl.DataFrame)
    ids = frame["license_effective_id"].cast(pl.String)
    vocab = default_vocabulary()
    states = [v for v in ids.unique().to_list()
              if v is not None and getattr(vocab.get(v), "kind", None) == "state"
              and v != "public-domain"]
    permission = frame["license_permission"].cast(pl.String)
    position = (
        pl.when(ids.is_in(states) | permission.is_null() | (permission == "unknown"))
        .then(pl.lit("none"))
        .when(permission == "allowed").then(pl.lit("granted"))
        .when(permission == "conditional").then(pl.lit("conditional"))
        .otherwise(pl.lit("excluded"))
    )
    column = pl.select(position.alias("p"))["p"].to_arrow()
    if "license_position" in items.column_names:
        items = items.drop_columns(["license_position"])
    return items.append_column("license_position", column)


def not_applicable_reservations(items: pa.Table) -> pa.Table:
    """Return ``items`` with no reservation possible on synthetic items the provider generated.

    Nobody but the provider could reserve content the provider generated itself, so such an
    item is ``not_reserved`` (form ``none``) then and now, with the reason as its evidence.
    """
    if "acquisition_channel" not in items.column_names:
        return items
    channel = pc.cast(items["acquisition_channel"], pa.string())
    mask = pc.fill_null(pc.equal(channel, "synthetic"), False)
    if not pc.any(mask).as_py():
        return items
    why = "not applicable: generated by the provider (acquisition channel synthetic)"
    for name, value in (("reservation", "not_reserved"), ("reservation_form", "none"),
                        ("reservation_now", "not_reserved"), ("reservation_now_form", "none"),
                        ("reservation_evidence", why)):
        if name in items.column_names:
            i = items.column_names.index(name)
            col = pc.cast(items[name], pa.string())
            items = items.set_column(i, name, pc.if_else(mask, pa.scalar(value), col))
    return items


def add_licences(items: pa.Table, purpose: str) -> pa.Table:
    """Return ``items`` with licence columns, the dataset licence as the second layer."""
    return add_license_columns(items, LICENSE_USE[purpose], layers={"dataset": "dataset_license"})


_PORT_RE = r"^([A-Za-z][A-Za-z0-9+.\-]*)://(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*):(\d+)"
_DEFAULT_PORTS = {"http": "80", "https": "443"}


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
        self.capture_at = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)

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
        missing = self.capture_at == np.iinfo(np.int64).min
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

    def __init__(
        self,
        host: str,
        snapshot: Snapshot,
        settings: FactSettings,
        registry: CrawlerRegistry,
        signal_rows: list[dict[str, object]],
    ) -> None:
        self.host = host
        self.snapshot = snapshot
        self.settings = settings
        self.registry = registry
        self.signal_rows = signal_rows
        self.cuts = sorted({d for doc in DOCUMENTS for d in snapshot.history(host, doc)})
        self.cache: dict[dt.datetime, EpochSignals] = {}
        self.states: dict[tuple[object, ...], EpochSignals] = {}

    def epoch(self, at: dt.datetime) -> EpochSignals:
        state = self.cache.get(at)
        if state is None:
            captures: dict[str, Capture | None] = {
                d: self.snapshot.lookup(self.host, d, at) for d in DOCUMENTS
            }
            key = tuple(_digest(captures[d]) for d in DOCUMENTS)
            state = self.states.get(key)
            if state is None:
                agents = (self.settings.agent,) if self.settings.agent else None
                state = EpochSignals(
                    self.host,
                    captures,
                    purpose=self.settings.purpose,
                    agents=agents,
                    registry=self.registry,
                )
                self.states[key] = state
            self.cache[at] = state
            for sig in state.signals:
                self.signal_rows.append(_capture_row(self.host, at, sig, state.evidence))
        return state

    def judge(self, group: pl.DataFrame, cols: _Columns) -> None:
        if not self.cuts:
            return
        rows = group["__i"].to_numpy()
        urls = group["url"].to_list()
        stamps = np.array([c.timestamp() for c in self.cuts])
        collected = group["collected_at"].dt.epoch("us").to_numpy() / 1e6
        collected = np.where(np.isnan(collected), -np.inf, collected)
        starts = np.searchsorted(stamps, collected, side="right") - 1
        for k in np.unique(starts):
            if k < 0:
                if self.settings.presume_earlier:
                    self._presume(rows[starts < 0], [urls[j] for j in np.nonzero(starts < 0)[0]],
                                  cols)
                continue  # collected before the first capture: what stood then is unknown
            pick = np.nonzero(starts == k)[0]
            when = self.cuts[int(k)]
            ids = cols.ids(self.epoch(when).judge([urls[j] for j in pick]))
            cols.then[rows[pick]] = ids
            cols.capture_at[rows[pick]] = int(when.timestamp() * 1_000_000)
        as_of = self.settings.as_of or dt.datetime.now(UTC)
        current = [c for c in self.cuts if c <= as_of]
        if current:
            cols.now[rows] = cols.ids(self.epoch(current[-1]).judge(urls))

    def _presume(self, rows: np.ndarray, urls: list[str | None], cols: _Columns) -> None:
        """Carry a reservation of the first capture back to items collected before it.

        Only reservations travel back: a permission seen later says nothing about earlier
        (the site may have lifted a reservation), so those items stay unknown.
        """
        first = self.cuts[0]
        ids = cols.ids(self.epoch(first).judge(urls))
        is_reserved = np.array([j.verdict == "reserved" for j in cols.judgements], dtype=bool)
        reserved = is_reserved[ids]
        cols.then[rows[reserved]] = ids[reserved]
        cols.capture_at[rows[reserved]] = int(first.timestamp() * 1_000_000)


def add_reservations(
    items: pa.Table, snapshot: Snapshot | None, settings: FactSettings
) -> tuple[pa.Table, pa.Table]:
    """Return (items with reservation columns, signals table) judged from ``snapshot``.

    Columns: reservation, reservation_form, reservation_standards (list), reservation_capture_at,
    reservation_evidence (record ids of the host's documents then), reservation_capture_url,
    reservation_record_id and reservation_excerpt (the capture and the rule that decided),
    reservation_capture_age_days (days from that capture to collection; negative when a
    later capture was carried back), reservation_now and reservation_now_form (as of
    ``settings.as_of``). Without a snapshot every item is ``unknown``.
    """
    cols = _Columns(items.num_rows)
    signal_rows: list[dict[str, object]] = []
    if snapshot is not None:
        registry = load_crawlers()
        known = set(snapshot.hosts())
        frame = _host_frame(items).filter(pl.col("key").is_in(list(known)))
        for (host,), group in frame.group_by(["key"], maintain_order=True):
            assert isinstance(host, str)
            _HostJudge(host, snapshot, settings, registry, signal_rows).judge(group, cols)
    return cols.append_to(items), pa.Table.from_pylist(signal_rows, schema=SIGNAL_SCHEMA)


def law_facts(items: pa.Table, settings: FactSettings) -> pa.Table:
    """Return the law engine's fact columns for every item (facts vocabulary of clearance.law).

    Two columns say where a value was presumed rather than read: ``access_presumed`` (the
    item has a public URL, so ``--access`` applies) and ``personal_data_presumed`` (the
    manifest is silent, so ``--personal-data`` applies).
    """
    wanted = ["item_id", "category", "license_effective_id", "license_permission",
              "reservation", "reservation_form", "personal_data", "collected_at",
              "registrable_domain", "blocklist", "url", "acquisition_channel", "license_source"]
    frame = pl.from_arrow(items.select([c for c in wanted if c in items.column_names]))
    assert isinstance(frame, pl.DataFrame)
    for column in wanted:
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    frame = frame.with_columns(pl.col(pl.Categorical).cast(pl.String))
    assume = settings.assumptions
    per_domain = pl.col("registrable_domain").count().over("registrable_domain")
    substantial = pl.when(pl.col("registrable_domain").is_null()).then(None).otherwise(
        per_domain >= settings.database_threshold)
    public = pl.col("url").str.contains(r"^(?i:https?)://").fill_null(False)
    silent = pl.col("personal_data").is_null()
    # read, not presumed: the provider generated the item, or an agreement delivered it
    generated = (pl.col("acquisition_channel") == "synthetic").fill_null(False)
    licensed = (pl.col("license_source") == "agreement").fill_null(False)
    known_access = generated | licensed
    facts = frame.select(
        pl.col("item_id"),
        pl.lit(settings.purpose).alias("purpose"),
        pl.lit(settings.org_type).alias("org_type"),
        pl.col("category").alias("source_category"),
        pl.col("license_effective_id").alias("license_id"),
        pl.col("license_permission"),
        pl.col("reservation"),
        pl.col("reservation_form"),
        pl.when(known_access).then(pl.lit("lawful"))
        .when(public).then(pl.lit(assume.access)).otherwise(pl.lit("unknown")).alias("access"),
        (public & ~known_access).alias("access_presumed"),
        pl.when(known_access & pl.col("blocklist").is_null()).then(pl.lit(False))
        .otherwise((pl.col("category") == "shadow_library") | pl.col("blocklist").is_not_null())
        .alias("piracy_source"),
        generated.alias("provider_generated"),
        pl.when(pl.col("personal_data")).then(pl.lit("ordinary"))
        .when(~pl.col("personal_data")).then(pl.lit("none"))
        .otherwise(pl.lit(assume.personal_data)).alias("personal_data"),
        silent.alias("personal_data_presumed"),
        substantial.alias("database_substantial_extraction"),
        pl.col("collected_at").dt.date().alias("collected_at"),
        pl.lit(assume.retained_after_training, pl.Boolean).alias("retained_after_training"),
        pl.lit(assume.memorization, pl.Boolean).alias("memorization"),
        pl.lit(assume.output_competes, pl.Boolean).alias("output_competes"),
        pl.lit(assume.gpai_eu_market, pl.Boolean).alias("gpai_eu_market"),
    )
    return facts.to_arrow()


@dataclass(frozen=True, slots=True)
class BuiltFacts:
    """The facts of a batch of items, the signals behind them, and what matching counted."""

    facts: pa.Table
    signals: pa.Table
    known_work_counts: dict[str, int]
    takedown_counts: pl.DataFrame | None


def _plain(table: pa.Table) -> pa.Table:
    """Return ``table`` with dictionary columns decoded (Parquet re-encodes them itself)."""
    for i, fld in enumerate(table.schema):
        if pa.types.is_dictionary(fld.type):
            table = table.set_column(i, fld.name, table.column(i).cast(fld.type.value_type))
        elif pa.types.is_list(fld.type) and pa.types.is_dictionary(fld.type.value_type):
            plain = pa.list_(fld.type.value_type.value_type)
            table = table.set_column(i, fld.name, table.column(i).cast(plain))
    return table


def build_facts(
    items: pa.Table,
    snapshot: Snapshot | None,
    settings: FactSettings,
    *,
    blocklists: Sequence[Blocklist] | None = None,
    known_works: Sequence[KnownWorks] = (),
    takedowns: pl.DataFrame | None = None,
    base_dir: Path | None = None,
    hash_images: bool = True,
) -> BuiltFacts:
    """Return every fact of categorised canonical items: licences, reservations, list hits, law.

    The one composition of the facts stage, shared by ``clearance scan`` and ``clearance
    gate``. Law-fact columns that clash with item columns get a ``_class`` suffix
    (``personal_data_class``: the law vocabulary's reading of the item's ``personal_data``).
    """
    items = add_licences(items, settings.purpose)
    if settings.agreements is not None and settings.agreements.agreements:
        items = apply_agreements(items, settings.agreements, LICENSE_USE[settings.purpose],
                                 settings.judged_on)
    items = add_license_position(items)
    items, signals = add_reservations(items, snapshot, settings)
    items = not_applicable_reservations(items)
    found = add_decision_columns(items, blocklists=blocklists, known_works=known_works,
                                 takedowns=takedowns, base_dir=base_dir, hash_images=hash_images)
    plain = _plain(found.table)
    facts = _attach_law(plain, law_facts(plain, settings))
    return BuiltFacts(facts, signals, found.known_works, found.takedown_counts)


#: Law facts already present as item columns under their own names.
_SAME_AS_ITEM = ("item_id", "source_category", "license_id", "reservation", "reservation_form",
                 "collected_at")
#: Law facts whose name an item column already uses: stored with a ``_class`` suffix.
_CLASH = ("personal_data", "license_permission")


def _attach_law(facts: pa.Table, law: pa.Table) -> pa.Table:
    """Return ``facts`` with the law columns set (replaced when already there)."""
    for name in law.column_names:
        if name in _SAME_AS_ITEM:
            continue
        target = f"{name}_class" if name in _CLASH else name
        if target in facts.column_names:
            facts = facts.set_column(facts.column_names.index(target), target, law[name])
        else:
            facts = facts.append_column(target, law[name])
    return facts


#: facts column -> law fact key, for the columns the law engine reads.
LAW_INPUT = {
    "item_id": "item_id", "purpose": "purpose", "org_type": "org_type",
    "category": "source_category", "license_effective_id": "license_id",
    "license_permission": "license_permission", "reservation": "reservation",
    "reservation_form": "reservation_form", "access": "access",
    "piracy_source": "piracy_source", "personal_data_class": "personal_data",
    "database_substantial_extraction": "database_substantial_extraction",
    "collected_at": "collected_at", "retained_after_training": "retained_after_training",
    "memorization": "memorization", "output_competes": "output_competes",
    "gpai_eu_market": "gpai_eu_market", "provider_generated": "provider_generated",
}


def law_input(facts: pa.Table) -> pa.Table:
    """Return the law engine's input columns, renamed to its vocabulary, from a facts table."""
    names = [c for c in LAW_INPUT if c in facts.column_names]
    table = facts.select(names).rename_columns([LAW_INPUT[c] for c in names])
    if "collected_at" in table.column_names:
        index = table.column_names.index("collected_at")
        table = table.set_column(index, "collected_at", table["collected_at"].cast(pa.date32()))
    return table


def rejudge_facts(
    facts: pa.Table,
    assumptions: Assumptions,
    *,
    purpose: str,
    org_type: str,
    agreements: AgreementRegistry | None = None,
    judged_on: dt.date | None = None,
) -> pa.Table:
    """Return saved facts re-read for other presumptions, purpose, organisation or agreements.

    The item columns (URL, category, licences as read, reservations, list hits) are kept; the
    licence that governs is chosen again (an agreement that grants the new use on
    ``judged_on``, else the item's own licence judged for the new use), and every law fact is
    derived again from them, as a scan derives it. Nothing read is changed.
    """
    from clearance.enrich.licenses import license_permits

    out = facts
    frame = pl.from_arrow(out)
    assert isinstance(frame, pl.DataFrame)
    frame = frame.with_columns(pl.col(pl.Categorical).cast(pl.String))
    own_id = (pl.coalesce("license_effective_id_own", "license_effective_id")
              if "license_effective_id_own" in frame.columns else pl.col("license_effective_id"))
    own_source = (pl.coalesce("license_source_own", "license_source")
                  if "license_source_own" in frame.columns else pl.col("license_source"))
    frame = frame.with_columns(own_id.alias("license_effective_id"),
                               own_source.alias("license_source"))
    use = LICENSE_USE[purpose]
    ids = [v for v in frame["license_effective_id"].unique().to_list() if v is not None]
    verdicts = {v: str(license_permits(v, use).verdict) for v in ids}
    frame = frame.with_columns(pl.col("license_effective_id").replace_strict(
        verdicts, default=None, return_dtype=pl.String).alias("license_permission"))
    frame = frame.drop([c for c in ("agreement_id", "agreement_markets",
                                    "license_permission_own", "license_effective_id_own",
                                    "license_source_own") if c in frame.columns])
    table = frame.to_arrow()
    if agreements is not None and agreements.agreements:
        table = apply_agreements(table, agreements, use,
                                 judged_on or dt.datetime.now(UTC).date())
    table = add_license_position(table)
    settings = FactSettings(purpose=purpose, org_type=org_type, assumptions=assumptions)
    table = _attach_law(table, law_facts(table, settings))
    return table.replace_schema_metadata(facts.schema.metadata)


def assess_facts(law: pa.Table, facts: pa.Table, markets: Sequence[str],
                 as_of: dt.date | None) -> pa.Table:
    """Return the law assessment; in a market outside an agreement's territory, the items it
    covers are judged on their own licence, not the agreement's."""
    if "agreement_markets" not in facts.column_names or \
            facts["agreement_markets"].null_count == facts.num_rows:
        return assess_table(law, list(markets), as_of=as_of)
    frame = pl.from_arrow(facts.select(["agreement_markets", "license_source",
                                        "license_effective_id_own", "license_permission_own"]))
    assert isinstance(frame, pl.DataFrame)
    territory = frame["agreement_markets"].cast(pl.String).str.split(",")
    by_agreement = (frame["license_source"].cast(pl.String) == "agreement").fill_null(False)
    plain: list[str] = []
    parts: list[pa.Table] = []
    for market in markets:
        outside = (by_agreement & territory.is_not_null()
                   & ~territory.list.contains(market).fill_null(False))
        if not outside.any():
            plain.append(market)
            continue
        mask = pa.array(outside.to_numpy())
        own = law
        for column, source in (("license_id", "license_effective_id_own"),
                               ("license_permission", "license_permission_own")):
            if column in own.column_names:
                i = own.column_names.index(column)
                values = pc.if_else(mask, facts[source].cast(pa.string()),
                                    own[column].cast(pa.string()))
                own = own.set_column(i, column, values)
        parts.append(assess_table(own, [market], as_of=as_of))
    if plain:
        parts.insert(0, assess_table(law, plain, as_of=as_of))
    meta = parts[0].schema.metadata
    return pa.concat_tables(parts, promote_options="permissive").replace_schema_metadata(meta)
