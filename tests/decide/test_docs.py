# SPDX-License-Identifier: Apache-2.0
"""docs/policies.md and docs/takedowns.md document every column, operator, option, status
and request kind the code accepts (a new one fails here until it is written up)."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from clearance.cli import app
from clearance.decide.columns import fixed_columns
from clearance.decide.conditions import _OPS
from clearance.decide.policy import shipped_policies
from clearance.decide.takedown import KINDS, STATUSES

DOCS = Path(__file__).parents[2] / "docs"


def _options(*path: str) -> set[str]:
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    return {opt for p in command.params for opt in p.opts if opt.startswith("--")} - {"--help"}


def test_policies_doc_covers_columns_operators_policies_and_options() -> None:
    text = (DOCS / "policies.md").read_text(encoding="utf-8")
    for name in fixed_columns():
        assert f"`{name}`" in text, name
    for op in set().union(*_OPS.values()) | {"present", "or_unknown", "all", "any"}:
        assert re.search(rf"\b{op}\b", text), op
    for policy in shipped_policies():
        assert f"### `{policy}`" in text, policy
    for option in _options("gate"):
        assert f"`{option}`" in text, option


def test_takedowns_doc_covers_kinds_statuses_and_options() -> None:
    text = (DOCS / "takedowns.md").read_text(encoding="utf-8")
    for word in (*KINDS, *STATUSES):
        assert f"`{word}`" in text, word
    for sub in ("add", "list", "show", "status", "report"):
        assert f"takedown {sub}" in text, sub
        for option in _options("takedown", sub) - {"--ledger", "--json"}:
            assert option in text, f"takedown {sub} {option}"
