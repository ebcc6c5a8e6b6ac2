# SPDX-License-Identifier: Apache-2.0
"""The scan's facts, summed up once for every disclosure: ``digest_scan``.

Everything is counted over the *training set*: the items in the policy tiers MODEL.yaml says
the model was trained on (every item when it does not say, which is then a named gap). The
items left out are counted by cause, so EU 3.1 and the Code of Practice can say what was
excluded and why. The result is plain data (``ScanDigest.to_dict``), saved beside the drafts
as ``disclosure.json`` so that ``--since`` can compare two of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

import polars as pl

from clearance.disclose.domains import DomainRanking, rank_domains
from clearance.disclose.scan_files import ScanFiles

__all__ = ["PUBLIC_DOMAIN_IDS", "Group", "ScanDigest", "digest_scan"]

#: Licence ids whose statement is that no copyright restriction is claimed (public domain
#: marks and dedications). Everything else presupposes a right, or is unknown.
PUBLIC_DOMAIN_IDS = ("public-domain", "CC0-1.0", "CC-PDDC", "CC-PDM-1.0", "PDDL-1.0")


@dataclass(frozen=True)
class Group:
    """Counts for one group of training items (a channel, a dataset, a modality)."""

    key: str
    items: int
    bytes: int
    sized_items: int
    first: str | None = None  # earliest collected_at, ISO date
    last: str | None = None
    modalities: dict[str, int] = field(default_factory=dict)
    channels: dict[str, int] = field(default_factory=dict)
    versions: list[str] = field(default_factory=list)
    licences: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    personal: dict[str, int] = field(default_factory=dict)  # true / false / unknown
    agreements: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ScanDigest:
    """What the disclosures say about a scan, as plain data."""

    scan: str
    provenance: dict[str, Any]
    snapshots: list[dict[str, str]]
    facts_sha256: str
    tiers_used: list[str] | None
    items_scanned: int
    items: int
    bytes: int
    sized_items: int
    by_tier: dict[str, int]
    total: Group
    channels: list[Group]
    datasets: list[Group]
    modalities: list[Group]
    domains: DomainRanking
    excluded: dict[str, int]
    excluded_total: int
    reserved_in_scan: dict[str, int]
    standards_in_scan: dict[str, int]
    trained_despite: dict[str, int]
    signals: dict[str, Any]
    access: dict[str, int]
    gaps: list[str]

    def channel(self, name: str) -> Group | None:
        """Return the group of one acquisition channel, or None when it has no items."""
        return next((g for g in self.channels if g.key == name), None)

    def to_dict(self) -> dict[str, Any]:
        """Return the digest as JSON-ready data."""
        return asdict(self)


def _col(files: ScanFiles, *names: str, dtype: pl.DataType = pl.String()) -> pl.Expr:
    name = files.first(*names)
    alias = names[0]
    if name is None:
        return pl.lit(None, dtype=dtype).alias(alias)
    expr = pl.col(name)
    if dtype == pl.String():
        expr = expr.cast(pl.String)
    return expr.alias(alias)


def _frame(files: ScanFiles) -> pl.LazyFrame:
    exprs = [
        _col(files, "item_id"),
        _col(files, "channel", "acquisition_channel"),
        _col(files, "modality"),
        _col(files, "dataset_name"),
        _col(files, "dataset_version"),
        _col(files, "registrable_domain"),
        _col(files, "size_bytes", dtype=pl.Int64()),
        _col(files, "collected_at", dtype=pl.Datetime("us", "UTC")),
        _col(files, "language"),
        _col(files, "personal_data", dtype=pl.Boolean()),
        _col(files, "license_effective_id", "license_id"),
        _col(files, "license_permission"),
        _col(files, "category"),
        _col(files, "reservation"),
        _col(files, "reservation_form"),
        _col(files, "reservation_now"),
        _col(files, "blocklist"),
        _col(files, "piracy_source", dtype=pl.Boolean()),
        _col(files, "takedown"),
        _col(files, "access"),
        _col(files, "agreement_id"),
    ]
    return files.facts.select(exprs)


def _counts(frame: pl.DataFrame, column: str) -> dict[str, int]:
    if frame.is_empty():
        return {}
    vc = frame.get_column(column).fill_null("unknown").value_counts(sort=True)
    return {str(k): int(v) for k, v in zip(vc[column], vc["count"], strict=True)}


def _date(value: Any) -> str | None:
    return value.date().isoformat() if isinstance(value, dt.datetime) else None


def _group(key: str, frame: pl.DataFrame) -> Group:
    sizes = frame.get_column("size_bytes")
    personal = frame.get_column("personal_data")
    return Group(
        key=key,
        items=frame.height,
        bytes=int(sizes.sum() or 0),
        sized_items=int(sizes.is_not_null().sum()),
        first=_date(frame.get_column("collected_at").min()),
        last=_date(frame.get_column("collected_at").max()),
        modalities=_counts(frame, "modality"),
        channels=_counts(frame, "channel"),
        versions=sorted(str(v) for v in frame.get_column("dataset_version").drop_nulls().unique()),
        licences=_counts(frame, "license_effective_id"),
        categories=_counts(frame, "category"),
        languages={k: v for k, v in _counts(frame, "language").items() if k != "unknown"},
        personal={
            "true": int((personal == True).sum()),  # noqa: E712 (polars comparison)
            "false": int((personal == False).sum()),  # noqa: E712
            "unknown": int(personal.is_null().sum()),
        },
        agreements={k: v for k, v in _counts(frame, "agreement_id").items() if k != "unknown"},
    )


def _groups(frame: pl.DataFrame, column: str) -> list[Group]:
    out = []
    for (key,), part in frame.group_by([column], maintain_order=False):
        out.append(_group("unknown" if key is None else str(key), part))
    return sorted(out, key=lambda g: (-g.items, g.key))


_CAUSES = {
    "machine_readable_reservation": (pl.col("reservation") == "reserved")
    & (pl.col("reservation_form") == "machine_readable"),
    "other_reservation": (pl.col("reservation") == "reserved")
    & (pl.col("reservation_form") != "machine_readable"),
    "reserved_since_collection": (pl.col("reservation_now") == "reserved")
    & (pl.col("reservation") != "reserved"),
    "piracy_source": pl.col("piracy_source").fill_null(False) | pl.col("blocklist").is_not_null(),
    "takedown_request": pl.col("takedown").is_not_null(),
    "licence_forbids": pl.col("license_permission") == "not_allowed",
    "access_circumvented": pl.col("access") == "paywall_circumvented",
    "no_reservation_evidence": pl.col("reservation") == "unknown",
}


def _cause_counts(frame: pl.DataFrame) -> dict[str, int]:
    if frame.is_empty():
        return {k: 0 for k in _CAUSES}
    row = frame.select([e.fill_null(False).sum().alias(k) for k, e in _CAUSES.items()]).row(0)
    return {k: int(v) for k, v in zip(_CAUSES, row, strict=True)}


def _standards(files: ScanFiles) -> dict[str, int]:
    if "reservation_standards" not in files.columns:
        return {}
    exploded = (
        files.facts.select(pl.col("reservation_standards").alias("s"))
        .explode("s")
        .drop_nulls("s")
        .group_by("s")
        .len()
        .collect()
    )
    return dict(sorted(((str(s), int(n)) for s, n in exploded.iter_rows()),
                       key=lambda kv: (-kv[1], kv[0])))


def _signals(files: ScanFiles) -> dict[str, Any]:
    if files.signals is None:
        return {}
    sig = files.signals.collect()
    if sig.is_empty() or "standard" not in sig.columns:
        return {"hosts": 0, "standards": {}}
    hosts = sig.get_column("host").n_unique() if "host" in sig.columns else 0
    per_standard = (
        sig.group_by("standard").agg(pl.col("host").n_unique().alias("hosts"))
        .sort(["hosts", "standard"], descending=[True, False])
        if "host" in sig.columns else pl.DataFrame({"standard": [], "hosts": []})
    )
    captured = sig.get_column("captured_at") if "captured_at" in sig.columns else None
    return {
        "hosts": int(hosts),
        "standards": {str(s): int(n) for s, n in per_standard.iter_rows()},
        "first_capture": _date(captured.min()) if captured is not None else None,
        "last_capture": _date(captured.max()) if captured is not None else None,
    }


def digest_scan(files: ScanFiles, tiers_used: list[str] | None) -> ScanDigest:
    """Return the digest of ``files`` over the items of ``tiers_used`` (None: every item)."""
    gaps: list[str] = []
    frame = _frame(files)
    if files.tiers is not None:
        frame = frame.join(files.tiers, on="item_id", how="left")
    else:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("tier"))
    everything = frame.collect()
    by_tier = _counts(everything, "tier") if files.tiers is not None else {}
    if tiers_used is None:
        gaps.append("MODEL.yaml does not say which policy tiers the model was trained on "
                    "(training.tiers): every scanned item is counted as training data.")
        used = pl.lit(True)
    elif files.tiers is None:
        gaps.append("The scan has no policy tiers (assessment.parquet): every scanned item is "
                    "counted as training data, whatever training.tiers says.")
        used = pl.lit(True)
    else:
        used = pl.col("tier").is_in(tiers_used).fill_null(False)
    trained = everything.filter(used)
    left_out = everything.filter(~used)
    for name, why in (
        ("channel", "the acquisition channel of each item"),
        ("modality", "the modality of each item"),
        ("size_bytes", "the size of each item"),
        ("collected_at", "when each item was collected"),
        ("registrable_domain", "the domain of each crawled item"),
        ("language", "the language of each item"),
        ("personal_data", "whether an item holds personal data"),
        ("agreement_id", "the licence agreement behind each licensed item"),
    ):
        column = trained.get_column(name)
        present = files.first(name, "acquisition_channel") if name == "channel" else \
            files.first(name)
        if present is None:
            gaps.append(f"Not available from the scan: {why} (no '{name}' column).")
        elif trained.height and column.null_count() == trained.height and name != "agreement_id":
            gaps.append(f"Not available from the scan: {why} (the '{name}' column is empty).")
    for key, why in (("manifest_sha256", "the manifest's SHA-256"),
                     ("kb_as_of", "the knowledge base's as-of date"),
                     ("tool_version", "the version of clearance that made the scan")):
        if key not in files.provenance:
            gaps.append(f"Not available from the scan: {why} (summary.json has no '{key}').")
    crawl = trained.filter(pl.col("channel") == "provider_crawl")
    return ScanDigest(
        scan=files.path.name,
        provenance=dict(files.provenance),
        snapshots=list(files.snapshots),
        facts_sha256=files.facts_sha256,
        tiers_used=list(tiers_used) if tiers_used is not None and files.tiers is not None
        else None,
        items_scanned=everything.height,
        items=trained.height,
        bytes=int(trained.get_column("size_bytes").sum() or 0),
        sized_items=int(trained.get_column("size_bytes").is_not_null().sum()),
        by_tier=by_tier,
        total=_group("all", trained),
        channels=_groups(trained, "channel"),
        datasets=_groups(trained, "dataset_name"),
        modalities=_groups(trained, "modality"),
        domains=rank_domains(crawl),
        excluded=_cause_counts(left_out),
        excluded_total=left_out.height,
        reserved_in_scan=_cause_counts(everything),
        standards_in_scan=_standards(files),
        trained_despite=_cause_counts(trained),
        signals=_signals(files),
        access=_counts(trained, "access"),
        gaps=gaps,
    )
