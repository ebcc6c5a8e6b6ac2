# SPDX-License-Identifier: Apache-2.0
"""Licence values of ecosystems whose vocabularies are their own: CPAN's ``perl_5``,
Unpaywall's ``publisher-specific-oa``, PMC's ``NO-CC CODE``, access rights.

The table is data (``data/licenses/ecosystems/values.yaml``); a value matches only as a whole
(case-insensitive), since words like ``restricted`` or ``bsd`` mean something else in prose.
"""

from __future__ import annotations

import functools

from pydantic import BaseModel, ConfigDict

from clearance.yamlio import load_shipped

__all__ = ["ecosystem_url", "ecosystem_value"]


class _Values(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    values: dict[str, str]
    urls: dict[str, str] = {}


@functools.lru_cache(maxsize=1)
def _data() -> _Values:
    return load_shipped(_Values, "licenses/ecosystems/values.yaml")


@functools.lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    return {" ".join(k.casefold().split()): v for k, v in _data().values.items()}


def ecosystem_url(stripped: str) -> str | None:
    """Return the id or expression a licence URL of an ecosystem names (``stripped`` as
    :func:`clearance.enrich.licenses.urls.strip_url` returns it), or None."""
    urls = _data().urls
    probe = stripped
    while "/" in probe:
        found = urls.get(probe)
        if found is not None:
            return found
        probe = probe.rsplit("/", 1)[0]
    return None


def ecosystem_value(text: str) -> str | None:
    """Return the id or expression an ecosystem's own licence value stands for, or None."""
    if len(text) > 80:
        return None
    return _table().get(" ".join(text.casefold().split()))
