# SPDX-License-Identifier: Apache-2.0
"""The data model: frozen, slotted dataclasses whose fields document themselves.

Each field's ``metadata["help"]`` is the one place its meaning is written; ``docs/`` and the
JSON Schema are generated from it. Columnar code paths use Arrow columns with the same names;
these classes are the per-record view for notebooks, the CLI and the web app.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

__all__ = [
    "CategoryResult",
    "HostParts",
    "IngestSummary",
    "Resolution",
    "RightsEvidence",
    "Signal",
    "SignalReport",
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


@dataclass(frozen=True, slots=True)
class Signal:
    """One opt-out or permission statement found in one place, mapped onto one purpose.

    A parser emits one Signal per (statement, purpose) it can judge; the resolver combines
    them (signals/resolve.py). Absence of any Signal means ``unknown``, never permission.
    """

    standard: str = _help(
        "Mechanism that carried it: robots.txt, content-usage, content-signal, rsl, tdmrep, "
        "x-robots-tag, html-meta, ai.txt, xmp-iptc, c2pa, natural-language, ...")
    purpose: str = _help("One of signals.vocab.PURPOSES: tdm, ai_training, genai_training, "
                         "ai_inference, search.")
    verdict: str = _help("reserved | not_reserved | unknown (see signals.vocab.VERDICTS).")
    location: str = _help("Where it was found: a URL, 'header:<name>', or a file path.")
    excerpt: str = _help("The raw text it rests on (line, header value, XMP node), truncated "
                         "to 500 characters.")
    agent: str | None = _help(
        "Crawler product token the statement is scoped to (e.g. 'GPTBot'); null when it "
        "applies to every agent.", default=None)
    scope: str = _help("host (whole site or path pattern) | item (one resource or file).",
                       default="host")
    observed_at: datetime | None = _help("When the response carrying it was fetched (UTC).",
                                         default=None)
    confidence: float = _help("0..1; lowered by leniencies and unreadable input.", default=1.0)
    contested: bool = _help("True when its legal effect is disputed (natural-language "
                            "reservations after OLG Hamburg, 10 Dec 2025).", default=False)
    spec_version: str | None = _help("Version or draft of the standard the parser follows.",
                                     default=None)
    notes: tuple[str, ...] = _help("Leniencies applied, parse problems, interpretations.",
                                   default=())


@dataclass(frozen=True, slots=True)
class RightsEvidence:
    """A copyright, creator or licence statement embedded in a file: evidence, not a reservation."""

    kind: str = _help("What it states: copyright | creator | credit | usage_terms | "
                      "web_statement | rights_expression | licensor | marked.")
    value: str = _help("The text as found, truncated to 500 characters.")
    source: str = _help("Carrier: exif | iptc-iim | xmp | png-text | pdf-info.")
    location: str = _help("Where it was found, e.g. 'exif:0x8298' or 'xmp:dc:rights'.")


@dataclass(frozen=True, slots=True)
class SignalReport:
    """What one parser, or one scan of a target, found: signals, rights evidence, problems."""

    source: str = _help("What was read: a URL, a file path, or 'headers'.")
    kind: str = _help("Parser or detected format: tdmrep.json, http-response, html, ai.txt, "
                      "robots.txt, jpeg, png, tiff, webp, gif, pdf, xmp, text, ...")
    signals: tuple[Signal, ...] = _help("Every statement found, one per purpose it maps to.",
                                        default=())
    evidence: tuple[RightsEvidence, ...] = _help("Copyright/creator statements (not "
                                                 "reservations).", default=())
    problems: int = _help("Parts that could not be read; each lowers confidence.", default=0)
    notes: tuple[str, ...] = _help("Leniencies, skipped parts, interpretations.", default=())

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the report (datetimes as ISO strings)."""
        return _jsonable(self)


@dataclass(frozen=True, slots=True)
class Resolution:
    """The combined verdict for one purpose (and agent) over every signal of one item."""

    purpose: str = _help("One of signals.vocab.PURPOSES.")
    verdict: str = _help("reserved | not_reserved | unknown; no applicable signal is unknown, "
                         "never permission.")
    agent: str | None = _help("Crawler token the verdict was resolved for; null for "
                              "agent-independent statements only.", default=None)
    contested: bool = _help("True when the verdict rests only on contested signals "
                            "(natural-language reservations).", default=False)
    confidence: float = _help("Highest confidence among the deciding signals; 0 when unknown.",
                              default=0.0)
    rule: str = _help("Precedence rule that decided (docs/signals.md).", default="")
    deciding: tuple[Signal, ...] = _help("Signals the verdict rests on.", default=())
    contradicting: tuple[Signal, ...] = _help("Applicable signals that say otherwise; kept, "
                                              "never dropped.", default=())
    superseded: tuple[Signal, ...] = _help(
        "Signals overridden inside their own mechanism (TDMRep layers, an agent-specific "
        "group replacing the '*' group).", default=())
    other_agents: tuple[Signal, ...] = _help("Signals scoped to other crawlers: not "
                                             "applicable to this agent.", default=())

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the resolution (datetimes as ISO strings)."""
        return _jsonable(self)


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, datetime):
        return obj.isoformat()
    if isinstance(obj, tuple | list):
        return [_jsonable(x) for x in obj]
    if hasattr(obj, "__dataclass_fields__"):
        return {f.name: _jsonable(getattr(obj, f.name)) for f in fields(obj)}
    return obj


def describe(cls: type) -> list[tuple[str, str]]:
    """Return (field name, help text) pairs of a model class, for docs and schemas."""
    return [(f.name, str(f.metadata.get("help", ""))) for f in fields(cls)]
