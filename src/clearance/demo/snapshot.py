# SPDX-License-Identifier: Apache-2.0
"""Build the demo's offline signal snapshot: one gzip WARC the demo reads instead of the web.

News hosts come from real monthly robots.txt captures (``../shared/data/robots-news-top100``,
2025-02 to 2026-06, one capture per month; the source records the month only, so each capture
is dated the first of its month, 00:00 UTC). An empty body in the source is a failed capture
and is recorded as one (a ``metadata`` record, outcome ``capture_failed``). A body identical to
the month before is a ``revisit`` record (identical-payload-digest) pointing at it.

Every other demo host gets a synthetic, deterministic policy history (robots.txt blocking AI
crawlers, tdmrep.json, ``X-Robots-Tag: noai``, ai.txt, Content-Signal and Content-Usage lines,
RSL licences, 4xx/5xx/redirect behaviours, policies that appear or are lifted over time, and
for the personal blogs a home page saying what they are: generator, og:type, schema.org); each
such record says ``Clearance-Synthetic: true``; they are captured in the first and last month
and whenever their policy changes. HTTP headers of all captures are synthesized.

    python -m clearance.demo.snapshot [--out PATH] [--news-dir DIR]

The output is byte-for-byte deterministic (record ids are UUIDv5 of their content and place).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
import uuid
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path

from clearance.demo.synthetic import (
    BASE_ROBOTS,
    Doc,
    synthetic_documents,
    synthetic_profile,
)
from clearance.errors import InputError
from clearance.fetch.warc import record_member

__all__ = [
    "MONTHS",
    "build_demo_snapshot",
    "default_news_dir",
    "demo_snapshot_path",
    "synthetic_profile",
]

MONTHS = (
    "2025-02",
    "2025-03",
    "2025-04",
    "2025-05",
    "2025-06",
    "2025-07",
    "2025-08",
    "2025-09",
    "2025-10",
    "2026-03",
    "2026-04",
    "2026-05",
    "2026-06",
)
"""The capture months of the news data (there is no capture for 2025-11 to 2026-02)."""

_NS = uuid.UUID("6f1c2a52-3b7e-4c55-9a1e-2d4c0b5e7a10")
_REVISIT = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
_SOURCE = "robots-news-top100"


def demo_snapshot_path() -> Path:
    """Return the path of the shipped demo snapshot (``data/demo/snapshot.warc.gz``)."""
    return Path(str(resources.files("clearance").joinpath("data/demo/snapshot.warc.gz")))


def demo_agreements_path() -> Path:
    """Return the path of the demo's licence registry (``data/demo/agreements.yaml``)."""
    return Path(str(resources.files("clearance").joinpath("data/demo/agreements.yaml")))


def _member(*args: object, **kw: object) -> tuple[bytes, str, str]:
    return record_member(*args, level=9, small=False, **kw)  # type: ignore[arg-type]


def _date(month: str) -> str:
    return f"{month}-01T00:00:00.000000Z"


_REASONS = {200: "OK", 301: "Moved Permanently", 404: "Not Found", 503: "Service Unavailable"}


def _http(doc: Doc) -> bytes:
    lines = [
        f"HTTP/1.1 {doc.status} {_REASONS.get(doc.status or 0, 'Status')}",
        f"Content-Type: {doc.content_type}",
        f"Content-Length: {len(doc.body)}",
        *(f"{k}: {v}" for k, v in doc.headers),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + doc.body


class _Writer:
    def __init__(self) -> None:
        self.members: list[bytes] = []
        self.last: dict[str, tuple[bytes, str, str]] = {}  # uri -> (block digest, id, date)
        self.counts: dict[str, int] = {}

    def add(self, uri: str, month: str, doc: Doc, origin: tuple[tuple[str, str], ...]) -> None:
        date = _date(month)
        if doc.status is None:
            rid = f"uuid:{uuid.uuid5(_NS, f'{uri}|{date}|failed')}"
            block = (
                b"outcome: capture_failed\r\ndetail: the source holds an empty body for "
                b"this month\r\n"
            )
            member, _, _ = _member(
                "metadata",
                uri,
                date,
                block,
                record_id=rid,
                content_type="application/warc-fields",
                headers=origin,
            )
            self._push(member, "capture_failed")
            return
        http = _http(doc)
        digest = hashlib.sha256(http).digest()
        rid = f"uuid:{uuid.uuid5(_NS, f'{uri}|{date}')}"
        previous = self.last.get(uri)
        if previous is not None and previous[0] == digest:
            head = http[: http.index(b"\r\n\r\n") + 4]
            extra = (
                ("WARC-Profile", _REVISIT),
                ("WARC-Refers-To-Target-URI", uri),
                ("WARC-Refers-To-Date", previous[2]),
                ("WARC-Refers-To", previous[1]),
            )
            member, _, _ = _member(
                "revisit",
                uri,
                date,
                head,
                payload=doc.body,
                record_id=rid,
                headers=extra + origin,
                content_type="application/http; msgtype=response",
            )
            self._push(member, "revisit")
            return
        member, full_id, _ = _member(
            "response",
            uri,
            date,
            http,
            payload=doc.body,
            record_id=rid,
            headers=origin,
            content_type="application/http; msgtype=response",
        )
        self.last[uri] = (digest, full_id, date)
        self._push(member, "response")

    def _push(self, member: bytes, kind: str) -> None:
        self.members.append(member)
        self.counts[kind] = self.counts.get(kind, 0) + 1


def _read_month(path: Path) -> dict[str, str | None]:
    csv.field_size_limit(1 << 30)
    out: dict[str, str | None] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            site = (row.get("Website") or "").strip().lower()
            if not site:
                continue  # a stray row without a site name
            body = row.get("robots") or ""
            out[site] = body if body.strip() else None
    return out


def default_news_dir() -> Path:
    """Return ``../shared/data/robots-news-top100`` relative to the repository root."""
    return Path(__file__).resolve().parents[3].parent / "shared" / "data" / _SOURCE


def _demo_hosts() -> dict[str, list[str]]:
    from clearance.demo.generate import demo_hosts

    return demo_hosts()


def build_demo_snapshot(
    out: str | Path | None = None,
    *,
    news_dir: str | Path | None = None,
    hosts: Mapping[str, Iterable[str]] | None = None,
) -> Path:
    """Write the demo snapshot WARC (default: the shipped path); return where it went.

    ``hosts`` maps demo segment -> host names (default: ``clearance.demo.generate.demo_hosts``);
    the ``news`` segment's hosts take the real captures, every other host a synthetic history.
    """
    source = Path(news_dir) if news_dir is not None else default_news_dir()
    if not source.is_dir():
        raise InputError(
            f"{source}: the news robots.txt captures are not there "
            "(the shipped snapshot can still be used)"
        )
    segments = {k: list(v) for k, v in (hosts or _demo_hosts()).items()}
    news_hosts = segments.pop("news", [])
    others = sorted({h.lower() for hs in segments.values() for h in hs} - set(news_hosts))
    writer = _Writer()
    info = (
        "software: clearance demo snapshot builder\r\nformat: WARC File Format 1.1\r\n"
        f"description: news robots.txt from {_SOURCE} (public repository "
        "winterForestStump/news_robots_files_analyzer, data/ folder), one capture per month, "
        "dated the first of the month; HTTP headers synthesized; other hosts synthetic "
        "(Clearance-Synthetic: true)\r\n"
    ).encode()
    member, _, _ = _member(
        "warcinfo",
        "",
        _date(MONTHS[0]),
        info,
        record_id=f"uuid:{uuid.uuid5(_NS, 'warcinfo')}",
        content_type="application/warc-fields",
        headers=(("WARC-Filename", "snapshot.warc.gz"),),
    )
    writer.members.append(member)
    months = {
        m: _read_month(source / m / "robots_txt.csv")
        for m in MONTHS
        if (source / m / "robots_txt.csv").exists()
    }
    for host in news_hosts:
        site = host.lower().removeprefix("www.")
        uri = f"https://{host.lower()}/robots.txt"
        for month, rows in months.items():
            if site not in rows:
                continue  # not in that month's top 100: no capture
            body = rows[site]
            doc = Doc(
                "/robots.txt", 200 if body is not None else None, (body or "").encode("utf-8")
            )
            origin = (("Clearance-Source", f"{_SOURCE}/{month}/robots_txt.csv"),)
            writer.add(uri, month, doc, origin)
    synthetic = (("Clearance-Synthetic", "true"),)
    blogs = {h.lower() for h in segments.get("blogs", [])}
    for host in others:
        before: list[Doc] = []
        kind = "blog" if host in blogs else None
        for month in MONTHS:
            docs = synthetic_documents(host, month, kind)
            if docs == before and month not in (MONTHS[0], MONTHS[-1]):
                continue  # unchanged: synthetic hosts are captured when they change
            before = docs
            for doc in docs:
                writer.add(f"https://{host}{doc.path}", month, doc, synthetic)
                if doc.status == 301:
                    target = dict(doc.headers)["Location"]
                    writer.add(
                        target, month, Doc("/robots.txt", 200, BASE_ROBOTS.encode()), synthetic
                    )
    path = Path(out) if out is not None else demo_snapshot_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(writer.members))
    return path


def main(argv: list[str] | None = None) -> int:
    """Build the snapshot from the command line; print what was written."""
    parser = argparse.ArgumentParser(description="Build the demo's offline signal snapshot.")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--news-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    path = build_demo_snapshot(args.out, news_dir=args.news_dir)
    sys.stdout.write(f"{path} ({path.stat().st_size:,} bytes)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
