# SPDX-License-Identifier: Apache-2.0
"""Robots-style path patterns (``*`` and a final ``$``), as TDMRep and ai.txt use them.

Matching is a prefix match, case-sensitive, after percent-encoding normalisation (RFC 3986
unreserved characters decoded, other escapes upper-cased, non-ASCII encoded as UTF-8). It
never backtracks: segments between ``*`` are found left to right, which is exact for a
pattern language whose only wildcard is ``*``, so hostile patterns cannot make it slow.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from urllib.parse import urlsplit

__all__ = ["MAX_PATTERN_LENGTH", "PathPattern", "normalise_path", "url_path"]

#: Longer patterns are cut; real ones are a few dozen characters.
MAX_PATTERN_LENGTH = 4096
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_HEX = frozenset(string.hexdigits)


def normalise_path(text: str, *, literal_specials: bool = False) -> str:
    """Return ``text`` with unreserved escapes decoded and every other byte canonically escaped.

    With ``literal_specials`` (used for URL paths, not patterns) a literal ``$`` or ``*`` is
    escaped, so a pattern's ``%24`` matches a path's ``$`` as the TDMRep spec requires.
    """
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "%" and i + 2 < n and text[i + 1] in _HEX and text[i + 2] in _HEX:
            ch = chr(int(text[i + 1 : i + 3], 16))
            out.append(ch if ch in _UNRESERVED else "%" + text[i + 1 : i + 3].upper())
            i += 3
            continue
        if ord(c) > 127 or c in ' "<>\\^`{|}' or ord(c) < 33:
            out.extend(f"%{b:02X}" for b in c.encode("utf-8", errors="replace"))
        elif literal_specials and c in "$*":
            out.append(f"%{ord(c):02X}")
        else:
            out.append(c)
        i += 1
    return "".join(out)


@dataclass(frozen=True, slots=True)
class PathPattern:
    """A compiled path pattern; :meth:`matches` tells whether a URL path falls under it."""

    raw: str
    segments: tuple[str, ...] = field(init=False)
    anchored: bool = field(init=False)

    def __post_init__(self) -> None:
        text = self.raw[:MAX_PATTERN_LENGTH]
        anchored = text.endswith("$")
        if anchored:
            text = text[:-1]
        text = normalise_path(text)
        while "**" in text:
            text = text.replace("**", "*")
        object.__setattr__(self, "segments", tuple(text.split("*")))
        object.__setattr__(self, "anchored", anchored)

    @property
    def length(self) -> int:
        """Return the pattern's length in characters (for longest-match precedence)."""
        return len(self.raw)

    def matches(self, path: str) -> bool:
        """Return True when ``path`` (a URL path, possibly with query) matches the pattern."""
        path = normalise_path(path or "/", literal_specials=True)
        segs = self.segments
        first = segs[0]
        if len(segs) == 1:
            return path == first if self.anchored else path.startswith(first)
        if not path.startswith(first):
            return False
        pos = len(first)
        for seg in segs[1:-1]:
            found = path.find(seg, pos)
            if found < 0:
                return False
            pos = found + len(seg)
        last = segs[-1]
        if self.anchored:
            return path.endswith(last) and len(path) - len(last) >= pos
        return path.find(last, pos) >= 0


def url_path(url_or_path: str) -> str:
    """Return the path (and query) of a URL; a string starting with '/' is already a path."""
    if url_or_path.startswith("/"):
        return url_or_path
    parts = urlsplit(url_or_path)
    path = parts.path or "/"
    return path + ("?" + parts.query if parts.query else "")
