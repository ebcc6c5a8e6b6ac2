# SPDX-License-Identifier: Apache-2.0
"""Benchmark: the policy gate and the decide matchers on a 1M-item decision table.

clearance side: ``decide_tiers`` (every condition compiled to one Polars expression, tier and
reasons built once per distinct pattern of rule states), ``match_blocklists`` and
``match_takedowns`` (10,000 requests of every kind). Peers, same run: the per-row loop a
notebook would write - pandas rows (``to_dict("records")``), each rule's condition checked
in Python, waivers applied, reasons joined - and per-row blocklist / takedown lookups with
dicts (suffix walk per host, prefix scan per host). Peers are timed on a sample; results are
compared on that sample and must be equal.

    .venv/bin/python benchmarks/gate.py                  # 1M rows
    .venv/bin/python benchmarks/gate.py --rows 200000    # quicker
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import peak_rss_mib

from clearance.decide.blocklists import default_blocklists, match_blocklists
from clearance.decide.conditions import parse_when
from clearance.decide.gate import decide_tiers
from clearance.decide.policy import BUILTIN_RULES, TIERS, Policy, Waiver, load_policy
from clearance.decide.takedown import normalize_request
from clearance.decide.takedown_match import match_takedowns
from tests.decide.reference import reference

AS_OF = dt.date(2026, 11, 28)


def make_table(rows: int, seed: int = 11) -> pl.DataFrame:
    """Return a synthetic decision table: skewed low-cardinality facts, many hosts and URLs."""
    rng = np.random.default_rng(seed)

    def pick(values: list[Any], weights: list[float]) -> pl.Series:
        p = np.asarray(weights, dtype=float) / sum(weights)
        return pl.Series(values).gather(rng.choice(len(values), size=rows, p=p))

    hosts = [f"img{i}.site{i % 5000}.example" for i in range(20_000)]
    hosts += ["libgen.rs", "www.sci-hub.se", "annas-archive.gl", "upload.wikimedia.org"]
    host = pl.Series(hosts).gather(rng.integers(0, len(hosts), rows))
    ids = pl.int_range(rows, eager=True).cast(pl.String)
    frame = pl.DataFrame({
        "item_id": ids,
        "host": host,
        "url": "https://" + host + "/p/" + ids + ".jpg",
        "creator": pick([None, "Jane Doe", "A. Artist", "studio x"], [85, 5, 5, 5]),
        "content_sha256": pick([None, "ab" * 32], [99, 1]),
        "dataset_name": pick(["web-2024", "licensed-stock", "wiki"], [80, 5, 15]),
        "category": pick(["news_publisher", "social_media", "stock_media", "government",
                          "shadow_library", "unknown"], [20, 30, 5, 5, 1, 39]),
        "acquisition_channel": pick(["public_dataset", "licensed", None], [80, 5, 15]),
        "license_permission": pick(["allowed", "conditional", "not_allowed", "unknown"],
                                   [10, 10, 15, 65]),
        "reservation": pick(["reserved", "not_reserved", "unknown"], [15, 50, 35]),
        "reservation_form": pick(["machine_readable", "natural_language", "none"], [10, 3, 87]),
        "reservation_now": pick(["reserved", "not_reserved", "unknown"], [20, 45, 35]),
        "access": pick(["lawful", "unknown"], [95, 5]),
        "piracy_source": pick([False, True], [99, 1]),
        "personal_data_class": pick(["none", "ordinary", "biometric", "unknown"], [40, 20, 2, 38]),
        "terms_prohibit_training": pick([None, True, False], [80, 5, 15]),
        "memorization": pick([None, False], [90, 10]),
        "exposure_eu": pick(["low", "medium", "high", "critical"], [20, 40, 35, 5]),
        "provisional_eu": pick([False, True], [80, 20]),
        "exposure_us": pick(["low", "medium", "high", "critical"], [30, 50, 15, 5]),
        "known_work": pick([None, "getty: sha256 Photo"], [999, 1]),
        "blocklist": pick([None, "shadow-libraries: libgen.rs [...]"], [99, 1]),
        "takedown": pick([None, "td-1"], [998, 2]),
    })  # fmt: skip
    return frame


def policy_with_waivers() -> Policy:
    pol = load_policy("eu-ready-commercial")
    waivers = [
        Waiver(id="w-stock", rule="licence-conditions", items={"dataset_name": "licensed-stock"},
               reason="agreement LA-17", author="counsel", expires=dt.date(2030, 1, 1)),
        Waiver(id="w-old", rule="eu-exposure-medium", reason="lapsed", author="cfo",
               expires=dt.date(2020, 1, 1)),
    ]  # fmt: skip
    return pol.with_waivers(waivers)


def per_row_gate(rows: list[dict[str, Any]], pol: Policy) -> list[str]:
    """The notebook way: check every rule's condition on every row in Python."""
    rules = [(r, parse_when(r.when)) for r in (*BUILTIN_RULES, *pol.rules)]
    waivers = [(w, parse_when(w.items) if w.items else None) for w in pol.waivers
               if w.expires >= AS_OF]  # fmt: skip
    tiers = []
    for row in rows:
        held, reasons = [], []
        for rule, node in rules:
            if not reference(node, row):
                continue
            lifted = False
            for w, sel in waivers:
                applies = w.rule == rule.id or (w.rule is None and rule.waivable)
                if applies and not (rule.id == "builtin.blocklist" and sel is None):
                    if sel is None or reference(sel, row):
                        lifted = True
                        reasons.append(f"{rule.id}: waived by {w.id}")
            if not lifted:
                held.append(rule.tier)
                reasons.append(f"{rule.id}: {rule.reason}")
        tier = max(held, key=TIERS.index) if held else pol.default_tier
        tiers.append(tier)
        _ = "; ".join(reasons)
    return tiers


def requests(n: int) -> pl.DataFrame:
    raw: list[dict[str, Any]] = []
    for i in range(n):
        kind = i % 5
        if kind == 0:
            raw.append({"url": f"https://img{i}.site{i % 5000}.example/p/{i}.jpg"})
        elif kind == 1:
            raw.append({"url_prefix": f"https://img{i}.site{i % 5000}.example/p/1"})
        elif kind == 2:
            raw.append({"domain": f"img{i}.site{i % 5000}.example"})
        elif kind == 3:
            raw.append({"sha256": f"{i:064x}"})
        else:
            raw.append({"creator": f"Creator {i}"})
    found = [normalize_request(r).to_dict() for r in raw]
    return pl.DataFrame(found).select("request_id", "kind", "key").unique("request_id")


def per_row_match(rows: list[dict[str, Any]], reqs: pl.DataFrame) -> list[bool]:
    """Per-row lookups with dicts: blocklist suffix walk, takedown keys and prefixes."""
    blocked = {e.value for b in default_blocklists() for e in b.entries if e.kind == "domain"}
    by_kind: dict[str, dict[str, str]] = {}
    prefixes: dict[str, list[str]] = {}
    for rid, kind, key in reqs.iter_rows():
        if kind == "url_prefix":
            prefixes.setdefault(key.split("/", 1)[0], []).append(key)
        else:
            by_kind.setdefault(kind, {})[key] = rid
    out = []
    for row in rows:
        host = row["host"] or ""
        labels = host.split(".")
        suffixes = [".".join(labels[i:]) for i in range(len(labels))]
        hit = any(s in blocked for s in suffixes)
        key = row["url"].split("//", 1)[1].split("#", 1)[0].lower()
        taken = key in by_kind.get("url", {}) or any(
            key.startswith(p) for p in prefixes.get(host, [])
        )
        taken = taken or any(s in by_kind.get("domain", {}) for s in suffixes)
        taken = taken or (row["content_sha256"] or "") in by_kind.get("sha256", {})
        creator = " ".join((row["creator"] or "").split()).lower()
        taken = taken or creator in by_kind.get("creator", {})
        out.append(hit or taken)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=10_000)
    args = parser.parse_args()
    table = make_table(args.rows)
    pol = policy_with_waivers()
    arrow = table.to_arrow()
    warm = arrow.slice(0, 1000)  # load the knowledge bases once, outside the timings
    decide_tiers(warm, pol, as_of=AS_OF)
    match_blocklists(warm)

    started = time.perf_counter()
    outcome = decide_tiers(arrow, pol, as_of=AS_OF)
    gate_s = time.perf_counter() - started

    reqs = requests(args.requests)
    started = time.perf_counter()
    blocked = match_blocklists(arrow)
    taken = match_takedowns(arrow, reqs)
    match_s = time.perf_counter() - started
    rss = peak_rss_mib()

    sample = table.head(args.sample).to_pandas()
    rows = sample.astype(object).where(pd.notna(sample), None).to_dict("records")
    started = time.perf_counter()
    slow = per_row_gate(rows, pol)
    slow_s = time.perf_counter() - started
    assert slow == outcome.table["tier"].to_pylist()[: args.sample], "gate results differ"

    started = time.perf_counter()
    slow_hits = per_row_match(rows, reqs)
    slow_match_s = time.perf_counter() - started
    fast_hits = [
        b is not None or t is not None
        for b, t in zip(
            blocked.to_pylist()[: args.sample], taken.column.to_pylist()[: args.sample], strict=True
        )
    ]
    assert slow_hits == fast_hits, "matching results differ"

    result = {
        "rows": args.rows,
        "gate_rows_per_s": round(args.rows / gate_s),
        "gate_seconds": round(gate_s, 2),
        "patterns": int(outcome.table.schema.metadata[b"patterns"]),
        "per_row_gate_rows_per_s": round(args.sample / slow_s),
        "gate_ratio": round((args.rows / gate_s) / (args.sample / slow_s), 1),
        "match_rows_per_s": round(args.rows / match_s),
        "match_seconds": round(match_s, 2),
        "per_row_match_rows_per_s": round(args.sample / slow_match_s),
        "match_ratio": round((args.rows / match_s) / (args.sample / slow_match_s), 1),
        "requests": reqs.height,
        "tiers": outcome.counts,
        "peak_rss_mib_clearance": round(rss),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
