# SPDX-License-Identifier: Apache-2.0
"""Does a text state the licence of the work it is on, or only mention licences?

The normaliser's name readers (licence names in a sentence, Creative Commons elements in
words, the text matcher on a short passage) find licences wherever they are *mentioned*; a
name found in news prose about Creative Commons, in a README of a licence library or in a
sentence cut out of a licence's own text is a licence nobody granted, and reading it gives a
result less restrictive than the truth. This module decides first:

- :func:`mentions_only` - running prose (8+ words, 3+ function words of a language) with no
  wording that states a licence (:func:`has_cue`: "licensed under", "License:", "you may",
  a copyright notice, their equivalents in the languages of the labelled sets) and no version
  number: it mentions licences but states none;
- :func:`licence_fragment` - a short passage that refers to a licence by its own defined
  terms ("this License", "such Secondary License(s)") and names none: a piece of a licence
  text, not a statement about the work;
- :func:`statement_lines` - the title and the lines of a long document that state a licence
  (a README's "License: Apache-2.0"), so that names are read there and not in the rest;
- :func:`mask_lowercase_acronyms` - "mit" in German running text is "with", not MIT;
- :func:`granted_by_reference` - "under the same terms as Perl itself" grants Perl's terms.

The wording is data (``data/licenses/readers/statements.yaml``).
"""

from __future__ import annotations

import functools
import re

from pydantic import BaseModel, ConfigDict

from clearance.yamlio import RegexText, load_shipped

__all__ = ["Statements", "granted_by_reference", "has_cue", "licence_fragment",
           "mask_lowercase_acronyms", "mentions_only", "statement_lines", "statements"]

_PROSE_WORDS = 8
_PROSE_FUNCTION_WORDS = 3
_RUNNING_TEXT = 6
_FRAGMENT_WORDS = 40
_DOCUMENT_LINES = 3
_VERSION = re.compile(r"(?<![\w.])v?\d+(?:\.\d+)+\b|\b(?:version|v\.?)\s*\d|\b[1-4]\.0\b")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


class Grant(BaseModel):
    """A wording that grants a licence's terms by reference ("same terms as Perl itself")."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    pattern: RegexText
    id: str
    why: str


class Statements(BaseModel):
    """The shape of ``statements.yaml`` (validated when loaded; every pattern compiles)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    cues: list[RegexText]
    function_words: dict[str, str]
    acronyms: list[str]
    self_reference: RegexText
    grants: list[Grant]


@functools.lru_cache(maxsize=1)
def statements() -> Statements:
    """Return the shipped wording; a malformed file raises ``KnowledgeBaseError`` naming it."""
    return load_shipped(Statements, "licenses/readers/statements.yaml")


@functools.lru_cache(maxsize=1)
def _compiled() -> tuple[re.Pattern[str], frozenset[str], re.Pattern[str], re.Pattern[str]]:
    data = statements()
    cue = re.compile("|".join(f"(?:{c})" for c in data.cues), re.IGNORECASE)
    words = frozenset(w.casefold() for ws in data.function_words.values() for w in ws.split())
    acronyms = "|".join(re.escape(a) for a in data.acronyms)
    # lower-case only, and not before a licence word ("mit license" is still a licence name)
    lowered = re.compile(rf"\b(?:{acronyms})\b(?![\s-]*(?:licen[cs]e|style|like|\d))")
    return cue, words, lowered, re.compile(data.self_reference, re.IGNORECASE)


def granted_by_reference(text: str) -> tuple[str, str] | None:
    """Return (id, wording) when the text grants a licence's terms by reference, or None."""
    for grant in statements().grants:
        if re.search(grant.pattern, text[:20000], re.IGNORECASE):
            return grant.id, grant.why
    return None


def has_cue(text: str) -> bool:
    """Return whether the text has wording that states a licence or terms for the work."""
    return _compiled()[0].search(text[:5000]) is not None


def _function_words(text: str) -> tuple[int, int]:
    words = _WORD.findall(text[:5000])
    known = _compiled()[1]
    # a word in capitals is a name, not a function word ("MIT" is no German "mit")
    return len(words), sum(w.casefold() in known and not w.isupper() for w in words)


def mentions_only(text: str) -> bool:
    """Return whether the text is running prose that mentions licences without stating one."""
    if has_cue(text) or _VERSION.search(text[:5000]):
        return False
    words, function = _function_words(text)
    return words >= _PROSE_WORDS and function >= _PROSE_FUNCTION_WORDS


def licence_fragment(text: str, names_found: bool) -> bool:
    """Return whether a short passage refers to "this License" and names no licence."""
    if names_found or len(text.split()) >= _FRAGMENT_WORDS:
        return False
    return _compiled()[3].search(text) is not None


def statement_lines(text: str) -> str | None:
    """Return the lines of a long document that state a licence (joined), "" when none does,
    or None when the text is no document (fewer lines, or short)."""
    lines = [line for line in text[:20000].splitlines() if line.strip()]
    if len(lines) < _DOCUMENT_LINES or len(text.split()) < _FRAGMENT_WORDS:
        return None
    # the first line is the document's title ("META LLAMA 3 COMMUNITY LICENSE AGREEMENT")
    return "\n".join([lines[0], *(line for line in lines[1:] if has_cue(line))])


def mask_lowercase_acronyms(text: str) -> str:
    """Return the text with licence acronyms written in lower case in running text blanked
    ("mit" in German prose); a short value ("mit", "bsd-3") is left as it is."""
    if len(text.split()) < _RUNNING_TEXT:
        return text
    return _compiled()[2].sub(" ", text)
