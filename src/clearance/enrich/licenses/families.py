# SPDX-License-Identifier: Apache-2.0
"""Family readers for names and texts the general readers leave imprecise.

- :func:`bsd_clauses` - BSD licences named by their clause count in words or digits
  ("0-clause BSD", "two-clause BSD", "BSD-4-Clause"): 0 is 0BSD, 1-4 the BSD-N-Clause ids.
- :func:`gnu_notice_version` - a GNU notice that names its version in a sentence ("under the
  terms of the GNU General Public License as published by the Free Software Foundation,
  version 3") gets that version, ``-only`` unless "or later" is stated.
- :func:`condition_free` - a licence text that has a grant but not the condition that sets the
  licence apart from its condition-free sibling is that sibling: the MIT grant without "The
  above copyright notice ... shall be included" is MIT-0; the ISC grant without "provided that
  the above copyright notice ... appear in all copies" is 0BSD.
- :func:`ogl_jurisdiction` - an "Open Government Licence" of Korea, Canada or a province is
  not the UK's licence.
"""

from __future__ import annotations

import re
from dataclasses import replace

from clearance.enrich.licenses.spdxdata import spdx_licenses
from clearance.enrich.licenses.vocabulary import Vocabulary
from clearance.models import LicenseMatch

__all__ = [
    "bsd_clauses",
    "cran_form",
    "bsd_variant",
    "condition_free",
    "gnu_name",
    "gnu_notice_version",
    "ogl_jurisdiction",
]

_NUMBERS = {"0": 0, "zero": 0, "1": 1, "one": 1, "2": 2, "two": 2, "3": 3, "three": 3,
            "4": 4, "four": 4}
_N = r"(0|1|2|3|4|zero|one|two|three|four)"
_BSD = re.compile(
    rf"\b{_N}[\s_-]*clauses?[\s_-]*bsd\b|\bbsd[\s_-]*(?:licen[cs]e[\s_-]*)?{_N}[\s_-]*clauses?\b",
    re.IGNORECASE,
)
#: A separator of a list of licences (not "or later")
_LIST = re.compile(r"\s\|\s|[;,]\s|\s(?:or|and)\s(?!\(?at your option|any later|later|newer)",
                   re.IGNORECASE)
_SEPARATED = re.compile(r"\s\|\s|[;,]\s|\sor\s(?!\(?at your option|any later|later|newer)",
                        re.IGNORECASE)
_BSD_IDS = {0: "0BSD", 1: "BSD-1-Clause", 2: "BSD-2-Clause", 3: "BSD-3-Clause",
            4: "BSD-4-Clause"}
_GNU_NAME = re.compile(
    r"\b(?:gnu\s+)?(affero\s+|lesser\s+|library\s+|free\s+documentation\s+)?"
    r"(?:general\s+public\s+)?(?<=\s)licen[cs]e\b", re.I
)
#: "under the terms version 2 of the GNU General Public License" (the version before the name)
_BEFORE_NAME = re.compile(r"\bversion\s+([1-3])(?:\.([01]))?\s+of\s+the\s+(?:gnu\s+)?$", re.I)
_NOTICE_VERSION = re.compile(r"\b(?:version\s+|\(v\.?\s?)([1-3])(?:\.([0-3]))?\b", re.IGNORECASE)
_LATER = re.compile(r"\bor\s+(?:\(at\s+your\s+option\)\s+)?(?:any\s+)?later(?:\s+version)?\b"
                    r"|\bor\s+newer\b", re.IGNORECASE)
#: (licence, the grant it shares with its sibling, its own condition, the sibling)
_SIBLINGS = (
    ("MIT", "to permit persons to whom the software is furnished to do so",
     ("above copyright notice and this permission notice", "shall be included"), "MIT-0"),
    ("ISC", "for any purpose with or without fee is hereby granted",
     ("above copyright notice and this permission notice", "appear in all copies"), "0BSD"),
)
_BSD_NAME_CLAUSE = re.compile(r"\bused\s+to\s+endorse\s+or\s+promote\s+products\s+derived",
                              re.IGNORECASE)
_BSD_ADVERTISING = re.compile(r"all advertising materials mentioning features or use of this "
                              r"software must display", re.IGNORECASE)


def bsd_clauses(text: str, vocab: Vocabulary) -> LicenseMatch | None:
    """Return the BSD licence a short name states by its clause count, or None."""
    if len(text) > 160 or _SEPARATED.search(text):
        return None  # a list of licences is the list readers' job
    m = _BSD.search(text)
    if m is None:
        return None
    n = _NUMBERS[(m.group(1) or m.group(2)).lower()]
    lid = _BSD_IDS[n]
    if vocab.get(lid) is None and lid not in ("BSD-1-Clause", "BSD-4-Clause"):
        return None
    return LicenseMatch(lid, 0.9, f"BSD licence named by its clause count ({n})", method="alias")


#: a GNU acronym with its version in a sentence ("under the GPL-2", "the LGPL version 2.1")
_ACRONYM_VERSION = re.compile(r"\b(AGPL|LGPL|GPL|GFDL)(?:-|\s+version\s+|\s*v\.?\s*)"
                              r"([1-3])(?:\.([0-3]))?(\+|-or-later)?(?![\w.]*\d)")


def _stated_gnu(text: str) -> tuple[str, str, bool] | None:
    """Return (family, version, or later) a GNU notice states in a sentence, or None."""
    stated = set()
    for m in _ACRONYM_VERSION.finditer(text[:5000]):
        number = f"{m.group(2)}.{m.group(3) or '0'}"
        tail = text[m.end() : m.end() + 80]
        stated.add((m.group(1), number,
                    bool(m.group(4)) or bool(_LATER.match(tail.lstrip(" ,")))))
    if len({(family, number) for family, number, _ in stated}) == 1:
        # one version, however often it is written (a path repeats it without its "+")
        family, number, _ = next(iter(stated))
        return family, number, any(later for _, _, later in stated)
    for name in _GNU_NAME.finditer(text[:5000]):
        kind = " ".join((name.group(1) or "").lower().split())
        if not kind and not re.search(r"general\s+public", name.group(0), re.I):
            continue  # "license" alone
        family = {"affero": "AGPL", "lesser": "LGPL", "library": "LGPL",
                  "free documentation": "GFDL"}.get(kind, "GPL")
        after = text[name.end() : name.end() + 160]
        version = _NOTICE_VERSION.search(after)
        tail = after[version.end() : version.end() + 80] if version else ""
        if version is None:
            base = max(0, name.start() - 40)
            version = _BEFORE_NAME.search(text[base : name.start()])
            tail = after[:120]
        if version is None:
            continue
        number = f"{version.group(1)}.{version.group(2) or '0'}"
        if family == "LGPL" and version.group(2) is None and version.group(1) == "2":
            number = "2.0"
        return family, number, bool(_LATER.search(tail))
    return None


def gnu_notice_version(found: LicenseMatch, text: str, vocab: Vocabulary) -> LicenseMatch:
    """Return ``found`` with the version a GNU notice states in a sentence.

    An unversioned GNU id takes the stated version; a versioned one of the same family (a
    text match against another version's header) is corrected to it.
    """
    unversioned = {"LicenseRef-clearance-gpl-unversioned": "GPL",
                   "LicenseRef-clearance-lgpl-unversioned": "LGPL",
                   "LicenseRef-clearance-agpl-unversioned": "AGPL",
                   "LicenseRef-clearance-gfdl-unversioned": "GFDL"}
    family = unversioned.get(found.id) or next(
        (f for f in ("AGPL", "LGPL", "GPL", "GFDL") if found.id.startswith(f + "-")), None)
    if family is None:
        return found
    stated = _stated_gnu(text)
    if stated is None or stated[0] != family:
        return found
    _, number, later = stated
    lid = f"{family}-{number}-{'or-later' if later else 'only'}"
    # an SPDX id outside the vocabulary (GFDL-1.1-or-later) is still the version stated
    if lid == found.id or (vocab.get(lid) is None and lid not in spdx_licenses()):
        return found
    return replace(found, id=lid, version_stated=True,
                   evidence=f"{found.evidence}; the notice states version {number}"
                   + (" or later" if later else ""))


def condition_free(found: LicenseMatch, text: str) -> LicenseMatch:
    """Return the condition-free sibling when the text has the grant but not the condition."""
    if len(text) < 150:
        return found
    plain = " ".join(re.sub(r"[^a-z0-9 ]", " ", text[:20000].lower()).split())
    for lid, grant, condition, sibling in _SIBLINGS:
        if found.id == lid and grant in plain and not all(c in plain for c in condition):
            return replace(found, id=sibling, evidence=f"{found.evidence}; the grant is there "
                           f"but not {lid}'s condition ('{' ... '.join(condition)}'): {sibling}")
    return found


def bsd_variant(found: LicenseMatch, text: str) -> LicenseMatch:
    """Return BSD-3-Clause (BSD-4-Clause) for a BSD-2-Clause match whose text also has the
    no-endorsement (and advertising) clause: the 2-clause passage is contained in both."""
    if found.id not in ("BSD-2-Clause", "BSD-3-Clause") or len(text) < 150:
        return found
    head = text[:20000]
    if _BSD_ADVERTISING.search(head):
        lid = "BSD-4-Clause"
    elif _BSD_NAME_CLAUSE.search(head):
        lid = "BSD-3-Clause"
    else:
        return found
    if lid == found.id:
        return found
    return replace(found, id=lid, evidence=f"{found.evidence}; the text has the "
                   f"{'advertising' if lid == 'BSD-4-Clause' else 'no-endorsement'} clause")


_OGL_IDS = frozenset({"LicenseRef-clearance-ogl-uk-unversioned", "OGL-UK-1.0", "OGL-UK-2.0",
                      "OGL-UK-3.0"})
_KOREA = re.compile(r"\bkorea\w*\b.{0,40}?\btype\s*([1-4])\b|\bkogl\b.{0,20}?\btype\s*([1-4])\b",
                    re.IGNORECASE)
_CANADA = re.compile(r"\bcanada\b", re.IGNORECASE)
#: An "Open Government Licence" of a place other than the United Kingdom (Canadian provinces
#: and cities, other countries): same name, other terms.
_ELSEWHERE = re.compile(
    r"\b(?:canada|ontario|alberta|british columbia|nova scotia|new brunswick|newfoundland|"
    r"labrador|prince edward island|manitoba|saskatchewan|quebec|québec|yukon|nunavut|"
    r"northwest territories|toronto|ottawa|vancouver|montreal|korea|hong kong|singapore|"
    # no boundary after the name: noise glued to it ("Nova Scotialicense:") must not hide it
    r"india(?!na)|kenya|nigeria|australia|new zealand)",
    re.IGNORECASE,
)


def ogl_jurisdiction(found: LicenseMatch, text: str, vocab: Vocabulary) -> LicenseMatch:
    """Return the right family for an "Open Government Licence" of a place other than the UK.

    Korea's licence is KOGL (its type decides the terms), Canada's federal one OGL-Canada-2.0;
    any other place's licence (Ontario, Alberta, ...) has terms the vocabulary does not model:
    custom, never the UK licence.
    """
    if found.id not in _OGL_IDS or not _ELSEWHERE.search(text[:500]):
        return found
    korea = _KOREA.search(text[:500])
    if korea is not None:
        lid = f"LicenseRef-clearance-kogl-type-{korea.group(1) or korea.group(2)}"
        if vocab.get(lid) is not None:
            return replace(found, id=lid, evidence=f"Korea Open Government Licence, type "
                           f"{korea.group(1) or korea.group(2)}")
    place = _ELSEWHERE.search(text[:500])
    assert place is not None
    if _CANADA.search(text[:500]) and re.search(r"\b2\.0\b", text[:500]) and not re.search(
            r"ontario|alberta|british|nova|brunswick|newfoundland|edward|manitoba|saskatchewan|"
            r"qu[eé]bec|yukon|nunavut|territories|toronto|ottawa|vancouver|montreal",
            text[:500], re.IGNORECASE):
        return replace(found, id="OGL-Canada-2.0",
                       evidence=found.evidence + "; the Open Government Licence of Canada")
    return replace(found, id="LicenseRef-clearance-custom", confidence=min(found.confidence, 0.6),
                   version_stated=True,
                   evidence=f"an Open Government Licence of {place.group(0)}, not the UK's: "
                   "terms not modelled (custom)")


_EDGE = r"[\s\"'`(*.;:-]*"  # noise a value may carry at either end (quotes, bullets, dots)
_CRAN_AT_LEAST = re.compile(
    rf"^{_EDGE}(?P<name>[^()|]+?)\s*\(\s*>=\s*(?P<v>\d+(?:\.\d+)?)\s*\){_EDGE.replace('(', '()')}$")
_CRAN_EXACTLY = re.compile(
    rf"^{_EDGE}(?P<name>[^()|]+?)\s*\(\s*==\s*(?P<v>\d+(?:\.\d+)?)\s*\){_EDGE.replace('(', '()')}$")
_CRAN_FILE = re.compile(
    rf"^{_EDGE}(?P<name>.+?)\s*\+\s*file\s+LICEN[CS]E{_EDGE.replace('(', '()')}$", re.IGNORECASE)
#: CRAN's licence templates, whose "+ file LICENSE" only supplies the year and the holder
_CRAN_TEMPLATES = re.compile(r"^(?:mit(?: license)?|bsd_[23]_clause)$", re.IGNORECASE)


def cran_form(text: str) -> tuple[str, str] | None:
    """Return (rewritten text, how) for a CRAN ``License:`` form, or None ("adds terms" in
    ``how`` means the licence read from the text is joined with custom terms by AND).

    "GPL (>= 2)" is GPL 2 or later; "Apache License (== 2.0)" is version 2.0; "MIT + file
    LICENSE" is the MIT template (the file names the holder); any other "X + file LICENSE"
    adds terms of the file to X, which are not known here.
    """
    m = _CRAN_AT_LEAST.match(text)
    if m is not None:
        name, version = m.group("name").strip(), m.group("v")
        gnu = bool(re.search(r"\b(?:a|l)?gpl\b", name, re.IGNORECASE))
        return (f"{name} {version} or later" if gnu else f"{name} {version}",
                f"CRAN '(>= {version})'")
    m = _CRAN_EXACTLY.match(text)
    if m is not None:
        return f"{m.group('name').strip()} {m.group('v')}", f"CRAN '(== {m.group('v')})'"
    m = _CRAN_FILE.match(text)
    if m is not None:
        name = m.group("name").strip()
        if _CRAN_TEMPLATES.match(name):
            return name.replace("_", "-"), "CRAN licence template (the file names the holder)"
        return name, "CRAN '+ file LICENSE' adds terms (custom)"
    return None


_GNU = re.compile(
    r"\b(?:(affero|lesser|library)\s+)?general public licen[cs]e\b|\b(a|l)?gpl\b", re.IGNORECASE
)
#: A separator of a list of licences (not "or later", "or any later version", "or newer")
_LIST = re.compile(r"\s\|\s|[;,]\s|\s(?:or|and)\s(?!\(?at your option|any later|later|newer)",
                   re.IGNORECASE)
_GNU_VERSION = re.compile(r"\b(?:v|version|ver\.?)?\s*([1-3])(?:\.([01]))?\b", re.IGNORECASE)
_LATER_WORDS = re.compile(
    r"\bor (?:\(at your option\) )?(?:any )?later(?: version)?\b|\bor newer\b|\+\s*\)?\s*$", re.I
)


def gnu_name(text: str, vocab: Vocabulary) -> LicenseMatch | None:
    """Return the GNU licence a short name states: family, version, only / or later."""
    if len(text) > 160:
        return None
    m = _GNU.search(text)
    if m is None or len(_GNU.findall(text)) > 1 or _LIST.search(text) or re.search(
            r"\+[_-](?:or|and)[_-]", text, re.IGNORECASE):
        return None  # none, or a list of licences: the list readers' job
    lowered = text.lower()
    family = (
        "AGPL"
        if "affero" in lowered or (m.group(2) or "").lower() == "a"
        else ("LGPL" if re.search(r"lesser|library|\blgpl", lowered) else "GPL")
    )
    if "licenseref" in lowered or re.search(r"\s(?:AND|OR|WITH)\s", text):
        return None  # an expression of ids: the expression reader's job
    version = _GNU_VERSION.match(text[m.end() : m.end() + 20].lstrip(" ,:-"))
    if version is None:
        return None
    number = f"{version.group(1)}.{version.group(2) or '0'}"
    if family == "LGPL" and version.group(2) is None and version.group(1) == "2":
        number = "2.0" if re.search(r"\bv?2\b(?!\.)", text) else "2.1"
    suffix = "-or-later" if _LATER_WORDS.search(text) else "-only"
    lid = f"{family}-{number}{suffix}"
    if vocab.get(lid) is None:
        return None
    return LicenseMatch(lid, 0.9, f"GNU licence named: {family} {number}{suffix}", method="alias")
