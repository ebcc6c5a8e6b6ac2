# SPDX-License-Identifier: Apache-2.0
"""Progress of a long job, stage by stage: counts, rate and time left.

The engine reports through a :class:`Progress`: each stage is opened with a name, a unit and,
when known, a total, and advanced as work is done. The CLI shows a live bar on a terminal
(``clearance.cli.progress``); :class:`LogProgress` writes a log line per stage every few
seconds and when the stage ends, for CI logs and redirected output.
"""

from __future__ import annotations

import logging
import time
from typing import Protocol

__all__ = ["LogProgress", "NullProgress", "Progress", "Stage", "rate_text"]

log = logging.getLogger("clearance.progress")


class Stage(Protocol):
    """One stage of a job: advance it as work is done; close it when the stage ends."""

    def advance(self, n: int = 1) -> None:
        """Count ``n`` more units done."""
        ...

    def close(self) -> None:
        """End the stage."""
        ...


class Progress(Protocol):
    """Opens stages; the engine holds one for the whole job."""

    def stage(self, name: str, total: int | None = None, unit: str = "items") -> Stage:
        """Start a stage of ``total`` units (None when unknown)."""
        ...


class _NullStage:
    def advance(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


class NullProgress:
    """Progress that reports nothing (library calls, tests)."""

    def stage(self, name: str, total: int | None = None, unit: str = "items") -> Stage:
        """Return a stage that ignores everything."""
        return _NullStage()


def rate_text(done: int, total: int | None, seconds: float, unit: str) -> str:
    """Return ``done[/total] unit, rate/s[, ETA]`` for a stage."""
    rate = done / seconds if seconds > 0 else 0.0
    head = f"{done:,}/{total:,} {unit}" if total else f"{done:,} {unit}"
    text = f"{head}, {rate:,.0f} {unit}/s"
    if total and rate > 0 and done < total:
        text += f", about {(total - done) / rate:,.0f} s left"
    return text


class _LogStage:
    def __init__(self, owner: LogProgress, name: str, total: int | None, unit: str) -> None:
        self.owner, self.name, self.total, self.unit = owner, name, total, unit
        self.done = 0
        self.started = self.last = time.monotonic()
        log.info("%s ...", name)

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.last >= self.owner.interval:
            self.last = now
            log.info("%s: %s", self.name, rate_text(self.done, self.total, now - self.started,
                                                    self.unit))

    def close(self) -> None:
        took = time.monotonic() - self.started
        log.info("%s: done, %s in %.1f s", self.name,
                 rate_text(self.done, self.total, took, self.unit), took)


class LogProgress:
    """Progress as log lines: one when a stage starts, every ``interval`` s, one at its end."""

    def __init__(self, interval: float = 10.0) -> None:
        self.interval = interval

    def stage(self, name: str, total: int | None = None, unit: str = "items") -> Stage:
        """Start a stage and log it."""
        return _LogStage(self, name, total, unit)
