# SPDX-License-Identifier: Apache-2.0
"""Structured forms a licence value comes in, unwrapped before the licence itself is read.

- an ecosystem's own licence vocabulary (CPAN's ``perl_5``, Unpaywall's
  ``publisher-specific-oa``; data in ``data/licenses/ecosystems/values.yaml``);
- one ``name = value`` / ``name: value`` line of a licence field (``XZ_LICENSE = ...``,
  ``"license": "MIT"``, ``license = { text = "BSD-3-Clause" }``);
- NuGet's licence URLs, which carry an SPDX expression (``licenses.nuget.org/(MIT%20OR%20X)``);
- Kaggle's "Database: <licence>, Contents: <licence>";
- the Classpath exception in words ("with the classpath exception", "w/ CPE");
- CRAN's ``License:`` forms ("GPL (>= 2)", "MIT + file LICENSE"; see ``families.cran_form``).

Each form hands its inner value back to the normaliser (``read``) and says so in the evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import unquote

from clearance.enrich.licenses.ecosystems import ecosystem_value
from clearance.enrich.licenses.families import cran_form
from clearance.models import LicenseMatch

__all__ = ["labelled_lines", "structured_form"]

Read = Callable[[str], LicenseMatch]
Render = Callable[[str], "str | None"]

#: One ``name = value`` / ``name: value`` line whose name is a licence field (``XZ_LICENSE``,
#: ``"license"``, ``License``) in a Makefile, spec, manifest or TOML file.
_FIELD = re.compile(
    r"""^["']?((?:[A-Za-z0-9]+[_.-])*licen[cs]es?(?:[_.-][A-Za-z0-9]+)*)["']?\s*[:=]\s*"""
    r"""(\S.{0,300}?)\s*,?$""",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"""^[{\s]*(?:text\s*=\s*)?["']([^"']{1,300})["']""")
_DATABASE_CONTENTS = re.compile(r"^database:\s*(.{2,80}?),\s*contents:\s*(.{2,80})$", re.I)
_CLASSPATH = re.compile(r"[,(]?\s*(?:with|w/|\+)\s*(?:the\s+)?(?:classpath\s+exception(?:\s+2\.0)?|"
                        r"cpe)\b\)?", re.IGNORECASE)
_LABEL = re.compile(r"^\s*licen[cs]e\s*:[ \t]*", re.IGNORECASE)
_KEY = re.compile(r"licen[cs]e(?:_name|_link)?\s*:", re.IGNORECASE)
_NUGET = re.compile(r"^(?:https?://)?licenses\.nuget\.org/([^?#\s]{1,300})$", re.IGNORECASE)


def labelled_lines(original: str) -> str | None:
    """Return several lines (a card) without the ``License:`` label put in front of them."""
    if "\n" not in original.strip():
        return None
    rest = original
    # a label is a "License:" followed (on its line or the next) by the card's own first key
    # ("License: license: mit"); the card's own "license: mit" or "license:\n- mit" is not
    while (label := _LABEL.match(rest)) is not None and _KEY.match(
        rest[label.end() :].lstrip("\n \t")
    ):
        rest = rest[label.end() :].lstrip("\n")  # "License:" then the card's own first key
    return rest if rest != original else None


def structured_form(s: str, read: Read, render: Render) -> LicenseMatch | None:
    """Return the licence a structured form of ``s`` holds, or None when ``s`` is none."""
    ecosystem = ecosystem_value(s)
    if ecosystem is not None:
        rendered = ecosystem if " " not in ecosystem else (render(ecosystem) or ecosystem)
        return LicenseMatch(rendered, 0.9, f"ecosystem licence value {s!r}: {rendered}",
                            method="alias")
    field = _FIELD.match(s)
    if field is not None:
        value = _QUOTED.search(field.group(2))
        stated = value.group(1) if value else field.group(2).strip(" ,;")  # keep {{templates}}
        if stated:
            got = read(stated)
            return replace(got, evidence=f"licence field {field.group(1)}: {got.evidence}")
    nuget = _NUGET.match(s)
    if nuget is not None:
        inner = read(unquote(nuget.group(1)))
        if inner.id != "unknown":
            return replace(inner, evidence=f"NuGet licence expression URL: {inner.evidence}")
    kaggle = _DATABASE_CONTENTS.match(s)
    if kaggle is not None:
        parts = [read(kaggle.group(i)) for i in (1, 2)]
        if all(p.id != "unknown" for p in parts):
            both = render(" AND ".join(f"({p.id})" for p in parts))
            if both is not None:
                return LicenseMatch(both, 0.85, "database and contents licensed apart: "
                                    + "; ".join(p.evidence for p in parts), method="multi")
    if _CLASSPATH.search(s):
        base = read(_CLASSPATH.sub(" ", s))
        if base.id in ("GPL-2.0-only", "GPL-2.0-or-later"):
            return LicenseMatch(f"{base.id} WITH Classpath-exception-2.0", 0.85,
                                f"{base.evidence}; with the Classpath exception",
                                method="expression")
    cran = cran_form(s)
    if cran is not None:
        inner = read(cran[0])
        if inner.id != "unknown" and not inner.id.startswith("LicenseRef-clearance-custom"):
            if "adds terms" in cran[1]:
                both = render(f"({inner.id}) AND LicenseRef-clearance-custom")
                if both is None:
                    return None
                return LicenseMatch(both, min(inner.confidence, 0.8),
                                    f"{cran[1]}: {inner.evidence}", method="multi")
            return replace(inner, evidence=f"{cran[1]}: {inner.evidence}")
    return None
