# SPDX-License-Identifier: Apache-2.0
"""Reservations as they stood at collection and as of now, judged from WARC snapshots."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from clearance.assumptions import Assumptions
from clearance.engine.facts import add_reservations
from clearance.engine.settings import ScanConfig
from clearance.fetch.snapshot import Snapshot
from tests.engine.warcs import write_warc

UTC = dt.UTC
BLOCK_GPT = "User-agent: GPTBot\nDisallow: /\n"
ALLOW_ALL = "User-agent: *\nAllow: /\n"


def _items(rows: list[tuple[str, str | None]]) -> pa.Table:
    urls = [u for u, _ in rows]
    hosts = [u.split("/")[2] for u in urls]
    stamps = [dt.datetime.fromisoformat(d).replace(tzinfo=UTC) if d else None for _, d in rows]
    return pa.table({"host": hosts, "url": urls,
                     "collected_at": pa.array(stamps, pa.timestamp("us", tz="UTC"))})


def _judge(tmp_path: Path, captures: list[tuple[str, str, int, str]],
           rows: list[tuple[str, str | None]], **settings: object) -> list[dict[str, object]]:
    warc = write_warc(tmp_path / "snap.warc.gz", captures)
    opts: dict[str, object] = {"as_of": dt.datetime(2026, 6, 30, tzinfo=UTC), **settings}
    if "agent" in opts:
        opts["assumptions"] = Assumptions(agent=str(opts.pop("agent")))
    out, _ = add_reservations(_items(rows), Snapshot.from_paths([warc]),
                              ScanConfig(**opts))  # type: ignore[arg-type]
    return out.select(["reservation", "reservation_form", "reservation_standards",
                       "reservation_now"]).to_pylist()


def test_collected_before_first_capture_is_unknown_then(tmp_path: Path) -> None:
    got = _judge(tmp_path, [("https://a.example/robots.txt", "2025-03-01", 200, BLOCK_GPT)],
                 [("https://a.example/x.jpg", "2025-02-15"), ("https://a.example/y.jpg",
                                                               "2025-04-01")])
    assert [g["reservation"] for g in got] == ["unknown", "reserved"]
    assert got[1]["reservation_form"] == "machine_readable"
    assert got[1]["reservation_standards"] == ["robots.txt:GPTBot"]
    assert [g["reservation_now"] for g in got] == ["reserved", "reserved"]


def test_reserved_now_but_not_then(tmp_path: Path) -> None:
    captures = [("https://b.example/robots.txt", "2025-01-01", 200, ALLOW_ALL),
                ("https://b.example/robots.txt", "2025-06-01", 200,
                 "User-agent: CCBot\nDisallow: /\n")]
    got = _judge(tmp_path, captures, [("https://b.example/p", "2025-03-10")])
    assert got[0]["reservation"] == "not_reserved"
    assert got[0]["reservation_now"] == "reserved"


def test_path_rules_decide_per_url(tmp_path: Path) -> None:
    body = "User-agent: GPTBot\nDisallow: /private/\n"
    got = _judge(tmp_path, [("https://c.example/robots.txt", "2025-01-01", 200, body)],
                 [("https://c.example/private/a.jpg", "2025-02-01"),
                  ("https://c.example/public/b.jpg", "2025-02-01")])
    assert [g["reservation"] for g in got] == ["reserved", "not_reserved"]


@pytest.mark.parametrize(("status", "expected"), [(404, "not_reserved"), (503, "unknown")])
def test_robots_status_semantics(tmp_path: Path, status: int, expected: str) -> None:
    got = _judge(tmp_path, [("https://d.example/robots.txt", "2025-01-01", status, "")],
                 [("https://d.example/a", "2025-02-01")])
    assert got[0]["reservation"] == expected


def test_natural_language_comment_is_a_contested_reservation(tmp_path: Path) -> None:
    body = "# No text and data mining is permitted on this site.\nUser-agent: *\nAllow: /\n"
    got = _judge(tmp_path, [("https://e.example/robots.txt", "2025-01-01", 200, body)],
                 [("https://e.example/a", "2025-02-01")])
    assert got[0]["reservation"] == "reserved"
    assert got[0]["reservation_form"] == "natural_language"


def test_ai_txt_and_tdmrep(tmp_path: Path) -> None:
    captures = [
        ("https://f.example/robots.txt", "2025-01-01", 200, ALLOW_ALL),
        ("https://f.example/ai.txt", "2025-01-01", 200, "User-Agent: *\nDisallow: *.jpg\n"),
        ("https://g.example/robots.txt", "2025-01-01", 200, ALLOW_ALL),
        ("https://g.example/.well-known/tdmrep.json", "2025-01-01", 200,
         '[{"location": "/", "tdm-reservation": 1}]'),
    ]
    got = _judge(tmp_path, captures, [("https://f.example/a.jpg", "2025-02-01"),
                                      ("https://f.example/a.txt", "2025-02-01"),
                                      ("https://g.example/page", "2025-02-01")])
    assert [g["reservation"] for g in got] == ["reserved", "not_reserved", "reserved"]
    assert got[0]["reservation_standards"] == ["ai.txt"]
    assert got[2]["reservation_standards"] == ["tdmrep"]


def test_only_the_collecting_agent_counts_when_given(tmp_path: Path) -> None:
    captures = [("https://h.example/robots.txt", "2025-01-01", 200, BLOCK_GPT)]
    rows = [("https://h.example/a", "2025-02-01")]
    assert _judge(tmp_path, captures, rows)[0]["reservation"] == "reserved"
    assert _judge(tmp_path, captures, rows, agent="CCBot")[0]["reservation"] == "not_reserved"


def test_without_a_snapshot_everything_is_unknown() -> None:
    out, signals = add_reservations(_items([("https://x.example/a", "2025-01-01")]), None,
                                    ScanConfig())
    assert out["reservation"].to_pylist() == ["unknown"]
    assert signals.num_rows == 0
