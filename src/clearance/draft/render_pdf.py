# SPDX-License-Identifier: Apache-2.0
"""PDF for drafted documents with reportlab, in the report's fonts and styles.

Uses ``clearance.render.pdf_style`` (embedded DejaVu Sans, text escaped by ``safe``) at a
size fit for contracts. Every page has the draft banner and a page number in its footer;
redline spans are struck through in red or underlined in blue. Output is reproducible
(reportlab's invariant mode).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from clearance.draft.document import DRAFT_FOOTER, Block, Document
from clearance.render.pdf_style import Styles, safe, styles

__all__ = ["write_pdf"]

_MARGIN = 20 * mm


def _footer(doc: Document) -> Any:
    def draw(canvas: Canvas, template: SimpleDocTemplate) -> None:
        st = styles()
        canvas.saveState()
        canvas.setFont(st.font, 6.5)
        canvas.setFillColor(colors.HexColor("#7a1f1f"))
        canvas.drawString(_MARGIN, _MARGIN - 8, f"{doc.title[:90]} - {DRAFT_FOOTER}")
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawRightString(A4[0] - _MARGIN, _MARGIN - 8, f"page {template.page}")
        canvas.restoreState()

    return draw


def _spans(block: Block) -> str:
    out = []
    for op, text in block.spans:
        piece = safe(text)
        if op == "delete":
            out.append(f'<font color="#b00000"><strike>{piece}</strike></font>')
        elif op == "insert":
            out.append(f'<font color="#1f4ea8"><u>{piece}</u></font>')
        else:
            out.append(piece)
    return "".join(out)


def _widths(rows: tuple[tuple[str, ...], ...], cols: int, width: float) -> list[float]:
    """Return column widths in proportion to the square root of each column's text length."""
    weights = []
    for j in range(cols):
        lengths = [len(r[j]) for r in rows if j < len(r)]
        weights.append(max(4.0, (sum(lengths) / max(1, len(lengths))) ** 0.5))
    total = sum(weights)
    return [width * w / total for w in weights]


def _table(rows: tuple[tuple[str, ...], ...], st: Styles, width: float) -> Flowable:
    cols = max(len(r) for r in rows)
    cells = [
        [Paragraph(safe(r[j] if j < len(r) else ""), st.cell) for j in range(cols)] for r in rows
    ]
    table = LongTable(cells, colWidths=_widths(rows, cols, width), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _flowables(doc: Document, st: Styles, width: float) -> list[Flowable]:
    clause = ParagraphStyle("clause", parent=st.body, spaceBefore=2, spaceAfter=3)
    definition = ParagraphStyle("definition", parent=clause, leftIndent=14)
    story: list[Flowable] = [Paragraph(safe(doc.title), st.title), Spacer(1, 4)]
    if doc.subtitle:
        story.append(Paragraph(safe(doc.subtitle), st.small))
    story.append(Paragraph(f"<b>{safe(doc.banner)}</b>", st.banner))
    for b in doc.blocks:
        if b.kind == "heading":
            story.append(Paragraph(safe(f"{b.number} {b.text}".strip()), st.h1))
        elif b.kind == "subheading":
            story.append(Paragraph(safe(b.text), st.h2))
        elif b.kind == "clause":
            number = f"<b>{safe(b.number)}</b>&nbsp;&nbsp;" if b.number else ""
            story.append(Paragraph(number + safe(b.text), clause))
        elif b.kind == "definition":
            story.append(Paragraph(f'<b>"{safe(b.term)}"</b> means {safe(b.text)}', definition))
        elif b.kind == "bullet":
            story.append(Paragraph(safe(b.text), st.item, bulletText="•"))
        elif b.kind == "note":
            story.append(Paragraph(f"<i>{safe(b.text)}</i>", st.small))
        elif b.kind == "table" and b.rows:
            story += [_table(b.rows, st, width), Spacer(1, 4)]
        elif b.kind == "pagebreak":
            story.append(PageBreak())
        elif b.kind == "redline":
            number = f"<b>{safe(b.number)}</b>&nbsp;&nbsp;" if b.number else ""
            story.append(Paragraph(number + _spans(b), clause))
        elif b.kind != "table":
            story.append(Paragraph(safe(b.text), clause))
    return story


def write_pdf(doc: Document, path: str | Path) -> None:
    """Write ``doc`` as an A4 PDF at ``path``."""
    template = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN + 4,
        title=doc.title,
        author="clearance",
        subject=doc.banner,
        creator="clearance",
        invariant=1,
    )
    st = styles(9.5)
    story = _flowables(doc, st, template.width - 12)
    footer = _footer(doc)
    template.build(story, onFirstPage=footer, onLaterPages=footer)
