# SPDX-License-Identifier: Apache-2.0
"""Benchmark: an offline scan of the demo manifest from the bundled snapshot, end to end.

clearance (``run_scan``: ingest, categories, licences, reservations then and now from the
WARC snapshot, blocklists, law in six markets once per distinct fact combination, the policy
gate, facts/assessment/split manifests and the reports) against a straightforward per-row
pipeline: pandas reads the manifest; the snapshot's robots.txt captures are parsed with
protego; then for every row urllib.parse takes the host, a dict lookup (walking parent
domains) the category, a few string tests the licence, protego the verdict of ten AI
crawlers on the capture that stood at collection, and if/else rules the exposure in six
markets and the tier; the rows are written to Parquet. Each side runs in its own process.

    python benchmarks/scan.py                          # 1M rows; the baseline on 100k of them
    python benchmarks/scan.py --rows 200000 --baseline-rows 20000
"""

from __future__ import annotations

import argparse
import bisect
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CACHE, peak_rss_mib, run_side

AGENTS = ("GPTBot", "CCBot", "Google-Extended", "ClaudeBot", "anthropic-ai", "Bytespider",
          "Applebot-Extended", "PerplexityBot", "meta-externalagent", "cohere-ai")
MARKETS = ("us", "eu", "uk", "jp", "cn", "sg")


def manifest(rows: int) -> Path:
    """Return a cached demo manifest of ``rows`` rows."""
    from clearance.demo.generate import write_manifest

    path = CACHE / f"demo-{rows}.parquet"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        write_manifest(path, rows=rows, seed=2026)
    return path


def side_clearance(path: Path) -> dict[str, object]:
    from clearance.demo.snapshot import demo_snapshot_path
    from clearance.engine.scan import ScanConfig, run_scan

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        result = run_scan(ScanConfig(manifest=str(path), out=Path(tmp) / "scan",
                                     markets=MARKETS, policy="eu-ready-commercial",
                                     snapshots=(demo_snapshot_path(),)))
        seconds = time.perf_counter() - started
    return {"rows": result.rows_read, "seconds": seconds, "peak_rss_mib": peak_rss_mib(),
            "tiers": result.tiers}


def _captures(warc: Path) -> dict[str, tuple[list[float], list[object]]]:
    """Return host -> (capture times, protego parsers), robots.txt only, oldest first."""
    from datetime import datetime
    from urllib.parse import urlsplit

    from protego import Protego
    from warcio.archiveiterator import ArchiveIterator

    found: dict[str, list[tuple[float, object]]] = {}
    bodies: dict[str, bytes] = {}
    with warc.open("rb") as handle:
        for record in ArchiveIterator(handle):
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            if not uri.endswith("/robots.txt"):
                continue
            when = datetime.fromisoformat(
                record.rec_headers.get_header("WARC-Date").replace("Z", "+00:00")).timestamp()
            host = urlsplit(uri).hostname or ""
            if record.rec_type == "response":
                body = record.content_stream().read()
                bodies[uri] = body
            elif record.rec_type == "revisit":
                body = bodies.get(uri, b"")
            else:
                continue
            found.setdefault(host, []).append(
                (when, Protego.parse(body.decode("utf-8", "replace"))))
    return {h: ([w for w, _ in sorted(v, key=lambda x: x[0])],
                [p for _, p in sorted(v, key=lambda x: x[0])]) for h, v in found.items()}


def _license(raw: object) -> str:
    text = str(raw or "").lower()
    if not text or text == "?":
        return "unknown"
    if "nc" in text.replace("-", " ").split() or "noncommercial" in text or "by-nc" in text:
        return "not_allowed"
    if "cc0" in text or "public domain" in text or "no known" in text:
        return "allowed"
    if "creativecommons.org/licenses/by" in text or text.startswith("cc by"):
        return "conditional"
    return "unknown"


def side_baseline(path: Path, limit: int) -> dict[str, object]:
    from urllib.parse import urlsplit

    import pandas as pd

    from clearance.demo.snapshot import demo_snapshot_path
    from clearance.enrich.categories import default_knowledge

    kb = {d: c for d, (c, _) in default_knowledge().domains.items()}
    started = time.perf_counter()
    captures = _captures(demo_snapshot_path())
    frame = pd.read_parquet(path)[:limit]
    rows = []
    for url, license_raw, crawl_date in zip(frame["url"], frame["license"], frame["crawl_date"],
                                            strict=True):
        host = urlsplit(url).hostname if isinstance(url, str) else None
        category = "unknown"
        if host:
            labels = host.split(".")
            for i in range(len(labels)):
                hit = kb.get(".".join(labels[i:]))
                if hit:
                    category = hit
                    break
        permission = _license(license_raw)
        reserved = "unknown"
        if host in captures and isinstance(crawl_date, str):
            times, parsers = captures[host]
            when = pd.Timestamp(crawl_date).timestamp()
            k = bisect.bisect_right(times, when) - 1
            if k >= 0:
                parser = parsers[k]
                blocked = [a for a in AGENTS if not parser.can_fetch(url, a)]  # type: ignore[attr-defined]
                reserved = "reserved" if blocked else "not_reserved"
        exposure = {}
        for market in MARKETS:
            if category == "shadow_library":
                level = "critical"
            elif market in ("eu", "uk") and reserved != "not_reserved":
                level = "high"
            elif permission == "allowed":
                level = "low"
            else:
                level = "medium"
            exposure[market] = level
        tier = ("prohibited" if "critical" in exposure.values() or exposure["eu"] == "high"
                else "restricted" if "medium" in exposure.values() else "approved")
        rows.append({"url": url, "host": host, "category": category, "permission": permission,
                     "reserved": reserved, "tier": tier,
                     **{f"exposure_{m}": v for m, v in exposure.items()}})
    out = pd.DataFrame(rows)
    with tempfile.TemporaryDirectory() as tmp:
        out.to_parquet(Path(tmp) / "facts.parquet")
    seconds = time.perf_counter() - started
    return {"rows": len(out), "seconds": seconds, "peak_rss_mib": peak_rss_mib(),
            "tiers": out["tier"].value_counts().to_dict()}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=100_000)
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
    rate = ours["rows"] / ours["seconds"]
    print(f"clearance scan: {ours['rows']:,} rows in {ours['seconds']:.1f} s = {rate:,.0f} rows/s, "
          f"peak RSS {ours['peak_rss_mib']:,.0f} MiB, tiers {ours['tiers']}")
    base = run_side(me, "--side", "baseline", "--path", str(path),
                    "--baseline-rows", str(args.baseline_rows))
    base_rate = base["rows"] / base["seconds"]
    print(f"per-row baseline (pandas + protego + rule checks), first {base['rows']:,} rows: "
          f"{base['seconds']:.1f} s = {base_rate:,.0f} rows/s, "
          f"peak RSS {base['peak_rss_mib']:,.0f} MiB")
    print(f"ratio: clearance is {rate / base_rate:.1f}x the baseline's rows/s")


if __name__ == "__main__":
    main()
