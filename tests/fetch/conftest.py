# SPDX-License-Identifier: Apache-2.0
"""Fixtures: the loopback server (in its own process) and a static resolver."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from clearance.fetch import StaticResolver
from tests.fetch.loopback import loopback_server


@pytest.fixture(scope="session")
def port() -> Iterator[int]:
    """Return the port of a loopback server that stops with the session."""
    with loopback_server(lifetime=900) as p:
        yield p


@pytest.fixture(scope="session")
def resolver() -> StaticResolver:
    """Map the test names: *.loop.test -> 127.0.0.1, *.internal.test -> 10.0.0.5."""
    return StaticResolver(
        {
            "*.loop.test": "127.0.0.1",
            "*.internal.test": "10.0.0.5",
            "*.mapped.test": "::ffff:127.0.0.1",
            "*.meta.test": "169.254.169.254",
        }
    )
