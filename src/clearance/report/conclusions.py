# SPDX-License-Identifier: Apache-2.0
"""Argued conclusions: per market, what the law is, why the level follows, what must happen.

The law paragraph comes from ``data/report/markets.yaml`` (each statement resting on cited
knowledge-base entries); "why" and "before training" come from the scan's own counts of the
grounds and rules that drove items to high or medium exposure (``clearance.law.grounds``,
computed by the engine), with the actions of ``data/report/actions.yaml``. The closeness of
the top three and the rightholders to approach are computed here too.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clearance.errors import KnowledgeBaseError
from clearance.law.kb import KnowledgeBase
from clearance.law.rules import default_rules
from clearance.models import CitedAuthority, Vulnerability
from clearance.report.aggregate import ReportAggregate
from clearance.report.annex import rule_title
from clearance.report.formatting import count, percent
from clearance.report.vulnerabilities import cite
from clearance.yamlio import load_yaml

__all__ = [
    "MarketConclusion",
    "closeness",
    "market_conclusions",
    "rightholders",
    "report_texts",
]

class _Market(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=2)
    law: str = Field(min_length=20, max_length=1200)
    citations: tuple[str, ...] = Field(min_length=1)


class _Markets(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    markets: dict[str, _Market]


class _Actions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    grounds: dict[str, str]
    rules: dict[str, str | None]


@dataclass(frozen=True, slots=True)
class ReportTexts:
    """The shipped market paragraphs and actions."""

    markets: dict[str, _Market]
    actions: _Actions


def _load(name: str, model: type[BaseModel]) -> Any:
    path = resources.files("clearance").joinpath(f"data/report/{name}")
    try:
        return model.model_validate(load_yaml(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError) as exc:
        raise KnowledgeBaseError(f"data/report/{name}: {exc}".replace("\n", " ")) from exc


@functools.cache
def report_texts() -> ReportTexts:
    """Return the shipped market paragraphs and actions (validated; cached)."""
    return ReportTexts(_load("markets.yaml", _Markets).markets, _load("actions.yaml", _Actions))


@dataclass(frozen=True, slots=True)
class MarketConclusion:
    """One market's argued conclusion."""

    market: str
    name: str
    law: str
    citations: tuple[CitedAuthority, ...]
    why: str
    before_training: tuple[str, ...]


def _ground_of(rule_id: str) -> str:
    rules = default_rules()
    rule = rules.rules.get(rule_id)
    if rule is None:
        return "copyright"
    if rule.effect.ground:
        return str(rule.effect.ground)
    for basis in rule.effect.bases:
        if basis in rules.bases:
            return str(rules.bases[basis].ground)
    return "copyright"


def _actions(rules: Mapping[str, int], name: str, limit: int) -> list[tuple[str, int]]:
    texts = report_texts().actions
    found: dict[str, int] = {}
    for rid, n in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0])):
        if rid in texts.rules:
            template = texts.rules[rid]
        else:
            template = texts.grounds.get(_ground_of(rid))
        if not template:
            continue
        text = template.replace("{market}", name)
        found.setdefault(text, n)
        if len(found) >= limit:
            break
    return list(found.items())


def _rule_list(rules: Mapping[str, int], limit: int = 3) -> str:
    top = sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return "; ".join(f"{rule_title(r)} ({count(n)})" for r, n in top)


def market_conclusions(
    exposure_rows: Sequence[Mapping[str, Any]],
    grounds: Sequence[Mapping[str, Any]],
    kb: KnowledgeBase,
) -> list[MarketConclusion]:
    """Return one conclusion per market row of the report (same order)."""
    texts = report_texts()
    by_market = {str(g["market"]): g for g in grounds}
    out: list[MarketConclusion] = []
    for row in exposure_rows:
        market = str(row["market"])
        text = texts.markets.get(market)
        name = text.name if text else market.upper()
        shares = row["shares"]
        high = shares["high"] + shares["critical"]
        g = by_market.get(market, {})
        high_rules = g.get("rules_high") or {}
        medium_rules = g.get("rules_medium") or {}
        parts = [f"In this scan {percent(high)} of the {count(row['items'])} items are at high "
                 "or critical exposure"]
        if high and high_rules:
            parts[-1] += f", driven by: {_rule_list(high_rules)}"
        medium = shares["medium"]
        if medium:
            line = (f"{percent(medium)} are medium (their best basis is arguable, contested or "
                    "unknown)")
            if medium_rules:
                line += f", driven by: {_rule_list(medium_rules)}"
            parts.append(line)
        parts.append(f"{percent(shares['low'])} are low")
        why = "; ".join(parts) + "."
        steps = [f"{t.replace('{n}', count(n))}" for t, n in
                 _actions(high_rules, name, 3)]
        if len(steps) < 3:
            steps += [t.replace("{n}", count(n)) for t, n in
                      _actions(medium_rules, name, 3 - len(steps)) if t.replace(
                          "{n}", count(n)) not in steps]
        if not steps:
            steps = ["no item is above low: keep the evidence, and re-check opt-outs before "
                     "each new crawl"]
        cited = tuple(cite(kb.get(c)) for c in (text.citations if text else ()) if c in kb)
        out.append(MarketConclusion(market, name, text.law if text else "", cited, why,
                                    tuple(steps)))
    return out


def closeness(top: Sequence[Vulnerability]) -> str | None:
    """Return a note when the top sources' scores are too close for their order to matter."""
    if len(top) < 2 or not top[0].score:
        return None
    lead = top[0].score
    close = [v for v in top[1:] if (lead - v.score) / lead <= 0.10]
    if not close:
        return None
    last = close[-1]
    gap = (lead - last.score) / lead
    names = " and ".join([f"#{v.rank}" for v in (top[0], *close)])
    return (f"{names} are within {percent(gap) if gap >= 0.005 else 'less than 1%'} of each "
            "other's score: their order is not meaningful, treat them as one group.")


def rightholders(
    items: pl.DataFrame | ReportAggregate, category: str, *, limit: int = 5
) -> list[tuple[str, int]]:
    """Return the registrable domains with most items at high or critical exposure in a category.

    These are the rightholders (or their platforms) to approach for a licence first.
    ``items`` is a report aggregate (its ``holders`` counts) or a per-item frame.
    """
    if isinstance(items, ReportAggregate):
        holders = items.holders
        if not holders.width:
            return []
    else:
        if "registrable_domain" not in items.columns:
            return []
        holders = items.select("category", (pl.col("worst").fill_null(-1) >= 2).alias("high"),
                               pl.col("registrable_domain").cast(pl.String),
                               pl.lit(1, pl.Int64).alias("n"))
    part = holders.filter((pl.col("category") == category) & pl.col("high"))
    if part.is_empty():
        part = holders.filter(pl.col("category") == category)
    top = (part.group_by(pl.col("registrable_domain").cast(pl.String))
           .agg(pl.col("n").sum().alias("len"))
           .drop_nulls("registrable_domain")
           .sort(["len", "registrable_domain"], descending=[True, False]).head(limit))
    return [(str(d), int(n)) for d, n in top.iter_rows()]
