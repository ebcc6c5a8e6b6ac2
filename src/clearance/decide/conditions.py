# SPDX-License-Identifier: Apache-2.0
"""A small condition language over the decision table, compiled to Polars expressions.

A ``when`` mapping holds one entry per column (all must hold) plus, optionally, the
combinators ``all: [...]``, ``any: [...]`` and ``not: {...}``::

    category: [shadow_library, stock_media]        # any of these values
    license_permission: {not: [allowed]}           # none of these (unknown counts as a value)
    exposure_eu: {at_least: high}                  # ordered levels low < medium < high < critical
    category_confidence: {lt: 0.5}                 # numbers: gt | gte | lt | lte
    collected_at: {on_or_after: 2024-01-01}        # dates: before | on_or_after
    license_conditions: {contains: share_alike}    # lists: contains | contains_any | contains_all
    url: {starts_with: "https://example.com/"}     # strings: starts_with | ends_with | contains
    known_work: {present: true}                    # any column: set (non-null, non-empty) or not
    any: [{reservation: reserved}, {reservation_now: reserved}]

Unknown is never read in the user's favour: a null closed-vocabulary value is ``unknown`` (list
it to match it), an unknown exposure passes every ``at_least`` and no ``at_most``, and a
comparison on a null number, date or string matches only with ``or_unknown: true``.
:func:`parse_when` validates a mapping (raising ValueError); :func:`to_expr` compiles it once
per table schema into one vectorised boolean expression.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from clearance.decide.columns import EXPOSURE_LEVELS, ColumnSpec, column_spec

__all__ = ["Node", "columns_of", "parse_when", "to_expr"]

_COMBINATORS = ("all", "any", "not")
_OPS: dict[str, frozenset[str]] = {
    "enum": frozenset({"in", "not"}),
    "bool": frozenset({"in", "not"}),
    "string": frozenset({"in", "not", "starts_with", "ends_with", "contains", "matches"}),
    "number": frozenset({"in", "not", "gt", "gte", "lt", "lte"}),
    "date": frozenset({"before", "on_or_after"}),
    "list": frozenset({"contains", "contains_any", "contains_all", "empty"}),
    "ordered": frozenset({"in", "not", "at_least", "at_most"}),
}
_LEVELS = list(EXPOSURE_LEVELS)
_RANK = {level: i for i, level in enumerate(EXPOSURE_LEVELS)}


@dataclass(frozen=True, slots=True)
class Node:
    """One parsed condition: a combinator over children, or a test of one column."""

    op: str  # all | any | not | test
    children: tuple[Node, ...] = ()
    column: str = ""
    kind: str = ""
    test: str = ""
    operand: Any = None
    or_unknown: bool = False


def _scalar(spec: ColumnSpec, value: Any) -> Any:
    if spec.kind == "bool":
        if isinstance(value, bool):
            return "true" if value else "false"
        if value in ("true", "false", "unknown"):
            return value
        raise ValueError(f"{spec.name}: {value!r} is not true, false or unknown")
    if spec.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{spec.name}: expected a number, got {value!r}")
        return float(value)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{spec.name}: expected a string value, got {value!r}")
    text = str(value)
    if spec.values and text not in spec.values:
        raise ValueError(f"{spec.name}: {text!r} is not one of {', '.join(spec.values)}")
    return text


def _values(spec: ColumnSpec, value: Any) -> tuple[Any, ...]:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise ValueError(f"{spec.name}: empty list of values")
    return tuple(dict.fromkeys(_scalar(spec, v) for v in items))


def _date(name: str, value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{name}: expected a date YYYY-MM-DD, got {value!r}")


def _operand(spec: ColumnSpec, op: str, value: Any) -> Any:
    name = spec.name
    if op in ("in", "not"):
        return _values(spec, value)
    if op in ("gt", "gte", "lt", "lte"):
        return _scalar(spec, value)
    if op in ("before", "on_or_after"):
        return _date(name, value)
    if op in ("at_least", "at_most"):
        if value not in EXPOSURE_LEVELS:
            raise ValueError(f"{name}: {op} takes one of {', '.join(EXPOSURE_LEVELS)}")
        return value
    if op == "empty":
        if not isinstance(value, bool):
            raise ValueError(f"{name}: empty must be true or false")
        return value
    if op in ("contains_any", "contains_all"):
        items = value if isinstance(value, list) else [value]
        if not items or not all(isinstance(v, str) for v in items):
            raise ValueError(f"{name}: {op} takes a non-empty list of strings")
        return tuple(items)
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name}: {op} takes a non-empty string")
    if op == "matches":
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"{name}: invalid regular expression {value!r}: {exc}") from exc
    return value


def _column(name: str, spec_value: Any) -> Node:
    spec = column_spec(name)
    if spec is None:
        raise ValueError(f"unknown column {name!r} (see docs/policies.md for the columns)")
    if not isinstance(spec_value, dict):
        if spec.kind in ("date", "list"):
            raise ValueError(f"{name}: use an operator ({', '.join(sorted(_OPS[spec.kind]))})")
        return Node(
            "test", column=name, kind=spec.kind, test="in", operand=_values(spec, spec_value)
        )
    ops = dict(spec_value)
    or_unknown = ops.pop("or_unknown", False)
    if not isinstance(or_unknown, bool):
        raise ValueError(f"{name}: or_unknown must be true or false")
    if not ops:
        raise ValueError(f"{name}: no operator given")
    tests = []
    for op, value in ops.items():
        if op == "present":
            if not isinstance(value, bool):
                raise ValueError(f"{name}: present must be true or false")
            tests.append(Node("test", column=name, kind=spec.kind, test="present", operand=value))
            continue
        if op not in _OPS[spec.kind]:
            allowed = ", ".join(sorted(_OPS[spec.kind] | {"present"}))
            raise ValueError(
                f"{name}: unknown operator {op!r} for {spec.kind} columns; use {allowed}"
            )
        tests.append(
            Node(
                "test",
                column=name,
                kind=spec.kind,
                test=str(op),
                operand=_operand(spec, str(op), value),
                or_unknown=or_unknown,
            )
        )
    return tests[0] if len(tests) == 1 else Node("all", tuple(tests))


def parse_when(when: Any) -> Node:
    """Return the parsed condition of a ``when`` mapping; raise ValueError naming the problem."""
    if not isinstance(when, dict) or not when:
        raise ValueError("a condition must be a non-empty mapping of column -> condition")
    parts: list[Node] = []
    for key, value in when.items():
        key = str(key)
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                raise ValueError(f"{key}: expected a non-empty list of conditions")
            parts.append(Node(key, tuple(parse_when(v) for v in value)))
        elif key == "not":
            parts.append(Node("not", (parse_when(value),)))
        else:
            parts.append(_column(key, value))
    return parts[0] if len(parts) == 1 else Node("all", tuple(parts))


def columns_of(node: Node) -> set[str]:
    """Return the columns a parsed condition reads."""
    if node.op == "test":
        return {node.column}
    return set().union(*(columns_of(c) for c in node.children))


def _as_text(col: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.Boolean:
        text = pl.when(col).then(pl.lit("true")).otherwise(pl.lit("false"))
        return pl.when(col.is_null()).then(pl.lit(None, pl.String)).otherwise(text)
    return col.cast(pl.String)


def _as_date(col: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.String:
        return col.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    if isinstance(dtype, pl.Datetime):
        return col.dt.date()
    return col.cast(pl.Date, strict=False)


def _as_list(col: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if isinstance(dtype, pl.List):
        return col.cast(pl.List(pl.String))
    text = col.cast(pl.String)
    return pl.when(text == "").then(pl.lit([], pl.List(pl.String))).otherwise(text.str.split(","))


def _one_of(col: pl.Expr, dtype: pl.DataType, values: set[str]) -> pl.Expr:
    """Return whether a closed-vocabulary column holds one of ``values`` (never null).

    A null is the value ``unknown``. Booleans compare as booleans and strings with
    ``is_in``: no per-row string is built.
    """
    unknown = col.is_null() if "unknown" in values else pl.lit(False)
    if dtype == pl.Boolean:
        parts = [unknown]
        if "true" in values:
            parts.append(col.fill_null(False))
        if "false" in values:
            parts.append((~col).fill_null(False))
        return pl.any_horizontal(parts)
    plain = dtype == pl.String or isinstance(dtype, pl.Categorical)
    text = col if plain else _as_text(col, dtype)
    return (text.is_in(sorted(values)).fill_null(False)) | unknown


def _test(node: Node, dtype: pl.DataType) -> pl.Expr:
    col, kind, op, arg = pl.col(node.column), node.kind, node.test, node.operand
    if op == "present":
        present = col.is_not_null()
        if kind == "string" or dtype == pl.String:
            present = present & (col.cast(pl.String) != "")
        if kind == "list":
            present = present & (_as_list(col, dtype).list.len() > 0)
        return present if arg else ~present
    if kind in ("enum", "bool", "ordered"):
        wanted = set(arg)
        if op == "at_least":  # everything not below the level, unknown and odd values included
            below = _LEVELS[: _RANK[arg]]
            return ~_one_of(col, dtype, set(below))
        if op == "at_most":
            return _one_of(col, dtype, set(_LEVELS[: _RANK[arg] + 1]))
        hit = _one_of(col, dtype, wanted)
        return ~hit if op == "not" else hit
    if kind == "list":
        items = _as_list(col, dtype)
        if op == "empty":
            empty = items.list.len().fill_null(0) == 0
            return empty if arg else ~empty
        needles = [arg] if op == "contains" else list(arg)
        checks = [items.list.contains(pl.lit(w)) for w in needles]
        joined = pl.all_horizontal(checks) if op != "contains_any" else pl.any_horizontal(checks)
        return joined.fill_null(node.or_unknown)
    if kind == "date":
        day = _as_date(col, dtype)
        cmp = day < pl.lit(arg) if op == "before" else day >= pl.lit(arg)
        return cmp.fill_null(node.or_unknown)
    if kind == "number":
        num = col.cast(pl.Float64, strict=False)
        if op in ("in", "not"):
            hit = num.is_in(list(arg))
            return ~hit.fill_null(False) if op == "not" else hit.fill_null(node.or_unknown)
        bound = pl.lit(float(arg))
        ncmp: pl.Expr = {
            "gt": num > bound,
            "gte": num >= bound,
            "lt": num < bound,
            "lte": num <= bound,
        }[op]
        return ncmp.fill_null(node.or_unknown)
    text = col.cast(pl.String)
    if op in ("in", "not"):
        hit = text.is_in(list(arg))
        return ~hit.fill_null(False) if op == "not" else hit.fill_null(node.or_unknown)
    if op == "starts_with":
        found = text.str.starts_with(arg)
    elif op == "ends_with":
        found = text.str.ends_with(arg)
    elif op == "contains":
        found = text.str.contains(arg, literal=True)
    else:
        found = text.str.contains(arg)
    return found.fill_null(node.or_unknown)


def to_expr(node: Node, schema: Mapping[str, pl.DataType]) -> pl.Expr:
    """Return the vectorised boolean expression of a parsed condition (never null).

    ``schema`` maps the table's columns to their Polars types; every column the condition
    reads must be in it (the gate adds missing ones as nulls first).
    """
    if node.op == "test":
        return _test(node, schema[node.column]).fill_null(False)
    parts = [to_expr(c, schema) for c in node.children]
    if node.op == "not":
        return ~parts[0]
    return pl.all_horizontal(parts) if node.op == "all" else pl.any_horizontal(parts)
