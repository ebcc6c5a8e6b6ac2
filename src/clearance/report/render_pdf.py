# SPDX-License-Identifier: Apache-2.0
"""PDF output with reportlab (pure pip, no system libraries): assessment.pdf and report.pdf.

``assessment.pdf`` is exactly one A4 page (``pdf_page.assessment_page``); ``report.pdf``
starts with the very same page and continues with the annex: the matrix figure, every market,
every category, the ranking, the policy results, opt-out signals, the authorities cited, and
the method and its limits. Output is reproducible (reportlab's invariant mode).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from clearance.render.pdf_style import Styles, link, safe, styles
from clearance.report.content import ReportContent
from clearance.report.formatting import (
    authority_date,
    authority_url,
    count,
    human_bytes,
    percent,
    reason_lines,
)
from clearance.report.pdf_page import assessment_page

__all__ = ["write_assessment_pdf", "write_report_pdf"]

_MARGIN = 14 * mm
_LEVELS = ("low", "medium", "high", "critical")


def _doc(path: Path, c: ReportContent, title: str) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN + 4,
        title=title,
        author="clearance",
        subject=c.disclaimer,
        creator="clearance",
        invariant=1,
    )


def _footer(c: ReportContent) -> Any:
    text = f"{c.disclaimer}  Knowledge base as of {c.kb_as_of}.  clearance"

    def draw(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        st = styles()
        canvas.saveState()
        canvas.setFont(st.font, 6.5)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(_MARGIN, _MARGIN - 2, text)
        canvas.drawRightString(A4[0] - _MARGIN, _MARGIN - 2, f"page {doc.page}")
        canvas.restoreState()

    return draw


def _frame_size(doc: SimpleDocTemplate) -> tuple[float, float]:
    return doc.width - 12.5, doc.height - 12.5  # the frame's 6 pt padding on each side


def write_assessment_pdf(c: ReportContent, path: Path) -> None:
    """Write the one-page preliminary risk assessment to ``path``."""
    doc = _doc(path, c, c.title)
    footer = _footer(c)
    doc.build([assessment_page(c, *_frame_size(doc))], onFirstPage=footer, onLaterPages=footer)


def _table(rows: list[list[Any]], widths: list[float], st: Styles) -> LongTable:
    cells = [
        [Paragraph(safe(v), st.cell) if not isinstance(v, Flowable) else v for v in r] for r in rows
    ]
    table = LongTable(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
            ]
        )
    )
    return table


def _markets(c: ReportContent, st: Styles) -> list[Flowable]:
    out: list[Flowable] = [Paragraph("B. Every market, argued", st.h1)]
    argued = {m.market: m for m in c.conclusions}
    for row in c.exposure_by_market:
        market = row["market"]
        shares = ", ".join(f"{percent(row['shares'][lv])} {lv}" for lv in _LEVELS)
        out.append(
            Paragraph(
                safe(
                    f"{market.upper()}: {count(row['items'])} items, {human_bytes(row['bytes'])}; "
                    f"{shares}; {count(row['provisional_items'])} provisional †"
                ),
                st.h2,
            )
        )
        m = argued.get(market)
        if m is not None:
            if m.law:
                cited = "; ".join(f"{link(authority_url(a), a.title)} "
                                  f"({safe(authority_date(a))})" for a in m.citations)
                out.append(Paragraph(f"<i>The law in {safe(m.name)}.</i> {safe(m.law)}"
                                     + (f" ({cited})" if cited else ""), st.body))
            out.append(Paragraph(f"<i>Why the level follows.</i> {safe(m.why)}", st.body))
            out.append(Paragraph(f"<i>Before training for {safe(m.name)}:</i> "
                                 f"{safe('; '.join(m.before_training))}.", st.body))
        cells = c.matrix.filter(c.matrix["market"] == market).to_dicts()
        rows: list[list[Any]] = [
            ["Category", "Items", "Bytes", "Low", "Medium", "High", "Critical", "Prov. †"]
        ]
        for r in cells:
            rows.append(
                [
                    r["category_label"],
                    count(r["items"]),
                    human_bytes(r["bytes"]),
                    *(percent(r[f"share_{lv}"]) for lv in _LEVELS),
                    count(r["provisional_items"]),
                ]
            )
        out.append(_table(rows, [170, 50, 55, 45, 45, 45, 45, 50], st))
        if row["reasons"]:
            text = "; ".join(f"{r['title']} ({count(r['count'])})" for r in row["reasons"])
            out.append(Paragraph(f"<b>Main reasons:</b> {safe(text)}", st.small))
        if row["citations"]:
            text = ", ".join(f"{kb_id} ({count(n)})" for kb_id, n in row["citations"])
            out.append(Paragraph(f"<b>Authorities cited by the rules:</b> {safe(text)}", st.small))
    return out


def _categories(c: ReportContent, st: Styles) -> list[Flowable]:
    out: list[Flowable] = [Paragraph("D. Every source category", st.h1)]
    for r in c.categories:
        worst = ", ".join(f"{m.upper()} {w}" for m, w in r["worst"].items() if w)
        rank = f"rank {r['rank']}, score {r['score']:,.1f}" if r["rank"] else "not ranked"
        out.append(
            Paragraph(
                safe(
                    f"{r['label']}: {count(r['items'])} items, {human_bytes(r['bytes'])} ({rank})"
                ),
                st.h2,
            )
        )
        if worst:
            out.append(Paragraph(f"<b>Worst exposure per market:</b> {safe(worst)}", st.small))
        if r["rights_notes"]:
            out.append(Paragraph(f"<b>Rights notes:</b> {safe(r['rights_notes'])}", st.small))
        v = next((v for v in c.vulnerabilities if v.category == r["category"]), None)
        if v is not None and reason_lines(v):
            out.append(Paragraph(f"<b>Causes:</b> {safe('; '.join(reason_lines(v)))}", st.small))
    return out


def _ranking_and_policy(c: ReportContent, st: Styles) -> list[Flowable]:
    out: list[Flowable] = [Paragraph("E. Ranking of every source", st.h1)]
    rows: list[list[Any]] = [["#", "Category", "Score", "Items", "Worst", "Markets at high+"]]
    for v in c.vulnerabilities:
        high = sum(1 for m in v.markets if m.worst in ("high", "critical"))
        rows.append(
            [str(v.rank), v.label, f"{v.score:,.1f}", count(v.items), v.worst or "–", str(high)]
        )
    out.append(_table(rows, [20, 190, 70, 60, 60, 80], st))
    out.append(Paragraph("F. Policy results", st.h1))
    tiers = c.tiers
    if not tiers["applied"]:
        out.append(Paragraph("No sourcing policy was applied to this scan.", st.body))
        return out
    t = tiers["totals"]
    out.append(
        Paragraph(
            safe(
                f"{count(t['approved'])} approved, {count(t['restricted'])} restricted, "
                f"{count(t['prohibited'])} prohibited, "
                f"{count(t.get('untiered', 0))} without a tier."
            ),
            st.body,
        )
    )
    rows = [["Category", "Approved", "Restricted", "Prohibited"]]
    labels = {r["category"]: r["label"] for r in c.categories}
    for r in tiers["by_category"]:
        rows.append(
            [
                labels.get(r["category"], r["category"]),
                count(r["approved"]),
                count(r["restricted"]),
                count(r["prohibited"]),
            ]
        )
    out.append(_table(rows, [220, 80, 80, 80], st))
    if tiers["reasons"]:
        text = "; ".join(f"{reason} ({count(n)})" for reason, n in tiers["reasons"])
        out.append(Paragraph(f"<b>Most frequent policy reasons:</b> {safe(text)}", st.small))
    return out


def _analyses(c: ReportContent, st: Styles) -> list[Flowable]:
    if not c.analyses:
        return []
    labels = {r["category"]: r["label"] for r in c.categories}
    words = {"for_use": "for the use", "against_use": "against the use",
             "not_engaged": "not engaged"}
    out: list[Flowable] = [
        Paragraph("C. Fair-use and text-and-data-mining analyses of the main sources", st.h1),
        Paragraph("How each analysis leans over the source's items, and the analysis of its "
                  "most common facts, question by question. A leaning, not a prediction of any "
                  "court's decision.", st.small),
    ]
    for a in c.analyses:
        total = sum(a["leanings"].values()) or 1
        spread = ", ".join(f"{percent(n / total)} {words.get(k, k)}" for k, n in
                           sorted(a["leanings"].items(), key=lambda kv: -kv[1]))
        name = "fair use" if a["analysis"] == "fair_use" else "text and data mining"
        modal = a["modal"]
        out.append(Paragraph(safe(f"{labels.get(a['category'], a['category'])} · "
                                  f"{a['market'].upper()} · {name}: {spread}"), st.h2))
        out.append(Paragraph(safe(f"{modal.get('summary', '')} (most common facts: "
                                  f"{percent(float(a['modal_share']))} of its items)"),
                             st.small))
        rows: list[list[Any]] = [["Question", "Leaning", "Strength"]]
        for q in modal.get("questions") or []:
            rows.append([q[1], words.get(q[2], q[2]), q[3]])
        out.append(_table(rows, [330, 110, 80], st))
    return out


def _duties(c: ReportContent, st: Styles) -> list[Flowable]:
    if not c.duties:
        return []
    out: list[Flowable] = [
        Paragraph("What must be done with the model's outputs", st.h1),
        Paragraph("The purpose is to train a generative model: these duties attach to its "
                  "outputs in the markets assessed, with the date each applies from.", st.small),
    ]
    rows: list[list[Any]] = [["Market", "Duty", "From", "Status", "What to do"]]
    for d in c.duties:
        rows.append([d["market"].upper(), d["duty"], d["from"], d["status"], d["what_to_do"]])
    out.append(_table(rows, [40, 150, 55, 55, 225], st))
    return out


def _signals_and_authorities(c: ReportContent, st: Styles) -> list[Flowable]:
    out: list[Flowable] = []
    if c.signals:
        out.append(Paragraph("G. Opt-out signals found", st.h1))
        rows: list[list[Any]] = [["Standard", "Verdict", "Hosts", "Signals"]]
        for r in c.signals:
            rows.append([r["standard"], r["verdict"], count(r["hosts"]), count(r["signals"])])
        out.append(_table(rows, [180, 120, 80, 80], st))
    out.append(Paragraph("H. Authorities cited", st.h1))
    out.append(Paragraph("Each authority links to its primary text where one is recorded "
                         "(marked when not confirmed against the official copy), and to the "
                         "page it was checked against.", st.small))
    table: list[list[Any]] = [["Authority", "Body", "Status and date", "Text"]]
    for a in c.authorities:
        text = []
        if a.primary_url:
            text.append(link(a.primary_url, "primary text")
                        + ("" if a.primary_confirmed else " (not confirmed)"))
        text.append(link(a.source_url, "source checked"))
        table.append([f"{a.title}, {a.citation}", a.body, authority_date(a),
                      Paragraph("<br/>".join(text), st.cell)])
    out.append(_table(table, [200, 105, 120, 100], st))
    return out


def _annex(c: ReportContent, heatmap_png: Path | None) -> list[Flowable]:
    st = styles(8.5)
    out: list[Flowable] = [
        PageBreak(),
        Paragraph("Annex", st.title),
        Spacer(1, 4),
        Paragraph("A. Risk matrix", st.h1),
    ]
    if heatmap_png is not None and heatmap_png.exists():
        image = Image(str(heatmap_png))
        scale = min(520 / image.imageWidth, 470 / image.imageHeight)
        image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
        out.append(image)
    out.append(
        Paragraph(
            "Per cell: items, bytes and share at each exposure level (tables below). report.html "
            "lists the items of each cell.",
            st.small,
        )
    )
    out += _markets(c, st) + _analyses(c, st) + _duties(c, st) + _categories(c, st)
    out += _ranking_and_policy(c, st)
    out += _signals_and_authorities(c, st)
    out.append(Paragraph("I. Method and limits", st.h1))
    for title, text in c.method:
        out.append(Paragraph(f"<b>{safe(title)}.</b> {safe(text)}", st.body))
    out.append(
        Paragraph(
            safe(f"{c.disclaimer} Law applied as of {c.as_of}; knowledge base as of {c.kb_as_of}."
                 + (f" {c.kb_warning}" if c.kb_warning else "")),
            st.banner,
        )
    )
    return out


def write_report_pdf(c: ReportContent, path: Path, heatmap_png: Path | None = None) -> None:
    """Write report.pdf: page 1 is the one-page assessment, then the full annex."""
    doc = _doc(path, c, f"{c.title}: full report")
    footer = _footer(c)
    story = [assessment_page(c, *_frame_size(doc)), *_annex(c, heatmap_png)]
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
