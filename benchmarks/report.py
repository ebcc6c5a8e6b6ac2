# SPDX-License-Identifier: Apache-2.0
"""Benchmark: the risk matrix and the report content of 1M items x 6 markets.

Sides (same run, same tables): clearance ``risk_matrix`` and ``build_report`` (matrix,
drivers, ranking, drill-down, annex) on the assessment as the law engine writes it (market
blocks in the facts' order) and shuffled (the hash-join path); the peer is the pandas
pipeline a notebook would write for the matrix alone: merge on item_id, then a group-by on
(category, market, exposure) for item counts and byte sums. Rates are assessment rows/s.

    .venv/bin/python benchmarks/report.py                  # 1M items x 6 markets
    .venv/bin/python benchmarks/report.py --items 200000   # quicker
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import peak_rss_mib

from clearance.report import build_report, risk_matrix

MARKETS = ["us", "eu", "uk", "jp", "cn", "sg"]
CATEGORIES = ["social_media", "news_publisher", "creative_community", "stock_media",
              "encyclopedia_reference", "blog_personal", "glam_archive", "shadow_library",
              "ecommerce", "unknown"]  # fmt: skip
LEVELS = ["low", "medium", "high", "critical"]


def make_tables(items: int, seed: int = 7) -> tuple[pa.Table, pa.Table]:
    """Return facts and an assessment (dictionary-encoded, market blocks) of ``items`` items."""
    rng = np.random.default_rng(seed)
    cat = rng.choice(len(CATEGORIES), size=items, p=[.2, .14, .19, .12, .07, .08, .08, .01,
                                                     .04, .07])  # fmt: skip
    facts = pa.table({
        "item_id": pa.array([f"item-{i:08d}" for i in range(items)]),
        "url": pa.array([f"https://host{i % 5000}.example/{i}.jpg" for i in range(items)]),
        "category": pa.DictionaryArray.from_arrays(pa.array(cat, pa.int32()),
                                                   pa.array(CATEGORIES)).cast(pa.string()),
        "size_bytes": pa.array(rng.integers(10_000, 2_000_000, items)),
        "reservation": pa.array(np.array(["reserved", "not_reserved", "unknown"])[
            rng.integers(0, 3, items)]),
        "license_permission": pa.array(np.array(["allowed", "not_allowed", "unknown"])[
            rng.integers(0, 3, items)]),
        "piracy_source": pa.array(cat == CATEGORIES.index("shadow_library")),
    })  # fmt: skip
    level_idx = np.clip(rng.integers(0, 4, (len(MARKETS), items)) + (cat % 2), 0, 3)
    reasons = pa.array(["all-licence-allowed", "eu-art4-reservation-unknown",
                        "eu-art4-reserved-machine-readable", "all-piracy-source"])  # fmt: skip
    ids = facts["item_id"]
    chunks: dict[str, list[pa.Array]] = {k: [] for k in ("item_id", "market", "exposure",
                                                         "provisional", "reasons")}  # fmt: skip
    for m, market in enumerate(MARKETS):
        codes = pa.array(level_idx[m], pa.int32())
        chunks["item_id"].extend(ids.chunks)
        chunks["market"].append(pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(items, np.int8)), pa.array([market])))  # fmt: skip
        chunks["exposure"].append(pa.DictionaryArray.from_arrays(codes, pa.array(LEVELS)))
        chunks["provisional"].append(pa.array(level_idx[m] == 2))
        chunks["reasons"].append(pa.DictionaryArray.from_arrays(codes, reasons))
    assessment = pa.table({k: pa.chunked_array(v) for k, v in chunks.items()})
    return facts, assessment


def pandas_matrix(facts: pa.Table, assessment: pa.Table) -> pd.DataFrame:
    """Return the matrix the straightforward way: merge, then group-by (the peer)."""
    f = facts.select(["item_id", "category", "size_bytes"]).to_pandas()
    a = assessment.select(["item_id", "market", "exposure"]).to_pandas()
    joined = a.merge(f, on="item_id", how="left")
    return joined.groupby(["category", "market", "exposure"], observed=True).agg(
        items=("item_id", "size"), bytes=("size_bytes", "sum"))  # fmt: skip


def timed(fn: object, *args: object) -> tuple[float, object]:
    started = time.perf_counter()
    out = fn(*args)  # type: ignore[operator]
    return time.perf_counter() - started, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    args = parser.parse_args()
    facts, assessment = make_tables(args.items)
    rows = assessment.num_rows
    shuffled = assessment.take(pa.array(np.random.default_rng(1).permutation(rows)))
    build_report(facts.slice(0, 1000), assessment.slice(0, 1000), None, {})  # load knowledge
    results = {}
    seconds, ours = timed(lambda: risk_matrix(facts, assessment, markets=MARKETS))
    results["clearance risk_matrix (law-engine layout)"] = seconds
    seconds, _ = timed(lambda: risk_matrix(facts, shuffled, markets=MARKETS))
    results["clearance risk_matrix (shuffled: hash join)"] = seconds
    seconds, _ = timed(lambda: build_report(facts, assessment, None, {"markets": MARKETS}))
    results["clearance build_report (everything but rendering)"] = seconds
    seconds, peer = timed(pandas_matrix, facts, assessment)
    results["pandas merge + group-by (matrix only)"] = seconds
    assert int(peer["items"].sum()) == sum(ours.column("items").to_pylist())  # type: ignore[union-attr]
    assert int(peer["bytes"].sum()) == sum(ours.column("bytes").to_pylist())  # type: ignore[union-attr]
    base = results["pandas merge + group-by (matrix only)"]
    for name, sec in results.items():
        print(f"{name:55s} {rows / sec:>14,.0f} rows/s  {sec:6.2f} s  x{base / sec:5.1f}")
    print(json.dumps({"items": args.items, "rows": rows, "seconds": results,
                      "peak_rss_mib": round(peak_rss_mib())}))  # fmt: skip


if __name__ == "__main__":
    main()
