# SPDX-License-Identifier: Apache-2.0
"""Word (.docx) for drafted documents, with python-docx.

Headings use Word's heading styles (so the navigation pane and a table of contents work),
clause numbers are written into the text (they survive any template and any converter),
every page carries the draft banner in its header and a page number in its footer, and
redline spans are struck through in red (deleted) or underlined in blue (inserted). Core
properties name the document, say it is a draft and fix the timestamps so output is
reproducible.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from clearance.draft.document import Block, Document

__all__ = ["write_docx"]

_RED = RGBColor(0xB0, 0x00, 0x00)
_BLUE = RGBColor(0x1F, 0x4E, 0xA8)
_GREY = RGBColor(0x66, 0x66, 0x66)
_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _xml_safe(text: str) -> str:
    """Drop characters XML 1.0 cannot hold (control characters from hostile inputs)."""
    return "".join(
        ch
        for ch in text
        if ch in "\t\n\r"
        or (0x20 <= ord(ch) <= 0xD7FF)
        or (0xE000 <= ord(ch) <= 0xFFFD)
        or ord(ch) >= 0x10000
    )


def _page_number(paragraph: Paragraph) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _table(docx: DocxDocument, rows: tuple[tuple[str, ...], ...]) -> None:
    width = max(len(r) for r in rows)
    table = docx.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.autofit = True
    for i, row in enumerate(rows):
        for j in range(width):
            cell = table.cell(i, j)
            cell.text = ""
            run = cell.paragraphs[0].add_run(_xml_safe(row[j] if j < len(row) else ""))
            run.font.size = Pt(8.5)
            run.bold = i == 0


def _block(docx: DocxDocument, b: Block) -> None:
    add = docx.add_paragraph
    if b.kind == "heading":
        docx.add_heading(_xml_safe(f"{b.number} {b.text}".strip()), level=1)
    elif b.kind == "subheading":
        docx.add_heading(_xml_safe(b.text), level=2)
    elif b.kind == "clause":
        p = add()
        if b.number:
            p.add_run(f"{b.number}\u2002").bold = True
        p.add_run(_xml_safe(b.text))
    elif b.kind == "definition":
        p = add()
        p.paragraph_format.left_indent = Pt(24)
        p.add_run(_xml_safe(f'"{b.term}"')).bold = True
        p.add_run(_xml_safe(f" means {b.text}"))
    elif b.kind == "bullet":
        add(_xml_safe(b.text), style="List Bullet")
    elif b.kind == "note":
        run = add().add_run(_xml_safe(b.text))
        run.italic = True
        run.font.color.rgb = _GREY
    elif b.kind == "table":
        if b.rows:
            _table(docx, b.rows)
    elif b.kind == "pagebreak":
        add().add_run().add_break(WD_BREAK.PAGE)
    elif b.kind == "redline":
        p = add()
        if b.number:
            p.add_run(f"{b.number}\u2002").bold = True
        for op, text in b.spans:
            run = p.add_run(_xml_safe(text))
            if op == "delete":
                run.font.strike = True
                run.font.color.rgb = _RED
            elif op == "insert":
                run.font.underline = True
                run.font.color.rgb = _BLUE
    elif b.kind == "signature":
        add().add_run(_xml_safe(b.text))
    else:
        add(_xml_safe(b.text))


def write_docx(doc: Document, path: str | Path) -> None:
    """Write ``doc`` as a Word document at ``path``."""
    docx = new_docx()
    props = docx.core_properties
    props.title = _xml_safe(doc.title)
    props.subject = _xml_safe(doc.banner)
    props.author = "clearance"
    props.comments = _xml_safe(doc.banner)
    props.created = props.modified = _EPOCH
    props.last_modified_by = "clearance"
    style = docx.styles["Normal"]
    style.font.size = Pt(10.5)
    section = docx.sections[0]
    header = section.header.paragraphs[0]
    run = header.add_run(_xml_safe(doc.banner))
    run.font.size = Pt(7.5)
    run.font.color.rgb = _RED
    footer = section.footer.paragraphs[0]
    footer.add_run("Page ").font.size = Pt(8)
    _page_number(footer)
    docx.add_heading(_xml_safe(doc.title), level=0)
    if doc.subtitle:
        docx.add_paragraph(_xml_safe(doc.subtitle)).runs[0].italic = True
    banner = docx.add_paragraph().add_run(_xml_safe(doc.banner))
    banner.bold = True
    banner.font.color.rgb = _RED
    for b in doc.blocks:
        _block(docx, b)
    docx.save(str(path))
