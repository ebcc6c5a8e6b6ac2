# SPDX-License-Identifier: Apache-2.0
"""docs/contracts.md documents every `clearance draft` command and option, every topic of both
clause libraries, every strategy and every term-sheet field (a new one fails here until it is
written up)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from clearance.cli import app
from clearance.draft.library import LIBRARIES, default_library
from clearance.draft.playbook import Playbook, SidePlan, Strategy, shipped_strategies
from clearance.draft.termsheet import TermSheet

DOC = (Path(__file__).parents[2] / "docs" / "contracts.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, Any]]:
    root = typer.main.get_command(app)
    draft = root.commands["draft"]  # type: ignore[attr-defined]
    found = []
    for name, command in draft.commands.items():
        if hasattr(command, "commands"):  # a sub-group (typer may vendor its own click)
            found += [(f"{name} {sub}", c) for sub, c in command.commands.items()]
        else:
            found.append((name, command))
    return found


def test_every_command_and_option_is_documented() -> None:
    commands = _commands()
    assert len(commands) >= 11
    for name, command in commands:
        assert f"clearance draft {name}" in DOC, name
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert f"`{opt}`" in DOC, f"{name} {opt}"


def test_every_topic_strategy_and_field_is_documented() -> None:
    for kind in LIBRARIES:
        for topic in default_library(kind):
            assert f"`{topic.id}`" in DOC, (kind, topic.id)
    for strategy in shipped_strategies():
        assert f"`{strategy}`" in DOC, strategy
    for model in (TermSheet, Playbook, SidePlan):
        for name in model.model_fields:
            if name not in ("kind", "base_dir", "sides"):
                assert f"`{name}`" in DOC, (model.__name__, name)
    for name in Strategy.model_fields:
        if name not in ("id", "title", "description"):
            assert f"`{name}`" in DOC, name
    assert "not legal advice" in DOC
