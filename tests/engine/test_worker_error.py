# SPDX-License-Identifier: Apache-2.0
"""A worker process that dies is reported as a WorkerError that says what to do, not as
concurrent.futures' BrokenProcessPool."""

from __future__ import annotations

import os

import pytest

from clearance import WorkerError
from clearance.engine.local import map_ordered


def _die(code: int) -> int:
    os._exit(code)  # what the OOM killer or a failed spawn leaves the pool with


def test_a_dead_worker_is_a_worker_error() -> None:
    with pytest.raises(WorkerError, match=r'if __name__ == "__main__"') as caught:
        list(map_ordered(_die, [(3,), (3,), (3,)], workers=2))
    assert "--workers 1" in str(caught.value)


def test_one_worker_runs_in_this_process() -> None:
    assert list(map_ordered(abs, [(-1,), (2,)], workers=1)) == [1, 2]
