# SPDX-License-Identifier: Apache-2.0
"""Benchmark: an offline scan of the demo manifest from the bundled snapshot, end to end.

clearance (``run_scan``: ingest, categories, licences, reservations then and now from the
WARC snapshot, blocklists, law in six markets once per distinct fact combination, the policy
gate, facts/assessment/split manifests and the reports) against a straightforward per-row
pipeline: pandas reads the manifest; the snapshot's robots.txt captures are parsed with
protego; then for every row urllib.parse takes the host, a dict lookup (walking parent
domains) the category, a few string tests the licence, protego the verdict of ten AI
crawlers on the capture that stood at collection, and if/else rules the exposure in six
markets and the tier; the rows are written to Parquet.

Fair by construction: both sides read the same manifest of the same size; the manifest is
written by a child process, and each side runs in a fresh interpreter started by this
parent, which never builds or reads the input (peak RSS is inherited across exec). Each side
runs ``--runs`` times; the minimum and the median are printed with the load average before
each run. Peak memory is the largest sum of the resident memory of the side and all its
worker processes, sampled every 0.2 s (psutil), and, as an upper bound, the side's own peak
plus its workers' largest peak times their number.

    python benchmarks/scan.py --rows 10000000                    # both sides, 3 runs each
    python benchmarks/scan.py --rows 10000000 --runs 3 --baseline-runs 1
    python benchmarks/scan.py --rows 50000000 --skip-baseline --runs 1
    python benchmarks/scan.py --rows 200000 --runs 1             # quick
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CACHE, peak_rss_mib, run_side

AGENTS = ("GPTBot", "CCBot", "Google-Extended", "ClaudeBot", "anthropic-ai", "Bytespider",
          "Applebot-Extended", "PerplexityBot", "meta-externalagent", "cohere-ai")
MARKETS = ("us", "eu", "uk", "jp", "cn", "sg")
CHUNK = 2_000_000


def generate(path: Path, rows: int) -> None:
    """Write a demo manifest of ``rows`` rows in chunks of CHUNK (keys unique over chunks)."""
    import polars as pl
    import pyarrow.parquet as pq

    from clearance.demo.generate import generate_manifest

    tmp = path.with_name(path.name + ".tmp")
    writer = None
    done = 0
    while done < rows:
        n = min(CHUNK, rows - done)
        frame = generate_manifest(n, 2026 + done // CHUNK).with_columns(
            (pl.lit("acme-") + (pl.int_range(0, n) + done).cast(pl.String).str.zfill(10))
            .alias("key"))
        table = frame.to_arrow()
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema, compression="zstd")
        writer.write_table(table, row_group_size=1 << 20)
        done += n
    assert writer is not None
    writer.close()
    tmp.replace(path)


def manifest(rows: int) -> Path:
    """Return a cached demo manifest of ``rows`` rows, written by a child process."""
    path = CACHE / f"demo-{rows}.parquet"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        run_side(Path(__file__), "--side", "generate", "--path", str(path), "--rows", str(rows))
    return path


class TreeMemory:
    """Samples the summed RSS of this process and its descendants (the true peak)."""

    def __init__(self, every: float = 0.2) -> None:
        import psutil

        self.me = psutil.Process()
        self.peak = 0
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            try:
                procs = [self.me, *self.me.children(recursive=True)]
            except psutil.Error:
                procs = [self.me]
            for proc in procs:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.every)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def _cpu_seconds() -> float:
    """Return the CPU time of this process and its finished children (user + system)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def side_clearance(path: Path, workers: int | None) -> dict[str, Any]:
    from clearance.demo.snapshot import demo_snapshot_path
    from clearance.engine.scan import ScanConfig, run_scan

    memory = TreeMemory()
    with tempfile.TemporaryDirectory(dir=os.environ.get("CLEARANCE_BENCH_TMP")) as tmp:
        started = time.perf_counter()
        result = run_scan(ScanConfig(manifest=str(path), out=Path(tmp) / "scan",
                                     markets=MARKETS, policy="eu-ready-commercial",
                                     snapshots=(demo_snapshot_path(),), workers=workers))
        seconds = time.perf_counter() - started
    return {"rows": result.rows_read, "seconds": seconds, "tree_peak_mib": memory.stop(),
            "peak_rss_mib": peak_rss_mib(), "tiers": result.tiers, "cpu": _cpu_seconds()}


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


def side_baseline(path: Path) -> dict[str, Any]:
    """The per-row pipeline over the whole manifest, read and written in 1M-row slices (so
    its memory, like clearance's, does not grow with the manifest)."""
    from urllib.parse import urlsplit

    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from clearance.demo.snapshot import demo_snapshot_path
    from clearance.enrich.categories import default_knowledge

    memory = TreeMemory()
    kb = {d: c for d, (c, _) in default_knowledge().domains.items()}
    started = time.perf_counter()
    captures = _captures(demo_snapshot_path())
    total = 0
    tiers: dict[str, int] = {}
    with tempfile.TemporaryDirectory(dir=os.environ.get("CLEARANCE_BENCH_TMP")) as tmp:
        writer = None
        for batch in pq.ParquetFile(path).iter_batches(
                batch_size=1 << 20, columns=["url", "license", "crawl_date"]):
            frame = batch.to_pandas()
            rows = []
            for url, license_raw, crawl_date in zip(frame["url"], frame["license"],
                                                    frame["crawl_date"], strict=True):
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
                        blocked = [a for a in AGENTS
                                   if not parser.can_fetch(url, a)]  # type: ignore[attr-defined]
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
                tiers[tier] = tiers.get(tier, 0) + 1
                rows.append({"url": url, "host": host, "category": category,
                             "permission": permission, "reserved": reserved, "tier": tier,
                             **{f"exposure_{m}": v for m, v in exposure.items()}})
            table = pa.Table.from_pandas(pd.DataFrame(rows), preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(Path(tmp) / "facts.parquet", table.schema)
            writer.write_table(table)
            total += len(rows)
        if writer is not None:
            writer.close()
    seconds = time.perf_counter() - started
    return {"rows": total, "seconds": seconds, "tree_peak_mib": memory.stop(),
            "peak_rss_mib": peak_rss_mib(), "tiers": tiers, "cpu": _cpu_seconds()}


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def _runs(name: str, runs: int, *args: str) -> list[dict[str, Any]]:
    out = []
    for k in range(runs):
        load = _load()
        got = run_side(Path(__file__), "--side", name, *args)
        got["load_before"] = load
        got["load_after"] = _load()
        rate = got["rows"] / got["seconds"]
        print(f"  {name} run {k + 1}: {got['rows']:,} rows in {got['seconds']:.1f} s = "
              f"{rate:,.0f} rows/s; CPU {got.get('cpu', 0):,.0f} s "
              f"({got['rows'] / max(got.get('cpu', 0), 1e-9):,.0f} rows per CPU-second); "
              f"peak memory {got['tree_peak_mib']:,.0f} MiB (sampled "
              f"sum), {got['peak_rss_mib']:,.0f} MiB (upper bound); load average "
              f"{load} -> {got['load_after']}", flush=True)
        out.append(got)
    return out


def _summary(name: str, runs: list[dict[str, Any]]) -> float:
    rates = [r["rows"] / r["seconds"] for r in runs]
    peak = max(r["tree_peak_mib"] for r in runs)
    print(f"{name}: rows/s min {min(rates):,.0f}, median {statistics.median(rates):,.0f} "
          f"over {len(runs)} run(s); peak memory {peak:,.0f} MiB (sampled sum), "
          f"{max(r['peak_rss_mib'] for r in runs):,.0f} MiB (upper bound)")
    return float(statistics.median(rates))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--baseline-runs", type=int, default=None,
                        help="runs of the baseline (default: --runs)")
    parser.add_argument("--skip-clearance", action="store_true")
    parser.add_argument("--side", choices=["clearance", "baseline", "generate"])
    parser.add_argument("--path", type=Path)
    args = parser.parse_args()
    if args.side == "generate":
        generate(args.path, args.rows)
        print(json.dumps({"rows": args.rows}))
        return
    if args.side == "clearance":
        print(json.dumps(side_clearance(args.path, args.workers)))
        return
    if args.side == "baseline":
        print(json.dumps(side_baseline(args.path)))
        return
    path = manifest(args.rows)
    print(f"manifest: {args.rows:,} rows ({path.stat().st_size / 2**20:,.0f} MiB); "
          f"{os.cpu_count()} CPUs; load average {_load()}", flush=True)
    extra = ["--workers", str(args.workers)] if args.workers else []
    ours = None
    if not args.skip_clearance:
        ours = _summary("clearance", _runs("clearance", args.runs, "--path", str(path), *extra))
    if args.skip_baseline:
        return
    base = _summary("baseline", _runs("baseline", args.baseline_runs or args.runs,
                                      "--path", str(path)))
    if ours is not None:
        print(f"ratio (medians): clearance is {ours / base:.1f}x the baseline's rows/s")


if __name__ == "__main__":
    main()
