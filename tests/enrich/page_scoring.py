# SPDX-License-Identifier: Apache-2.0
"""Scoring categorisation on labelled pages: URL only against URL plus the page as evidence."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pyarrow as pa

from clearance.enrich.annotate import Categorizer
from clearance.enrich.categories import category_ids, default_knowledge
from clearance.enrich.hosts import split_url_host
from clearance.signals.page import PageEvidence, parse_page


def score(name: str, rows: Sequence[Mapping[str, Any]],
          page_of: Callable[[Mapping[str, Any]], bytes]) -> dict[str, float]:
    """Return the shares right (strict, or counting ``also``) and unknown, URL only (``url_``)
    and with each row's page as evidence (``page_``); print them with the main confusions."""
    parts = [split_url_host(r["url"]) for r in rows]
    table = pa.table({"url": [r["url"] for r in rows], "host": [p.host for p in parts],
                      "registrable_domain": [p.registrable_domain for p in parts]})
    pages: dict[str, PageEvidence] = {}
    for part, row in zip(parts, rows, strict=True):
        assert part.host is not None
        pages[part.host] = parse_page(page_of(row))
    out: dict[str, float] = {"rows": len(rows)}
    for kind, categorizer in (("url", Categorizer()), ("page", Categorizer(pages=pages))):
        got = categorizer(table)["category"].to_pylist()
        strict = sum(g == r["category"] for g, r in zip(got, rows, strict=True))
        lenient = sum(g in (r["category"], r["also"]) for g, r in zip(got, rows, strict=True))
        unknown = got.count("unknown")
        wrong = Counter((r["category"], g) for g, r in zip(got, rows, strict=True)
                        if g not in (r["category"], r["also"], "unknown"))
        out[f"{kind}_right"] = strict / len(rows)
        out[f"{kind}_right_also"] = lenient / len(rows)
        out[f"{kind}_unknown"] = unknown / len(rows)
        print(f"\n{name} {kind}: {strict}/{len(rows)} right ({strict / len(rows):.1%}), "
              f"{lenient / len(rows):.1%} counting 'also'; unknown {unknown}; right among "
              f"decided {lenient}/{len(rows) - unknown}; confusions {wrong.most_common(6)}")
    return out


def check_labels(rows: Sequence[Mapping[str, Any]]) -> None:
    """Assert every label is a category and no row's host is in the knowledge base."""
    known = set(category_ids())
    for row in rows:
        assert row["category"] in known and row["also"] in known | {""}, row
        host = split_url_host(row["url"]).host
        assert host is not None and default_knowledge().lookup_domain(host) is None, host
