# SPDX-License-Identifier: Apache-2.0
"""Benchmark: read + host extraction + categorisation of a LAION-shaped Parquet manifest.

clearance (columnar: one regex pass per batch, one PSL and knowledge-base lookup per distinct
host, path rules vectorised) against a straightforward per-row pipeline: pandas reads the
file, then for every row urllib.parse takes the host, tldextract (offline snapshot) the
registrable domain, and a dict of the same domain knowledge base the category. Each side runs
in its own process so peak memory is its own.

    python benchmarks/ingest.py                    # 5M rows; the baseline on the first 1M
    python benchmarks/ingest.py --rows 20000000 --skip-baseline   # the 20M peak-memory check
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CACHE, peak_rss_mib, run_side


def manifest(rows: int) -> Path:
    """Return a cached LAION-shaped manifest of ``rows`` rows (demo URLs, LAION column names)."""
    import polars as pl

    from clearance.demo.generate import generate_manifest

    path = CACHE / f"laion-shaped-{rows}.parquet"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    step = 5_000_000
    parts = []
    for i, start in enumerate(range(0, rows, step)):
        frame = generate_manifest(min(step, rows - start), seed=2026 + i)
        parts.append(frame.select(
            pl.col("key").alias("SAMPLE_ID"), pl.col("url").alias("URL"),
            pl.col("caption").alias("TEXT"), pl.col("license").alias("LICENSE"),
            pl.lit(512).alias("WIDTH"), pl.lit(512).alias("HEIGHT"),
        ).filter(pl.col("URL").is_not_null()))
    pl.concat(parts).write_parquet(path, row_group_size=1 << 20, compression="zstd")
    return path


def side_clearance(path: Path) -> dict[str, object]:
    from clearance.engine.ingest import ingest_manifest

    started = time.perf_counter()
    summary = ingest_manifest(path)
    seconds = time.perf_counter() - started
    return {"rows": summary.rows_read, "seconds": seconds, "peak_rss_mib": peak_rss_mib(),
            "categories": summary.categories}


def side_baseline(path: Path, limit: int) -> dict[str, object]:
    from urllib.parse import urlsplit

    import pandas as pd
    import tldextract

    from clearance.enrich.categories import default_knowledge

    kb = {domain: category for domain, (category, _) in default_knowledge().domains.items()}
    extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None,
                                    include_psl_private_domains=True)
    started = time.perf_counter()
    frame = pd.read_parquet(path, columns=["SAMPLE_ID", "URL", "LICENSE"])[:limit]
    hosts, domains, categories = [], [], []
    for url in frame["URL"]:
        host = urlsplit(url).hostname or ""
        parts = extract(host)
        domain = parts.top_domain_under_public_suffix if hasattr(
            parts, "top_domain_under_public_suffix") else parts.registered_domain
        category = kb.get(host) or kb.get(domain) or "unknown"
        hosts.append(host)
        domains.append(domain)
        categories.append(category)
    frame["host"], frame["domain"], frame["category"] = hosts, domains, categories
    counts = frame["category"].value_counts().to_dict()
    seconds = time.perf_counter() - started
    return {"rows": len(frame), "seconds": seconds, "peak_rss_mib": peak_rss_mib(),
            "categories": counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--baseline-rows", type=int, default=1_000_000)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--side", choices=["clearance", "baseline"])
    parser.add_argument("--path", type=Path)
    args = parser.parse_args()
    if args.side == "clearance":
        print(json.dumps(side_clearance(args.path)))
        return
    if args.side == "baseline":
        print(json.dumps(side_baseline(args.path, args.baseline_rows)))
        return
    path = manifest(args.rows)
    me = Path(__file__)
    ours = run_side(me, "--side", "clearance", "--path", str(path))
    ours_rate = ours["rows"] / ours["seconds"]
    print(f"manifest: {path.name} ({ours['rows']:,} rows)")
    print(f"clearance: {ours_rate:,.0f} rows/s ({ours['seconds']:.2f} s), "
          f"peak RSS {ours['peak_rss_mib']:,.0f} MiB")
    if args.skip_baseline:
        return
    base = run_side(me, "--side", "baseline", "--path", str(path),
                    "--baseline-rows", str(args.baseline_rows))
    base_rate = base["rows"] / base["seconds"]
    print(f"baseline (pandas + urllib.parse + tldextract + dict, first {base['rows']:,} rows): "
          f"{base_rate:,.0f} rows/s ({base['seconds']:.2f} s), "
          f"peak RSS {base['peak_rss_mib']:,.0f} MiB")
    print(f"ratio: clearance is {ours_rate / base_rate:.1f}x the baseline's rows/s")


if __name__ == "__main__":
    main()
