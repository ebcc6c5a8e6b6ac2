# SPDX-License-Identifier: Apache-2.0
"""Why a scan's items sit where they do, per market: grounds and rules, counted over items.

``ground_table`` judges each class of fact combinations once per market (as ``assess_table``
does) and counts, over the items, the level each ground reached (copyright, database,
contract, personal data, publicity, provenance, regulatory) and the rules that fired for the
items at high or critical exposure. The report turns these counts into its per-market
paragraphs and its "before training" bottom line.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from clearance.law.combos import Combos
from clearance.law.engine import _as_of, _default_context, assess_normalized
from clearance.law.table import _to_frame, _whens

__all__ = ["MarketGrounds", "ground_table"]

_HIGH = frozenset({"high", "critical"})
_LOST = frozenset({"lost"})
_NOT_AVAILABLE = frozenset({"arguable", "contested", "unknown", "lost"})


@dataclass(slots=True)
class MarketGrounds:
    """Counts for one market: items per exposure; per (ground, level); per rule at high+."""

    market: str
    exposure: Counter[str] = field(default_factory=Counter)
    grounds: dict[str, Counter[str]] = field(default_factory=dict)
    rules_high: Counter[str] = field(default_factory=Counter)
    rules_medium: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-ready counts."""
        return {
            "market": self.market,
            "exposure": dict(self.exposure),
            "grounds": {g: dict(c) for g, c in self.grounds.items()},
            "rules_high": dict(self.rules_high.most_common()),
            "rules_medium": dict(self.rules_medium.most_common()),
        }


def ground_table(
    facts: pa.Table | Any,
    markets: Iterable[str],
    as_of: dt.date | str | None = None,
    *,
    weights: Sequence[int] | np.ndarray | None = None,
) -> list[MarketGrounds]:
    """Return per market the ground levels and deciding rules, counted over the rows.

    ``facts`` is the law input (``clearance.engine.facts.law_input``); ``weights`` counts
    each row as that many items (for tables of distinct combinations).
    """
    ctx = _default_context()
    on = _as_of(as_of)
    frame = _to_frame(facts)
    combos = Combos(frame, _whens())
    n = len(combos.row_combo)
    w = np.ones(n, dtype=np.int64) if weights is None else np.asarray(weights, dtype=np.int64)
    bases = ctx.rules.bases
    out: list[MarketGrounds] = []
    for market in markets:
        whens = [r.when for r in ctx.rules.for_market(market, ctx.layers)]
        verdicts, per_row = combos.judge(
            whens, functools.partial(assess_normalized, market=market, on=on, ctx=ctx)
        )
        counts = np.bincount(per_row, weights=w, minlength=len(verdicts)).astype(np.int64)
        row = MarketGrounds(market)
        for verdict, k in zip(verdicts, counts.tolist(), strict=True):
            if not k:
                continue
            row.exposure[verdict.exposure] += k
            for ground, level in verdict.grounds:
                row.grounds.setdefault(ground, Counter())[level] += k
            if verdict.exposure in _HIGH:
                target, levels, weak = row.rules_high, _HIGH, _LOST
            elif verdict.exposure == "medium":
                target, levels, weak = row.rules_medium, frozenset({"medium"}), _NOT_AVAILABLE
            else:
                continue
            deciding = {g for g, level in verdict.grounds if level in levels}
            for step in verdict.steps:
                floor = step.ground in deciding and step.exposure in levels
                lowers = any(bases[b].ground in deciding and status in weak
                             for b, status in step.bases if b in bases)
                if floor or lowers:
                    target[step.rule_id] += k
        out.append(row)
    return out
