# SPDX-License-Identifier: Apache-2.0
"""Read licences out of free text: Creative Commons names in any spelling, and phrases.

Works on :func:`~clearance.enrich.licenses.vocabulary.alias_key` output (lower-case words).
Creative Commons names are decomposed into elements (BY, NC, ND, SA), version and port,
then looked up in the vocabulary, so "CC BY-NC 4.0", "Attribution-NonCommercial 4.0
International" and "cc by nc 4" all land on ``CC-BY-NC-4.0``. Phrases cover what is not a
licence name: "all rights reserved", bare copyright notices, "public domain", research-only
and non-commercial wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clearance.enrich.licenses.localise import port_code
from clearance.enrich.licenses.vocabulary import Vocabulary

__all__ = ["PhraseMatch", "match_cc", "match_compact", "match_phrase", "states_public_domain"]

_CC_CONTEXT = re.compile(
    r"\bcreative ?commons?\b|\bcc\b|\bcc0\b|\battribution (?:non ?commercial|"
    r"share ?alike|no ?derivs|no ?derivatives)\b|"
    # "Attribution" alone is CC's name only as a licence title ("Attribution 4.0
    # International", Flickr's "Attribution License"), not in "attribution required"
    r"^attribution(?= ?(?:$|licen[cs]e\b|[1-4](?: ?\d)?\b|international\b|unported\b|"
    r"generic\b))"
)
_CC0 = re.compile(
    r"\bcc ?0\b|\bcc zero\b|\bcreative commons (?:zero|0)\b|\bcc0 1.0\b"
)
_BY = re.compile(r"\bby\b|\battribution\b")
_NC = re.compile(r"\bnc\b|\bnon ?commercial\b")
_ND = re.compile(r"\bnd\b|\bno ?derivs\b|\bno ?derivatives\b|\bno derivative works\b")
_SA = re.compile(r"\bsa\b|\bshare ?alike\b")
_VERSION = re.compile(r"(?<![\d.])([1-4])(?:\.([015]))?(?![\d.])")
_PORT = re.compile(r"\b(igo|[a-z]{2})\b")
_ALL_RIGHTS = re.compile(r"\ball rights reserved\b|\btous droits r.serv.s\b")
_COPYRIGHT = re.compile(r"(?:\u00a9|\(c\)|\bcopyright\b)", re.IGNORECASE)
_PUBLIC_DOMAIN = re.compile(r"\bpublic domain\b")
#: "the public domain" states that a work is in it only after a verb that puts it there ("is
#: in", "placed in", "released into", "dedicated to") or as a bracketed label ("(in the public
#: domain)"); "the public domain of the country ...", "... to the public domain. A certifier"
#: (a line cut from CC's dedication text) and "the public domain" alone state nothing
_PD_VERB = re.compile(
    r"(?:\b(?:is|are|be|been|was|were|being|remains?|placed|released|put|dedicated|dedicates?|"
    r"donated|fall|falls|fallen|entered|enters?|belongs?|lies)\b(?:\W+\w+){0,3}?|\()\s*"
    r"(?:in|into|to|on)\s+$")  # "put on the public domain": a writer's preposition
#: "in the public domain" at the start of a text is a label; "into / to the public domain"
#: there is a line cut after its verb ("into the public domain"): it puts nothing there
_PD_LABEL = re.compile(r"^\W*in\s+$")
#: a negation just before ("LinuxCNC is NOT public domain", "is not in the public domain")
_PD_NOT = re.compile(r"\b(?:not|never|no longer|nor|isn't|aren't|wasn't)\b(?:\W+\w+){0,3}?\W*$")
_PD_OF = re.compile(r"\bpublic domain\s+of\b")
#: a copyright holder's line ("2016, Public Domain Pictures <>", a DEP-5 `Copyright:` line's
#: years, a comma, a name of several words, an optional address): a name, not a statement
_HOLDER = re.compile(r"^\s*\d{4}(?:\s*[-,]\s*\d{4})*\s*,\s+[^<>,;.]*\bpublic domain\s+\w"
                     r"[^<>,;.]{0,60}(?:<[^<>]*>?)?$")
_ENDS = " \t\n\"'()[]*`;.,:"
_LABEL = re.compile(r"^licen[cs]e\s*:\s*")
_RESEARCH = re.compile(
    r"\b(?:research|academic|educational)\b[^.]{0,60}\bonly\b|\bonly\b[^.]{0,40}\bresearch\b|"
    r"\bresearch (?:use|purposes?)\b.{0,30}\bnot\b.{0,30}\bcommercial"
)
_NONCOMMERCIAL = re.compile(
    r"\bnon ?commercial\b|\bnot for commercial\b|\bno commercial\b|"
    r"\b(?:free )?for (?:home|personal|private) use(?: only)?\b|\bpersonal use only\b"
)
_TERMS = re.compile(
    r"\b(?:terms of use|terms of service|terms and conditions|usage agreement|user agreement|"
    r"agreement|you agree|freely used for any purpose|"
    r"may be used for any purpose)\b"
)
_ATTRIBUTION_TERMS = re.compile(
    r"\b(?:attribution|credit|crediting)\b[^.]{0,20}\b(?:required|needed|mandatory|only)\b|"
    r"\b(?:free|freely|may be used|free to use|use|reuse|re use)\b[^.]{0,40}\b(?:with|provided|"
    r"if you give|giving|requires?)\b[^.]{0,20}\b(?:attribution|credit)\b"
)
_MODIFIED = re.compile(
    r"^(?:modified|custom|adapted|amended) \w+|"
    # a licence *like* another: "MIT-style", "similar to Apache License but ...", "based on BSD"
    r"^\w+(?: \w+)? (?:style|like|ish)(?: license)?$|\bsimilar to\b|^based on\b|^derived from\b"
)
_EDITORIAL = re.compile(r"^editorial(?: use)?(?: only)?\b|\beditorial use only\b")
_ML_BAN = re.compile(
    r"\b(?:not|no|prohibit\w*|forbid\w*|may not)\b[^.]{0,60}\b(?:machine learning|artificial "
    r"intelligence|ai|train(?:ing)?|text and data mining|tdm)\b"
)


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    """An id read from free text, with confidence, evidence and whether a version was stated."""

    license_id: str
    confidence: float
    evidence: str
    version_stated: bool = True


def match_cc(key: str, vocab: Vocabulary) -> PhraseMatch | None:
    """Return the Creative Commons licence named in ``key`` (an alias key), or None."""
    if not _CC_CONTEXT.search(key):
        return None
    if _CC0.search(key):
        return PhraseMatch("CC0-1.0", 0.9, "Creative Commons Zero named in text")
    nc, nd, sa = bool(_NC.search(key)), bool(_ND.search(key)), bool(_SA.search(key))
    by = bool(_BY.search(key))
    if not (by or nc or nd or sa):
        return None
    if nd and sa:
        return None  # contradictory elements: not a real CC licence
    code = "-".join(part for part, on in (("by", True), ("nc", nc), ("nd", nd), ("sa", sa)) if on)
    version_match = _VERSION.search(key)
    version: str | None = None
    if version_match:
        version = f"{version_match.group(1)}.{version_match.group(2) or '0'}"
        if version == "1.0" and not by:
            code = code.removeprefix("by-")
    lid = vocab.cc.get((code, version)) if version is not None else None
    if lid is None and version is not None:
        return None
    if lid is None:
        lid = vocab.cc.get((code, None))
        if lid is None:
            return None
        return PhraseMatch(lid, 0.8, f"CC elements {code} in text; version not stated", False)
    evidence = f"CC elements {code} and version {version} in text"
    entry = vocab.entries[lid]
    if entry.ports and version_match is not None:
        tail = key[version_match.end() :]
        port = _PORT.match(tail.strip())
        where = port.group(1) if port else None
        if where not in entry.ports:
            where = port_code(tail)
        if where is not None and where in entry.ports:
            return PhraseMatch(entry.ports[where], 0.9, f"{evidence}, port {where}")
    return PhraseMatch(lid, 0.9, evidence)


_COMPACT_VERSION = re.compile(r"(?<![\d])v?([1-4])(?:[._ ]?([015]))?(?![\d])")
_COMPACT = re.compile(r"^(cc)?(by)(nc)?(nd|sa)?$|^(cc)(nc)?(nd|sa)?$")
_COMPACT_WORDS = re.compile(r"licen[cs]es?|international|intl|unported|generic")


def match_compact(text: str, vocab: Vocabulary) -> PhraseMatch | None:
    """Return the CC licence of a compact spelling ("CCBYNCSA4.0", "ccbysa4", "cc-0"), or None.

    The letters left after the version are read as CC elements only when they spell a
    whole CC code (with "cc" or "by" first); anything else is left to the other readers.
    """
    t = text.casefold().strip()
    if len(t) > 40 or not t.isascii():
        return None
    t = _COMPACT_WORDS.sub(" ", t)
    letters_only = re.sub(r"[^a-z0-9]", "", t)
    if letters_only in ("cc0", "cc0v1", "cc01", "cc010", "cczero"):
        return PhraseMatch("CC0-1.0", 0.9, f"compact spelling {text!r} of CC0")
    version_match = _COMPACT_VERSION.search(t)
    version = None
    if version_match:
        version = f"{version_match.group(1)}.{version_match.group(2) or '0'}"
        t = t[: version_match.start()] + " " + t[version_match.end() :]
    letters = re.sub(r"[^a-z]", "", t)
    m = _COMPACT.match(letters)
    if m is None or (m.group(2) and not m.group(1) and version is None and not m.group(3)):
        return None
    parts = [g for g in m.groups() if g and g != "cc"]
    if parts[:1] != ["by"] and version != "1.0":
        return None
    code = "-".join(parts)
    lid = vocab.cc.get((code, version))
    if lid is None:
        return None
    stated = version is not None
    return PhraseMatch(lid, 0.85, f"compact spelling {text!r} of CC {code} {version or ''}", stated)


def match_phrase(key: str, raw: str) -> PhraseMatch | None:
    """Return the licence state or generic terms a phrase states, or None."""
    if _ML_BAN.search(key) and re.search(r"\b(?:terms|tos|use)\b", key):
        return PhraseMatch("tos-prohibits-ml", 0.6, "text prohibits AI/ML use of the content")
    if _EDITORIAL.search(key) and not re.search(r"\bfree\b", key):
        return PhraseMatch("all-rights-reserved", 0.6, "editorial use only: no licence for "
                           "other uses")
    if _MODIFIED.search(key):
        return PhraseMatch("LicenseRef-clearance-custom", 0.6, "modified licence: custom terms")
    if _RESEARCH.search(key):
        return PhraseMatch("LicenseRef-clearance-research-only", 0.7, "research-only wording")
    if _NONCOMMERCIAL.search(key):
        return PhraseMatch("LicenseRef-clearance-non-commercial", 0.65, "non-commercial wording")
    if _ATTRIBUTION_TERMS.search(key):
        return PhraseMatch("LicenseRef-clearance-custom", 0.55,
                           "use permitted with attribution: custom terms, not a named licence")
    if _TERMS.search(key):
        return PhraseMatch("LicenseRef-clearance-custom", 0.5, "custom terms or agreement wording")
    if _ALL_RIGHTS.search(key):
        return PhraseMatch("all-rights-reserved", 0.85, "'all rights reserved' statement")
    if _PUBLIC_DOMAIN.search(key) and states_public_domain(raw):
        return PhraseMatch("public-domain", 0.7, "'public domain' statement in text")
    if _COPYRIGHT.search(raw):
        return PhraseMatch("all-rights-reserved", 0.6, "copyright notice without a licence grant")
    return None


def states_public_domain(raw: str) -> bool:
    """Return whether a text says that a work is in the public domain: "Public Domain" as a
    name or label, or "the public domain" after a verb that puts a work there. A fragment
    ("the public domain of the country", a line cut from CC's certification text) or a
    holder's name ("Public Domain Pictures <...>") states nothing."""
    text = " ".join(re.sub(r"[-_]", " ", raw.casefold()).split())
    if _HOLDER.match(_LABEL.sub("", text.strip(_ENDS)).strip(_ENDS)):
        return False
    for m in _PUBLIC_DOMAIN.finditer(text):
        if _PD_OF.match(text, m.start()) or _PD_NOT.search(text[max(0, m.start() - 40):m.start()]):
            continue
        the = text.rfind("the ", 0, m.start())
        if the < 0 or text[the:m.start()].strip() != "the":
            return True  # "Public Domain", "100% Public Domain", "public domain. Permission"
        if _PD_VERB.search(text[max(0, the - 60):the]) or _PD_LABEL.match(text[:the]):
            return True
    return False
