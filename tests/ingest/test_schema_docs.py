# SPDX-License-Identifier: Apache-2.0
"""docs/schema.md is generated from the schema; CLEARANCE_REGEN=1 rewrites it."""

from __future__ import annotations

import os
from pathlib import Path

from clearance.ingest.schema import FIELDS, SCHEMA, markdown_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "schema.md"
BEGIN, END = "<!-- schema:begin -->\n", "<!-- schema:end -->\n"


def test_schema_fields_are_documented_and_typed() -> None:
    required = {
        "item_id",
        "url",
        "file_path",
        "host",
        "registrable_domain",
        "modality",
        "dataset_name",
        "dataset_version",
        "acquisition_channel",
        "license_raw",
        "creator",
        "collected_at",
        "size_bytes",
        "content_sha256",
        "language",
        "personal_data",
    }
    assert required <= {f.name for f in FIELDS}
    assert str(SCHEMA.field("collected_at").type) == "timestamp[us, tz=UTC]"
    assert all(f.help for f in FIELDS)


def test_docs_schema_table_is_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    fresh = head + BEGIN + markdown_table() + END + tail
    if os.environ.get("CLEARANCE_REGEN"):
        DOC.write_text(fresh, encoding="utf-8")
    assert text == fresh, "docs/schema.md is stale: run CLEARANCE_REGEN=1 pytest " + __file__
