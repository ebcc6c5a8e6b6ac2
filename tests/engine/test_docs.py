# SPDX-License-Identifier: Apache-2.0
"""docs/scan.md documents every option of `clearance scan` and `clearance assess`, and every
presumption (a new one fails here until it is written up)."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from clearance.assumptions import PRESUMPTIONS
from clearance.cli import app

DOCS = Path(__file__).parents[2] / "docs"


def _options(name: str) -> set[str]:
    command = typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]
    return {o for p in command.params for o in p.opts if o.startswith("--")} - {"--help"}


def test_scan_doc_covers_every_option_and_presumption() -> None:
    text = (DOCS / "scan.md").read_text(encoding="utf-8")
    for option in _options("scan") | _options("assess"):
        assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text), option
    for p in PRESUMPTIONS:
        assert f"`{p.option}`" in text, p.option
