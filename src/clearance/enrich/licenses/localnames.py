# SPDX-License-Identifier: Apache-2.0
"""Names that are not the name of one licence: ambiguous names and DEP-5 local names.

- :func:`ambiguous_name` - a bare name that stands for several licences ("BSL": the Boost
  Software License or the Business Source License; "unicode": one of four Unicode licences) is
  ``unknown`` with the candidates in the evidence. Picking one would be a guess, and the guess
  may be the less restrictive one. A version, the full name or an SPDX id decides, and those
  are read before this (``BSL-1.0``, "Business Source License 1.1").
- :func:`local_name` - a Debian copyright file may name any licence; a name outside the
  standard table whose words state the kind of terms ("Iconv-PD", "g10-permissive",
  "other-XFree", "freely-redistributable") is read for what the words state: public domain for
  ``*-PD``, custom terms (text elsewhere in the file, not read) for the rest.

The tables are data (``data/licenses/ecosystems/localnames.yaml``).
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from pydantic import BaseModel, ConfigDict, ValidationError

from clearance.enrich.licenses.vocabulary import alias_key
from clearance.errors import KnowledgeBaseError
from clearance.models import LicenseMatch
from clearance.yamlio import load_yaml

__all__ = ["ambiguous_name", "local_name"]


class _Ambiguous(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    candidates: list[str]
    why: str


class _Local(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    names: dict[str, str]
    suffixes: dict[str, str]
    prefixes: dict[str, str]
    hedges: list[str]


class LocalNames(BaseModel):
    """The shape of ``localnames.yaml`` (validated when loaded)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    ambiguous: dict[str, _Ambiguous]
    local: _Local


@functools.lru_cache(maxsize=1)
def local_names_table() -> LocalNames:
    """Return the shipped table; a malformed file raises ``KnowledgeBaseError`` naming it."""
    path = resources.files("clearance").joinpath("data/licenses/ecosystems/localnames.yaml")
    try:
        return LocalNames.model_validate(load_yaml(path.read_text(encoding="utf-8")))
    except ValidationError as exc:
        raise KnowledgeBaseError(str(exc), path=str(path)) from exc


def ambiguous_name(text: str) -> LicenseMatch | None:
    """Return ``unknown`` for a bare name that stands for several licences, or None."""
    if len(text) > 40:
        return None
    entry = local_names_table().ambiguous.get(alias_key(text))
    if entry is None:
        return None
    return LicenseMatch("unknown", 0.5, f"{text.strip()!r} is ambiguous: {entry.why} "
                        f"({', '.join(entry.candidates)}); nothing in the value decides",
                        method="ambiguous")


_TOKEN = re.compile(r"^[^\W_][\w.+~-]{1,60}$")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def local_name(text: str) -> LicenseMatch | None:
    """Return what a DEP-5 local name's words state (public domain, custom terms), or None."""
    s = text.strip().strip("\"'`*;:,. ")
    if not _TOKEN.match(s):
        return None
    table = local_names_table().local
    whole = alias_key(s.replace("_", " "))
    words = alias_key(_CAMEL.sub(" ", s).replace("_", " ")).split()
    if len(words) >= 2 and words[0] in table.hedges:
        return LicenseMatch("unknown", 0.5, f"{s!r} hedges ({words[0]!r}): it states no terms",
                            method="none")
    found = table.names.get(whole) or table.names.get(" ".join(words))
    how = "name"
    if found is None and len(words) >= 2:
        found = table.suffixes.get(" ".join(words[-2:])) or table.suffixes.get(words[-1])
        how = "last word"
        if found is None:
            found, how = table.prefixes.get(words[0]), "first word"
    if found is None:
        return None
    if found == "unknown":
        return LicenseMatch("unknown", 0.5, f"{s!r} names no licence", method="none")
    what = "a public domain statement" if found == "public-domain" else \
        "terms of its own, stated elsewhere and not read (custom)"
    return LicenseMatch(found, 0.8, f"local licence name {s!r}: its {how} states {what}",
                        method="alias")
