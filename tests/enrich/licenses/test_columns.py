# SPDX-License-Identifier: Apache-2.0
"""license_columns: one row per input row, equal to the per-record API, nulls are unknown."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clearance import license_columns, license_permits, normalize_license, resolve_license_layers
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
        assert row["license_conditions"] == list(permission.conditions)
        assert row["license_conflict"] is False and row["license_source"] == "item"
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
    assert rows[0]["license_source"] == "dataset" and "MIT" in rows[0]["license_conflict_reason"]
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


def test_per_row_dataset_layer_matches_per_record_resolution() -> None:
    items = pa.array(["MIT", "MIT", None, "CC BY-NC 4.0", "cc0-1.0", "MIT"])
    datasets = pa.chunked_array([["CC-BY-SA-4.0", None, "MIT"], ["MIT", "", "CC0-1.0"]])
    table = license_columns(items, "commercial_training", layers={"dataset": datasets})
    for item, dataset, row in zip(
        items.to_pylist(), datasets.to_pylist(), table.to_pylist(), strict=True
    ):
        layers = {"item": normalize_license(item or "").id}
        if dataset:
            layers["dataset"] = dataset
        expected = resolve_license_layers(layers)
        assert row["license_effective_id"] == expected.effective_id
        assert row["license_conflict"] == expected.conflict
        assert row["license_source"] == expected.winner
    assert table["license_effective_id"].to_pylist()[:2] == ["CC-BY-SA-4.0", "MIT"]


def test_layer_columns_by_name_and_length_check() -> None:
    batch = pa.table({"license_raw": ["MIT", "MIT"], "dataset_license": ["CC-BY-NC-4.0", None]})
    out = add_license_columns(batch, "research_training", layers={"dataset": "dataset_license"})
    assert out["license_effective_id"].to_pylist() == ["CC-BY-NC-4.0", "MIT"]
    with pytest.raises(InputError, match="rows"):
        license_columns(pa.array(["MIT"]), layers={"dataset": pa.array(["a", "b"])})


def test_dictionaries_hold_no_nulls_so_parts_concatenate() -> None:
    a = license_columns(pa.array(["MIT", None]), layers={"dataset": "CC-BY-SA-4.0"})
    b = license_columns(pa.array(["MIT", "GPL-3.0-only"]), layers={"dataset": "MIT"})
    for table in (a, b):
        for name, kind in LICENSE_COLUMNS:
            if pa.types.is_dictionary(kind):
                assert table[name].chunk(0).dictionary.null_count == 0, name
    both = pa.concat_tables([a, b]).take(pa.array([3, 0, 2, 1]))
    assert both["license_conflict_reason"].to_pylist()[2] is None  # MIT item, MIT dataset
    assert both["license_effective_id"].to_pylist() == [
        "GPL-3.0-only",
        "CC-BY-SA-4.0",
        "MIT",
        "unknown",
    ]


def test_output_round_trips_through_parquet(tmp_path: Path) -> None:
    table = license_columns(pa.array(["MIT", "CC BY-SA 4.0", None]), layers={"dataset": "MIT"})
    pq.write_table(table, tmp_path / "facts.parquet")
    assert pq.read_table(tmp_path / "facts.parquet").to_pylist() == table.to_pylist()
