# SPDX-License-Identifier: Apache-2.0
"""Columnar assessment for scans: one row per input row x market, judged once per combination.

The distinct fact combinations are found once (``combos.py``); per market, the classes of
combinations its rules can tell apart are judged once each, and the verdicts are joined back
as dictionary-encoded Arrow columns: 10M items x 16 markets costs an int32 index per row and
market plus a few thousand strings, not 160M Python objects.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa

from clearance.errors import FactsError
from clearance.law.analyses.framework import ANALYSES, _shipped, run_analysis
from clearance.law.combos import Combos
from clearance.law.engine import _as_of, _default_context, verdict_row
from clearance.models import DISCLAIMER

__all__ = ["OUTPUT_COLUMNS", "analysis_table", "assess_table"]

logger = logging.getLogger(__name__)

OUTPUT_COLUMNS = ("row", "market", "exposure", "provisional", "bases", "reasons", "citations")


def _to_frame(facts: pa.Table | pl.DataFrame) -> pl.DataFrame:
    if isinstance(facts, pl.DataFrame):
        return facts
    if isinstance(facts, pa.Table):
        frame = pl.from_arrow(facts)
        assert isinstance(frame, pl.DataFrame)
        return frame
    raise FactsError(f"assess_table needs a pyarrow.Table or polars.DataFrame, got {type(facts)}")


def _whens() -> list[dict[str, Any]]:
    """Return every condition mapping of the shipped rules and analyses (for date buckets)."""
    whens = [r.when for r in _default_context().rules.rules.values()]
    return whens + [c.when for name in ANALYSES for c in _shipped(name).considerations]


def analysis_table(
    facts: pa.Table | pl.DataFrame,
    analysis: str,
    market: str | None = None,
    as_of: dt.date | str | None = None,
) -> pa.Table:
    """Return one row per input row: the analysis's leaning, strength, provisional flag and
    per-question leanings (``question=leaning;...``), computed once per distinct combination.
    """
    on = _as_of(as_of)
    combos = Combos(_to_frame(facts), _whens())
    whens = [c.when for c in _shipped(analysis).considerations] if analysis in ANALYSES else []
    results, per_row = combos.judge(whens, lambda f: run_analysis(analysis, f, market, on))
    index = pa.array(per_row, type=pa.int32())
    columns = {
        "row": pa.array(np.arange(len(per_row), dtype=np.int64)),
        "leaning": pa.DictionaryArray.from_arrays(
            index, pa.array([r.leaning for r in results], pa.string())
        ),
        "strength": pa.DictionaryArray.from_arrays(
            index, pa.array([r.strength for r in results], pa.string())
        ),
        "provisional": pa.array([r.provisional for r in results], type=pa.bool_()).take(index),
        "questions": pa.DictionaryArray.from_arrays(
            index,
            pa.array(
                [";".join(f"{q[0]}={q[2]}" for q in r.questions) for r in results], pa.string()
            ),
        ),
    }
    kb_as_of = results[0].kb_as_of if results else None
    meta = {"analysis": analysis, "as_of": on.isoformat(), "kb_as_of": kb_as_of or "",
            "disclaimer": DISCLAIMER}  # fmt: skip
    return pa.table(columns).replace_schema_metadata(meta)


def assess_table(
    facts: pa.Table | pl.DataFrame,
    markets: Iterable[str] | str,
    as_of: dt.date | str | None = None,
) -> pa.Table:
    """Return one row per input row x market: exposure, bases, reasons, citations, provisional.

    Each distinct combination of facts is judged once per market and joined back; ``row`` is
    the input row's position and ``item_id`` is passed through when present. Schema metadata
    carries ``as_of``, ``kb_as_of`` and the not-legal-advice statement. Raises FactsError for
    a value outside the vocabulary (naming column and value) or an unknown market.
    """
    ctx = _default_context()
    on = _as_of(as_of)
    market_list: Sequence[str] = [markets] if isinstance(markets, str) else list(markets)
    for market in market_list:
        if market not in ctx.markets:
            raise FactsError(f"unknown market {market!r}; markets: {', '.join(ctx.markets)}")
    frame = _to_frame(facts)
    combos = Combos(frame, _whens())
    n = len(combos.row_combo)
    rows = pa.array(np.arange(n, dtype=np.int64))
    zeros = pa.array(np.zeros(n, dtype=np.int8))
    item_ids = frame["item_id"].to_arrow() if "item_id" in frame.columns else None
    chunks: dict[str, list[pa.Array]] = {c: [] for c in OUTPUT_COLUMNS}
    if item_ids is not None:
        chunks["item_id"] = []

    for market in market_list:
        whens = [r.when for r in ctx.rules.for_market(market, ctx.layers)]
        verdicts, per_row = combos.judge(
            whens, functools.partial(verdict_row, market=market, on=on)
        )
        take = pa.array(per_row, type=pa.int32())
        chunks["row"].append(rows)
        chunks["market"].append(pa.DictionaryArray.from_arrays(zeros, pa.array([market])))
        for pos, name in ((0, "exposure"), (2, "bases"), (3, "reasons"), (4, "citations")):
            dictionary = pa.array([v[pos] for v in verdicts], type=pa.string())
            chunks[name].append(pa.DictionaryArray.from_arrays(take, dictionary))
        flags = pa.array([v[1] for v in verdicts], type=pa.bool_())
        chunks["provisional"].append(flags.take(take))
        if item_ids is not None:
            chunks["item_id"].extend(
                item_ids.chunks if isinstance(item_ids, pa.ChunkedArray) else [item_ids]
            )
    meta = {"as_of": on.isoformat(), "kb_as_of": ctx.kb_as_of or "", "disclaimer": DISCLAIMER,
            "combinations": str(len(combos))}  # fmt: skip
    names = (["item_id"] if item_ids is not None else []) + list(OUTPUT_COLUMNS)
    if not market_list:
        return pa.table({n: pa.array([], type=pa.string()) for n in names}).replace_schema_metadata(
            meta
        )
    table = pa.Table.from_arrays([pa.chunked_array(chunks[n]) for n in names], names=names)
    return table.replace_schema_metadata(meta)
