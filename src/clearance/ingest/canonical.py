# SPDX-License-Identifier: Apache-2.0
"""Raw chunks to the canonical schema, vectorised: typed values, or a reason per bad row.

Every canonical column is one Polars expression for its value and one for its error; a row
with any error is rejected with the first failing column and the reason. Host columns are
computed here (once per distinct authority, cached) because a URL without a valid host is
itself a malformed row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl
import pyarrow as pa

from clearance.enrich.hosts import host_parts, raw_host_expr
from clearance.errors import ColumnMappingError
from clearance.ingest.readers.base import RawChunk
from clearance.ingest.schema import (
    ACQUISITION_CHANNELS,
    MODALITIES,
    POLARS_TYPES,
    REJECT_SCHEMA,
    SCHEMA,
)

__all__ = ["Canonicalizer", "Defaults"]

_SHA_RE = r"^[0-9a-f]{64}$"
_LANG_RE = r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$"
_NULL_LANGS = ["und", "nolang", "unknown", "none", "n/a", "na", "null", "-", "xx", "zxx"]
_TRUE = ["true", "t", "yes", "y", "1"]
_FALSE = ["false", "f", "no", "n", "0"]
_NULLISH = ["", "unknown", "null", "none", "n/a", "na", "?"]

MODALITY_SYNONYMS: dict[str, str] = {
    **{m: m for m in MODALITIES},
    "img": "image",
    "images": "image",
    "photo": "image",
    "picture": "image",
    "jpeg": "image",
    "png": "image",
    "txt": "text",
    "document": "text",
    "doc": "text",
    "speech": "audio",
    "sound": "audio",
    "music": "audio",
    "voice": "audio",
    "movie": "video",
    "clip": "video",
    "source_code": "code",
    "sourcecode": "code",
    "program": "code",
}
CHANNEL_SYNONYMS: dict[str, str] = {
    **{c: c for c in ACQUISITION_CHANNELS},
    "public": "public_dataset",
    "open_dataset": "public_dataset",
    "dataset": "public_dataset",
    "license": "licensed",
    "licence": "licensed",
    "licensed_data": "licensed",
    "purchased": "licensed",
    "third_party": "private_third_party",
    "vendor": "private_third_party",
    "partner": "private_third_party",
    "crawl": "provider_crawl",
    "crawled": "provider_crawl",
    "scraped": "provider_crawl",
    "scrape": "provider_crawl",
    "web_crawl": "provider_crawl",
    "user": "user_data",
    "user_generated": "user_data",
    "customer_data": "user_data",
    "generated": "synthetic",
    "model_generated": "synthetic",
}
EXTENSION_MODALITY: dict[str, str] = {
    **dict.fromkeys(
        [
            "jpg",
            "jpeg",
            "png",
            "gif",
            "webp",
            "bmp",
            "tif",
            "tiff",
            "svg",
            "heic",
            "heif",
            "avif",
            "ico",
            "jxl",
        ],
        "image",
    ),
    **dict.fromkeys(
        ["mp3", "wav", "flac", "ogg", "oga", "m4a", "aac", "opus", "mid", "midi"], "audio"
    ),
    **dict.fromkeys(
        ["mp4", "m4v", "mov", "webm", "mkv", "avi", "wmv", "flv", "mpeg", "mpg"], "video"
    ),
    **dict.fromkeys(
        ["txt", "md", "pdf", "html", "htm", "epub", "doc", "docx", "rtf", "tex"], "text"
    ),
    **dict.fromkeys(
        [
            "py",
            "js",
            "ts",
            "java",
            "c",
            "cpp",
            "h",
            "go",
            "rs",
            "rb",
            "php",
            "cs",
            "swift",
            "kt",
            "scala",
            "ipynb",
        ],
        "code",
    ),
}
_EXT_RE = r"\.([A-Za-z0-9]{1,5})(?:[?#].*)?$"


@dataclass(frozen=True, slots=True)
class Defaults:
    """Dataset-wide values for canonical columns the manifest lacks (CLI: --dataset-name ...)."""

    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Check:
    """A row check: a cheap boolean over all rows, and a message built only for failures."""

    column: str
    bad: pl.Expr
    reason: pl.Expr


def _check(column: str, bad: pl.Expr, reason: pl.Expr | str) -> _Check:
    return _Check(column, bad, pl.lit(reason) if isinstance(reason, str) else reason)


def _quoted(expr: pl.Expr) -> pl.Expr:
    return pl.lit("'") + expr.cast(pl.String).str.slice(0, 80) + pl.lit("'")


class Canonicalizer:
    """Turns raw chunks into canonical tables plus rejects; keeps the running row position."""

    def __init__(self, mapping: Mapping[str, str], defaults: Defaults | None = None) -> None:
        self.mapping = dict(mapping)
        self.defaults = dict(defaults.values) if defaults else {}
        self.position = 0

    def _text(self, df: pl.DataFrame, name: str) -> pl.Expr | None:
        """Return the cleaned text of a mapped column (stage 1 made it ``__t_<name>``)."""
        if f"__t_{name}" in df.columns:
            return pl.col(f"__t_{name}")
        return None

    def _stage_text(self, df: pl.DataFrame) -> pl.DataFrame:
        """Return ``df`` with every mapped column as stripped text (empty -> null), once."""
        exprs = []
        for name, column in self.mapping.items():
            if column not in df.columns:
                continue
            dtype = df.schema[column]
            if dtype.is_nested():
                raise ColumnMappingError(
                    f"column {column!r} (mapped to {name}) holds {dtype}, not text; map a text "
                    "column with --map"
                )
            value = pl.col(column).cast(pl.String)
            if dtype == pl.String:
                value = value.str.strip_chars()
            exprs.append(value.alias(f"__t_{name}"))
        staged = df.with_columns(exprs)
        return staged.with_columns(
            pl.when(pl.col(n).str.len_bytes() == 0).then(None).otherwise(pl.col(n)).alias(n)
            for n in staged.columns
            if n.startswith("__t_")
        )

    def _default(self, chunk: RawChunk, name: str) -> pl.Expr:
        value = self.defaults.get(name, chunk.defaults.get(name))
        return pl.lit(value, dtype=pl.String)

    def __call__(self, chunk: RawChunk) -> tuple[pl.DataFrame, pa.Table]:
        """Return (canonical frame, rejects table) of one chunk."""
        source = (chunk.table if isinstance(chunk.table, pl.DataFrame)
                  else pl.from_arrow(chunk.table))
        assert isinstance(source, pl.DataFrame)
        source, flags = _binary_as_text(source)
        df = self._stage_text(source.with_columns(flags.values()) if flags else source)
        df = df.with_columns(
            raw_host_expr(pl.col("__t_url")).alias("__auth") if "__t_url" in df.columns
            else pl.lit(None, pl.String).alias("__auth"))
        n = df.height
        values: dict[str, pl.Expr] = {}
        checks: list[_Check] = [
            _check(
                name,
                pl.col(flags[column].name),
                f"bytes that are not UTF-8 text in the binary column {column!r}",
            )
            for name, column in self.mapping.items()
            if column in flags
        ]

        def text_or_default(name: str) -> pl.Expr:
            raw = self._text(df, name)
            default = self._default(chunk, name)
            return pl.coalesce(raw, default) if raw is not None else default

        raw_id = self._text(df, "item_id")
        if raw_id is not None:
            values["item_id"] = raw_id
            checks.append(_check("item_id", raw_id.is_null(), "item_id is empty"))
        else:
            values["item_id"] = pl.lit("r") + (
                pl.int_range(self.position, self.position + n, dtype=pl.Int64).cast(pl.String)
            )

        for name in (
            "url",
            "file_path",
            "dataset_name",
            "dataset_version",
            "license_raw",
            "dataset_license",
            "creator",
        ):
            values[name] = text_or_default(name)
            if df.schema.get(self.mapping.get(name, "\0")) == pl.String:
                checks.append(
                    _check(
                        name,
                        values[name].str.contains("\x00", literal=True),
                        "NUL byte in the value",
                    )
                )
        url = values["url"]
        checks.append(
            _check(
                "url",
                url.is_not_null() & ~pl.col("__auth").str.contains(r"^\S").fill_null(False),
                pl.lit("not an absolute URL (scheme://host/...): ") + _quoted(url),
            )
        )
        checks.append(
            _check(
                "url",
                url.is_null() & values["file_path"].is_null(),
                "neither url nor file_path is given",
            )
        )
        self._modality(df, chunk, values, checks)
        channel = text_or_default("acquisition_channel")
        norm_channel = channel.str.to_lowercase().str.replace_all(r"[\s\-]", "_")
        values["acquisition_channel"] = norm_channel.replace_strict(
            CHANNEL_SYNONYMS, default=None, return_dtype=pl.String
        )
        checks.append(
            _check(
                "acquisition_channel",
                channel.is_not_null() & values["acquisition_channel"].is_null(),
                pl.lit("not one of " + "|".join(ACQUISITION_CHANNELS) + ": ") + _quoted(channel),
            )
        )
        self._typed(df, values, checks)

        frame = df.select(
            pl.int_range(0, n, dtype=pl.Int64).alias("__i"),
            pl.col("source_row"),
            pl.col("__auth"),
            *[expr.alias(k) for k, expr in values.items()],
            *[c.bad.fill_null(False).alias(f"__bad{j}") for j, c in enumerate(checks)],
        )
        self.position += n
        frame = self._collected_at_fallback(df, frame, checks)
        frame = self._modality_from_extension(frame)
        frame = self._hosts(frame, checks)
        return self._split(df, source, frame, checks, chunk)

    def _modality(
        self, df: pl.DataFrame, chunk: RawChunk, values: dict[str, pl.Expr], checks: list[_Check]
    ) -> None:
        """Modality: the column, else the dataset default, else the file extension."""
        raw = self._text(df, "modality")
        fallback = self._default(chunk, "modality")  # the extension fills the rest later
        if raw is None:
            values["modality"] = fallback
            return
        norm = raw.str.to_lowercase().str.replace_all(r"[\s\-]", "_")
        mapped = norm.replace_strict(MODALITY_SYNONYMS, default=None, return_dtype=pl.String)
        values["modality"] = pl.coalesce(mapped, fallback)
        checks.append(
            _check(
                "modality",
                raw.is_not_null() & mapped.is_null(),
                pl.lit("not one of " + "|".join(MODALITIES) + ": ") + _quoted(raw),
            )
        )

    @staticmethod
    def _modality_from_extension(frame: pl.DataFrame) -> pl.DataFrame:
        """Fill a null modality from the file extension of url (or file_path).

        The extension of a URL without a query or fragment is read from its last characters;
        only the URLs with ``?`` or ``#`` need the full pattern (two cheap passes, not one
        expensive one).
        """
        need = frame.select(
            pl.col("modality").is_null()
            & (pl.col("url").is_not_null() | pl.col("file_path").is_not_null())
        ).to_series()
        if not need.any():
            return frame
        sub = frame.filter(need).select("__i", pl.coalesce("url", "file_path").alias("s"))
        query = sub["s"].str.contains(r"[?#]", literal=False)
        plain = sub.filter(~query).select(
            "__i", pl.col("s").str.tail(12).str.extract(r"\.([A-Za-z0-9]{1,5})$", 1).alias("e"))
        rest = sub.filter(query).select("__i", pl.col("s").str.extract(_EXT_RE, 1).alias("e"))
        found = pl.concat([plain, rest]).select(
            "__i",
            pl.col("e").str.to_lowercase().replace_strict(
                EXTENSION_MODALITY, default=None, return_dtype=pl.String).alias("m"))
        filled = frame.select("__i").join(found, on="__i", how="left", maintain_order="left")
        return frame.with_columns(pl.coalesce(pl.col("modality"), filled["m"]).alias("modality"))

    def _typed(self, df: pl.DataFrame, values: dict[str, pl.Expr], checks: list[_Check]) -> None:
        """Typed columns: collected_at, size_bytes, content_sha256, language, personal_data."""
        values["collected_at"] = self._collected_at(df, checks)
        values["size_bytes"] = self._size(df, checks)
        sha = self._text(df, "content_sha256")
        if sha is not None:
            clean = sha.str.to_lowercase().str.replace(r"^sha256[:\-]", "")
            values["content_sha256"] = clean
            checks.append(
                _check(
                    "content_sha256",
                    clean.is_not_null() & ~clean.str.contains(_SHA_RE),
                    pl.lit("not 64 hex digits: ") + _quoted(sha),
                )
            )
        else:
            values["content_sha256"] = pl.lit(None, pl.String)
        lang = self._text(df, "language")
        if lang is not None:
            norm = lang.str.to_lowercase().str.replace_all("_", "-")
            norm = pl.when(norm.is_in(_NULL_LANGS)).then(None).otherwise(norm)
            values["language"] = norm
            checks.append(
                _check(
                    "language",
                    norm.is_not_null() & ~norm.str.contains(_LANG_RE),
                    pl.lit("not a BCP-47 language tag: ") + _quoted(lang),
                )
            )
        else:
            values["language"] = pl.lit(None, pl.String)
        values["personal_data"] = self._personal(df, checks)

    _ISO_AWARE = "%Y-%m-%dT%H:%M:%S%.f%:z"
    _FALLBACK_AWARE = ("%Y-%m-%d %H:%M:%S%.f%:z",)
    _FALLBACK_NAIVE = ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y%m%d%H%M%S")

    def _collected_at(self, df: pl.DataFrame, checks: list[_Check]) -> pl.Expr:
        """Parse collected_at; text gets the common ISO form here, the rest in a fallback."""
        column = self.mapping.get("collected_at")
        utc = pl.Datetime("us", "UTC")
        if column is None or column not in df.columns:
            return pl.lit(None, utc)
        dtype = df.schema[column]
        col = pl.col(column)
        if isinstance(dtype, pl.Datetime):
            value = (
                col.dt.convert_time_zone("UTC")
                if dtype.time_zone
                else col.dt.replace_time_zone("UTC")
            )
            return value.cast(utc)
        if dtype == pl.Date:
            return col.cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
        if dtype.is_numeric():
            return _epoch(col.cast(pl.Float64))
        raw = self._text(df, "collected_at")
        assert raw is not None
        value = raw.str.replace(r"[Zz]$", "+00:00").str.to_datetime(
            self._ISO_AWARE, time_zone="UTC", strict=False, time_unit="us"
        )
        checks.append(
            _check(
                "collected_at",
                raw.is_not_null() & value.is_null(),
                pl.lit("not a date or time (ISO 8601, YYYY-MM-DD, Unix seconds): ") + _quoted(raw),
            )
        )
        return value

    def _collected_at_fallback(
        self, df: pl.DataFrame, frame: pl.DataFrame, checks: list[_Check]
    ) -> pl.DataFrame:
        """Re-parse, with every other accepted form, only the rows the ISO form missed."""
        j = next((i for i, c in enumerate(checks) if c.column == "collected_at"), None)
        if j is None or not frame[f"__bad{j}"].any():
            return frame
        raw = self._text(df, "collected_at")
        assert raw is not None
        text = raw.str.replace(r"[Zz]$", "+00:00")
        parsed = [
            text.str.to_datetime(f, time_zone="UTC", strict=False, time_unit="us")
            for f in self._FALLBACK_AWARE
        ]
        parsed += [
            text.str.to_datetime(f, strict=False, time_unit="us").dt.replace_time_zone("UTC")
            for f in self._FALLBACK_NAIVE
        ]
        parsed.append(
            text.str.to_date("%Y-%m-%d", strict=False)
            .cast(pl.Datetime("us"))
            .dt.replace_time_zone("UTC")
        )
        parsed.append(_epoch(text.cast(pl.Float64, strict=False)))
        mask = frame[f"__bad{j}"]
        fixed = df.filter(mask).select(pl.coalesce(parsed).alias("v"))["v"]
        index = frame["__i"].filter(mask)
        patch = pl.DataFrame({"__i": index, "__v": fixed})
        frame = frame.join(patch, on="__i", how="left", maintain_order="left")
        return frame.with_columns(
            pl.coalesce("__v", "collected_at").alias("collected_at"),
            (pl.col(f"__bad{j}") & pl.col("__v").is_null()).alias(f"__bad{j}"),
        ).drop("__v")

    def _size(self, df: pl.DataFrame, checks: list[_Check]) -> pl.Expr:
        column = self.mapping.get("size_bytes")
        if column is None or column not in df.columns:
            return pl.lit(None, pl.Int64)
        if df.schema[column].is_integer():
            value = pl.col(column).cast(pl.Int64)
            checks.append(_check("size_bytes", value < 0, "negative size"))
            return value
        raw = self._text(df, "size_bytes")
        assert raw is not None
        value = raw.cast(pl.Int64, strict=False)
        checks.append(
            _check(
                "size_bytes",
                raw.is_not_null() & (value.is_null() | (value < 0)),
                pl.lit("not a non-negative whole number of bytes: ") + _quoted(raw),
            )
        )
        return value

    def _personal(self, df: pl.DataFrame, checks: list[_Check]) -> pl.Expr:
        column = self.mapping.get("personal_data")
        if column is None or column not in df.columns:
            return pl.lit(None, pl.Boolean)
        if df.schema[column] == pl.Boolean:
            return pl.col(column)
        raw = self._text(df, "personal_data")
        assert raw is not None
        low = raw.str.to_lowercase()
        value = (
            pl.when(low.is_in(_TRUE)).then(True).when(low.is_in(_FALSE)).then(False).otherwise(None)
        )
        checks.append(
            _check(
                "personal_data",
                raw.is_not_null() & value.is_null() & ~low.is_in(_NULLISH),
                pl.lit("not true/false/unknown: ") + _quoted(raw),
            )
        )
        return value

    def _hosts(self, frame: pl.DataFrame, checks: list[_Check]) -> pl.DataFrame:
        """Add host and registrable_domain: one PSL lookup per distinct authority (cached)."""
        keys = frame["__auth"].drop_nulls().unique().to_list()
        parts = [host_parts(k) for k in keys]
        lookup = pl.DataFrame(
            {
                "__auth": keys,
                "host": [p.host for p in parts],
                "registrable_domain": [p.registrable_domain for p in parts],
            },
            schema={"__auth": pl.String, "host": pl.String, "registrable_domain": pl.String},
        )
        hosts = frame.select("__auth").join(lookup, on="__auth", how="left",
                                            maintain_order="left")
        frame = frame.drop("__auth").with_columns(hosts["host"], hosts["registrable_domain"])
        j = len(checks)
        checks.append(
            _check("url", pl.lit(True), pl.lit("no valid host name: ") + _quoted(pl.col("url")))
        )
        scheme = pl.col("url").str.slice(0, 8).str.to_lowercase()
        hosted = (scheme.str.starts_with("http://") | scheme.str.starts_with("https://")
                  | scheme.str.starts_with("ftp://") | scheme.str.starts_with("//"))
        bad = hosted & pl.col("host").is_null()
        return frame.with_columns(bad.fill_null(False).alias(f"__bad{j}"))

    def _split(
        self,
        df: pl.DataFrame,
        source: pl.DataFrame,
        frame: pl.DataFrame,
        checks: list[_Check],
        chunk: RawChunk,
    ) -> tuple[pa.Table, pa.Table]:
        flags = [f"__bad{j}" for j in range(len(checks))]
        bad = frame.select(pl.any_horizontal(flags).alias("b"))["b"]
        good = frame.filter(~bad).with_columns(pl.lit(chunk.source_file).alias("source_file"))
        canonical = good.select(
            pl.col(f.name).cast(POLARS_TYPES[f.name]) for f in SCHEMA)
        if not bad.any():
            return canonical, REJECT_SCHEMA.empty_table()
        failed = frame.filter(bad)
        raw = df.filter(bad).with_columns(failed.select(pl.exclude(df.columns)))
        first = pl.coalesce([pl.when(pl.col(f)).then(pl.lit(j)) for j, f in enumerate(flags)])
        raw = raw.with_columns(first.alias("__first"))
        column = pl.coalesce(
            [
                pl.when(pl.col("__first") == j).then(pl.lit(self.mapping.get(c.column, c.column)))
                for j, c in enumerate(checks)
            ]
        )
        reason = pl.coalesce(
            [pl.when(pl.col("__first") == j).then(c.reason) for j, c in enumerate(checks)]
        )
        raw_cols = source.filter(bad).drop("source_row")
        payload = (
            raw_cols.select(pl.struct(pl.all()).struct.json_encode().alias("raw"))["raw"]
            if raw_cols.width
            else pl.Series("raw", ["{}"] * raw_cols.height, dtype=pl.String)
        )
        rejects = raw.select(
            pl.lit(chunk.source_file).alias("source_file"),
            pl.col("source_row"),
            column.alias("column"),
            reason.alias("reason"),
            payload.alias("raw"),
            pl.lit("malformed").alias("kind"),
        )
        return canonical, rejects.to_arrow().cast(REJECT_SCHEMA)


def _binary_as_text(df: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, pl.Series]]:
    """Return ``df`` with binary columns as text, and a flag per column with invalid UTF-8.

    Parquet and Arrow manifests may hold URLs or licences as bytes. Valid UTF-8 is read as
    text; other values are kept escaped (``\\xff``) so that the rejects file can show them,
    and flagged so that the rows that use them are rejected naming the column.
    """
    binary = [name for name, dtype in df.schema.items() if dtype == pl.Binary]
    if not binary:
        return df, {}
    flags: dict[str, pl.Series] = {}
    columns = []
    for name in binary:
        text: list[str | None] = []
        bad: list[bool] = []
        for value in df[name].to_list():
            if value is None:
                text.append(None)
                bad.append(False)
                continue
            try:
                text.append(value.decode("utf-8"))
                bad.append(False)
            except UnicodeDecodeError:
                text.append(value.decode("utf-8", "backslashreplace"))
                bad.append(True)
        columns.append(pl.Series(name, text, pl.String))
        if any(bad):
            flags[name] = pl.Series(f"__nb_{len(flags)}", bad, pl.Boolean)
    return df.with_columns(columns), flags


def _epoch(seconds: pl.Expr) -> pl.Expr:
    """Return a UTC datetime from Unix seconds (values above 1e11 are taken as milliseconds)."""
    scaled = pl.when(seconds.abs() > 1e11).then(seconds / 1000).otherwise(seconds)
    return (
        (scaled * 1_000_000)
        .cast(pl.Int64, strict=False)
        .cast(pl.Datetime("us"))
        .dt.replace_time_zone("UTC")
    )
