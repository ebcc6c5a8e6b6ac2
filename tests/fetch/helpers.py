# SPDX-License-Identifier: Apache-2.0
"""Helpers shared by the fetch tests: a fast config that allowlists loopback, URLs, a fetch."""

from __future__ import annotations

from pathlib import Path

from clearance.config import FetchConfig
from clearance.fetch import StaticResolver, fetch_host_documents
from clearance.models import FetchSummary

LOOPBACK = ("127.0.0.0/8",)


def make_config(**overrides: object) -> FetchConfig:
    """Return a fast config that allowlists loopback."""
    base: dict[str, object] = {
        "allow_networks": LOOPBACK,
        "retries": 1,
        "backoff_base": 0.01,
        "total_timeout": 1.0,
        "connect_timeout": 1.0,
        "max_crawl_delay": 0.05,
    }
    base.update(overrides)
    return FetchConfig(**base)  # type: ignore[arg-type]


def url(port: int, variant: str, path: str = "/robots.txt") -> str:
    """Return the URL of a path on a variant host of the loopback server."""
    return f"http://{variant}.v.loop.test:{port}{path}"


def fetch(
    port: int, resolver: StaticResolver, variants: list[str], root: Path, **kw: object
) -> FetchSummary:
    """Fetch the host documents of variant hosts into ``root``."""
    cfg = kw.pop("config", None) or make_config()
    hosts = [f"http://{v}.v.loop.test:{port}" for v in variants]
    return fetch_host_documents(hosts, root, config=cfg, resolver=resolver, **kw)  # type: ignore[arg-type]
