# SPDX-License-Identifier: Apache-2.0
"""Fetcher load test on loopback: 20,000+ hosts, every host must end with a recorded outcome.

Runs the loopback server (tests/fetch/loopback.py) in its own process, a static resolver
mapping the names to 127.0.0.1, and, each part ``--runs`` times (min / median printed, with
the load average before and after every run):

1. client choice: the fetcher's client (clearance.fetch.wire: asyncio + httptools) vs aiohttp
   vs httpx, same requests, same server, same concurrency; CPU per request one at a time;
2. the ceilings: the fetcher's client alone (three GETs per host on the same mix, no evidence,
   ``--workers`` processes), and the evidence writer alone (synthetic documents, CPU each);
3. the load test: ``fetch_host_documents`` over N hosts (a mix of robots.txt variants, slow
   responses, 5xx, 429, redirect loops, oversized bodies, gzip bombs, resets, redirects into
   private space, names that do not resolve, names resolving to a private address), with
   hosts/s, CPU per host, outcome classes, peak memory, and a check that nothing was lost;
   then ``evidence verify`` over the result;
4. datadiligence (Spawning) checking the same URLs at the same concurrency (sequential, and
   ``--dd-concurrency`` threads against as many hosts in flight), ratio printed.

    .venv/bin/python benchmarks/fetch.py [--hosts 20000] [--workers 2] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

IN_FLIGHT = 256  # hosts in flight per worker
_WAITING = ("slow", "crawl-delay")
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


def _server_process() -> psutil.Process:
    """Return the loopback server process (a child of this one)."""
    for child in psutil.Process().children():
        if "tests.fetch.loopback" in " ".join(child.cmdline()):
            return child
    raise RuntimeError("no loopback server")


def client_choice(port: int, n: int = 3000, concurrency: int = 64) -> dict[str, float]:
    """Return requests/s of each client fetching the same n URLs, and CPU ms per request.

    Two patterns, every client behind the same guarded resolver where it takes one: ``hosts``,
    one request to each of n host names (a connection each, as the fetcher meets hosts), and
    ``keepalive``, n requests to one name over reused connections (httpx takes no resolver: it
    is sent to 127.0.0.1 with a Host header). CPU per request is measured one request at a time.
    """
    import aiohttp
    import httpx
    from yarl import URL

    from clearance.fetch.guard import AddressGuard
    from clearance.fetch.resolver import GuardedResolver
    from clearance.fetch.run import run_event_loop
    from clearance.fetch.wire import Connector

    guard = AddressGuard(("127.0.0.0/8",))
    resolver = GuardedResolver(StaticResolver({"*.loop.test": "127.0.0.1"}), guard)
    many = [f"http://h{i:06d}.v.loop.test:{port}/robots.txt" for i in range(n)]
    one_name = [f"http://plain.v.loop.test:{port}/robots.txt"] * n

    async def with_wire(urls: list[str], width: int) -> None:
        sem = asyncio.Semaphore(width)
        conn = Connector(
            resolver=resolver,
            socket_factory=guard.socket_factory,
            peer_check=guard.refusal,
            limit=width,
        )

        async def one(url: str) -> None:
            async with sem:
                await conn.request("GET", URL(url), [], cap=1 << 20, timeout=30, connect_timeout=30)

        await asyncio.gather(*(one(u) for u in urls))
        await conn.close()

    async def with_aiohttp(urls: list[str], width: int) -> None:
        sem = asyncio.Semaphore(width)
        conn = aiohttp.TCPConnector(
            resolver=resolver,  # type: ignore[arg-type]
            use_dns_cache=False,
            limit=width,
            socket_factory=guard.socket_factory,
        )
        async with aiohttp.ClientSession(connector=conn, auto_decompress=False) as session:

            async def one(url: str) -> None:
                async with sem, session.get(url, allow_redirects=False) as resp:
                    await resp.read()

            await asyncio.gather(*(one(u) for u in urls))

    async def with_httpx(urls: list[str], width: int) -> None:
        sem = asyncio.Semaphore(width)
        limits = httpx.Limits(max_connections=width)
        target = f"http://127.0.0.1:{port}/robots.txt"
        async with httpx.AsyncClient(limits=limits) as client:

            async def one(url: str) -> None:
                async with sem:
                    resp = await client.get(
                        target, headers={"Host": URL(url).host_port_subcomponent or ""}
                    )
                    resp.read()

            await asyncio.gather(*(one(u) for u in urls))

    def timed(
        fn: Callable[[list[str], int], Any], urls: list[str], width: int
    ) -> tuple[float, float]:
        cpu, wall = time.process_time(), time.perf_counter()
        run_event_loop(fn(urls, width))
        return len(urls) / (time.perf_counter() - wall), (time.process_time() - cpu) / len(urls)

    out: dict[str, float] = {}
    for name, fn in (("wire", with_wire), ("aiohttp", with_aiohttp)):
        out[f"{name}_hosts"], _ = timed(fn, many, concurrency)
        _, cpu = timed(fn, many[:500], 1)
        out[f"{name}_hosts_cpu_ms"] = cpu * 1e3
    for name, fn in (("wire", with_wire), ("aiohttp", with_aiohttp), ("httpx", with_httpx)):
        out[f"{name}_keepalive"], _ = timed(fn, one_name, concurrency)
        _, cpu = timed(fn, one_name[:500], 1)
        out[f"{name}_keepalive_cpu_ms"] = cpu * 1e3
    return out


async def _bare(port: int, start: int, stop: int) -> None:
    """Fetch the three host documents of hosts [start, stop) with the client alone, no evidence.

    The fetcher's client behind the same guard (guarded resolver, socket factory, peer check).
    """
    from clearance.fetch.guard import AddressGuard
    from clearance.fetch.resolver import GuardedResolver
    from clearance.fetch.wire import Connector

    guard = AddressGuard(("127.0.0.0/8",))
    resolver = GuardedResolver(StaticResolver({"*.loop.test": "127.0.0.1"}), guard)
    gate = asyncio.Semaphore(IN_FLIGHT)
    conn = Connector(
        resolver=resolver, socket_factory=guard.socket_factory, peer_check=guard.refusal
    )

    async def one(i: int) -> None:
        async with gate:
            for path in ("/robots.txt", "/.well-known/tdmrep.json", "/ai.txt"):
                try:
                    url = guard.check_url(f"http://h{i:06d}.loop.test:{port}{path}")
                    await conn.request(
                        "GET", url, [], cap=512 * 1024, timeout=2.0, connect_timeout=2.0
                    )
                except (OSError, ValueError):
                    break

    await asyncio.gather(*(one(i) for i in range(start, stop)))
    await conn.close()


def bare_ceiling(port: int, hosts_n: int, workers: int) -> dict[str, float]:
    """Return hosts/s and CPU ms per host of the client alone (3 GETs per host, no evidence)."""
    import subprocess

    step = -(-hosts_n // workers)
    begin = time.perf_counter()
    cpu0 = _cpu()
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
    seconds = time.perf_counter() - begin
    return {"hosts_per_s": hosts_n / seconds, "cpu_ms_per_host": (_cpu() - cpu0) / hosts_n * 1e3}


def evidence_alone(n: int, root: Path) -> float:
    """Return CPU microseconds per document of the evidence writer (thread, batches, index).

    Synthetic robots.txt documents (one request + one response record each), handed to the
    store as the event loop hands them; what the writer thread does is what is counted.
    """
    from clearance.fetch.client import Exchange, Hop
    from clearance.fetch.store import Document, EvidenceStore

    head = (
        b"GET /robots.txt HTTP/1.1\r\nHost: h.loop.test\r\nUser-Agent: clearance/0.1\r\n"
        b"Accept: */*\r\nAccept-Encoding: gzip, deflate\r\n\r\n"
    )
    body = b"User-agent: *\nDisallow: /private/\nSitemap: /sitemap.xml\n"
    docs = []
    for i in range(n):
        url = f"http://h{i:06d}.loop.test/robots.txt"
        hop = Hop(url, "GET", [], datetime.now(UTC), request_head=head, status=200)
        hop.reason, hop.peer, hop.raw_body = "OK", "127.0.0.1", body
        hop.response_headers = [("Content-Type", "text/plain"), ("Content-Length", "60")]
        ex = Exchange(url, [hop], "ok", 200, url, hop.response_headers, body)
        docs.append(Document(f"h{i:06d}.loop.test", "robots", url, exchange=ex))
    store = EvidenceStore(root, "s00", run="bench", warc_max_bytes=1 << 30, commit_every=2000)
    store.open()
    cpu = time.process_time()
    for doc in docs:
        store.submit(doc)
    store.close()
    return (time.process_time() - cpu) / n * 1e6


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
    load_before = os.getloadavg()[0]
    server = _server_process()
    server_cpu0 = sum(server.cpu_times()[:2])
    with PeakMemory() as mem:
        began = datetime.now(UTC)
        start = time.perf_counter()
        cpu0 = _cpu()
        summary = fetch_host_documents(hosts, root, config=config, resolver=resolver)
        cpu = _cpu() - cpu0
        seconds = time.perf_counter() - start
    load_after = os.getloadavg()[0]
    server_cpu = sum(server.cpu_times()[:2]) - server_cpu0
    index = EvidenceIndex(root / "index.sqlite")
    docs = index.query(
        "SELECT host, doc, date FROM records WHERE final = 1 AND run = ?", (summary.run,)
    )
    index.close()
    # when the last host that is not one of the deliberately slow ones got its last answer:
    # the slow hosts (3 s answers, 2 s timeout, one retry) keep a run going ~4 s after they
    # start, and the last of them starts near the end
    ordinary = [
        datetime.fromisoformat(str(r["date"]).replace("Z", "+00:00"))
        for r in docs
        if variant_of(str(r["host"])) != "slow"
    ]
    ordinary_s = (max(ordinary) - began).total_seconds()
    slow_n = sum(variant_of(h.split("://", 1)[1]) == "slow" for h in hosts)
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
        "server_cpu_ms_per_host": server_cpu / len(hosts) * 1000,
        "hosts_per_s_before_slow_tail": (len(hosts) - slow_n) / ordinary_s,
        "load_before": load_before,
        "load_after": load_after,
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


def datadiligence_vs_ours(port: int, n: int, root: Path, concurrency: int) -> dict[str, object]:
    """Fetch n hosts (+ one image item each) with ours; check the same URLs with datadiligence.

    Both sides at the same concurrency: ours with ``concurrency`` hosts in flight (a host's
    documents one after another), datadiligence's ``HttpEvaluator.is_allowed`` in as many
    threads (it GETs each URL once per rule, X-Robots-Tag and TDMRep, with requests). It is
    given every URL we recorded except those that timed out, were refused by the SSRF guard or
    could not be resolved: it has no SSRF guard and would wait out each timeout. Hosts that make
    a polite client wait (a 3 s answer, a Crawl-delay) are left out of this comparison: waiting
    is not speed, and datadiligence does neither.
    """
    real_getaddrinfo = socket.getaddrinfo

    def fake_getaddrinfo(host: str, *args: object, **kw: object) -> object:
        if isinstance(host, str) and host.endswith(".loop.test"):
            host = "127.0.0.1"
        return real_getaddrinfo(host, *args, **kw)  # type: ignore[arg-type]

    names = (f"h{i:06d}.loop.test" for i in range(n * 2))
    hosts = [f"http://{h}:{port}" for h in names if variant_of(h) not in _WAITING][:n]
    items = [f"{h}/item/{i}.jpg" for i, h in enumerate(hosts)]
    resolver = StaticResolver({"*.loop.test": "127.0.0.1"})
    config = FetchConfig(
        allow_networks=("127.0.0.0/8",),
        retries=1,
        backoff_base=0.05,
        total_timeout=2.0,
        max_crawl_delay=1.0,
        max_hosts_in_flight=concurrency,
        max_concurrency=max(2, 2 * concurrency),
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
    item_set = set(items)

    def check(url: str) -> str:
        try:
            return "allowed" if evaluator.is_allowed(url=url) else "disallowed"
        except Exception:
            return "error"

    socket.getaddrinfo = fake_getaddrinfo  # type: ignore[assignment]
    try:
        start = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            verdicts = list(pool.map(check, usable))
        dd_s = time.perf_counter() - start
    finally:
        socket.getaddrinfo = real_getaddrinfo
    return {
        "concurrency": concurrency,
        "hosts": n,
        "ours_urls": ours_urls,
        "ours_seconds": ours_s,
        "ours_urls_per_s": ours_urls / ours_s,
        "dd_urls": len(usable),
        "dd_seconds": dd_s,
        "dd_urls_per_s": len(usable) / dd_s,
        "ratio": (ours_urls / ours_s) / (len(usable) / dd_s),
        "ours_noai_items": ours_noai,
        "dd_disallowed": verdicts.count("disallowed"),
        "dd_disallowed_items": sum(
            v == "disallowed" and u in item_set for u, v in zip(usable, verdicts, strict=True)
        ),
        "dd_errors": verdicts.count("error"),
    }


def _runs(n: int, fn: Callable[[int], Any]) -> list[Any]:
    """Return fn(run number) for n runs."""
    out = []
    for i in range(n):
        out.append(fn(i))
    return out


def _stats(values: list[float]) -> str:
    return f"min {min(values):,.2f} / median {statistics.median(values):,.2f}"


def _line(tag: str, res: dict[str, Any]) -> str:
    return f"[{tag}] " + ", ".join(
        f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in res.items()
    )


def main() -> None:
    """Run every part ``--runs`` times and print the numbers with the load average."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dd-urls", type=int, default=1000)
    parser.add_argument("--dd-concurrency", type=int, nargs="*", default=[1, 32])
    parser.add_argument(
        "--skip", nargs="*", default=[], choices=["client", "bare", "evidence", "load", "dd"]
    )
    parser.add_argument("--bare-child", nargs=3, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_child:
        from clearance.fetch.run import run_event_loop

        run_event_loop(_bare(*args.bare_child))
        return
    with loopback_server(lifetime=3600) as port, tempfile.TemporaryDirectory() as tmp:
        print(
            f"machine: {psutil.cpu_count()} CPUs, python {sys.version.split()[0]}, "
            f"load average {os.getloadavg()[0]:.2f} at start, {args.runs} runs per part"
        )
        if "client" not in args.skip:
            rates = _runs(args.runs, lambda i: client_choice(port))
            for r in rates:
                print(_line("client", {**r, "load": os.getloadavg()[0]}))
            for pattern, names in (
                ("hosts", ("wire", "aiohttp")),
                ("keepalive", ("wire", "aiohttp", "httpx")),
            ):
                for name in names:
                    key = f"{name}_{pattern}"
                    print(
                        f"[client] {pattern}, {name}: 64 concurrent req/s "
                        f"{_stats([r[key] for r in rates])}; one at a time, CPU ms per request "
                        f"{_stats([r[key + '_cpu_ms'] for r in rates])}"
                    )
                for other in names[1:]:
                    print(
                        f"[client] {pattern}, wire / {other} req/s: "
                        + _stats([r[f"wire_{pattern}"] / r[f"{other}_{pattern}"] for r in rates])
                    )
        if "bare" not in args.skip:
            bare = _runs(args.runs, lambda i: bare_ceiling(port, args.hosts, args.workers))
            for b in bare:
                print(_line("bare", {**b, "load": os.getloadavg()[0]}))
            print(
                f"[bare] client alone, 3 GETs per host, no evidence, {args.workers} processes: "
                f"hosts/s {_stats([b['hosts_per_s'] for b in bare])}, CPU ms per host "
                f"{_stats([b['cpu_ms_per_host'] for b in bare])}"
            )
        if "evidence" not in args.skip:
            per_doc = _runs(args.runs, lambda i: evidence_alone(20000, Path(tmp) / f"ev{i}"))
            print(
                f"[evidence] writer alone, CPU us per document (2 records, ledger, index): "
                f"{_stats(per_doc)}, load {os.getloadavg()[0]:.2f}"
            )
        if "load" not in args.skip:

            def one_load(i: int) -> dict[str, Any]:
                res = load_test(port, args.hosts, args.workers, Path(tmp) / "load")
                shutil.rmtree(Path(tmp) / "load")
                print(_line("load", res), flush=True)
                return res

            loads = _runs(args.runs, one_load)
            for key in (
                "hosts_per_s",
                "hosts_per_s_before_slow_tail",
                "cpu_ms_per_host",
                "server_cpu_ms_per_host",
                "peak_rss_mb",
                "seconds",
            ):
                print(f"[load] {key}: {_stats([r[key] for r in loads])}")
            print(
                f"[load] lost hosts {[r['lost_hosts'] for r in loads]}, hosts missing documents "
                f"{[r['hosts_missing_documents'] for r in loads]}, verify ok "
                f"{[r['verify_ok'] for r in loads]}, load before/after "
                f"{[(round(r['load_before'], 2), round(r['load_after'], 2)) for r in loads]}"
            )
        if "dd" not in args.skip:
            for width in args.dd_concurrency:

                def one_dd(i: int, width: int = width) -> dict[str, Any]:
                    where = Path(tmp) / f"dd-{width}-{i}"
                    res = datadiligence_vs_ours(port, args.dd_urls, where, width)
                    shutil.rmtree(where)
                    print(_line("datadiligence", {**res, "load": os.getloadavg()[0]}), flush=True)
                    return res

                dds = _runs(args.runs, one_dd)
                print(
                    f"[datadiligence] concurrency {width}: ours URLs/s "
                    f"{_stats([d['ours_urls_per_s'] for d in dds])}, datadiligence URLs/s "
                    f"{_stats([d['dd_urls_per_s'] for d in dds])}, ratio "
                    f"{_stats([d['ratio'] for d in dds])}"
                )


if __name__ == "__main__":
    main()
