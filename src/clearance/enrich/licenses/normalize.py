# SPDX-License-Identifier: Apache-2.0
"""Normalise any licence evidence to a canonical id: :func:`normalize_license`.

Readers are tried from the most to the least certain: canonical id, carriers (HTML, XMP,
Hugging Face card), URL, alias, SPDX expression, several licences in one string, a long
licence text (bigram matcher), Creative Commons names, licence names inside a sentence,
phrases ("all rights reserved", "public domain", research-only) and finally ``unknown``.
Never raises on a string; the output's id normalises to itself.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import replace

from clearance.enrich.licenses.boilerplate import states_nothing
from clearance.enrich.licenses.containers import match_container
from clearance.enrich.licenses.edges import QUOTES as _QUOTES
from clearance.enrich.licenses.edges import edge_noise
from clearance.enrich.licenses.expressions import read_expression as _expression
from clearance.enrich.licenses.expressions import render as _render
from clearance.enrich.licenses.families import (
    bsd_clauses,
    bsd_variant,
    condition_free,
    gnu_name,
    gnu_notice_version,
    ogl_jurisdiction,
)
from clearance.enrich.licenses.forms import labelled_lines, structured_form
from clearance.enrich.licenses.freetext import (
    match_cc,
    match_compact,
    match_phrase,
    states_public_domain,
)
from clearance.enrich.licenses.lists import read_list
from clearance.enrich.licenses.localise import localise
from clearance.enrich.licenses.localnames import (
    ambiguous_name,
    foreign_ref,
    local_name,
    other_version,
    proxy_versions,
)
from clearance.enrich.licenses.parts import part_only
from clearance.enrich.licenses.relatives import added_clauses, own_text_shared, relative_match
from clearance.enrich.licenses.spdxdata import spdx_name_id, spdx_text_index, spdx_text_match
from clearance.enrich.licenses.statement import (
    granted_by_reference,
    has_cue,
    licence_fragment,
    mask_lowercase_acronyms,
    mentions_only,
    statement_lines,
)
from clearance.enrich.licenses.substring import find_names
from clearance.enrich.licenses.textmatch import PassageIndex
from clearance.enrich.licenses.tokens import (
    own_name,
    prefixed_variant,
    read_token,
    respell,
    variant_of,
    with_exception,
)
from clearance.enrich.licenses.urls import looks_like_url, match_url, shields_text
from clearance.enrich.licenses.vocabulary import Vocabulary, alias_key, default_vocabulary
from clearance.enrich.licenses.wikimedia import (
    bare_template,
    cc_versions,
    read_template,
    template_parts,
)
from clearance.models import LicenseMatch

__all__ = ["MAX_INPUT", "normalize_license", "passage_index"]

log = logging.getLogger(__name__)

#: Longer inputs are cut to this many characters before reading.
MAX_INPUT = 200_000
_MAX_DEPTH = 2
_DUAL = re.compile(r"\bdual[- ]?licen[cs]|\bat your (?:choice|option)\b|\beither\b", re.I)
_CLASSIFIER = re.compile(r"^license\s*::\s*(?:osi approved\s*::\s*)?(.+)$", re.I)
_LATER_WORDS = re.compile(
    r"\bor (?:\(at your option\) )?(?:any )?later(?: version)?\b|\bor newer\b|\+\s*\)?\s*$", re.I
)
#: a CC element spelled out as one lower-case identifier (DEP-5's `attribution`), not a code
_IDENTIFIER = re.compile(r"attribution|noncommercial|sharealike|noderivs|noderivatives")
_CC_IDS = ("cc-", "cc0", "licenseref-clearance-cc")
_CUSTOM = "LicenseRef-clearance-custom"
_MONTH = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?")
_DATE = (rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\s+\d{{4}}|"
         rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|{_MONTH}\s+\d{{4}}|"
         rf"\d{{4}}-\d{{2}}-\d{{2}})")
#: a version after a comma or in brackets, with the text's date after it: "..., Version 1.1",
#: "(Version 2.0, Sept. 18, 2008)", "Version 1.1 - 26 February 2007"
_TITLE_VERSION = re.compile(
    rf"(?:\s*,\s*|\s*\(\s*|\s+)(?:version|v\.?)\s*(?P<v>\d+(?:\.\d+)*)(?![\d.]*\d)"
    rf"(?:(?:\s*[,;–-]\s*|\s+){_DATE})?\s*\)?(?=\s*(?:$|[.;:]))",
    re.IGNORECASE)
_DANGLING_LABEL = re.compile(r"\s*\blicen[cs]e\s*:$|(?<=[a-z0-9.)])licen[cs]e\s*:$",
                             re.IGNORECASE)
_LONG_TEXT_WORDS = 40
_TEXT_WORDS = 12
_SNIPPET_SHARED = 12
_INDEXES: dict[int, tuple[Vocabulary, PassageIndex]] = {}


def passage_index(vocab: Vocabulary) -> PassageIndex:
    """Return the text-matcher index of a vocabulary's passages (built once per vocabulary)."""
    cached = _INDEXES.get(id(vocab))
    if cached is None or cached[0] is not vocab:
        pairs = ((e.id, p) for e in vocab for p in e.passages)
        cached = (vocab, PassageIndex(pairs))
        _INDEXES[id(vocab)] = cached
    return cached[1]


def _split(text: str, vocab: Vocabulary, depth: int) -> LicenseMatch | None:
    if depth >= _MAX_DEPTH:
        return None
    return read_list(text, lambda t: _read(t, vocab, depth + 1), _render)


def _from_entry(lid: str, confidence: float, evidence: str, method: str) -> LicenseMatch:
    stated = not lid.endswith("-unversioned")
    if not stated:
        evidence += "; version not stated"
    return LicenseMatch(lid, confidence, evidence, method=method, version_stated=stated)


def _gnu_family(found: LicenseMatch, text: str, vocab: Vocabulary) -> LicenseMatch:
    """Return an AGPL / LGPL id when a GPL text match is really the Affero or Lesser notice."""
    if not found.id.startswith("GPL-"):
        return found
    lowered = text[:3000].lower()
    family = (
        "AGPL"
        if "affero general public" in lowered
        else ("LGPL" if re.search(r"(?:lesser|library) general public", lowered) else None)
    )
    if family is None:
        return found
    version = "2.1" if family == "LGPL" and "version 2.1" in lowered else found.id[4:7]
    lid = f"{family}-{version}{found.id[7:]}"
    if vocab.get(lid) is None:
        return found
    return replace(found, id=lid, evidence=found.evidence + f"; the text names the {family}")


def _text_match(text: str, vocab: Vocabulary) -> LicenseMatch | None:
    best = passage_index(vocab).best(text)
    if best is None:
        return None
    confidence = round(0.5 + 0.45 * best.score * min(1.0, best.shared / 30), 3)
    evidence = (
        f"text match {best.score:.2f} ({best.shared}/{best.passage_size} bigrams of a "
        f"{best.license_id} passage)"
    )
    found = LicenseMatch(best.license_id, confidence, evidence, method="text", score=best.score)
    return _text_families(_later(_gnu_family(found, text, vocab), text, vocab), text, vocab)


def _snippet_match(text: str, vocab: Vocabulary, words: int) -> LicenseMatch | None:
    """Return a text match of a passage too short for the long-text reader, or None. A short
    passage (fewer than 40 words) names a licence by its wording alone only when it shares
    12+ word pairs with that licence's text at a score of 0.8+: shorter runs of licence wording
    ("under the terms of this License") are common to many licences. Only the curated
    passages are used: a full licence text holds generic wording and other licences' names
    (the GPL's text mentions the Lesser GPL), so a snippet found in it names no licence."""
    if words >= _LONG_TEXT_WORDS:
        return _text_match(text, vocab) or spdx_text_match(text, vocab)
    best = passage_index(vocab).best(text)
    if best is not None and best.shared >= _SNIPPET_SHARED and best.score >= 0.8:
        return _text_match(text, vocab)
    return None


def _text_families(found: LicenseMatch, text: str, vocab: Vocabulary) -> LicenseMatch:
    """Return a text match made precise: GNU version stated, BSD clause count, MIT-0/0BSD, a
    more restrictive relative's text (bzip2, libtiff), a BSD text with added clauses."""
    precise = condition_free(bsd_variant(gnu_notice_version(found, text, vocab), text), text)
    if len(text.split()) >= _LONG_TEXT_WORDS:
        rival = max(passage_index(vocab).most_shared(text),
                    spdx_text_index(vocab).most_shared(text), own_text_shared(precise.id, text))
        relative = relative_match(text, rival)
        if relative is not None:
            return relative
    return added_clauses(precise, text)


def _tidy(ids: list[str]) -> list[str]:
    """Drop ids another found id makes redundant: X-only beside X-or-later, an unversioned
    family id beside a versioned one, MIT beside MIT-0 (one name found inside another)."""
    keep = list(dict.fromkeys(ids))
    out = []
    for lid in keep:
        if lid.endswith("-only") and lid.removesuffix("-only") + "-or-later" in keep:
            continue
        if lid == "MIT" and "MIT-0" in keep:
            continue
        if lid.endswith("-unversioned"):
            family = lid.removeprefix("LicenseRef-clearance-").removesuffix("-unversioned")
            if any(o != lid and o.lower().startswith(family + "-") for o in keep):
                continue
        out.append(lid)
    return out


def _later(found: LicenseMatch, text: str, vocab: Vocabulary) -> LicenseMatch:
    """Return ``found`` as its ``-or-later`` id when the text says "or later" in words or '+'."""
    if not found.id.endswith("-only") or not _LATER_WORDS.search(text):
        return found
    later = found.id.removesuffix("-only") + "-or-later"
    if vocab.get(later) is None:
        return found
    return replace(found, id=later, evidence=found.evidence + "; 'or later' stated")


def _read(text: str, vocab: Vocabulary, depth: int, localised: bool = False) -> LicenseMatch:
    s = text.strip().strip(_QUOTES)
    if "&" in s:
        s = html.unescape(s)
    s = " ".join(s.split())
    # a dangling "License:" label after the value states nothing, even glued to its last word
    # ("CC Attribution-ShareAlikeLicense:"): without it, the last word would be misread
    s = _DANGLING_LABEL.sub("", s).strip(_QUOTES) if s.endswith(":") else s
    if "\n" not in text.strip() and "<" not in text:
        s = text = edge_noise(s)  # the containers read ``text``: one line, without its noise
    if not s:
        return LicenseMatch("unknown", 1.0, "empty value: no licence stated", method="empty")
    canon = vocab.canonical_id(s)
    if canon is not None:
        return _from_entry(canon, 1.0, f"canonical id {canon}", "id")
    s = _GLUED_OPERATOR.sub(r" \1 ", s)  # "GPL-2.0-only_OR_GPL-3.0-only" (REUSE / DEP-5)
    unclear = ambiguous_name(s)
    if unclear is not None:
        return unclear
    if s.startswith("LicenseRef-") and vocab.lookup_alias(s) is None and foreign_ref(s):
        return LicenseMatch("LicenseRef-clearance-custom", 0.8, f"{s!r} is another party's "
                            "LicenseRef: its own terms, not read here (custom)", method="alias")
    if depth < _MAX_DEPTH:
        proxied = proxy_versions(s, lambda t: _read(t, vocab, depth + 1), _render)
        if proxied is not None:
            return proxied
    short = read_token(s, vocab)
    if short is not None:
        return short
    if depth < _MAX_DEPTH:
        prefixed = prefixed_variant(s, lambda t: _read(t, vocab, depth + 1))
        if prefixed is not None:
            return prefixed
    titled = _TITLE_VERSION.search(s) if depth < _MAX_DEPTH and len(s) < 200 else None
    if titled is not None:
        # "SIL OPEN FONT LICENSE Version 1.1 - 26 February 2007", "SGI FREE SOFTWARE LICENSE B
        # (Version 2.0, Sept. 18, 2008)", "... under the Mozilla Public License, Version 2.0":
        # a version after the name (after a comma, in brackets, with the text's date) is read
        # as the name followed by its number
        plain = f"{s[:titled.start()]} {titled.group('v')}{s[titled.end():]}".strip()
        inner = _read(plain, vocab, depth + 1)
        if inner.id != "unknown" and inner.version_stated:
            return replace(inner, evidence=f"title {s[:80]!r} read as {plain[:80]!r}: "
                           f"{inner.evidence}")
    nothing = states_nothing(s)
    if nothing is not None:
        return LicenseMatch("unknown", 0.4, nothing, method="none")
    respelled = respell(s) if depth < _MAX_DEPTH else None
    if respelled is not None:
        inner = _read(respelled, vocab, depth + 1)
        if inner.id != "unknown":
            return replace(inner, evidence=f"DEP-5 name {s!r} read as {respelled!r}: "
                           f"{inner.evidence}")
    classifier = _CLASSIFIER.match(s)
    if classifier is not None and depth < _MAX_DEPTH:
        inner = _read(classifier.group(1), vocab, depth + 1)
        return replace(inner, evidence=f"PyPI classifier: {inner.evidence}")
    if depth < _MAX_DEPTH:
        lines = labelled_lines(text)
        if lines is not None:
            inner = _read(lines, vocab, depth)  # same depth: the rest starts with no label
            return replace(inner, evidence=f"licence label: {inner.evidence}")
        found = match_container(text, lambda t: _read(t, vocab, depth + 1)) or structured_form(
            s, lambda t: _read(t, vocab, depth + 1), _render)
        if found is not None:
            return found
        found = with_exception(s, lambda t: _read(t, vocab, depth + 1), _render)
        if found is not None:
            return found
    if looks_like_url(s):
        badge = shields_text(s)
        if badge is not None and depth < _MAX_DEPTH:
            inner = _read(badge, vocab, depth + 1)
            if inner.id != "unknown":
                return replace(
                    inner, evidence=f"shields.io licence badge {badge!r}: {inner.evidence}"
                )
        url = match_url(s, vocab)
        if url is not None and url.license_id is not None:
            return LicenseMatch(
                url.license_id,
                url.confidence,
                url.evidence,
                method="url",
                version_stated=url.version_stated,
            )
        if url is None:
            named = match_cc(alias_key(s.rsplit("/", 1)[-1]), vocab)
            if named is not None:
                return LicenseMatch(
                    named.license_id,
                    0.7,
                    f"licence named in URL path: {named.evidence}",
                    method="url",
                    version_stated=named.version_stated,
                )
        reason = url.evidence if url is not None else "URL names no licence we know"
        return LicenseMatch("unknown", 0.5 if url else 0.3, reason, method="url")
    template = template_parts(s)
    if template is not None or cc_versions(s) or bare_template(s):
        name, params = template if template is not None else (s, [])
        commons = read_template(name, params, lambda t: _read(t, vocab, depth + 1), _render,
                                deep=depth < _MAX_DEPTH)
        if commons is not None:
            return commons
        if template is not None and depth < _MAX_DEPTH:
            return LicenseMatch("unknown", 0.3, f"Wikimedia template {{{{{name}}}}} not known",
                                method="none")
    # "MIT~X11": DEP-5 writers mark a variant of a licence with '~' (the alias keys fold it)
    lid = vocab.lookup_alias(s) if "~" not in s else None
    if lid is not None and _IDENTIFIER.fullmatch(s) and lid.casefold().startswith(_CC_IDS):
        # "Attribution" alone is CC's title; "attribution", one lower-case word, is how DEP-5
        # and tags name a licence of their own (its text is elsewhere): custom terms
        return LicenseMatch(_CUSTOM, 0.7, f"{s!r} is a local name in lower case, not a "
                            "Creative Commons title: terms of its own (custom)", method="alias")
    if lid is not None:
        return _later(_from_entry(lid, 0.95, f"alias {s[:80]!r} of {lid}", "alias"), s, vocab)
    own_terms = local_name(s)
    if own_terms is not None:
        return own_terms
    other = other_version(s, vocab)
    if other is not None:
        return other
    if depth < _MAX_DEPTH:
        variant = variant_of(s, lambda t: _read(t, vocab, depth + 1))
        if variant is not None:
            return variant
    if depth < _MAX_DEPTH and _SLASHED_TOKEN.match(s) and spdx_name_id(s) is None:
        found = _split(s, vocab, depth)  # "MIT/Bellcore", "GPL-2+/LGPL-2+": the list readers'
        if found is not None:
            return found
    if not localised:
        local = localise(s)
        if local != s:
            found = _read(local, vocab, depth, localised=True)
            if found.id != "unknown":
                return replace(found, evidence=f"translated to {local[:80]!r}: {found.evidence}")
    gnu = gnu_name(s, vocab)
    if gnu is not None:
        return gnu
    compact = match_compact(s, vocab)
    if compact is not None:
        return LicenseMatch(
            compact.license_id,
            compact.confidence,
            compact.evidence,
            method="alias",
            version_stated=compact.version_stated,
        )
    spdx = spdx_name_id(s)
    if spdx is not None:
        return LicenseMatch(spdx, 0.9, f"SPDX licence list name of {spdx}", method="alias")
    found = _expression(s, vocab)
    if found is not None:
        return found
    found = _split(s, vocab, depth) or bsd_clauses(s, vocab)
    if found is not None:
        return found
    words = s.count(" ") + 1
    by_reference = granted_by_reference(s)
    if by_reference is not None:
        lid, wording = by_reference
        return LicenseMatch(lid, 0.85, f"terms granted by reference ({wording!r}): {lid}",
                            method="phrase-grant")
    if words >= _LONG_TEXT_WORDS:
        found = _text_match(s, vocab)
        if found is not None and (found.score or 0.0) >= 0.8:
            return found
        found = spdx_text_match(s, vocab)
        if found is not None:
            return _text_families(_gnu_family(found, s, vocab), s, vocab)
    # names count only where the text states a licence: not in prose that merely mentions
    # licences, and in a long document only on its lines that state one (statement.py)
    mention = mentions_only(s)
    document = statement_lines(text) if words >= _LONG_TEXT_WORDS else None
    key = alias_key(mask_lowercase_acronyms(s if document is None else document)[:5000])
    cc = None if mention else match_cc(key, vocab)
    if cc is not None:
        return LicenseMatch(
            cc.license_id,
            cc.confidence,
            cc.evidence,
            method="cc-text",
            version_stated=cc.version_stated,
        )
    like = key.startswith(("modified ", "adapted ", "amended ", "based on ", "derived from ")) or \
        bool(re.search(r"^\w+(?: \w+)? (?:style|like|ish)(?: license)?$|\bsimilar to\b", key))
    names = [] if like or mention else find_names(key, vocab)
    if names and _STYLE.search(s[:5000]):
        # "governed by a BSD-style license": terms like the BSD's, not the BSD licence (custom)
        return LicenseMatch("LicenseRef-clearance-custom", 0.6, f"the text names a licence "
                            f"'like' {', '.join(_tidy(names))}: terms of its own (custom)",
                            method="alias")
    if own_name(s, names, key):
        # one short name that mentions a licence among other words ("DONT-CHANGE-THE-GPL",
        # "Hybrid-BSD"): the name of a licence of its own, not the licence it mentions
        return LicenseMatch("LicenseRef-clearance-custom", 0.6, f"short name {s!r} mentions "
                            f"{', '.join(_tidy(names))} but names a licence of its own (custom)",
                            method="alias")
    if names:
        ids = _tidy(names)
        joiner = " OR " if _DUAL.search(s) else " AND "
        rendered = ids[0] if len(ids) == 1 else _render(joiner.join(ids))
        if rendered is not None:
            by_name = _from_entry(
                rendered,
                0.75 if len(ids) == 1 else 0.6,
                f"licence name(s) in text: {', '.join(ids)}",
                "substring",
            )
            if len(ids) == 1:
                return _later(gnu_notice_version(by_name, s, vocab), s, vocab)
            return by_name
    if not mention and _SOME_CC.search(key) and has_cue(s):
        # a statement under "a CC licence" without its elements: some CC licence, not known which
        return LicenseMatch("LicenseRef-clearance-cc-unspecified", 0.6, "a statement names a "
                            "Creative Commons licence without its elements", method="cc-text")
    if licence_fragment(s, names_found=bool(find_names(alias_key(s[:5000]), vocab))) and not (
            words < _LONG_TEXT_WORDS and states_public_domain(s)):
        return LicenseMatch("unknown", 0.3, "a passage of a licence text (it speaks of 'the "
                            "License' and names none): it states no licence for the work",
                            method="none")
    if words >= _TEXT_WORDS and not mention:
        found = _snippet_match(s, vocab, words)
        if found is not None:
            return _text_families(found, s, vocab)
    # a phrase counts only in prose: words inside a URL ("/pages/public-domain/") state nothing
    prose = _URL_IN_TEXT.sub(" ", s[:5000])
    phrase = match_phrase(alias_key(prose), prose)
    if phrase is not None:
        return LicenseMatch(phrase.license_id, phrase.confidence, phrase.evidence, method="phrase")
    return LicenseMatch("unknown", 0.2, "no licence recognised", method="none")


_STYLE = re.compile(r"\w[-\s](?:style|like|alike|ish)\s+(?:open[-\s]source\s+)?licen[cs]es?\b",
                    re.IGNORECASE)
_SLASHED_TOKEN = re.compile(r"^[^\s/:]+(?:/[^\s/:]+)+$")
_GLUED_OPERATOR = re.compile(r"(?<=[\w.+])_(OR|AND|WITH)_(?=[A-Za-z])")
_SOME_CC = re.compile(r"\b(?:creative commons|cc)(?: |-)?licen[cs]e\b")
_URL_IN_TEXT = re.compile(r"(?i)\b(?:https?|ftp)://\S+|\bwww\.\S+")


def normalize_license(value: str, *, vocabulary: Vocabulary | None = None) -> LicenseMatch:
    """Return the canonical licence id of one piece of evidence, with confidence and evidence.

    ``value`` may be an SPDX id or expression, a licence name in any spelling, a licence URL,
    a full or partial licence text, an HTML fragment with ``rel="license"``, XMP, or Hugging
    Face card lines (``license: other`` + ``license_name:``). Anything unrecognised, and
    anything empty, is ``unknown`` (treated as all rights reserved, never as permission).
    """
    vocab = vocabulary if vocabulary is not None else default_vocabulary()
    raw = value if isinstance(value, str) else str(value)
    found = part_only(ogl_jurisdiction(_read(raw[:MAX_INPUT], vocab, 0), raw, vocab), raw,
                      _render)
    log.debug("licence %r -> %s (%s)", raw[:80], found.id, found.evidence)
    return replace(found, raw=raw[:500])
