# SPDX-License-Identifier: Apache-2.0
"""The data model: frozen, slotted dataclasses whose fields document themselves.

Each field's ``metadata["help"]`` is the one place its meaning is written; ``docs/`` and the
JSON Schema are generated from it. Columnar code paths use Arrow columns with the same names;
these classes are the per-record view for notebooks, the CLI and the web app.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

__all__ = [
    "AnalysisFinding",
    "AnalysisResult",
    "Capture",
    "CategoryResult",
    "CitedAuthority",
    "FetchSummary",
    "GateSummary",
    "HostParts",
    "IngestSummary",
    "LicenseConflict",
    "LicenseMatch",
    "LicensePermission",
    "MarketAssessment",
    "MarketExposure",
    "RecommendedAction",
    "ReportPaths",
    "Resolution",
    "RightsEvidence",
    "RuleFiring",
    "Signal",
    "SignalReport",
    "TakedownRequest",
    "TimelineEvent",
    "Vulnerability",
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
    modalities: dict[str, int] = _help(
        "Accepted rows per modality (null as 'unknown').", default_factory=dict
    )
    categories: dict[str, int] = _help("Accepted rows per source category.", default_factory=dict)
    top_domains: list[tuple[str, int]] = _help(
        "Most frequent registrable domains, descending.", default_factory=list
    )
    top_licenses: list[tuple[str, int]] = _help(
        "Most frequent raw licence strings, descending.", default_factory=list
    )
    column_mapping: dict[str, str] = _help(
        "Canonical column -> the input column it came from.", default_factory=dict
    )
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
        "x-robots-tag, html-meta, ai.txt, xmp-iptc, c2pa, natural-language, ..."
    )
    purpose: str = _help(
        "One of signals.vocab.PURPOSES: tdm, ai_training, genai_training, ai_inference, search."
    )
    verdict: str = _help("reserved | not_reserved | unknown (see signals.vocab.VERDICTS).")
    location: str = _help("Where it was found: a URL, 'header:<name>', or a file path.")
    excerpt: str = _help(
        "The raw text it rests on (line, header value, XMP node), truncated to 500 characters."
    )
    agent: str | None = _help(
        "Crawler product token the statement is scoped to (e.g. 'GPTBot'); null when it "
        "applies to every agent.",
        default=None,
    )
    scope: str = _help(
        "host (whole site or path pattern) | item (one resource or file).", default="host"
    )
    observed_at: datetime | None = _help(
        "When the response carrying it was fetched (UTC).", default=None
    )
    confidence: float = _help("0..1; lowered by leniencies and unreadable input.", default=1.0)
    contested: bool = _help(
        "True when its legal effect is disputed (natural-language "
        "reservations after OLG Hamburg, 10 Dec 2025).",
        default=False,
    )
    spec_version: str | None = _help(
        "Version or draft of the standard the parser follows.", default=None
    )
    notes: tuple[str, ...] = _help(
        "Leniencies applied, parse problems, interpretations.", default=()
    )


@dataclass(frozen=True, slots=True)
class RightsEvidence:
    """A copyright, creator or licence statement embedded in a file: evidence, not a reservation."""

    kind: str = _help(
        "What it states: copyright | creator | credit | usage_terms | "
        "web_statement | rights_expression | licensor | marked."
    )
    value: str = _help("The text as found, truncated to 500 characters.")
    source: str = _help("Carrier: exif | iptc-iim | xmp | png-text | pdf-info.")
    location: str = _help("Where it was found, e.g. 'exif:0x8298' or 'xmp:dc:rights'.")


@dataclass(frozen=True, slots=True)
class SignalReport:
    """What one parser, or one scan of a target, found: signals, rights evidence, problems."""

    source: str = _help("What was read: a URL, a file path, or 'headers'.")
    kind: str = _help(
        "Parser or detected format: tdmrep.json, http-response, html, ai.txt, "
        "robots.txt, jpeg, png, tiff, webp, gif, pdf, xmp, text, ..."
    )
    signals: tuple[Signal, ...] = _help(
        "Every statement found, one per purpose it maps to.", default=()
    )
    evidence: tuple[RightsEvidence, ...] = _help(
        "Copyright/creator statements (not reservations).", default=()
    )
    problems: int = _help("Parts that could not be read; each lowers confidence.", default=0)
    notes: tuple[str, ...] = _help("Leniencies, skipped parts, interpretations.", default=())

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the report (datetimes as ISO strings)."""
        out: dict[str, Any] = _jsonable(self)
        return out


@dataclass(frozen=True, slots=True)
class Resolution:
    """The combined verdict for one purpose (and agent) over every signal of one item."""

    purpose: str = _help("One of signals.vocab.PURPOSES.")
    verdict: str = _help(
        "reserved | not_reserved | unknown; no applicable signal is unknown, never permission."
    )
    agent: str | None = _help(
        "Crawler token the verdict was resolved for; null for agent-independent statements only.",
        default=None,
    )
    contested: bool = _help(
        "True when the verdict rests only on contested signals (natural-language reservations).",
        default=False,
    )
    confidence: float = _help(
        "Highest confidence among the deciding signals; 0 when unknown.", default=0.0
    )
    rule: str = _help("Precedence rule that decided (docs/signals.md).", default="")
    deciding: tuple[Signal, ...] = _help("Signals the verdict rests on.", default=())
    contradicting: tuple[Signal, ...] = _help(
        "Applicable signals that say otherwise; kept, never dropped.", default=()
    )
    superseded: tuple[Signal, ...] = _help(
        "Signals overridden inside their own mechanism (TDMRep layers, an agent-specific "
        "group replacing the '*' group).",
        default=(),
    )
    other_agents: tuple[Signal, ...] = _help(
        "Signals scoped to other crawlers: not applicable to this agent.", default=()
    )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the resolution (datetimes as ISO strings)."""
        out: dict[str, Any] = _jsonable(self)
        return out


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, datetime):
        return obj.isoformat()
    if isinstance(obj, tuple | list):
        return [_jsonable(x) for x in obj]
    if hasattr(obj, "__dataclass_fields__"):
        return {f.name: _jsonable(getattr(obj, f.name)) for f in fields(obj)}
    return obj


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One dated event of a law knowledge-base entry, for ``clearance law timeline``."""

    date: date = _help("When it happened or happens (ISO date).")
    event: str = _help(
        "issued (decided, adopted, filed, published) | applies_from | applies_until."
    )
    entry_id: str = _help("Knowledge-base id of the authority (data/law/<market>/<id>.yaml).")
    market: str = _help("Market of the entry (us, eu, de, ...).")
    title: str = _help("Title of the authority.")
    status: str = _help("Its status as of the knowledge base's as-of date.")
    verified: bool = _help("False when the entry could not be verified against its source.")


def describe(cls: type) -> list[tuple[str, str]]:
    """Return (field name, help text) pairs of a model class, for docs and schemas."""
    return [(f.name, str(f.metadata.get("help", ""))) for f in fields(cls)]


DISCLAIMER = "Risk assessment, not legal advice."


@dataclass(frozen=True, slots=True)
class RuleFiring:
    """One law rule that fired for an item in a market: one step of the reasoning chain."""

    rule_id: str = _help("Id of the rule (data/rules/<market>/<id>.yaml).")
    market: str = _help("Market the rule belongs to ('all' for rules of every market).")
    title: str = _help("The rule's one-line title.")
    explanation: str = _help("Why the rule says what it says, in our own words.")
    bases: tuple[tuple[str, str], ...] = _help("(basis id, status) pairs the rule sets.")
    exposure: str | None = _help("Floor the rule puts on its ground, if any.", default=None)
    ground: str | None = _help("Ground of that floor (copyright, database, ...).", default=None)
    citations: tuple[str, ...] = _help("Knowledge-base ids the rule rests on.", default=())
    provisional: bool = _help(
        "True when it rests on a pending or first-instance authority.", default=False
    )
    obligations: tuple[str, ...] = _help(
        "Duties the rule flags (disclosures, policies).", default=()
    )


@dataclass(frozen=True, slots=True)
class MarketAssessment:
    """The law engine's judgement of one item (or fact combination) in one market."""

    market: str = _help("Market assessed (us, eu, de, ...); de/fr/it/nl include the EU layer.")
    exposure: str = _help("low | medium | high | critical (see docs/law-engine.md).")
    bases: tuple[str, ...] = _help(
        "Legal-basis candidates as readable strings with their "
        "status, best first, e.g. 'JP Art. 30-4 (available)'."
    )
    reasons: tuple[str, ...] = _help("Ids of the rules that fired, in evaluation order.")
    citations: tuple[str, ...] = _help("Knowledge-base ids the fired rules cite.")
    provisional: bool = _help(
        "True when the deciding rules rest on a pending or first-instance authority."
    )
    as_of: str = _help("Date the law was applied as of (ISO).")
    kb_as_of: str | None = _help("The knowledge base's as-of date: its latest check (ISO).")
    disclaimer: str = _help("Always 'Risk assessment, not legal advice.'", default=DISCLAIMER)
    basis_status: tuple[tuple[str, str], ...] = _help(
        "(basis id, status) pairs, best first.", default=()
    )
    grounds: tuple[tuple[str, str], ...] = _help(
        "(ground, level) pairs that were in play.", default=()
    )
    obligations: tuple[str, ...] = _help("Duties flagged by the fired rules.", default=())
    steps: tuple[RuleFiring, ...] = _help(
        "The reasoning chain, one step per fired rule.", default=()
    )
    facts: dict[str, Any] = _help(
        "The normalised facts judged (unknowns included).", default_factory=dict
    )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the assessment."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["steps"] = [{g.name: getattr(s, g.name) for g in fields(s)} for s in self.steps]
        out["facts"] = {
            k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in self.facts.items()
        }
        return out


@dataclass(frozen=True, slots=True)
class AnalysisFinding:
    """One consideration of a professional analysis (a fair-use factor, a TDM question)."""

    question: str = _help("Which question it answers, e.g. 'factor1' or 'lawful_access'.")
    consideration: str = _help("Id of the consideration (data/rules/analyses/<name>.yaml).")
    leaning: str = _help("for_use | against_use | neutral | unknown.")
    weight: int = _help("1 (slight) .. 3 (strong) weight courts have given it.")
    text: str = _help("The consideration, in our own words.")
    citations: tuple[str, ...] = _help("Knowledge-base ids bearing on it.", default=())
    provisional: bool = _help(
        "True when it rests on a pending or first-instance authority.", default=False
    )


@dataclass(frozen=True, slots=True)
class AnalysisResult:
    """A professional analysis: per-question findings, a leaning and its strength."""

    analysis: str = _help("fair_use | eu_tdm | database_right | personal_data.")
    market: str = _help("Market whose law the analysis applies.")
    questions: tuple[tuple[str, str, str, str], ...] = _help(
        "(question id, title, leaning, strength) per question, in order; leaning is "
        "for_use | against_use | neutral | unknown | not_engaged."
    )
    leaning: str = _help("Overall: for_use | against_use | balanced | unknown.")
    strength: str = _help("weak | moderate | strong: how firmly; never a certainty.")
    summary: str = _help("One paragraph stating the leaning and what decides it.")
    findings: tuple[AnalysisFinding, ...] = _help("Every consideration that applied.", default=())
    citations: tuple[str, ...] = _help("Knowledge-base ids cited by the findings.", default=())
    provisional: bool = _help("True when any finding is provisional.", default=False)
    as_of: str = _help("Date the law was applied as of (ISO).", default="")
    kb_as_of: str | None = _help("The knowledge base's as-of date (ISO).", default=None)
    disclaimer: str = _help("Always 'Risk assessment, not legal advice.'", default=DISCLAIMER)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the analysis."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["findings"] = [{g.name: getattr(x, g.name) for g in fields(x)} for x in self.findings]
        return out


@dataclass(frozen=True, slots=True)
class LicenseMatch:
    """What one piece of licence evidence normalises to, how sure we are, and why."""

    id: str = _help(
        "Canonical id: an SPDX id, a LicenseRef-clearance-<slug>, one of the states "
        "unknown | all-rights-reserved | public-domain | tos-prohibits-ml, or a "
        "normalised SPDX expression of those."
    )
    confidence: float = _help("0..1; 1.0 for an exact id, lower for paraphrases, texts, guesses.")
    evidence: str = _help(
        "What matched and how, e.g. 'alias: 'Apache 2'' or 'text match 0.97 against MIT'."
    )
    raw: str = _help("The input, truncated to 500 characters.", default="")
    method: str = _help(
        "Which reader decided: empty | id | expression | alias | url | html | "
        "xmp | hf-card | multi | cc-text | substring | text | phrase | none.",
        default="none",
    )
    version_stated: bool = _help(
        "False when the evidence names a licence family without its "
        "version (the id then ends in -unversioned).",
        default=True,
    )
    score: float | None = _help(
        "Similarity score of the text matcher, when it decided.", default=None
    )


@dataclass(frozen=True, slots=True)
class LicensePermission:
    """Whether a licence permits one AI use, on which conditions, and why."""

    license_id: str = _help("The canonical id (or expression) judged.")
    use: str = _help(
        "research_training | commercial_training | genai_training | fine_tuning | "
        "rag_inference | dataset_redistribution | weights_release."
    )
    verdict: str = _help(
        "allowed | conditional | not_allowed | unknown; unknown is gated like "
        "all rights reserved, never as permission."
    )
    conditions: tuple[str, ...] = _help(
        "Duties that come with the use: attribution, share_alike, no_derivatives_shared, ...",
        default=(),
    )
    reasons: tuple[str, ...] = _help("Why, in plain words, one per rule that applied.", default=())
    verified: bool = _help(
        "False when the licence terms behind the verdict are unverified.", default=True
    )


@dataclass(frozen=True, slots=True)
class LicenseConflict:
    """Licence layers (item, dataset, card, repository) that disagree, and who wins."""

    effective_id: str = _help("The most restrictive id among the layers: it governs.")
    winner: str = _help("Layer whose licence governs, e.g. 'item' or 'card'.")
    layers: tuple[tuple[str, str], ...] = _help("(layer, canonical id) for every stated layer.")
    conflicting: tuple[tuple[str, str, str, str], ...] = _help(
        "(layer a, id a, layer b, id b) for each pair that disagrees.", default=()
    )
    conflict: bool = _help("True when at least two layers name different licences.", default=False)
    reason: str = _help("One sentence: which layer won and why.", default="")


@dataclass(frozen=True, slots=True)
class Capture:
    """One archived response (or failed fetch) of one document, as the signal parsers take it."""

    url: str = _help("The URL that was requested (WARC-Target-URI of the capture).")
    status: int | None = _help("HTTP status; null when the fetch failed (see outcome).")
    headers: tuple[tuple[str, str], ...] = _help("Response headers in wire order, repeats kept.")
    body: bytes = _help("Body after content decoding, at most the byte cap of the fetch.")
    captured_at: datetime = _help("When the response was fetched (WARC-Date, UTC).")
    outcome: str = _help(
        "ok | not_modified | http_4xx | http_5xx | too_many_redirects | "
        "too_large | timeout | connection_error | dns_error | blocked | "
        "invalid_url | skipped | capture_failed.",
        default="ok",
    )
    truncated: bool = _help("True when the body was cut at the byte cap.", default=False)
    final_url: str | None = _help("URL of the last hop when redirects were followed.", default=None)
    record_id: str | None = _help("WARC-Record-ID of the record the body came from.", default=None)
    source: str | None = _help("WARC file and byte offset of that record.", default=None)


@dataclass(frozen=True, slots=True)
class FetchSummary:
    """What a fetch run recorded: per-outcome counts, hosts, and where the evidence is."""

    run: str = _help("Run id; rerunning the same hosts into the same directory resumes it.")
    evidence_dir: str = _help("Directory holding the WARC files, ledger and index.")
    hosts: int = _help("Distinct hosts planned.")
    hosts_recorded: int = _help("Hosts whose robots.txt fetch ended with a recorded outcome.")
    documents: int = _help("Documents (robots.txt, tdmrep.json, ai.txt, RSL, items) recorded.")
    fetched: int = _help("Documents fetched by this call (the rest were already recorded).")
    outcomes: dict[str, int] = _help("Documents per outcome.", default_factory=dict)
    host_outcomes: dict[str, int] = _help("Hosts per robots.txt outcome.", default_factory=dict)
    seconds: float = _help("Wall time of this call.", default=0.0)
    heads: dict[str, str] = _help(
        "Ledger chain heads (shard -> last entry hash): publish them to anchor the evidence.",
        default_factory=dict,
    )


@dataclass(frozen=True, slots=True)
class CitedAuthority:
    """A law knowledge-base entry as a report cites it."""

    id: str = _help("Knowledge-base id (data/law/<market>/<id>.yaml).")
    title: str = _help("Name of the case or instrument.")
    citation: str = _help("Official citation, docket or article number.")
    body: str = _help("Court, legislature or regulator.")
    date: str = _help("Decision, adoption or filing date (ISO).")
    status: str = _help("pending | decided | appealed | settled | in_force | proposed | ...")
    market: str = _help("Market whose law it is.")
    verified: bool = _help("False when the entry could not be verified against its source.")
    source_url: str = _help("Public page it was checked against.")
    why: str = _help("Why it bears on this vulnerability, in our own words.", default="")
    date_label: str = _help(
        "The date that matters, labelled: 'applies from ...' for law in force, 'latest step "
        "...' for a pending or appealed matter, 'decided ...' for a decision.",
        default="",
    )
    primary_url: str | None = _help(
        "The primary text (legislature, gazette, court, issuing body) when one is recorded.",
        default=None,
    )
    primary_confirmed: bool = _help(
        "True when the primary link was confirmed against the official copy.", default=False
    )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the citation."""
        out: dict[str, Any] = _jsonable(self)
        return out


@dataclass(frozen=True, slots=True)
class RecommendedAction:
    """One recommendation of the report for one vulnerability (or one next step)."""

    action: str = _help(
        "cease_scraping | seek_licences | filter | honour_opt_outs | delete | document; "
        "empty for a next step."
    )
    label: str = _help("The action in words, e.g. 'Honour opt-outs'.")
    text: str = _help("What to do, with the numbers filled in.")
    rule: str = _help("Id of the recommendation in data/report/recommendations.yaml.")


@dataclass(frozen=True, slots=True)
class MarketExposure:
    """How one source category stands in one market, as the ranking scored it."""

    market: str = _help("Market code, e.g. 'eu'.")
    worst: str | None = _help("Highest exposure of any item in the cell; null when none known.")
    items: int = _help("Items of the category assessed in the market.")
    items_high: int = _help("Items at high or critical exposure.")
    share_high: float = _help("items_high / items (0..1).")
    exposure_weight: int = _help("Sum of item weights: low 0, medium 1, high 3, critical 9.")
    salience: float = _help("Litigation salience of the category in the market (>= 1).")
    score: float = _help("exposure_weight x salience.")
    provisional_items: int = _help("Items whose conclusion in the market is provisional.")


@dataclass(frozen=True, slots=True)
class Vulnerability:
    """One source of legal vulnerability: a source category, ranked by its score."""

    rank: int = _help("1 for the highest score.")
    category: str = _help("Source category id (data/categories/vocabulary.yaml).")
    label: str = _help("The category's label.")
    score: float = _help("Sum over markets of exposure weight x litigation salience.")
    items: int = _help("Items of the category.")
    bytes: int = _help("Bytes of those items, where the manifest states sizes.")
    share: float = _help("items / items in the dataset (0..1).")
    worst: str | None = _help("Highest exposure in any market.")
    markets: tuple[MarketExposure, ...] = _help("Per market, highest score first.")
    drivers: tuple[tuple[str, str, int, float], ...] = _help(
        "(driver id, phrase, items, share of the category) for each driver present, largest first."
    )
    authorities: tuple[CitedAuthority, ...] = _help(
        "Cases and settlements that make the category salient in its markets, heaviest first."
    )
    rules_cited: tuple[CitedAuthority, ...] = _help(
        "Authorities the law rules cited for its medium-or-worse items, most items first."
    )
    recommendations: tuple[RecommendedAction, ...] = _help("What to do, first is the headline.")
    provisional_items: int = _help("Item-market conclusions of the category that are provisional.")

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the vulnerability."""
        out: dict[str, Any] = _jsonable(self)
        return out


@dataclass(frozen=True, slots=True)
class ReportPaths:
    """Where write_reports put each file (all inside the scan directory)."""

    directory: str = _help("The scan directory.")
    summary_json: str = _help("summary.json: counts, the risk matrix, top vulnerabilities.")
    report_md: str = _help("report.md: the full report in Markdown.")
    report_html: str = _help("report.html: self-contained, with the matrix drill-down.")
    report_pdf: str = _help("report.pdf: page 1 is the one-page assessment, then the annex.")
    assessment_pdf: str = _help("assessment.pdf: the one-page preliminary risk assessment.")
    risk_matrix_png: str = _help("risk_matrix.png: the heatmap.")
    risk_matrix_svg: str = _help("risk_matrix.svg: the heatmap as vector graphics.")

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the paths."""
        out: dict[str, Any] = _jsonable(self)
        return out


@dataclass(frozen=True, slots=True)
class TakedownRequest:
    """One takedown or opt-out request as the ledger holds it (decide/takedown.py)."""

    request_id: str = _help("Id given by the sender, or derived from the request's content.")
    kind: str = _help("What it names: url | url_prefix | domain | sha256 | creator.")
    value: str = _help("The URL, prefix, domain, content hash or creator as received.")
    key: str = _help("The normalised value items are matched on.")
    type: str = _help("takedown (remove the items) | opt_out (do not train on them).")
    status: str = _help("received | matched | applied | confirmed | withdrawn.")
    received_at: str = _help("When it was received (ISO 8601, UTC).")
    updated_at: str = _help("When its status last changed (ISO 8601, UTC).")
    requester: str = _help("Who sent it (rightholder, agent).", default="")
    contact: str = _help("How to reach the requester.", default="")
    reason: str = _help("Why, in the requester's words.", default="")
    reference: str = _help("Ticket, notice or letter reference.", default="")

    def to_dict(self) -> dict[str, Any]:
        """Return the request as a JSON-ready dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class GateSummary:
    """What a policy gate read and decided; reconciles: tiers + rejected = rows read."""

    source: str = _help("The manifest gated.")
    format: str = _help("Its format; the split manifests are written in it.")
    policy: str = _help("Policy id.")
    policy_digest: str = _help("SHA-256 of the policy document as applied (waivers included).")
    as_of: str = _help("Date the waivers and law were judged on (ISO).")
    markets: list[str] = _help("Markets assessed.")
    rows_read: int = _help("Rows seen in the input.")
    rows_rejected: int = _help("Rows refused by ingest (see rejects.jsonl).")
    approved: int = _help("Items in the approved tier.")
    restricted: int = _help("Items in the restricted tier (need review).")
    prohibited: int = _help("Items in the prohibited tier.")
    rule_hits: dict[str, int] = _help("Items each rule held for.", default_factory=dict)
    waived: dict[str, int] = _help("Items each rule was waived for.", default_factory=dict)
    expired_waivers: list[str] = _help("Waivers past expiry: ignored.", default_factory=list)
    missing_columns: list[str] = _help(
        "Columns rules read that the decision table lacked (read as unknown).",
        default_factory=list,
    )
    known_works: dict[str, int] = _help(
        "Known-work matching counts (sha256, pdq, unreadable images).", default_factory=dict
    )
    takedowns: dict[str, int] = _help("Items per takedown request id.", default_factory=dict)
    outputs: dict[str, str] = _help("Files written: tier -> path.", default_factory=dict)
    seconds: float = _help("Wall time.", default=0.0)
    disclaimer: str = _help("Always 'Risk assessment, not legal advice.'", default=DISCLAIMER)
    assumptions: dict[str, Any] = _help(
        "The presumptions the gate judged on (clearance.assumptions).", default_factory=dict
    )
    evidence: dict[str, Any] = _help(
        "Where opt-out signals came from (mode, snapshot files and hashes).",
        default_factory=dict,
    )
    warnings: list[str] = _help(
        "What the user must know: no evidence read, unreadable records, ...",
        default_factory=list,
    )

    @property
    def reconciled(self) -> bool:
        """Return True when approved + restricted + prohibited + rejected = rows read."""
        total = self.approved + self.restricted + self.prohibited + self.rows_rejected
        return total == self.rows_read

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of every field plus the reconciliation flag."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["reconciled"] = self.reconciled
        return out
