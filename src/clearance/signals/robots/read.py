# SPDX-License-Identifier: Apache-2.0
"""Read one robots.txt response into a :class:`~clearance.signals.robots.policy.RobotsPolicy`.

:func:`parse_robots` takes the body and the HTTP outcome and never raises on bad input;
:func:`robots_allowed` is the one-call check, reusing the compiled policy of a body it has
seen.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import lru_cache
from typing import Any

from clearance.signals.robots.groups import access_state
from clearance.signals.robots.parse import MAX_BYTES, parse_lines
from clearance.signals.robots.policy import RobotsPolicy

__all__ = ["parse_robots", "robots_allowed"]

log = logging.getLogger(__name__)


def parse_robots(
    body: bytes | str,
    *,
    status: int | None = 200,
    url: str | None = None,
    fetched_at: datetime | None = None,
    redirects: int = 0,
    google_compat: bool = False,
    max_bytes: int = MAX_BYTES,
) -> RobotsPolicy:
    """Return the compiled policy of one robots.txt response; never raises on bad input.

    ``status`` is the final HTTP status (None when there was no response at all),
    ``redirects`` how many were followed to reach it. The body is only parsed for 2xx.
    """
    state, reason = access_state(status, redirects)
    common: dict[str, Any] = {
        "state": state,
        "reason": reason,
        "status": status,
        "url": url,
        "fetched_at": fetched_at,
        "redirects": redirects,
        "google_compat": google_compat,
    }
    if state != "parsed":
        return RobotsPolicy(**common)
    data = body.encode("utf-8", "surrogateescape") if isinstance(body, str) else bytes(body)
    parsed = parse_lines(data, google_compat=google_compat, max_bytes=max_bytes)
    if parsed.notes:
        log.debug("%s: %d parse notes", url or "robots.txt", len(parsed.notes))
    return RobotsPolicy(
        groups=parsed.groups,
        comments=parsed.comments,
        notes=parsed.notes,
        sitemaps=parsed.sitemaps,
        licenses=parsed.licenses,
        other_records=parsed.other,
        lenient_lines=parsed.lenient_lines,
        truncated=parsed.truncated,
        bytes_read=parsed.bytes_read,
        **common,
    )


@lru_cache(maxsize=256)
def _cached_policy(body: bytes) -> RobotsPolicy:
    return parse_robots(body)


def robots_allowed(robots_txt: str | bytes, user_agent: str, url: str) -> bool:
    """Return True when ``user_agent`` (a product token) may crawl ``url`` under a robots.txt.

    The verdict for a robots.txt served with HTTP 200, per RFC 9309. Repeated calls with the
    same body reuse the compiled policy.
    """
    body = (
        robots_txt.encode("utf-8", "surrogateescape") if isinstance(robots_txt, str) else robots_txt
    )
    return _cached_policy(bytes(body)).allowed(user_agent, url)
