# SPDX-License-Identifier: Apache-2.0
"""Source categories: user overrides, the domain knowledge base, suffixes, then evidence.

Precedence (first that decides wins): a user override (``--categories FILE``); an entry of
the domain knowledge base for the host or its nearest listed parent; a suffix rule (``.gov``,
``go.kr``, ``ac.uk``, ``mil.br``, ...); the site's own statements on its home page when a
capture is at hand (``og:type``, schema.org types, generator, platform; see
``page_categories``), weighed together with URL-path rules and host keywords; otherwise
``unknown`` with confidence 0 - no category is guessed from nothing. Hosts marked
``generic`` in the knowledge base (CDNs, file hosts) let a path rule decide before their own
category. Host-level decisions are made once per distinct host; path rules are evaluated
vectorised over the URL column, only where needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from clearance.enrich.hosts import split_url_host
from clearance.errors import KnowledgeBaseError
from clearance.models import CategoryResult, HostParts
from clearance.yamlio import load_yaml

if TYPE_CHECKING:
    from clearance.enrich.overrides import CategoryOverrides
    from clearance.signals.page import PageEvidence

__all__ = [
    "CategoryKnowledge",
    "HostCategory",
    "categorize_url",
    "category_ids",
    "default_knowledge",
]

_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9-]+$")


class _Category(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str
    description: str
    rights_notes: str


class _Vocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid")
    categories: dict[str, _Category]


class DomainEntry(BaseModel):
    """One domain of the knowledge base; it covers itself and every subdomain."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    domain: str
    name: str
    country: str = Field(pattern=r"^([A-Z]{2}|INT)$")
    cdn_of: str | None = None
    generic: bool = False
    notes: str | None = None
    verified: bool = True

    @field_validator("domain")
    @classmethod
    def _domain_is_ascii_lower(cls, value: str) -> str:
        if not _DOMAIN_RE.match(value):
            raise ValueError(f"not a lower-case ASCII domain: {value!r}")
        return value


class DomainFile(BaseModel):
    """A ``domains/<category>.yaml`` file."""

    model_config = ConfigDict(extra="forbid")
    category: str
    domains: list[DomainEntry]


class _SuffixRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    category: str
    pattern: str
    note: str = ""


class _PathRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    category: str
    pattern: str
    weight: float = Field(gt=0)


class _KeywordRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    category: str
    tokens: list[str]
    weight: float = Field(gt=0)
    except_: list[str] = Field(default_factory=list, alias="except")


class _Rules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    confidence: dict[str, float]
    fallback: str
    threshold: float
    suffix: list[_SuffixRule]
    path: list[_PathRule]
    keyword: list[_KeywordRule]
    subdomain: list[_KeywordRule]


@dataclass(frozen=True, slots=True)
class HostCategory:
    """The host-level decision, or the host's share of the evidence when the URL may decide.

    ``scores`` holds the host-token evidence per category (empty when the host decided alone);
    ``open`` says that URL-path evidence is still to be weighed for this host.
    """

    category: str
    confidence: float
    reason: str
    open: bool
    scores: tuple[tuple[str, float], ...] = ()
    tokens: str = ""


def _load_yaml(path: Path | Any) -> Any:
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeBaseError(f"cannot read YAML: {exc}", path=str(path)) from exc


def _token_regex(rule: _KeywordRule) -> re.Pattern[str]:
    long = [re.escape(t) for t in rule.tokens if len(t) >= 4]
    short = [re.escape(t) for t in rule.tokens if len(t) < 4]
    parts = []
    if long:
        parts.append(f"({'|'.join(long)})")
    if short:
        parts.append(rf"(?:^|-)({'|'.join(short)})(?:-|$)")
    return re.compile("|".join(parts))


class CategoryKnowledge:
    """The category vocabulary, the domain knowledge base and the heuristic rules, loaded."""

    def __init__(self, root: Path | Any) -> None:
        vocab_path = root.joinpath("vocabulary.yaml")
        try:
            vocab = _Vocabulary.model_validate(_load_yaml(vocab_path))
        except ValidationError as exc:
            raise KnowledgeBaseError(str(exc), path=str(vocab_path)) from exc
        self.categories: dict[str, str] = {k: v.label for k, v in vocab.categories.items()}
        self.descriptions = {k: v.description for k, v in vocab.categories.items()}
        self.rights_notes = {k: v.rights_notes for k, v in vocab.categories.items()}
        self.domains: dict[str, tuple[str, DomainEntry]] = {}
        domain_dir = root.joinpath("domains")
        files = (
            sorted(
                (p for p in domain_dir.iterdir() if p.name.endswith(".yaml")), key=lambda p: p.name
            )
            if domain_dir.is_dir()
            else []
        )
        for path in files:
            self._load_domains(path)
        rules_path = root.joinpath("rules.yaml")
        try:
            self.rules = _Rules.model_validate(_load_yaml(rules_path))
        except ValidationError as exc:
            raise KnowledgeBaseError(str(exc), path=str(rules_path)) from exc
        used = {r.category for r in self.rules.suffix} | {r.category for r in self.rules.path}
        used |= {r.category for r in (*self.rules.keyword, *self.rules.subdomain)}
        unknown = sorted((used | {self.rules.fallback}) - set(self.categories))
        if unknown:
            raise KnowledgeBaseError(f"unknown category ids {unknown}", path=str(rules_path))
        self._conf = self.rules.confidence
        self._suffix = [(re.compile(r.pattern), r) for r in self.rules.suffix]
        self._keyword = [(_token_regex(r), r) for r in self.rules.keyword]
        self._subdomain = [(_token_regex(r), r) for r in self.rules.subdomain]
        self._path = [(re.compile(r.pattern), r) for r in self.rules.path]
        ordered = [r.category for r in self.rules.path]
        ordered += [r.category for r in (*self.rules.keyword, *self.rules.subdomain)]
        ordered += [c for c in self.categories if c != "unknown"]  # page evidence: any
        self.evidence_categories = tuple(dict.fromkeys(ordered))

    def _load_domains(self, path: Any) -> None:
        try:
            doc = DomainFile.model_validate(_load_yaml(path))
        except ValidationError as exc:
            raise KnowledgeBaseError(str(exc), path=str(path)) from exc
        if doc.category not in self.categories:
            raise KnowledgeBaseError(f"unknown category {doc.category!r}", path=str(path))
        for entry in doc.domains:
            if entry.domain in self.domains:
                raise KnowledgeBaseError(f"domain {entry.domain!r} listed twice", path=str(path))
            self.domains[entry.domain] = (doc.category, entry)

    def lookup_domain(self, host: str) -> tuple[str, str, DomainEntry] | None:
        """Return (matched domain, category, entry) for the host or its nearest listed parent."""
        labels = host.split(".")
        for i in range(len(labels)):
            name = ".".join(labels[i:])
            hit = self.domains.get(name)
            if hit is not None:
                return name, hit[0], hit[1]
        return None

    def needs_page(self, parts: HostParts) -> bool:
        """Return whether a host's category is left to evidence (no KB entry or suffix rule
        decides it), so that its home page is worth reading."""
        host = parts.host
        if host is None:
            return False
        if parts.is_ip or self.lookup_domain(host) is not None:
            return False
        return not any(pattern.search(host) for pattern, _ in self._suffix)

    def for_host(
        self,
        parts: HostParts,
        page: PageEvidence | None = None,
        overrides: CategoryOverrides | None = None,
    ) -> HostCategory:
        """Return the host-level decision or its evidence (override, KB, suffix, page, tokens).

        ``page`` is what the site's home page states about it (None: no capture at hand);
        ``overrides`` are the user's statements, which win over everything.
        """
        conf = self._conf
        host = parts.host
        if host is None:
            return HostCategory("unknown", 0.0, "no-host", open=False)
        if overrides is not None:
            hit_override = overrides.for_host(host)
            if hit_override is not None:
                reason = overrides.reason(hit_override)
                return HostCategory(hit_override.category, 1.0, reason, open=False)
        if parts.is_ip:
            return HostCategory("unknown", 0.0, "ip-literal", open=True)
        hit = self.lookup_domain(host)
        if hit is not None:
            name, category, entry = hit
            if entry.generic:
                return HostCategory(category, conf["generic_host"], f"generic-host:{name}", True)
            key = "domain_exact" if name == host else "domain_parent"
            return HostCategory(category, conf[key], f"domain:{name}", open=False)
        for pattern, rule in self._suffix:
            match = pattern.search(host)
            if match:
                where = match.group(0).lstrip(".")
                return HostCategory(rule.category, conf["suffix"], f"suffix:{where}", False)
        scores, tokens = self._token_scores(parts)
        if page is not None and not page.empty:
            from clearance.enrich.page_categories import default_page_rules

            decided = default_page_rules().decide(page)
            merged = dict(scores)
            for category, weight in decided.scores:
                merged[category] = merged.get(category, 0.0) + weight
            cited = f" [{page.source}]" if page.source else ""
            why = decided.reason + (f" host {tokens}" if tokens else "") + cited
            if decided.category is not None:
                return HostCategory(
                    decided.category, decided.confidence, why, True, tuple(sorted(merged.items())),
                    tokens,
                )
            scores = sorted(merged.items())
        best = max(scores, key=lambda kv: kv[1], default=None)
        if best is not None and best[1] >= self.rules.threshold:
            why = f"evidence:host {tokens}".rstrip()
            if page is not None and not page.empty:
                why = f"evidence:{decided.reason}" + (f" host {tokens}" if tokens else "") + cited
            return HostCategory(best[0], conf["evidence"], why, True, tuple(scores), tokens)
        return HostCategory(
            self.rules.fallback, conf["fallback"], "no-evidence", True, tuple(scores), tokens
        )

    def name_scores(self, folded: str) -> list[tuple[str, float, str]]:
        """Return (category, weight, token) of the host keyword rules found in a folded name."""
        found: list[tuple[str, float, str]] = []
        for pattern, rule in self._keyword:
            if any(x in folded for x in rule.except_):
                continue
            match = pattern.search(folded)
            if match:
                found.append((rule.category, rule.weight, next(g for g in match.groups() if g)))
        return found

    def _token_scores(self, parts: HostParts) -> tuple[list[tuple[str, float]], str]:
        host = parts.host or ""
        domain = parts.registrable_domain or host
        suffix = parts.public_suffix or ""
        head = domain[: -len(suffix) - 1] if suffix and domain.endswith("." + suffix) else domain
        sub = host[: -len(domain) - 1] if host.endswith("." + domain) else ""
        totals: dict[str, float] = {}
        found: list[str] = []
        for pattern, rule in self._keyword:
            if any(x in head for x in rule.except_):
                continue
            match = pattern.search(head)
            if match:
                totals[rule.category] = totals.get(rule.category, 0.0) + rule.weight
                found.append(next(g for g in match.groups() if g))
        first = sub.split(".")[0] if sub else ""
        if first and first != "www":
            for pattern, rule in self._subdomain:
                match = pattern.search(first)
                if match:
                    totals[rule.category] = totals.get(rule.category, 0.0) + rule.weight
                    found.append(f"{next(g for g in match.groups() if g)}.")
        return sorted(totals.items()), ",".join(found)

    def path_hits(self, url: pl.Expr) -> list[tuple[str, float, pl.Expr]]:
        """Return (category, weight, matched-text expression) for every path rule.

        ``url`` must be lower-cased: the patterns are written in lower case and matched
        case-sensitively, which lets the regex engine use its literal prefilters (twice as
        fast as case-insensitive matching).
        """
        return [
            (rule.category, rule.weight, url.str.extract("(" + rule.pattern + ")", 1))
            for _, rule in self._path
        ]

    @property
    def any_path_rule(self) -> str:
        """Return one alternation of every path rule (a cheap prefilter)."""
        return "|".join(f"(?:{rule.pattern})" for _, rule in self._path)

    def decide_open(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Weigh host-token and path evidence for rows whose host left the decision open.

        ``frame`` has ``url``, ``__hc``/``__hconf``/``__hwhy`` (the host's default decision)
        and one ``__hs_<category>`` column of host-token score per evidence category; the
        same columns come back with the decision.
        """
        hits = self.path_hits(pl.col("__low"))
        low = frame.with_columns(pl.col("url").str.to_lowercase().alias("__low"))
        any_hit = low["__low"].str.contains(self.any_path_rule).fill_null(False)
        matched = pl.concat([
            low.filter(any_hit).with_columns(
                *[text.alias(f"__pm{i}") for i, (_, _, text) in enumerate(hits)]),
            low.filter(~any_hit).with_columns(
                *[pl.lit(None, pl.String).alias(f"__pm{i}") for i in range(len(hits))]),
        ])
        totals = []
        for cat in self.evidence_categories:
            score: pl.Expr = pl.col(f"__hs_{cat}").fill_null(0.0)
            for i, (hit_cat, weight, _) in enumerate(hits):
                if hit_cat == cat:
                    score = score + pl.when(pl.col(f"__pm{i}").is_not_null()).then(
                        weight
                    ).otherwise(0.0)
            totals.append(score.alias(f"__tot_{cat}"))
        matched = matched.with_columns(totals)
        cats = list(self.evidence_categories)
        tot_cols = [f"__tot_{c}" for c in cats]
        matched = matched.with_columns(
            pl.concat_list(tot_cols).list.arg_max().alias("__best"),
            pl.max_horizontal(tot_cols).alias("__bestscore"),
            pl.concat_str(
                [pl.col(f"__pm{i}") for i in range(len(hits))], separator=",", ignore_nulls=True
            ).alias("__pwhy"),
        )
        winner = pl.col("__best").replace_strict(dict(enumerate(cats)), return_dtype=pl.String)
        # the host's own category keeps a tie: a path must outweigh what the host stated
        held = pl.lit(0.0)
        for cat in cats:
            held = pl.when(pl.col("__hc") == cat).then(pl.col(f"__tot_{cat}")).otherwise(held)
        path_won = (pl.col("__bestscore") >= self.rules.threshold) & (
            pl.col("__bestscore") > held
        )
        changed = path_won & (pl.col("__pwhy").str.len_chars() > 0) & (winner != pl.col("__hc"))
        why = (
            pl.lit("evidence:")
            + pl.when(pl.col("__pwhy").str.len_chars() > 0)
            .then(pl.lit("path ") + pl.col("__pwhy").str.slice(0, 60))
            .otherwise(pl.lit(""))
            + pl.when(pl.col("__htok").str.len_chars() > 0)
            .then(pl.lit(" host ") + pl.col("__htok"))
            .otherwise(pl.lit(""))
        )
        out = matched.with_columns(
            pl.when(changed).then(winner).otherwise(pl.col("__hc")).alias("__hc"),
            pl.when(changed)
            .then(pl.lit(self._conf["evidence"], pl.Float32))
            .otherwise(pl.col("__hconf"))
            .alias("__hconf"),
            pl.when(changed).then(why).otherwise(pl.col("__hwhy")).alias("__hwhy"),
        )
        return out.select(frame.columns)

    def categorize(self, url: str) -> CategoryResult:
        """Return the category of one URL (the batch logic on a one-row table)."""
        from clearance.enrich.annotate import Categorizer

        parts = split_url_host(url)
        table = pa.table(
            {"url": [url], "host": [parts.host], "registrable_domain": [parts.registrable_domain]},
            schema=pa.schema(
                [("url", pa.string()), ("host", pa.string()), ("registrable_domain", pa.string())]
            ),
        )
        row = Categorizer(self)(table).to_pylist()[0]
        return CategoryResult(
            row["category"],
            round(float(row["category_confidence"]), 4),
            row["category_reason"],
            parts.host,
            parts.registrable_domain,
        )


@cache
def default_knowledge() -> CategoryKnowledge:
    """Return the shipped category knowledge, loaded once per process."""
    return CategoryKnowledge(resources.files("clearance").joinpath("data/categories"))


def category_ids() -> tuple[str, ...]:
    """Return the category ids of the shipped vocabulary, in file order."""
    return tuple(default_knowledge().categories)


def categorize_url(url: str) -> CategoryResult:
    """Return the source category of one URL, with ``.category``, ``.confidence``, ``.reason``."""
    return default_knowledge().categorize(url)
