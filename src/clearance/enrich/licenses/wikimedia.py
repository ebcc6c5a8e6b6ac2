# SPDX-License-Identifier: Apache-2.0
"""Wikimedia Commons licence templates: ``{{OGL3}}``, ``{{self|GFDL|cc-by-sa-all}}``, ``PD-...``.

Commons tags a file's licence with templates. Most spell a licence's name
(``{{Cc-by-sa-4.0}}``) and are read as that name; some are Commons' own names
(``{{Attribution}}`` is Commons' attribution-only licence, not CC BY; ``{{OGL3}}`` is the UK
Open Government Licence 3.0; ``{{Not-PD-US-URAA}}`` says the work is *not* public domain in
the US). Those are data (``data/licenses/wikimedia/templates.yaml``). ``{{self|A|B}}`` offers
each of its licences (``A OR B``), and ``PD-*`` templates state public domain.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from pydantic import BaseModel, ConfigDict, ValidationError

from clearance.errors import KnowledgeBaseError
from clearance.yamlio import load_yaml

__all__ = ["TEMPLATE", "WikimediaTemplates", "bare_template", "template_parts", "templates"]

#: ``{{name|param|key=value}}`` as a whole value.
TEMPLATE = re.compile(r"^\{\{\s*([^{}|]{1,80})((?:\|[^{}]*)?)\}\}$")
#: A template name written without braces: ``PD-old-70-expired``, ``Not-PD-US-URAA``.
_BARE = re.compile(r"^(?:Not-)?PD-[A-Za-z0-9][A-Za-z0-9-]{1,60}$")


class WikimediaTemplates(BaseModel):
    """The template table: Commons' own names, and templates offering several licences."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    templates: dict[str, str]
    any_of: dict[str, list[str]]


@functools.lru_cache(maxsize=1)
def templates() -> WikimediaTemplates:
    """Return the shipped template table (KnowledgeBaseError naming the file if invalid)."""
    path = resources.files("clearance").joinpath("data/licenses/wikimedia/templates.yaml")
    try:
        return WikimediaTemplates.model_validate(load_yaml(path.read_text(encoding="utf-8")))
    except ValidationError as exc:
        raise KnowledgeBaseError(str(exc), path=str(path)) from exc


def bare_template(text: str) -> bool:
    """Return whether ``text`` is a public-domain template name written without braces."""
    return bool(_BARE.match(text))


def template_parts(text: str) -> tuple[str, list[str]] | None:
    """Return (name, positional parameters) of a ``{{...}}`` value, or None."""
    m = TEMPLATE.match(text)
    if m is None:
        return None
    params = [p.strip() for p in m.group(2).split("|")[1:]]
    return m.group(1).strip(), [p for p in params if p and "=" not in p]
