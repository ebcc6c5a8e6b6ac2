# SPDX-License-Identifier: Apache-2.0
"""Markdown for drafted documents: readable as text, diffable, and rendered by any viewer.

Numbered clauses are bold-numbered paragraphs, definitions are bold quoted terms, tables are
pipe tables (pipes and line breaks in cells escaped), and redline spans are ``<del>`` and
``<ins>`` so the changes show on GitHub, GitLab and most Markdown viewers.
"""

from __future__ import annotations

import html

from clearance.draft.document import Block, Document

__all__ = ["markdown"]


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _table(rows: tuple[tuple[str, ...], ...]) -> list[str]:
    if not rows:
        return []
    width = max(len(r) for r in rows)
    padded = [tuple(r) + ("",) * (width - len(r)) for r in rows]
    out = ["| " + " | ".join(_cell(c) for c in padded[0]) + " |"]
    out.append("|" + " --- |" * width)
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in padded[1:]]
    return out


def _spans(block: Block) -> str:
    parts = []
    for op, text in block.spans:
        safe = html.escape(text, quote=False)
        if op == "delete":
            parts.append(f"<del>{safe}</del>")
        elif op == "insert":
            parts.append(f"<ins>{safe}</ins>")
        else:
            parts.append(safe)
    return "".join(parts)


def markdown(doc: Document) -> str:
    """Return ``doc`` as Markdown."""
    out = [f"# {doc.title}", ""]
    if doc.subtitle:
        out += [f"*{doc.subtitle}*", ""]
    out += [f"> **{doc.banner}**", ""]
    for b in doc.blocks:
        if b.kind == "heading":
            out += [f"## {b.number + ' ' if b.number else ''}{b.text}", ""]
        elif b.kind == "subheading":
            out += [f"### {b.text}", ""]
        elif b.kind == "clause":
            out += [f"**{b.number}** {b.text}" if b.number else b.text, ""]
        elif b.kind == "definition":
            out += [f'- **"{b.term}"** means {b.text}', ""]
        elif b.kind == "bullet":
            out += [f"- {b.text}", ""]
        elif b.kind == "note":
            out += [f"> {b.text}", ""]
        elif b.kind == "table":
            out += _table(b.rows) + [""]
        elif b.kind == "pagebreak":
            out += ["---", ""]
        elif b.kind == "redline":
            prefix = f"**{b.number}** " if b.number else ""
            out += [prefix + _spans(b), ""]
        else:
            out += [b.text, ""]
    out += ["---", "", f"*{doc.banner}*", ""]
    return "\n".join(out)
