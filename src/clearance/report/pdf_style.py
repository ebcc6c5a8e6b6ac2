# SPDX-License-Identifier: Apache-2.0
"""Fonts, paragraph styles and safe text for the reportlab PDFs.

The PDFs embed DejaVu Sans, which matplotlib (a dependency) ships, so accents, § and ¶ render
on any machine without system fonts; a character the font lacks (CJK, emoji) becomes '?'
rather than an empty box. All text passes through ``safe`` before it reaches a Paragraph, which
also escapes the markup characters, so hostile strings from a manifest cannot break the PDF.
"""

from __future__ import annotations

import functools
import logging
import os
from typing import Final
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

__all__ = ["FONT", "FONT_BOLD", "LEVEL_COLOURS", "Styles", "safe", "styles"]

logger = logging.getLogger(__name__)

FONT: Final = "ClearanceSans"
FONT_BOLD: Final = "ClearanceSans-Bold"
LEVEL_COLOURS: Final = {
    "low": colors.HexColor("#d9efd5"),
    "medium": colors.HexColor("#fde9a9"),
    "high": colors.HexColor("#f7a35c"),
    "critical": colors.HexColor("#d7301f"),
}


@functools.cache
def _fonts() -> tuple[str, str, frozenset[int] | None]:
    """Register DejaVu Sans; return (regular, bold, covered code points or None for Latin-1)."""
    base = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    try:
        regular = TTFont(FONT, os.path.join(base, "DejaVuSans.ttf"))
        pdfmetrics.registerFont(regular)
        pdfmetrics.registerFont(TTFont(FONT_BOLD, os.path.join(base, "DejaVuSans-Bold.ttf")))
        italic = f"{FONT}-Oblique"
        pdfmetrics.registerFont(TTFont(italic, os.path.join(base, "DejaVuSans-Oblique.ttf")))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=italic, boldItalic=FONT_BOLD
        )
        return FONT, FONT_BOLD, frozenset(regular.face.charToGlyph)
    except Exception as exc:
        logger.warning("PDF: DejaVu Sans unavailable (%s); using Helvetica", exc)
        return "Helvetica", "Helvetica-Bold", None


def safe(text: object) -> str:
    """Return ``text`` escaped for a Paragraph, with characters the font lacks as '?'."""
    _, _, covered = _fonts()
    raw = "" if text is None else str(text)
    if covered is None:
        raw = raw.encode("latin-1", "replace").decode("latin-1")
    else:
        raw = "".join(ch if ord(ch) in covered or ch in "\n\t" else "?" for ch in raw)
    return escape(raw)


class Styles:
    """The paragraph styles of the reports, at a base size."""

    def __init__(self, size: float = 8.0) -> None:
        regular, bold, _ = _fonts()
        lead = size * 1.25
        self.font, self.bold = regular, bold
        self.size = size
        self.title = ParagraphStyle("title", fontName=bold, fontSize=size + 7, leading=size + 10)
        self.h1 = ParagraphStyle(
            "h1",
            fontName=bold,
            fontSize=size + 2.5,
            leading=size + 4,
            spaceBefore=5,
            spaceAfter=2,
            textColor=colors.HexColor("#1f2d3d"),
        )
        self.h2 = ParagraphStyle(
            "h2", fontName=bold, fontSize=size + 1, leading=size + 2.5, spaceBefore=4, spaceAfter=1
        )
        self.body = ParagraphStyle("body", fontName=regular, fontSize=size, leading=lead)
        self.small = ParagraphStyle(
            "small", fontName=regular, fontSize=size - 1, leading=(size - 1) * 1.2
        )
        self.cell = ParagraphStyle(
            "cell", fontName=regular, fontSize=size - 1.5, leading=(size - 1.5) * 1.2
        )
        self.item = ParagraphStyle(
            "item",
            parent=self.body,
            leftIndent=10,
            bulletIndent=2,
            spaceBefore=0.5,
            bulletFontName=regular,
            bulletFontSize=size,
        )
        self.banner = ParagraphStyle(
            "banner",
            parent=self.small,
            textColor=colors.HexColor("#7a1f1f"),
            backColor=colors.HexColor("#fbeaea"),
            borderPadding=2.5,
            spaceBefore=2,
            spaceAfter=3,
        )


@functools.cache
def styles(size: float = 8.0) -> Styles:
    """Return the styles at ``size`` points (cached)."""
    return Styles(size)
