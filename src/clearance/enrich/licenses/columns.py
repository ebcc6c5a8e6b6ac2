# SPDX-License-Identifier: Apache-2.0
"""Licence columns for a scan: :func:`license_columns`, computed once per distinct value.

The raw licence column of millions of rows holds a few thousand distinct strings. They are
found with ``pyarrow.compute`` (``unique`` / ``dictionary_encode``), each is normalised and
judged once in Python, and the small result table is joined back by index: text columns
become dictionary arrays over it, so no string is copied per row and no Python runs per row.

Other layers (``dataset``, ``card``, ``repository``) are either one value for the batch or a
column aligned with the rows; with columns, the distinct *combinations* are judged (one int64
key per row, built from the columns' dictionary indices). The most restrictive layer wins and
disagreements set ``license_conflict``. The item layer is always present: a null item licence
is ``unknown``, because a dataset's licence says nothing about the rights in its items.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from clearance.enrich.licenses.conflicts import resolve_license_layers
from clearance.enrich.licenses.normalize import normalize_license
from clearance.enrich.licenses.permissions import license_permits
from clearance.enrich.licenses.schema import USES
from clearance.enrich.licenses.vocabulary import Vocabulary, default_vocabulary
from clearance.errors import InputError

__all__ = ["LICENSE_COLUMNS", "add_license_columns", "license_columns", "license_table"]

Layer: TypeAlias = str | None | pa.Array | pa.ChunkedArray
_TEXT = pa.dictionary(pa.int32(), pa.string())
#: Output columns, in order, with their Arrow types. Text columns are dictionary-encoded: the
#: per-distinct table is the dictionary and each row holds an index (no string copies);
#: ``license_conditions`` is a list of dictionary-encoded strings for the same reason.
LICENSE_COLUMNS: tuple[tuple[str, pa.DataType], ...] = (
    ("license_id", _TEXT),
    ("license_confidence", pa.float32()),
    ("license_evidence", _TEXT),
    ("license_effective_id", _TEXT),
    ("license_source", _TEXT),
    ("license_conflict", pa.bool_()),
    ("license_conflict_reason", _TEXT),
    ("license_permission", _TEXT),
    ("license_conditions", pa.list_(_TEXT)),
)
_SCHEMA = pa.schema(
    [
        (
            n,
            pa.list_(pa.string())
            if n == "license_conditions"
            else pa.string()
            if k == _TEXT
            else k,
        )
        for n, k in LICENSE_COLUMNS
    ]
)


#: Licence strings already read, per vocabulary: a scan's batches (and a worker's) repeat the
#: same few thousand strings, each normalised once per process. Bounded: cleared when full.
_READ: dict[tuple[int, str], tuple[Vocabulary, object]] = {}
_READ_MAX = 200_000


def _normalized(text: str, voc: Vocabulary) -> object:
    key = (id(voc), text)
    found = _READ.get(key)
    if found is None or found[0] is not voc:  # the vocabulary object itself, not its id
        if len(_READ) >= _READ_MAX:
            _READ.clear()
        found = _READ[key] = (voc, normalize_license(text, vocabulary=voc))
    return found[1]


def _judge_rows(
    combos: list[tuple[str | None, dict[str, str]]], use: str, vocab: Vocabulary | None
) -> pa.Table:
    """Return one licence row per (item value, other layers) combination."""
    voc = vocab if vocab is not None else default_vocabulary()
    ids: dict[str, str] = {}
    columns: dict[str, list[object]] = {name: [] for name, _ in LICENSE_COLUMNS}
    for value, others in combos:
        match: Any = _normalized("" if value is None else value, voc)
        effective, source, conflict, reason = match.id, "item", False, None
        if others:
            for text in others.values():
                if text not in ids:
                    ids[text] = _normalized(text, voc).id  # type: ignore[attr-defined]
            resolved = resolve_license_layers(
                {"item": match.id, **{k: ids[v] for k, v in others.items()}},
                normalized=True,
                vocabulary=voc,
            )
            effective, source = resolved.effective_id, resolved.winner
            conflict, reason = resolved.conflict, resolved.reason if resolved.conflict else None
        permission = license_permits(effective, use, vocabulary=vocab)
        row = (match.id, match.confidence, match.evidence, effective, source, conflict, reason,
               permission.verdict, list(permission.conditions))  # fmt: skip
        for (name, _), item in zip(LICENSE_COLUMNS, row, strict=True):
            columns[name].append(item)
    return pa.Table.from_pydict(columns, schema=_SCHEMA)


def license_table(
    values: list[str | None],
    use: str,
    layers: Mapping[str, str | None] | None = None,
    vocabulary: Vocabulary | None = None,
) -> pa.Table:
    """Return one licence row per value, other layers being one value each (plain columns)."""
    others = {k: v for k, v in (layers or {}).items() if v}
    return _judge_rows([(v, others) for v in values], use, vocabulary)


def _strings(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        values = values.cast(pa.string())
    return values


def _codes(values: pa.Array) -> tuple[pa.Array, list[str | None]]:
    """Return int64 codes per row (nulls get the last code) and the decoded values."""
    encoded = pc.dictionary_encode(values)
    dictionary: list[str | None] = encoded.dictionary.to_pylist()
    codes = pc.fill_null(encoded.indices, len(dictionary)).cast(pa.int64())
    return codes, [*dictionary, None]


def _join(table: pa.Table, indices: pa.Array) -> pa.Table:
    arrays = []
    for name, kind in LICENSE_COLUMNS:
        column = table[name].combine_chunks()
        if kind == _TEXT:
            rows = indices
            if column.null_count:  # nulls live in the indices, never in the dictionary
                missing = pc.take(pc.is_null(column), indices)
                rows = pc.if_else(missing, pa.scalar(None, indices.type), indices)
                column = pc.fill_null(column, "")
            arrays.append(pa.DictionaryArray.from_arrays(rows, column))
        elif pa.types.is_list(kind):  # list of dictionary codes: the take copies no strings
            codes = pc.dictionary_encode(column.values).cast(kind.value_type)
            arrays.append(pa.ListArray.from_arrays(column.offsets, codes).take(indices))
        else:
            arrays.append(column.take(indices))
    return pa.Table.from_arrays(arrays, schema=pa.schema(list(LICENSE_COLUMNS)))


def license_columns(
    raw: pa.Array | pa.ChunkedArray,
    use: str = "commercial_training",
    *,
    layers: Mapping[str, Layer] | None = None,
    vocabulary: Vocabulary | None = None,
) -> pa.Table:
    """Return the licence columns for every row of ``raw`` (same length and order).

    ``raw`` is the ``license_raw`` column (strings; nulls are ``unknown``). ``use`` is one of
    :data:`~clearance.enrich.licenses.schema.USES`. ``layers`` maps ``dataset``, ``card`` or
    ``repository`` to the licence evidence stated for the whole batch (a string) or per row
    (an Arrow array of the same length).
    """
    if use not in USES:
        raise InputError(f"unknown use {use!r}; expected one of {', '.join(USES)}")
    raw = _strings(raw)
    scalars = {k: v for k, v in (layers or {}).items() if isinstance(v, str) and v.strip()}
    arrays = {
        k: _strings(v)
        for k, v in (layers or {}).items()
        if isinstance(v, pa.Array | pa.ChunkedArray)
    }
    for name, column in arrays.items():
        if len(column) != len(raw):
            raise InputError(f"layer {name!r} has {len(column)} rows, the items {len(raw)}")
    if not arrays:
        distinct = pc.unique(raw).drop_null()
        values: list[str | None] = [*distinct.to_pylist(), None]  # nulls map to the last row
        table = license_table(values, use, scalars, vocabulary)
        indices = pc.fill_null(pc.index_in(raw, value_set=distinct), len(values) - 1)
        return _join(table, indices.cast(pa.int32()))
    key, item_values = _codes(raw)
    decoders: list[tuple[str, list[str | None]]] = []
    space = len(item_values)
    for name, column in arrays.items():
        codes, decoded = _codes(column)
        space *= len(decoded)
        if space > 2**62:
            raise InputError("too many distinct licence combinations to key in 64 bits")
        key = pc.add(pc.multiply(key, len(decoded)), codes)
        decoders.append((name, decoded))
    unique_keys = pc.unique(key)
    combos: list[tuple[str | None, dict[str, str]]] = []
    for number in unique_keys.to_pylist():
        others = dict(scalars)
        for name, decoded in reversed(decoders):
            number, code = divmod(number, len(decoded))
            if decoded[code] is not None and str(decoded[code]).strip():
                others[name] = str(decoded[code])
        combos.append((item_values[number], others))
    table = _judge_rows(combos, use, vocabulary)
    return _join(table, pc.index_in(key, value_set=unique_keys).cast(pa.int32()))


def add_license_columns(
    records: pa.Table | pa.RecordBatch,
    use: str = "commercial_training",
    *,
    column: str = "license_raw",
    layers: Mapping[str, Layer] | None = None,
    vocabulary: Vocabulary | None = None,
) -> pa.Table:
    """Return ``records`` with the licence columns appended (replacing any of the same name).

    The hook the scan engine calls per batch; ``column`` holds the raw licence evidence, and
    a layer given as a column name (e.g. ``{"dataset": "dataset_license"}``) is read from
    ``records`` when such a column exists.
    """
    table = records if isinstance(records, pa.Table) else pa.Table.from_batches([records])
    if column not in table.column_names:
        raise InputError(f"no {column!r} column to read licences from")
    resolved: dict[str, Layer] = {}
    for name, value in (layers or {}).items():
        is_column = isinstance(value, str) and value in table.column_names
        resolved[name] = table[value] if is_column else value
    extra = license_columns(table[column], use, layers=resolved, vocabulary=vocabulary)
    for name in extra.column_names:
        if name in table.column_names:
            table = table.drop_columns([name])
        table = table.append_column(name, extra[name])
    return table
