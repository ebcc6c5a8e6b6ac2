# SPDX-License-Identifier: Apache-2.0
"""The risk matrix against a plain-Python recount of the assessment and facts tables."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pytest
from conftest import LEVELS, Scan, build_scan
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.errors import ReportError
from clearance.report import cell_items, prepare_tables, risk_matrix
from clearance.report.matrix import EXPOSURE_WEIGHTS, MATRIX_COLUMNS, _first_rows


def recount(scan: Scan) -> dict[tuple[str, str], dict[str, Any]]:
    """Return per (category, market) the counts, computed row by row."""
    facts = {r["item_id"]: r for r in scan.facts.to_pylist()}
    cells: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {
            "items": 0,
            "bytes": 0,
            "provisional": 0,
            **{lv: 0 for lv in LEVELS},
            **{f"bytes_{lv}": 0 for lv in LEVELS},
        }
    )
    for row in scan.assessment.to_pylist():
        item = facts[row["item_id"]]
        cell = cells[(item["category"], row["market"])]
        size = item["size_bytes"] or 0
        cell["items"] += 1
        cell["bytes"] += size
        cell[row["exposure"]] += 1
        cell[f"bytes_{row['exposure']}"] += size
        cell["provisional"] += bool(row["provisional"])
    return cells


def check_matrix(scan: Scan, matrix: pa.Table) -> None:
    expected = recount(scan)
    rows = matrix.to_pylist()
    assert tuple(matrix.column_names) == MATRIX_COLUMNS
    seen = {(r["category"], r["market"]) for r in rows}
    assert len(seen) == len(rows), "one row per cell"
    assert set(expected) <= seen
    for r in rows:
        want = expected.get((r["category"], r["market"]))
        if want is None:
            assert r["items"] == 0 and r["bytes"] == 0 and r["worst"] is None
            continue
        assert r["items"] == want["items"]
        assert r["bytes"] == want["bytes"]
        assert r["provisional_items"] == want["provisional"]
        for lv in LEVELS:
            assert r[f"items_{lv}"] == want[lv]
            assert r[f"bytes_{lv}"] == want[f"bytes_{lv}"]
            assert r[f"share_{lv}"] == pytest.approx(want[lv] / want["items"])
        assert r["exposure_weight"] == sum(want[lv] * EXPOSURE_WEIGHTS[lv] for lv in LEVELS)
        assert r["worst"] == max((lv for lv in LEVELS if want[lv]), key=LEVELS.index)


def test_matrix_agrees_with_the_assessment(small_scan: Scan) -> None:
    check_matrix(small_scan, risk_matrix(small_scan.facts, small_scan.assessment))


def test_matrix_of_every_category_and_market(every_category: Scan) -> None:
    matrix = risk_matrix(
        every_category.facts, every_category.assessment, markets=every_category.markets
    )
    check_matrix(every_category, matrix)
    assert matrix.num_rows == 18 * 16
    assert matrix.column("market").to_pylist()[:16] == list(every_category.markets)


def test_shuffled_rows_and_string_lists_give_the_same_matrix(small_scan: Scan) -> None:
    """Rows in any order (the hash-join path) and comma-joined reasons change nothing."""
    aligned = risk_matrix(small_scan.facts, small_scan.assessment, markets=small_scan.markets)
    shuffled = small_scan.assessment.take(list(range(small_scan.assessment.num_rows))[::-1])
    joined = pl.from_arrow(shuffled).with_columns(pl.col("reasons").list.join(","))
    assert isinstance(joined, pl.DataFrame)
    assert risk_matrix(small_scan.facts, joined, markets=small_scan.markets).equals(aligned)


def test_empty_cells_are_zeros_not_missing(small_scan: Scan) -> None:
    assessment = pl.from_arrow(small_scan.assessment)
    assert isinstance(assessment, pl.DataFrame)
    facts = pl.from_arrow(small_scan.facts)
    assert isinstance(facts, pl.DataFrame)
    news = set(facts.filter(pl.col("category") == "news_publisher")["item_id"].to_list())
    dropped = assessment.filter(~(pl.col("item_id").is_in(news) & (pl.col("market") == "jp")))
    matrix = risk_matrix(small_scan.facts, dropped, markets=small_scan.markets).to_pylist()
    cell = next(r for r in matrix if r["category"] == "news_publisher" and r["market"] == "jp")
    assert cell["items"] == 0 and cell["share_high"] == 0.0 and cell["worst"] is None


def test_unknown_exposure_is_counted_apart() -> None:
    facts = pa.table({"item_id": ["a", "b"], "category": ["stock_media", "stock_media"]})
    assessment = pa.table(
        {"item_id": ["a", "b"], "market": ["eu", "eu"], "exposure": ["high", "bogus"]}
    )
    (row,) = risk_matrix(facts, assessment).to_pylist()
    assert row["items"] == 2 and row["items_high"] == 1 and row["items_unknown"] == 1
    assert row["bytes"] == 0  # no size_bytes column: sizes are unknown, not guessed


def test_missing_columns_raise_report_error() -> None:
    facts = pa.table({"item_id": ["a"]})
    with pytest.raises(ReportError, match="exposure"):
        risk_matrix(facts, pa.table({"item_id": ["a"], "market": ["eu"]}))
    with pytest.raises(ReportError, match="item_id"):
        risk_matrix(
            pa.table({"url": ["x"]}),
            pa.table({"item_id": ["a"], "market": ["eu"], "exposure": ["low"]}),
        )


def test_cell_items_lists_the_worst_first_and_caps(small_scan: Scan) -> None:
    tables = prepare_tables(small_scan.facts, small_scan.assessment)
    picked = cell_items(tables, limit=5)
    counts = Counter(zip(picked["category"].to_list(), picked["market"].to_list(), strict=True))
    assert max(counts.values()) <= 5
    expected = recount(small_scan)
    for (category, market), n in counts.items():
        assert n == min(5, expected[(category, market)]["items"])
        levels = picked.filter((pl.col("category") == category) & (pl.col("market") == market))
        ranks = [LEVELS.index(lv) for lv in levels["exposure"].to_list()]
        assert ranks == sorted(ranks, reverse=True)
        worst = max((lv for lv in LEVELS if expected[(category, market)][lv]), key=LEVELS.index)
        assert levels["exposure"][0] == worst
    assert picked["url"].null_count() == 0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(min_value=1, max_value=40),
    markets=st.lists(
        st.sampled_from(["us", "eu", "uk", "jp"]), min_size=1, max_size=4, unique=True
    ),
    seed=st.integers(min_value=0, max_value=10_000),
    categories=st.lists(
        st.sampled_from(["news_publisher", "stock_media", "adult", "unknown"]),
        min_size=1,
        max_size=4,
        unique=True,
    ),
)
def test_matrix_totals_reconcile(
    n: int, markets: list[str], seed: int, categories: list[str]
) -> None:
    scan = build_scan(n, categories=categories, markets=markets, seed=seed)
    matrix = risk_matrix(scan.facts, scan.assessment)
    check_matrix(scan, matrix)
    assert sum(matrix.column("items").to_pylist()) == scan.assessment.num_rows


@settings(max_examples=60, deadline=None)
@given(
    keys=st.lists(st.integers(min_value=0, max_value=6), min_size=0, max_size=300),
    limit=st.integers(min_value=0, max_value=5),
    chunk=st.integers(min_value=1, max_value=64),
)
def test_first_rows_picks_the_first_of_each_key(keys: list[int], limit: int, chunk: int) -> None:
    key = np.asarray(keys, dtype=np.int64)
    need = np.minimum(np.bincount(key, minlength=8), limit)
    need[7] = 0
    expected, seen = [], Counter[int]()
    for pos, k in enumerate(keys):
        if seen[k] < need[k]:
            expected.append(pos)
            seen[k] += 1
    assert _first_rows(key, need, chunk=chunk).tolist() == expected


def test_per_item_facts_agree_on_both_paths(small_scan: Scan) -> None:
    """Worst level, provisional flag and tier per item: block layout and hash join agree."""
    aligned = prepare_tables(small_scan.facts, small_scan.assessment).items
    order = np.random.default_rng(3).permutation(small_scan.assessment.num_rows)
    shuffled = prepare_tables(small_scan.facts, small_scan.assessment.take(pa.array(order)))
    columns = ["item_id", "worst", "any_provisional", "tier"]
    assert shuffled.items.select(columns).equals(aligned.select(columns))
    by_item: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in small_scan.assessment.to_pylist():
        by_item[row["item_id"]].append(row)
    for row in aligned.select(columns).to_dicts():
        mine = by_item[row["item_id"]]
        assert row["worst"] == max(LEVELS.index(r["exposure"]) for r in mine)
        assert row["any_provisional"] == any(r["provisional"] for r in mine)
        assert row["tier"] == mine[0]["tier"]


def test_items_missing_from_the_facts_count_as_unknown_category() -> None:
    facts = pa.table({"item_id": ["a"], "category": ["stock_media"], "size_bytes": [10]})
    assessment = pa.table({"item_id": ["a", "ghost"], "market": ["eu", "eu"],
                           "exposure": ["high", "low"]})  # fmt: skip
    rows = {r["category"]: r for r in risk_matrix(facts, assessment).to_pylist()}
    assert rows["stock_media"]["items_high"] == 1 and rows["stock_media"]["bytes"] == 10
    assert rows["unknown"]["items_low"] == 1 and rows["unknown"]["bytes"] == 0
