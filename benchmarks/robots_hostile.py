# SPDX-License-Identifier: Apache-2.0
"""Benchmark: hostile robots.txt files (within RFC 9309's 500 KiB), clearance against protego.

Each case is a generated worst case for one part of the parser (many ``User-agent`` lines in
one group, many rules under many agents, many groups, many wildcard rules, one huge pattern,
many plain rules, many Content-Signal lines, a note on every line, crawlers named in
different subsets of the groups). clearance parses the file, compiles every group, answers a
few checks, emits the Signals of every registered crawler and summarises the file; protego
parses it and answers the same checks (it has no more to do). Each runs in a fresh
interpreter per (case, library), so the peak resident memory is that of the work alone; a
child that runs longer than ``--timeout`` seconds is stopped and reported as such.

    python benchmarks/robots_hostile.py                   # every case, both libraries
    python benchmarks/robots_hostile.py --cases agents-20000 --timeout 120

Prints, per case: size, CPU seconds and peak RSS of each library, the ratio, and
``os.getloadavg()`` (the machine is shared: read the figures beside it).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable

KIB = 1024
LIMIT = 500 * KIB


def _name(i: int, width: int = 5) -> str:
    letters = []
    for _ in range(width):
        i, digit = divmod(i, 26)
        letters.append(chr(ord("a") + digit))
    return "".join(letters)


def _agents(n: int) -> bytes:
    # the probe's file: n user-agent lines of one group, then one rule (352 KiB for 20,000)
    lines = [f"User-agent: {_name(i)}" for i in range(n)]
    return ("\n".join(lines) + "\nDisallow: /private\n").encode()


def _agents_rules(agents: int, rules: int) -> bytes:
    head = "".join(f"User-agent: {_name(i)}\n" for i in range(agents))
    body = "".join(f"Disallow: /p{i}/\n" for i in range(rules))
    return (head + body).encode()


def _groups(n: int) -> bytes:
    return "".join(f"User-agent: {_name(i)}\nDisallow: /x{i}\n" for i in range(n)).encode()


def _wildcards(n: int) -> bytes:
    return ("User-agent: *\n" + "".join(f"Disallow: /*a*{i}*b$\n" for i in range(n))).encode()


def _long_line() -> bytes:
    return b"User-agent: *\nDisallow: /" + b"a*" * (LIMIT // 2 - 40) + b"\n"


def _long_plain() -> bytes:
    return b"User-agent: *\nDisallow: /" + b"a" * (LIMIT - 40) + b"\n"


def _plain(n: int) -> bytes:
    return ("User-agent: *\n" + "".join(f"Disallow: /{_name(i, 4)}/\n" for i in range(n))).encode()


AI = ["GPTBot", "CCBot", "ClaudeBot", "Google-Extended", "anthropic-ai", "PerplexityBot",
      "Bytespider", "Amazonbot", "Applebot-Extended", "meta-externalagent", "cohere-ai",
      "Diffbot", "omgili", "ImagesiftBot", "Timpibot", "YouBot"]


def _statements(n: int) -> bytes:
    head = "".join(f"User-agent: {a}\n" for a in AI) + "User-agent: *\n"
    lines = "".join(f"Content-Signal: search=yes, ai-train=no, ai-input=no\nDisallow: /s{i}\n"
                    for i in range(n))
    return (head + lines).encode()


def _noted(n: int) -> bytes:
    # every user-agent line needs a note and names a crawler inside a non-token value
    return "".join(f"User-agent: *{AI[i % len(AI)]}*/{i}\nDisallow: /{i}\n"
                   for i in range(n)).encode()


def _subsets(groups: int, rules: int) -> bytes:
    # each AI crawler named in a different subset of the groups: no two merge alike
    out = []
    for g in range(groups):
        out += [f"User-agent: {a}" for i, a in enumerate(AI) if (g >> (i % 8)) & 1 or i == g % 16]
        out += [f"Disallow: /g{g}/r{r}" for r in range(rules)]
    return ("\n".join(out) + "\n").encode()


CASES: dict[str, Callable[[], bytes]] = {
    "agents-20000": lambda: _agents(20_000),
    "agents-28000": lambda: _agents(28_000),
    "agents-rules-5000x5000": lambda: _agents_rules(5_000, 5_000),
    "groups-14000": lambda: _groups(14_000),
    "wildcards-20000": lambda: _wildcards(20_000),
    "long-line": _long_line,
    "long-plain": _long_plain,
    "plain-30000": lambda: _plain(30_000),
    "statements-6000": lambda: _statements(6_000),
    "noted-11000": lambda: _noted(11_000),
    "subsets-200x100": lambda: _subsets(200, 100),
}
CHECKS = ["/", "/private/x", "/p7/y", "/x12", "/a" + "b" * 40]


def _side(case: str, library: str) -> None:
    import resource

    body = CASES[case]()
    start = time.process_time()
    if library == "clearance":
        from clearance.signals.robots import parse_robots

        # the whole of what a scan does with a file: parse, compile every group, judge paths,
        # emit the signals of every registered crawler, summarise
        policy = parse_robots(body)
        policy.compile()
        verdicts = [policy.allowed(agent, p) for agent in ("baaaa", "GPTBot") for p in CHECKS]
        signals = policy.signals("/")
        policy.to_dict()
        extra = {"notes": sorted({n.code for n in policy.notes}), "signals": len(signals)}
    else:
        from protego import Protego

        parser = Protego.parse(body.decode("utf-8", "replace"))
        verdicts = [parser.can_fetch(p, agent) for agent in ("baaaa", "GPTBot") for p in CHECKS]
        extra = {}
    cpu = time.process_time() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"cpu": cpu, "rss_mib": peak, "bytes": len(body), "verdicts": verdicts,
                      **extra}))


def _run(case: str, library: str, timeout: float) -> dict[str, object]:
    cmd = [sys.executable, "-X", "utf8", __file__, "--side", case, library]
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"timeout": timeout}
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall"] = time.monotonic() - start
    return result


def _fmt(result: dict[str, object]) -> str:
    if "timeout" in result:
        return f"stopped after {result['timeout']:.0f} s"
    if "error" in result:
        return f"error: {result['error']}"
    return f"{result['cpu']:7.3f} s CPU {result['rss_mib']:8.1f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--side", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        _side(*args.side)
        return
    print(f"load average before: {os.getloadavg()}")
    for case in args.cases:
        size = len(CASES[case]())
        ours = _run(case, "clearance", args.timeout)
        peer = _run(case, "protego", args.timeout)
        ratio = ""
        if "cpu" in ours and "cpu" in peer:
            share = float(ours["cpu"]) / max(float(peer["cpu"]), 1e-6)
            ratio = f"  clearance/protego CPU {share:.2f}"
        print(f"{case:24} {size / KIB:6.0f} KiB  clearance {_fmt(ours)}  "
              f"protego {_fmt(peer)}{ratio}")
        if "notes" in ours:
            print(f"{'':24} clearance notes: {', '.join(ours['notes'])}")  # type: ignore[arg-type]
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
