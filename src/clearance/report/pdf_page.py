# SPDX-License-Identifier: Apache-2.0
"""The one-page preliminary risk assessment, as reportlab flowables.

Whatever the data, the page fits: lists are cut to fixed lengths (5 categories, 3
vulnerabilities, 3 causes and 3 authorities each, 5 next steps, 16 market columns), long text is
clipped at word boundaries, and the whole page is wrapped in a ``KeepInFrame`` that shrinks it
as a last resort instead of letting it overflow to a second page.
"""

from __future__ import annotations

from typing import Any, Final

from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepInFrame, Paragraph, Spacer, Table, TableStyle

from clearance.models import Vulnerability
from clearance.report.content import ReportContent
from clearance.report.formatting import (
    authority_line,
    clip,
    count,
    human_bytes,
    percent,
    reason_lines,
    vulnerability_headline,
)
from clearance.report.pdf_style import LEVEL_COLOURS, Styles, safe, styles

__all__ = ["MAX_MARKET_COLUMNS", "assessment_page"]

MAX_MARKET_COLUMNS: Final = 16
_LEVELS: Final = ("low", "medium", "high", "critical")


def _overview(c: ReportContent, st: Styles) -> list[Flowable]:
    o = c.overview
    size = human_bytes(o["bytes"])
    sized = (
        f" ({size} where the manifest states sizes: {count(o['sized_items'])} items)"
        if size != "–"
        else ""
    )
    cats = ", ".join(
        f"{clip(_label(c, r['category']), 40)} {count(r['items'])} "
        f"({percent(r['items'] / o['items'] if o['items'] else 0)})"
        for r in o["by_category"][:5]
    )
    more = len(o["by_category"]) - 5
    rows = ""
    if o["rows_read"] is not None:
        rows = f" Rows read {count(o['rows_read'])}, rejected {count(o['rows_rejected'])}."
    text = (
        f"<b>{count(o['items'])} items</b>{safe(sized)} from {o['categories']} source categories."
        f"{safe(rows)} Largest: {safe(cats)}{safe(f', and {more} more' if more > 0 else '')}."
    )
    share = o["high_items"] / o["items"] if o["items"] else 0.0
    risk = (
        f"<b>{count(o['high_items'])} items ({percent(share)}) are at high or critical exposure "
        f"in at least one market.</b>"
    )
    out: list[Flowable] = [Paragraph(text, st.body), Paragraph(risk, st.body)]
    tiers = c.tiers
    if tiers["applied"]:
        t = tiers["totals"]
        out.append(
            Paragraph(
                f"Sourcing policy: <b>{count(t['prohibited'])} prohibited</b>, "
                f"{count(t['restricted'])} restricted (need review), "
                f"{count(t['approved'])} approved.",
                st.body,
            )
        )
    else:
        out.append(Paragraph("No sourcing policy was applied to this scan.", st.body))
    out.append(Spacer(1, 3))
    out.append(_market_table(c, st))
    return out


def _label(c: ReportContent, category: str) -> str:
    row = next((r for r in c.categories if r["category"] == category), None)
    return str(row["label"]) if row else category


def _market_table(c: ReportContent, st: Styles) -> Flowable:
    rows = c.exposure_by_market[:MAX_MARKET_COLUMNS]
    header = ["Share of items"] + [r["market"].upper() for r in rows]
    data: list[list[Any]] = [header]
    for level in _LEVELS:
        data.append([level.capitalize()] + [percent(r["shares"][level]) for r in rows])
    data.append(
        ["Provisional †"]
        + [percent(r["provisional_items"] / r["items"]) if r["items"] else "–" for r in rows]
    )
    width = 523.0
    first = 70.0
    col = min(40.0, (width - first) / max(1, len(rows)))
    table = Table(data, colWidths=[first] + [col] * len(rows), hAlign="LEFT")
    style: list[Any] = [
        ("FONT", (0, 0), (-1, -1), st.font, st.size - 1),
        ("FONT", (0, 0), (-1, 0), st.bold, st.size - 1),
        ("ALIGN", (1, 0), (-1, -1), "CENTER"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]
    for i, level in enumerate(_LEVELS, start=1):
        style.append(("BACKGROUND", (0, i), (0, i), LEVEL_COLOURS[level]))
    table.setStyle(TableStyle(style))
    return table


def _vulnerability(v: Vulnerability, st: Styles) -> list[Flowable]:
    head = f"{v.rank}. {clip(v.label, 60)}"
    out: list[Flowable] = [
        Paragraph(
            f"{safe(head)}: <font size={st.size}>{safe(vulnerability_headline(v))}</font>", st.h2
        ),
    ]
    reasons = reason_lines(v)
    if reasons:
        out.append(Paragraph("<b>Why:</b> " + safe("; ".join(reasons)) + ".", st.item))
    cited = list(v.authorities[:3]) or list(v.rules_cited[:2])
    if cited:
        text = "; ".join(authority_line(a, limit=120) for a in cited)
        label = "Authorities" if v.authorities else "Rules rest on"
        out.append(Paragraph(f"<b>{label}:</b> {safe(text)}.", st.item))
    if v.provisional_items:
        out.append(
            Paragraph(
                f"† {count(v.provisional_items)} of its item-market conclusions are provisional.",
                st.item,
            )
        )
    for rec in v.recommendations[:2]:
        out.append(Paragraph(f"<b>{safe(rec.label)}:</b> {safe(clip(rec.text, 300))}", st.item))
    return out


def _story(c: ReportContent, st: Styles) -> list[Flowable]:
    meta = c.meta
    subtitle = " · ".join(
        f"{k}: {clip(v, 60)}"
        for k, v in meta.items()
        if k in ("Manifest", "Markets", "Purpose", "Sourcing policy")
    )
    story: list[Flowable] = [
        Paragraph(safe(clip(c.title, 80)), st.title),
        Paragraph(safe(subtitle), st.small),
        Paragraph(
            safe(
                f"{c.disclaimer} Law applied as of {c.as_of}; knowledge base as of "
                f"{c.kb_as_of}. † marks provisional conclusions: they rest on pending, "
                "appealed or proposed authority and may change."
            ),
            st.banner,
        ),
        Paragraph("What is in the dataset", st.h1),
        *_overview(c, st),
        Paragraph("Top sources of legal vulnerability", st.h1),
        Paragraph(
            "Ranked by exposure x volume x litigation salience (method in the annex).", st.small
        ),
    ]
    if not c.top:
        story.append(
            Paragraph("No source carries medium or higher exposure in any market.", st.body)
        )
    for v in c.top:
        story.extend(_vulnerability(v, st))
    if 0 < len(c.top) < 3:
        story.append(
            Paragraph(f"Only {len(c.top)} source(s) carry medium or higher exposure.", st.small)
        )
    story.append(Paragraph("Next steps", st.h1))
    for i, step in enumerate(c.next_steps[:5], start=1):
        story.append(Paragraph(safe(clip(step.text, 260)), st.item, bulletText=f"{i}."))
    story.append(Spacer(1, 4))
    story.append(
        Paragraph(
            safe(
                "The annex (report.pdf from page 2, report.html, report.md) covers every market "
                "and category, the policy results, the authorities cited, the method and its "
                "limits."
            ),
            st.small,
        )
    )
    return story


def assessment_page(c: ReportContent, width: float, height: float) -> Flowable:
    """Return the whole one-page assessment as one flowable that never exceeds the frame."""
    st = styles(8.0)
    return KeepInFrame(width, height, _story(c, st), mode="shrink", hAlign="LEFT", vAlign="TOP")
