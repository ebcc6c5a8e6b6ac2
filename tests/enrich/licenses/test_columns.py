# SPDX-License-Identifier: Apache-2.0
"""license_columns: one row per input row, equal to the per-record API, nulls are unknown."""

from __future__ import annotations

import pyarrow as pa
import pytest

from clearance import license_columns, license_permits, normalize_license
from clearance.enrich.licenses.columns import LICENSE_COLUMNS, add_license_columns
from clearance.errors import InputError

RAW = [
    "CC BY-NC 4.0",
    None,
    "MIT",
    "cc-by-nc-4.0",
    "",
    "CC BY-NC 4.0",
    "https://creativecommons.org/licenses/by-sa/4.0/",
    None,
    "zzz",
]


def test_matches_the_per_record_functions() -> None:
    table = license_columns(pa.array(RAW), "commercial_training")
    assert table.num_rows == len(RAW)
    assert table.schema.names == [name for name, _ in LICENSE_COLUMNS]
    rows = table.to_pylist()
    for raw, row in zip(RAW, rows, strict=True):
        match = normalize_license(raw or "")
        permission = license_permits(match.id, "commercial_training")
        assert row["license_id"] == match.id
        assert row["license_permission"] == permission.verdict
        assert row["license_conditions"] == ",".join(permission.conditions)
        assert row["license_conflict"] is None
    assert rows[1]["license_id"] == "unknown" and rows[1]["license_permission"] == "unknown"


def test_chunked_and_dictionary_inputs() -> None:
    chunked = pa.chunked_array([pa.array(RAW[:4]), pa.array(RAW[4:])])
    encoded = pa.array(RAW).dictionary_encode()
    plain = license_columns(pa.array(RAW), "research_training")
    assert license_columns(chunked, "research_training").equals(plain)
    assert license_columns(encoded, "research_training").equals(plain)
    assert license_columns(pa.array([], pa.string()), "research_training").num_rows == 0


def test_dataset_layer_conflicts_are_reported() -> None:
    table = license_columns(
        pa.array(["MIT", "CC BY-NC 4.0", None]),
        "commercial_training",
        layers={"dataset": "CC-BY-SA-4.0"},
    )
    rows = table.to_pylist()
    assert rows[0]["license_effective_id"] == "CC-BY-SA-4.0" and rows[0]["license_conflict"]
    assert rows[1]["license_effective_id"] == "CC-BY-NC-4.0"
    assert rows[1]["license_permission"] == "not_allowed"
    # an item without a licence stays unknown: a dataset licence says nothing about its items
    assert rows[2]["license_effective_id"] == "unknown" and rows[2]["license_conflict"]


def test_bad_use() -> None:
    with pytest.raises(InputError):
        license_columns(pa.array(["MIT"]), "sell_it")


def test_add_license_columns_to_a_batch() -> None:
    batch = pa.RecordBatch.from_pydict({"item_id": ["a", "b"], "license_raw": ["MIT", None]})
    table = add_license_columns(batch, "research_training")
    assert table.column_names[:2] == ["item_id", "license_raw"]
    assert table["license_id"].to_pylist() == ["MIT", "unknown"]
    again = add_license_columns(table, "commercial_training")
    assert again.num_columns == table.num_columns
    with pytest.raises(InputError, match="license_raw"):
        add_license_columns(pa.table({"x": [1]}))
