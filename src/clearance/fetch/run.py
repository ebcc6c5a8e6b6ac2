# SPDX-License-Identifier: Apache-2.0
"""Fetch the host-level documents of many hosts into an evidence directory, resumably.

:func:`fetch_host_documents` is the library entry point. Calling it again with the same hosts
and directory after a crash (even ``kill -9``) resumes the unfinished run: documents already
recorded are not fetched again. Calling it after the run finished starts a new run, which sends
conditional requests (ETag / Last-Modified) for documents seen before. With ``workers > 1`` the
hosts are sharded by a stable hash over worker processes, each writing its own WARC files and
ledger chain into the same directory.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import pickle
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Coroutine, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from clearance.config import FetchConfig
from clearance.errors import EvidenceError, InputError
from clearance.fetch.index import EvidenceIndex
from clearance.fetch.plan import References, origin_of, robots_references
from clearance.fetch.resolver import NameResolver
from clearance.fetch.shard import ShardRun
from clearance.fetch.store import evidence_paths
from clearance.models import FetchSummary

__all__ = ["fetch_host_documents", "run_event_loop", "shard_of"]

log = logging.getLogger(__name__)

T = TypeVar("T")


def run_event_loop(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on uvloop when installed, else on asyncio's loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coro)


def shard_of(origin: str, workers: int) -> int:
    """Return the worker a host belongs to (stable across runs and machines)."""
    digest = hashlib.blake2b(origin.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % max(1, workers)


def _plan(
    hosts: Iterable[str], items: Iterable[str] | None, scheme: str
) -> tuple[list[str], dict[str, list[str]]]:
    origins = dict.fromkeys(origin_of(h, scheme) for h in hosts if h and h.strip())
    per_host: dict[str, dict[str, None]] = {}
    for item in items or ():
        origin = origin_of(item, scheme)
        origins.setdefault(origin, None)
        per_host.setdefault(origin, {})[item] = None  # an item listed twice is fetched once
    return list(origins), {origin: list(urls) for origin, urls in per_host.items()}


def _digest(origins: list[str], items: dict[str, list[str]]) -> str:
    h = hashlib.sha256()
    for origin in sorted(origins):
        h.update(origin.encode() + b"\n")
        for item in sorted(items.get(origin, [])):
            h.update(b" " + item.encode() + b"\n")
    return h.hexdigest()


def _choose_run(
    index: EvidenceIndex, digest: str, n: int, config: FetchConfig, run: str | None
) -> str:
    if run is None:
        rows = index.query(
            "SELECT run FROM runs WHERE hosts_digest = ? AND finished_at IS NULL "
            "ORDER BY started_at DESC LIMIT 1",
            (digest,),
        )
        if rows:
            log.info("resuming run %s", rows[0]["run"])
            return str(rows[0]["run"])
        run = datetime.now(UTC).strftime("r%Y%m%dT%H%M%SZ-") + secrets.token_hex(3)
    index.db.execute(
        "INSERT OR IGNORE INTO runs (run, started_at, hosts_digest, hosts, config) "
        "VALUES (?, ?, ?, ?, ?)",
        (run, datetime.now(UTC).isoformat(), digest, n, json.dumps(config.to_dict())),
    )
    return run


def _summary(
    index: EvidenceIndex, root: Path, run: str, hosts: int, fetched: int, seconds: float
) -> FetchSummary:
    counts = index.query(
        "SELECT outcome, doc = 'robots' AS robots, COUNT(*) AS n FROM records "
        "WHERE run = ? AND final = 1 GROUP BY outcome, doc = 'robots'",
        (run,),
    )  # counted in SQL: the summary of a run of millions of hosts holds no row per document
    outcomes: Counter[str] = Counter()
    host_outcomes: Counter[str] = Counter()
    for r in counts:
        outcomes[str(r["outcome"])] += int(r["n"])
        if r["robots"]:
            host_outcomes[str(r["outcome"])] += int(r["n"])
    heads = {
        str(r["shard"]): str(r["hash"])
        for r in index.query(
            "SELECT shard, hash FROM records r WHERE seq = "
            "(SELECT MAX(seq) FROM records WHERE shard = r.shard)"
        )
    }
    return FetchSummary(
        run=run,
        evidence_dir=str(root),
        hosts=hosts,
        hosts_recorded=sum(host_outcomes.values()),
        documents=sum(outcomes.values()),
        fetched=fetched,
        outcomes=dict(outcomes),
        host_outcomes=dict(host_outcomes),
        seconds=seconds,
        heads=heads,
    )


def run_shard(
    root: Path,
    shard: int,
    run: str,
    config: FetchConfig,
    origins: list[str],
    items: dict[str, list[str]],
    resolver: NameResolver | None,
    references: References,
) -> int:
    """Fetch one shard's hosts (in this process); return how many documents were fetched."""
    job = ShardRun(root, f"s{shard:02d}", run, config, resolver=resolver, references=references)
    return run_event_loop(job.go(origins, items))


def _spawn(
    root: Path,
    run: str,
    config: FetchConfig,
    shards: list[list[str]],
    items: dict[str, list[str]],
    resolver: NameResolver | None,
    references: References,
) -> int:
    with tempfile.TemporaryDirectory(prefix="clearance-fetch-") as tmp:
        procs = []
        for i, origins in enumerate(shards):
            if not origins:
                continue
            spec = Path(tmp) / f"shard-{i}.pickle"
            mine = {o: items[o] for o in origins if o in items}
            try:
                blob = pickle.dumps(
                    (str(root), i, run, config, origins, mine, resolver, references)
                )
            except (pickle.PicklingError, AttributeError, TypeError) as exc:
                raise InputError(
                    "with workers > 1 the resolver and references must be picklable "
                    f"(module-level functions, plain objects): {exc}"
                ) from exc
            spec.write_bytes(blob)
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "clearance.fetch.worker", str(spec)],
                    stdout=subprocess.PIPE,
                )
            )
        fetched = 0
        failed = []
        for proc in procs:
            out, _ = proc.communicate()
            if proc.returncode != 0:
                failed.append(proc.returncode)
            else:
                fetched += int(out.strip() or 0)
        if failed:
            raise EvidenceError(
                f"{root}: {len(failed)} fetch worker(s) failed "
                f"(exit codes {failed}); run again to resume"
            )
        return fetched


def fetch_host_documents(
    hosts: Iterable[str],
    evidence_dir: str | Path,
    *,
    config: FetchConfig | None = None,
    resolver: NameResolver | None = None,
    items: Iterable[str] | None = None,
    references: References | None = None,
    run: str | None = None,
) -> FetchSummary:
    """Fetch robots.txt, tdmrep.json, ai.txt and referenced RSL documents of every host.

    Every response and failure goes to WARC files under ``evidence_dir`` with a hash-chained
    ledger and a SQLite index; read them back with :class:`clearance.fetch.Snapshot`. ``items``
    (URLs) adds per-item header and first-bytes requests. ``resolver`` replaces DNS (tests map
    names to 127.0.0.1 and allowlist it in ``config.allow_networks``); ``references`` replaces
    the step that lists the documents a robots.txt references. Returns what the run recorded.
    """
    cfg = config or FetchConfig()
    root = Path(evidence_dir)
    root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    origins, per_host = _plan(hosts, items, cfg.default_scheme)
    refs = references or robots_references
    index_path, _, _ = evidence_paths(root)
    index = EvidenceIndex(index_path)
    try:
        run_id = _choose_run(index, _digest(origins, per_host), len(origins), cfg, run)
    finally:
        index.close()
    if cfg.workers <= 1:
        fetched = run_shard(root, 0, run_id, cfg, origins, per_host, resolver, refs)
    else:
        shards: list[list[str]] = [[] for _ in range(cfg.workers)]
        for origin in origins:
            shards[shard_of(origin, cfg.workers)].append(origin)
        fetched = _spawn(root, run_id, cfg, shards, per_host, resolver, refs)
    index = EvidenceIndex(index_path)
    try:
        index.db.execute(
            "UPDATE runs SET finished_at = ? WHERE run = ?", (datetime.now(UTC).isoformat(), run_id)
        )
        return _summary(index, root, run_id, len(origins), fetched, time.perf_counter() - started)
    finally:
        index.close()
