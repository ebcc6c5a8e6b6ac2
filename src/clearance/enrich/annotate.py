# SPDX-License-Identifier: Apache-2.0
"""Add source-category columns to canonical tables: once per host, path evidence vectorised.

A :class:`Categorizer` may be given the user's overrides (``--categories FILE``) and the home
page evidence of hosts (``host -> PageEvidence``, parsed from live or snapshot captures); both
are looked up once per distinct host. URL-prefix overrides are applied last, vectorised, and
win over everything.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

import polars as pl
import pyarrow as pa

from clearance.enrich.categories import CategoryKnowledge, HostCategory, default_knowledge
from clearance.enrich.overrides import CategoryOverrides, strip_url_expr
from clearance.models import HostParts
from clearance.signals.page import PageEvidence

__all__ = ["CATEGORY_FIELDS", "Categorizer"]

CATEGORY_FIELDS = (
    pa.field("category", pa.string(), metadata={"help": "Source category id."}),
    pa.field("category_confidence", pa.float32(), metadata={"help": "0..1."}),
    pa.field("category_reason", pa.string(), metadata={"help": "Rule that decided."}),
)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class Categorizer:
    """Callable adding category, category_confidence, category_reason to a canonical table."""

    def __init__(
        self,
        knowledge: CategoryKnowledge | None = None,
        cache_size: int = 1 << 21,
        *,
        overrides: CategoryOverrides | None = None,
        pages: Mapping[str, PageEvidence] | None = None,
    ):
        self.knowledge = knowledge or default_knowledge()
        self.overrides = overrides
        self.pages = pages or {}
        self._cache: dict[tuple[str, str | None], HostCategory] = {}
        self._cache_size = cache_size
        self._cats = self.knowledge.evidence_categories

    def _decide(self, host: str, registrable: str | None) -> HostCategory:
        key = (host, registrable)
        hit = self._cache.get(key)
        if hit is None:
            suffix = registrable.split(".", 1)[1] if registrable and "." in registrable else None
            parts = HostParts(
                host=host, registrable_domain=registrable, public_suffix=suffix, is_ip=_is_ip(host)
            )
            hit = self.knowledge.for_host(parts, self._page(host, registrable), self.overrides)
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            self._cache[key] = hit
        return hit

    def _page(self, host: str, registrable: str | None) -> PageEvidence | None:
        """Return the home-page evidence of the host, else of its registrable domain."""
        if not self.pages:
            return None
        for name in (host, registrable, f"www.{registrable}" if registrable else None):
            if name and name in self.pages:
                return self.pages[name]
        return None

    def _prefixes(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Apply URL-prefix overrides (longest first) over the category columns."""
        if self.overrides is None or not self.overrides.prefixes:
            return frame
        stripped = strip_url_expr(pl.col("url"))
        category, confidence, reason = pl.col("category"), pl.col("category_confidence"), \
            pl.col("category_reason")
        for override in reversed(self.overrides.prefixes):  # longest applied last, so it wins
            hit = stripped.str.starts_with(override.key).fill_null(False)
            category = pl.when(hit).then(pl.lit(override.category)).otherwise(category)
            confidence = pl.when(hit).then(pl.lit(1.0, pl.Float32)).otherwise(confidence)
            reason = pl.when(hit).then(pl.lit(self.overrides.reason(override))).otherwise(reason)
        return frame.with_columns(category.alias("category"),
                                  confidence.cast(pl.Float32).alias("category_confidence"),
                                  reason.alias("category_reason"))

    def apply_overrides(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Return a categorised frame with only the overrides applied over its categories.

        What ``assess --categories`` does to saved facts: every other decision (knowledge
        base, suffix, page evidence) stays as the scan made it, since an override wins over
        all of them anyway.
        """
        if self.overrides is None:
            return frame
        hosts = frame["host"].drop_nulls().unique().to_list()
        hits = {h: o for h in hosts if (o := self.overrides.for_host(h)) is not None}
        if hits:
            table = pl.DataFrame(
                {"host": list(hits), "__oc": [o.category for o in hits.values()],
                 "__ow": [self.overrides.reason(o) for o in hits.values()]},
                schema={"host": pl.String, "__oc": pl.String, "__ow": pl.String})
            joined = frame.join(table, on="host", how="left", maintain_order="left")
            hit = pl.col("__oc").is_not_null()
            frame = joined.with_columns(
                pl.when(hit).then(pl.col("__oc")).otherwise(pl.col("category")).alias("category"),
                pl.when(hit).then(pl.lit(1.0)).otherwise(pl.col("category_confidence"))
                .cast(pl.Float32).alias("category_confidence"),
                pl.when(hit).then(pl.col("__ow")).otherwise(pl.col("category_reason"))
                .alias("category_reason"),
            ).drop("__oc", "__ow")
        return self._prefixes(frame)

    def _lookup(self, frame: pl.DataFrame) -> pl.DataFrame:
        pairs = frame.select("host", "registrable_domain").unique().drop_nulls("host")
        hosts = pairs["host"].to_list()
        decided = [
            self._decide(h, r)
            for h, r in zip(hosts, pairs["registrable_domain"].to_list(), strict=True)
        ]
        columns: dict[str, list[object]] = {
            "host": hosts,
            "__hc": [d.category for d in decided],
            "__hconf": [d.confidence for d in decided],
            "__hwhy": [d.reason for d in decided],
            "__open": [d.open for d in decided],
            "__htok": [d.tokens for d in decided],
        }
        schema: dict[str, pl.DataType | type[pl.DataType]] = {
            "host": pl.String,
            "__hc": pl.String,
            "__hconf": pl.Float32,
            "__hwhy": pl.String,
            "__open": pl.Boolean,
            "__htok": pl.String,
        }
        for cat in self._cats:
            columns[f"__hs_{cat}"] = [dict(d.scores).get(cat, 0.0) for d in decided]
            schema[f"__hs_{cat}"] = pl.Float32
        return pl.DataFrame(columns, schema=schema).unique("host", keep="first")

    def frame(self, data: pl.DataFrame) -> pl.DataFrame:
        """Return a canonical Polars frame with category columns appended (or replaced)."""
        frame = data.select("url", "host").with_row_index("__i").join(
            self._lookup(data.select("host", "registrable_domain")), on="host", how="left",
            maintain_order="left",
        ).with_columns(
            pl.col("__hc").fill_null("unknown"),
            pl.col("__hconf").fill_null(0.0),
            pl.col("__hwhy").fill_null("no-host"),
            pl.col("__open").fill_null(False),
        )
        open_rows = frame.filter(pl.col("__open"))
        if open_rows.height:
            decided = self.knowledge.decide_open(open_rows).select(
                "__i", pl.col("__hc").alias("__dc"), pl.col("__hconf").alias("__dconf"),
                pl.col("__hwhy").alias("__dwhy"))
            frame = frame.join(decided, on="__i", how="left", maintain_order="left")
            frame = frame.with_columns(
                pl.coalesce("__dc", "__hc").alias("__hc"),
                pl.coalesce("__dconf", "__hconf").alias("__hconf"),
                pl.coalesce("__dwhy", "__hwhy").alias("__hwhy"),
            )
        return self._prefixes(data.with_columns(
            frame["__hc"].alias("category"),
            frame["__hconf"].cast(pl.Float32).alias("category_confidence"),
            frame["__hwhy"].alias("category_reason"),
        ))

    def __call__(self, table: pa.Table) -> pa.Table:
        """Return an Arrow table with the three category columns appended (or replaced)."""
        frame = pl.from_arrow(table.select(["url", "host", "registrable_domain"]))
        assert isinstance(frame, pl.DataFrame)
        cols = self.frame(frame).select(
            "category", "category_confidence", "category_reason").to_arrow()
        for field in CATEGORY_FIELDS:
            column = cols[field.name].cast(field.type)
            if field.name in table.column_names:
                table = table.set_column(table.column_names.index(field.name), field, column)
            else:
                table = table.append_column(field, column)
        return table
