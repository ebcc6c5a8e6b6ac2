# SPDX-License-Identifier: Apache-2.0
"""Noise at the ends of a one-line licence value, dropped before any reader looks at it.

A bullet, emphasis, a bracket that opens or closes nothing or wraps the whole value, trailing
dots and a ``License:`` label in front never change what a value says; left in place they make
a reader miss a name or read another one (the noise property in ``test_unseen.py``).
"""

from __future__ import annotations

import re

__all__ = ["QUOTES", "edge_noise"]

#: Quote marks and whitespace a value may carry around it.
QUOTES = "\"'`\u201c\u201d\u2018\u2019<> \t\r\n"

#: a "License:" label, also commented out ("#License: Spencer-94", "// License: MIT"): the
#: comment marker hides the field from its parser, not the statement from a reader
_LEADING_LABEL = re.compile(r"^(?:#+|//+|;+|--|%+)?\s*licen[cs]e\s*:(?!:)\s*(?=\S)(?!.*\n)",
                            re.IGNORECASE)
_BULLET = re.compile(r"^(?:[-*]\s+|\*\*\s*)")
_TRAILING_DOTS = re.compile(r"(?<=[^\d\s.])\.+$|\s+[-*]+$|(?<=[A-Za-z)+])-$")


def _closing(s: str) -> int:
    """Return the index of the bracket that closes ``s[0]`` ('('), or -1."""
    depth = 0
    for i, c in enumerate(s[:2000]):
        depth += (c == "(") - (c == ")")
        if depth == 0:
            return i
    return -1


def edge_noise(s: str) -> str:
    """Return a one-line value without what a value carries at its ends and never means: a
    bullet, emphasis, a bracket that opens or closes nothing, a "License:" label in front."""
    if "\n" in s:
        return s
    for _ in range(4):
        before = s
        s = _BULLET.sub("", s)
        s = _LEADING_LABEL.sub("", s)
        s = s.lstrip(")].;,:").rstrip("([;,:").strip(" *")
        s = _TRAILING_DOTS.sub("", s)
        if s.startswith("(") and s.endswith(")") and _closing(s) == len(s) - 1:
            s = s[1:-1].strip()  # "(X)": the whole value in brackets
        if s.startswith("(") and s.count("(") > s.count(")"):
            s = s[1:].lstrip()
        if s.endswith(")") and s.count(")") > s.count("("):
            s = s[:-1].rstrip()
        if s.startswith("[") and s.count("[") > s.count("]"):
            s = s[1:].lstrip()
        if s.endswith("]") and s.count("]") > s.count("["):
            s = s[:-1].rstrip()
        s = s.strip(QUOTES)
        if s == before:
            break
    return s
