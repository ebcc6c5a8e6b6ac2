# SPDX-License-Identifier: Apache-2.0
"""Redline one drafted document against another, block by block and word by word.

The blocks of both documents are aligned with ``difflib.SequenceMatcher`` on their text;
unchanged blocks are copied, changed blocks become ``redline`` blocks whose spans mark the
words deleted and inserted (again by ``SequenceMatcher``, over words and the spaces between
them), and blocks only one side has are shown wholly deleted or inserted. Tables are compared
row by row as text. The result is an ordinary ``Document``, so it renders to Markdown
(``<del>``/``<ins>``), DOCX (red strike-through, blue underline) and PDF.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from clearance.draft.document import Block, Document

__all__ = ["RedlineStats", "redline", "word_spans"]

_TOKEN = re.compile(r"\s+|[^\s]+")
_REWRITE = 0.45  # below this share of kept words, show the paragraph replaced whole


@dataclass(frozen=True, slots=True)
class RedlineStats:
    """How much changed: blocks changed, inserted and deleted; words inserted and deleted."""

    changed: int
    inserted: int
    deleted: int
    words_inserted: int
    words_deleted: int


def word_spans(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """Return ``(op, text)`` spans turning ``old`` into ``new`` (ops: equal, delete, insert).

    A paragraph rewritten more than it was kept is shown as deleted then inserted whole, and
    a run of one or two unchanged words between two changes is folded into them, so the
    redline reads as phrases rather than alternating single words.
    """
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if old and new and matcher.ratio() < _REWRITE:
        return (("delete", old), ("equal", " "), ("insert", new))
    raw: list[tuple[str, str, str]] = []  # (op, old text, new text)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        raw.append(("equal" if tag == "equal" else "change", "".join(a[i1:i2]), "".join(b[j1:j2])))
    folded: list[tuple[str, str, str]] = []
    for k, (op, x, y) in enumerate(raw):
        short = op == "equal" and len(x.split()) <= 2 and 0 < k < len(raw) - 1
        if short and folded and folded[-1][0] == "change":
            folded[-1] = ("change", folded[-1][1] + x, folded[-1][2] + y)
        elif op == "change" and folded and folded[-1][0] == "change":
            folded[-1] = ("change", folded[-1][1] + x, folded[-1][2] + y)
        else:
            folded.append((op, x, y))
    spans: list[tuple[str, str]] = []

    def push(op: str, text: str) -> None:
        if not text:
            return
        if spans and spans[-1][0] == op:
            spans[-1] = (op, spans[-1][1] + text)
        else:
            spans.append((op, text))

    for op, x, y in folded:
        if op == "equal":
            push("equal", x)
        else:
            push("delete", x)
            push("insert", y)
    return tuple(spans)


def _flat(doc: Document) -> list[Block]:
    out: list[Block] = []
    for b in doc.blocks:
        if b.kind == "table":
            out += [Block("para", " | ".join(row), topic=b.topic) for row in b.rows]
        else:
            out.append(b)
    return out


def _text(b: Block) -> str:
    if b.kind == "definition":
        return f'"{b.term}" means {b.text}'
    return b.text


def _words(text: str) -> int:
    return len(text.split())


def redline(old: Document, new: Document, *, title: str = "") -> tuple[Document, RedlineStats]:
    """Return the redline from ``old`` to ``new`` and counts of what changed."""
    a, b = _flat(old), _flat(new)
    keys_a = [(x.kind, x.number, _text(x)) for x in a]
    keys_b = [(x.kind, x.number, _text(x)) for x in b]
    out = Document(
        title=title or f"Redline: {new.title}",
        subtitle="Deleted text is struck through, inserted text is underlined.",
    )
    changed = inserted = deleted = w_ins = w_del = 0
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.blocks += b[j1:j2]
            continue
        olds, news = a[i1:i2], b[j1:j2]
        for k in range(max(len(olds), len(news))):
            x = olds[k] if k < len(olds) else None
            y = news[k] if k < len(news) else None
            if x is not None and y is not None:
                spans = word_spans(_text(x), _text(y))
                changed += 1
                w_ins += sum(_words(t) for op, t in spans if op == "insert")
                w_del += sum(_words(t) for op, t in spans if op == "delete")
                out.blocks.append(Block("redline", number=y.number, spans=spans, topic=y.topic))
            elif x is not None:
                deleted += 1
                w_del += _words(_text(x))
                out.blocks.append(
                    Block("redline", number=x.number, spans=(("delete", _text(x)),), topic=x.topic)
                )
            elif y is not None:
                inserted += 1
                w_ins += _words(_text(y))
                out.blocks.append(
                    Block("redline", number=y.number, spans=(("insert", _text(y)),), topic=y.topic)
                )
    stats = RedlineStats(changed, inserted, deleted, w_ins, w_del)
    return out, stats
