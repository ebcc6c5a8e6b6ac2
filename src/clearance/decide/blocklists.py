# SPDX-License-Identifier: Apache-2.0
"""Shadow-library and piracy blocklists: load them, and match a table of items, vectorised.

A blocklist is a YAML document (``data/blocklists/*.yaml``; docs/policies.md#blocklists) or a
plain text file of domains and URL prefixes, one per line. A shipped list may include every
domain of a category of the category knowledge base instead of repeating them, attributing
each to a group that carries its public sources. Entries match by ``domain`` (the host and
every subdomain, so a registrable domain covers its site), exact ``host``, or ``url_prefix``.
A hit is reported as ``list: entry [group label; source URL]``; unverified groups say so.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from clearance.decide.matching import match_domains, match_prefixes, match_values
from clearance.errors import KnowledgeBaseError
from clearance.yamlio import load_yaml

__all__ = ["Blocklist", "BlockEntry", "default_blocklists", "load_blocklist", "match_blocklists"]


class _Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    url: str = Field(pattern=r"^https?://")
    title: str
    checked: dt.date


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    label: str
    names: str | None = None
    domains: str | None = None
    sources: list[_Source]
    verified: bool = True
    notes: str = ""

    @model_validator(mode="after")
    def _sourced(self) -> _Group:
        if self.verified and not self.sources:
            raise ValueError(f"group {self.id!r}: a verified group needs at least one source")
        for pattern in (self.names, self.domains):
            if pattern is not None:
                re.compile(pattern)
        return self


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    domain: str | None = None
    host: str | None = None
    url_prefix: str | None = None
    name: str
    group: str
    notes: str = ""

    @model_validator(mode="after")
    def _one_kind(self) -> _Entry:
        if sum(v is not None for v in (self.domain, self.host, self.url_prefix)) != 1:
            raise ValueError(f"entry {self.name!r}: give exactly one of domain, host, url_prefix")
        return self


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    title: str
    description: str
    checked: dt.date
    include_category: str | None = None
    groups: list[_Group]
    entries: list[_Entry] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class BlockEntry:
    """One blocked domain, host or URL prefix, with why and on whose word."""

    kind: str  # domain | host | url_prefix
    value: str
    name: str
    group: str
    label: str
    sources: tuple[str, ...]
    verified: bool

    def describe(self, list_id: str) -> str:
        """Return the hit text: ``list: value [label; source]`` (or ``unverified``)."""
        source = self.sources[0] if self.sources else "no public source checked"
        flag = "" if self.verified else "; unverified"
        return f"{list_id}: {self.value} [{self.label}; {source}{flag}]"


@dataclass(frozen=True, slots=True)
class Blocklist:
    """A loaded blocklist: its id, where it came from, and its entries."""

    id: str
    title: str
    path: str
    entries: tuple[BlockEntry, ...]


def _read(path: Path | Any) -> Any:
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise KnowledgeBaseError(
            f"cannot read blocklist: {exc}".replace("\n", " "), path=str(path)
        ) from exc


def _category_entries(category: str, path: str) -> list[tuple[str, str, bool]]:
    from clearance.enrich.categories import default_knowledge

    kb = default_knowledge()
    if category not in kb.categories:
        raise KnowledgeBaseError(f"include_category: unknown category {category!r}", path=path)
    return [(d, e.name, e.verified) for d, (cat, e) in kb.domains.items() if cat == category]


def _from_yaml(path: Path | Any, data: Any) -> Blocklist:
    try:
        doc = _File.model_validate(data)
    except (ValidationError, re.error) as exc:
        raise KnowledgeBaseError(str(exc).replace("\n", " "), path=str(path)) from exc
    groups = {g.id: g for g in doc.groups}
    if len(groups) != len(doc.groups):
        raise KnowledgeBaseError("a group id is used twice", path=str(path))

    def make(kind: str, value: str, name: str, group: _Group, verified: bool) -> BlockEntry:
        return BlockEntry(
            kind,
            value.lower() if kind != "url_prefix" else value,
            name,
            group.id,
            group.label,
            tuple(s.url for s in group.sources),
            verified and group.verified,
        )

    entries: list[BlockEntry] = []
    if doc.include_category:
        for domain, name, verified in _category_entries(doc.include_category, str(path)):
            group = next(
                (
                    g
                    for g in doc.groups
                    if (g.names and re.search(g.names, name))
                    or (g.domains and re.search(g.domains, domain))
                ),
                None,
            )
            if group is None:
                raise KnowledgeBaseError(f"{domain} ({name}) falls in no group", path=str(path))
            entries.append(make("domain", domain, name, group, verified))
    seen = {e.value for e in entries}
    for item in doc.entries:
        if item.group not in groups:
            raise KnowledgeBaseError(
                f"entry {item.name!r}: unknown group {item.group!r}", path=str(path)
            )
        kind = "domain" if item.domain else "host" if item.host else "url_prefix"
        value = str(item.domain or item.host or item.url_prefix)
        if value.lower() in seen:
            raise KnowledgeBaseError(
                f"{value} is listed twice (the category knowledge base already holds it?)",
                path=str(path),
            )
        seen.add(value.lower())
        entries.append(make(kind, value, item.name, groups[item.group], True))
    return Blocklist(doc.id, doc.title, str(path), tuple(entries))


def _from_text(path: Path) -> Blocklist:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeBaseError(f"cannot read blocklist: {exc}", path=str(path)) from exc
    entries = []
    for raw in lines:
        text = raw.split("#", 1)[0].strip()
        if not text:
            continue
        kind = "url_prefix" if "/" in text else "domain"
        value = text if kind == "url_prefix" else text.lower().strip(".")
        entries.append(BlockEntry(kind, value, value, "user", "user list", (str(path),), True))
    return Blocklist(path.stem, path.stem, str(path), tuple(entries))


def load_blocklist(path: str | Path) -> Blocklist:
    """Return the blocklist in a YAML document or a text file (one domain or URL per line).

    Raises KnowledgeBaseError naming the file when it cannot be read or is invalid.
    """
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        return _from_yaml(path, _read(path))
    return _from_text(path)


@cache
def default_blocklists() -> tuple[Blocklist, ...]:
    """Return the blocklists shipped in ``data/blocklists/``, loaded once per process."""
    root = resources.files("clearance").joinpath("data/blocklists")
    files = sorted((p for p in root.iterdir() if p.name.endswith(".yaml")), key=lambda p: p.name)
    return tuple(_from_yaml(p, _read(p)) for p in files)


def match_blocklists(
    table: pa.Table | pl.DataFrame, lists: Sequence[Blocklist] | None = None
) -> pa.Array:
    """Return the ``blocklist`` column for ``table``: the first hit's text per row, else null.

    Reads ``host`` and ``url``; URL prefixes beat exact hosts, which beat the most specific
    domain. Cost follows the number of distinct hosts plus a join, not a loop over rows.
    """
    chosen: Iterable[Blocklist] = default_blocklists() if lists is None else lists
    flat = [(bl.id, e) for bl in chosen for e in bl.entries]
    frame = (
        table
        if isinstance(table, pl.DataFrame)
        else pl.from_arrow(table.select([c for c in ("host", "url") if c in table.column_names]))
    )
    assert isinstance(frame, pl.DataFrame)
    n = frame.height
    texts = [e.describe(list_id) for list_id, e in flat]
    empty = pl.Series("host", [None] * n, pl.String)
    hosts = frame["host"] if "host" in frame.columns else empty
    urls = frame["url"] if "url" in frame.columns else empty
    index = [i for i, (_, e) in enumerate(flat)]

    def listed(kind: str, column: str) -> pl.DataFrame:
        return pl.DataFrame(
            {
                column: [flat[i][1].value for i in index if flat[i][1].kind == kind],
                "entry": [i for i in index if flat[i][1].kind == kind],
            },
            schema={column: pl.String, "entry": pl.Int64},
        )

    has_host = "host" in frame.columns
    hits = [pl.DataFrame(schema={"row": pl.UInt32, "entry": pl.Int64, "p": pl.Int32})]
    for priority, kind, name in ((0, "url_prefix", "prefix"), (1, "host", "value"),
                                   (2, "domain", "domain")):  # fmt: skip
        entries = listed(kind, name)
        if not entries.height:
            continue
        if kind == "url_prefix":
            found = match_prefixes(urls, entries, hosts=hosts if has_host else None)
        elif kind == "host":
            found = match_values(hosts, entries)
        else:
            found = match_domains(hosts, entries)
        hits.append(found.with_columns(pl.lit(priority).alias("p")))
    found = pl.concat(
        [
            h.select(
                pl.col("row").cast(pl.UInt32),
                pl.col("entry").cast(pl.Int64),
                pl.col("p").cast(pl.Int8),
            )
            for h in hits
        ]
    )
    best = found.sort("p").unique("row", keep="first")
    lookup = pl.DataFrame(
        {"entry": list(range(len(texts))), "text": texts},
        schema={"entry": pl.Int64, "text": pl.String},
    )
    column = pl.DataFrame({"row": pl.arange(0, n, dtype=pl.UInt32, eager=True)}).join(
        best.join(lookup, on="entry"), on="row", how="left", maintain_order="left"
    )["text"]
    return column.to_arrow().cast(pa.string())
