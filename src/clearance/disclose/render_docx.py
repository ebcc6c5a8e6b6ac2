# SPDX-License-Identifier: Apache-2.0
"""A disclosure ``Document`` as a Word file (python-docx), for counsel to edit and sign off.

Headings follow the template's numbering, each answer is a bold question and its answer with
its basis, gaps are highlighted, and the closing sections list the gaps and the sources. The
file's core properties say it is a draft for counsel's review.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document as new_docx
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Pt

from clearance.disclose.document import Answer, Document, Gap, Para, Section, Table

__all__ = ["write_docx"]


def _section(doc: object, s: Section, level: int) -> None:
    d = doc  # python-docx Document (untyped)
    d.add_heading(f"{s.number} {s.title}", level=min(level, 4))  # type: ignore[attr-defined]
    for b in s.blocks:
        if isinstance(b, Answer):
            p = d.add_paragraph()  # type: ignore[attr-defined]
            p.add_run(b.question).bold = True
            body = d.add_paragraph()  # type: ignore[attr-defined]
            if isinstance(b.answer, Gap):
                run = body.add_run(f"GAP: {b.answer.text}")
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            else:
                body.add_run(b.answer)
            if b.basis:
                basis = body.add_run(f"  ({b.basis})")
                basis.italic = True
                basis.font.size = Pt(8)
        elif isinstance(b, Para):
            p = d.add_paragraph(b.text)  # type: ignore[attr-defined]
            if b.note:
                p.runs[0].italic = True
        elif isinstance(b, Table):
            if b.caption:
                d.add_paragraph(b.caption).runs[0].italic = True  # type: ignore[attr-defined]
            t = d.add_table(rows=1, cols=len(b.header))  # type: ignore[attr-defined]
            t.style = "Table Grid"
            for cell, text in zip(t.rows[0].cells, b.header, strict=True):
                cell.text = text
                cell.paragraphs[0].runs[0].bold = True
            for row in b.rows:
                cells = t.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = str(text)
    for c in s.children:
        _section(doc, c, level + 1)


def write_docx(doc: Document, path: Path) -> None:
    """Write ``doc`` as a .docx file at ``path``."""
    d = new_docx()
    props = d.core_properties
    props.title = doc.title
    props.subject = doc.subtitle
    props.comments = "Draft for counsel's review; not legal advice."
    props.author = "clearance"
    d.add_heading(doc.title, level=0)
    d.add_paragraph(doc.subtitle).runs[0].italic = True
    notice = d.add_paragraph().add_run(doc.notice)
    notice.bold = True
    notice.font.highlight_color = WD_COLOR_INDEX.YELLOW
    if doc.header:
        t = d.add_table(rows=0, cols=2)
        t.style = "Table Grid"
        for key, value in doc.header:
            cells = t.add_row().cells
            cells[0].text, cells[1].text = key, value
    for s in doc.sections:
        _section(d, s, 1)
    d.add_heading("Gaps to fill before publication", level=1)
    gaps = doc.gaps()
    if not gaps:
        d.add_paragraph("None: every answer comes from the scan or MODEL.yaml.")
    for where, what in gaps:
        p = d.add_paragraph(style="List Number")
        p.add_run(f"{where}: ").bold = True
        p.add_run(what)
    if doc.method:
        d.add_heading("How this draft was made", level=1)
        for m in doc.method:
            d.add_paragraph(m, style="List Bullet")
    if doc.sources:
        d.add_heading("Sources", level=1)
        for src in doc.sources:
            flag = "" if src.verified else " (not verified against the primary text)"
            d.add_paragraph(f"{src.title}, {src.citation} ({src.status}, {src.date}); {src.url}; "
                            f"checked {src.checked}{flag}", style="List Bullet")
    d.save(str(path))
