# SPDX-License-Identifier: Apache-2.0
"""Statements about part of a work: :func:`part_of_work`.

A line of a copyright file may state the licence of part of a work only ("majority of the
files are licenced under MPL-2.0, there are files ...", "portion of the source tree remains to
be licensed under BSD-3-Clause", "code portions licensed under the Expat license"). Read as
the work's licence, it would drop the terms of the rest, which the line does not name; those
are terms of their own (custom), so the line is the licence it names AND custom (the labelling
rule of ``heldback5``). The wording is data (``data/licenses/readers/parts.yaml``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import replace

from pydantic import BaseModel, ConfigDict

from clearance.models import LicenseMatch
from clearance.yamlio import RegexText, load_shipped

__all__ = ["Parts", "part_of_work", "part_only"]

_MAX_WORDS = 40
_CUSTOM = "LicenseRef-clearance-custom"
_STATES = ("unknown", "all-rights-reserved", "tos-prohibits-ml")


class Parts(BaseModel):
    """The shape of ``parts.yaml`` (every pattern compiles)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    parts: list[RegexText]


@functools.lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    data = load_shipped(Parts, "licenses/readers/parts.yaml")
    return re.compile("|".join(f"(?:{p})" for p in data.parts), re.IGNORECASE)


def part_of_work(text: str) -> str | None:
    """Return the wording by which a short text states a licence of part of a work only, or
    None (long texts are licence documents, whose own wording speaks of portions)."""
    if len(text.split()) >= _MAX_WORDS:
        return None
    found = _pattern().search(text)
    return None if found is None else found.group(0)


def part_only(found: LicenseMatch, raw: str,
              render: Callable[[str], str | None]) -> LicenseMatch:
    """Return ``found`` AND custom when ``raw`` states the licence of part of a work only."""
    if found.id in _STATES or _CUSTOM in found.id:
        return found
    wording = part_of_work(raw)
    rendered = None if wording is None else render(f"({found.id}) AND {_CUSTOM}")
    if rendered is None:
        return found
    return replace(found, id=rendered, evidence=f"{found.evidence}; the text states it of part "
                   f"of the work ({wording!r}): the rest is under terms not named (custom)")
