# SPDX-License-Identifier: Apache-2.0
"""Plan per host, not per URL: which documents to fetch for a host and for its items.

For each distinct host: ``/robots.txt``, ``/.well-known/tdmrep.json``, ``/ai.txt``, the home
page ``/`` (when robots.txt allows our agent there) and the RSL licence documents its
robots.txt references. Per item, only when asked: a ``HEAD`` for headers
(falling back to a one-byte ranged ``GET`` when HEAD is refused), or for media a ranged ``GET``
of the first bytes, where XMP and C2PA live. The planner reads robots.txt only for what planning
needs (Crawl-delay, referenced documents); the policy itself is the signal parsers' job.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from clearance.config import FetchConfig

__all__ = [
    "HOST_DOCUMENTS",
    "home_allowed",
    "ItemRequest",
    "References",
    "crawl_delay",
    "item_fallback",
    "item_requests",
    "origin_of",
    "robots_references",
]

log = logging.getLogger(__name__)

HOST_DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("robots", "/robots.txt"),
    ("tdmrep", "/.well-known/tdmrep.json"),
    ("ai.txt", "/ai.txt"),
    ("home", "/"),
)
"""(document name, path) fetched for every host, in this order. The home page is the site's
own statement of what it is (Open Graph, schema.org, generator: the page evidence of source
categories); it is fetched only when robots.txt lets our agent crawl ``/``
(:func:`home_allowed`)."""

References = Callable[[bytes, str], list[str]]
"""(robots.txt body, its URL) -> absolute URLs of further documents it references."""

MEDIA_SUFFIXES = frozenset(
    "jpg jpeg png gif webp tif tiff heic heif avif bmp svg mp4 m4v mov webm mkv avi mp3 m4a "
    "wav flac ogg oga opus aac pdf epub".split()
)

_LICENSE = re.compile(rb"^[ \t]*license[ \t]*:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)


def origin_of(host: str, default_scheme: str = "https") -> str:
    """Return ``scheme://host[:port]`` for a host name, origin or URL (lower-cased)."""
    text = host.strip()
    if "://" not in text:
        text = f"{default_scheme}://{text}"
    parts = urlsplit(text)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _interim_references(body: bytes, url: str) -> list[str]:
    return [urljoin(url, m.decode("utf-8", "replace")) for m in _LICENSE.findall(body[:512000])]


def robots_references(body: bytes, url: str) -> list[str]:
    """Return the RSL ``License:`` URLs a robots.txt references, read by the robots.txt parser."""
    if b"license" not in body.lower():
        return []  # no License line can be there; skip the full parse (hot path)
    try:
        from clearance.signals.robots import parse_robots
    except ImportError:  # a tree without the signal parsers: read License lines only
        return _interim_references(body, url)
    policy = parse_robots(body, status=200, url=url)
    return [urljoin(url, u) for u in policy.license_urls if u]


def home_allowed(body: bytes, status: int | None, token: str) -> bool:
    """Return whether robots.txt (its body and final HTTP status) lets ``token`` crawl ``/``.

    RFC 9309: a 4xx robots.txt allows everything; a 5xx, or none at all, disallows
    everything; a 2xx is read with the robots.txt parser, our token's group first, else ``*``.
    Read by :func:`clearance.signals.robots.root_allowed`: the same answer as the parser on
    the whole body at a fraction of the cost on files of thousands of rules.
    """
    from clearance.signals.robots import root_allowed

    return root_allowed(body, status, token)


def crawl_delay(body: bytes, token: str) -> float | None:
    """Return the Crawl-delay of the group for ``token`` (else ``*``), in seconds, if any."""
    if b"crawl-delay" not in body.lower():
        return None
    groups: dict[str, float] = {}
    agents: list[str] = []
    in_rules = False
    for raw in body[:512000].decode("utf-8", "replace").splitlines():
        line = raw.split("#", 1)[0]
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            if in_rules:
                agents, in_rules = [], False
            agents.append(value.lower())
        elif key in ("allow", "disallow", "crawl-delay"):
            in_rules = True
            if key == "crawl-delay":
                try:
                    delay = float(value)
                except ValueError:
                    continue
                if delay >= 0:
                    for agent in agents:
                        groups.setdefault(agent, delay)
    return groups.get(token.lower(), groups.get("*"))


@dataclass(frozen=True, slots=True)
class ItemRequest:
    """One request planned for an item."""

    doc: str
    method: str
    headers: tuple[tuple[str, str], ...]
    max_bytes: int


def item_requests(url: str, config: FetchConfig) -> list[ItemRequest]:
    """Return the first request for an item: a ranged GET for media, else a HEAD."""
    path = urlsplit(url).path.lower()
    suffix = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    if suffix in MEDIA_SUFFIXES:
        span = f"bytes=0-{config.item_head_bytes - 1}"
        return [ItemRequest("item-media", "GET", (("Range", span),), config.item_head_bytes)]
    return [ItemRequest("item-head", "HEAD", (), 0)]


def item_fallback(status: int | None, outcome: str) -> ItemRequest | None:
    """Return the ranged GET to try when a HEAD was refused (405, 501) or failed, else None."""
    if status in (405, 501) or outcome in ("connection_error",):
        return ItemRequest("item-range", "GET", (("Range", "bytes=0-0"),), 1)
    return None
