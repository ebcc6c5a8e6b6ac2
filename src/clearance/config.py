# SPDX-License-Identifier: Apache-2.0
"""Typed settings with named defaults; each field's ``metadata["help"]`` documents it.

``SETTINGS`` lists every setting of every config class (name, default, help) so that ``--help``,
the docs and a docs test can be driven from one table.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from typing import Any

__all__ = ["DEFAULT_USER_AGENT", "FetchConfig", "settings_table"]

DEFAULT_USER_AGENT = "clearance/0.1 (rights-clearance signal collector; robots.txt, tdmrep, ai.txt)"
"""User-Agent sent by the fetcher; its product token ``clearance`` names us to sites."""


def _s(default: Any, text: str) -> Any:
    return field(default=default, metadata={"help": text})


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """Settings of the polite, SSRF-guarded fetcher (see docs/fetch.md)."""

    user_agent: str = _s(DEFAULT_USER_AGENT, "User-Agent header sent with every request.")
    agent_token: str = _s(
        "clearance", "Product token matched against robots.txt groups (for Crawl-delay)."
    )
    max_concurrency: int = _s(512, "Open connections at most, over all hosts (per worker).")
    max_hosts_in_flight: int = _s(256, "Hosts being worked on at once (per worker process).")
    per_host_concurrency: int = _s(
        2, "Item requests in flight to one host (host documents go one at a time)."
    )
    connect_timeout: float = _s(10.0, "Seconds to resolve and connect.")
    total_timeout: float = _s(30.0, "Seconds for one request, headers and body.")
    retries: int = _s(2, "Extra attempts after a 429, a 5xx, a timeout or a dropped connection.")
    backoff_base: float = _s(0.5, "First back-off in seconds; doubles per attempt, full jitter.")
    backoff_max: float = _s(30.0, "Longest back-off or Retry-After honoured, in seconds.")
    max_redirects: int = _s(5, "Redirects followed per request (RFC 9309 asks for at least 5).")
    robots_max_bytes: int = _s(500 * 1024, "Bytes of robots.txt read (RFC 9309: >= 500 KiB).")
    max_bytes: int = _s(1024 * 1024, "Bytes read of any other document; the rest is cut off.")
    item_head_bytes: int = _s(65536, "Bytes of a media item read for XMP/C2PA (ranged GET).")
    max_decompression_ratio: int = _s(
        100, "Decoded/encoded size ratio above which a body that hits its cap is a bomb."
    )
    honour_crawl_delay: bool = _s(True, "Wait robots.txt's Crawl-delay between requests.")
    max_crawl_delay: float = _s(30.0, "Longest Crawl-delay honoured, in seconds.")
    default_scheme: str = _s("https", "Scheme used for a host given without one.")
    follow_references: int = _s(3, "RSL licence documents fetched per robots.txt at most.")
    conditional: bool = _s(True, "Send If-None-Match / If-Modified-Since on a re-scan.")
    allow_networks: tuple[str, ...] = _s(
        (), "CIDR blocks the SSRF guard lets through (tests: ('127.0.0.0/8',)); empty in use."
    )
    workers: int = _s(1, "Worker processes; hosts are sharded by a stable hash of the name.")
    warc_max_bytes: int = _s(1 << 30, "Size at which a WARC file is closed and a new one begun.")
    commit_every: int = _s(512, "Documents between index commits (the ledger is flushed always).")

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as a JSON-ready dict (saved beside a run's evidence)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FetchConfig:
        """Return a config from a dict made by :meth:`to_dict`, ignoring unknown keys."""
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        if "allow_networks" in kwargs:
            kwargs["allow_networks"] = tuple(kwargs["allow_networks"])
        return cls(**kwargs)


def settings_table() -> list[tuple[str, str, Any, str]]:
    """Return (config class, setting, default, help) rows for every setting."""
    rows: list[tuple[str, str, Any, str]] = []
    for cls in (FetchConfig,):
        for f in fields(cls):
            default = f.default if f.default is not MISSING else None
            rows.append((cls.__name__, f.name, default, str(f.metadata.get("help", ""))))
    return rows
