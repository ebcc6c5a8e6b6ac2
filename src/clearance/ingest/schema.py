# SPDX-License-Identifier: Apache-2.0
"""The canonical record schema: the Arrow columns every reader produces.

Unknown is an explicit null, never a guess. ``docs/schema.md`` is generated from ``FIELDS``
and a test keeps the two in sync
(``CLEARANCE_REGEN=1`` rewrites it).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import pyarrow as pa

__all__ = [
    "ACQUISITION_CHANNELS",
    "FIELDS",
    "MODALITIES",
    "POLARS_TYPES",
    "REJECT_SCHEMA",
    "SCHEMA",
    "Field",
    "markdown_table",
]

MODALITIES: tuple[str, ...] = ("text", "image", "audio", "video", "code", "other")
ACQUISITION_CHANNELS: tuple[str, ...] = (
    "public_dataset",
    "licensed",
    "private_third_party",
    "provider_crawl",
    "user_data",
    "synthetic",
    "other",
)


@dataclass(frozen=True, slots=True)
class Field:
    """One canonical column: name, Arrow type, meaning, and allowed values if closed."""

    name: str
    type: pa.DataType
    help: str
    nullable: bool = True
    values: tuple[str, ...] = ()


UTC_TS = pa.timestamp("us", tz="UTC")

FIELDS: tuple[Field, ...] = (
    Field(
        "item_id",
        pa.string(),
        "Stable id of the item: the manifest's own id column when it has one (key, id, uid, "
        "SAMPLE_ID, ...), else 'r<N>' where N is the 0-based position in the manifest.",
        nullable=False,
    ),
    Field(
        "source_file",
        pa.string(),
        "Manifest file the row came from (as given, relative paths stay relative).",
        nullable=False,
    ),
    Field(
        "source_row",
        pa.int64(),
        "1-based position of the row within source_file: for CSV/TSV the record number "
        "(header excluded), for JSON Lines the line number, for Parquet, Arrow and tar "
        "shards the record's position.",
        nullable=False,
    ),
    Field(
        "url",
        pa.string(),
        "Where the item was fetched from: an absolute URL (scheme://...) "
        "or a scheme-relative one (//host/...). Null for local files.",
    ),
    Field("file_path", pa.string(), "Local or object-store path of the item's bytes, if known."),
    Field(
        "host",
        pa.string(),
        "Lower-case ASCII (IDNA) host of url; no port, no userinfo. Filled by the hosts step.",
    ),
    Field(
        "registrable_domain",
        pa.string(),
        "eTLD+1 of host by the bundled Public Suffix List "
        "(private section included), or the IP literal. Filled by the hosts step.",
    ),
    Field(
        "modality",
        pa.string(),
        "Kind of content: a column of the manifest, else the file "
        "signature (media directories), else the URL's file extension, else the reader's or "
        "--modality default; null when none says.",
        values=MODALITIES,
    ),
    Field("dataset_name", pa.string(), "Dataset the item belongs to (column or --dataset-name)."),
    Field("dataset_version", pa.string(), "Version or revision of that dataset."),
    Field(
        "acquisition_channel",
        pa.string(),
        "How the item was obtained: a public dataset, "
        "a licence deal, a private third party, the provider's own crawl, user data, "
        "synthetic generation, or other (column or --channel).",
        values=ACQUISITION_CHANNELS,
    ),
    Field(
        "license_raw",
        pa.string(),
        "The licence evidence exactly as the manifest states it "
        "(string, URL or text); normalised later.",
    ),
    Field(
        "dataset_license",
        pa.string(),
        "The licence declared for the whole dataset (its "
        "card, dataset_info.json or --dataset-license), kept apart from the item's own.",
    ),
    Field("creator", pa.string(), "Author, artist, photographer or account named by the manifest."),
    Field(
        "collected_at",
        UTC_TS,
        "When the item was collected, in UTC. Times without a zone "
        "are read as UTC; dates as midnight UTC; numbers as Unix seconds.",
    ),
    Field("size_bytes", pa.int64(), "Size of the item's bytes, if known (non-negative)."),
    Field(
        "content_sha256",
        pa.string(),
        "SHA-256 of the item's bytes, 64 lower-case hex digits (a 'sha256:' prefix is removed).",
    ),
    Field(
        "language",
        pa.string(),
        "Language as a BCP-47 tag (lower-case language subtag); "
        "'und', 'nolang' and similar are null.",
    ),
    Field(
        "personal_data",
        pa.bool_(),
        "Whether the item holds personal data: true, false, or null (unknown). Never inferred.",
    ),
)

SCHEMA: pa.Schema = pa.schema(
    [pa.field(f.name, f.type, nullable=f.nullable, metadata={"help": f.help}) for f in FIELDS]
)

POLARS_TYPES: dict[str, pl.DataType] = {
    f.name: pl.from_arrow(pa.array([], f.type)).dtype for f in FIELDS  # type: ignore[union-attr]
}
"""Each canonical column's Polars type (the in-memory form of the hot path)."""

REJECT_SCHEMA: pa.Schema = pa.schema(
    [
        pa.field("source_file", pa.string(), nullable=False),
        pa.field("source_row", pa.int64()),
        pa.field("column", pa.string()),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("raw", pa.string()),
        pa.field("kind", pa.string(), nullable=False),
    ]
)


def markdown_table() -> str:
    """Return the canonical schema as a Markdown table (the body of docs/schema.md)."""
    lines = ["| column | type | meaning | values |", "| --- | --- | --- | --- |"]
    for f in FIELDS:
        values = ", ".join(f"`{v}`" for v in f.values) if f.values else ""
        null = "" if f.nullable else " (never null)"
        lines.append(f"| `{f.name}` | {f.type}{null} | {f.help} | {values} |")
    return "\n".join(lines) + "\n"
