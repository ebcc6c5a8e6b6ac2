# SPDX-License-Identifier: Apache-2.0
"""Benchmark: licence columns for 10M rows holding 50k distinct raw licence values.

clearance's ``license_columns`` (normalise + judge once per distinct value, join back with
``index_in`` + ``take``) against two per-row baselines in the same run:

- per-row: ``normalize_license`` + ``license_permits`` called for every row, as a naive
  scan would (run on the first ``--baseline-rows`` rows; rows/s extrapolates linearly);
- per-row memo: a Python loop over the rows with a dict cache of the same two calls (the
  usual hand-written optimisation), over all rows.

Raw values are real corpus strings (tests/enrich/licenses/data/corpus.jsonl) plus realistic
variants (case, spacing, URL forms, copyright notices, repository LICENSE links), drawn with a
skewed (Zipf-like) frequency as in real manifests.

    python benchmarks/licenses.py                     # 10M rows, 50k distinct, use commercial
    python benchmarks/licenses.py --rows 1000000 --distinct 5000
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

from clearance.enrich.licenses import expressions as _expressions
from clearance.enrich.licenses import license_columns, license_permits, normalize_license
from clearance.enrich.licenses import permissions as _permissions

CORPUS = Path(__file__).resolve().parents[1] / "tests/enrich/licenses/data/corpus.jsonl"


def distinct_values(count: int, seed: int = 2026) -> list[str]:
    """Return ``count`` distinct raw licence values: the corpus plus realistic variants."""
    rng = random.Random(seed)
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    base = [json.loads(line)["raw"] for line in lines if line.strip()]
    short = [b for b in base if len(b) < 120]
    values = dict.fromkeys(base)
    codes = ["by", "by-sa", "by-nc", "by-nc-sa", "by-nd", "by-nc-nd"]
    langs = ["en", "de", "fr", "es", "ja", "zh-hans", "pt", "it", "nl", "ru"]
    while len(values) < count:
        kind = rng.randrange(6)
        if kind == 0:
            v = rng.choice(short)
            v = rng.choice([v.upper(), v.lower(), f" {v} ", v.replace(" ", "  "), f"'{v}'"])
        elif kind == 1:
            code, ver = rng.choice(codes), rng.choice(["2.0", "2.5", "3.0", "4.0"])
            tail = rng.choice(["", "/", f"/deed.{rng.choice(langs)}", "/legalcode"])
            scheme = rng.choice(["http://", "https://", ""])
            v = f"{scheme}creativecommons.org/licenses/{code}/{ver}{tail}"
        elif kind == 2:
            v = f"Copyright {rng.randint(1990, 2025)} Author {rng.randint(0, 10**6)}"
        elif kind == 3:
            v = f"https://github.com/org{rng.randint(0, 10**6)}/repo/blob/main/LICENSE"
        elif kind == 4:
            where = rng.choice(["README", "LICENSE", "NOTICE"])
            v = f"{rng.choice(short)} (see {where} {rng.randint(0, 10**5)})"
        else:
            v = f"Licensed under {rng.choice(short)} by contributor {rng.randint(0, 10**6)}"
        values.setdefault(v, None)
    return list(values)[:count]


def make_column(rows: int, distinct: int, seed: int = 7) -> pa.Array:
    """Return ``rows`` raw values drawn Zipf-like from ``distinct`` values, with 2% nulls."""
    values = pa.array(distinct_values(distinct))
    rng = np.random.default_rng(seed)
    ranks = rng.zipf(1.3, size=rows) - 1
    indices = np.where(ranks < distinct, ranks, rng.integers(0, distinct, size=rows))
    column = values.take(pa.array(indices))
    mask = pa.array(rng.random(rows) < 0.02)
    return pa.compute.if_else(mask, pa.scalar(None, pa.string()), column)


def cold() -> None:
    """Empty the small caches so every side starts from the same state."""
    _permissions._cached.cache_clear()
    _expressions.spdx_key.cache_clear()


def per_row(raw: list[str | None], use: str) -> list[tuple[str, str]]:
    """The naive baseline: normalise and judge every row."""
    out = []
    for value in raw:
        lid = normalize_license(value or "").id
        out.append((lid, license_permits(lid, use).verdict))
    return out


def per_row_memo(raw: list[str | None], use: str) -> list[tuple[str, str]]:
    """The usual optimisation: a Python loop with a dict cache of the same calls."""
    cache: dict[str | None, tuple[str, str]] = {}
    out = []
    for value in raw:
        hit = cache.get(value)
        if hit is None:
            lid = normalize_license(value or "").id
            hit = cache[value] = (lid, license_permits(lid, use).verdict)
        out.append(hit)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--distinct", type=int, default=50_000)
    parser.add_argument("--baseline-rows", type=int, default=100_000)
    parser.add_argument("--use", default="commercial_training")
    args = parser.parse_args()

    raw = make_column(args.rows, args.distinct)
    print(f"rows {args.rows:,}  distinct {len(pa.compute.unique(raw)):,}  use {args.use}")
    normalize_license("warm-up")  # load the vocabulary outside the timings

    cold()
    start = time.perf_counter()
    table = license_columns(raw, args.use)
    ours = time.perf_counter() - start
    assert table.num_rows == args.rows

    sample = raw.slice(0, args.baseline_rows).to_pylist()
    cold()
    start = time.perf_counter()
    naive = per_row(sample, args.use)
    naive_s = time.perf_counter() - start

    cold()
    start = time.perf_counter()
    everything = raw.to_pylist()
    memo = per_row_memo(everything, args.use)
    memo_s = time.perf_counter() - start

    head = table.slice(0, args.baseline_rows)
    ours_pairs = list(
        zip(head["license_id"].to_pylist(), head["license_permission"].to_pylist(), strict=True)
    )
    assert ours_pairs == naive == memo[: args.baseline_rows], "results differ"

    rates = {
        "clearance license_columns": args.rows / ours,
        f"per-row (first {args.baseline_rows:,} rows)": args.baseline_rows / naive_s,
        "per-row with dict memo": args.rows / memo_s,
    }
    for name, rate in rates.items():
        print(f"{name:36} {rate:>14,.0f} rows/s")
    ours_rate, naive_rate, memo_rate = rates.values()
    print(f"clearance vs per-row      x{ours_rate / naive_rate:,.0f}")
    print(f"clearance vs per-row memo x{ours_rate / memo_rate:,.1f}")
    print(f"clearance total {ours:.1f} s; memo total {memo_s:.1f} s; naive {naive_s:.1f} s")


if __name__ == "__main__":
    main()
