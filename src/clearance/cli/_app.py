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
from clearance.textsafe import rich_safe

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

console = Console(stderr=True, soft_wrap=True)  # messages stay one line (copyable, greppable)
out = Console(soft_wrap=True)

T = TypeVar("T")


def run(fn: Callable[[], T]) -> T:
    """Call ``fn``; print a ClearanceError as ``ClassName: message`` and exit with code 1.

    An OSError that escaped the library (a full disk, a folder that vanished) is shown the
    same way, with the file it names, instead of a traceback.
    """
    try:
        return fn()
    except ClearanceError as exc:
        console.print(f"[bold red]{type(exc).__name__}[/]: {plain(exc)}", highlight=False)
        raise typer.Exit(code=1) from exc
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        console.print(f"[bold red]OSError[/]: {plain(where)}{plain(exc.strerror or exc)}",
                      highlight=False)
        raise typer.Exit(code=1) from exc


def plain(text: object) -> str:
    """Return ``text`` for a terminal: control characters shown as escapes, markup escaped."""
    return rich_safe(text)


def print_json(data: Any) -> None:
    """Write ``data`` as indented JSON to standard output."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
