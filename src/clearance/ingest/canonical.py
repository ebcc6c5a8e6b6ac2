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
from clearance.ingest.schema import ACQUISITION_CHANNELS, MODALITIES, REJECT_SCHEMA, SCHEMA

__all__ = ["Canonicalizer", "Defaults"]

_URL_OK = r"^(?:[A-Za-z][A-Za-z0-9+.\-]*:)?//[^/?#\s\\]"
_HOSTED_SCHEMES = r"^(?i:(?:https?|ftp)://|//)"
_SHA_RE = r"^[0-9a-f]{64}$"
_LANG_RE = r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$"
_NULL_LANGS = ["und", "nolang", "unknown", "none", "n/a", "na", "null", "-", "xx", "zxx"]
_TRUE = ["true", "t", "yes", "y", "1"]
_FALSE = ["false", "f", "no", "n", "0"]
_NULLISH = ["", "unknown", "null", "none", "n/a", "na", "?"]

MODALITY_SYNONYMS: dict[str, str] = {
    **{m: m for m in MODALITIES},
    "img": "image", "images": "image", "photo": "image", "picture": "image", "jpeg": "image",
    "png": "image", "txt": "text", "document": "text", "doc": "text", "speech": "audio",
    "sound": "audio", "music": "audio", "voice": "audio", "movie": "video", "clip": "video",
    "source_code": "code", "sourcecode": "code", "program": "code",
}
CHANNEL_SYNONYMS: dict[str, str] = {
    **{c: c for c in ACQUISITION_CHANNELS},
    "public": "public_dataset", "open_dataset": "public_dataset", "dataset": "public_dataset",
    "license": "licensed", "licence": "licensed", "licensed_data": "licensed",
    "purchased": "licensed", "third_party": "private_third_party", "vendor": "private_third_party",
    "partner": "private_third_party", "crawl": "provider_crawl", "crawled": "provider_crawl",
    "scraped": "provider_crawl", "scrape": "provider_crawl", "web_crawl": "provider_crawl",
    "user": "user_data", "user_generated": "user_data", "customer_data": "user_data",
    "generated": "synthetic", "model_generated": "synthetic",
}
EXTENSION_MODALITY: dict[str, str] = {
    **dict.fromkeys(["jpg", "jpeg", "png", "gif", "webp", "bmp", "tif", "tiff", "svg", "heic",
                     "heif", "avif", "ico", "jxl"], "image"),
    **dict.fromkeys(["mp3", "wav", "flac", "ogg", "oga", "m4a", "aac", "opus", "mid", "midi"],
                    "audio"),
    **dict.fromkeys(["mp4", "m4v", "mov", "webm", "mkv", "avi", "wmv", "flv", "mpeg", "mpg"],
                    "video"),
    **dict.fromkeys(["txt", "md", "pdf", "html", "htm", "epub", "doc", "docx", "rtf", "tex"],
                    "text"),
    **dict.fromkeys(["py", "js", "ts", "java", "c", "cpp", "h", "go", "rs", "rb", "php", "cs",
                     "swift", "kt", "scala", "ipynb"], "code"),
}
_EXT_RE = r"\.([A-Za-z0-9]{1,5})(?:[?#].*)?$"


@dataclass(frozen=True, slots=True)
class Defaults:
    """Dataset-wide values for canonical columns the manifest lacks (CLI: --dataset-name ...)."""

    values: Mapping[str, str] = field(default_factory=dict)


def _error(cond: pl.Expr, column: str, reason: pl.Expr | str) -> tuple[pl.Expr, pl.Expr]:
    why = pl.lit(reason) if isinstance(reason, str) else reason
    return (
        pl.when(cond).then(pl.lit(column)).otherwise(pl.lit(None, pl.String)),
        pl.when(cond).then(why).otherwise(pl.lit(None, pl.String)),
    )


def _quoted(expr: pl.Expr) -> pl.Expr:
    return pl.lit("'") + expr.cast(pl.String).str.slice(0, 80) + pl.lit("'")


class Canonicalizer:
    """Turns raw chunks into canonical tables plus rejects; keeps the running row position."""

    def __init__(self, mapping: Mapping[str, str], defaults: Defaults | None = None) -> None:
        self.mapping = dict(mapping)
        self.defaults = dict(defaults.values) if defaults else {}
        self.position = 0

    def _text(self, df: pl.DataFrame, name: str) -> pl.Expr | None:
        column = self.mapping.get(name)
        if column is None or column not in df.columns:
            return None
        dtype = df.schema[column]
        if dtype.is_nested():
            raise ColumnMappingError(
                f"column {column!r} (mapped to {name}) holds {dtype}, not text; map a text "
                "column with --map")
        value = pl.col(column).cast(pl.String).str.strip_chars()
        return pl.when(value.str.len_bytes() == 0).then(None).otherwise(value)

    def _default(self, chunk: RawChunk, name: str) -> pl.Expr:
        value = self.defaults.get(name, chunk.defaults.get(name))
        return pl.lit(value, dtype=pl.String)

    def __call__(self, chunk: RawChunk) -> tuple[pa.Table, pa.Table]:
        """Return (canonical table, rejects table) of one chunk."""
        df = pl.from_arrow(chunk.table)
        assert isinstance(df, pl.DataFrame)
        n = df.height
        values: dict[str, pl.Expr] = {}
        errors: list[tuple[pl.Expr, pl.Expr]] = []

        def text_or_default(name: str) -> pl.Expr:
            raw = self._text(df, name)
            return pl.coalesce(raw, self._default(chunk, name)) if raw is not None else \
                self._default(chunk, name)

        # item_id
        raw_id = self._text(df, "item_id")
        if raw_id is not None:
            values["item_id"] = raw_id
            errors.append(_error(raw_id.is_null(), "item_id", "item_id is empty"))
        else:
            values["item_id"] = pl.lit("r") + (
                pl.int_range(self.position, self.position + n, dtype=pl.Int64).cast(pl.String))

        for name in ("url", "file_path", "dataset_name", "dataset_version", "license_raw",
                     "dataset_license", "creator"):
            values[name] = text_or_default(name)
            if name in self.mapping and df.schema.get(self.mapping[name]) != pl.String:
                continue
            if name in self.mapping:
                errors.append(_error(values[name].str.contains("\x00", literal=True), name,
                                     "NUL byte in the value"))
        url = values["url"]
        errors.append(_error(url.is_not_null() & ~url.str.contains(_URL_OK), "url",
                             pl.lit("not an absolute URL (scheme://host/...): ") + _quoted(url)))
        errors.append(_error(url.is_null() & values["file_path"].is_null(), "url",
                             "neither url nor file_path is given"))

        # modality: column, then dataset default, then the file extension
        raw_modality = self._text(df, "modality")
        ext = pl.coalesce(url, values["file_path"]).str.extract(_EXT_RE, 1).str.to_lowercase()
        inferred = ext.replace_strict(EXTENSION_MODALITY, default=None, return_dtype=pl.String)
        fallback = pl.coalesce(self._default(chunk, "modality"), inferred)
        if raw_modality is not None:
            norm = raw_modality.str.to_lowercase().str.replace_all(r"[\s\-]", "_")
            mapped = norm.replace_strict(MODALITY_SYNONYMS, default=None, return_dtype=pl.String)
            values["modality"] = pl.coalesce(mapped, fallback)
            errors.append(_error(raw_modality.is_not_null() & mapped.is_null(), "modality",
                                 pl.lit("not one of " + "|".join(MODALITIES) + ": ")
                                 + _quoted(raw_modality)))
        else:
            values["modality"] = fallback

        channel = text_or_default("acquisition_channel")
        norm_channel = channel.str.to_lowercase().str.replace_all(r"[\s\-]", "_")
        values["acquisition_channel"] = norm_channel.replace_strict(
            CHANNEL_SYNONYMS, default=None, return_dtype=pl.String)
        errors.append(_error(channel.is_not_null() & values["acquisition_channel"].is_null(),
                             "acquisition_channel",
                             pl.lit("not one of " + "|".join(ACQUISITION_CHANNELS) + ": ")
                             + _quoted(channel)))

        values["collected_at"], err = self._collected_at(df)
        if err is not None:
            errors.append(err)
        values["size_bytes"], err = self._size(df)
        if err is not None:
            errors.append(err)

        sha = self._text(df, "content_sha256")
        if sha is not None:
            clean = sha.str.to_lowercase().str.replace(r"^sha256[:\-]", "")
            values["content_sha256"] = clean
            errors.append(_error(clean.is_not_null() & ~clean.str.contains(_SHA_RE),
                                 "content_sha256",
                                 pl.lit("not 64 hex digits: ") + _quoted(sha)))
        else:
            values["content_sha256"] = pl.lit(None, pl.String)

        lang = self._text(df, "language")
        if lang is not None:
            norm_lang = lang.str.to_lowercase().str.replace_all("_", "-")
            norm_lang = pl.when(norm_lang.is_in(_NULL_LANGS)).then(None).otherwise(norm_lang)
            values["language"] = norm_lang
            errors.append(_error(norm_lang.is_not_null() & ~norm_lang.str.contains(_LANG_RE),
                                 "language",
                                 pl.lit("not a BCP-47 language tag: ") + _quoted(lang)))
        else:
            values["language"] = pl.lit(None, pl.String)

        values["personal_data"], err = self._personal(df)
        if err is not None:
            errors.append(err)

        frame = df.select(
            *[expr.alias(f"__v_{k}") for k, expr in values.items()],
            pl.coalesce([c for c, _ in errors]).alias("__err_col") if errors
            else pl.lit(None, pl.String).alias("__err_col"),
            pl.coalesce([r for _, r in errors]).alias("__err_why") if errors
            else pl.lit(None, pl.String).alias("__err_why"),
            pl.col("source_row"),
        )
        self.position += n
        frame = frame.rename({f"__v_{k}": k for k in values})
        frame = self._hosts(frame)
        return self._split(frame, chunk)

    def _collected_at(self, df: pl.DataFrame) -> tuple[pl.Expr, tuple[pl.Expr, pl.Expr] | None]:
        column = self.mapping.get("collected_at")
        utc = pl.Datetime("us", "UTC")
        if column is None or column not in df.columns:
            return pl.lit(None, utc), None
        dtype = df.schema[column]
        col = pl.col(column)
        if isinstance(dtype, pl.Datetime):
            value = col.dt.convert_time_zone("UTC") if dtype.time_zone else \
                col.dt.replace_time_zone("UTC")
            return value.cast(utc), None
        if dtype == pl.Date:
            return col.cast(pl.Datetime("us")).dt.replace_time_zone("UTC"), None
        if dtype.is_numeric():
            seconds = col.cast(pl.Float64)
            seconds = pl.when(seconds.abs() > 1e11).then(seconds / 1000).otherwise(seconds)
            value = (seconds * 1_000_000).cast(pl.Int64).cast(pl.Datetime("us")).dt.replace_time_zone(
                "UTC")
            return value, None
        raw = self._text(df, "collected_at")
        assert raw is not None
        text = raw.str.replace(r"[Zz]$", "+00:00")
        aware = [text.str.to_datetime(f, time_zone="UTC", strict=False, time_unit="us")
                 for f in ("%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f%:z")]
        naive = [text.str.to_datetime(f, strict=False, time_unit="us").dt.replace_time_zone("UTC")
                 for f in ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y%m%d%H%M%S")]
        day = text.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us")).dt.\
            replace_time_zone("UTC")
        epoch = text.cast(pl.Float64, strict=False)
        epoch_dt = (pl.when(epoch.abs() > 1e11).then(epoch / 1000).otherwise(epoch) * 1_000_000)\
            .cast(pl.Int64, strict=False).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
        value = pl.coalesce([*aware, *naive, day, epoch_dt])
        return value, _error(raw.is_not_null() & value.is_null(), "collected_at",
                             pl.lit("not a date or time (ISO 8601, YYYY-MM-DD, Unix seconds): ")
                             + _quoted(raw))

    def _size(self, df: pl.DataFrame) -> tuple[pl.Expr, tuple[pl.Expr, pl.Expr] | None]:
        column = self.mapping.get("size_bytes")
        if column is None or column not in df.columns:
            return pl.lit(None, pl.Int64), None
        dtype = df.schema[column]
        if dtype.is_integer():
            value = pl.col(column).cast(pl.Int64)
            return value, _error(value < 0, "size_bytes", "negative size")
        raw = self._text(df, "size_bytes")
        assert raw is not None
        value = raw.cast(pl.Int64, strict=False)
        bad = raw.is_not_null() & (value.is_null() | (value < 0))
        return value, _error(bad, "size_bytes",
                             pl.lit("not a non-negative whole number of bytes: ") + _quoted(raw))

    def _personal(self, df: pl.DataFrame) -> tuple[pl.Expr, tuple[pl.Expr, pl.Expr] | None]:
        column = self.mapping.get("personal_data")
        if column is None or column not in df.columns:
            return pl.lit(None, pl.Boolean), None
        if df.schema[column] == pl.Boolean:
            return pl.col(column), None
        raw = self._text(df, "personal_data")
        assert raw is not None
        low = raw.str.to_lowercase()
        value = pl.when(low.is_in(_TRUE)).then(True).when(low.is_in(_FALSE)).then(False)\
            .otherwise(None)
        bad = raw.is_not_null() & value.is_null() & ~low.is_in(_NULLISH)
        return value, _error(bad, "personal_data",
                             pl.lit("not true/false/unknown: ") + _quoted(raw))

    def _hosts(self, frame: pl.DataFrame) -> pl.DataFrame:
        raw = frame.select(raw_host_expr(pl.col("url")).alias("a"))["a"]
        unique = raw.drop_nulls().unique()
        keys = unique.to_list()
        parts = [host_parts(k) for k in keys]
        lookup = pl.DataFrame(
            {
                "__auth": keys,
                "host": [p.host for p in parts],
                "registrable_domain": [p.registrable_domain for p in parts],
            },
            schema={"__auth": pl.String, "host": pl.String, "registrable_domain": pl.String},
        )
        frame = frame.with_columns(raw.alias("__auth")).join(
            lookup, on="__auth", how="left", maintain_order="left"
        )
        needs_host = pl.col("url").str.contains(_HOSTED_SCHEMES) & pl.col("host").is_null()
        return frame.with_columns(
            pl.when(pl.col("__err_col").is_null() & needs_host)
            .then(pl.lit("url")).otherwise(pl.col("__err_col")).alias("__err_col"),
            pl.when(pl.col("__err_why").is_null() & needs_host)
            .then(pl.lit("no valid host name: ") + _quoted(pl.col("url")))
            .otherwise(pl.col("__err_why")).alias("__err_why"),
        ).drop("__auth")

    def _split(self, frame: pl.DataFrame, chunk: RawChunk) -> tuple[pa.Table, pa.Table]:
        bad = frame["__err_col"].is_not_null()
        good = frame.filter(~bad).with_columns(pl.lit(chunk.source_file).alias("source_file"))
        canonical = good.select([f.name for f in SCHEMA]).to_arrow().cast(SCHEMA)
        if not bad.any():
            return canonical, REJECT_SCHEMA.empty_table()
        rejected = frame.filter(bad)
        raw_rows = pl.from_arrow(chunk.table).filter(bad)
        assert isinstance(raw_rows, pl.DataFrame)
        raw_json = raw_rows.drop("source_row").select(
            pl.struct(pl.all()).struct.json_encode().alias("raw"))["raw"]
        rejects = pl.DataFrame(
            {
                "source_file": [chunk.source_file] * rejected.height,
                "source_row": rejected["source_row"],
                "column": rejected["__err_col"].replace(self.mapping),
                "reason": rejected["__err_why"],
                "raw": raw_json,
                "kind": ["malformed"] * rejected.height,
            }
        )
        return canonical, rejects.to_arrow().cast(REJECT_SCHEMA)

