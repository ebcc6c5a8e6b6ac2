# SPDX-License-Identifier: Apache-2.0
"""The data model: frozen, slotted dataclasses whose fields document themselves.

Each field's ``metadata["help"]`` is the one place its meaning is written; ``docs/`` and the
JSON Schema are generated from it. Columnar code paths use Arrow columns with the same names;
these classes are the per-record view for notebooks, the CLI and the web app.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

__all__ = [
    "CategoryResult",
    "HostParts",
    "IngestSummary",
    "describe",
]


def _help(text: str, **extra: Any) -> Any:
    return field(metadata={"help": text}, **extra)


@dataclass(frozen=True, slots=True)
class HostParts:
    """Host and registrable domain of one URL, as the Public Suffix List splits it."""

    host: str | None = _help("Lower-case host in ASCII (IDNA A-label) form, no port or userinfo.")
    registrable_domain: str | None = _help(
        "eTLD+1 by the bundled Public Suffix List (private section included); for an IP "
        "literal, the address itself; null when the host is a bare public suffix."
    )
    public_suffix: str | None = _help("The public suffix that matched, e.g. 'co.uk'.")
    is_ip: bool = _help("True when the host is an IPv4 or IPv6 literal.", default=False)


@dataclass(frozen=True, slots=True)
class CategoryResult:
    """Source category of one URL, with how sure we are and why."""

    category: str = _help("One id of the category vocabulary (data/categories/vocabulary.yaml).")
    confidence: float = _help("0..1; 1.0 for an exact knowledge-base entry, lower for heuristics.")
    reason: str = _help("Which rule decided, e.g. 'domain:pbs.twimg.com' or 'suffix:.gov'.")
    host: str | None = _help("The host the URL was categorised by.", default=None)
    registrable_domain: str | None = _help("eTLD+1 of that host.", default=None)


@dataclass(frozen=True, slots=True)
class IngestSummary:
    """What an ingest read, kept, and rejected; rows_read = rows_accepted + rows_rejected."""

    source: str = _help("The manifest that was read (path or object description).")
    format: str = _help("Reader that read it: csv, tsv, jsonl, parquet, img2dataset, ...")
    rows_read: int = _help("Rows (records) seen in the input.")
    rows_accepted: int = _help("Rows written to the canonical output.")
    rows_rejected: int = _help("Rows refused, each with a reason in the rejects file.")
    reject_reasons: dict[str, int] = _help("Rejected rows per reason.", default_factory=dict)
    modalities: dict[str, int] = _help("Accepted rows per modality (null as 'unknown').",
                                       default_factory=dict)
    categories: dict[str, int] = _help("Accepted rows per source category.", default_factory=dict)
    top_domains: list[tuple[str, int]] = _help("Most frequent registrable domains, descending.",
                                               default_factory=list)
    top_licenses: list[tuple[str, int]] = _help("Most frequent raw licence strings, descending.",
                                                default_factory=list)
    column_mapping: dict[str, str] = _help("Canonical column -> the input column it came from.",
                                           default_factory=dict)
    files: int = _help("Input files read.", default=0)
    seconds: float = _help("Wall time of the read, in seconds.", default=0.0)
    psl_version: str | None = _help("Version of the bundled Public Suffix List.", default=None)

    @property
    def reconciled(self) -> bool:
        """Return True when every row read was either accepted or rejected."""
        return self.rows_read == self.rows_accepted + self.rows_rejected

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of every field plus the reconciliation flag."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["reconciled"] = self.reconciled
        return out


def describe(cls: type) -> list[tuple[str, str]]:
    """Return (field name, help text) pairs of a model class, for docs and schemas."""
    return [(f.name, str(f.metadata.get("help", ""))) for f in fields(cls)]
