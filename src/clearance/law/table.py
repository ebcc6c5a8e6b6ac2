# SPDX-License-Identifier: Apache-2.0
"""Columnar assessment for scans: one row per input row x market, judged once per combination.

The fact columns are reduced to what the rules can tell apart (dates become the interval
between the dates the rules compare with), the distinct combinations are found with one
Polars join, each combination is judged once per market (memoised on the facts that market's
rules read), and the verdicts are joined back as dictionary-encoded Arrow columns that share
one index buffer: 10M items x 16 markets costs a few hundred megabytes, not 160M objects.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa

from clearance.errors import FactsError
from clearance.law.analyses.framework import ANALYSES, _shipped, run_analysis
from clearance.law.conditions import date_thresholds
from clearance.law.engine import _as_of, _default_context, assess_normalized, prepare
from clearance.law.facts import BOOL_FACTS, DATE_FACTS, FACT_KEYS, UNKNOWN
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


def _date_bucket(col: pl.Expr, dtype: pl.DataType, cuts: tuple[dt.date, ...]) -> pl.Expr:
    """Return an expression mapping a date column to the first cut it is not before, as ISO."""
    if dtype == pl.String:
        col = col.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    elif dtype != pl.Date:
        col = col.cast(pl.Date, strict=False)
    if not cuts:
        return pl.when(col.is_null()).then(pl.lit(UNKNOWN)).otherwise(pl.lit("known"))
    # Representative of each interval: the day before the first cut, then each cut.
    reps = [(cuts[0] - dt.timedelta(days=1)).isoformat()] + [c.isoformat() for c in cuts]
    expr: Any = pl.when(col.is_null()).then(pl.lit(UNKNOWN))
    for cut, rep in zip(cuts, reps, strict=False):
        expr = expr.when(col < pl.lit(cut)).then(pl.lit(rep))
    result: pl.Expr = expr.otherwise(pl.lit(reps[-1]))
    return result


def _key_columns(frame: pl.DataFrame, cuts: dict[str, tuple[dt.date, ...]]) -> pl.DataFrame:
    """Return the fact columns as non-null strings: booleans true/false, dates bucketed."""
    exprs = []
    for key in FACT_KEYS:
        if key not in frame.columns:
            continue
        col, dtype = pl.col(key), frame.schema[key]
        if key in DATE_FACTS:
            expr = _date_bucket(col, dtype, cuts[key])
        elif key in BOOL_FACTS and dtype == pl.Boolean:
            expr = pl.when(col).then(pl.lit("true")).otherwise(pl.lit("false"))
            expr = pl.when(col.is_null()).then(pl.lit(UNKNOWN)).otherwise(expr)
        else:
            expr = col.cast(pl.String).fill_null(UNKNOWN)
        exprs.append(expr.alias(key))
    return frame.select(exprs) if exprs else pl.DataFrame({"_": [0] * frame.height})


def _combo_facts(row: dict[str, Any]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for key, value in row.items():
        if key == "_" or value == UNKNOWN:
            continue
        if key in DATE_FACTS:
            facts[key] = None if value == "known" else value
        else:
            facts[key] = value
    return facts


def _distinct(frame: pl.DataFrame) -> tuple[list[dict[str, Any]], np.ndarray]:
    """Return the prepared facts of each distinct combination and each row's combination index."""
    ctx = _default_context()
    whens = [r.when for r in ctx.rules.rules.values()]
    whens += [c.when for name in ANALYSES for c in _shipped(name).considerations]
    cuts = {k: date_thresholds(whens, k) for k in DATE_FACTS}
    keys = _key_columns(frame, cuts)
    cols = keys.columns
    combos = keys.unique(maintain_order=True).with_row_index("_combo")
    codes = keys.join(combos, on=cols, how="left", maintain_order="left")["_combo"]
    logger.info("law table: %d rows, %d distinct fact combinations", len(keys), len(combos))
    prepared: list[dict[str, Any]] = []
    for row in combos.drop("_combo").iter_rows(named=True):
        try:
            prepared.append(prepare(_combo_facts(row)))
        except FactsError as exc:
            raise FactsError(f"facts table: {exc.message}") from exc
    return prepared, codes.cast(pl.Int32).to_numpy()


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
    prepared, codes = _distinct(_to_frame(facts))
    results = [run_analysis(analysis, p, market, on) for p in prepared]
    index = pa.array(codes, type=pa.int32())
    columns = {
        "row": pa.array(np.arange(len(codes), dtype=np.int64)),
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
    prepared, codes = _distinct(_to_frame(facts))
    frame = _to_frame(facts)
    index = pa.array(codes, type=pa.int32())
    rows = pa.array(np.arange(len(codes), dtype=np.int64))
    zeros = pa.array(np.zeros(len(codes), dtype=np.int8))
    item_ids = frame["item_id"].to_arrow() if "item_id" in frame.columns else None
    chunks: dict[str, list[pa.Array]] = {c: [] for c in OUTPUT_COLUMNS}
    if item_ids is not None:
        chunks["item_id"] = []
    for market in market_list:
        rules = ctx.rules.for_market(market, ctx.layers)
        read = sorted({k for r in rules for k in r.when} | {"license_permission"})
        memo: dict[tuple[Any, ...], int] = {}
        verdicts: list[tuple[str, bool, str, str, str]] = []
        per_combo = np.empty(len(prepared), dtype=np.int32)
        for i, norm in enumerate(prepared):
            key = tuple(norm[k] for k in read)
            slot = memo.get(key)
            if slot is None:
                a = assess_normalized(norm, market, on, ctx)
                slot = memo[key] = len(verdicts)
                verdicts.append(
                    (
                        a.exposure,
                        a.provisional,
                        "; ".join(a.bases),
                        ",".join(a.reasons),
                        ",".join(a.citations),
                    )
                )
            per_combo[i] = slot
        take = pa.array(per_combo, type=pa.int32()).take(index)
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
    meta = {"as_of": on.isoformat(), "kb_as_of": ctx.kb_as_of or "", "disclaimer": DISCLAIMER}
    names = (["item_id"] if item_ids is not None else []) + list(OUTPUT_COLUMNS)
    if not market_list:
        return pa.table({n: pa.array([], type=pa.string()) for n in names}).replace_schema_metadata(
            meta
        )
    table = pa.Table.from_arrays([pa.chunked_array(chunks[n]) for n in names], names=names)
    return table.replace_schema_metadata(meta)
