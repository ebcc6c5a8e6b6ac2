# SPDX-License-Identifier: Apache-2.0
"""Licence short names as ecosystems write them: SPDX ids, Debian DEP-5 names, exceptions.

- :func:`read_token` - one short name: an SPDX id in any case (deprecated ids mapped forward,
  ``GPL-2.0-with-autoconf-exception`` to ``GPL-2.0-only WITH Autoconf-exception-2.0``), a DEP-5
  standard short name with its version and ``+`` ("GPL-2+", "Expat", "GFDL-NIV-1.3",
  "Artistic", "Perl"); ``+`` on a licence without ``-or-later`` ids reads as the licence itself
  (later versions only add options, so it is never less restrictive);
- :func:`with_exception` - "<licence> with <words> exception" ("GPL-2+ with Autoconf
  exception", "LGPL-2.1 with Digia-1.1 exception"): the SPDX ``WITH`` expression when the
  exception has an SPDX id, else the licence alone (an exception only adds permissions);
- :func:`variant_of` - a known name with a word glued to it ("BSD-3-clause-Regents",
  "MIT-OpenVision"): DEP-5 lets a copyright file name any licence, so the name of a variant
  says only that its terms resemble another licence's. Custom terms, never the licence itself.

The tables are data (``data/licenses/ecosystems/shortnames.yaml``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict

from clearance.enrich.licenses.spdxdata import spdx_exceptions, spdx_licenses
from clearance.enrich.licenses.vocabulary import Vocabulary
from clearance.models import LicenseMatch
from clearance.yamlio import load_shipped

__all__ = ["own_name", "prefixed_variant", "read_token", "respell", "spdx_id", "variant_of",
           "with_exception"]

Read = Callable[[str], LicenseMatch]
Render = Callable[[str], "str | None"]


class _Template(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    unversioned: str | None = None
    versioned: str | None = None
    later: str | None = None


class _Exception(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str | None = None
    by_major: dict[str, str] = {}


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    dep5: dict[str, _Template]
    exceptions: dict[str, _Exception]
    deprecated: dict[str, str]
    neutral_suffixes: list[str]
    steward_prefixes: list[str]


@functools.lru_cache(maxsize=1)
def _table() -> _Table:
    return load_shipped(_Table, "licenses/ecosystems/shortnames.yaml")


@functools.lru_cache(maxsize=1)
def _spdx_ids() -> dict[str, tuple[str, bool]]:
    return {lid.casefold(): (lid, bool(e["deprecated"])) for lid, e in spdx_licenses().items()}


@functools.lru_cache(maxsize=1)
def _exception_ids() -> dict[str, str]:
    out: dict[str, str] = {}
    for eid in spdx_exceptions():
        out[eid.casefold()] = eid
        out.setdefault(re.sub(r"[-_ ]?exception\b", "", eid.casefold()), eid)
    return out


_TOKEN = re.compile(r"^[^\W_][\w.~+-]{0,60}$")
_DEP5 = re.compile(r"^(?P<name>[a-z][a-z0-9+-]*?)(?:[-_ ]?v?(?P<v>\d+(?:\.\d+)*[a-z]?))?$")
_GNU_FORWARD = re.compile(r"^(A?GPL|LGPL|GFDL)-(\d\.\d)\+?$", re.IGNORECASE)


def _edges(text: str) -> str:
    """Return a short name without the noise a value carries at its ends (quotes, bullets,
    a full stop, a bracket that closes nothing)."""
    s = text.strip().strip("\"'`*;:, \t\r\n")
    while s.endswith((")", ".", "]")) and not ("(" in s or "[" in s) and len(s) > 1:
        s = s[:-1].rstrip()
    while s.startswith(("(", "[")) and not (")" in s or "]" in s) and len(s) > 1:
        s = s[1:].lstrip()
    return s.strip("\"'`*;:, ")


def spdx_id(token: str) -> str | None:
    """Return the SPDX id (or forward expression) a token spells in any case, or None."""
    found = _spdx_ids().get(token.casefold())
    if found is None:
        return None
    lid, deprecated = found
    if not deprecated:
        return lid
    forward = next((v for k, v in _table().deprecated.items() if k.casefold() == lid.casefold()),
                   None)
    if forward is not None:
        return forward
    gnu = _GNU_FORWARD.match(lid)
    if gnu is not None:
        plus = lid.endswith("+")
        return f"{gnu.group(1)}-{gnu.group(2)}-{'or-later' if plus else 'only'}"
    return lid


def _versions(v: str) -> list[str]:
    return [v, f"{v}.0", f"{v}.0.0"] if "." not in v else [v, v.rstrip("0").rstrip(".")]


def _known(lid: str, vocab: Vocabulary) -> bool:
    if " " in lid or vocab.get(lid) is not None:
        return True
    found = _spdx_ids().get(lid.casefold())
    return found is not None and found[0] == lid


def _dep5(name: str, plus: bool, vocab: Vocabulary) -> tuple[str, bool] | None:
    """Return (id, the '+' was honoured) for a DEP-5 standard short name, or None."""
    m = _DEP5.match(name.casefold())
    if m is None:
        return None
    template = _table().dep5.get(m.group("name"))
    version = m.group("v")
    if template is None:
        return None
    if version is None:
        return (template.unversioned, False) if template.unversioned else None
    for v in _versions(version):
        if plus and template.later:
            lid = template.later.format(v=v)
            if _known(lid, vocab):
                return lid, True
        if template.versioned:
            lid = template.versioned.format(v=v)
            if _known(lid, vocab):
                return lid, False
    return None


def read_token(text: str, vocab: Vocabulary) -> LicenseMatch | None:
    """Return the licence one ecosystem short name stands for, or None."""
    s = _edges(text)
    inner_plus = "+" in s[:-1] and s.casefold() not in _table().dep5  # "OpenSSL+SSLeay"
    if not _TOKEN.match(s) or s.count("+") > 1 or inner_plus:
        return None
    plus = s.endswith("+")
    base = s[:-1] if plus else s
    lid = spdx_id(s) or spdx_id(base)
    how = "SPDX id"
    honoured = lid is not None and spdx_id(s) is not None
    if lid is None:
        found = _dep5(base, plus, vocab)
        if found is None:
            return None
        (lid, honoured), how = found, "Debian DEP-5 short name"
    if plus and not honoured:
        later = lid.removesuffix("-only") + "-or-later"
        if lid.endswith("-only") and _known(later, vocab):
            lid = later
        else:
            how += "; '+' (or later versions) only adds options: read as the version stated"
    stated = not lid.endswith("-unversioned")
    evidence = f"{how} {s!r}: {lid}" + ("" if stated else "; version not stated")
    return LicenseMatch(lid, 0.95, evidence, method="alias", version_stated=stated)


_WITH = re.compile(
    r"^(?P<base>.{1,120}?)\s*(?:,\s*)?\b(?:with|w/)\s+(?:the\s+)?(?P<words>[^,;()]{1,60}?)"
    r"[\s_-]*(?:exceptions?|note)(?:\s*(?:version|v)?\s*[\d.]+)?[\s.)]*$",
    re.IGNORECASE,
)
_MAJOR = re.compile(r"-(\d)\.\d")


def _exception_id(words: str, base_id: str) -> str | None:
    key = " ".join(words.casefold().replace("_", " ").split())
    entry = _table().exceptions.get(key) or _table().exceptions.get(key.replace(" ", "-"))
    if entry is not None:
        if entry.id is not None:
            return entry.id
        major = _MAJOR.search(base_id)
        return entry.by_major.get(major.group(1)) if major else None
    return _exception_ids().get(key.replace(" ", "-"))


def with_exception(text: str, read: Read, render: Render) -> LicenseMatch | None:
    """Return "<licence> WITH <exception>" for "<licence> with <words> exception", or None."""
    if len(text) > 200:
        return None
    m = _WITH.match(text.strip())
    if m is None:
        return None
    base = read(m.group("base"))
    if base.id == "unknown" or " OR " in base.id or " AND " in base.id or " WITH " in base.id:
        return None
    exception = _exception_id(m.group("words"), base.id)
    if exception is None:
        return LicenseMatch(base.id, min(base.confidence, 0.85),
                            f"{base.evidence}; with an exception ({m.group('words').strip()}) "
                            "that has no SPDX id: it only adds permissions", method=base.method,
                            version_stated=base.version_stated)
    rendered = render(f"{base.id} WITH {exception}")
    if rendered is None:
        return None
    return LicenseMatch(rendered, min(base.confidence, 0.9),
                        f"{base.evidence}; with the {exception}", method="expression",
                        version_stated=base.version_stated)


_PLUS_THEN_WORDS = re.compile(r"^(?P<base>[^\W_][\w.~-]*\+)[-_](?P<rest>[a-z][\w-]*)$", re.I)
_DOTTED = re.compile(r"^[A-Za-z]{2,}(?:\.[A-Za-z]{2,}){2,}$")
_NO_INVARIANTS = re.compile(r"^no[-_]?invariants?(?:[-_]sections?)?$", re.I)
_GFDL = re.compile(r"^GFDL-(?P<v>\d(?:\.\d)?)\+$", re.I)


_PLURAL_CLAUSES = re.compile(r"(?<=\d-)clauses\b", re.IGNORECASE)


def respell(text: str) -> str | None:
    """Return a DEP-5 name with words after its '+' spelled the way the readers read it, or
    None: "GPL-3+-autoconf-exception" -> "GPL-3+ with autoconf exception",
    "GFDL-1.3+-no-invariant" -> "GFDL-NIV-1.3+" (the DEP-5 name of the same licence)."""
    plural = _PLURAL_CLAUSES.sub("Clause", _edges(text))
    if plural != _edges(text) and _TOKEN.match(plural):
        return plural  # "BSD-3-Clauses": the plural of the clause count
    dotted = _DOTTED.match(_edges(text))
    if dotted is not None:  # "FSF.Unlimited.License": words joined by dots
        return " ".join(_edges(text).split("."))
    m = _PLUS_THEN_WORDS.match(_edges(text))
    if m is None:
        return None
    base, rest = m.group("base"), m.group("rest")
    if rest.casefold() in ("exc", "exception", "except", "exceptions"):
        return base  # "LGPL-2+-exc": an exception not named only adds permissions
    if rest.casefold().endswith("exception"):
        words = re.sub(r"^with\b", "", re.sub(r"[-_]", " ", rest[: -len("exception")]).strip())
        words = words.strip()
        return f"{base} with {words} exception" if words else None
    gfdl = _GFDL.match(base)
    if gfdl is not None and _NO_INVARIANTS.match(rest):
        return f"GFDL-NIV-{gfdl.group('v')}+"
    return None


_SPLIT_POINT = re.compile(r"[-_~]")
_OR_NAMES = re.compile(r"(?<=\d)-or-(?=[A-Z]{2})|\+[-_](?:or|and)[-_]", re.IGNORECASE)


def variant_of(text: str, read: Read) -> LicenseMatch | None:
    """Return custom terms for a known licence name with a word glued to it, or None."""
    s = _edges(text)
    if not _TOKEN.match(s) or re.search(r"\+(?![-_~]|$)", s) or _OR_NAMES.search(s):
        return None  # "GPL-3-or-GPL-2": two names, the list readers' job
    neutral = set(_table().neutral_suffixes)
    cuts = [m.start() for m in _SPLIT_POINT.finditer(s)]
    for cut in reversed(cuts):
        base, suffix = s[:cut], s[cut + 1 :]
        if not base or not re.search(r"[a-z]", suffix, re.IGNORECASE):
            continue
        words = [w for w in re.split(r"[-_~.]", suffix.casefold()) if w]
        if all(w in neutral or w.isdigit() for w in words):
            continue
        found = read(base)
        if found.method == "ambiguous":  # "Unicode-data": a variant of one of several licences
            return LicenseMatch("LicenseRef-clearance-custom", 0.8,
                                f"{s!r} names a variant of an ambiguous name ({found.evidence}):"
                                " custom", method="alias")
        if found.id == "unknown" or found.method in ("phrase", "none", "empty"):
            continue
        if found.id in ("public-domain", "all-rights-reserved"):
            return None  # "public-domain-md4": a statement with a label, not a licence
        if found.id.startswith(("CC-", "CC0", "LicenseRef-clearance-cc-")):
            return None  # CC elements, versions and ports: the CC readers' job
        return LicenseMatch("LicenseRef-clearance-custom", 0.8,
                            f"{s!r} names a variant of {found.id} (its own terms, stated "
                            f"elsewhere and not read): custom, not {found.id}", method="alias")
    return None


def own_name(text: str, names_found: list[str], key: str) -> bool:
    """Return whether one short name that mentions a licence (``key``: its alias key, in which
    the readers found ``names_found``) has words of its own besides a steward's prefix."""
    s = _edges(text)
    if not names_found or not _TOKEN.match(s) or not re.search(r"[-_~]", s):
        return False
    rest = key
    for word in sorted(set(re.split(r"\s+", " ".join(_names_keys(names_found, key)))), key=len,
                       reverse=True):
        rest = re.sub(rf"(?<![\w.]){re.escape(word)}(?![\w])", " ", rest)
    extra = [w for w in rest.split() if not w.replace(".", "").isdigit()]
    stewards = set(_table().steward_prefixes)
    return any(w not in stewards and w not in _table().neutral_suffixes for w in extra)


def _names_keys(ids: list[str], key: str) -> list[str]:
    """Return the words of ``key`` that belong to the found licence names (best effort: any
    word that is part of an id, case-folded, or a licence family word)."""
    words = set()
    for lid in ids:
        words |= {w for w in re.split(r"[-_. ]", lid.casefold()) if w}
    return [w for w in key.split() if w in words or any(w in lid.casefold() for lid in ids)]


_PREFIXED = re.compile(
    r"^(?P<prefix>[A-Za-z][A-Za-z0-9]{1,20})[-_](?P<rest>[A-Za-z][\w.+-]{1,60})$")


def prefixed_variant(text: str, read: Read) -> LicenseMatch | None:
    """Return custom terms for a short name made of a word of its own before a licence id
    ("Xmt-BSD-3-Clause": Xmt's BSD-3-Clause, a text of its own stated elsewhere), or None. A
    steward's or publisher's word ("gnu-gpl", "odc-pddl") keeps the licence's name, and a
    prefix that is a licence itself is a list's business."""
    m = _PREFIXED.match(_edges(text))
    if m is None or m.group("prefix").casefold() in set(_table().steward_prefixes):
        return None
    rest = read(m.group("rest"))
    if rest.id == "unknown" or rest.method not in ("id", "token", "alias") or " " in rest.id \
            or rest.id.startswith("LicenseRef-clearance-") or rest.id in ("public-domain",
                                                                         "all-rights-reserved"):
        return None
    if read(m.group("prefix")).id != "unknown":
        return None
    return LicenseMatch("LicenseRef-clearance-custom", 0.8,
                        f"{_edges(text)!r}: {m.group('prefix')!r} before {rest.id} names a "
                        f"variant of it (its own terms, stated elsewhere and not read): custom, "
                        f"not {rest.id}", method="alias")
