# SPDX-License-Identifier: Apache-2.0
"""Worker process entry: ``python -m clearance.fetch.worker SPEC`` fetches one shard.

SPEC is a pickle written by :func:`clearance.fetch.run.fetch_host_documents` (a local,
short-lived file it created). On Linux the worker asks to be killed with its parent, so a
``kill -9`` of the run leaves no writer behind; the shard lock guards against the rest.
"""

from __future__ import annotations

import ctypes
import pickle
import signal
import sys
from pathlib import Path

from clearance.fetch.run import run_shard


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def main(argv: list[str]) -> int:
    """Fetch the shard described by the spec file; print how many documents were fetched."""
    _die_with_parent()
    spec = pickle.loads(Path(argv[0]).read_bytes())
    root, shard, run, config, origins, items, resolver, references = spec
    fetched = run_shard(Path(root), shard, run, config, origins, items, resolver, references)
    sys.stdout.write(f"{fetched}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
