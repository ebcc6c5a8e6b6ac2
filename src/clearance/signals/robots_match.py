# SPDX-License-Identifier: Apache-2.0
"""Path normalisation and the compiled rule matcher of robots.txt (RFC 9309 §2.2.2, §2.2.3).

Both sides of a comparison, the rule pattern and the URL path, go through the same
normalisation, so that the many spellings of one URL compare equal:

* octets outside printable ASCII, and ASCII characters that may not appear in a URI at all
  (space, ``"``, ``<``, ``>``, ``\\``, ``^``, backtick, ``{``, ``|``, ``}``), are percent-encoded;
* a percent-encoded *unreserved* character (``A-Z a-z 0-9 - . _ ~``) is decoded, other escapes
  keep their encoding with upper-case hex digits (``%2f`` -> ``%2F``);
* in the query, the general delimiters ``: / ? @ [ ]`` are data, so they are percent-encoded
  (RFC 9309 Figure 4: ``?baz=https://foo.bar`` -> ``?baz=https%3A%2F%2Ffoo.bar``);
* in a URL a literal ``*`` or ``$`` becomes ``%2A`` / ``%24`` (RFC 9309 Figure 6), while in a
  pattern ``*`` is the wildcard and a final ``$`` the end anchor.

``google_compat=True`` applies Google's reference parser instead: only non-ASCII octets are
encoded and hex digits upper-cased; nothing is decoded and the query is left as it is.

A group's rules are compiled once into one regular expression whose alternatives are ordered
by precedence (longest pattern first, ``allow`` before ``disallow`` on ties), so the first
alternative that matches is the winning rule. Wildcard segments are atomic (``(?>.*?lit)``):
the earliest occurrence of each literal is always the best choice, which keeps matching linear
in the path length instead of exponential in the number of ``*``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["CompiledRules", "Rule", "extract_path", "normalize_path", "normalize_pattern"]

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_RESERVED = frozenset(":/?#[]@!$&'()*+,;=")
_QUERY_DATA = frozenset(":/?@[]")
_HEX = frozenset("0123456789ABCDEFabcdef")
# Strings made only of these characters need no normalisation at all (the common case).
_PLAIN = re.compile(r"[A-Za-z0-9\-._~/!&'()+,;=:@]*").fullmatch
_PLAIN_PATTERN = re.compile(r"[A-Za-z0-9\-._~/!&'()+,;=:@*]*\$?").fullmatch
_CHUNK = 400  # alternatives per compiled expression; keeps compile time and memory flat


def _encode_octets(text: str) -> bytes:
    # surrogateescape round-trips bytes that were not valid UTF-8 in the file; any other lone
    # surrogate (hostile input handed to us as str) is encoded rather than raising.
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def _normalize(text: str, *, pattern: bool, google: bool) -> str:
    if (_PLAIN_PATTERN if pattern else _PLAIN)(text) is not None:
        return text
    raw = _encode_octets(text)
    out: list[str] = []
    in_query = False
    last = len(raw) - 1
    i = 0
    while i <= last:
        b = raw[i]
        c = chr(b)
        if c == "%":
            if i + 2 <= last and chr(raw[i + 1]) in _HEX and chr(raw[i + 2]) in _HEX:
                hexcode = chr(raw[i + 1]) + chr(raw[i + 2])
                decoded = chr(int(hexcode, 16))
                if google:
                    # Google upper-cases escapes in patterns only; paths are taken as given.
                    out.append("%" + (hexcode.upper() if pattern else hexcode))
                elif decoded in _UNRESERVED:
                    out.append(decoded)
                else:
                    out.append("%" + hexcode.upper())
                i += 3
                continue
            out.append("%" if google else "%25")
        elif google:
            out.append(f"%{b:02X}" if b >= 0x80 else c)
        elif b >= 0x7F or b <= 0x20:
            out.append(f"%{b:02X}")
        elif c == "*":
            out.append("*" if pattern else "%2A")
        elif c == "$":
            out.append("$" if pattern and i == last else "%24")
        elif c in _UNRESERVED:
            out.append(c)
        elif c in _RESERVED:
            if in_query and c in _QUERY_DATA:
                out.append(f"%{b:02X}")
            else:
                out.append(c)
                if c == "?":
                    in_query = True
        else:
            out.append(f"%{b:02X}")
        i += 1
    return "".join(out)


def normalize_pattern(pattern: str, *, google_compat: bool = False) -> str:
    """Return a rule pattern normalised for comparison (``*`` wildcard, final ``$`` anchor)."""
    return _normalize(pattern, pattern=True, google=google_compat)


def normalize_path(path: str, *, google_compat: bool = False) -> str:
    """Return a URL path (with query) normalised for comparison with normalised patterns."""
    return _normalize(path, pattern=False, google=google_compat)


def extract_path(url_or_path: str) -> str:
    """Return the path plus query of a URL (no fragment); ``/`` when the path is empty.

    Accepts an absolute URL (``https://host/p?q``), a scheme-relative one (``//host/p``) or a
    bare path (``/p?q``). Parsing is deliberately simpler than :func:`urllib.parse.urlsplit`:
    this runs once per URL on the hot path.
    """
    s = url_or_path
    hash_at = s.find("#")
    if hash_at >= 0:
        s = s[:hash_at]
    if s.startswith("/") and not s.startswith("//"):
        return s
    start = 0
    scheme_end = s.find("://")
    if scheme_end >= 0 and "/" not in s[:scheme_end] and "?" not in s[:scheme_end]:
        start = scheme_end + 3
    elif s.startswith("//"):
        start = 2
    elif not s.startswith("/"):
        # a relative reference like "page.html" or "?q": treat it as relative to "/"
        return "/" + s if s else "/"
    slash = s.find("/", start)
    query = s.find("?", start)
    if slash < 0 or (0 <= query < slash):
        return "/" + s[query:] if query >= 0 else "/"
    return s[slash:]


@dataclass(frozen=True, slots=True)
class Rule:
    """One allow/disallow rule of a group, with its normalised pattern and where it came from."""

    allow: bool
    pattern: str  # normalised
    raw: str  # the value as written in the file
    line: int  # 1-based line number in the file

    @property
    def priority(self) -> int:
        """Return the match length RFC 9309 ranks by: octets of the (normalised) pattern."""
        return len(self.pattern)


def _pattern_regex(pattern: str) -> str:
    anchored = pattern.endswith("$")
    body = pattern[:-1] if anchored else pattern
    segments = body.split("*")
    parts = [re.escape(segments[0])]
    middle = segments[1:]
    for index, segment in enumerate(middle):
        is_last = index == len(middle) - 1
        if is_last and anchored:
            parts.append(".*" + re.escape(segment))
        elif segment:
            parts.append("(?>.*?" + re.escape(segment) + ")")
    if anchored:
        parts.append(r"\Z")
    return "".join(parts)


class CompiledRules:
    """The rules of one (merged) group, compiled once; answers which rule decides a path."""

    __slots__ = ("_chunks", "rules")

    def __init__(self, rules: Sequence[Rule]) -> None:
        unique: dict[tuple[bool, str], Rule] = {}
        for rule in rules:
            unique.setdefault((rule.allow, rule.pattern), rule)  # RFC: duplicates MAY be dropped
        ordered = sorted(unique.values(), key=lambda r: (-r.priority, not r.allow, r.line))
        self.rules: tuple[Rule, ...] = tuple(ordered)
        self._chunks: list[tuple[re.Pattern[str], tuple[Rule, ...]]] = []
        for start in range(0, len(ordered), _CHUNK):
            chunk = tuple(ordered[start : start + _CHUNK])
            source = "|".join(f"({_pattern_regex(r.pattern)})" for r in chunk)
            self._chunks.append((re.compile(source, re.DOTALL), chunk))

    def decide(self, path: str) -> Rule | None:
        """Return the winning rule for a normalised path, or None when no rule matches."""
        for regex, chunk in self._chunks:
            found = regex.match(path)
            if found is not None:
                index = found.lastindex
                assert index is not None
                return chunk[index - 1]
        return None

    def allowed(self, path: str) -> bool:
        """Return True when a normalised path may be crawled under these rules."""
        for regex, chunk in self._chunks:
            found = regex.match(path)
            if found is not None:
                index = found.lastindex
                assert index is not None
                return chunk[index - 1].allow
        return True
