# SPDX-License-Identifier: Apache-2.0
"""What the clause library cites: ``data/clauses/sources.yaml`` plus the law knowledge base.

A clause, position or jurisdiction note cites by id. An id is either a law knowledge-base
entry (``eu-statute-dsm-art4``, see docs/law-knowledge-base.md) or an entry of
``sources.yaml``: vendor terms, indemnity programmes, treaties and statutes the knowledge base
does not hold. Each source carries its citation, body, date, status, a one-line summary in our
own words, the page it was checked against, the date checked and whether it was verified;
an unverified source says in ``notes`` what could not be confirmed.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, model_validator

from clearance.errors import KnowledgeBaseError
from clearance.law.kb import IsoDate, OneLine, Url, default_knowledge_base
from clearance.yamlio import load_yaml

__all__ = ["CLAUSES_ROOT", "Citations", "Source", "default_citations", "load_sources"]

#: Where the shipped clause library lives.
CLAUSES_ROOT: Final[Path] = Path(__file__).resolve().parent.parent / "data" / "clauses"

SourceStatus = Literal["in_force", "superseded", "announced", "reported", "pending", "decided"]


class Source(BaseModel):
    """One authority or vendor document the clause library cites."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", description="Id clauses cite.")
    title: OneLine = Field(description="Name of the instrument, programme or document.")
    citation: OneLine = Field(description="Official citation or document name and section.")
    body: OneLine = Field(description="Who issued it (legislature, court, vendor).")
    date: IsoDate = Field(description="Adoption, announcement or version date.")
    date_precision: Literal["day", "month", "year"] = "day"
    status: SourceStatus = Field(description="Where it stands as of `checked`.")
    summary: OneLine = Field(description="What it says that the clauses rely on, our words.")
    source_url: Url = Field(description="Page the entry was checked against.")
    more_sources: tuple[Url, ...] = ()
    checked: IsoDate = Field(description="Date last checked against its source.")
    verified: StrictBool = Field(description="False when a fact could not be confirmed.")
    notes: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Source:
        if not self.verified and not (self.notes and self.notes.strip()):
            raise ValueError("an unverified source needs notes saying what is unconfirmed")
        if self.date > self.checked:
            raise ValueError(f"date {self.date} is after the date it was checked")
        return self


def load_sources(path: str | Path) -> dict[str, Source]:
    """Return the sources in ``path`` by id; raise KnowledgeBaseError naming the file."""
    path = Path(path)
    try:
        data = load_yaml(path.read_bytes().decode("utf-8"), unique_keys=True)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError) as exc:
        raise KnowledgeBaseError(f"cannot read sources: {exc}", path=path) from exc
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise KnowledgeBaseError("expected a mapping with a `sources` list", path=path)
    found: dict[str, Source] = {}
    for position, raw in enumerate(data["sources"], start=1):
        try:
            source = Source.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "entry"
            raise KnowledgeBaseError(
                f"source {position}: {where}: {first['msg']}", path=path
            ) from exc
        if source.id in found:
            raise KnowledgeBaseError(f"source id {source.id!r} repeats", path=path)
        found[source.id] = source
    return found


class Citations:
    """Resolves a cited id to a uniform record, from the sources file or the law knowledge base."""

    def __init__(self, sources: dict[str, Source]) -> None:
        self._sources = sources

    def __contains__(self, cite: object) -> bool:
        return isinstance(cite, str) and (cite in self._sources or cite in _kb())

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def get(self, cite: str) -> dict[str, Any]:
        """Return ``{id, kind, title, citation, body, date, status, url, checked, verified,
        notes}`` for ``cite``; raise KeyError when nothing has that id."""
        if cite in self._sources:
            s = self._sources[cite]
            return {
                "id": s.id,
                "kind": "source",
                "title": s.title,
                "citation": s.citation,
                "body": s.body,
                "date": s.date.isoformat(),
                "status": s.status,
                "summary": s.summary,
                "url": s.source_url,
                "checked": s.checked.isoformat(),
                "verified": s.verified,
                "notes": s.notes,
            }
        if cite in _kb():
            e = _kb().get(cite)
            return {
                "id": e.id,
                "kind": "law",
                "title": e.title,
                "citation": e.citation,
                "body": e.body,
                "date": e.date.isoformat(),
                "status": e.status,
                "summary": e.holding,
                "url": e.source_url,
                "checked": e.checked.isoformat(),
                "verified": e.verified,
                "notes": e.notes,
            }
        raise KeyError(cite)

    def line(self, cite: str) -> str:
        """Return one citation line: ``Citation (body, date, status) <url>, checked ...``."""
        c = self.get(cite)
        flag = "" if c["verified"] else " [not verified]"
        return (
            f"{c['citation']} ({c['body']}, {c['date']}, {c['status'].replace('_', ' ')}) "
            f"<{c['url']}>, checked {c['checked']}{flag}"
        )


def _kb() -> Any:
    return default_knowledge_base()


@functools.cache
def default_citations() -> Citations:
    """Return the citations of the shipped library (sources.yaml + the law knowledge base)."""
    return Citations(load_sources(CLAUSES_ROOT / "sources.yaml"))
