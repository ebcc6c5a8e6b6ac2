# SPDX-License-Identifier: Apache-2.0
"""The shipped demo snapshot: real news captures over time, synthetic hosts, deterministic."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from clearance.demo.generate import demo_hosts
from clearance.demo.snapshot import (
    MONTHS,
    build_demo_snapshot,
    default_news_dir,
    demo_snapshot_path,
    synthetic_profile,
)
from clearance.fetch import Snapshot

NEWS = default_news_dir()
needs_news = pytest.mark.skipif(
    not NEWS.is_dir(), reason=f"{NEWS} (shared real data) is not present in this checkout"
)


@pytest.fixture(scope="module")
def snap() -> Snapshot:
    return Snapshot.from_paths([demo_snapshot_path()])


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def test_shipped_snapshot_is_small_and_readable(snap: Snapshot) -> None:
    assert demo_snapshot_path().stat().st_size < 3 * 2**20
    assert snap.problems == {}
    hosts = set(snap.hosts())
    every = {h for hs in demo_hosts().values() for h in hs}
    assert every <= hosts | {h for h in every if h.startswith("www.")}  # news: in the source
    assert sum(1 for h in demo_hosts()["news"] if h in hosts) >= 90


def test_news_captures_are_monthly_and_show_reservations_appearing(snap: Snapshot) -> None:
    dates = snap.history("www.hindustantimes.com", "robots.txt")
    assert [d.strftime("%Y-%m") for d in dates] == list(MONTHS)
    then = snap.lookup("www.hindustantimes.com", "robots.txt", _at("2025-06-15"))
    now = snap.lookup("www.hindustantimes.com", "robots.txt", _at("2026-03-15"))
    assert then is not None and now is not None
    assert b"GPTBot" not in then.body and b"GPTBot" in now.body
    assert then.captured_at == _at("2025-06-01")
    assert snap.lookup("www.hindustantimes.com", "robots.txt", _at("2025-01-31")) is None


def test_failed_source_captures_are_recorded_as_failures(snap: Snapshot) -> None:
    failed = []
    for host in demo_hosts()["news"]:
        for when in snap.history(host, "robots.txt"):
            cap = snap.lookup(host, "robots.txt", when)
            if cap is not None and cap.outcome == "capture_failed":
                failed.append(host)
    assert failed, "the source has empty bodies (failed captures); they must show as such"
    assert all(snap.lookup(h, "robots.txt", None) is not None for h in failed)


def _host_with(profile: str) -> str:
    others = sorted({h for seg, hs in demo_hosts().items() if seg != "news" for h in hs})
    return next(h for h in others if synthetic_profile(h) == profile and not h.startswith("www."))


def test_synthetic_policies_change_over_time(snap: Snapshot) -> None:
    host = _host_with("ai-block-from-2025-08")
    before = snap.lookup(host, "robots.txt", _at("2025-07-20"))
    after = snap.lookup(host, "robots.txt", _at("2025-09-20"))
    assert before is not None and b"GPTBot" not in before.body
    assert after is not None and b"GPTBot" in after.body
    lifted = _host_with("ai-block-lifted-2025-09")
    assert b"GPTBot" in (snap.lookup(lifted, "robots.txt", _at("2025-08-02")) or after).body
    gone = snap.lookup(lifted, "robots.txt", _at("2026-06-02"))
    assert gone is not None and b"GPTBot" not in gone.body


def test_synthetic_redirects_and_headers(snap: Snapshot) -> None:
    host = _host_with("redirect-to-www")
    cap = snap.lookup(host, "robots.txt", _at("2026-06-02"))
    assert (
        cap is not None and cap.status == 200 and cap.final_url == f"https://www.{host}/robots.txt"
    )
    home = snap.lookup(_host_with("noai-header"), "/", None)
    assert home is not None
    assert ("X-Robots-Tag", "noai, noimageai") in home.headers
    tdm = snap.lookup(_host_with("tdmrep"), "tdmrep", None)
    assert tdm is not None and b'"tdm-reservation": 1' in tdm.body


@needs_news
def test_builder_is_deterministic_and_matches_the_shipped_file(tmp_path: Path) -> None:
    a = build_demo_snapshot(tmp_path / "a.warc.gz")
    b = build_demo_snapshot(tmp_path / "b.warc.gz")
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() == demo_snapshot_path().read_bytes(), (
        "the shipped snapshot is stale: run `python -m clearance.demo.snapshot`"
    )
