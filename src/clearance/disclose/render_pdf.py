# SPDX-License-Identifier: Apache-2.0
"""A disclosure ``Document`` as PDF, with the report's reportlab styles and fonts.

Every page carries the draft notice in its footer; gaps are set in the report's banner style
so they stand out on paper. Text passes through ``pdf_style.safe`` (escaping, fonts).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from clearance.disclose.document import Answer, Document, Gap, Para, Section, Table
from clearance.render.pdf_style import Styles, safe, styles

__all__ = ["write_pdf"]

_MARGIN = 16 * mm


def _table(t: Table, st: Styles, width: float) -> LongTable:
    cols = len(t.header)
    rows = [[Paragraph(f"<b>{safe(h)}</b>", st.cell) for h in t.header]]
    rows += [[Paragraph(safe(c), st.cell) for c in r] for r in t.rows]
    table = LongTable(rows, colWidths=[width / cols] * cols, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f5")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def _section(s: Section, st: Styles, width: float, depth: int, out: list[Flowable]) -> None:
    out.append(Paragraph(safe(f"{s.number} {s.title}"), st.h1 if depth == 1 else st.h2))
    for b in s.blocks:
        if isinstance(b, Answer):
            out.append(Paragraph(f"<b>{safe(b.question)}</b>", st.body))
            basis = f" <i>({safe(b.basis)})</i>" if b.basis else ""
            if isinstance(b.answer, Gap):
                out.append(Paragraph(f"<b>GAP:</b> {safe(b.answer.text)}{basis}", st.banner))
            else:
                out.append(Paragraph(safe(b.answer) + basis, st.body))
            out.append(Spacer(1, 3))
        elif isinstance(b, Para):
            out.append(Paragraph(f"<i>{safe(b.text)}</i>" if b.note else safe(b.text), st.body))
        else:
            if b.caption:
                out.append(Paragraph(f"<i>{safe(b.caption)}</i>", st.small))
            out.append(_table(b, st, width))
            out.append(Spacer(1, 3))
    for c in s.children:
        _section(c, st, width, depth + 1, out)


def write_pdf(doc: Document, path: Path) -> None:
    """Write ``doc`` as an A4 PDF at ``path`` (reproducible: reportlab's invariant mode)."""
    st = styles(9.0)
    pdf = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=_MARGIN, rightMargin=_MARGIN,
                            topMargin=_MARGIN, bottomMargin=_MARGIN + 4, title=doc.title,
                            author="clearance", subject=doc.notice, creator="clearance",
                            invariant=1)
    width = pdf.width - 12
    out: list[Flowable] = [
        Paragraph(safe(doc.title), st.title), Spacer(1, 4),
        Paragraph(f"<i>{safe(doc.subtitle)}</i>", st.body),
        Paragraph(safe(doc.notice), st.banner),
    ]
    if doc.header:
        out.append(_table(Table(["", ""], [[k, v] for k, v in doc.header]), st, width))
    for s in doc.sections:
        _section(s, st, width, 1, out)
    out.append(Paragraph("Gaps to fill before publication", st.h1))
    gaps = doc.gaps()
    for i, (where, what) in enumerate(gaps, 1):
        out.append(Paragraph(f"{i}. <b>{safe(where)}</b>: {safe(what)}", st.body))
    if not gaps:
        out.append(Paragraph("None: every answer comes from the scan or MODEL.yaml.", st.body))
    if doc.method:
        out.append(Paragraph("How this draft was made", st.h1))
        out += [Paragraph(f"• {safe(m)}", st.body) for m in doc.method]
    if doc.sources:
        out.append(Paragraph("Sources", st.h1))
        for src in doc.sources:
            flag = "" if src.verified else " (not verified against the primary text)"
            out.append(Paragraph(safe(f"{src.title}, {src.citation} ({src.status}, {src.date}); "
                                      f"{src.url}; checked {src.checked}{flag}"), st.small))
    footer = f"Draft for counsel's review, not legal advice. {doc.title}"

    def draw(canvas: Canvas, d: Any) -> None:
        canvas.saveState()
        canvas.setFont(st.font, 6.5)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(_MARGIN, _MARGIN - 2, footer)
        canvas.drawRightString(A4[0] - _MARGIN, _MARGIN - 2, f"page {d.page}")
        canvas.restoreState()

    pdf.build(out, onFirstPage=draw, onLaterPages=draw)
