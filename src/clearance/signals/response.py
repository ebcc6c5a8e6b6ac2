# SPDX-License-Identifier: Apache-2.0
"""HTTP response metadata as signal parsers receive it, and saved responses read from disk.

Parsers never fetch: the fetcher (or a file on disk) hands them a :class:`Response`. Headers
keep their order and repeats, because several signals (``X-Robots-Tag``) are combined over
every line that carries them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

__all__ = [
    "HeaderInput",
    "MAX_HEADER_BYTES",
    "Response",
    "header_values",
    "normalise_headers",
    "parse_saved_response",
]

log = logging.getLogger(__name__)

#: Header blocks longer than this are cut (a real one is a few KiB).
MAX_HEADER_BYTES = 256 * 1024
_STATUS_LINE = re.compile(rb"^HTTP/\d(?:\.\d)?\s+(\d{3})(?:[ \t][^\r\n]*)?\r?$")

HeaderInput = Mapping[str, str] | Iterable[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Response:
    """One HTTP response: body bytes plus the metadata parsers need (never fetched here)."""

    body: bytes = b""
    url: str | None = None
    status: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    fetched_at: datetime | None = None
    problems: int = 0
    notes: tuple[str, ...] = field(default=())

    def header(self, name: str) -> list[str]:
        """Return every value of header ``name`` (case-insensitive), in order."""
        return header_values(self.headers, name)

    @property
    def content_type(self) -> str | None:
        """Return the media type of the body (lower case, no parameters), or None."""
        values = self.header("content-type")
        if not values:
            return None
        return values[-1].split(";", 1)[0].strip().lower() or None


def normalise_headers(headers: HeaderInput | None) -> tuple[tuple[str, str], ...]:
    """Return headers as (lower-case name, stripped value) pairs, keeping order and repeats."""
    if headers is None:
        return ()
    items: Iterable[tuple[str, str]]
    items = headers.items() if isinstance(headers, Mapping) else headers
    out: list[tuple[str, str]] = []
    for name, value in items:
        out.append((str(name).strip().lower(), str(value).strip()))
    return tuple(out)


def header_values(headers: HeaderInput | None, name: str) -> list[str]:
    """Return every value of header ``name`` (case-insensitive) in the order received."""
    wanted = name.lower()
    return [v for k, v in normalise_headers(headers) if k == wanted]


def parse_saved_response(
    data: bytes, *, url: str | None = None, fetched_at: datetime | None = None
) -> Response:
    """Return the response saved in ``data`` (``curl -i`` / ``curl -D`` style), leniently.

    Several status blocks (redirects, ``100 Continue``) are allowed: the last one wins. A file
    that holds only header lines gives an empty body. Malformed header lines are skipped and
    counted in ``problems``.
    """
    problems = 0
    notes: list[str] = []
    rest = data
    status: int | None = None
    headers: list[tuple[str, str]] = []
    while True:
        block, body, found = _split_head(rest)
        lines = block.split(b"\n")
        m = _STATUS_LINE.match(lines[0].rstrip(b"\r")) if lines else None
        if m is None:
            if status is None and _looks_like_headers(lines):
                headers = _header_lines(lines, notes)
                return Response(
                    body=body if found else b"",
                    url=url,
                    headers=tuple(headers),
                    fetched_at=fetched_at,
                    problems=len(notes),
                    notes=tuple(notes),
                )
            break
        status = int(m.group(1))
        headers = _header_lines(lines[1:], notes)
        rest = body
        if not _STATUS_LINE.match(rest.split(b"\n", 1)[0].rstrip(b"\r")):
            break
        notes.append(f"skipped an earlier response block (status {status})")
    problems += sum(1 for n in notes if n.startswith("malformed"))
    return Response(
        body=rest,
        url=url,
        status=status,
        headers=tuple(headers),
        fetched_at=fetched_at,
        problems=problems,
        notes=tuple(notes),
    )


def _split_head(data: bytes) -> tuple[bytes, bytes, bool]:
    head = data[:MAX_HEADER_BYTES]
    for sep in (b"\r\n\r\n", b"\n\n"):
        i = head.find(sep)
        if i >= 0:
            return data[:i], data[i + len(sep) :], True
    return head, b"", False


def _looks_like_headers(lines: list[bytes]) -> bool:
    real = [ln for ln in lines if ln.strip()]
    return bool(real) and all(re.match(rb"^[!#$%&'*+.^_`|~0-9A-Za-z-]+:", ln) for ln in real)


def _header_lines(lines: list[bytes], notes: list[str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for raw in lines:
        line = raw.rstrip(b"\r")
        if not line.strip():
            continue
        if line[:1] in (b" ", b"\t") and out:  # obsolete line folding (RFC 9112 5.2)
            name, value = out[-1]
            out[-1] = (name, value + " " + line.strip().decode("latin-1"))
            continue
        key, sep, rest = line.partition(b":")
        if not sep or not key.strip():
            notes.append(f"malformed header line skipped: {line[:80]!r}")
            continue
        out.append((key.strip().lower().decode("latin-1"), rest.strip().decode("latin-1")))
    return out
