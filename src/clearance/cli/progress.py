# SPDX-License-Identifier: Apache-2.0
"""Progress on the command line: a live bar per stage on a terminal, log lines otherwise.

On a terminal each stage shows its count, total (when known), rate and time left; when
standard error is not a terminal (CI, a pipe, a file) each stage logs a line when it starts,
every ten seconds while it runs and when it ends, so long jobs are never silent.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.text import Text

from clearance.cli._app import console
from clearance.engine.progress import LogProgress, Progress, Stage

__all__ = ["cli_progress"]


class _Counts(ProgressColumn):
    def render(self, task: Task) -> Text:
        unit = task.fields.get("unit", "")
        done = int(task.completed)
        total = f"/{int(task.total):,}" if task.total is not None else ""
        speed = f", {task.speed:,.0f} {unit}/s" if task.speed else ""
        return Text(f"{done:,}{total} {unit}{speed}")


class _RichStage:
    def __init__(self, bars: RichProgress, task: TaskID) -> None:
        self.bars, self.task = bars, task

    def advance(self, n: int = 1) -> None:
        self.bars.advance(self.task, n)

    def close(self) -> None:
        task = self.bars.tasks[self.task]
        if task.total is None:
            self.bars.update(self.task, total=task.completed)
        self.bars.update(self.task, completed=task.total or task.completed)


class _RichProgress:
    def __init__(self, bars: RichProgress) -> None:
        self.bars = bars

    def stage(self, name: str, total: int | None = None, unit: str = "items") -> Stage:
        return _RichStage(self.bars, self.bars.add_task(name, total=total, unit=unit))


@contextmanager
def cli_progress() -> Iterator[Progress]:
    """Yield the progress display for this terminal (bars) or for a log (lines)."""
    if console.is_terminal:
        bars = RichProgress(
            TextColumn("{task.description}"),
            BarColumn(bar_width=24),
            _Counts(),
            TimeRemainingColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        with bars:
            yield _RichProgress(bars)
        return
    logger = logging.getLogger("clearance.progress")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield LogProgress(interval=10.0)
    finally:
        logger.removeHandler(handler)
