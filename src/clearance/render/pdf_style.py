# SPDX-License-Identifier: Apache-2.0
"""Fonts, paragraph styles and safe text for the reportlab PDFs.

The PDFs embed DejaVu Sans, which matplotlib (a dependency) ships, so Latin, Greek, Cyrillic,
Hebrew, § and ¶ render on any machine without system fonts; Chinese and Japanese characters
come from Droid Sans Fallback and Korean from a Hangul subset of NanumGothic, both bundled
under ``data/fonts/`` (licences beside them): ``safe`` wraps each run of such characters in
the font that has them. A character no bundled font has (emoji, rare scripts) becomes '?'
rather than an empty box. All text passes through ``safe`` before it reaches a Paragraph,
which also escapes the markup characters, so hostile strings from a manifest cannot break the
PDF; ``link`` makes a clickable link the same way.
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

from clearance.render.palette import LEVEL_HEX

__all__ = ["FONT", "FONT_BOLD", "LEVEL_COLOURS", "Styles", "link", "plain", "safe", "styles"]

logger = logging.getLogger(__name__)

FONT: Final = "ClearanceSans"
FONT_BOLD: Final = "ClearanceSans-Bold"
LEVEL_COLOURS: Final = {level: colors.HexColor(hex_) for level, hex_ in LEVEL_HEX.items()}


#: Bundled fallback fonts, tried in order for characters DejaVu Sans lacks.
_FALLBACKS: Final = (("ClearanceCJK", "DroidSansFallbackFull.ttf"),
                     ("ClearanceHangul", "ClearanceHangul.ttf"))


@functools.cache
def _fallbacks() -> tuple[tuple[str, frozenset[int]], ...]:
    """Register the bundled fallback fonts; return (name, covered code points) for each."""
    from importlib import resources

    out = []
    for name, file in _FALLBACKS:
        try:
            path = resources.files("clearance").joinpath(f"data/fonts/{file}")
            font = TTFont(name, str(path))
            pdfmetrics.registerFont(font)
            out.append((name, frozenset(font.face.charToGlyph)))
        except Exception as exc:  # a missing file degrades to '?', never a failed report
            logger.warning("PDF: fallback font %s unavailable (%s)", file, exc)
    return tuple(out)


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


def _font_of(ch: str, covered: frozenset[int]) -> str | None:
    """Return '' for the base font, a fallback font's name, or None when none has ``ch``."""
    code = ord(ch)
    if code in covered or ch in "\n\t":
        return ""
    for name, glyphs in _fallbacks():
        if code in glyphs:
            return name
    return None


def safe(text: object) -> str:
    """Return ``text`` escaped for a Paragraph, runs of CJK text in the font that has them.

    A character no bundled font has becomes '?'.
    """
    _, _, covered = _fonts()
    raw = "" if text is None else str(text)
    if covered is None:
        return escape(raw.encode("latin-1", "replace").decode("latin-1"))
    parts: list[str] = []
    run, face = "", ""
    for ch in raw:
        which = _font_of(ch, covered)
        if which is None:
            ch, which = "?", ""
        if which != face and run:
            parts.append(escape(run) if not face else f'<font face="{face}">{escape(run)}</font>')
            run = ""
        face = which
        run += ch
    if run:
        parts.append(escape(run) if not face else f'<font face="{face}">{escape(run)}</font>')
    return "".join(parts)


def plain(text: object) -> str:
    """Return ``text`` for canvas strings (no markup): characters no font has as '?'."""
    _, _, covered = _fonts()
    raw = "" if text is None else str(text)
    if covered is None:
        return raw.encode("latin-1", "replace").decode("latin-1")
    return "".join(ch if ord(ch) in covered else "?" for ch in raw)


def link(url: str, text: object | None = None) -> str:
    """Return Paragraph markup for a clickable link to ``url`` showing ``text`` (or the URL).

    Only http(s) URLs become links; anything else is shown as text (reportlab splits a long
    URL that does not fit its line rather than clipping it).
    """
    shown = safe(url if text is None else text)
    if not url.lower().startswith(("http://", "https://")):
        return shown
    href = escape(url, {'"': "&quot;"})
    return f'<a href="{href}" color="#1f4e9a">{shown}</a>'


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
        self.warn = ParagraphStyle(
            "warn",
            parent=self.small,
            textColor=colors.HexColor("#6b4a00"),
            backColor=colors.HexColor("#fff4d6"),
            borderPadding=1.5,
            spaceBefore=1.5,
        )
        self.alarm = ParagraphStyle(
            "alarm",
            parent=self.body,
            textColor=colors.white,
            backColor=colors.HexColor("#b3261e"),
            borderPadding=3,
            spaceBefore=2,
            spaceAfter=3,
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
