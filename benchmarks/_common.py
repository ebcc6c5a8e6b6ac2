# SPDX-License-Identifier: Apache-2.0
"""Shared helpers of the benchmark scripts: a cache folder, child processes, peak memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

CACHE = Path(os.environ.get("CLEARANCE_BENCH_CACHE", Path(__file__).resolve().parent / ".cache"))


def run_side(script: Path, *args: str) -> dict[str, Any]:
    """Run ``script --side ...`` in a fresh interpreter; return its JSON result and peak RSS."""
    proc = subprocess.run(
        [sys.executable, "-X", "utf8", str(script), *args],
        capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{script.name} {' '.join(args)} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def peak_rss_mib() -> float:
    """Return peak resident memory in MiB: this process's peak plus its worker processes'
    largest peak times their number (an upper bound; Linux ru_maxrss is in KiB)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    workers = 2 if child else 0
    return own + workers * child
