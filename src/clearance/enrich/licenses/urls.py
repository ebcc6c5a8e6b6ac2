# SPDX-License-Identifier: Apache-2.0
"""Read a licence id out of a licence URL: CC deeds and legal code, SPDX, OSI, ODC, GNU, ...

URLs are compared scheme-less, without ``www.``, query, fragment, trailing slash or a
``.html``/``.txt``-style suffix. Creative Commons paths follow the fixed grammar
``licenses/<elements>/<version>[/<port>][/deed.<lang>|/legalcode[.<lang>]]``; a port with
an SPDX id (``by/3.0/de`` -> ``CC-BY-3.0-DE``) keeps it, other ports fall back to the base
licence and say so. Links to a repository's LICENSE file or a dataset page name no licence
by themselves: they come back as ``None`` with a reason, to be fetched and text-matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clearance.enrich.licenses.ecosystems import ecosystem_url
from clearance.enrich.licenses.vocabulary import Vocabulary

__all__ = ["UrlMatch", "looks_like_url", "match_url", "strip_url"]

_SCHEME = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_HOSTLIKE = re.compile(
    r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z][a-z0-9-]*[a-z](?::\d+)?(?:/|$)", re.IGNORECASE
)
_SUFFIX = re.compile(r"\.(?:[a-z]{2}(?:-[a-z]+)?\.)?(?:s?html?|txt|php|md|json|rdf|pdf)$")
_CC_TAIL = re.compile(r"^(?:deed|legalcode)(?:\.[a-z]{2,3}(?:[-_][a-z]+)?)?(?:\.txt)?$|^rdf$")
_CC_VERSION = re.compile(r"^[1-4]\.[015]$")
_CC_CODES = {
    "by": "by",
    "by-sa": "by-sa",
    "by-nc": "by-nc",
    "by-nc-sa": "by-nc-sa",
    "by-nd": "by-nd",
    "by-nc-nd": "by-nc-nd",
    "by-nd-nc": "by-nc-nd",
    "by-sa-nc": "by-nc-sa",
    "sa": "sa",
    "nc": "nc",
    "nd": "nd",
}
_DOC_LINK = re.compile(
    r"(?:^github\.com/|^raw\.githubusercontent\.com/|^gitlab\.com/|^huggingface\.co/|"
    r"^arxiv\.org/|^aclanthology\.org/|^zenodo\.org/|^kaggle\.com/|^drive\.google\.com/|"
    r"^docs\.google\.com/|^forms\.gle/)"
)


@dataclass(frozen=True, slots=True)
class UrlMatch:
    """What a URL says: the id (or None), how sure, why, and whether a version was stated."""

    license_id: str | None
    confidence: float
    evidence: str
    version_stated: bool = True


def looks_like_url(value: str) -> bool:
    """Return True when ``value`` is a URL with or without a scheme (one token, has a host)."""
    v = value.strip().strip("<>\"'")
    if not v or any(c.isspace() for c in v):
        return False
    return bool(_SCHEME.match(v)) or bool(_HOSTLIKE.match(v))


def strip_url(value: str) -> str:
    """Return the comparison form: lower case, no scheme/www/query/fragment/suffix/slash."""
    v = value.strip().strip("<>\"'()[]").lower()
    v = _SCHEME.sub("", v)
    v = v.split("#", 1)[0].split("?", 1)[0]
    host, _, path = v.partition("/")
    host = host.split("@")[-1].split(":")[0].removeprefix("www.")
    path = path.strip("/")
    path = _SUFFIX.sub("", path) if "/" in path or "." in path else path
    return f"{host}/{path}".rstrip("/") if path else host


def _creative_commons(path: str, vocab: Vocabulary) -> UrlMatch | None:
    parts = [p for p in path.split("/") if p]
    if parts[:3] == ["publicdomain", "zero", "1.0"] or parts[-1:] == ["cc0"]:
        return UrlMatch("CC0-1.0", 0.97, "creativecommons.org CC0 URL")
    if parts[:3] == ["publicdomain", "mark", "1.0"]:
        return UrlMatch("CC-PDM-1.0", 0.97, "creativecommons.org Public Domain Mark URL")
    if parts[:2] == ["licenses", "publicdomain"]:
        return UrlMatch("CC-PDDC", 0.9, "creativecommons.org public domain certification URL")
    if len(parts) < 2 or parts[0] != "licenses":
        return None
    code = _CC_CODES.get(parts[1])
    if code is None:
        return None
    rest = [p for p in parts[2:] if not _CC_TAIL.match(p)]
    if not rest or not _CC_VERSION.match(rest[0]):
        lid = vocab.cc.get((code, None))
        return (
            UrlMatch(
                lid,
                0.8,
                f"creativecommons.org/licenses/{parts[1]} without a version",
                version_stated=False,
            )
            if lid
            else None
        )
    version, port = rest[0], (rest[1] if len(rest) > 1 else None)
    lid = vocab.cc.get((code, version))
    if lid is None:
        return UrlMatch(None, 0.3, f"CC URL {code}/{version}: no such licence in the vocabulary")
    evidence = f"creativecommons.org URL: {code} {version}"
    if port:
        entry = vocab.entries[lid]
        if port in entry.ports:
            return UrlMatch(entry.ports[port], 0.97, f"{evidence}, jurisdiction port {port}")
        evidence += f", port {port} (no SPDX id; base licence)"
    return UrlMatch(lid, 0.97 if not port else 0.9, evidence)


_BADGE_HOSTS = ("i.creativecommons.org", "licensebuttons.net", "licensebuttons.org")
_BADGE_FILE = re.compile(r"/(?:\d+x\d+|somerights\d*)$")
_PRESSKIT = re.compile(
    r"^presskit/(?:buttons|icons)/(?:\d+x\d+/)?(?:png|svg)/([a-z0-9-]+?)(?:\.(?:png|svg))?$"
)
_SHIELDS = re.compile(r"^badge/licen[sc]e-(.+?)-[^-]+$", re.IGNORECASE)


def _badge(host: str, path: str, vocab: Vocabulary) -> UrlMatch | None:
    """Return the licence a CC button image URL shows (i.creativecommons.org/l/by/4.0/88x31)."""
    path = _BADGE_FILE.sub("", path)
    if path.startswith("l/"):
        found = _creative_commons("licenses/" + path[2:], vocab)
    elif path.startswith("p/"):
        found = _creative_commons("publicdomain/" + path[2:], vocab)
    else:
        return None
    if found is None or found.license_id is None:
        return found
    return UrlMatch(
        found.license_id,
        found.confidence,
        f"CC button image {host}: {found.evidence}",
        found.version_stated,
    )


def shields_text(value: str) -> str | None:
    """Return the licence text of a shields.io badge URL ("License-CC_BY--SA_4.0-..."), or None."""
    stripped = strip_url(value)
    host, _, path = stripped.partition("/")
    if host != "img.shields.io":
        return None
    m = _SHIELDS.match(path)
    if m is None:
        return None
    text = m.group(1).replace("%20", " ").replace("--", "\x00").replace("_", " ").replace("-", " ")
    return text.replace("\x00", "-").replace("__", "_")


def _spdx_token(token: str) -> str | None:
    from clearance.enrich.licenses.tokens import spdx_id

    found = spdx_id(token)
    return found if found is not None and " " not in found else None


def match_url(value: str, vocab: Vocabulary) -> UrlMatch | None:
    """Return what a licence URL identifies, or None when it is not a URL we can read."""
    stripped = strip_url(value)
    host, _, path = stripped.partition("/")
    if host in _BADGE_HOSTS:
        found = _badge(host, path, vocab)
        if found is not None:
            return found
    if host == "mirrors.creativecommons.org":
        kit = _PRESSKIT.match(path)
        if kit is not None:
            code = kit.group(1)
            if code in ("cc-zero", "zero", "cc0"):
                return UrlMatch("CC0-1.0", 0.85, "CC press-kit button: CC0")
            lid = vocab.cc.get((_CC_CODES.get(code, ""), None))
            if lid is not None:
                return UrlMatch(lid, 0.8, f"CC press-kit button {code} (no version)", False)
    if host in ("creativecommons.org", "creativecommons.net"):
        found = _creative_commons(path, vocab)
        if found is not None:
            return found
    if host == "spdx.org" and path.startswith("licenses/"):
        token = path.split("/")[1]
        canon = vocab.canonical_id(token) or _spdx_token(token)
        if canon is not None:
            return UrlMatch(canon, 0.97, "spdx.org licence page")
    if host == "rightsstatements.org" and path.startswith("page/"):
        stripped = f"{host}/vocab/{path[5:]}"  # the human-readable page of a statement
    probe = stripped
    while probe:
        lid = vocab.urls.get(probe)
        if lid is not None:
            exact = probe == stripped
            return UrlMatch(lid, 0.95 if exact else 0.85, f"known licence URL {probe}")
        probe = probe.rsplit("/", 1)[0] if "/" in probe else ""
    listed = ecosystem_url(stripped)
    if listed is not None:
        return UrlMatch(listed, 0.9, f"licence URL {stripped} (ecosystem URL table)")
    from clearance.enrich.licenses.spdxdata import spdx_url_ids

    lid = spdx_url_ids().get(stripped)
    if lid is not None:
        return UrlMatch(lid, 0.9, f"licence URL {stripped} (SPDX licence list seeAlso of {lid})")
    if host in ("opensource.org", "choosealicense.com") and "/" in path:
        last = path.rsplit("/", 1)[1]
        lid = vocab.lookup_alias(last) or _spdx_token(last)
        if lid is not None:
            return UrlMatch(lid, 0.9, f"{host} licence page")
    if _DOC_LINK.search(stripped):
        return UrlMatch(
            None, 0.5, "link to a document or repository page; the licence text was not fetched"
        )
    return None
