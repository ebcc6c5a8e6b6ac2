# SPDX-License-Identifier: Apache-2.0
"""The AI crawler registry: who runs each robots.txt product token, and for what purpose.

The knowledge lives in ``data/signals/crawlers.yaml``; this module validates it with one
pydantic schema and serves it as frozen :class:`Crawler` records. Lookups are by product token,
case-insensitively, as RFC 9309 §2.2.1 matches them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from clearance.errors import KnowledgeBaseError
from clearance.signals.vocab import PURPOSES, Purpose
from clearance.yamlio import load_yaml

__all__ = [
    "CRAWLER_CLASSES",
    "Crawler",
    "CrawlerRegistry",
    "CrawlerClass",
    "load_crawlers",
]

log = logging.getLogger(__name__)

CrawlerClass = Literal["training", "search", "user-triggered", "mixed"]
CRAWLER_CLASSES: tuple[CrawlerClass, ...] = ("training", "search", "user-triggered", "mixed")


@dataclass(frozen=True, slots=True)
class Crawler:
    """One product token of the registry."""

    token: str
    operator: str
    purpose: CrawlerClass
    purposes: tuple[Purpose, ...]
    respects_robots: str
    description: str
    source: str
    checked: date
    verified: bool

    @property
    def key(self) -> str:
        """Return the lower-cased token robots.txt groups are matched by."""
        return self.token.lower()


class _CrawlerModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    token: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    operator: str = Field(min_length=1)
    purpose: CrawlerClass
    purposes: list[Purpose] = Field(min_length=1)
    respects_robots: Literal["yes", "no", "unclear"]
    description: str = Field(min_length=1)
    source: str = Field(pattern=r"^https://\S+$")
    checked: date
    verified: bool

    @field_validator("purposes")
    @classmethod
    def _known_purposes(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("purposes repeat")
        return value


class _Listing(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    url: str = Field(pattern=r"^https://\S+$")


class _RegistryModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    as_of: date
    listing: _Listing
    crawlers: list[_CrawlerModel] = Field(min_length=1)


class CrawlerRegistry:
    """The validated registry; iterable, and indexed by case-insensitive product token."""

    __slots__ = ("_by_key", "as_of", "crawlers", "listing_url", "path")

    def __init__(
        self, crawlers: tuple[Crawler, ...], *, as_of: date, listing_url: str, path: str
    ) -> None:
        self.crawlers = crawlers
        self.as_of = as_of
        self.listing_url = listing_url
        self.path = path
        self._by_key = {c.key: c for c in crawlers}

    def __iter__(self) -> Iterator[Crawler]:
        return iter(self.crawlers)

    def __len__(self) -> int:
        return len(self.crawlers)

    def __contains__(self, token: object) -> bool:
        return isinstance(token, str) and token.lower() in self._by_key

    def get(self, token: str) -> Crawler | None:
        """Return the crawler for a product token (any case), or None when not registered."""
        return self._by_key.get(token.lower())

    def by_operator(self) -> dict[str, tuple[Crawler, ...]]:
        """Return the crawlers grouped by operator, in registry order."""
        out: dict[str, list[Crawler]] = {}
        for crawler in self.crawlers:
            out.setdefault(crawler.operator, []).append(crawler)
        return {op: tuple(items) for op, items in out.items()}

    def by_class(self, purpose: CrawlerClass) -> tuple[Crawler, ...]:
        """Return the crawlers of one purpose class (training, search, user-triggered, mixed)."""
        return tuple(c for c in self.crawlers if c.purpose == purpose)


def _load(path: Path) -> CrawlerRegistry:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise KnowledgeBaseError(f"cannot read crawler registry: {exc}", path=path) from exc
    try:
        model = _RegistryModel.model_validate(data)
    except ValidationError as exc:
        raise KnowledgeBaseError(f"invalid crawler registry: {exc}", path=path) from exc
    seen: set[str] = set()
    crawlers: list[Crawler] = []
    for entry in model.crawlers:
        key = entry.token.lower()
        if key in seen:
            raise KnowledgeBaseError(f"duplicate product token {entry.token!r}", path=path)
        seen.add(key)
        assert all(p in PURPOSES for p in entry.purposes)
        crawlers.append(
            Crawler(
                token=entry.token,
                operator=entry.operator,
                purpose=entry.purpose,
                purposes=tuple(entry.purposes),
                respects_robots=entry.respects_robots,
                description=entry.description,
                source=entry.source,
                checked=entry.checked,
                verified=entry.verified,
            )
        )
    log.debug("loaded %d crawlers from %s", len(crawlers), path)
    return CrawlerRegistry(
        tuple(crawlers), as_of=model.as_of, listing_url=model.listing.url, path=str(path)
    )


@lru_cache(maxsize=1)
def _shipped() -> CrawlerRegistry:
    ref = resources.files("clearance").joinpath("data/signals/crawlers.yaml")
    with resources.as_file(ref) as path:
        return _load(Path(path))


def load_crawlers(path: str | Path | None = None) -> CrawlerRegistry:
    """Return the crawler registry: the shipped one, or one read from ``path``.

    Raises :class:`~clearance.errors.KnowledgeBaseError` naming the file when it is unreadable
    or breaks the schema (unknown keys, unknown purposes, duplicate tokens, non-https sources).
    """
    if path is None:
        return _shipped()
    return _load(Path(path))
