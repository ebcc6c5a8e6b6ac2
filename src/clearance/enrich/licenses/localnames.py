# SPDX-License-Identifier: Apache-2.0
"""Names that are not the name of one licence: ambiguous names and DEP-5 local names.

- :func:`ambiguous_name` - a bare name that stands for several licences ("BSL": the Boost
  Software License or the Business Source License; "unicode": one of four Unicode licences) is
  ``unknown`` with the candidates in the evidence. Picking one would be a guess, and the guess
  may be the less restrictive one. A version, the full name or an SPDX id decides, and those
  are read before this (``BSL-1.0``, "Business Source License 1.1").
- :func:`other_version` - "WTFPL-1": a version other than the one the id's SPDX text states,
  a text of its own (custom);
- :func:`proxy_versions` - "GPL-2+3+KDEeV": the versions a GNU notice names, each an option,
  or any later version a named proxy accepts (terms not yet known: custom);
- :func:`foreign_ref` - another party's ``LicenseRef-*`` ("LicenseRef-Qt-Commercial"): a
  licence whose text is that party's, not read here (custom);
- :func:`local_name` - a Debian copyright file may name any licence; a name outside the
  standard table whose words state the kind of terms ("Iconv-PD", "g10-permissive",
  "other-XFree", "freely-redistributable") is read for what the words state: public domain for
  ``*-PD``, custom terms (text elsewhere in the file, not read) for the rest.

The tables are data (``data/licenses/ecosystems/localnames.yaml``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict

from clearance.enrich.licenses.spdxdata import spdx_licenses
from clearance.enrich.licenses.vocabulary import Vocabulary, alias_key
from clearance.models import LicenseMatch
from clearance.yamlio import load_shipped

__all__ = ["ambiguous_name", "foreign_ref", "local_name", "other_version", "proxy_versions"]


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
    parts: list[str]


class _Proxy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    who: str
    source_url: str
    verified: bool


class LocalNames(BaseModel):
    """The shape of ``localnames.yaml`` (validated when loaded)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    ambiguous: dict[str, _Ambiguous]
    local: _Local
    proxies: dict[str, _Proxy]


@functools.lru_cache(maxsize=1)
def local_names_table() -> LocalNames:
    """Return the shipped table; a malformed file raises ``KnowledgeBaseError`` naming it."""
    return load_shipped(LocalNames, "licenses/ecosystems/localnames.yaml")


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
    if found is None and len(words) >= 3 and set(words) & set(table.parts):
        found, how = _CUSTOM, "words about its parts"
    numbered = re.fullmatch(r"([a-z]+)\d+", whole) if len(words) == 1 else None
    if found is None and numbered is not None:
        found, how = table.prefixes.get(numbered.group(1)), "first word"
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


_PROXY = re.compile(r"^(?P<family>[A-Za-z]{2,6})-(?P<versions>\d(?:\.\d)?(?:\+\d(?:\.\d)?)*)\+"
                    r"(?P<proxy>[A-Za-z][A-Za-z.]{1,20})(?P<glued>[-_~][\w.-]{1,40})?$")
_CUSTOM = "LicenseRef-clearance-custom"


def proxy_versions(text: str, read: Callable[[str], LicenseMatch],
                   render: Callable[[str], str | None]) -> LicenseMatch | None:
    """Return "GPL-2.0-only OR GPL-3.0-only OR custom" for "GPL-2+3+KDEeV", or None."""
    m = _PROXY.match(text.strip())
    if m is None:
        return None
    proxy = local_names_table().proxies.get(m.group("proxy").replace(".", "").casefold())
    if proxy is None and m.group("glued"):
        return None
    if proxy is None or m.group("glued"):  # "LGPL-2.1+3+KDEeV-translations": a variant
        if proxy is None and read(m.group("proxy")).id != "unknown":
            return None  # "GPL-2+LGPL": two licences, the list readers' job
        return LicenseMatch(_CUSTOM, 0.8, f"{text.strip()!r}: a licence name with words of its "
                            "own glued to it: its own terms, stated elsewhere (custom)",
                            method="alias")
    options = []
    for version in m.group("versions").split("+"):
        found = read(f"{m.group('family')}-{version}")
        if found.id == "unknown" or " " in found.id:
            return None
        options.append(found.id)
    rendered = render(" OR ".join([*dict.fromkeys(options), _CUSTOM]))
    if rendered is None:
        return None
    return LicenseMatch(rendered, 0.85, f"{text.strip()!r}: version(s) {m.group('versions')} "
                        f"each an option, or a later version accepted by {proxy.who} (terms "
                        "not yet known: custom)", method="alias")


_FOREIGN_REF = re.compile(r"^LicenseRef-(?!clearance-)[A-Za-z0-9][A-Za-z0-9.-]{0,80}$")


def foreign_ref(token: str) -> str | None:
    """Return custom terms for another party's ``LicenseRef-*`` id, or None. Call it after
    the vocabulary had its say (ScanCode keys of licences we model are ours)."""
    return _CUSTOM if _FOREIGN_REF.match(token.strip()) else None


_VERSIONED = re.compile(r"([A-Za-z][A-Za-z.]*)-v?(\d+(?:\.\d+)*)\+?")
_ZEROS = re.compile(r"(?:\.0)+$")
_TEXT_VERSION = re.compile(r"\bversion\s+(\d+(?:\.\d+)*)\b", re.IGNORECASE)


def other_version(text: str, vocab: Vocabulary) -> LicenseMatch | None:
    """Return custom terms for "WTFPL-1": a version of a licence whose id has none, when the
    SPDX text of that id states another version (WTFPL's is "Version 2, December 2004"), or
    None. A licence whose text states no version ("MIT-1") is not read here."""
    m = _VERSIONED.fullmatch(text.strip())
    if m is None or m.group(1).casefold().startswith("cc"):
        return None
    base = vocab.canonical_id(m.group(1))
    if base is None or any(c.isdigit() for c in base):
        return None
    stated = _TEXT_VERSION.search(spdx_licenses().get(base, {}).get("text", "")[:300])
    if stated is None or _ZEROS.sub("", stated.group(1)) == _ZEROS.sub("", m.group(2)):
        return None
    return LicenseMatch(_CUSTOM, 0.75, f"{text.strip()!r}: version {m.group(2)} of {base}, whose "
                        f"published text is version {stated.group(1)}: another text, stated "
                        "elsewhere (custom)", method="alias")
