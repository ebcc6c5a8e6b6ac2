# SPDX-License-Identifier: Apache-2.0
"""Source category from what a site says about itself: :class:`PageRules`.

The facts come from :func:`clearance.signals.page.parse_page` (``og:type``, ``og:site_name``,
schema.org types, generator, platform fingerprints); the weights are data
(``data/categories/page.yaml``). Each matching statement adds its weight to its category; the
best total decides when it reaches the threshold and leads the runner-up by the margin. The
reason names every statement that counted (``page:schema=NewsMediaOrganization,og=article``),
so the report can show what the category rests on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from clearance.errors import KnowledgeBaseError
from clearance.signals.page import PLATFORMS, PageEvidence
from clearance.yamlio import load_yaml

__all__ = ["PageDecision", "PageRules", "default_page_rules", "title_segments", "title_site_parts"]

Weights = dict[str, dict[float, list[str]]]


class _PageFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    threshold: float
    margin: float
    confidence: dict[str, float]
    site_name_weight: float
    title_weight: float
    names: Weights
    schema_types: Weights
    og_types: Weights
    platforms: Weights
    generic_platforms: list[str] = []
    description_weight: float = 0.0
    descriptions: Weights = {}


@dataclass(frozen=True, slots=True)
class PageDecision:
    """Per-category scores from one page, the winner (or None) and the statements that counted."""

    scores: tuple[tuple[str, float], ...]
    category: str | None
    confidence: float
    reason: str


def _index(weights: Weights, lower: bool) -> dict[str, list[tuple[str, float]]]:
    out: dict[str, list[tuple[str, float]]] = {}
    for category, by_weight in weights.items():
        for weight, names in by_weight.items():
            for name in names:
                key = name.lower() if lower else name
                out.setdefault(key, []).append((category, float(weight)))
    return out


_TITLE_SEPARATORS = re.compile(r"\s+[|\u2013\u2014\u00bb\u203a\u00b7:~-]{1,2}\s+")


def title_site_parts(title: str) -> list[str]:
    """Return the part of a ``<title>`` that names the site: its last segment.

    "Headline | Site" is the common form; the first segment is usually a headline or a
    section ("News - ..."), and a title without a separator is a headline or a site name that
    cannot be told apart, so neither is read (any headline word would count).
    """
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    return parts[-1:] if len(parts) >= 2 else []


def title_segments(title: str) -> list[str]:
    """Return the first and last segments of a ``<title>`` with separators: on a home page
    the site's name and its tagline ("Arxan | Application Protection Company")."""
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    return list(dict.fromkeys([parts[0], parts[-1]])) if len(parts) >= 2 else []


def _name_regex(tokens: list[str]) -> re.Pattern[str]:
    """Tokens of six letters or more, and tokens written ``*word``, match inside a word
    (German compounds: Hundeverein, jovelblog); shorter ones only as whole words."""
    long = [re.escape(t.lstrip("*")) for t in tokens if len(t) >= 6 or t.startswith("*")]
    short = [re.escape(t) for t in tokens if len(t) < 6 and not t.startswith("*")]
    parts = [f"({'|'.join(long)})"] if long else []
    if short:
        parts.append(rf"(?:^|-)({'|'.join(short)})(?:-|$)")
    return re.compile("|".join(parts))


def _fold_token(token: str) -> str:
    return ("*" if token.startswith("*") else "") + _fold(token)


def _fold_words(text: str) -> str:
    """Return lower-case words of any script joined by '-' (Cyrillic, Greek and CJK kept)."""
    return "-".join(re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", text).casefold()))


def _fold_word_token(token: str) -> str:
    return ("*" if token.startswith("*") else "") + _fold_words(token)


def _fold(text: str) -> str:
    """Return lower-case ASCII words joined by '-' (what host keyword rules are matched on)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", plain.lower()))


class PageRules:
    """The weights of ``page.yaml``, applied to :class:`PageEvidence`."""

    def __init__(
        self,
        data: dict[str, Any],
        categories: set[str],
        site_name_scores: Callable[[str], list[tuple[str, float, str]]] | None = None,
        *,
        path: str = "page.yaml",
    ) -> None:
        try:
            rules = _PageFile.model_validate(data)
        except ValidationError as exc:
            raise KnowledgeBaseError(str(exc), path=path) from exc
        used = {
            c for w in (rules.schema_types, rules.og_types, rules.platforms, rules.names,
                        rules.descriptions) for c in w
        }
        unknown = sorted(used - categories)
        if unknown:
            raise KnowledgeBaseError(f"unknown category ids {unknown}", path=path)
        named = {p for by in rules.platforms.values() for ps in by.values() for p in ps}
        stray = sorted(named - set(PLATFORMS))
        if stray:
            raise KnowledgeBaseError(f"platforms the page parser does not know: {stray}", path=path)
        self.rules = rules
        self._schema = _index(rules.schema_types, lower=False)
        self._og = _index(rules.og_types, lower=True)
        self._platforms = _index(rules.platforms, lower=True)
        self._site_name = site_name_scores
        self._descriptions = [
            (category, float(weight), _name_regex([_fold_word_token(t) for t in tokens]))
            for category, by_weight in rules.descriptions.items()
            for weight, tokens in by_weight.items()
        ]
        self._names = [
            (category, float(weight), _name_regex([_fold_token(t) for t in tokens]))
            for category, by_weight in rules.names.items()
            for weight, tokens in by_weight.items()
        ]

    def description_hits(self, text: str) -> list[tuple[str, float, str]]:
        """Return (category, weight, word) of the self-description words found in a page's
        title and description, in any script (lower-case words joined by '-')."""
        folded = _fold_words(text)
        found = []
        for category, weight, pattern in self._descriptions:
            for m in pattern.finditer(folded):
                found.append((category, weight, next(g for g in m.groups() if g)))
        return found

    def name_hits(self, name: str) -> list[tuple[str, float, str]]:
        """Return (category, weight, token) of the page name keywords found in a name."""
        folded = _fold(name)
        found = []
        for category, weight, pattern in self._names:
            m = pattern.search(folded)
            if m:
                found.append((category, weight, next(g for g in m.groups() if g)))
        return found

    def decide(self, page: PageEvidence) -> PageDecision:
        """Return the category the page's statements point to (None when they do not decide)."""
        totals: dict[str, float] = {}
        generic: dict[str, float] = {}  # weight of statements every kind of site makes
        why: list[str] = []
        generic_names = set(self.rules.generic_platforms)

        generic_count: dict[str, int] = {}

        def add(hits: list[tuple[str, float]], label: str, weak: bool = False) -> None:
            for category, weight in hits:
                target = generic if weak else totals
                target[category] = target.get(category, 0.0) + weight
                if weak:
                    generic_count[category] = generic_count.get(category, 0) + 1
            if hits:
                why.append(label)

        for name in page.schema_types:
            add(self._schema.get(name, []), f"schema={name}")
        if page.og_type:
            add(self._og.get(page.og_type, []), f"og={page.og_type}")
        for name in page.platforms:
            add(self._platforms.get(name, []), f"platform={name}", weak=name in generic_names)
        if page.site_name and self._site_name is not None:
            for category, weight, token in self._site_name(_fold(page.site_name)):
                add([(category, weight * self.rules.site_name_weight)], f"site_name~{token}")
        names = [(n, 1.0) for n in (page.site_name, page.publisher) if n]
        names += [(n, self.rules.title_weight) for n in title_segments(page.title or "")]
        counted: set[tuple[str, str]] = set()
        for name, factor in names:
            for category, weight, token in self.name_hits(name):
                if (category, token) not in counted:  # one name word counts once
                    counted.add((category, token))
                    add([(category, weight * factor)], f"name~{token}")
        described = " ".join(t for t in (page.title, page.description) if t)
        if described and self.rules.description_weight:
            for category, weight, token in self.description_hits(described):
                if (category, token) not in counted:
                    counted.add((category, token))
                    add([(category, weight * self.rules.description_weight)], f"says~{token}")
        # a generic platform (WordPress, a comment form) counts only beside another statement
        # of the same category, or beside a second generic one (WordPress *and* a comment form
        # under the page): one alone says nothing about what kind of site it is
        for category, weight in generic.items():
            if totals.get(category, 0.0) > 0.0 or generic_count.get(category, 0) >= 2:
                totals[category] = totals.get(category, 0.0) + weight
        ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
        scores = tuple(sorted(totals.items()))
        reason = "page:" + ",".join(dict.fromkeys(why))[:200]
        if not ranked or ranked[0][1] < self.rules.threshold:
            return PageDecision(scores, None, 0.0, reason)
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if ranked[0][1] - runner_up < self.rules.margin:
            return PageDecision(scores, None, 0.0, reason + " (no clear leader)")
        conf = self.rules.confidence
        confidence = conf["strong"] if ranked[0][1] >= 4 else conf["moderate"]
        return PageDecision(scores, ranked[0][0], confidence, reason)


@cache
def default_page_rules() -> PageRules:
    """Return the shipped page rules, bound to the shipped category knowledge."""
    from clearance.enrich.categories import default_knowledge

    knowledge = default_knowledge()
    path = resources.files("clearance").joinpath("data/categories/page.yaml")
    data = load_yaml(path.read_text(encoding="utf-8"))
    return PageRules(data, set(knowledge.categories), knowledge.name_scores, path=str(path))
