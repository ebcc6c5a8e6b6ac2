# SPDX-License-Identifier: Apache-2.0
"""Fetch one shard of hosts into the evidence store: the per-host work of a run.

Every document ends with a recorded outcome: fetched (request + response records), failed
(a metadata record) or skipped because the host is down (a metadata record saying so). A
document the run has already recorded is never fetched again; its outcome (and, for
robots.txt, its body) is read back from the evidence, which is what makes a killed run resume.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from clearance.config import FetchConfig
from clearance.fetch.capture import read_capture
from clearance.fetch.client import Fetcher
from clearance.fetch.plan import (
    HOST_DOCUMENTS,
    ItemRequest,
    References,
    crawl_delay,
    home_allowed,
    item_fallback,
    item_requests,
)
from clearance.fetch.resolver import NameResolver
from clearance.fetch.store import Document, EvidenceStore, evidence_paths

__all__ = ["DocResult", "ShardRun"]

log = logging.getLogger(__name__)

_HOST_DOWN = frozenset({"timeout", "connection_error", "dns_error", "invalid_url"})


@dataclass(frozen=True, slots=True)
class DocResult:
    """Outcome of one document as planning needs it."""

    outcome: str
    status: int | None
    body: bytes = b""
    fetched: bool = False
    host_down: bool = False


def _host_down(outcome: str, url: str, final_url: object) -> bool:
    return outcome in _HOST_DOWN or (outcome == "blocked" and final_url in (url, None, ""))


class ShardRun:
    """Work through the hosts of one shard with a pool of tasks."""

    def __init__(
        self,
        root: Path,
        shard: str,
        run: str,
        config: FetchConfig,
        *,
        resolver: NameResolver | None,
        references: References,
    ) -> None:
        self.root = root
        self.config = config
        self.run = run
        self.references = references
        self.resolver = resolver
        self.store = EvidenceStore(
            root,
            shard,
            run=run,
            warc_max_bytes=config.warc_max_bytes,
            commit_every=config.commit_every,
        )
        # the RSL documents of this run (two hosts may name one licence); documents recorded by
        # an earlier process of this run and validators of earlier runs are looked up in the
        # index one document at a time (memory stays flat however many hosts there are)
        self.recorded: dict[tuple[str, str], dict[str, object]] = {}
        self.fetched = 0
        self._fetcher: Fetcher | None = None
        self._reader: sqlite3.Connection | None = None
        self._resuming = False
        self._rescan = False

    async def go(self, origins: Iterable[str], items: dict[str, list[str]]) -> int:
        """Fetch every host's documents (and items); return how many documents were fetched."""
        self.store.open()
        try:
            self._open_reader()
            queue: asyncio.Queue[str] = asyncio.Queue()
            for origin in origins:
                queue.put_nowait(origin)
            async with Fetcher(self.config, self.resolver) as fetcher:
                self._fetcher = fetcher

                async def worker() -> None:
                    while True:
                        try:
                            origin = queue.get_nowait()
                        except asyncio.QueueEmpty:
                            return
                        await self.host(origin, items.get(origin, []))

                n = max(1, min(self.config.max_hosts_in_flight, queue.qsize()))
                await asyncio.gather(*(worker() for _ in range(n)))
        finally:
            if self._reader is not None:
                self._reader.close()
                self._reader = None
            self.store.close()
        return self.fetched

    def _open_reader(self) -> None:
        """Open a read-only view of the index; note whether lookups can find anything."""
        index_path, _, _ = evidence_paths(self.root)
        self._reader = sqlite3.connect(f"file:{index_path}?mode=ro", uri=True, timeout=60.0)
        self._reader.row_factory = sqlite3.Row
        self._resuming = (
            self._reader.execute(
                "SELECT 1 FROM records WHERE run = ? AND final = 1 LIMIT 1", (self.run,)
            ).fetchone()
            is not None
        )
        self._rescan = self.config.conditional and (
            self._reader.execute(
                "SELECT 1 FROM records WHERE run != ? AND final = 1 "
                "AND (etag IS NOT NULL OR last_modified IS NOT NULL) LIMIT 1",
                (self.run,),
            ).fetchone()
            is not None
        )

    def _lookup(self, sql: str, params: tuple[object, ...]) -> dict[str, object] | None:
        assert self._reader is not None
        row = self._reader.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def _done(self, key: tuple[str, str]) -> dict[str, object] | None:
        """Return how this run recorded a document already (this process or an earlier one)."""
        row = self.recorded.get(key)
        if row is not None or not self._resuming:
            return row
        return self._lookup(
            "SELECT outcome, status, warc, pos, final_url FROM records "
            "WHERE url = ? AND final = 1 AND doc = ? AND run = ? LIMIT 1",
            (key[1], key[0], self.run),
        )

    def _previous(self, url: str) -> dict[str, object] | None:
        """Return the latest capture of ``url`` by an earlier run that had a validator."""
        if not self._rescan:
            return None
        return self._lookup(
            "SELECT uri, date, record_id, warc, pos, etag, last_modified FROM records "
            "WHERE url = ? AND final = 1 AND run != ? AND status = 200 AND kind = 'response' "
            "AND (etag IS NOT NULL OR last_modified IS NOT NULL) ORDER BY date DESC LIMIT 1",
            (url, self.run),
        )

    async def host(self, origin: str, items: list[str]) -> None:
        """Fetch one host's documents, then its items, honouring Crawl-delay."""
        netloc = origin.split("://", 1)[1]
        robots_url = origin + "/robots.txt"
        robots = await self.document(netloc, "robots", robots_url, cap=self.config.robots_max_bytes)
        down = robots.host_down
        delay = 0.0
        readable = robots.outcome in ("ok", "not_modified")  # a 304 hands on the earlier body
        if readable and self.config.honour_crawl_delay:
            delay = min(
                crawl_delay(robots.body, self.config.agent_token) or 0.0,
                self.config.max_crawl_delay,
            )
        plan = [(doc, origin + path) for doc, path in HOST_DOCUMENTS[1:]]
        robots_status = 200 if robots.outcome == "not_modified" else robots.status
        home_ok = not down and home_allowed(robots.body, robots_status, self.config.agent_token)
        if readable and self.config.follow_references > 0:
            refs = self.references(robots.body, robots_url)[: self.config.follow_references]
            plan += [("rsl", url) for url in dict.fromkeys(refs)]
        fetched_before = robots.fetched
        for doc, url in plan:
            if down:
                self.skip(netloc, doc, url, f"host unreachable: robots.txt {robots.outcome}")
                continue
            if doc == "home" and not home_ok:
                why = f"robots.txt disallows / for {self.config.agent_token}"
                self.skip(netloc, doc, url, why)
                continue
            if fetched_before and delay:
                await asyncio.sleep(delay)
            result = await self.document(netloc, doc, url, cap=self.config.max_bytes)
            fetched_before = result.fetched
        if items:
            why = f"host unreachable: robots.txt {robots.outcome}"
            await self._items(netloc, items, why if down else None, delay)

    async def _items(self, netloc: str, items: list[str], down: str | None, delay: float) -> None:
        # per-host concurrency is kept here, not by the connection pool
        width = 1 if delay else max(1, self.config.per_host_concurrency)
        gate = asyncio.Semaphore(width)

        async def one(item: str) -> None:
            async with gate:
                for req in item_requests(item, self.config):
                    if down is not None:
                        self.skip(netloc, req.doc, item, down)
                        continue
                    if delay:
                        await asyncio.sleep(delay)
                    result = await self.item(netloc, item, req)
                    fallback = item_fallback(result.status, result.outcome)
                    if req.method == "HEAD" and fallback is not None:
                        await self.item(netloc, item, fallback)

        await asyncio.gather(*(one(item) for item in items))

    async def item(self, netloc: str, url: str, req: ItemRequest) -> DocResult:
        """Fetch one planned item request."""
        return await self.document(
            netloc, req.doc, url, cap=req.max_bytes, method=req.method, headers=dict(req.headers)
        )

    def _recorded(self, key: tuple[str, str], row: dict[str, object]) -> DocResult:
        outcome, status = str(row["outcome"]), row["status"]
        body = b""
        if key[0] == "robots" and outcome in ("ok", "not_modified"):
            # a 304's body is the earlier capture it confirmed
            source = (self._previous(key[1]) or row) if outcome == "not_modified" else row
            _, _, warc_dir = evidence_paths(self.root)
            cap = read_capture(
                warc_dir / str(source["warc"]),
                int(str(source["pos"])),
                cap=self.config.robots_max_bytes,
            )
            body = cap.body if cap is not None else b""
        return DocResult(
            outcome,
            int(str(status)) if status is not None else None,
            body,
            host_down=_host_down(outcome, key[1], row.get("final_url")),
        )

    async def document(
        self,
        netloc: str,
        doc: str,
        url: str,
        *,
        cap: int,
        method: str = "GET",
        headers: dict[str, str] | None = None,
    ) -> DocResult:
        """Return the result of one document, fetching and recording it unless already done."""
        key = (doc, url)
        done = self._done(key)
        if done is not None:
            return self._recorded(key, done)
        assert self._fetcher is not None
        send = dict(headers or {})
        prev = self._previous(url) if method == "GET" else None
        if prev is not None and method == "GET":
            if prev.get("etag"):
                send["If-None-Match"] = str(prev["etag"])
            if prev.get("last_modified"):
                send["If-Modified-Since"] = str(prev["last_modified"])
        ex = await self._fetcher.fetch(url, method=method, max_bytes=cap, headers=send)
        self.fetched += 1
        body = ex.body
        refers = None
        if ex.status == 304 and prev is not None:
            refers = {
                "url": str(prev["uri"]),
                "date": str(prev["date"]),
                "record_id": str(prev["record_id"]),
            }
            _, _, warc_dir = evidence_paths(self.root)
            old = read_capture(warc_dir / str(prev["warc"]), int(str(prev["pos"])), cap=cap)
            body = old.body if old is not None else b""
        self.store.submit(Document(netloc, doc, url, exchange=ex, refers=refers))
        if doc == "rsl":
            self.recorded[key] = {
                "outcome": ex.outcome,
                "status": ex.status,
                "final_url": ex.final_url,
            }
        await self.store.room()
        return DocResult(
            ex.outcome,
            ex.status,
            body,
            fetched=True,
            host_down=_host_down(ex.outcome, url, ex.final_url),
        )

    def skip(self, netloc: str, doc: str, url: str, why: str) -> None:
        """Record that a document was not attempted, and why."""
        if self._done((doc, url)) is not None:
            return
        self.store.submit(Document(netloc, doc, url, note=why, noted_at=datetime.now(UTC)))
        if doc == "rsl":
            self.recorded[(doc, url)] = {"outcome": "skipped", "status": None, "final_url": None}
