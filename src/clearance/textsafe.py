# SPDX-License-Identifier: Apache-2.0
"""Text from strangers made safe to print on a terminal.

Manifest values, file names, URLs and document bodies are written by people we do not know.
Printed as they are, an escape sequence in a licence string can retitle the window, hide the
rest of a line, rewrite the screen or plant a hyperlink; a bidirectional override can make
``exe.txt`` read as ``txt.exe``. :func:`escape_control` turns every such character into a
visible escape (``\\x1b``, ``\\u202e``); printable text, including non-ASCII letters, is kept.

For Rich output also escape the markup (``[red]``, ``[link=...]``): :func:`rich_safe` does
both. Neutral on purpose: no part of clearance it serves is imported here.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["escape_control", "rich_safe", "safe_text"]

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Unicode format characters that reorder or hide text (Trojan Source, CVE-2021-42574), and
# the line and paragraph separators that break a line on some terminals
_FORMAT = [
    *range(0x200B, 0x2010),  # zero-width spaces and joiners, LRM, RLM
    *range(0x2028, 0x202F),  # line/paragraph separators, LRE, RLE, PDF, LRO, RLO
    *range(0x2060, 0x2070),  # word joiner, invisible operators, LRI, RLI, FSI, PDI
    0x061C,  # Arabic letter mark
    0xFEFF,  # zero-width no-break space (BOM)
]


def _escape(code: int) -> str:
    char = chr(code)
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_TABLE = {
    code: _escape(code)
    for code in (*range(0x20), 0x7F, *range(0x80, 0xA0), *_FORMAT)
}
_KEEP_LINES = {k: v for k, v in _TABLE.items() if chr(k) not in "\n\t"}


def escape_control(text: str, *, keep_newlines: bool = False) -> str:
    """Return ``text`` with control and bidirectional-format characters as visible escapes.

    C0 controls (ESC, BEL, CR, backspace, ...), DEL, C1 controls (which some terminals read
    as CSI) and the invisible or reordering format characters become ``\\xNN`` / ``\\uNNNN``
    (``\\n``, ``\\r``, ``\\t`` by name); with ``keep_newlines`` line feeds and tabs stay.
    A backslash is left as it is: the result is for reading, not for parsing back.
    """
    if text.isprintable() and text.isascii():
        return text  # the common case, at C speed
    escaped = text.translate(_KEEP_LINES if keep_newlines else _TABLE)
    return _other_unprintable(escaped)


def _other_unprintable(text: str) -> str:
    # surrogates (from surrogateescape), private use and unassigned code points: shown as
    # escapes too, so that no byte a terminal could act on passes
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch in "\n\t" else _dangerous(ch) for ch in text)


@lru_cache(maxsize=1024)
def _dangerous(char: str) -> str:
    if unicodedata.category(char) in ("Zs",):
        return char  # spaces (e.g. no-break space) are harmless
    return _escape(ord(char))


def safe_text(value: object) -> str:
    """Return ``str(value)`` with :func:`escape_control` applied (None prints as ``None``)."""
    return escape_control(str(value))


def rich_safe(value: object) -> str:
    """Return a value ready for Rich markup: control characters and markup both escaped."""
    from rich.markup import escape

    return escape(safe_text(value))
