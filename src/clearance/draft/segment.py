# SPDX-License-Identifier: Apache-2.0
"""Split an agreement's lines into clauses: a heading, its number and the paragraphs under it.

A new clause starts at a line the source marked as a heading (DOCX heading styles, Markdown
``#``), at ``Clause 7`` / ``Section 7`` / ``Article VII``, at a short numbered line without a
full stop (``7. Limitation of Liability``), or at a short line in capitals - the last three
only where the previous line ended a sentence, so a line wrapped mid-sentence (as PDF text
is) does not become a heading. A numbered
sub-clause (``7.2 ...``) or a blank line starts a new paragraph within the clause. Lines
before the first heading (title, parties, recitals) form a clause with an empty heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from clearance.draft.readers import Line

__all__ = ["Clause", "segment"]

_WORD_HEADING: Final = re.compile(
    r"^(?:clause|section|article|schedule|annex|exhibit)\s+([0-9ivxlc]+[a-z]?)\b[.:)\s-]*(.*)$",
    re.IGNORECASE,
)
_NUMBERED: Final = re.compile(r"^(\d{1,3})(?:\.|\))?\s+([A-Z][^.;:]{1,90})$")
_SUB: Final = re.compile(r"^(\d{1,3}\.\d{1,3}(?:\.\d{1,3})*|\([a-z0-9]{1,4}\))\s")
_MAX_HEADING: Final = 100
_ENDS: Final = (".", ":", ";", ")", '"', "'", "!", "?")


@dataclass
class Clause:
    """One clause: its number (may be empty), heading (may be empty) and paragraphs."""

    number: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Return the paragraphs joined by newlines."""
        return "\n".join(self.paragraphs)


def _heading(line: Line) -> tuple[str, str] | None:
    text = line.text.strip()
    if not text or len(text) > _MAX_HEADING and not line.heading:
        return None
    match = _WORD_HEADING.match(text)
    if match and len(text) <= _MAX_HEADING:
        return match.group(1), match.group(2).strip(" .:-")
    match = _NUMBERED.match(text)
    if match:
        return match.group(1), match.group(2).strip()
    if line.heading:
        number = re.match(r"^(\d{1,3}(?:\.\d{1,3})*)\.?\s+(.*)$", text)
        return (number.group(1), number.group(2)) if number else ("", text)
    letters = [c for c in text if c.isalpha()]
    if 3 <= len(letters) and all(c.isupper() for c in letters) and len(text.split()) <= 8:
        return "", text.title()
    return None


def segment(lines: tuple[Line, ...] | list[Line]) -> list[Clause]:
    """Return the clauses of the agreement, in order."""
    clauses = [Clause("", "")]
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            clauses[-1].paragraphs.append(" ".join(buffer))
            buffer.clear()

    boundary = True  # may the next line start a heading (not a line wrapped mid-sentence)?
    for line in lines:
        text = line.text.strip()
        if not text:
            flush()
            boundary = True
            continue
        head = _heading(line) if boundary or line.heading else None
        if head is not None:
            flush()
            clauses.append(Clause(head[0], head[1]))
            boundary = True
            continue
        if _SUB.match(text):
            flush()
        buffer.append(text)
        boundary = text.endswith(_ENDS)
    flush()
    return [c for c in clauses if c.heading or c.paragraphs]
