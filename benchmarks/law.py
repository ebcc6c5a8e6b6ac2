# SPDX-License-Identifier: Apache-2.0
"""Benchmark: assess 10M items x 16 markets, once per distinct fact combination, joined back.

Peers (same run): the per-row path a notebook would take, ``clearance.assess`` called for
every item and market (timed on a sample), and a per-row loop that memoises on the whole
row's facts (timed on the first 20,000 items); all in item-market judgements per second.

    .venv/bin/python benchmarks/law.py                 # 10M items, 16 markets
    .venv/bin/python benchmarks/law.py --rows 1000000  # quicker
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import peak_rss_mib

from clearance import assess, assess_table
from clearance.law.kb import MARKETS

AS_OF = "2026-11-28"


def make_facts(rows: int, seed: int = 7) -> pl.DataFrame:
    """Return a synthetic scan's facts: skewed, low-cardinality columns and daily dates."""
    rng = np.random.default_rng(seed)

    def pick(values: list[object], weights: list[float]) -> pl.Series:
        p = np.asarray(weights, dtype=float) / sum(weights)
        idx = rng.choice(len(values), size=rows, p=p)
        return pl.Series([values[i] for i in range(len(values))]).gather(idx)

    licences = ["CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "all-rights-reserved", "MIT",
                "tos-prohibits-ml", "CC-BY-NC-4.0", "unknown", None]  # fmt: skip
    days = rng.integers(0, (dt.date(2026, 6, 30) - dt.date(2019, 1, 1)).days, rows)
    collected = pl.Series(np.datetime64("2019-01-01") + days.astype("timedelta64[D]"))
    return pl.DataFrame({
        "item_id": pl.int_range(rows, eager=True).cast(pl.String),
        "purpose": pl.Series(["genai_training"] * 1).gather(np.zeros(rows, dtype=np.int64)),
        "org_type": pl.Series(["company"]).gather(np.zeros(rows, dtype=np.int64)),
        "source_category": pick(["news_publisher", "social_media", "blog_personal",
                                 "stock_media", "government", "academic", "unknown"],
                                [10, 25, 20, 5, 5, 5, 30]),
        "license_id": pick(licences, [8, 4, 3, 20, 2, 6, 2, 10, 45]),
        "reservation": pick(["reserved", "not_reserved", None], [15, 55, 30]),
        "reservation_form": pick(["machine_readable", "natural_language", None], [10, 5, 85]),
        "access": pick(["lawful", None], [90, 10]),
        "piracy_source": pick([False, True, None], [90, 1, 9]),
        "personal_data": pick(["none", "ordinary", None], [40, 30, 30]),
        "database_substantial_extraction": pick([False, True], [97, 3]),
        "collected_at": collected,
        "retained_after_training": pick([False, True, None], [60, 10, 30]),
        "memorization": pick([False, None], [50, 50]),
        "output_competes": pick([False, True, None], [70, 5, 25]),
    })  # fmt: skip


def per_row_rate(frame: pl.DataFrame, markets: list[str], sample: int) -> float:
    """Return item-market judgements per second of the per-row path on ``sample`` items."""
    rows = frame.head(sample).drop("item_id").to_dicts()
    started = time.perf_counter()
    for row in rows:
        facts = {k: v for k, v in row.items() if v is not None}
        for market in markets:
            assess(facts, market, AS_OF)
    return len(rows) * len(markets) / (time.perf_counter() - started)


def memo_rate(frame: pl.DataFrame, markets: list[str], sample: int) -> float:
    """Return judgements per second of a per-row loop that memoises on the whole row's facts."""
    memo: dict[tuple[object, ...], list[str]] = {}
    started = time.perf_counter()
    exposures = []
    for row in frame.head(sample).drop("item_id").iter_rows():
        verdict = memo.get(row)
        if verdict is None:
            facts = {k: v for k, v in zip(frame.columns[1:], row, strict=True) if v is not None}
            verdict = memo[row] = [assess(facts, m, AS_OF).exposure for m in markets]
        exposures.append(verdict)
    return min(sample, frame.height) * len(markets) / (time.perf_counter() - started)


def main() -> None:
    """Run the benchmark and print one JSON line of results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--sample", type=int, default=2_000, help="items for the per-row peer")
    parser.add_argument("--memo-sample", type=int, default=20_000,
                        help="items for the memoised per-row peer")  # fmt: skip
    args = parser.parse_args()
    markets = list(MARKETS)
    t0 = time.perf_counter()
    frame = make_facts(args.rows)
    made = time.perf_counter() - t0
    assess_table(frame.head(1000), markets, as_of=AS_OF)  # load rules, KB, licences once
    t1 = time.perf_counter()
    table = assess_table(frame, markets, as_of=AS_OF)
    columnar = time.perf_counter() - t1
    combos = int(table.schema.metadata[b"combinations"])
    peer = per_row_rate(frame, markets, args.sample)
    memo = memo_rate(frame, markets, args.memo_sample)
    rate = table.num_rows / columnar
    result = {
        "items": args.rows,
        "markets": len(markets),
        "output_rows": table.num_rows,
        "seconds_generate": round(made, 2),
        "seconds_assess_table": round(columnar, 2),
        "judgements_per_second_columnar": round(rate),
        "judgements_per_second_per_row": round(peer),
        "judgements_per_second_memoised_row_loop": round(memo),
        "speedup": round(rate / peer, 1),
        "speedup_vs_memoised": round(rate / memo, 1),
        "distinct_fact_combinations": combos,
        "peak_rss_mib": round(peak_rss_mib()),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
