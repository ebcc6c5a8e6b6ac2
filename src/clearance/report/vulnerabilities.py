# SPDX-License-Identifier: Apache-2.0
"""Rank the sources of legal vulnerability: exposure weight x volume x litigation salience.

A source is a source category. Its score is the sum over markets of

    score(c, m) = (1 x medium items + 3 x high items + 9 x critical items) x salience(c, m)

where the bracket is the matrix cell's ``exposure_weight`` (volume and exposure at once) and
``salience`` comes from ``report/salience.py``. Ties break by items, then category id. Each
ranked source carries its drivers, the authorities that make it salient (and, failing those,
the ones its rules cited), and its recommendations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import polars as pl
import pyarrow as pa

from clearance.enrich.categories import category_ids
from clearance.law.kb import KnowledgeBase, LawEntry, default_knowledge_base
from clearance.models import CitedAuthority, MarketExposure, Vulnerability
from clearance.report.aggregate import ReportAggregate, as_aggregate
from clearance.report.drivers import DATASET, driver_counts
from clearance.report.knowledge import DRIVERS, ReportKnowledge, default_report_knowledge
from clearance.report.matrix import matrix_frame
from clearance.report.recommendations import Situation, recommend
from clearance.report.salience import Salience, salience_for
from clearance.report.tables import ScanTables, list_column, prepare_tables

__all__ = ["cite", "rank_sources", "rank_vulnerabilities", "situation_of"]

_SHOWN_AUTHORITIES = 4


_STATUS_TEXT = {
    "pending": "pending", "appealed": "decided, under appeal", "decided": "decided",
    "settled": "settled", "proposed": "proposed", "repealed": "repealed",
}  # fmt: skip


def date_label(entry: LawEntry) -> str:
    """Return the date that matters for an entry, labelled by what it is.

    Law in force: the date it applies from (else its adoption date, so labelled). A matter
    that is pending or under appeal: the date of its latest recorded step. Otherwise the
    decision, settlement or proposal date.
    """
    if entry.status == "in_force":
        if entry.effective_from is not None:
            return f"in force, applies from {entry.effective_from.isoformat()}"
        return f"in force; adopted {entry.date.isoformat()}"
    status = _STATUS_TEXT.get(entry.status, entry.status)
    if entry.steps:
        latest = max(entry.steps, key=lambda s: s.date)
        return f"{status}; latest step {latest.date.isoformat()}"
    if entry.status == "pending":
        return f"pending since {entry.date.isoformat()}"
    return f"{status} {entry.date.isoformat()}"


def cite(entry: LawEntry, why: str = "") -> CitedAuthority:
    """Return the report's citation of a knowledge-base entry."""
    return CitedAuthority(
        id=entry.id,
        title=entry.title,
        citation=entry.citation,
        body=entry.body,
        date=entry.date.isoformat(),
        status=entry.status,
        market=entry.market,
        verified=entry.verified,
        source_url=entry.source_url,
        why=why,
        date_label=date_label(entry),
        primary_url=entry.primary_url,
        primary_confirmed=bool(entry.primary_confirmed),
    )


def situation_of(row: Mapping[str, object], label: str, worst: str | None = None) -> Situation:
    """Return the Situation a recommendation is matched against, from a driver-counts row."""
    category = str(row["category"])
    drivers = {d: int(row.get(d) or 0) for d in DRIVERS}  # type: ignore[call-overload]
    return Situation(
        items=int(row["items"]),  # type: ignore[call-overload]
        drivers=drivers,
        category=None if category == DATASET else category,
        label=label,
        worst=worst,
    )


def _rules_cited(tables: ReportAggregate, category: str, kb: KnowledgeBase, n: int = 3
                 ) -> list[str]:  # fmt: skip
    """Return the ids the rules cited most for the category's worst rows (high+, else medium)."""
    cites = tables.citations
    if "citations" not in tables.assessment_columns or not cites.width:
        return []
    mine = cites.filter(pl.col("category") == category)
    sub = mine.filter(pl.col("level").is_between(2, 3))
    if sub.is_empty():
        sub = mine.filter(pl.col("level") == 1)
    if sub.is_empty():
        return []
    sub = sub.group_by("citations").agg(pl.col("n").sum().alias("len"))
    counted = (
        sub.select(list_column(sub, "citations"), "len")
        .explode("citations")
        .drop_nulls()
        .group_by("citations")
        .agg(pl.col("len").sum())
        .sort(["len", "citations"], descending=[True, False])
    )
    return [c for c in counted["citations"].to_list() if c in kb][:n]


def _authorities(cells: list[Salience]) -> tuple[CitedAuthority, ...]:
    best: dict[str, tuple[float, CitedAuthority]] = {}
    for cell in cells:
        for w in cell.authorities:
            if w.entry.id not in best or w.weight > best[w.entry.id][0]:
                best[w.entry.id] = (w.weight, cite(w.entry, w.link.why))
    ranked = sorted(best.values(), key=lambda t: (-t[0], t[1].id))
    return tuple(a for _, a in ranked[:_SHOWN_AUTHORITIES])


def rank_sources(
    matrix: pl.DataFrame,
    drivers: pl.DataFrame,
    tables: ScanTables | ReportAggregate,
    knowledge: ReportKnowledge,
    kb: KnowledgeBase,
    as_of: dt.date,
    limit: int | None = 3,
) -> tuple[Vulnerability, ...]:
    """Return the categories with a score above zero, ranked; the first ``limit`` in full.

    Categories beyond ``limit`` are returned without authorities or recommendations (the
    annex lists their scores). ``matrix`` is ``matrix_frame``; ``drivers`` is ``driver_counts``.
    """
    agg = as_aggregate(tables)
    salience = salience_for(knowledge, kb, agg.category_order, agg.market_order, as_of)
    driver_rows = {str(r["category"]): r for r in drivers.iter_rows(named=True)}
    total_items = int(driver_rows[DATASET]["items"]) if DATASET in driver_rows else 0
    scored = []
    for category, cells in matrix.group_by("category", maintain_order=True):
        name = str(category[0])
        per_market = []
        for r in cells.iter_rows(named=True):
            sal = salience[(name, r["market"])]
            high = int(r["items_high"] + r["items_critical"])
            per_market.append(
                MarketExposure(
                    market=r["market"],
                    worst=r["worst"],
                    items=int(r["items"]),
                    items_high=high,
                    share_high=high / r["items"] if r["items"] else 0.0,
                    exposure_weight=int(r["exposure_weight"]),
                    salience=sal.score,
                    score=round(r["exposure_weight"] * sal.score, 4),
                    provisional_items=int(r["provisional_items"]),
                )
            )
        per_market.sort(key=lambda m: (-m.score, m.market))
        score = round(sum(m.score for m in per_market), 4)
        label = str(cells["category_label"][0])
        scored.append((score, name, label, per_market))
    scored = [s for s in scored if s[0] > 0]
    scored.sort(key=lambda s: (-s[0], -int(driver_rows[s[1]]["items"]), s[1]))
    out = []
    for rank, (score, name, label, per_market) in enumerate(scored, start=1):
        row = driver_rows[name]
        items = int(row["items"])
        worsts = [m.worst for m in per_market if m.worst is not None]
        worst = max(worsts, key=["low", "medium", "high", "critical"].index) if worsts else None
        full = limit is None or rank <= limit
        situation = situation_of(row, label, worst)
        present = sorted(
            (
                (d, knowledge.drivers[d], situation.drivers[d], situation.share(d))
                for d in DRIVERS
                if situation.drivers[d] > 0
            ),
            key=lambda t: (-t[2], DRIVERS.index(t[0])),
        )
        salient = [salience[(name, m.market)] for m in per_market if m.score > 0]
        cited = [cite(kb.get(i)) for i in _rules_cited(agg, name, kb)] if full else []
        out.append(
            Vulnerability(
                rank=rank,
                category=name,
                label=label,
                score=score,
                items=items,
                bytes=int(row["bytes"]),
                share=items / total_items if total_items else 0.0,
                worst=worst,
                markets=tuple(per_market),
                drivers=tuple(present),
                authorities=_authorities(salient) if full else (),
                rules_cited=tuple(cited),
                recommendations=recommend(knowledge, situation) if full else (),
                provisional_items=sum(m.provisional_items for m in per_market),
            )
        )
    return tuple(out)


def rank_vulnerabilities(
    facts: pa.Table | pl.DataFrame,
    assessment: pa.Table | pl.DataFrame,
    *,
    markets: Sequence[str] | None = None,
    as_of: dt.date | str | None = None,
    limit: int | None = 3,
    kb: KnowledgeBase | None = None,
) -> tuple[Vulnerability, ...]:
    """Return a scan's sources of legal vulnerability, ranked (the first ``limit`` in full).

    ``as_of`` (default: the knowledge base's as-of date) dates the recency of authorities.
    Raises ReportError when a required column is missing.
    """
    kb = kb or default_knowledge_base()
    on = dt.date.fromisoformat(str(as_of)[:10]) if as_of else kb.as_of
    tables = as_aggregate(prepare_tables(facts, assessment, markets=markets,
                                         category_order=category_ids()))
    return rank_sources(
        matrix_frame(tables),
        driver_counts(tables),
        tables,
        default_report_knowledge(),
        kb,
        on,
        limit=limit,
    )
