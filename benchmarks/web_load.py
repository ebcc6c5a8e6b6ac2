# SPDX-License-Identifier: Apache-2.0
"""Load test of ``clearance serve`` on loopback: N concurrent clients for S seconds on the
dashboard, the JSON API and the transparency page; p50/p95/p99 latency and errors.

The peer is the floor: the same server stack (uvicorn, one process) serving the static pages
``clearance publish`` writes for the same scan, under the same clients; the ratio is
clearance's p95 over the static site's. The server runs in its own process; the clients in
this one (aiohttp). Bounded: every client stops at the deadline. Prints the load average.

    .venv/bin/python benchmarks/web_load.py clearance-demo/scan --clients 200 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import aiohttp

DYNAMIC = ("/", "/api/summary", "/api/scans/{sid}/matrix", "/transparency",
           "/api/scans/{sid}/cells/news_publisher/eu", "/api/transparency")
STATIC = ("/index.html", "/transparency.json", "/opt-out.html", "/consent.html")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(kind: str, port: int, *paths: str) -> None:
    """Run one server in this process (the child side of the benchmark)."""
    import uvicorn

    app: Any
    if kind == "static":
        from starlette.applications import Starlette
        from starlette.staticfiles import StaticFiles

        app = Starlette()
        app.mount("/", StaticFiles(directory=paths[0], html=True))
    else:
        from clearance.web import WebSettings, create_app

        scan, ledger, state = (Path(p) for p in paths)
        app = create_app(WebSettings(scans=(scan,), ledger=ledger, state_dir=state,
                                     rate_limits={}), consent=None)  # fmt: skip
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _start(port: int, *args: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, __file__, "--serve", *args, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            if proc.poll() is not None:
                err = proc.stderr.read().decode()[-2000:] if proc.stderr else ""
                raise SystemExit(f"server failed: {err}") from None
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


async def _client(session: aiohttp.ClientSession, base: str, paths: list[str], until: float,
                  lat: list[float], errors: list[str], seed: int) -> None:  # fmt: skip
    rng = random.Random(seed)
    while time.monotonic() < until:
        path = rng.choice(paths)
        started = time.perf_counter()
        try:
            async with session.get(base + path) as response:
                await response.read()
                if response.status != 200:
                    errors.append(f"{response.status} {path}")
        except (TimeoutError, aiohttp.ClientError) as exc:
            errors.append(f"{type(exc).__name__} {path}")
        lat.append(time.perf_counter() - started)


async def _load(base: str, paths: list[str], clients: int, seconds: float,
                headers: dict[str, str]) -> dict[str, Any]:  # fmt: skip
    lat: list[float] = []
    errors: list[str] = []
    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout,
                                     headers=headers) as session:  # fmt: skip
        until = time.monotonic() + seconds
        started = time.perf_counter()
        await asyncio.gather(*(_client(session, base, paths, until, lat, errors, i)
                               for i in range(clients)))  # fmt: skip
        elapsed = time.perf_counter() - started
    lat.sort()

    def q(p: float) -> float:
        return round(1000 * lat[min(len(lat) - 1, int(p * len(lat)))], 1) if lat else 0.0

    return {"requests": len(lat), "errors": len(errors), "error_kinds": sorted(set(errors))[:5],
            "rps": round(len(lat) / elapsed, 1), "p50_ms": q(0.50), "p95_ms": q(0.95),
            "p99_ms": q(0.99), "max_ms": q(1.0)}  # fmt: skip


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        _serve(sys.argv[2], int(sys.argv[-1]), *sys.argv[3:-2])
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("scan", type=Path)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    from clearance.web import UserStore, publish_site

    with tempfile.TemporaryDirectory(prefix="clearance-load-") as tmp:
        state, ledger, site = Path(tmp, "state"), Path(tmp, "takedowns.sqlite"), Path(tmp, "site")
        store = UserStore(state / "users.sqlite")
        store.add("bench", "viewer", None)
        token = store.issue_token("bench", "load test")
        store.close()
        publish_site([args.scan], site, ledger=ledger, consent=None)
        results: dict[str, Any] = {"clients": args.clients, "seconds": args.seconds}
        port = _free_port()
        server = _start(port, "app", str(args.scan), str(ledger), str(state))
        try:
            ask = urllib.request.Request(f"http://127.0.0.1:{port}/api/scans",
                                         headers={"Authorization": f"Bearer {token}"})
            with urllib.request.urlopen(ask, timeout=30) as answer:  # loopback only
                sid = json.loads(answer.read())[0]["id"]
            paths = [p.format(sid=sid) for p in DYNAMIC]
            results["clearance"] = asyncio.run(_load(
                f"http://127.0.0.1:{port}", paths, args.clients, args.seconds,
                {"Authorization": f"Bearer {token}"}))  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=30)
        port = _free_port()
        server = _start(port, "static", str(site))
        try:
            results["static_peer"] = asyncio.run(_load(
                f"http://127.0.0.1:{port}", list(STATIC), args.clients, args.seconds, {}))
        finally:
            server.terminate()
            server.wait(timeout=30)
    c, s = results["clearance"], results["static_peer"]
    results["p95_ratio_vs_static"] = round(c["p95_ms"] / s["p95_ms"], 2) if s["p95_ms"] else None
    results["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    print(f"{'':14} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8}")  # fmt: skip
    for name, r in (("clearance", c), ("static peer", s)):
        print(f"{name:14} {r['requests']:>9} {r['errors']:>7} {r['rps']:>8} {r['p50_ms']:>8} "
              f"{r['p95_ms']:>8} {r['p99_ms']:>8}")  # fmt: skip
    print(f"p95 ratio (clearance / static): {results['p95_ratio_vs_static']}; "
          f"load average {results['loadavg']}")  # fmt: skip
    print(json.dumps(results))


if __name__ == "__main__":
    main()
