# SPDX-License-Identifier: Apache-2.0
"""The authorship memo as PDF, with the report's fonts and styles (reportlab, reproducible)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from clearance.errors import ReportError
from clearance.law.authorship.engine import DISCLAIMER
from clearance.law.authorship.memo import MemoContent
from clearance.render.pdf_style import safe, styles

__all__ = ["write_memo_pdf"]

_MARGIN = 16 * mm


def _table(rows: tuple[tuple[str, ...], ...], width: float) -> LongTable:
    st = styles(9.0)
    head, *body = rows
    data = [[Paragraph(f"<b>{safe(c)}</b>", st.cell) for c in head]]
    data += [[Paragraph(safe(c), st.cell) for c in row] for row in body]
    cols = len(head)
    widths = [width / cols] * cols if cols != 4 else [width * w for w in (0.1, 0.22, 0.34, 0.34)]
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))  # fmt: skip
    return table


def write_memo_pdf(content: MemoContent, path: str | Path) -> None:
    """Write the memo to ``path`` as an A4 PDF; raise ReportError when it cannot be written."""
    path = Path(path)
    st = styles(9.0)
    doc = SimpleDocTemplate(
        str(path), pagesize=A4, leftMargin=_MARGIN, rightMargin=_MARGIN, topMargin=_MARGIN,
        bottomMargin=_MARGIN + 4, title=content.title, author="clearance", subject=DISCLAIMER,
        creator="clearance", invariant=1,
    )  # fmt: skip
    story: list[Any] = [Paragraph(safe(content.title), st.title), Spacer(1, 6)]
    for block in content.blocks:
        if block.kind == "h1":
            story.append(Paragraph(safe(block.text), st.h1))
        elif block.kind == "h2":
            story.append(Paragraph(safe(block.text), st.h2))
        elif block.kind == "p":
            story.append(Paragraph(safe(block.text), st.body))
        elif block.kind == "note":
            story.append(Paragraph(safe(block.text), st.banner))
        elif block.kind == "list":
            story += [Paragraph(safe(i), st.item, bulletText="•") for i in block.items]
        elif block.kind == "table" and block.rows:
            story.append(_table(block.rows, doc.width))
        story.append(Spacer(1, 2))

    def footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(st.font, 6.5)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(_MARGIN, _MARGIN - 2, f"{DISCLAIMER} Knowledge base as of "
                          f"{content.kb_as_of}. clearance")  # fmt: skip
        canvas.drawRightString(A4[0] - _MARGIN, _MARGIN - 2, f"page {doc.page}")
        canvas.restoreState()

    try:
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
    except OSError as exc:
        raise ReportError(f"{path}: cannot write the memo: {exc}") from exc
