# SPDX-License-Identifier: Apache-2.0
"""The ranking of crawled domains by size of content, and the EU template's top-domain rule.

The Commission's template (section 2.3) asks for the internet domain names ("top and
second-level domain, e.g. example.com") in the top 10% of all domain names by the size of the
content scraped; small and medium-sized enterprises, start-ups included, list the top 5% or
1,000 domains. We read "domain name" as the registrable domain (eTLD+1 by the Public Suffix
List, the scan's ``registrable_domain``) and "size of the content" as bytes when the scan
knows the size of every crawled item, otherwise as the number of items; which measure was
used is stated in the summary. Ties are broken by item count, then by name, so the list is
reproducible. How many to list: ``ceil(10% of N)``; for SMEs ``min(ceil(5% of N), 1000)``.
Rounding up, and reading the SME rule as "whichever is lower", are our readings (the template
text we could check does not settle them) and the summary says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import polars as pl

__all__ = ["DomainRanking", "rank_domains", "top_domain_count"]

SHARE = 0.10
SME_SHARE = 0.05
SME_CAP = 1000


@dataclass(frozen=True)
class DomainRanking:
    """Every crawled registrable domain, largest first."""

    measure: str  # "bytes" or "items"
    domains: list[str] = field(default_factory=list)
    items: list[int] = field(default_factory=list)
    bytes: list[int] = field(default_factory=list)
    items_without_domain: int = 0

    def top(self, *, sme: bool) -> list[str]:
        """Return the domain names the template asks to list."""
        return self.domains[: top_domain_count(len(self.domains), sme=sme)]


def top_domain_count(n_domains: int, *, sme: bool) -> int:
    """Return how many of ``n_domains`` ranked domains the template asks to list."""
    if n_domains <= 0:
        return 0
    if sme:
        return min(math.ceil(SME_SHARE * n_domains), SME_CAP)
    return math.ceil(SHARE * n_domains)


def rank_domains(crawled: pl.DataFrame) -> DomainRanking:
    """Return the ranking of ``crawled`` items' ``registrable_domain`` by ``size_bytes``.

    Bytes are the measure only when every item with a domain has a size; otherwise the items
    are counted, so a domain is never ranked low because its sizes are missing.
    """
    if crawled.is_empty():
        return DomainRanking(measure="bytes")
    with_domain = crawled.filter(pl.col("registrable_domain").is_not_null())
    without = crawled.height - with_domain.height
    if with_domain.is_empty():
        return DomainRanking(measure="items", items_without_domain=without)
    sized = bool(with_domain.get_column("size_bytes").null_count() == 0)
    measure = "bytes" if sized else "items"
    grouped = with_domain.group_by("registrable_domain").agg(
        pl.len().alias("items"), pl.col("size_bytes").sum().fill_null(0).alias("bytes")
    )
    order = ["bytes", "items"] if sized else ["items", "bytes"]
    ranked = grouped.sort([*order, "registrable_domain"], descending=[True, True, False])
    return DomainRanking(
        measure=measure,
        domains=[str(d) for d in ranked.get_column("registrable_domain")],
        items=[int(n) for n in ranked.get_column("items")],
        bytes=[int(n) for n in ranked.get_column("bytes")],
        items_without_domain=without,
    )
