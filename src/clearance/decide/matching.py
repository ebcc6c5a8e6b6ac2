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
    "key_hosts",
    "keyed_urls",
    "match_domains",
    "match_prefixes",
    "match_values",
    "url_key_of",
    "url_keys",
]

_SCHEME = r"^(?:[A-Za-z][A-Za-z0-9+.\-]*:)?$"


def url_keys(urls: pl.Series) -> pl.Series:
    """Return the comparison keys of a URL column: ``host[:port]/path?query``, host lower-case.

    Scheme, user info, fragment and the default ports 80 and 443 are dropped and the path
    always starts with ``/`` (``a.b?q`` is ``a.b/?q``); a value that is not an absolute or
    scheme-relative URL gives null. Plain string splits, evaluated step by step (each
    intermediate column computed once).
    """
    frame = pl.DataFrame({"u": urls.cast(pl.String).str.strip_chars()})
    frame = frame.with_columns(pl.col("u").str.splitn("//", 2).alias("s")).select(
        pl.col("s").struct.field("field_0").alias("scheme"),
        pl.col("s")
        .struct.field("field_1")
        .str.splitn("#", 2)
        .struct.field("field_0")
        .alias("rest"),
    )
    frame = frame.with_columns(
        pl.min_horizontal(
            pl.col("rest").str.find("/", literal=True),
            pl.col("rest").str.find("?", literal=True),
        )
        .fill_null(pl.col("rest").str.len_bytes())
        .alias("cut")
    )
    frame = frame.select(
        pl.col("scheme").str.contains(_SCHEME).alias("ok"),
        pl.col("rest").str.slice(0, pl.col("cut")).alias("auth"),
        pl.col("rest").str.slice(pl.col("cut")).alias("path"),
    )
    host = (
        pl.col("auth")
        .str.replace(r"^[^@]*@", "")
        .str.to_lowercase()
        .str.strip_suffix(":80")
        .str.strip_suffix(":443")
    )
    path = (
        pl.when(pl.col("path").str.starts_with("/"))
        .then(pl.col("path"))
        .otherwise(pl.lit("/") + pl.col("path"))
    )
    out = frame.select(host.alias("host"), path.alias("path"), "ok").select(
        pl.when(pl.col("ok") & (pl.col("host") != ""))
        .then(pl.col("host") + pl.col("path"))
        .otherwise(None)
        .alias("key")
    )
    return out["key"]


def url_key_of(value: str) -> str | None:
    """Return the comparison key of one URL (the same rule as :func:`url_keys`)."""
    key = url_keys(pl.Series([value], dtype=pl.String))[0]
    return None if key is None else str(key)


def match_domains(
    hosts: pl.Series, domains: pl.DataFrame, *, best_only: bool = True
) -> pl.DataFrame:
    """Return ``row``, ``entry`` for every row whose host is, or is under, a listed domain.

    ``hosts`` is the host column (one value per row); ``domains`` has ``domain`` and ``entry``
    (an index into the caller's list). When a host falls under several listed domains, the
    most specific (longest) wins, or, with ``best_only=False``, every one is returned.
    """
    frame = pl.DataFrame({"host": hosts.cast(pl.String)}).with_row_index("row")
    distinct = frame.select(pl.col("host").drop_nulls().unique())
    labels = distinct.select(
        "host",
        pl.col("host").str.to_lowercase().str.strip_chars(".").str.split(".").alias("labels"),
    )
    lengths = labels["labels"].list.len()
    most = int(lengths.max()) if lengths.len() else 0  # type: ignore[arg-type]
    lookup = (
        pl.concat(
            [
                labels.filter(pl.col("labels").list.len() > i).select(
                    "host", pl.col("labels").list.slice(i).list.join(".").alias("domain")
                )
                for i in range(most)
            ],
        )
        if most
        else pl.DataFrame(schema={"host": pl.String, "domain": pl.String})
    )
    listed = domains.select(pl.col("domain").cast(pl.String), pl.col("entry"))
    found = lookup.join(listed, on="domain", how="inner")
    if best_only:
        found = found.sort(pl.col("domain").str.len_chars(), descending=True).unique(
            "host", keep="first"
        )
    best = found.select("host", "entry")
    if best_only:  # one entry per host: a hash lookup per row, no join
        entry = frame["host"].replace_strict(
            best["host"], best["entry"], default=None, return_dtype=best.schema["entry"]
        )
        hits = frame.select("row").with_columns(entry.alias("entry"))
        return hits.drop_nulls("entry")
    return frame.join(best, on="host", how="inner").select("row", "entry").sort("row")


def keyed_urls(urls: pl.Series, hosts: pl.Series | None, wanted: list[str]) -> pl.DataFrame:
    """Return ``row``, ``key`` (URL key) and ``phost`` (its host part) for the rows whose host
    is one of ``wanted`` (hosts without port), so keys are computed only where they can match.

    With a ``hosts`` column (the canonical, lower-case ``host``) the rows are picked by a hash
    lookup;
    without one, by an Aho-Corasick search of the URL text.
    """
    frame = pl.DataFrame({"url": urls.cast(pl.String)}).with_row_index("row")
    if not wanted:
        return pl.DataFrame(schema={"row": pl.UInt32, "key": pl.String, "phost": pl.String})
    if hosts is not None:  # the canonical host column is lower case already
        frame = frame.filter(hosts.cast(pl.String).is_in(wanted))
    elif len(wanted) <= 10_000:
        frame = frame.filter(pl.col("url").str.contains_any(wanted, ascii_case_insensitive=True))
    keyed = frame.select("row", url_keys(frame["url"]).alias("key")).drop_nulls("key")
    return keyed.with_columns(pl.col("key").str.extract(r"^([^/?]*)").alias("phost"))


def key_hosts(keys: pl.Series) -> list[str]:
    """Return the distinct hosts (port removed) of URL keys."""
    return keys.str.extract(r"^([^/?:]*)").drop_nulls().unique().to_list()


def match_prefixes(
    urls: pl.Series,
    prefixes: pl.DataFrame,
    *,
    hosts: pl.Series | None = None,
    best_only: bool = True,
) -> pl.DataFrame:
    """Return ``row``, ``entry`` for every row whose URL key starts with a listed prefix key.

    ``prefixes`` has ``prefix`` (a URL) and ``entry``; ``hosts`` is the rows' host column, when
    there is one (it lets the URL keys be computed only for rows on a listed host). Several
    matches keep the longest prefix unless ``best_only=False``.
    """
    pkeys = url_keys(prefixes["prefix"]) if prefixes.height else prefixes["prefix"].cast(pl.String)
    listed = prefixes.select(pkeys.alias("pkey"), pl.col("entry")).drop_nulls("pkey")
    listed = listed.with_columns(pl.col("pkey").str.extract(r"^([^/?]*)").alias("phost"))
    keyed = keyed_urls(urls, hosts, key_hosts(listed["pkey"]))
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
