# SPDX-License-Identifier: Apache-2.0
"""Everything a report says, computed once; the md, html, pdf and json renderers only format it.

``build_report(facts, assessment, signals, config)`` prepares the tables, the risk matrix,
the drivers, the ranked vulnerabilities with their authorities and recommendations, the next
steps and the annex. The ``config`` mapping is the scan's configuration; the keys read are
``markets``, ``purpose``, ``org_type``, ``policy``, ``policy_digest``, ``as_of``, ``manifest``,
``title``, ``snapshot``, ``live``, ``tool_version`` and the ingest counts ``rows_read``,
``rows_accepted``, ``rows_rejected`` (top level or under ``ingest``); all are optional.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl
import pyarrow as pa

from clearance.enrich.categories import category_ids
from clearance.errors import ReportError
from clearance.law.kb import KnowledgeBase, default_knowledge_base
from clearance.law.review import staleness
from clearance.models import DISCLAIMER, CitedAuthority, RecommendedAction, Vulnerability
from clearance.report.aggregate import ReportAggregate, as_aggregate
from clearance.report.annex import market_rows, rights_notes, signal_rows, tier_rows
from clearance.report.conclusions import (
    MarketConclusion,
    closeness,
    market_conclusions,
    rightholders,
)
from clearance.report.drivers import DATASET, driver_counts
from clearance.report.knowledge import ReportKnowledge, default_report_knowledge
from clearance.report.matrix import cell_items, matrix_frame
from clearance.report.recommendations import next_steps
from clearance.report.tables import prepare_tables
from clearance.report.trust import TrustBox, trust_box
from clearance.report.vulnerabilities import cite, rank_sources, situation_of

__all__ = ["DRILL_LIMIT", "ReportContent", "build_report"]

#: Items listed per matrix cell in the HTML drill-down (the cell states the full count).
DRILL_LIMIT = 20


@dataclass(frozen=True, slots=True)
class ReportContent:
    """The report, computed: numbers, ranked vulnerabilities, steps, annex rows."""

    title: str
    meta: dict[str, str]
    disclaimer: str
    as_of: str
    kb_as_of: str
    overview: dict[str, Any]
    markets: tuple[str, ...]
    exposure_by_market: list[dict[str, Any]]
    matrix: pl.DataFrame
    vulnerabilities: tuple[Vulnerability, ...]
    top: tuple[Vulnerability, ...]
    next_steps: tuple[RecommendedAction, ...]
    tiers: dict[str, Any]
    categories: list[dict[str, Any]]
    authorities: list[CitedAuthority]
    signals: list[dict[str, Any]]
    method: list[tuple[str, str]]
    drill: pl.DataFrame
    drill_limit: int
    trust: TrustBox
    kb_warning: str | None
    config: dict[str, Any]
    conclusions: tuple[MarketConclusion, ...]
    closeness: str | None
    rightholders: dict[str, list[tuple[str, int]]]
    analyses: list[dict[str, Any]]
    duties: list[dict[str, Any]]


def _ingest(config: Mapping[str, Any], key: str) -> int | None:
    nested = config.get("ingest")
    value = config.get(key, nested.get(key) if isinstance(nested, Mapping) else None)
    return int(value) if isinstance(value, int | float | str) and str(value).isdigit() else None


def _meta_value(agg: ReportAggregate, key: str) -> str | None:
    return agg.meta.get(key) or None


def _markets(config: Mapping[str, Any]) -> list[str]:
    raw = config.get("markets") or []
    if isinstance(raw, str):
        raw = raw.split(",")
    return [str(m).strip().lower() for m in raw if str(m).strip()]


def _overview(
    agg: ReportAggregate, drivers: pl.DataFrame, config: Mapping[str, Any]
) -> dict[str, Any]:
    items = agg.items
    total = drivers.filter(pl.col("category") == DATASET).row(0, named=True)
    per = drivers.filter(pl.col("category") != DATASET).sort("items", descending=True)
    sized = int(items["sized"].sum()) if items.width and items.height else 0
    modalities: list[tuple[str, int]] = []
    if "modality" in items.columns:
        mods = items.group_by(pl.col("modality").cast(pl.String).fill_null("unknown")).agg(
            pl.col("n").sum().alias("len"))
        modalities = [(str(m), int(n)) for m, n in mods.sort("len", descending=True).rows()]
    return {
        "items": int(total["items"]),
        "bytes": int(total["bytes"]),
        "sized_items": sized,
        "categories": per.height,
        "by_category": [
            {"category": r["category"], "items": r["items"], "bytes": r["bytes"]}
            for r in per.select("category", "items", "bytes").to_dicts()
        ],
        "datasets": list(agg.datasets),
        "modalities": modalities,
        "rows_read": _ingest(config, "rows_read"),
        "rows_accepted": _ingest(config, "rows_accepted") or int(total["items"]),
        "rows_rejected": _ingest(config, "rows_rejected"),
        "provisional_items": int(total["provisional"]),
        "high_items": int(total["high_exposure"]),
        "unknown_exposure_rows": agg.unknown_exposure_rows,
    }


def _category_rows(
    content_matrix: pl.DataFrame, drivers: pl.DataFrame, ranked: tuple[Vulnerability, ...]
) -> list[dict[str, Any]]:
    notes = rights_notes()
    by_rank = {v.category: v for v in ranked}
    rows = []
    for r in drivers.filter(pl.col("category") != DATASET).to_dicts():
        cells = content_matrix.filter(pl.col("category") == r["category"])
        v = by_rank.get(r["category"])
        rows.append(
            {
                "category": r["category"],
                "label": cells["category_label"][0] if cells.height else r["category"],
                "rights_notes": notes.get(r["category"], ""),
                "items": r["items"],
                "bytes": r["bytes"],
                "rank": v.rank if v else None,
                "score": v.score if v else 0.0,
                "drivers": v.drivers if v else (),
                "worst": dict(
                    zip(cells["market"].to_list(), cells["worst"].to_list(), strict=True)
                ),
            }
        )
    return rows


def _authorities(
    ranked: tuple[Vulnerability, ...], markets: list[dict[str, Any]], kb: KnowledgeBase
) -> list[CitedAuthority]:
    found: dict[str, CitedAuthority] = {}
    for v in ranked:
        for a in (*v.authorities, *v.rules_cited):
            found.setdefault(a.id, a)
    for row in markets:
        for kb_id, _ in row["citations"]:
            if kb_id in kb and kb_id not in found:
                found[kb_id] = cite(kb.get(kb_id))
    return sorted(found.values(), key=lambda a: (a.market, a.date, a.id))


def _category_sources(config: Mapping[str, Any]) -> str:
    """Return how categories were decided: the overrides file, home pages read as evidence."""
    sources = config.get("category_sources")
    if not isinstance(sources, Mapping):
        return f"overrides {config['categories']}" if config.get("categories") else ""
    parts = []
    if sources.get("overrides"):
        parts.append(f"your overrides {sources['overrides']} "
                     f"({sources.get('override_entries', 0)} entries, win over every rule)")
    pages = int(sources.get("home_pages_read") or 0)
    parts.append(f"knowledge base and suffix rules; page evidence from {pages:,} home page"
                 f"{'' if pages == 1 else 's'} in the evidence; no evidence = unknown")
    return "; ".join(parts)


def build_report(
    facts: pa.Table | pl.DataFrame | ReportAggregate,
    assessment: pa.Table | pl.DataFrame | None,
    signals: pa.Table | pl.DataFrame | None = None,
    config: Mapping[str, Any] | None = None,
    *,
    kb: KnowledgeBase | None = None,
    knowledge: ReportKnowledge | None = None,
) -> ReportContent:
    """Return the report's content; raise ReportError when a required column is missing.

    ``facts`` and ``assessment`` are the scan's tables, or ``facts`` is the
    :class:`ReportAggregate` a streaming scan kept (``assessment`` None).
    """
    config = config or {}
    kb = kb or default_knowledge_base()
    knowledge = knowledge or default_report_knowledge()
    if isinstance(facts, ReportAggregate):
        tables = facts.fix_order(_markets(config))
    else:
        if assessment is None:
            raise ReportError("build_report: the assessment table is missing")
        tables = as_aggregate(prepare_tables(
            facts, assessment, markets=_markets(config), category_order=category_ids()))
    kb_as_of = str(config.get("kb_as_of") or _meta_value(tables, "kb_as_of") or kb.as_of)
    as_of_text = str(config.get("as_of") or _meta_value(tables, "as_of") or kb_as_of)
    as_of = dt.date.fromisoformat(as_of_text[:10])
    matrix = matrix_frame(tables)
    drivers = driver_counts(tables)
    ranked = rank_sources(matrix, drivers, tables, knowledge, kb, as_of, limit=3)
    total = drivers.filter(pl.col("category") == DATASET).row(0, named=True)
    steps = next_steps(knowledge, situation_of(total, "the dataset"))
    markets = market_rows(tables, matrix)
    policy = str(config.get("policy") or _meta_value(tables, "policy") or "")
    meta = {
        "Manifest": str(config.get("manifest") or ""),
        "Markets": ", ".join(m.upper() for m in tables.market_order),
        "Purpose": str(config.get("purpose") or _meta_value(tables, "purpose") or ""),
        "Organisation": str(config.get("org_type") or ""),
        "Sourcing policy": policy
        + (f" ({str(config.get('policy_digest'))[:12]})" if config.get("policy_digest") else ""),
        "Law applied as of": as_of.isoformat(),
        "Knowledge base as of": kb_as_of,
        "Source categories": _category_sources(config),
        "Tool version": str(config.get("tool_version") or ""),
    }
    kb_warning = staleness(kb, dt.date.today()).warning
    trust = trust_box(config, tables.market_order, kb_warning)
    presumed = "; ".join(f"{r.label.lower()}: {r.value}" for r in trust.rows
                         if r.basis.startswith(("presumed", "set by")))
    fmt = {"kb_as_of": kb_as_of, "as_of": as_of.isoformat(),
           "evidence": trust.method_evidence, "presumed": presumed or "nothing"}
    return ReportContent(
        title=str(config.get("title") or "Preliminary risk assessment"),
        meta={k: v for k, v in meta.items() if v},
        disclaimer=DISCLAIMER,
        as_of=as_of.isoformat(),
        kb_as_of=kb_as_of,
        overview=_overview(tables, drivers, config),
        markets=tables.market_order,
        exposure_by_market=markets,
        matrix=matrix,
        vulnerabilities=ranked,
        top=ranked[:3],
        next_steps=steps,
        tiers=tier_rows(tables),
        categories=_category_rows(matrix, drivers, ranked),
        authorities=_authorities(ranked, markets, kb),
        signals=signal_rows(signals),
        method=[(s.title, " ".join(s.text.format_map(fmt).split())) for s in knowledge.method],
        drill=cell_items(tables, DRILL_LIMIT),
        drill_limit=DRILL_LIMIT,
        trust=trust,
        kb_warning=kb_warning,
        config=dict(config),
        conclusions=tuple(market_conclusions(markets, config.get("grounds") or [], kb)),
        closeness=closeness(ranked[:3]),
        rightholders={v.category: rightholders(tables, v.category) for v in ranked[:3]},
        analyses=list(config.get("analyses") or []),
        duties=_duties(meta.get("Purpose", ""), tables.market_order, as_of),
    )


def _duties(purpose: str, markets: tuple[str, ...], as_of: dt.date) -> list[dict[str, Any]]:
    """Return the output-duties checklist when the purpose is to train a generative model."""
    if purpose != "genai_training":
        return []
    from clearance.law.output_duties import output_duties
    from clearance.law.output_duties.duties import DUTY_MARKETS

    wanted = [m for m in markets if m in DUTY_MARKETS]
    return [item.to_dict() for item in output_duties(wanted, as_of)] if wanted else []
