# SPDX-License-Identifier: Apache-2.0
"""Vectorised matching of items against lists of domains, URL prefixes, URLs and values.

Blocklists and takedown requests both ask "which items fall under which entry". Domains match
a host and every subdomain; the suffixes of each *distinct* host are listed once and joined,
so the cost follows the number of hosts, not rows. URL entries are compared on a key that
ignores the scheme, the fragment, a default port and the case of the host
(``example.com/a?b``); prefixes are joined on their host first, then checked with a
vectorised ``starts_with``. Each function returns ``(row, entry)`` pairs for the caller to
aggregate.
"""

from __future__ import annotations

import polars as pl

__all__ = [
    "host_suffixes",
    "match_domains",
    "match_prefixes",
    "match_values",
    "url_key",
    "url_key_of",
]

_URL = r"^(?:[A-Za-z][A-Za-z0-9+.\-]*:)?//(?:[^@/?#]*@)?([^/?#]*)([^#]*)"


def url_key(url: pl.Expr) -> pl.Expr:
    """Return the comparison key of a URL column: ``host[:port]/path?query``, host lower-case.

    Scheme, userinfo, fragment and the default ports 80 and 443 are dropped and an empty path
    becomes ``/``; a value that is not an absolute or scheme-relative URL gives null.
    """
    parts = url.str.strip_chars().str.extract_groups(_URL)
    host = parts.struct.field("1").str.to_lowercase().str.replace(r":(?:80|443)$", "")
    path = parts.struct.field("2")
    path = pl.when(path == "").then(pl.lit("/")).otherwise(path)
    return pl.when(host.is_null() | (host == "")).then(None).otherwise(host + path)


def url_key_of(value: str) -> str | None:
    """Return the comparison key of one URL (the same rule as :func:`url_key`)."""
    key = pl.select(url_key(pl.lit(value, pl.String))).item()
    return None if key is None else str(key)


def host_suffixes(host: str) -> list[str]:
    """Return a host and each parent domain: ``a.b.com`` -> ``a.b.com, b.com, com``."""
    labels = host.strip(".").split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


def match_domains(
    hosts: pl.Series, domains: pl.DataFrame, *, best_only: bool = True
) -> pl.DataFrame:
    """Return ``row``, ``entry`` for every row whose host is, or is under, a listed domain.

    ``hosts`` is the host column (one value per row); ``domains`` has ``domain`` and ``entry``
    (an index into the caller's list). When a host falls under several listed domains, the
    most specific (longest) wins, or, with ``best_only=False``, every one is returned.
    """
    frame = pl.DataFrame({"host": hosts.cast(pl.String).str.to_lowercase()}).with_row_index("row")
    distinct = frame["host"].drop_nulls().unique()
    pairs = [(h, s) for h in distinct.to_list() for s in host_suffixes(h)]
    lookup = pl.DataFrame(
        {"host": [p[0] for p in pairs], "domain": [p[1] for p in pairs]},
        schema={"host": pl.String, "domain": pl.String},
    )
    listed = domains.select(pl.col("domain").cast(pl.String), pl.col("entry"))
    found = lookup.join(listed, on="domain", how="inner")
    if best_only:
        found = found.sort(pl.col("domain").str.len_chars(), descending=True).unique(
            "host", keep="first"
        )
    best = found.select("host", "entry")
    return frame.join(best, on="host", how="inner").select("row", "entry").sort("row")


def match_prefixes(
    urls: pl.Series, prefixes: pl.DataFrame, *, best_only: bool = True
) -> pl.DataFrame:
    """Return ``row``, ``entry`` for every row whose URL key starts with a listed prefix key.

    ``prefixes`` has ``prefix`` (a URL) and ``entry``. Several matches keep the longest prefix
    unless ``best_only=False``.
    """
    listed = prefixes.select(url_key(pl.col("prefix")).alias("pkey"), pl.col("entry"))
    listed = listed.drop_nulls("pkey").with_columns(
        pl.col("pkey").str.extract(r"^([^/?]*)").alias("phost")
    )
    frame = pl.DataFrame({"url": urls.cast(pl.String)}).with_row_index("row")
    keyed = frame.select("row", url_key(pl.col("url")).alias("key")).drop_nulls("key")
    keyed = keyed.with_columns(pl.col("key").str.extract(r"^([^/?]*)").alias("phost"))
    joined = keyed.join(listed, on="phost", how="inner").filter(
        pl.col("key").str.starts_with(pl.col("pkey"))
    )
    if best_only:
        joined = joined.sort(pl.col("pkey").str.len_chars(), descending=True).unique(
            "row", keep="first"
        )
    return joined.select("row", "entry").sort("row")


def match_values(
    values: pl.Series, listed: pl.DataFrame, *, best_only: bool = True
) -> pl.DataFrame:
    """Return ``row``, ``entry`` for every row whose value equals a listed ``value`` exactly
    (the first entry per value, or every one with ``best_only=False``)."""
    frame = pl.DataFrame({"value": values.cast(pl.String)}).with_row_index("row")
    first = listed.select(pl.col("value").cast(pl.String), "entry")
    if best_only:
        first = first.unique("value", keep="first", maintain_order=True)
    return frame.join(first, on="value", how="inner").select("row", "entry").sort("row")
