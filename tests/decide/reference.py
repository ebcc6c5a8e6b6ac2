# SPDX-License-Identifier: Apache-2.0
"""A plain per-row reading of the condition language, written from docs/policies.md, against
which the compiled Polars expressions are checked."""

from __future__ import annotations

from typing import Any

from clearance.decide.conditions import Node

LEVELS = ["low", "medium", "high", "critical"]


def reference(node: Node, row: dict[str, Any]) -> bool:
    """Evaluate a parsed condition on one row, in plain Python, from the documented rules."""
    if node.op == "all":
        return all(reference(c, row) for c in node.children)
    if node.op == "any":
        return any(reference(c, row) for c in node.children)
    if node.op == "not":
        return not reference(node.children[0], row)
    value, op, arg = row[node.column], node.test, node.operand
    if op == "present":
        present = value is not None and value != "" and value != []
        return present if arg else not present
    if node.kind in ("enum", "bool", "ordered"):
        if isinstance(value, bool):
            value = "true" if value else "false"
        text = "unknown" if value is None else value
        if op == "at_least":
            return text not in LEVELS or LEVELS.index(text) >= LEVELS.index(arg)
        if op == "at_most":
            return text in LEVELS and LEVELS.index(text) <= LEVELS.index(arg)
        return (text in arg) if op == "in" else (text not in arg)
    if value is None:
        if node.kind == "list" and op == "empty":
            return bool(arg)
        if op == "not":
            return True
        return node.or_unknown
    if node.kind == "number":
        if op in ("in", "not"):
            return (value in arg) == (op == "in")
        return {"gt": value > arg, "gte": value >= arg, "lt": value < arg, "lte": value <= arg}[op]
    if node.kind == "date":
        day = value.date()
        return day < arg if op == "before" else day >= arg
    if node.kind == "list":
        if op == "empty":
            return (len(value) == 0) == arg
        wanted = [arg] if op == "contains" else list(arg)
        found = [w in value for w in wanted]
        return any(found) if op == "contains_any" else all(found)
    if op in ("in", "not"):
        return (value in arg) == (op == "in")
    if op == "starts_with":
        return bool(value.startswith(arg))
    if op == "ends_with":
        return bool(value.endswith(arg))
    return arg in value
