# SPDX-License-Identifier: Apache-2.0
"""Recommendations and next steps, chosen from ``data/report/recommendations.yaml``.

A recommendation applies when every condition of its ``when`` holds for the vulnerability:
its category is listed, a driver's share of the category's items is above ``min_share``, the
worst exposure reaches ``min_exposure``. Candidates are taken by priority; a vulnerability
gets at most ``limit`` with distinct actions, and the always-applicable fallback guarantees
at least one. Next steps use the same conditions over the whole dataset.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from clearance.models import RecommendedAction
from clearance.report.knowledge import EXPOSURE_LEVELS, Recommendation, ReportKnowledge

__all__ = ["Situation", "applies", "next_steps", "recommend"]

_ONE_ITEM = re.compile(r"(?<![\d,.])1 items\b")


@dataclass(frozen=True, slots=True)
class Situation:
    """What a condition is checked against: one category, or the dataset (category None)."""

    items: int
    drivers: Mapping[str, int]
    category: str | None = None
    label: str = "all"
    worst: str | None = None
    markets: Sequence[str] = field(default_factory=tuple)

    def share(self, driver: str) -> float:
        """Return the share (0..1) of the situation's items the driver applies to."""
        return self.drivers.get(driver, 0) / self.items if self.items else 0.0


def applies(rec: Recommendation, situation: Situation) -> bool:
    """Return True when every condition of ``rec.when`` holds for ``situation``."""
    when = rec.when
    if when.categories is not None and situation.category not in when.categories:
        return False
    if when.driver is not None:
        if (
            situation.drivers.get(when.driver, 0) <= 0
            or situation.share(when.driver) <= when.min_share
        ):
            return False
    if when.min_exposure is not None:
        if situation.worst is None:
            return False
        if EXPOSURE_LEVELS.index(situation.worst) < EXPOSURE_LEVELS.index(when.min_exposure):
            return False
    return True


def _percent(share: float) -> str:
    if 0 < share < 0.01:
        return "<1%"
    return f"{share * 100:.0f}%"


def _fill(rec: Recommendation, situation: Situation) -> str:
    driver = rec.when.driver
    values = {
        "label": situation.label,
        "items": f"{situation.items:,}",
        "markets": ", ".join(m.upper() for m in situation.markets) or "the markets assessed",
        "driver_items": f"{situation.drivers.get(driver, 0):,}" if driver else "",
        "driver_share": _percent(situation.share(driver)) if driver else "",
    }
    text = " ".join(rec.text.format_map(values).split())
    return _ONE_ITEM.sub("1 item", text)


def recommend(
    knowledge: ReportKnowledge, situation: Situation, limit: int = 2
) -> tuple[RecommendedAction, ...]:
    """Return up to ``limit`` recommendations with distinct actions, highest priority first."""
    chosen: list[RecommendedAction] = []
    for rec in knowledge.recommendations:
        if len(chosen) >= limit:
            break
        if rec.action is None or any(c.action == rec.action for c in chosen):
            continue
        if applies(rec, situation):
            label = knowledge.actions.get(rec.action, rec.action)
            chosen.append(RecommendedAction(rec.action, label, _fill(rec, situation), rec.id))
    return tuple(chosen)


def next_steps(
    knowledge: ReportKnowledge, dataset: Situation, limit: int = 5
) -> tuple[RecommendedAction, ...]:
    """Return up to ``limit`` next steps for the whole dataset, highest priority first."""
    steps = [
        RecommendedAction("", "Next step", _fill(rec, dataset), rec.id)
        for rec in knowledge.next_steps
        if applies(rec, dataset)
    ]
    return tuple(steps[:limit])
