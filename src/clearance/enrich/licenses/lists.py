# SPDX-License-Identifier: Apache-2.0
"""The shapes of a list of licences in one value: separators, precedence, short names.

Debian DEP-5 joins with ", and" / ", or" last; SPDX binds AND before OR; a list of short names
("BSL-1.0 and NIST") names a licence in every item, even one nobody knows here. The normaliser's
list reader (``normalize._split``) reads the items; this module says how the value is cut.
"""

from __future__ import annotations

import re

__all__ = ["AND_WORD", "COMMA_WORD", "CRAN_FILE", "NAME_TOKEN", "NOT_NAMES", "OR_WORD", "levels"]

#: "A or B, and C" (DEP-5): a comma before "and"/"or" joins with the lowest precedence
COMMA_WORD = re.compile(r"\s*,\s*(and|or)\s+", re.IGNORECASE)
OR_WORD = re.compile(r"\s+(or)\s+|\s*(\|)\s*", re.IGNORECASE)
AND_WORD = re.compile(r"\s+(and)\s+", re.IGNORECASE)
#: a short licence name (one token: "NIST", "OldBoost2", "OpenSSL+SSLeay") in a list
NAME_TOKEN = re.compile(r"^[^\W_][\w.+~-]{1,40}$")


def levels(text: str) -> tuple[re.Pattern[str], str] | None:
    """Return the separator of the lowest precedence in a list of names and its operator:
    ", and" / ", or" first (DEP-5), then OR, then AND (SPDX precedence), when the list uses
    only these words; None when other separators are mixed in (the flat reader's job)."""
    if COMMA_WORD.search(text):
        return COMMA_WORD, ""
    if re.search(r"[;,&/]|\band/or\b|\s\+\s", text):
        return None
    has_or, has_and = bool(OR_WORD.search(text)), bool(AND_WORD.search(text))
    if has_or and has_and:
        return OR_WORD, "OR"
    return None


#: Words that stand in a list without naming a licence ("GPLv3 or later", "see LICENSE").
NOT_NAMES = frozenset({"later", "newer", "above", "any", "other", "others", "none", "unknown",
                       "license", "licence", "licenses", "n/a", "na", "various", "see",
                       "version", "copy", "only", "both", "either", "all"})
#: CRAN's "file LICENSE": terms in a file that was not read.
CRAN_FILE = re.compile(r"^file\s+licen[cs]e$", re.IGNORECASE)
