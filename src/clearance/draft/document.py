# SPDX-License-Identifier: Apache-2.0
"""A drafted document as a list of blocks, the one input of the Markdown, DOCX and PDF writers.

Agreements, product terms, cover memos, issues lists and review memos are all ``Document``s:
headings, numbered clauses, definitions, plain paragraphs, notes and tables. Every document
carries a banner saying it is a draft for counsel's review and not legal advice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final, Literal

__all__ = ["DRAFT_BANNER", "DRAFT_FOOTER", "Block", "Document"]

DRAFT_BANNER: Final = (
    "DRAFT FOR COUNSEL'S REVIEW. Prepared with clearance from a clause library; it is not legal "
    "advice and must be reviewed by a qualified lawyer before use."
)

#: The short form printed in page footers and headers.
DRAFT_FOOTER: Final = "Draft for counsel's review - not legal advice."

BlockKind = Literal[
    "heading",
    "subheading",
    "clause",
    "definition",
    "para",
    "note",
    "bullet",
    "table",
    "signature",
    "pagebreak",
    "redline",
]


@dataclass(frozen=True, slots=True)
class Block:
    """One block of a document: a heading, a numbered clause, a paragraph, a table, ...

    A ``redline`` block holds ``spans``: ``("equal" | "delete" | "insert", text)`` pieces.
    """

    kind: BlockKind
    text: str = ""
    number: str = ""
    term: str = ""
    rows: tuple[tuple[str, ...], ...] = ()
    topic: str = ""
    spans: tuple[tuple[str, str], ...] = ()


@dataclass
class Document:
    """A titled sequence of blocks with a banner and free-form metadata."""

    title: str
    subtitle: str = ""
    banner: str = DRAFT_BANNER
    blocks: list[Block] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)

    def add(self, kind: BlockKind, text: str = "", **extra: Any) -> None:
        """Append a block."""
        self.blocks.append(Block(kind, text, **extra))

    def lines(self) -> list[str]:
        """Return the document as plain-text lines (one per block, table rows joined by tabs)."""
        out = [self.title]
        if self.subtitle:
            out.append(self.subtitle)
        out.append(self.banner)
        for b in self.blocks:
            if b.kind == "table":
                out += ["\t".join(row) for row in b.rows]
            elif b.kind == "definition":
                out.append(f'"{b.term}" means {b.text}')
            elif b.kind == "redline":
                out.append("".join(t for op, t in b.spans if op != "delete"))
            elif b.kind in ("clause", "heading") and b.number:
                out.append(f"{b.number} {b.text}")
            elif b.kind != "pagebreak":
                out.append(b.text)
        return out

    def text(self) -> str:
        """Return the document as plain text."""
        return "\n".join(self.lines())

    def word_count(self) -> int:
        """Return the number of words in the document."""
        return len(re.findall(r"[\w'’-]+", self.text()))
