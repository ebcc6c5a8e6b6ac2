# SPDX-License-Identifier: Apache-2.0
"""Add source-category columns to canonical tables: once per host, path rules vectorised."""

from __future__ import annotations

import polars as pl
import pyarrow as pa

from clearance.enrich.categories import CategoryKnowledge, default_knowledge
from clearance.models import HostParts

__all__ = ["CATEGORY_FIELDS", "Categorizer"]

CATEGORY_FIELDS = (
    pa.field("category", pa.string(), metadata={"help": "Source category id."}),
    pa.field("category_confidence", pa.float32(), metadata={"help": "0..1."}),
    pa.field("category_reason", pa.string(), metadata={"help": "Rule that decided."}),
)
_LOOKUP_SCHEMA = {
    "host": pl.String,
    "__hc": pl.String,
    "__hconf": pl.Float32,
    "__hwhy": pl.String,
    "__path": pl.Boolean,
}


class Categorizer:
    """Callable adding category, category_confidence, category_reason to a canonical table."""

    def __init__(self, knowledge: CategoryKnowledge | None = None, cache_size: int = 1 << 21):
        self.knowledge = knowledge or default_knowledge()
        self._cache: dict[tuple[str, str | None], tuple[str, float, str, bool]] = {}
        self._cache_size = cache_size
        self._path_conf = self.knowledge.path_confidence

    def _decide(self, host: str, registrable: str | None) -> tuple[str, float, str, bool]:
        key = (host, registrable)
        hit = self._cache.get(key)
        if hit is None:
            suffix = registrable.split(".", 1)[1] if registrable and "." in registrable else None
            is_ip = ":" in host or host.replace(".", "").isdigit()
            parts = HostParts(
                host=host, registrable_domain=registrable, public_suffix=suffix, is_ip=is_ip
            )
            d = self.knowledge.for_host(parts)
            path = d.path_first and (
                d.confidence < self._path_conf
                or d.reason.startswith("generic-host")
                or d.reason == "ip-literal"
            )
            hit = (d.category, d.confidence, d.reason, path)
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            self._cache[key] = hit
        return hit

    def __call__(self, table: pa.Table) -> pa.Table:
        """Return ``table`` with the three category columns appended (or replaced)."""
        frame = pl.from_arrow(table.select(["url", "host", "registrable_domain"]))
        assert isinstance(frame, pl.DataFrame)
        pairs = frame.select("host", "registrable_domain").unique().drop_nulls("host")
        hosts = pairs["host"].to_list()
        regs = pairs["registrable_domain"].to_list()
        decided = [self._decide(h, r) for h, r in zip(hosts, regs, strict=False)]
        lookup = pl.DataFrame(
            {
                "host": hosts,
                "__hc": [d[0] for d in decided],
                "__hconf": [d[1] for d in decided],
                "__hwhy": [d[2] for d in decided],
                "__path": [d[3] for d in decided],
            },
            schema=_LOOKUP_SCHEMA,
        ).unique("host", keep="first")
        frame = frame.with_row_index("__i").join(
            lookup, on="host", how="left", maintain_order="left"
        )
        frame = frame.with_columns(
            pl.col("__hc").fill_null("unknown"),
            pl.col("__hconf").fill_null(0.0),
            pl.col("__hwhy").fill_null("no-host"),
            pl.col("__path").fill_null(False),
        )
        needs = frame.filter(pl.col("__path"))
        if needs.height:
            cat, why = self.knowledge.path_expr(pl.col("url"))
            found = needs.select("__i", cat.alias("__pc"), why.alias("__pw")).filter(
                pl.col("__pc").is_not_null()
            )
            frame = frame.join(found, on="__i", how="left", maintain_order="left").with_columns(
                pl.coalesce("__pc", "__hc").alias("__hc"),
                pl.when(pl.col("__pc").is_not_null())
                .then(pl.lit(self._path_conf, pl.Float32))
                .otherwise(pl.col("__hconf"))
                .alias("__hconf"),
                pl.coalesce("__pw", "__hwhy").alias("__hwhy"),
            )
        cols = frame.select(
            pl.col("__hc").alias("category"),
            pl.col("__hconf").cast(pl.Float32).alias("category_confidence"),
            pl.col("__hwhy").alias("category_reason"),
        ).to_arrow()
        for field in CATEGORY_FIELDS:
            column = cols[field.name].cast(field.type)
            if field.name in table.column_names:
                table = table.set_column(table.column_names.index(field.name), field, column)
            else:
                table = table.append_column(field, column)
        return table
