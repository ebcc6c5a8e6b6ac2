# SPDX-License-Identifier: Apache-2.0
"""Benchmark: robots.txt path checks per second, clearance against protego and urllib.robotparser.

Same run, same corpus: the 4,231 real robots.txt files of ``robots-protego-corpus.tar.gz``
(``../shared/data/`` from the repository root, or ``--corpus``), and for every host the same
URLs (``--urls`` per host, drawn deterministically from the host's own rules - so the rules
are actually exercised - plus common paths). Every library answers the same questions:
"may <agent> fetch <url>?" for each agent of ``--agents``.

Phases, each timed as the least CPU time of ``--repeat`` runs (the machine is shared):

* prepare: parse every file (protego ``Protego.parse``, urllib ``RobotFileParser.parse``,
  clearance ``parse_robots``); clearance compiles a group on demand, once it has served enough
  checks to repay it, and that cost is inside its check times (each timed run starts from
  freshly parsed policies); compiling everything up front is timed too, for information;
* check, per call: one ``can_fetch``/``allowed`` call per (agent, URL);
* check, batch: clearance's ``allowed_many`` over each host's URLs, per agent, and
  ``allowed_matrix`` for all agents at once (paths prepared once, each robots.txt group
  judged once) - what a scan grouped by host calls; the peers have no batch form, so their
  per-call figure stands.

Then every (host, agent, URL) where the three verdicts are not all equal is printed, one line
each, under the class that explains it (see ``classify``); docs/benchmarks.md ("robots.txt")
explains each class.

    python benchmarks/robots.py                          # 100 URLs per host, 2 agents
    python benchmarks/robots.py --urls 20 --repeat 1 --quiet   # quick look, no case listing
"""

from __future__ import annotations

import argparse
import random
import sys
import tarfile
import time
import urllib.robotparser
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from protego import Protego

from clearance.signals.robots import RobotsPolicy, parse_robots
from clearance.signals.robots.match import CompiledRules
from clearance.signals.robots.paths import extract_path, normalize_path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "robots-protego-corpus.tar.gz"
COMMON = [
    "/",
    "/index.html",
    "/about",
    "/search?q=test",
    "/search?q=a%20b&page=2",
    "/wp-admin/",
    "/wp-admin/admin-ajax.php",
    "/images/photo.jpg",
    "/product/123?sort=price&page=2",
    "/news/2024/01/article.html",
    "/robots.txt",
    "/%7Euser/page",
    "/caf%C3%A9/menu",
    "/path/with%2Fslash",
    "/cgi-bin/test.cgi",
    "/tag/x?redirect=https://example.org/",
]


def load_corpus(path: Path) -> dict[str, bytes]:
    """Return {host: robots.txt bytes} from the tarball (file name = host)."""
    out: dict[str, bytes] = {}
    with tarfile.open(path) as tar:
        for member in tar:
            if member.isfile():
                handle = tar.extractfile(member)
                if handle is not None:
                    out[member.name.rsplit("/", 1)[-1]] = handle.read()
    return dict(sorted(out.items()))


def make_urls(host: str, policy: RobotsPolicy, count: int, rng: random.Random) -> list[str]:
    """Return ``count`` URLs for a host: paths built from its own patterns, and common ones."""
    candidates = list(COMMON)
    for group in policy.groups:
        for record in group.rules:
            if record.key not in ("allow", "disallow") or not record.value.startswith(("/", "*")):
                continue
            base = record.value.rstrip("$").replace("*", rng.choice(["x", "abc/def", "?a=1"]))
            base = base if base.startswith("/") else "/" + base
            # URLs as a crawler sends them: non-ASCII octets percent-encoded (as UTF-8, or as
            # the file's own bytes when it was not UTF-8)
            raw = base.encode("utf-8", "surrogateescape")
            base = "".join(chr(b) if b < 0x80 else f"%{b:02X}" for b in raw)
            candidates += [base, base + "x.html", base + "?q=1"]
    urls: dict[str, None] = {}
    while len(urls) < count:  # distinct URLs: a repeated pick gets a distinguishing query
        path = rng.choice(candidates)
        if path in urls:
            path += ("&" if "?" in path else "?") + f"n={len(urls)}"
        urls[path] = None
    return [f"https://{host}{p}" for p in urls]


def _protego(body: bytes) -> Protego:
    return Protego.parse(body.decode("utf-8", "replace"))


def _urllib(body: bytes) -> urllib.robotparser.RobotFileParser:
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(body.decode("utf-8", "replace").splitlines())
    return parser


def best_of(repeat: int, fn, setup=None) -> float:  # type: ignore[no-untyped-def]
    """Return the least CPU time (seconds) of ``repeat`` runs of ``fn`` (``setup`` untimed).

    CPU time of this process rather than wall time: the machine is shared, and every library
    here runs in this one thread.
    """
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def classify(
    host: str,
    agent: str,
    url: str,
    verdicts: tuple[bool, bool, bool],
    policy: RobotsPolicy,
    body: bytes,
    prot: Protego,
) -> str:
    """Return the name of the class that explains one disagreement (see docs/benchmarks.md).

    ``verdicts`` is (clearance, protego, urllib). The checks run from the most specific cause
    to the most general; the first that applies names the class.
    """
    ours, pr, ur = verdicts
    path = extract_path(url)
    match = policy.explain(agent, url)
    rule = match.rule
    if path.split("?", 1)[0] == "/robots.txt":
        return "robots.txt-with-query" if "?" in path else "robots.txt-implicitly-allowed"
    if body.startswith((b"\xef\xbb\xbf", b"\xbb\xbf", b"\xbf")) and pr != ours:
        return "byte-order-mark"
    group_codes = {n.code for n in policy.group_notes(match.group)} if match.group else set()
    if "ua-after-record" in group_codes and pr != ours:
        return "group-extent-after-record"
    values = [r.raw.split(":", 1)[-1].strip() for r in policy.rules_for(agent)]
    encoded = normalize_path(path) != path or any(
        "%" in v or not v.isascii() or " " in v for v in values
    )
    lenient = rule is not None and rule.line in policy.lenient_lines
    if pr != ours:
        theirs = getattr(prot._get_matching_rule_set(agent), "user_agent", None)
        mine = match.group
        if theirs != mine and not (theirs is None and mine is None):
            if theirs and theirs != "*" and theirs in agent.lower():
                return "agent-substring-match"
            if group_codes & {"ua-nonstandard", "ua-invalid"} or mine is None:
                return "nonstandard-user-agent-line"
            return "agent-selection"
        if _longest_match(policy, agent, path, lambda p: len(p.replace("?", "%3F"))) == pr:
            return "protego-measures-quoted-patterns"
        dir_path = path.split("?", 1)[0]
        if dir_path.endswith("/") and any(
            v.startswith(dir_path) and v[len(dir_path) :].startswith("index.htm") for v in values
        ):
            return "index-html-directory"
        if encoded:
            return "percent-encoding"
        if lenient:
            return "lenient-line"
        if any(not v.startswith("/") for v in values):
            return "pattern-without-leading-slash"
        return "other"
    # only urllib.robotparser (Python 3.11) differs
    if encoded:
        return "percent-encoding"
    if lenient:
        return "lenient-line"
    if any("*" in v or v.endswith("$") for v in values):
        return "urllib-no-wildcards"
    first = _first_match(policy, agent, path)
    if first is not None and first != ours:
        return "urllib-first-match"
    return "urllib-group-structure"


def _longest_match(
    policy: RobotsPolicy, agent: str, path: str, length: Callable[[str], int]
) -> bool | None:
    """Return the verdict when matches are ranked by ``length(pattern)`` (allow on ties)."""
    npath = normalize_path(path)
    best: tuple[int, bool] | None = None
    for rule in policy.rules_for(agent):
        if CompiledRules([rule]).decide(npath) is not None:
            rank = (length(rule.pattern), rule.allow)
            best = rank if best is None or rank > best else best
    return True if best is None else best[1]


def _first_match(policy: RobotsPolicy, agent: str, path: str) -> bool | None:
    """Return the verdict of the first rule in file order that matches (urllib's reading)."""
    npath = normalize_path(path)
    for rule in sorted(policy.rules_for(agent), key=lambda r: r.line):
        if CompiledRules([rule]).decide(npath) is not None:
            return rule.allow
    return None


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table and the disagreements."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--urls", type=int, default=100, help="URLs per host")
    ap.add_argument("--agents", default="GPTBot,Googlebot", help="comma-separated tokens")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per phase (best kept)")
    ap.add_argument("--quiet", action="store_true", help="do not list every disagreement")
    args = ap.parse_args(argv)
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    agents = [a.strip() for a in args.agents.split(",") if a.strip()]
    bodies = load_corpus(args.corpus)
    rng = random.Random(9309)
    policies = {h: parse_robots(b, url=f"https://{h}/robots.txt") for h, b in bodies.items()}
    urls = {h: make_urls(h, p, args.urls, rng) for h, p in policies.items()}
    checks = sum(len(u) for u in urls.values()) * len(agents)
    print(f"{len(bodies)} robots.txt files, {checks:,} checks ({args.urls} URLs/host x {agents})")

    t_ours = best_of(args.repeat, lambda: [parse_robots(b) for b in bodies.values()])
    t_prot = best_of(args.repeat, lambda: [_protego(b) for b in bodies.values()])
    t_url = best_of(args.repeat, lambda: [_urllib(b) for b in bodies.values()])
    prot = {h: _protego(b) for h, b in bodies.items()}
    urll = {h: _urllib(b) for h, b in bodies.items()}

    fresh: list[dict[str, RobotsPolicy]] = []

    def reparse() -> None:  # every timed run starts from just-parsed, uncompiled policies
        fresh[:] = [{h: parse_robots(b) for h, b in bodies.items()}]

    def run_ours() -> None:
        for h, p in fresh[0].items():
            for a in agents:
                for u in urls[h]:
                    p.allowed(a, u)

    def run_batch() -> None:
        for h, p in fresh[0].items():
            for a in agents:
                p.allowed_many(a, urls[h])

    def run_matrix() -> None:
        for h, p in fresh[0].items():
            p.allowed_matrix(agents, urls[h])

    def compile_all() -> None:
        for p in fresh[0].values():
            p.compile(agents)

    def run_prot() -> None:
        for h, p in prot.items():
            for a in agents:
                for u in urls[h]:
                    p.can_fetch(u, a)

    def run_urllib() -> None:
        for h, p in urll.items():
            for a in agents:
                for u in urls[h]:
                    p.can_fetch(a, u)

    c_ours = best_of(args.repeat, run_ours, reparse)
    c_batch = best_of(args.repeat, run_batch, reparse)
    c_matrix = best_of(args.repeat, run_matrix, reparse)
    t_comp = best_of(1, compile_all, reparse)
    c_prot = best_of(args.repeat, run_prot)
    c_url = best_of(args.repeat, run_urllib)
    print()
    print("| library, API | parse all (s) | checks/s | vs protego |")
    print("| --- | ---: | ---: | ---: |")
    for name, parse_time, check_time in (
        ("clearance, per call (`allowed`)", t_ours, c_ours),
        ("clearance, batch per agent (`allowed_many`)", t_ours, c_batch),
        ("clearance, batch all agents (`allowed_matrix`)", t_ours, c_matrix),
        ("protego, per call (`can_fetch`)", t_prot, c_prot),
        ("urllib.robotparser, per call (`can_fetch`)", t_url, c_url),
    ):
        rate, ratio = checks / check_time, c_prot / check_time
        print(f"| {name} | {parse_time:.2f} | {rate:,.0f} | {ratio:.1f}x |")
    end_ours = t_ours + c_batch
    print(
        f"\nend to end (parse + checks): clearance {end_ours:.2f} s (batch), "
        f"protego {t_prot + c_prot:.2f} s ({(t_prot + c_prot) / end_ours:.1f}x), "
        f"urllib {t_url + c_url:.2f} s"
    )
    print(
        "clearance compiles a group on demand once it has served enough checks (included "
        f"above); compiling every group up front would take {t_comp:.2f} s"
    )

    classes: dict[str, list[str]] = defaultdict(list)
    totals: Counter[str] = Counter()
    for h, p in policies.items():
        for a in agents:
            batch = p.allowed_many(a, urls[h])
            for u, b in zip(urls[h], batch, strict=True):
                o = p.allowed(a, u)
                assert o == b, (h, a, u)
                pr, ur = prot[h].can_fetch(u, a), urll[h].can_fetch(a, u)
                if o == pr == ur:
                    continue
                name = classify(h, a, u, (o, pr, ur), p, bodies[h], prot[h])
                totals[name] += 1
                classes[name].append(f"{h}\t{a}\t{u}\tclearance={o} protego={pr} urllib={ur}")
    print(f"\ndisagreements: {sum(totals.values()):,} of {checks:,} checks")
    for name, n in totals.most_common():
        print(f"  {name}: {n:,}")
    if not args.quiet:
        for name in sorted(classes):
            print(f"\n## {name} ({len(classes[name]):,})")
            for line in classes[name]:
                print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
