# SPDX-License-Identifier: Apache-2.0
"""docs/redteam.md documents every option of ``redteam images index`` and ``check``."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from clearance.cli import app

DOCS = Path(__file__).parents[3] / "docs" / "redteam.md"


def _options(*path: str) -> set[str]:
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    return {opt for p in command.params for opt in p.opts if opt.startswith("--")} - {"--help"}


@pytest.mark.parametrize("command", ["index", "check"])
def test_every_option_is_documented(command: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    options = _options("redteam", "images", command)
    assert options
    missing = sorted(o for o in options if o not in text)
    assert missing == [], f"undocumented options of {command}: {missing}"
