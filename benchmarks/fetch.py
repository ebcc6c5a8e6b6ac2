# SPDX-License-Identifier: Apache-2.0
"""Fetcher load test on loopback: 20,000+ hosts, every host must end with a recorded outcome.

Runs the loopback server (tests/fetch/loopback.py) in its own process, a static resolver
mapping the names to 127.0.0.1, and:

1. client choice: aiohttp vs httpx, same requests, same server (why the fetcher uses aiohttp);
2. the load test: ``fetch_host_documents`` over N hosts (a mix of robots.txt variants, slow
   responses, 5xx, 429, redirect loops, oversized bodies, gzip bombs, resets, redirects into
   private space, names that do not resolve, names resolving to a private address), with
   hosts/s, outcome classes, peak memory, and a check that nothing was lost; then
   ``evidence verify`` over the result;
3. datadiligence (Spawning) checking the headers of the same item URLs, ratio printed.

    .venv/bin/python benchmarks/fetch.py [--hosts 20000] [--workers 2] [--dd-urls 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import psutil

IN_FLIGHT = 256  # hosts in flight per worker
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from clearance.config import FetchConfig  # noqa: E402
from clearance.fetch import (  # noqa: E402
    Snapshot,
    StaticResolver,
    fetch_host_documents,
    verify_evidence,
)
from clearance.fetch.index import EvidenceIndex  # noqa: E402
from tests.fetch.loopback import loopback_server, variant_of  # noqa: E402


def _cpu() -> float:
    """Return CPU seconds used by this process and its reaped children (the workers)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class PeakMemory:
    """Sample the RSS of this process plus the children it starts, every 100 ms; keep the peak.

    Children alive when sampling starts (the loopback server) are left out.
    """

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._before = {p.pid for p in psutil.Process().children(recursive=True)}

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = me.memory_info().rss
            for child in me.children(recursive=True):
                if child.pid in self._before:
                    continue
                try:
                    total += child.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.1)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def client_choice(port: int, n: int = 3000, concurrency: int = 64) -> dict[str, float]:
    """Return requests/s of aiohttp and httpx fetching the same n URLs from the server."""
    import aiohttp
    import httpx

    paths = [f"h{i:06d}.v.loop.test" for i in range(n)]
    target = f"http://127.0.0.1:{port}/robots.txt"

    async def with_aiohttp() -> None:
        sem = asyncio.Semaphore(concurrency)
        conn = aiohttp.TCPConnector(limit=concurrency)
        async with aiohttp.ClientSession(connector=conn) as session:

            async def one(host: str) -> None:
                async with sem, session.get(target, headers={"Host": host}) as resp:
                    await resp.read()

            await asyncio.gather(*(one(h) for h in paths))

    async def with_httpx() -> None:
        sem = asyncio.Semaphore(concurrency)
        limits = httpx.Limits(max_connections=concurrency)
        async with httpx.AsyncClient(limits=limits) as client:

            async def one(host: str) -> None:
                async with sem:
                    resp = await client.get(target, headers={"Host": host})
                    resp.read()

            await asyncio.gather(*(one(h) for h in paths))

    async def sequential_aiohttp() -> None:
        async with aiohttp.ClientSession() as session:
            for host in paths[:300]:
                async with session.get(target, headers={"Host": host}) as resp:
                    await resp.read()

    async def sequential_httpx() -> None:
        async with httpx.AsyncClient() as client:
            for host in paths[:300]:
                (await client.get(target, headers={"Host": host})).read()

    out = {}
    for name, fn in (("aiohttp", with_aiohttp), ("httpx", with_httpx)):
        start = time.perf_counter()
        asyncio.run(fn())
        out[name] = n / (time.perf_counter() - start)
    for name, fn in (("aiohttp_cpu_ms", sequential_aiohttp), ("httpx_cpu_ms", sequential_httpx)):
        cpu = time.process_time()
        asyncio.run(fn())
        out[name] = (time.process_time() - cpu) / 300 * 1000
    return out


async def _bare(port: int, start: int, stop: int) -> None:
    """Fetch the three host documents of hosts [start, stop) with aiohttp alone, no evidence."""
    import aiohttp

    from clearance.fetch.guard import AddressGuard
    from clearance.fetch.resolver import GuardedResolver

    resolver = GuardedResolver(
        StaticResolver({"*.loop.test": "127.0.0.1"}), AddressGuard(("127.0.0.0/8",))
    )
    gate = asyncio.Semaphore(IN_FLIGHT)
    conn = aiohttp.TCPConnector(resolver=resolver, limit=512, use_dns_cache=False)
    timeout = aiohttp.ClientTimeout(total=2.0)
    async with aiohttp.ClientSession(
        connector=conn, auto_decompress=False, timeout=timeout
    ) as session:

        async def one(i: int) -> None:
            async with gate:
                for path in ("/robots.txt", "/.well-known/tdmrep.json", "/ai.txt"):
                    try:
                        url = f"http://h{i:06d}.loop.test:{port}{path}"
                        async with session.get(url, allow_redirects=False) as resp:
                            await resp.content.read(512 * 1024)
                    except (aiohttp.ClientError, TimeoutError):
                        break

        await asyncio.gather(*(one(i) for i in range(start, stop)))


def bare_ceiling(port: int, hosts_n: int, workers: int) -> float:
    """Return hosts/s of aiohttp alone (3 GETs per host, no evidence) in ``workers`` processes."""
    import subprocess

    step = -(-hosts_n // workers)
    begin = time.perf_counter()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--bare-child",
                str(port),
                str(a),
                str(min(hosts_n, a + step)),
            ]
        )
        for a in range(0, hosts_n, step)
    ]
    for proc in procs:
        proc.wait()
    return hosts_n / (time.perf_counter() - begin)


def load_test(port: int, hosts_n: int, workers: int, root: Path) -> dict[str, object]:
    """Run the fetcher over the mix; return throughput, outcomes, memory and checks."""
    hosts = [f"http://h{i:06d}.loop.test:{port}" for i in range(hosts_n)]
    extra = max(1, hosts_n // 100)
    hosts += [f"http://gone{i}.nx.test:{port}" for i in range(extra)]  # DNS failure
    hosts += [f"http://db{i}.internal.test:{port}" for i in range(extra)]  # private address
    resolver = StaticResolver({"*.loop.test": "127.0.0.1", "*.internal.test": "10.0.0.5"})
    config = FetchConfig(
        allow_networks=("127.0.0.0/8",),
        workers=workers,
        retries=1,
        backoff_base=0.05,
        total_timeout=2.0,
        connect_timeout=2.0,
        max_crawl_delay=1.0,
        max_hosts_in_flight=384,
        max_concurrency=512,
        commit_every=2000,
    )
    with PeakMemory() as mem:
        start = time.perf_counter()
        cpu0 = _cpu()
        summary = fetch_host_documents(hosts, root, config=config, resolver=resolver)
        cpu = _cpu() - cpu0
        seconds = time.perf_counter() - start
    index = EvidenceIndex(root / "index.sqlite")
    docs = index.query("SELECT host, doc FROM records WHERE final = 1 AND run = ?", (summary.run,))
    index.close()
    per_host = Counter(str(r["host"]) for r in docs)
    robots = {str(r["host"]) for r in docs if r["doc"] == "robots"}
    lost = [h for h in hosts if h.split("://", 1)[1] not in robots]
    short = [h for h, n in per_host.items() if n < 3]
    start = time.perf_counter()
    report = verify_evidence(root)
    verify_s = time.perf_counter() - start
    start = time.perf_counter()
    snap = Snapshot.from_paths([root / "warc"])
    snapshot_s = time.perf_counter() - start
    variants = Counter(variant_of(h.split("://", 1)[1]) for h in hosts[:hosts_n])
    return {
        "hosts": len(hosts),
        "seconds": seconds,
        "hosts_per_s": len(hosts) / seconds,
        "cpu_ms_per_host": cpu / len(hosts) * 1000,
        "load_avg_1m": os.getloadavg()[0],
        "documents": summary.documents,
        "docs_per_s": summary.documents / seconds,
        "outcomes": dict(sorted(summary.outcomes.items())),
        "host_outcomes": dict(sorted(summary.host_outcomes.items())),
        "peak_rss_mb": mem.peak / 2**20,
        "lost_hosts": len(lost),
        "hosts_missing_documents": len(short),
        "verify_ok": report.ok,
        "verify_records": report.records,
        "verify_s": verify_s,
        "snapshot_index_s": snapshot_s,
        "snapshot_records": snap.records,
        "warc_mb": sum(p.stat().st_size for p in (root / "warc").glob("*")) / 2**20,
        "variants": dict(sorted(variants.items())),
    }


def datadiligence_vs_ours(port: int, n: int, root: Path) -> dict[str, object]:
    """Fetch n hosts (+ one image item each) with ours; check the same URLs with datadiligence.

    datadiligence's HttpEvaluator GETs each URL once per rule (X-Robots-Tag, TDMRep) with
    requests, one at a time. It is given every URL we recorded except those that timed out,
    were refused by the SSRF guard or could not be resolved: it has no SSRF guard and would
    wait out each timeout.
    """
    real_getaddrinfo = socket.getaddrinfo

    def fake_getaddrinfo(host: str, *args: object, **kw: object) -> object:
        if isinstance(host, str) and host.endswith(".loop.test"):
            host = "127.0.0.1"
        return real_getaddrinfo(host, *args, **kw)  # type: ignore[arg-type]

    hosts = [f"http://h{i:06d}.loop.test:{port}" for i in range(n)]
    items = [f"{h}/item/{i}.jpg" for i, h in enumerate(hosts)]
    resolver = StaticResolver({"*.loop.test": "127.0.0.1"})
    config = FetchConfig(
        allow_networks=("127.0.0.0/8",),
        retries=1,
        backoff_base=0.05,
        total_timeout=2.0,
        max_crawl_delay=1.0,
    )
    start = time.perf_counter()
    fetch_host_documents(hosts, root, config=config, resolver=resolver, items=items)
    ours_s = time.perf_counter() - start
    index = EvidenceIndex(root / "index.sqlite")
    rows = index.query("SELECT url, doc, outcome FROM records WHERE final = 1")
    index.close()
    ours_urls = len(rows)
    usable = [
        r["url"]
        for r in rows
        if r["outcome"] not in ("timeout", "blocked", "dns_error", "skipped", "connection_error")
    ]
    snap = Snapshot.from_paths([root / "warc"])
    ours_noai = 0
    for item in items:
        cap = snap.lookup(item.split("/")[2], "/" + item.split("/", 3)[3])
        if cap and any(k.lower() == "x-robots-tag" and "noai" in v for k, v in cap.headers):
            ours_noai += 1
    import datadiligence as dd  # noqa: F401  (loads its default evaluators)
    from datadiligence.evaluators import HttpEvaluator

    evaluator = HttpEvaluator()
    socket.getaddrinfo = fake_getaddrinfo  # type: ignore[assignment]
    errors = disallowed = disallowed_items = 0
    item_set = set(items)
    try:
        start = time.perf_counter()
        for url in usable:
            try:
                if not evaluator.is_allowed(url=url):
                    disallowed += 1
                    disallowed_items += url in item_set
            except Exception:
                errors += 1
        dd_s = time.perf_counter() - start
    finally:
        socket.getaddrinfo = real_getaddrinfo
    return {
        "hosts": n,
        "ours_urls": ours_urls,
        "ours_seconds": ours_s,
        "ours_urls_per_s": ours_urls / ours_s,
        "dd_urls": len(usable),
        "dd_seconds": dd_s,
        "dd_urls_per_s": len(usable) / dd_s,
        "ratio": (ours_urls / ours_s) / (len(usable) / dd_s),
        "ours_noai_items": ours_noai,
        "dd_disallowed": disallowed,
        "dd_disallowed_items": disallowed_items,
        "dd_errors": errors,
    }


def main() -> None:
    """Run all three parts and print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dd-urls", type=int, default=1000)
    parser.add_argument("--skip", nargs="*", default=[], choices=["client", "bare", "load", "dd"])
    parser.add_argument("--bare-child", nargs=3, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_child:
        from clearance.fetch.run import run_event_loop

        run_event_loop(_bare(*args.bare_child))
        return
    with loopback_server(lifetime=1800) as port, tempfile.TemporaryDirectory() as tmp:
        print(f"machine: {psutil.cpu_count()} CPUs, python {sys.version.split()[0]}")
        if "client" not in args.skip:
            rates = client_choice(port)
            print(
                f"[client] 64 concurrent: aiohttp {rates['aiohttp']:.0f} req/s, httpx "
                f"{rates['httpx']:.0f} req/s, ratio {rates['aiohttp'] / rates['httpx']:.1f}x; "
                f"sequential CPU per request: aiohttp {rates['aiohttp_cpu_ms']:.2f} ms, httpx "
                f"{rates['httpx_cpu_ms']:.2f} ms"
            )
        if "bare" not in args.skip:
            rate = bare_ceiling(port, args.hosts, args.workers)
            print(
                f"[bare] aiohttp alone, 3 GETs per host, no evidence, {args.workers} "
                f"processes: {rate:.0f} hosts/s"
            )
        if "load" not in args.skip:
            res = load_test(port, args.hosts, args.workers, Path(tmp) / "load")
            print(
                "[load] "
                + ", ".join(
                    f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in res.items()
                )
            )
            shutil.rmtree(Path(tmp) / "load")
        if "dd" not in args.skip:
            dd = datadiligence_vs_ours(port, args.dd_urls, Path(tmp) / "dd")
            print(
                "[datadiligence] "
                + ", ".join(
                    f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in dd.items()
                )
            )


if __name__ == "__main__":
    main()
