# SPDX-License-Identifier: Apache-2.0
"""Columnar assessment for scans: one row per input row x market, judged once per combination.

The fact columns are reduced to what the rules can tell apart (dates become the interval
between the dates the rules compare with), the distinct combinations are found with one
Polars join, each combination is judged once per market (memoised on the facts that market's
rules read), and the verdicts are joined back as dictionary-encoded Arrow columns that share
one index buffer: 10M items x 16 markets costs a few hundred megabytes, not 160M objects.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final, TypeVar

import numpy as np
import polars as pl
import pyarrow as pa

from clearance.errors import FactsError
from clearance.law.analyses.framework import ANALYSES, _shipped, run_analysis
from clearance.law.conditions import date_thresholds
from clearance.law.engine import (
    _as_of,
    _default_context,
    _terms_prohibit,
    derive_license,
    prepare,
    verdict_row,
)
from clearance.law.facts import BOOL_FACTS, DATE_FACTS, FACT_KEYS, FREE_FACTS, UNKNOWN
from clearance.models import DISCLAIMER

__all__ = ["OUTPUT_COLUMNS", "analysis_table", "assess_table"]

logger = logging.getLogger(__name__)

T = TypeVar("T")
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


#: What an open-vocabulary id no rule names is folded to (rules cannot tell such ids apart).
_OTHER: Final = "other-id-named-by-no-rule"


def _with_licence_facts(frame: pl.DataFrame) -> pl.DataFrame:
    """Return the frame with licence facts derived once per distinct (licence, purpose)."""
    if "license_id" not in frame.columns:
        return frame
    pair = [
        pl.col("license_id").cast(pl.String).fill_null(UNKNOWN).alias("_lid"),
        (pl.col("purpose").cast(pl.String) if "purpose" in frame.columns else pl.lit(None))
        .fill_null(UNKNOWN)
        .alias("_purpose"),
    ]
    frame = frame.with_columns(pair)
    rows = []
    for lid, purpose in frame.select("_lid", "_purpose").unique().iter_rows():
        norm = {"license_id": lid, "purpose": purpose}
        rows.append((lid, purpose, derive_license(norm),
                     _terms_prohibit(lid) if lid != UNKNOWN else UNKNOWN))  # fmt: skip
    derived = pl.DataFrame(
        rows, schema=["_lid", "_purpose", "_perm", "_terms"], orient="row"
    ).with_columns(pl.col("_purpose").cast(pl.String), pl.col("_lid").cast(pl.String))
    frame = frame.join(derived, on=["_lid", "_purpose"], how="left", maintain_order="left")
    fills = []
    for key, tmp in (("license_permission", "_perm"), ("terms_prohibit_training", "_terms")):
        if key in frame.columns:
            given = pl.col(key).cast(pl.String)
            keep = given.is_not_null() & (given != UNKNOWN)
            fills.append(pl.when(keep).then(given).otherwise(pl.col(tmp)).alias(key))
        else:
            fills.append(pl.col(tmp).alias(key))
    return frame.with_columns(fills).drop("_lid", "_purpose", "_perm", "_terms")


def _fold_free_facts(keys: pl.DataFrame, whens: list[dict[str, Any]]) -> pl.DataFrame:
    """Return keys with open-vocabulary ids no condition names folded into one value.

    Rules compare ``license_id`` and ``source_category`` with literal ids only (licence
    permissions are derived beforehand), so ids no rule names cannot be told apart.
    """
    exprs = []
    for key in FREE_FACTS:
        if key not in keys.columns:
            continue
        named: set[str] = set()
        for when in whens:
            spec = when.get(key)
            spec = spec.get("not") if isinstance(spec, dict) else spec
            for value in spec if isinstance(spec, list) else [spec] if spec else []:
                named.add(str(value).strip().lower())
        low = pl.col(key).str.strip_chars().str.to_lowercase()
        exprs.append(
            pl.when(low.is_in(sorted(named | {UNKNOWN}))).then(low)
            .otherwise(pl.lit(_OTHER)).alias(key)
        )  # fmt: skip
    return keys.with_columns(exprs) if exprs else keys


class _Combos:
    """The distinct fact combinations of a table, as digits per column, and each row's one."""

    def __init__(self, frame: pl.DataFrame) -> None:
        ctx = _default_context()
        whens = [r.when for r in ctx.rules.rules.values()]
        whens += [c.when for name in ANALYSES for c in _shipped(name).considerations]
        keys = _key_columns(
            _with_licence_facts(frame), {k: date_thresholds(whens, k) for k in DATE_FACTS}
        )
        keys = _fold_free_facts(keys, whens)
        self.columns = keys.columns
        self.values: list[list[str]] = []
        codes = []
        for name in self.columns:
            uniq = keys[name].unique(maintain_order=True).to_list()
            self.values.append(uniq)
            codes.append(keys[name].cast(pl.Enum(uniq)).to_physical().to_numpy().astype(np.int64))
        radix = [max(len(v), 1) for v in self.values]
        if float(np.prod(np.array(radix, dtype=float))) < 2**62:
            combined = np.zeros(len(keys), dtype=np.int64)
            for code, size in zip(codes, radix, strict=True):
                combined = combined * size + code
            uniq_codes = np.sort(pl.Series(combined).unique().to_numpy())
            self.row_combo = np.searchsorted(uniq_codes, combined).astype(np.int32)
            digits = np.empty((len(uniq_codes), len(radix)), dtype=np.int64)
            rest = uniq_codes.copy()
            for pos in range(len(radix) - 1, -1, -1):
                digits[:, pos] = rest % radix[pos]
                rest //= radix[pos]
        else:  # too many columns x values for one integer: let Polars group them
            table = pl.DataFrame({c: code for c, code in zip(self.columns, codes, strict=True)})
            combos = table.unique(maintain_order=True).with_row_index("_combo")
            joined = table.join(combos, on=self.columns, how="left", maintain_order="left")
            self.row_combo = joined["_combo"].cast(pl.Int32).to_numpy()
            digits = combos.drop("_combo").to_numpy().astype(np.int64)
        self.digits = digits
        self._prepared: dict[int, dict[str, Any]] = {}
        logger.info("law table: %d rows, %d distinct fact combinations", len(keys), len(digits))

    def __len__(self) -> int:
        return len(self.digits)

    def facts(self, combo: int) -> dict[str, Any]:
        """Return the prepared facts of one combination (cached)."""
        found = self._prepared.get(combo)
        if found is None:
            row = {
                c: self.values[j][int(self.digits[combo, j])] for j, c in enumerate(self.columns)
            }
            try:
                found = self._prepared[combo] = prepare(_combo_facts(row))
            except FactsError as exc:
                raise FactsError(f"facts table: {exc.message}") from exc
        return found

    def judge(
        self, whens: list[dict[str, Any]], judge: Callable[[dict[str, Any]], T]
    ) -> tuple[list[T], np.ndarray]:
        """Return one verdict per class of combinations ``whens`` cannot tell apart, and each
        row's verdict index.

        Two combinations fall in one class when every condition in ``whens`` gives them the
        same answer: equal on the literals the conditions name, on the same side of every
        date they compare with. Each class is judged once, on a representative.
        """
        projected = np.zeros(len(self.digits), dtype=np.int64)
        for j, key in enumerate(self.columns):
            specs = [w[key] for w in whens if key in w]
            if not specs:
                continue
            labels = [_class_of(key, v, specs) for v in self.values[j]]
            ids = {label: n for n, label in enumerate(dict.fromkeys(labels))}
            remap = np.array([ids[label] for label in labels], dtype=np.int64)
            projected = projected * len(ids) + remap[self.digits[:, j]]
        _, first, group = np.unique(projected, return_index=True, return_inverse=True)
        verdicts = [judge(self.facts(int(i))) for i in first]
        return verdicts, group.astype(np.int32).reshape(-1)[self.row_combo]


def _literals(key: str, spec: Any) -> set[str]:
    if isinstance(spec, dict):
        spec = spec.get("not", [])
    items = spec if isinstance(spec, list) else [spec]
    out = set()
    for item in items:
        text = ("true" if item else "false") if isinstance(item, bool) else str(item)
        out.add(text.strip().lower() if key in FREE_FACTS else text)
    return out


def _class_of(key: str, value: str, specs: list[Any]) -> str:
    """Return the label of ``value``'s class: what every condition in ``specs`` can see of it."""
    if key in DATE_FACTS:
        if value in (UNKNOWN, "known"):
            return value
        day = dt.date.fromisoformat(value)
        cuts = sorted({dt.date.fromisoformat(str(d)) for spec in specs if isinstance(spec, dict)
                       for op, d in spec.items() if op in ("before", "on_or_after")})  # fmt: skip
        return f"after-{bisect.bisect_right(cuts, day)}-cuts"
    named = set().union(*(_literals(key, spec) for spec in specs))
    probe = value.strip().lower() if key in FREE_FACTS else value
    return probe if probe in named else _OTHER


def _checked(facts: pa.Table | pl.DataFrame) -> pl.DataFrame:
    frame = _to_frame(facts)
    for key in FACT_KEYS:
        if key in frame.columns and frame.schema[key] == pl.Object:
            raise FactsError(f"facts table: column {key!r} holds Python objects, not values")
    return frame


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
    combos = _Combos(_checked(facts))
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
    frame = _checked(facts)
    combos = _Combos(frame)
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
