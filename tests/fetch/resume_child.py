# SPDX-License-Identifier: Apache-2.0
"""A fetch run in its own process, for the kill-and-resume test: ``python -m ... DIR PORT N W``."""

from __future__ import annotations

import sys

from clearance.fetch import StaticResolver, fetch_host_documents
from tests.fetch.helpers import make_config
from tests.fetch.loopback import variant_of


def hosts(port: int, n: int) -> list[str]:
    """Return numbered loopback hosts among the first ``n``: every behaviour but ``slow``.

    Outcomes must not depend on timing: ``slow`` is a timeout by design, and timeouts are
    generous so that no answer turns into a timeout on a loaded machine.
    """
    names = (f"h{i:06d}.loop.test" for i in range(n))
    return [f"http://{h}:{port}" for h in names if variant_of(h) != "slow"]


def main() -> None:
    """Fetch the hosts into the directory; print the run id."""
    root, port, n, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    resolver = StaticResolver({"*.loop.test": "127.0.0.1"})
    config = make_config(
        workers=workers,
        total_timeout=15.0,
        connect_timeout=15.0,
        max_hosts_in_flight=64,
        commit_every=50,
    )
    summary = fetch_host_documents(hosts(port, n), root, config=config, resolver=resolver)
    sys.stdout.write(f"{summary.run} {summary.fetched}\n")


if __name__ == "__main__":
    main()
