# SPDX-License-Identifier: Apache-2.0
"""The one-page preliminary risk assessment, as reportlab flowables.

Page 1 says, in this order: what the report is (and is not), a banner when no opt-out
evidence was read, the bottom line per market (shares at each level in the colours every
format uses, and what must happen before training), what is in the dataset, the assumptions
and evidence it rests on (and how much the headline depends on each), the top three sources of
vulnerability (causes, the authorities behind them as short forms that link to their text,
the rightholders to approach, what to do), and the next steps. Lists are cut to fixed
lengths; citations are never clipped; the page is wrapped in a ``KeepInFrame`` that shrinks it
as a last resort instead of letting it overflow to a second page.
"""

from __future__ import annotations

from typing import Any, Final

from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepInFrame, Paragraph, Spacer, Table, TableStyle

from clearance.models import Vulnerability
from clearance.render.pdf_style import LEVEL_COLOURS, Styles, link, safe, styles
from clearance.report.content import ReportContent
from clearance.report.formatting import (
    authority_date,
    authority_url,
    clip,
    count,
    human_bytes,
    percent,
    reason_lines,
    vulnerability_headline,
)

__all__ = ["MAX_MARKET_ROWS", "assessment_page"]

MAX_MARKET_ROWS: Final = 8
_LEVELS: Final = ("low", "medium", "high", "critical")
_WIDTH: Final = 523.0
_GRID: Final = colors.HexColor("#bbbbbb")


def _label(c: ReportContent, category: str) -> str:
    row = next((r for r in c.categories if r["category"] == category), None)
    return str(row["label"]) if row else category


def _overview(c: ReportContent, st: Styles) -> list[Flowable]:
    o = c.overview
    size = human_bytes(o["bytes"])
    sized = f" ({size} where sizes are stated)" if size != "–" else ""
    total = o["items"] or 1
    cats = ", ".join(
        f"{clip(_label(c, r['category']), 40)} {percent(r['items'] / total)}"
        for r in o["by_category"][:5]
    )
    more = len(o["by_category"]) - 5
    rows = ""
    if o["rows_read"] is not None:
        rows = f" Rows read {count(o['rows_read'])}, rejected {count(o['rows_rejected'])}."
    share = o["high_items"] / o["items"] if o["items"] else 0.0
    text = (
        f"<b>{count(o['items'])} items</b>{safe(sized)} from {o['categories']} sources."
        f"{safe(rows)} "
        f"Largest: {safe(cats)}{safe(f', and {more} more' if more > 0 else '')}. "
        f"<b>{count(o['high_items'])} items ({percent(share)}) are at high or critical exposure "
        "in at least one market.</b>"
    )
    tiers = c.tiers
    if tiers["applied"]:
        t = tiers["totals"]
        text += (f" Sourcing policy: <b>{count(t['prohibited'])} prohibited</b>, "
                 f"{count(t['restricted'])} restricted (need review), "
                 f"{count(t['approved'])} approved.")
    else:
        text += " No sourcing policy was applied."
    return [Paragraph(text, st.body)]


def _bottom_line(c: ReportContent, st: Styles) -> Flowable:
    """The per-market table: level shares in the level colours, and what must happen."""
    rows = c.exposure_by_market[:MAX_MARKET_ROWS]
    steps = {m.market: m.before_training for m in c.conclusions}
    head = ["", "Low", "Med.", "High", "Crit.", "Prov. †", "Before training"]
    data: list[list[Any]] = [[Paragraph(f"<b>{h}</b>", st.cell) for h in head]]
    for r in rows:
        todo = steps.get(r["market"], ())[:2]
        text = safe("; ".join(todo)[:1].upper() + "; ".join(todo)[1:]) if todo else "–"
        data.append([
            Paragraph(f"<b>{safe(r['market'].upper())}</b>", st.cell),
            *(Paragraph(percent(r["shares"][lv]), st.cell) for lv in _LEVELS),
            Paragraph(percent(r["provisional_items"] / r["items"]) if r["items"] else "–",
                      st.cell),
            Paragraph(text, st.cell),
        ])
    widths = [24.0, 28.0, 30.0, 28.0, 28.0, 32.0, _WIDTH - 170.0]
    table = Table(data, colWidths=widths, hAlign="LEFT", repeatRows=1)
    style: list[Any] = [
        ("GRID", (0, 0), (-1, -1), 0.25, _GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("BACKGROUND", (0, 0), (0, 0), colors.HexColor("#eef1f5")),
        ("BACKGROUND", (5, 0), (6, 0), colors.HexColor("#eef1f5")),
    ]
    for i, level in enumerate(_LEVELS, start=1):
        style.append(("BACKGROUND", (i, 0), (i, 0), LEVEL_COLOURS[level]))
        if level == "critical":
            style.append(("TEXTCOLOR", (i, 0), (i, 0), colors.white))
    table.setStyle(TableStyle(style))
    return table


def _trust(c: ReportContent, st: Styles) -> list[Flowable]:
    box = c.trust
    data: list[list[Any]] = [[Paragraph("<b>What</b>", st.cell),
                              Paragraph("<b>Value (how obtained)</b>", st.cell),
                              Paragraph("<b>If it were otherwise</b>", st.cell)]]
    for row in box.rows:
        data.append([
            Paragraph(safe(row.label), st.cell),
            Paragraph(f"{safe(row.value)} <i>({safe(row.basis)})</i>", st.cell),
            Paragraph(safe(row.effect) or "–", st.cell),
        ])
    table = Table(data, colWidths=[112.0, 240.0, _WIDTH - 352.0], hAlign="LEFT", repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.25, _GRID),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f5")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 0.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.8),
    ]))
    out: list[Flowable] = [table]
    for warning in box.warnings[:3]:
        out.append(Paragraph(f"<b>Warning:</b> {safe(warning)}", st.warn))
    return out


def _vulnerability(c: ReportContent, v: Vulnerability, st: Styles) -> list[Flowable]:
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
        text = "; ".join(f"{link(authority_url(a), a.title)} ({safe(authority_date(a))})"
                         for a in cited)
        label = "Authorities" if v.authorities else "Rules rest on"
        out.append(Paragraph(f"<b>{label}:</b> {text}.", st.item))
    holders = c.rightholders.get(v.category) or []
    if holders:
        text = ", ".join(f"{d} ({count(n)})" for d, n in holders)
        out.append(Paragraph(f"<b>Approach first:</b> {safe(text)}", st.item))
    for rec in v.recommendations[:1]:
        out.append(Paragraph(f"<b>{safe(rec.label)}:</b> {safe(clip(rec.text, 260))}", st.item))
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
    ]
    if c.trust.banner:
        story.append(Paragraph(f"<b>{safe(c.trust.banner)}</b>", st.alarm))
    story += [
        Paragraph("Bottom line per market", st.h1),
        _bottom_line(c, st),
        Paragraph("What is in the dataset", st.h1),
        *_overview(c, st),
        Paragraph("Assumptions and evidence", st.h1),
        *_trust(c, st),
        Paragraph("Top sources of legal vulnerability", st.h1),
        Paragraph(
            "Ranked by exposure x volume x litigation salience (method in the annex)."
            + (f" {c.closeness}" if c.closeness else ""),
            st.small,
        ),
    ]
    if not c.top:
        story.append(
            Paragraph("No source carries medium or higher exposure in any market.", st.body)
        )
    for v in c.top:
        story.extend(_vulnerability(c, v, st))
    story.append(Paragraph("Next steps", st.h1))
    for i, step in enumerate(c.next_steps[:4], start=1):
        story.append(Paragraph(safe(clip(step.text, 240)), st.item, bulletText=f"{i}."))
    story.append(Spacer(1, 3))
    story.append(
        Paragraph(
            safe(
                "The annex (report.pdf from page 2, report.html, report.md) argues each market's "
                "conclusion, gives the fair-use and TDM analyses, every category, the policy "
                "results, the authorities with links to their text, the method and its limits."
            ),
            st.small,
        )
    )
    return story


def assessment_page(c: ReportContent, width: float, height: float) -> Flowable:
    """Return the whole one-page assessment as one flowable that never exceeds the frame."""
    st = styles(7.6)
    return KeepInFrame(width, height, _story(c, st), mode="shrink", hAlign="LEFT", vAlign="TOP")
