# SPDX-License-Identifier: Apache-2.0
"""Wikimedia Commons licence templates: ``{{OGL3}}``, ``{{self|GFDL|cc-by-sa-all}}``, ``PD-...``.

Commons tags a file's licence with templates. Most spell a licence's name
(``{{Cc-by-sa-4.0}}``) and are read as that name; some are Commons' own names
(``{{Attribution}}`` is Commons' attribution-only licence, not CC BY; ``{{OGL3}}`` is the UK
Open Government Licence 3.0; ``{{Not-PD-US-URAA}}`` says the work is *not* public domain in
the US). Those are data (``data/licenses/wikimedia/templates.yaml``). ``{{self|A|B}}`` offers
each of its licences (``A OR B``), and ``PD-*`` templates state public domain.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import replace

from pydantic import BaseModel, ConfigDict

from clearance.models import LicenseMatch
from clearance.yamlio import load_shipped

__all__ = [
    "TEMPLATE",
    "WikimediaTemplates",
    "bare_template",
    "cc_versions",
    "read_template",
    "template_parts",
    "templates",
]

#: ``{{name|param|key=value}}`` as a whole value.
_EDGE = r"[\s.;,:()*`'\"-]*"  # noise a value may carry around the template
TEMPLATE = re.compile(rf"^{_EDGE}\{{\{{\s*([^{{}}|]{{1,80}})((?:\|[^{{}}]*)?)\}}\}}{_EDGE}$")
#: A template name written without braces: ``PD-old-70-expired``, ``Not-PD-US-URAA``.
_PD_TEMPLATE = re.compile(r"^pd[-_ ]", re.IGNORECASE)
#: "Cc-by-sa-3.0,2.5,2.0,1.0": one template for several versions
_CC_VERSIONS = re.compile(r"^(cc-[a-z-]+?)-(\d\.\d)((?:,\d\.\d)+)$", re.IGNORECASE)
_BARE = re.compile(r"^(?:Not-)?PD-[A-Za-z0-9][A-Za-z0-9-]{1,60}$")


class WikimediaTemplates(BaseModel):
    """The template table: Commons' own names, and templates offering several licences."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    templates: dict[str, str]
    any_of: dict[str, list[str]]


@functools.lru_cache(maxsize=1)
def templates() -> WikimediaTemplates:
    """Return the shipped template table (KnowledgeBaseError naming the file if invalid)."""
    return load_shipped(WikimediaTemplates, "licenses/wikimedia/templates.yaml")


def bare_template(text: str) -> bool:
    """Return whether ``text`` is a public-domain template name written without braces."""
    return bool(_BARE.match(text))


def template_parts(text: str) -> tuple[str, list[str]] | None:
    """Return (name, positional parameters) of a ``{{...}}`` value, or None."""
    m = TEMPLATE.match(text)
    if m is None:
        return None
    params = [p.strip() for p in m.group(2).split("|")[1:]]
    return m.group(1).strip(), [p for p in params if p and "=" not in p]


def cc_versions(text: str) -> bool:
    """Return whether ``text`` is a CC template naming several versions (cc-by-sa-3.0,2.5)."""
    return bool(_CC_VERSIONS.match(text))


def read_template(
    name: str,
    params: list[str],
    read: Callable[[str], LicenseMatch],
    render: Callable[[str], str | None],
    *,
    deep: bool = True,
) -> LicenseMatch | None:
    """Return the licence a Commons licence template names ({{Cc-by-sa-4.0}}), or None.

    ``read`` normalises a licence name (one level deeper); ``deep`` False forbids reading the
    template's name as a licence name (the depth limit was reached).
    """
    key = " ".join(name.replace("_", " ").split()).lower()
    table = templates()
    if key == "self" and params:
        offered = [read_template(p, [], read, render, deep=deep) for p in params[:8]]
        ids = [f.id for f in offered if f is not None]
        if len(ids) != len(offered) or not ids:
            return None
        rendered = render(" OR ".join(f"({i})" if " " in i else i for i in dict.fromkeys(ids)))
        if rendered is None:
            return None
        return LicenseMatch(rendered, 0.9, f"Wikimedia template self|{'|'.join(params[:8])}: "
                            f"the uploader offers {rendered}", method="multi")
    if key in table.templates:
        lid = table.templates[key]
        stated = not lid.endswith("-unversioned")
        return LicenseMatch(lid, 0.9, f"Wikimedia Commons template {{{{{name}}}}}: {lid}",
                            method="alias", version_stated=stated)
    if key in table.any_of:
        rendered = render(" OR ".join(table.any_of[key]))
        if rendered is not None:
            return LicenseMatch(rendered, 0.9, f"Wikimedia template {name}: any of "
                                f"{', '.join(table.any_of[key])}", method="multi")
    if key.startswith("not-pd"):
        return LicenseMatch("all-rights-reserved", 0.8,
                            f"Wikimedia template {name}: not in the public domain", method="alias")
    if _PD_TEMPLATE.match(name):
        return LicenseMatch(
            "public-domain", 0.85, f"Wikimedia public-domain template {name}", method="alias"
        )
    versions = _CC_VERSIONS.match(name)
    if versions is not None:
        parts = [versions.group(2), *versions.group(3).strip(",").split(",")]
        ids = [read(f"{versions.group(1)}-{v}").id for v in parts]
        if "unknown" not in ids:
            rendered = render(" OR ".join(dict.fromkeys(ids)))
            if rendered is not None:
                return LicenseMatch(rendered, 0.9,
                                    f"Wikimedia template {name}: any of {', '.join(ids)}",
                                    method="multi")
    if not deep:
        return None
    found = read(name)
    if found.id == "unknown":
        return None
    cc_words = found.id.startswith("LicenseRef-clearance-cc-")
    if cc_words and not re.search(r"(?i)\bcc|creative", name):
        return None  # CC element words without "CC": Commons' own terms, not a CC licence
    return replace(found, evidence=f"Wikimedia template {name}: {found.evidence}")
