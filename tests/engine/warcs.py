# SPDX-License-Identifier: Apache-2.0
"""Write small WARC snapshots for tests: (url, date, status, body) captures."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from clearance.fetch.warc import record_member

_REASONS = {200: "OK", 404: "Not Found", 503: "Service Unavailable"}


def write_warc(path: Path, captures: Iterable[tuple[str, str, int, str]]) -> Path:
    """Write one gzip WARC of HTTP response records; dates are ISO (``2025-03-01``)."""
    members = []
    for url, day, status, body in captures:
        payload = body.encode()
        http = (f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}\r\n"
                f"Content-Type: text/plain\r\nContent-Length: {len(payload)}\r\n\r\n"
                ).encode() + payload
        member, _, _ = record_member("response", url, f"{day}T00:00:00Z", http,
                                     payload=payload,
                                     content_type="application/http; msgtype=response")
        members.append(member)
    path.write_bytes(b"".join(members))
    return path
