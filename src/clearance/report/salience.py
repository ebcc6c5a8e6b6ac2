# SPDX-License-Identifier: Apache-2.0
"""Litigation salience of a source category in a market, from the law knowledge base.

``salience(c, m) = 1 + sum(importance x status_weight x recency x verified)`` over the cases
and settlements ``data/report/salience.yaml`` links to category ``c`` whose market is ``m``
(member-state entries count for the EU and EU entries for member states). Recency halves every
``half_life_years`` from the entry's date to the scan's as-of date, floored at ``min_recency``;
entries marked ``verified: false`` count ``unverified_factor``. Only a few hundred cells exist,
so this runs per cell, not per item.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from clearance.law.kb import LAYERS, KnowledgeBase, LawEntry
from clearance.report.knowledge import ReportKnowledge, SalienceLink

__all__ = ["Salience", "WeightedAuthority", "applies_in", "salience_for"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WeightedAuthority:
    """One linked authority and the weight it adds to a cell's salience."""

    entry: LawEntry
    link: SalienceLink
    weight: float


@dataclass(frozen=True, slots=True)
class Salience:
    """The salience of one (category, market) cell and the authorities behind it, heaviest first."""

    category: str
    market: str
    score: float
    authorities: tuple[WeightedAuthority, ...]


def applies_in(entry_market: str, market: str) -> bool:
    """Return True when an authority of ``entry_market`` bears on ``market`` (EU layering)."""
    return (
        entry_market == market
        or LAYERS.get(entry_market) == market
        or LAYERS.get(market) == entry_market
    )


def _recency(on: dt.date, as_of: dt.date, half_life: float, floor: float) -> float:
    years = max(0.0, (as_of - on).days / 365.25)
    return max(floor, float(0.5 ** (years / half_life)))


def salience_for(
    knowledge: ReportKnowledge,
    kb: KnowledgeBase,
    categories: Iterable[str],
    markets: Iterable[str],
    as_of: dt.date,
) -> dict[tuple[str, str], Salience]:
    """Return the salience of every (category, market) pair; unlisted pairs score 1.0.

    A linked id missing from the knowledge base is skipped with a warning (the shipped set is
    checked by a test), so a user's trimmed knowledge base still renders.
    """
    table = knowledge.salience
    market_list = list(markets)
    out: dict[tuple[str, str], Salience] = {}
    for category in categories:
        resolved: list[tuple[LawEntry, SalienceLink]] = []
        for link in table.categories.get(category, ()):
            if link.id not in kb:
                logger.warning(
                    "salience: %s names %s, not in the knowledge base", category, link.id
                )
                continue
            resolved.append((kb.get(link.id), link))
        for market in market_list:
            weighted = []
            for entry, link in resolved:
                if not applies_in(entry.market, market) or entry.date > as_of:
                    continue
                weight = (
                    link.importance
                    * table.status_weights.get(entry.status, 0.0)
                    * _recency(entry.date, as_of, table.half_life_years, table.min_recency)
                    * (1.0 if entry.verified else table.unverified_factor)
                )
                if weight > 0:
                    weighted.append(WeightedAuthority(entry=entry, link=link, weight=weight))
            weighted.sort(key=lambda w: (-w.weight, w.entry.id))
            score = 1.0 + sum(w.weight for w in weighted)
            out[(category, market)] = Salience(category, market, round(score, 4), tuple(weighted))
    return out
