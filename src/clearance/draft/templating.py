# SPDX-License-Identifier: Apache-2.0
"""Clause templates: a sandboxed Jinja2 environment with strict undefined and number filters.

Clause text in the library is Jinja2. Templates see a fixed set of names (``CONTEXT_NAMES``):
``v`` (the deal's numbers and choices, ``v.annual_fee``), ``uses`` and ``uses_text`` (the
licensed uses), ``reserved_text`` (the uses not licensed), ``markets``, ``content`` (the
description of the licensed content), ``plans`` (product plans, for product terms) and
``ref('topic')`` (the number of another topic's clause, e.g. ``19``). :func:`template_names`
lists what a template reads so the loader can refuse one that reads an undeclared variable.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from jinja2 import StrictUndefined, TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment

__all__ = [
    "CONTEXT_NAMES",
    "Pending",
    "TemplateError",
    "environment",
    "money",
    "number",
    "percent",
    "render",
    "template_names",
]

CONTEXT_NAMES: Final = frozenset(
    {"v", "uses", "uses_text", "reserved_text", "markets", "content", "plans", "ref"}
)


class Pending:
    """A library default the deal did not set: drafted in square brackets, noted when used.

    Lawyers bracket what is still open; a default printed as ``[EUR 1,000,000]`` tells the
    reader to confirm the number, and the cover memo lists every one that was used.
    """

    __slots__ = ("name", "used", "value")

    def __init__(self, name: str, value: Any, used: set[str]) -> None:
        self.name, self.value, self.used = name, value, used

    def unwrap(self) -> Any:
        """Return the default value and record that the draft used it."""
        self.used.add(self.name)
        return self.value

    def __str__(self) -> str:
        return f"[{self.unwrap()}]"

    def __eq__(self, other: object) -> bool:
        return bool(self.unwrap() == (other.value if isinstance(other, Pending) else other))

    def __hash__(self) -> int:
        return hash(self.value)


def _bracket(value: Any, fmt: Any) -> str:
    if isinstance(value, Pending):
        return f"[{fmt(value.unwrap())}]"
    return str(fmt(value))


def number(value: Any) -> str:
    """Return ``value`` with thousands separators (``1200000`` -> ``1,200,000``)."""
    if isinstance(value, Pending):
        return _bracket(value, number)
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"


def money(value: Any, currency: Any = "") -> str:
    """Return ``value`` as an amount with its currency code first (``EUR 1,200,000``)."""
    if isinstance(value, Pending) or isinstance(currency, Pending):
        cur = currency.unwrap() if isinstance(currency, Pending) else currency
        amount = value.unwrap() if isinstance(value, Pending) else value
        return f"[{money(amount, cur)}]"
    return f"{currency} {number(value)}".strip()


def percent(value: Any) -> str:
    """Return ``value`` as a percentage (``12.5`` -> ``12.5%``)."""
    if isinstance(value, Pending):
        return _bracket(value, percent)
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return f"{value}%"
    return f"{amount.normalize():f}%"


@functools.cache
def environment() -> SandboxedEnvironment:
    """Return the shared template environment (sandboxed, strict undefined, no escaping)."""
    env = SandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False
    )
    env.filters["money"] = money
    env.filters["num"] = number
    env.filters["pct"] = percent
    return env


def template_names(source: str) -> tuple[set[str], set[str]]:
    """Return (top-level names, attributes read from ``v``) of a template.

    Raises ``jinja2.TemplateError`` when the template does not parse.
    """
    tree = environment().parse(source)
    top: set[str] = set()
    assigned = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    for name in tree.find_all(nodes.Name):
        if name.ctx == "load" and name.name not in assigned and name.name != "loop":
            top.add(name.name)
    attrs = {
        node.attr
        for node in tree.find_all(nodes.Getattr)
        if isinstance(node.node, nodes.Name) and node.node.name == "v"
    }
    return top, attrs


def render(source: str, context: Mapping[str, Any]) -> str:
    """Return ``source`` rendered with ``context``; raise ``jinja2.TemplateError`` on failure."""
    template = environment().from_string(source)
    text = template.render(**context)
    return " ".join(text.split())
