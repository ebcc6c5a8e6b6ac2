# SPDX-License-Identifier: Apache-2.0
"""Licence texts that are a more restrictive relative of a family the vocabulary models.

bzip2's licence contains BSD-3-Clause's clauses, libtiff's the ISC grant, HDF5's and SZ's the
BSD conditions: a matcher that knows only the family's passage finds it contained in the
text and answers the family member, which grants more than the text does. Two guards:

- :func:`relative_match` - the SPDX texts of the relatives listed as data
  (``data/licenses/ecosystems/relatives.yaml``) are indexed too; one that matches the text at
  0.9+ and shares 10+ more word pairs than the family's text (its own clause is there) is
  the answer;
- :func:`added_clauses` - a BSD match whose text numbers more conditions than the matched
  licence has ("1." to "4." against BSD-3-Clause) is a BSD text with clauses of its own:
  custom terms, not the BSD licence it resembles.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from pydantic import BaseModel, ConfigDict

from clearance.enrich.licenses.spdxdata import spdx_licenses
from clearance.enrich.licenses.textmatch import PassageIndex, bigrams
from clearance.errors import KnowledgeBaseError
from clearance.models import LicenseMatch
from clearance.yamlio import load_shipped

__all__ = ["added_clauses", "own_text_shared", "relative_match", "relatives"]

_MIN_SCORE = 0.9
#: the relative must share this many word pairs more than the family's text: its own clause
#: is there, not just a copyright line the family's template leaves out
_MARGIN = 10
_BSD_CLAUSES = {"BSD-1-Clause": 1, "BSD-2-Clause": 2, "BSD-3-Clause": 3, "BSD-4-Clause": 4,
                "BSD-3-Clause-Clear": 3}
#: the BSD conditions: from the grant to the disclaimer
_CONDITIONS = re.compile(r"redistribution\s+and\s+use\b(?P<body>.*?)(?:\bthis\s+software\s+is\s+"
                         r"provided\b|\bdisclaimer\s*$|\Z)", re.IGNORECASE | re.DOTALL)
#: a numbered condition: after the start, a colon or a sentence's end (lines may be joined)
_NUMBERED = re.compile(r"(?:^|[.:;]\s+|\n[\s*#/]*)\(?([1-9])[.)]\s+[A-Z]")


class Relatives(BaseModel):
    """The shape of ``relatives.yaml``; every id must be in the SPDX data."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    ids: list[str]


@functools.lru_cache(maxsize=1)
def relatives() -> Relatives:
    """Return the shipped list; a malformed file or an id without an SPDX text raises
    ``KnowledgeBaseError`` naming the file."""
    data = load_shipped(Relatives, "licenses/ecosystems/relatives.yaml")
    missing = [i for i in data.ids if not spdx_licenses().get(i, {}).get("text")]
    if missing:
        raise KnowledgeBaseError(f"no SPDX licence text for {missing}",
                                 path="data/licenses/ecosystems/relatives.yaml")
    return data


@functools.lru_cache(maxsize=1)
def _index() -> PassageIndex:
    texts = spdx_licenses()
    return PassageIndex((lid, " ".join(texts[lid]["text"].split())) for lid in relatives().ids)


def own_text_shared(license_id: str, text: str) -> int:
    """Return how many word pairs ``text`` shares with the SPDX text of ``license_id`` (0
    when the SPDX data has none): the family's own full text is a rival too (BSD-4-Clause's
    text against its relative BSD-4-Clause-UC)."""
    own = spdx_licenses().get(license_id, {}).get("text")
    return len(bigrams(text) & _own_bigrams(own)) if own else 0


@functools.lru_cache(maxsize=64)
def _own_bigrams(text: str) -> frozenset[tuple[str, str]]:
    return bigrams(text)


def relative_match(text: str, rival_shared: int) -> LicenseMatch | None:
    """Return the relative whose SPDX text matches ``text`` better than the family passage
    (which shared ``rival_shared`` word pairs), or None."""
    best = _index().best(text)
    if best is None or best.score < _MIN_SCORE or best.shared < rival_shared + _MARGIN:
        return None
    return LicenseMatch(best.license_id, round(0.5 + 0.45 * best.score, 3),
                        f"SPDX text match {best.score:.2f} ({best.shared}/{best.passage_size} "
                        f"bigrams of the {best.license_id} text, a relative of a family the "
                        "vocabulary models, more word pairs than the family's passage)",
                        method="text", score=best.score)


def added_clauses(found: LicenseMatch, text: str) -> LicenseMatch:
    """Return custom terms when a BSD match's text numbers more conditions than the licence."""
    count = _BSD_CLAUSES.get(found.id)
    conditions = _CONDITIONS.search(text[:20000]) if count is not None else None
    if count is None or conditions is None:
        return found
    numbers = [int(n) for n in _NUMBERED.findall(conditions.group("body"))]
    if not numbers or max(numbers) <= count:
        return found
    return replace(found, id="LicenseRef-clearance-custom", version_stated=True,
                   evidence=f"{found.evidence}; but the text numbers {max(numbers)} conditions "
                   f"({found.id} has {count}): a BSD text with clauses of its own (custom)")
