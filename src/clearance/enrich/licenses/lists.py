# SPDX-License-Identifier: Apache-2.0
"""Several licences in one value: separators, precedence, short names (:func:`read_list`).

Debian DEP-5 joins with ", and" / ", or" last; SPDX binds AND before OR; a list of short names
("BSL-1.0 and NIST") names a licence in every item, even one nobody knows here: such an item is
custom terms, so that a list never drops a licence it names. An item is read by the
normaliser's own reader (a callback), one level deeper.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from clearance.enrich.licenses.edges import QUOTES
from clearance.enrich.licenses.vocabulary import alias_key
from clearance.models import LicenseMatch

__all__ = ["AND_WORD", "COMMA_WORD", "CRAN_FILE", "NAME_TOKEN", "NOT_NAMES", "OR_WORD", "levels",
           "read_list"]

Read = Callable[[str], LicenseMatch]
Render = Callable[[str], "str | None"]

#: "A or B, and C" (DEP-5): a comma before "and"/"or" joins with the lowest precedence
COMMA_WORD = re.compile(r"\s*,\s*(and|or)\s+", re.IGNORECASE)
OR_WORD = re.compile(r"\s+(or)\s+|\s*(\|)\s*", re.IGNORECASE)
AND_WORD = re.compile(r"\s+(and)\s+", re.IGNORECASE)
#: a short licence name (one token: "NIST", "OldBoost2", "OpenSSL+SSLeay") in a list
NAME_TOKEN = re.compile(r"^[^\W_][\w.+~-]{1,40}$")
_SPLIT = re.compile(
    r"\s*(;|,|\s&\s|\s\+\s|\band/or\b|\band\b|\bor\b|/|\||(?<=\+)[_-]or(?=[_-])|(?<=\d)-or-(?=[A-Z]{2}))[_-]?\s*",
    re.IGNORECASE,
)
_NOISE = re.compile(
    r"^(?:the|a|an|and|or|license[sd]?|licence[sd]?|dual[- ]licensed(?: under)?|"
    r"licensed under|released under|under|both|either|terms of)\s+",
    re.IGNORECASE,
)
_DUAL = re.compile(r"\bdual[- ]?licen[cs]|\bat your (?:choice|option)\b|\beither\b", re.I)
_NAME_LIST = re.compile(r"\s+(?:and|or)\s+|\s*\|\s*", re.IGNORECASE)
_MAX_CHARS = 300
_SLASHED_NAME = re.compile(r"(?<=[\w.+])/(?=[A-Za-z])")
#: evidence of an item read as custom only because the list names it
_FALLBACKS = ("not known here (custom)", "a file not read (custom)")


def levels(text: str) -> tuple[re.Pattern[str], str] | None:
    """Return the separator of the lowest precedence in a list of names and its operator:
    ", and" / ", or" first (DEP-5), then OR, then AND (SPDX precedence), when the list uses
    only these words; None when other separators are mixed in (the flat reader's job)."""
    if COMMA_WORD.search(text):
        return COMMA_WORD, ""
    if _SLASHED_NAME.search(text) and not re.search(r"[;,&|:]|\band/or\b|\s[+/]|/\s", text):
        # "SISSL and OVT and MIT/MIT": a name written with '/' is one item of the list
        has_or = bool(OR_WORD.search(text))
        if has_or or AND_WORD.search(text):
            return (OR_WORD, "OR") if has_or else (AND_WORD, "AND")
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


def _names_only(part: str) -> bool:
    """Return whether a list item is a short name or a list of short names ("GPL-1+ or
    Artistic" inside DEP-5's "REGCOMP, and GPL-1+ or Artistic")."""
    return all(_name(p) or CRAN_FILE.match(p) for p in _NAME_LIST.split(part) if p)


def _name(part: str) -> bool:
    """Return whether a list item is one short name ("NIST", "MIT/Bellcore")."""
    return NAME_TOKEN.match(_SLASHED_NAME.sub("-", part)) is not None


def _part(part: str, read: Read, names: bool) -> LicenseMatch | None:
    """Return one list item read, or None. In a list of short names (``names``: DEP-5, SPDX,
    CRAN), a name nobody knows ("NIST", "OldBoost2") is a licence of its own: custom terms,
    so that a list never drops a licence it names."""
    match = read(part)
    # an item that is itself a list ("GPL-1+ or Artistic" in DEP-5's "A, and B or C") carries
    # its items' lower confidence; it was read by this reader, so it is taken as it is
    floor = 0.5 if match.method == "multi" else 0.8
    if match.id != "unknown" and match.confidence >= floor and match.method not in ("phrase",
                                                                                    "none"):
        return match
    if match.method == "ambiguous":  # "Unicode" in a list: a licence, but not known which
        return LicenseMatch("LicenseRef-clearance-custom", 0.6,
                            f"{match.evidence}: a licence not known here (custom)",
                            method="alias")
    if CRAN_FILE.match(part):
        return LicenseMatch("LicenseRef-clearance-custom", 0.6,
                            f"{part!r}: terms in a file not read (custom)", method="alias")
    if (names and match.id == "unknown" and NAME_TOKEN.match(part)
            and part.casefold() not in NOT_NAMES and re.search(r"[^\W\d_]", part)
            and not re.match(r"^v?\d", part, re.IGNORECASE)):
        return LicenseMatch("LicenseRef-clearance-custom", 0.6,
                            f"{part!r}: a licence named in a list, not known here (custom)",
                            method="alias")
    return None


def _cut(text: str) -> tuple[list[str], list[str], str] | None:
    """Return the items, separators and operator ("" when the separators decide) of a list."""
    level = levels(text)
    if level is None:
        pieces = _SPLIT.split(text)
        return pieces[0::2], [s.strip(" _-").lower() for s in pieces[1::2]], ""
    pattern, op = level
    pieces = pattern.split(text)
    step = pattern.groups + 1
    parts, seps = pieces[0::step], [p for p in pieces[1::step]]
    if pattern is COMMA_WORD:
        ops = {"OR" if sep.lower() == "or" else "AND" for sep in seps}
        if len(ops) != 1:
            return None
        op = ops.pop()
    return parts, ["or" if op == "OR" else "and"] * (len(parts) - 1), op


def _slash_name(text: str, seps: list[str], found: list[LicenseMatch]) -> LicenseMatch | None:
    """Return custom terms for one DEP-5 name written with '/' that is not a choice of
    licences: "MIT/Bellcore", "ISC/JLC" (a licence and the party whose variant it is: a name
    nobody knows after the '/') or "MIT/MIT" (the same licence twice: one of several variants
    of it in the file). "MIT/Apache-2.0" names two licences and stays a choice."""
    s = text.strip()
    if " " in s or not seps or any(sep != "/" for sep in seps):
        return None
    ids = [m.id for m in found]
    fallback = any(m.evidence.endswith(_FALLBACKS) for m in found)
    if not fallback and len(set(ids)) == len(ids):
        return None
    why = "a name nobody knows after the '/'" if fallback else "the same licence named twice"
    return LicenseMatch("LicenseRef-clearance-custom", 0.8,
                        f"{s!r} is one local name ({why}): a variant with its own terms, stated "
                        "elsewhere and not read (custom)", method="alias")


def read_list(text: str, read: Read, render: Render) -> LicenseMatch | None:
    """Return the expression of several licences in one short value, or None."""
    if len(text) > _MAX_CHARS:
        return None
    cut = _cut(text)
    if cut is None or len(cut[0]) < 2:
        return None
    parts, seps, op = cut
    cleaned = [_NOISE.sub("", (part or "").strip(QUOTES)) for part in parts]
    cleaned = [p for p in cleaned if p and alias_key(p) not in ("", "license", "the license",
                                                                "licenses")]
    names = all(_names_only(p) for p in cleaned)
    found: list[LicenseMatch] = []
    for part in cleaned:
        match = _part(part, read, names and _name(part))
        if match is None:
            return None
        found.append(match)
    ids = list(dict.fromkeys(m.id for m in found))
    known = sum(not m.evidence.endswith(_FALLBACKS) for m in found)
    local = _slash_name(text, seps, found)
    if local is not None:
        return local
    if not found or (len(ids) < 2 and not (names and len(found) >= 2)) or not known:
        return None
    if not op:
        dual = bool(_DUAL.search(text))
        op = "OR" if dual or all(s in ("or", "/", "|") for s in seps) else "AND"
    rendered = ids[0] if len(ids) == 1 else render(
        f" {op} ".join(f"({i})" if " " in i else i for i in ids))
    if rendered is None:
        return None
    confidence = round(min(m.confidence for m in found) * 0.95, 3)
    return LicenseMatch(
        rendered,
        confidence,
        f"several licences joined by {op}: " + "; ".join(m.evidence for m in found),
        method="multi",
        version_stated=all(m.version_stated for m in found),
    )
