# SPDX-License-Identifier: Apache-2.0
"""Source categories: the domain knowledge base first, then suffix, path and keyword rules.

Precedence (first that decides wins): an entry of the domain knowledge base for the host or
its nearest listed parent; a suffix rule (``.gov``, ``ac.uk``, ...); a URL-path rule; a host
keyword; the fallback. Hosts marked ``generic`` in the knowledge base (CDNs, file hosts) let
a path rule decide before their own category. Host-level decisions are made once per
distinct host; path rules are evaluated vectorised over the URL column, only where needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from clearance.enrich.hosts import split_url_host
from clearance.errors import KnowledgeBaseError
from clearance.models import CategoryResult, HostParts

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


class _KeywordRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    category: str
    tokens: list[str]


class _Rules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    confidence: dict[str, float]
    fallback: str
    suffix: list[_SuffixRule]
    path: list[_PathRule]
    keyword: list[_KeywordRule]


@dataclass(frozen=True, slots=True)
class HostCategory:
    """The host-level decision: a category, or a request to let path rules decide first."""

    category: str
    confidence: float
    reason: str
    path_first: bool


def _load_yaml(path: Path | Any) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeBaseError(f"cannot read YAML: {exc}", path=str(path)) from exc


def _keyword_regex(tokens: list[str]) -> re.Pattern[str]:
    long = [re.escape(t) for t in tokens if len(t) >= 4]
    short = [re.escape(t) for t in tokens if len(t) < 4]
    parts = []
    if long:
        alt = "|".join(long)
        parts.append(rf"^({alt})|({alt})$|(^|-)({alt})(-|$)")
    if short:
        parts.append(rf"(^|-)({'|'.join(short)})(-|$)")
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
        used |= {r.category for r in self.rules.keyword}
        unknown = sorted((used | {self.rules.fallback}) - set(self.categories))
        if unknown:
            raise KnowledgeBaseError(f"unknown category ids {unknown}", path=str(rules_path))
        conf = self.rules.confidence
        self._conf = conf
        self._suffix = [(re.compile(r.pattern), r) for r in self.rules.suffix]
        self._keyword = [(_keyword_regex(r.tokens), r) for r in self.rules.keyword]
        self._path = [(re.compile(r.pattern, re.IGNORECASE), r) for r in self.rules.path]

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

    def for_host(self, parts: HostParts) -> HostCategory:
        """Return the host-level category decision for one host."""
        conf = self._conf
        host = parts.host
        if host is None:
            return HostCategory("unknown", 0.0, "no-host", path_first=False)
        if parts.is_ip:
            return HostCategory("unknown", 0.0, "ip-literal", path_first=True)
        hit = self.lookup_domain(host)
        if hit is not None:
            name, category, entry = hit
            if entry.generic:
                return HostCategory(category, conf["generic_host"], f"generic-host:{name}", True)
            key = "domain_exact" if name == host else "domain_parent"
            return HostCategory(category, conf[key], f"domain:{name}", path_first=False)
        for pattern, rule in self._suffix:
            match = pattern.search(host)
            if match:
                return HostCategory(
                    rule.category, conf["suffix"], f"suffix:{match.group(0).lstrip('.')}", False
                )
        label = self._first_label(parts)
        for pattern, krule in self._keyword:
            m = pattern.search(label)
            if m:
                token = next(g for g in m.groups() if g and g != "-")
                return HostCategory(krule.category, conf["keyword"], f"keyword:{token}", True)
        return HostCategory(self.rules.fallback, conf["fallback"], "fallback", path_first=True)

    @staticmethod
    def _first_label(parts: HostParts) -> str:
        domain = parts.registrable_domain or parts.host or ""
        suffix = parts.public_suffix or ""
        head = domain[: -len(suffix) - 1] if suffix and domain.endswith("." + suffix) else domain
        return head.rsplit(".", 1)[-1]

    def path_category(self, url: str) -> tuple[str, str] | None:
        """Return (category, reason) of the first path rule matching ``url``, if any."""
        for pattern, rule in self._path:
            match = pattern.search(url)
            if match:
                return rule.category, f"path:{match.group(0)[:40]}"
        return None

    def path_expr(self, url: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
        """Return (category, reason) expressions of the path rules over a URL column."""
        cat: Any = pl.lit(None, dtype=pl.String)
        why: Any = pl.lit(None, dtype=pl.String)
        for _, rule in reversed(self._path):
            found = url.str.extract("(?i)(" + rule.pattern + ")", 1)
            cat = pl.when(found.is_not_null()).then(pl.lit(rule.category)).otherwise(cat)
            why = (
                pl.when(found.is_not_null())
                .then(pl.lit("path:") + found.str.slice(0, 40))
                .otherwise(why)
            )
        return cat, why

    def categorize(self, url: str) -> CategoryResult:
        """Return the category of one URL (the per-record path of the batch logic)."""
        parts = split_url_host(url)
        decision = self.for_host(parts)
        category, confidence, reason = decision.category, decision.confidence, decision.reason
        if decision.path_first and parts.host is not None:
            hit = self.path_category(url)
            if hit is not None and (
                decision.confidence < self._conf["path"]
                or decision.reason.startswith("generic-host")
            ):
                category, reason = hit
                confidence = self._conf["path"]
        return CategoryResult(category, confidence, reason, parts.host, parts.registrable_domain)

    @property
    def path_confidence(self) -> float:
        """Return the confidence a path rule reports."""
        return self._conf["path"]


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
