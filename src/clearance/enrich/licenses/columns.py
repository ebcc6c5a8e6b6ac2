# SPDX-License-Identifier: Apache-2.0
"""Licence columns for a scan: :func:`license_columns`, computed once per distinct value.

The raw licence column of millions of rows holds a few thousand distinct strings. They are
found with ``pyarrow.compute.unique``, each is normalised and judged once in Python, and the
small result table is joined back with ``index_in`` + ``take``: no per-row Python work.
Other layers (dataset, card, repository) are scalars for the batch; when given, each
distinct item licence is resolved against them (most restrictive wins) and the conflict is
reported in ``license_conflict``. The item layer is always present: a null item licence is
``unknown``, because a dataset's licence says nothing about the rights in its items.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa
import pyarrow.compute as pc

from clearance.enrich.licenses.conflicts import resolve_license_layers
from clearance.enrich.licenses.normalize import normalize_license
from clearance.enrich.licenses.permissions import license_permits
from clearance.enrich.licenses.schema import USES
from clearance.enrich.licenses.vocabulary import Vocabulary, default_vocabulary
from clearance.errors import InputError

__all__ = ["LICENSE_COLUMNS", "add_license_columns", "license_columns", "license_table"]

_TEXT = pa.dictionary(pa.int32(), pa.string())
#: Output columns, in order, with their Arrow types. Text columns are dictionary-encoded: the
#: per-distinct table is the dictionary and each row holds an index (no string copies).
#: ``license_conditions`` is comma-separated ("attribution,share_alike"; "" for none).
LICENSE_COLUMNS: tuple[tuple[str, pa.DataType], ...] = (
    ("license_id", _TEXT),
    ("license_confidence", pa.float32()),
    ("license_evidence", _TEXT),
    ("license_effective_id", _TEXT),
    ("license_conflict", _TEXT),
    ("license_permission", _TEXT),
    ("license_conditions", _TEXT),
)
_PLAIN_TYPES = {name: (pa.string() if kind == _TEXT else kind) for name, kind in LICENSE_COLUMNS}
_SCHEMA = pa.schema([pa.field(name, kind) for name, kind in _PLAIN_TYPES.items()])


def license_table(
    values: list[str | None],
    use: str,
    layers: Mapping[str, str | None] | None = None,
    vocabulary: Vocabulary | None = None,
) -> pa.Table:
    """Return one licence row per value (the per-distinct-value table that gets joined back).

    Plain (not dictionary-encoded) columns; ``license_columns`` uses them as dictionaries.
    """
    vocab = vocabulary if vocabulary is not None else default_vocabulary()
    columns: dict[str, list[object]] = {name: [] for name, _ in LICENSE_COLUMNS}
    other = {k: v for k, v in (layers or {}).items() if v}
    for value in values:
        match = normalize_license("" if value is None else value, vocabulary=vocab)
        effective, conflict = match.id, None
        if other:
            resolved = resolve_license_layers(
                {
                    "item": match.id,
                    **{k: normalize_license(v, vocabulary=vocab).id for k, v in other.items()},
                },
                normalized=True,
                vocabulary=vocab,
            )
            effective = resolved.effective_id
            conflict = resolved.reason if resolved.conflict else None
        permission = license_permits(effective, use, vocabulary=vocabulary)
        columns["license_id"].append(match.id)
        columns["license_confidence"].append(match.confidence)
        columns["license_evidence"].append(match.evidence)
        columns["license_effective_id"].append(effective)
        columns["license_conflict"].append(conflict)
        columns["license_permission"].append(permission.verdict)
        columns["license_conditions"].append(",".join(permission.conditions))
    return pa.Table.from_pydict(columns, schema=_SCHEMA)


def license_columns(
    raw: pa.Array | pa.ChunkedArray,
    use: str = "commercial_training",
    *,
    layers: Mapping[str, str | None] | None = None,
    vocabulary: Vocabulary | None = None,
) -> pa.Table:
    """Return the licence columns for every row of ``raw`` (same length and order).

    ``raw`` is the ``license_raw`` column (strings; nulls are ``unknown``). ``use`` is one of
    :data:`~clearance.enrich.licenses.schema.USES`; ``layers`` optionally maps ``dataset``,
    ``card`` or ``repository`` to the licence evidence stated for the whole batch.
    """
    if use not in USES:
        raise InputError(f"unknown use {use!r}; expected one of {', '.join(USES)}")
    if isinstance(raw, pa.ChunkedArray):
        raw = raw.combine_chunks() if raw.num_chunks != 1 else raw.chunk(0)
    if pa.types.is_dictionary(raw.type):
        raw = raw.cast(raw.type.value_type)
    if not (pa.types.is_string(raw.type) or pa.types.is_large_string(raw.type)):
        raw = raw.cast(pa.string())
    distinct = pc.unique(raw).drop_null()
    values: list[str | None] = distinct.to_pylist()
    values.append(None)  # the row that nulls map to
    table = license_table(values, use, layers, vocabulary)
    indices = pc.index_in(raw, value_set=distinct)
    indices = pc.fill_null(indices, pa.scalar(len(values) - 1, indices.type)).cast(pa.int32())
    arrays = []
    for name, kind in LICENSE_COLUMNS:
        dictionary = table[name].combine_chunks()
        if kind == _TEXT:
            arrays.append(pa.DictionaryArray.from_arrays(indices, dictionary))
        else:
            arrays.append(dictionary.take(indices))
    return pa.Table.from_arrays(arrays, schema=pa.schema(list(LICENSE_COLUMNS)))


def add_license_columns(
    records: pa.Table | pa.RecordBatch,
    use: str = "commercial_training",
    *,
    column: str = "license_raw",
    layers: Mapping[str, str | None] | None = None,
    vocabulary: Vocabulary | None = None,
) -> pa.Table:
    """Return ``records`` with the licence columns appended (replacing any of the same name).

    The hook the scan engine calls per batch; ``column`` holds the raw licence evidence.
    """
    table = records if isinstance(records, pa.Table) else pa.Table.from_batches([records])
    if column not in table.column_names:
        raise InputError(f"no {column!r} column to read licences from")
    extra = license_columns(table[column], use, layers=layers, vocabulary=vocabulary)
    for name in extra.column_names:
        if name in table.column_names:
            table = table.drop_columns([name])
        table = table.append_column(name, extra[name])
    return table
