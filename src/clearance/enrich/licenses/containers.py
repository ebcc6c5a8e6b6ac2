# SPDX-License-Identifier: Apache-2.0
"""Pull licence evidence out of its carriers: HTML ``rel="license"``, XMP, Hugging Face cards.

Hostile input is expected: everything is read with bounded regular expressions, never with
an XML or YAML parser that could be made to expand entities or build objects. Each carrier
yields candidate strings; the caller normalises them and this module reports which carrier
and field they came from.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from clearance.models import LicenseMatch

__all__ = ["match_container"]

Normalise = Callable[[str], LicenseMatch]

_TAG = re.compile(r"<(?:a|link|area)\b[^>]{0,2000}>", re.IGNORECASE)
_REL_LICENSE = re.compile(r"""\brel\s*=\s*["']?[^"'>]*\blicense\b""", re.IGNORECASE)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_CC_LICENSE = re.compile(
    r"""<cc:license\b[^>]{0,2000}?rdf:resource\s*=\s*["']([^"']+)["']|"""
    r"""<cc:license\b[^>]{0,2000}?>([^<]{1,2000})</cc:license>|"""
    r"""\bcc:license\s*=\s*["']([^"']+)["']""",
    re.IGNORECASE,
)
_USAGE_TERMS = re.compile(
    r"<xmpRights:UsageTerms\b[^>]{0,2000}>(.{0,20000}?)</xmpRights:UsageTerms>|"
    r"""\bxmpRights:UsageTerms\s*=\s*["']([^"']+)["']""",
    re.IGNORECASE | re.DOTALL,
)
_WEB_STATEMENT = re.compile(
    r"""<xmpRights:WebStatement\b[^>]{0,2000}?(?:rdf:resource\s*=\s*["']([^"']+)["'][^>]*>|>"""
    r"""([^<]{1,2000})</xmpRights:WebStatement>)|\bxmpRights:WebStatement\s*=\s*["']([^"']+)["']""",
    re.IGNORECASE,
)
_LI = re.compile(r"<rdf:li\b[^>]{0,500}>(.{0,20000}?)</rdf:li>", re.IGNORECASE | re.DOTALL)
_ANY_TAG = re.compile(r"<[^>]{0,2000}>")
_CARD_LINE = re.compile(
    r"^[ \t]*(license|license_name|license_link)[ \t]*:[ \t]*(.*)$", re.MULTILINE
)
_CARD_ITEM = re.compile(r"^[ \t]*-[ \t]*(.+)$")


def _first(groups: tuple[str | None, ...]) -> str:
    return next((g for g in groups if g), "")


def _html(text: str, normalise: Normalise) -> LicenseMatch | None:
    for tag in _TAG.findall(text):
        if not _REL_LICENSE.search(tag):
            continue
        href = _HREF.search(tag)
        if href:
            target = html.unescape(_first(href.groups())).strip()
            found = normalise(target)
            return LicenseMatch(
                found.id,
                found.confidence,
                f'HTML rel="license" {target}: {found.evidence}',
                method="html",
                version_stated=found.version_stated,
            )
    return None


def _xmp(text: str, normalise: Normalise) -> LicenseMatch | None:
    candidates: list[tuple[str, str]] = []
    for m in _CC_LICENSE.finditer(text):
        candidates.append(("cc:license", _first(m.groups())))
    for m in _WEB_STATEMENT.finditer(text):
        candidates.append(("xmpRights:WebStatement", _first(m.groups())))
    for m in _USAGE_TERMS.finditer(text):
        body = _first(m.groups())
        items = _LI.findall(body) or [body]
        candidates.extend(("xmpRights:UsageTerms", item) for item in items)
    for where, value in candidates:
        value = html.unescape(_ANY_TAG.sub(" ", value)).strip()
        if not value:
            continue
        found = normalise(value)
        if found.id != "unknown":
            return LicenseMatch(
                found.id,
                found.confidence,
                f"XMP {where}: {found.evidence}",
                method="xmp",
                version_stated=found.version_stated,
            )
    if candidates:
        return LicenseMatch(
            "unknown", 0.4, "XMP rights fields name no licence we know", method="xmp"
        )
    return None


def _card_values(text: str) -> dict[str, list[str]]:
    lines = text.splitlines()
    fields: dict[str, list[str]] = {}
    for number, line in enumerate(lines):
        m = _CARD_LINE.match(line)
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip().strip("\"'")
        values: list[str] = []
        if value.startswith("[") and value.endswith("]"):
            values = [v.strip().strip("\"'") for v in value[1:-1].split(",") if v.strip()]
        elif value:
            values = [value]
        else:
            for follow in lines[number + 1 : number + 20]:
                item = _CARD_ITEM.match(follow)
                if not item:
                    break
                values.append(item.group(1).strip().strip("\"'"))
        fields.setdefault(key, values)
    return fields


def _card(text: str, normalise: Normalise) -> LicenseMatch | None:
    fields = _card_values(text)
    licenses = fields.get("license")
    if not licenses:
        return None
    if [v.casefold() for v in licenses] == ["other"]:
        for key in ("license_name", "license_link"):
            for value in fields.get(key, []):
                found = normalise(value)
                if found.id != "unknown":
                    return LicenseMatch(
                        found.id,
                        min(found.confidence, 0.9),
                        f"HF card license: other + {key} {value!r}: {found.evidence}",
                        method="hf-card",
                        version_stated=found.version_stated,
                    )
        return LicenseMatch(
            "unknown", 0.9, "HF card license: other, no license_name we know", method="hf-card"
        )
    joined = " AND ".join(licenses) if len(licenses) > 1 else licenses[0]
    found = normalise(joined)
    return LicenseMatch(
        found.id,
        found.confidence,
        f"HF card license: {found.evidence}",
        method="hf-card",
        version_stated=found.version_stated,
    )


def match_container(text: str, normalise: Normalise) -> LicenseMatch | None:
    """Return the licence a carrier (HTML, XMP, HF card) states, or None if it is none."""
    if "<" in text:
        lowered = text[:200_000].lower()
        if "xmprights:" in lowered or "cc:license" in lowered:
            found = _xmp(text, normalise)
            if found is not None:
                return found
        if "rel" in lowered and "license" in lowered:
            found = _html(text, normalise)
            if found is not None:
                return found
    if "license" in text and ":" in text and _CARD_LINE.search(text):
        return _card(text, normalise)
    return None
