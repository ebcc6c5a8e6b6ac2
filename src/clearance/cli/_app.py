# SPDX-License-Identifier: Apache-2.0
"""The Typer application every command module registers on, and the error-to-exit mapping."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from clearance.errors import ClearanceError

app = typer.Typer(
    name="clearance",
    help=(
        "Rights clearance for AI training data: what is in a dataset, who owns it, who "
        "reserved it against AI training, and what that means per market. "
        "Output is a risk assessment, not legal advice."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

console = Console(stderr=True)
out = Console()

T = TypeVar("T")


def run(fn: Callable[[], T]) -> T:
    """Call ``fn``; print a ClearanceError as ``ClassName: message`` and exit with code 1."""
    try:
        return fn()
    except ClearanceError as exc:
        console.print(f"[bold red]{type(exc).__name__}[/]: {exc}", highlight=False, markup=True)
        raise typer.Exit(code=1) from exc


def print_json(data: Any) -> None:
    """Write ``data`` as indented JSON to standard output."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
