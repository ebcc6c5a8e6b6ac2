# SPDX-License-Identifier: Apache-2.0
"""URL paths and rule patterns as robots.txt compares them (RFC 9309 §2.2.2, §2.2.3).

Both sides of a comparison, the rule pattern and the URL path, go through the same
normalisation, so that the many spellings of one URL compare equal:

* octets outside printable ASCII, and ASCII characters that may not appear in a URI at all
  (space, ``"``, ``<``, ``>``, ``\\``, ``^``, backtick, ``{``, ``|``, ``}``), are percent-encoded;
* a percent-encoded *unreserved* character (``A-Z a-z 0-9 - . _ ~``) is decoded, other escapes
  keep their encoding with upper-case hex digits (``%2f`` -> ``%2F``);
* in the query, ``: / ? @`` are data, and their escaped and literal spellings are one (RFC
  9309 Figure 4 matches ``?baz=https://foo.bar`` and ``?baz=https%3A%2F%2Ffoo.bar`` alike);
  they are kept literal (Figure 4 shows the encoded form; the equivalence is the same, and the
  common literal form then needs no work);
* in a URL a literal ``*`` or ``$`` becomes ``%2A`` / ``%24`` (RFC 9309 Figure 6), while in a
  pattern ``*`` is the wildcard and a final ``$`` the end anchor.

``google_compat=True`` follows Google's reference parser instead: only non-ASCII octets are
encoded, and escapes upper-cased in patterns; nothing is decoded and the query is left alone.

The batch forms (:func:`extract_paths`, :func:`normalize_paths`, :func:`batch_paths`) work on
newline-joined URLs with whole-string operations, touching single lines only when they need
it.
"""

from __future__ import annotations

import re

__all__ = [
    "batch_paths",
    "extract_path",
    "extract_paths",
    "needs_normalizing",
    "normalize_path",
    "normalize_paths",
    "normalize_pattern",
]

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# anything outside these needs work; "?" needs work only when the query holds ":/?@"
# A path needs normalising when it holds a character outside the kept set, a malformed or
# lower-case escape, an escape of an unreserved character, or an escaped ":/?@" (data in a
# query; in a path the slow path keeps them escaped). Two cheap scans decide for most paths.
_BAD_CHARS = re.compile(r"[^A-Za-z0-9\-._~/!&'()+,;=:@?%\n]")
_KEPT_OCTETS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/!&'()+,;=:@?\n"
_MALFORMED = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CHANGING_ESCAPES = re.compile(
    r"%(?:[0-9A-Fa-f][a-f]|[a-f][0-9A-F]|2[DE]|3[0-9]|4[1-9A-F]|5[0-9AF]|6[1-9A-F]|7[0-9AE])"
)
_QUERY_ESCAPES = re.compile(r"\?[^\n]*?%(?:3[AaFf]|2[Ff]|40)")
# one scan for "an escape needs work": malformed, lower-case, unreserved, or ":/?@" (which only
# matters in a query; a path one sends the line down the slow path, which keeps it escaped)
_ESCAPE_WORK = re.compile(
    r"%(?:(?![0-9A-F]{2})|2[DEF]|3[0-9AF]|4[0-9A-F]|5[0-9AF]|6[1-9A-F]|7[0-9AE])"
)
_LINE_WORK = re.compile(f"{_BAD_CHARS.pattern}|{_QUERY_ESCAPES.pattern}")  # after the fixes
_NEEDS_PATH = re.compile(
    f"{_BAD_CHARS.pattern}|{_MALFORMED.pattern}|{_CHANGING_ESCAPES.pattern}|{_QUERY_ESCAPES.pattern}"
)
_BAD_PATTERN = re.compile(r"[^A-Za-z0-9\-._~/!&'()+,;=:@?*\n]")
_GOOGLE_SPECIAL = re.compile(r"%[0-9A-Fa-f]{2}|[^\x00-\x7f]")


def _octets(text: str) -> bytes:
    # surrogateescape round-trips bytes that were not UTF-8 in the file; other lone
    # surrogates (hostile str input) are encoded rather than raising.
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def _byte_table(keep: str) -> list[str]:
    table = [f"%{b:02X}" for b in range(256)]
    for ch in keep:
        table[ord(ch)] = ch
    return table


# What each octet becomes outside escapes: kept as is, or percent-encoded. "*" and a final "$"
# are pattern syntax; in a URL they are data (RFC 9309 Figure 6). In a query, "?" is data.
_KEEP = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!&'()+,;=:@/"
_PATH_OCTETS = _byte_table(_KEEP)
_PATTERN_OCTETS = _byte_table(_KEEP + "*")
_QUERY_OCTETS = _byte_table(_KEEP + "?")
_QUERY_PATTERN_OCTETS = _byte_table(_KEEP + "?*")
# escapes decoded: unreserved characters anywhere; in a query also ":/?@", which are data
# there (RFC 9309 Figure 4 treats "https://" and "https%3A%2F%2F" in a query as one)
_DECODE_PATH = _UNRESERVED
_DECODE_QUERY = _UNRESERVED | frozenset(":/?@")
_ESCAPE = re.compile(r"(%[0-9A-Fa-f]{2})")


def _escape_octets(text: str) -> str:
    return "".join(f"%{b:02X}" for b in _octets(text))


def _encode(segment: str, table: list[str], decode: frozenset[str]) -> str:
    if "%" not in segment:
        return "".join(map(table.__getitem__, _octets(segment)))
    out = []
    for index, piece in enumerate(_ESCAPE.split(segment)):
        if index % 2:  # an escape: decode the characters in `decode`, upper-case the rest
            decoded = chr(int(piece[1:], 16))
            out.append(decoded if decoded in decode else piece.upper())
        elif piece:
            out.append("".join(map(table.__getitem__, _octets(piece))))
    return "".join(out)


def _google_repl_pattern(found: re.Match[str]) -> str:
    token = found.group()
    return token.upper() if token[0] == "%" else _escape_octets(token)


def _google_repl_path(found: re.Match[str]) -> str:
    token = found.group()
    return token if token[0] == "%" else _escape_octets(token)


def _normalize(text: str, *, pattern: bool, google: bool) -> str:
    if google:
        if text.isascii() and "%" not in text:
            return text
        return _GOOGLE_SPECIAL.sub(_google_repl_pattern if pattern else _google_repl_path, text)
    if pattern:
        if _BAD_PATTERN.search(text) is None:
            return text
    elif not needs_normalizing(text):
        return text
    anchor = ""
    if pattern and text.endswith("$"):
        text, anchor = text[:-1], "$"
    path, mark, query = text.partition("?")
    out = _encode(path, _PATTERN_OCTETS if pattern else _PATH_OCTETS, _DECODE_PATH)
    if mark:
        table = _QUERY_PATTERN_OCTETS if pattern else _QUERY_OCTETS
        out += "?" + _encode(query, table, _DECODE_QUERY)
    return out + anchor


def normalize_pattern(pattern: str, *, google_compat: bool = False) -> str:
    """Return a rule pattern normalised for comparison (``*`` wildcard, final ``$`` anchor)."""
    return _normalize(pattern, pattern=True, google=google_compat)


def normalize_path(path: str, *, google_compat: bool = False) -> str:
    """Return a URL path (with query) normalised for comparison with normalised patterns."""
    return _normalize(path, pattern=False, google=google_compat)


_ORIGIN = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.\-]*:)?//[^/?#\n]*")
_ORIGINS = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.\-]*:)?//[^/?#\n]*", re.MULTILINE)
_FRAGMENTS = re.compile(r"#[^\n]*")
_ROOTLESS = re.compile(r"^(?!/)", re.MULTILINE)


def extract_path(url_or_path: str) -> str:
    """Return the path plus query of a URL (no fragment); ``/`` when the path is empty.

    Accepts an absolute URL (``https://host/p?q``), a scheme-relative one (``//host/p``) or a
    bare path (``/p?q``); anything else is read relative to ``/``. Deliberately simpler than
    :func:`urllib.parse.urlsplit`, because it runs once per URL on the hot path.
    """
    s = url_or_path
    if s[:1] == "/" and s[1:2] != "/":
        return s if "#" not in s else s[: s.index("#")]
    found = _ORIGIN.match(s)
    if found is not None:
        s = s[found.end() :]
    if "#" in s:
        s = s[: s.index("#")]
    return s if s[:1] == "/" else "/" + s


def extract_paths(text: str) -> str:
    """Return :func:`extract_path` applied to every line of ``\n``-joined URLs, in one pass."""
    text = _ORIGINS.sub("", text)
    if "#" in text:
        text = _FRAGMENTS.sub("", text)
    return _ROOTLESS.sub("/", text)


def normalize_paths(text: str, *, google_compat: bool = False) -> str:
    """Return :func:`normalize_path` applied to every line of ``\\n``-joined paths.

    Escapes that only change spelling are fixed for the whole batch with ``str.replace``;
    only lines holding other characters to encode, or escaped query data, are rebuilt.
    """
    if google_compat:
        if text.isascii() and "%" not in text:
            return text
        return "\n".join(normalize_path(p, google_compat=True) for p in text.split("\n"))
    if not needs_normalizing(text):
        return text
    if "%" in text:  # escapes that only change spelling: fixed across the batch at once
        if _MALFORMED.search(text) is not None:
            text = _MALFORMED.sub("%25", text)
        for token in set(_CHANGING_ESCAPES.findall(text)):
            decoded = chr(int(token[1:], 16))
            text = text.replace(token, decoded if decoded in _UNRESERVED else token.upper())
    bad = not text.isascii() or bool(text.encode("ascii").translate(None, _KEPT_OCTETS + b"%"))
    if not bad and ("?" not in text or "%" not in text or _QUERY_ESCAPES.search(text) is None):
        return text
    found = _LINE_WORK.search(text)
    lines = text.split("\n")
    index = 0
    line_start = 0
    while found is not None:  # only the flagged lines are rebuilt
        start = text.rfind("\n", 0, found.start()) + 1
        index += text.count("\n", line_start, start)
        line_start = start
        end = text.find("\n", found.start())
        lines[index] = normalize_path(lines[index])
        if end < 0:
            break
        found = _LINE_WORK.search(text, end + 1)
    return "\n".join(lines)


def needs_normalizing(path: str) -> bool:
    """Return True when :func:`normalize_path` may change a path (or a batch of paths)."""
    if path.isascii():
        # bytes.translate deletes the kept octets at C speed; what is left decides
        rest = path.encode("ascii").translate(None, _KEPT_OCTETS)
        if not rest:
            return False
        if rest.strip(b"%"):
            return True
    elif _BAD_CHARS.search(path) is not None:
        return True
    return "%" in path and _ESCAPE_WORK.search(path) is not None


def batch_paths(text: str, count: int) -> str:
    """Return the paths of ``count`` newline-joined URLs (see :func:`extract_paths`).

    The usual batch holds URLs of one origin: stripping that origin with one ``replace`` is
    much cheaper than a per-line regular expression.
    """
    found = _ORIGIN.match(text)
    if "#" not in text:
        if found is not None and found.end() > 0:
            origin = found.group()
            cut = "\n" + origin
            if text[found.end() : found.end() + 1] == "/" and text.count(cut + "/") == count - 1:
                return text[found.end() :].replace(cut, "\n")
        elif text[:1] == "/" and text.count("\n/") == count - 1 and "//" not in text:
            return text
    return extract_paths(text)
