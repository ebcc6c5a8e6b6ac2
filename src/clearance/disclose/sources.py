# SPDX-License-Identifier: Apache-2.0
"""The instruments and specifications the drafts follow (``data/disclose/sources.yaml``).

One entry per source, validated with pydantic; a problem raises ``KnowledgeBaseError`` naming
the file. ``kb`` links an entry to the law knowledge base (``data/law/``) where it has one.
"""

from __future__ import annotations

import datetime as dt
import functools
from importlib import resources
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from clearance.disclose.document import Source
from clearance.errors import KnowledgeBaseError
from clearance.yamlio import load_yaml

__all__ = ["SourceEntry", "load_sources", "sources"]

_PATH = "data/disclose/sources.yaml"
Text = Annotated[str, Field(min_length=2, max_length=600)]


class SourceEntry(BaseModel):
    """One source: what it is, its status, where to read it and when we checked it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Text
    citation: Text
    date: Text
    status: Text
    url: Annotated[str, Field(pattern=r"^https://")]
    checked: dt.date
    verified: bool
    kb: str | None = None
    note: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date_text(cls, value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.date) else value

    def source(self) -> Source:
        """Return the entry as a document Source."""
        return Source(self.title, self.citation, self.date, self.status, self.url,
                      self.checked.isoformat(), self.verified)


def load_sources(text: str, *, path: str = _PATH) -> dict[str, SourceEntry]:
    """Return the entries in ``text`` by id; raise KnowledgeBaseError naming ``path``."""
    try:
        data = load_yaml(text, unique_keys=True)
    except (yaml.YAMLError, ValueError) as exc:
        raise KnowledgeBaseError(f"invalid YAML: {exc}".replace("\n", " "), path=path) from exc
    if not isinstance(data, dict):
        raise KnowledgeBaseError("expected a mapping of source ids", path=path)
    out = {}
    for key, value in data.items():
        try:
            out[str(key)] = SourceEntry.model_validate(value)
        except ValidationError as exc:
            raise KnowledgeBaseError(f"{key}: {exc.errors()[0]['msg']}", path=path) from exc
    return out


@functools.cache
def _shipped() -> dict[str, SourceEntry]:
    text = resources.files("clearance").joinpath(_PATH).read_text("utf-8")
    return load_sources(text)


def sources(*ids: str) -> list[Source]:
    """Return the shipped sources with these ids, in order (KeyError for an unknown id)."""
    table = _shipped()
    return [table[i].source() for i in ids]
