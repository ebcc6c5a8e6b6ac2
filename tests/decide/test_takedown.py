# SPDX-License-Identifier: Apache-2.0
"""The takedown ledger: normalisation, idempotent intake, the status lifecycle, vectorised
matching (checked against a per-row reading) and the ``clearance takedown`` commands."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from clearance.cli import app
from clearance.decide.matching import url_keys
from clearance.decide.takedown import TakedownLedger, normalize_request
from clearance.decide.takedown_match import match_takedowns
from clearance.errors import TakedownError

runner = CliRunner()


@pytest.mark.parametrize(
    ("raw", "kind", "key"),
    [
        ({"url": "HTTPS://User@Example.COM:443/a.jpg?x=1#frag"}, "url", "example.com/a.jpg?x=1"),
        (
            {"kind": "prefix", "value": "http://cdn.example.net/artist/"},
            "url_prefix",
            "cdn.example.net/artist/",
        ),
        ({"domain": "Bücher.Example."}, "domain", "xn--bcher-kva.example"),
        ({"kind": "content_hash", "value": "sha256:" + "AB" * 32}, "sha256", "ab" * 32),
        ({"creator": "  Jane   DOE "}, "creator", "jane doe"),
    ],
)
def test_requests_are_normalised(raw: dict[str, Any], kind: str, key: str) -> None:
    request = normalize_request(raw)
    assert (request.kind, request.key, request.status) == (kind, key, "received")
    assert request.request_id.startswith("td-")
    assert normalize_request(raw).request_id == request.request_id  # content-derived, stable


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({}, "exactly one of"),
        ({"url": "a", "domain": "b.org"}, "exactly one of"),
        ({"kind": "isbn", "value": "123"}, "not one of"),
        ({"url": "example.com/page"}, "not an absolute URL"),
        ({"domain": "https://example.com/x"}, "not a domain name"),
        ({"domain": "localhost"}, "not a domain name"),
        ({"sha256": "abc"}, "64 hex digits"),
        ({"creator": "   "}, "exactly one of"),
        ({"kind": "creator", "value": " "}, "no value"),
        ({"domain": "a.org", "type": "delete"}, "takedown or opt_out"),
    ],
)
def test_invalid_requests_say_why(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(TakedownError, match=message):
        normalize_request(raw)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "url",
                "url_prefix",
                "domain",
                "sha256",
                "creator",
                "kind",
                "value",
                "type",
                "request_id",
                "id",
            ]
        ),
        st.one_of(st.none(), st.text(max_size=40), st.integers()),
        max_size=4,
    )
)
def test_hostile_requests_raise_takedown_error_only(raw: dict[str, Any]) -> None:
    try:
        normalize_request(raw)
    except TakedownError:
        pass


def test_intake_is_idempotent_and_refuses_a_different_request_under_a_used_id(
    tmp_path: Path,
) -> None:
    with TakedownLedger(tmp_path / "l.sqlite") as ledger:
        assert ledger.add({"domain": "a.example", "request_id": "R1"}) == ("R1", "accepted")
        assert ledger.add({"domain": "A.example", "request_id": "R1"}) == ("R1", "duplicate")
        with pytest.raises(TakedownError, match="R1: the id already holds a different request"):
            ledger.add({"domain": "b.example", "request_id": "R1"})
        result = ledger.add_many(
            [{"url": "https://x.example/1"}, {"sha256": "nope"}, {"url": "https://x.example/1"}],
            chunk=2,
        )
        assert len(result.accepted) == 1 and len(result.duplicates) == 1
        assert result.rejected == [(2, "sha256 'nope' is not 64 hex digits")]
        assert [r.request_id for r in ledger.requests()][0] == "R1"
        journal = ledger._db.execute("PRAGMA journal_mode").fetchone()[0]
        assert journal == "wal"


def test_status_lifecycle(tmp_path: Path) -> None:
    with TakedownLedger(tmp_path / "l.sqlite") as ledger:
        ledger.add({"domain": "a.example", "request_id": "R1"})
        ledger.add({"domain": "b.example", "request_id": "R2"})
        # a request cannot be confirmed (or applied) without the steps before it
        with pytest.raises(TakedownError, match="without being matched first"):
            ledger.set_status("R1", "applied", "removed from v3")
        with pytest.raises(TakedownError, match="without being matched first"):
            ledger.set_status("R1", "confirmed", override=True)  # an override needs a note
        assert ledger.set_status("R1", "matched").status == "matched"
        assert ledger.set_status("R1", "applied", "removed from v3").status == "applied"
        with pytest.raises(TakedownError, match="cannot go from applied to matched"):
            ledger.set_status("R1", "matched")
        assert ledger.set_status("R1", "confirmed").status == "confirmed"
        assert [e["status"] for e in ledger.history("R1")] == [
            "received", "matched", "applied", "confirmed"]
        ledger.set_status("R2", "withdrawn", "sent in error")
        with pytest.raises(TakedownError, match="cannot go from withdrawn"):
            ledger.set_status("R2", "received")
        assert ledger.in_force()["request_id"].to_list() == ["R1"]  # confirmed stays in force
        assert [r.request_id for r in ledger.requests("withdrawn")] == ["R2"]
        with pytest.raises(TakedownError, match="no request 'R9'"):
            ledger.get("R9")
        with pytest.raises(TakedownError, match="status 'gone'"):
            ledger.set_status("R1", "gone")


def test_recorded_matches_advance_received_requests_only(tmp_path: Path) -> None:
    with TakedownLedger(tmp_path / "l.sqlite") as ledger:
        for rid in ("R1", "R2", "R3"):
            ledger.add({"creator": f"someone {rid}", "request_id": rid})
        ledger.set_status("R3", "confirmed", "settled with the requester", override=True)
        assert "override (skipped received -> confirmed)" in ledger.history("R3")[-1]["note"]
        counts = pl.DataFrame(
            {
                "request_id": ["R1", "R3"],
                "dataset_name": ["d", "d"],
                "dataset_version": [None, "1"],
                "items": [5, 2],
            }
        )
        ledger.record_matches(counts, applied=True, note="gate")
        status = {r.request_id: r.status for r in ledger.requests()}
        assert status == {"R1": "applied", "R2": "received", "R3": "confirmed"}
        ledger.record_matches(counts.with_columns(pl.lit(7).alias("items")))
        assert ledger.matches("R1")[0]["items"] == 7


ITEMS = pl.DataFrame(
    {
        "url": [
            "https://example.com/a.jpg",
            "http://EXAMPLE.com/a.jpg#x",
            "https://cdn.example.net/artist/1.png",
            "https://cdn.example.net/other/1.png",
            "https://sub.photos.example.org/",
            None,
            "//cdn.example.net/artist/2.png",
        ],
        "host": [
            "example.com",
            "example.com",
            "cdn.example.net",
            "cdn.example.net",
            "sub.photos.example.org",
            None,
            "cdn.example.net",
        ],
        "content_sha256": [None, None, None, "ab" * 32, None, None, None],
        "creator": [None, "Jane  Doe", None, None, None, "JANE DOE", None],
        "dataset_name": ["d", "d", "d", "e", "e", None, "d"],
        "dataset_version": ["1", "1", "1", "2", "2", None, "1"],
        "item_id": ["i0", "i1", "i2", "i3", "i4", "i5", "i6"],
    }
)
REQUESTS = [
    {"request_id": "U", "url": "https://example.com/a.jpg"},
    {"request_id": "P", "url_prefix": "https://cdn.example.net/artist/"},
    {"request_id": "D", "domain": "photos.example.org"},
    {"request_id": "H", "sha256": "AB" * 32},
    {"request_id": "C", "creator": "jane doe"},
]


def test_matching_every_kind(tmp_path: Path) -> None:
    with TakedownLedger(tmp_path / "l.sqlite") as ledger:
        ledger.add_many(REQUESTS)
        found = match_takedowns(ITEMS, ledger.in_force())
    assert found.column.to_pylist() == ["U", "C,U", "P", "H", "D", "C", "P"]


def _key(url: str | None) -> str | None:
    """Per-value reading of the URL key rule (docs/takedowns.md)."""
    if not url or "//" not in url:
        return None
    scheme, rest = url.strip().split("//", 1)
    if scheme and not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:", scheme):
        return None
    rest = rest.split("#", 1)[0]
    cut = min([i for i in (rest.find("/"), rest.find("?")) if i >= 0], default=len(rest))
    host, path = re.sub(r"^[^@]*@", "", rest[:cut]).lower(), rest[cut:]
    host = host.removesuffix(":80").removesuffix(":443")
    return host + (path if path.startswith("/") else "/" + path) if host else None


def _reference(row: dict[str, Any], request: dict[str, Any]) -> bool:
    """Per-row reading of a request against an item, from docs/takedowns.md."""
    r = normalize_request(request)
    key = _key(row["url"])
    if r.kind == "url":
        return key == r.key
    if r.kind == "url_prefix":
        return key is not None and key.startswith(r.key)
    if r.kind == "domain":
        host = row["host"]
        return host is not None and (host == r.key or host.endswith("." + r.key))
    if r.kind == "sha256":
        return row["content_sha256"] == r.key
    creator = row["creator"]
    return creator is not None and " ".join(creator.split()).lower() == r.key


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(REQUESTS), min_size=1, max_size=5, unique_by=lambda r: r["request_id"])
)
def test_matching_agrees_with_per_row_reading(requests: list[dict[str, Any]]) -> None:
    frame = pl.DataFrame([normalize_request(r).to_dict() for r in requests]).select(
        "request_id", "kind", "key"
    )
    got = match_takedowns(ITEMS, frame).column.to_pylist()
    for i, row in enumerate(ITEMS.iter_rows(named=True)):
        ids = sorted(r["request_id"] for r in requests if _reference(row, r))
        assert got[i] == (",".join(ids) if ids else None)


def test_cli_add_list_show_status_report(tmp_path: Path) -> None:
    ledger = str(tmp_path / "l.sqlite")
    result = runner.invoke(
        app,
        [
            "takedown",
            "add",
            "--domain",
            "example.com",
            "--id",
            "R1",
            "--requester",
            "Example Press",
            "--ledger",
            ledger,
        ],
    )
    assert result.exit_code == 0 and result.output.strip() == "accepted R1"
    again = runner.invoke(
        app,
        [
            "takedown",
            "add",
            "--domain",
            "example.com",
            "--id",
            "R1",
            "--requester",
            "Example Press",
            "--ledger",
            ledger,
        ],
    )
    assert again.output.strip() == "duplicate R1"
    batch = tmp_path / "batch.json"
    batch.write_text(
        json.dumps(
            {
                "requests": [
                    {"id": "R2", "creator": "Jane Doe", "type": "opt-out"},
                    {"id": "R3", "sha256": "bad"},
                ]
            }
        )
    )
    mixed = runner.invoke(app, ["takedown", "add", "--from", str(batch), "--ledger", ledger])
    assert mixed.exit_code == 1
    assert "accepted R2" in mixed.output and "64 hex digits" in mixed.output
    listed = json.loads(
        runner.invoke(app, ["takedown", "list", "--json", "--ledger", ledger]).output
    )
    assert [(r["request_id"], r["type"]) for r in listed] == [("R1", "takedown"), ("R2", "opt_out")]
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "url,creator,dataset_name,dataset_version\n"
        "https://www.example.com/1.jpg,,news,2024\n"
        "https://other.org/2.jpg,Jane Doe,news,2024\n"
        "https://other.org/3.jpg,,news,2024\n"
    )
    items = tmp_path / "affected.csv"
    report = runner.invoke(
        app,
        [
            "takedown",
            "report",
            str(manifest),
            "--out",
            str(items),
            "--record",
            "--json",
            "--ledger",
            ledger,
        ],
    )
    assert report.exit_code == 0, report.output
    data = json.loads(report.output)
    assert data["rows_read"] == 3
    assert [(m["request_id"], m["items"]) for m in data["matches"]] == [("R1", 1), ("R2", 1)]
    assert pl.read_csv(items)["request_id"].to_list() == ["R1", "R2"]
    shown = json.loads(
        runner.invoke(app, ["takedown", "show", "R1", "--json", "--ledger", ledger]).output
    )
    assert shown["status"] == "matched" and shown["matches"][0]["dataset_name"] == "news"
    skipped = runner.invoke(
        app, ["takedown", "status", "R1", "confirmed", "--note", "letter sent", "--ledger", ledger]
    )
    assert skipped.exit_code == 1 and "without being applied first" in skipped.output
    moved = runner.invoke(
        app, ["takedown", "status", "R1", "confirmed", "--note", "letter sent", "--override",
              "--ledger", ledger]
    )
    assert moved.output.strip() == "R1: confirmed"
    back = runner.invoke(app, ["takedown", "status", "R1", "received", "--ledger", ledger])
    assert back.exit_code == 1 and "cannot go from confirmed" in back.output


url_parts = st.tuples(
    st.sampled_from(["https:", "HTTP:", "", "ftp:", "1x:", "a b:"]),
    st.sampled_from(["", "user@", "u:p@"]),
    st.sampled_from(["Example.COM", "a.b", "", "x.org"]),
    st.sampled_from(["", ":80", ":443", ":8080"]),
    st.sampled_from(["", "/", "/p/Q", "/a b"]),
    st.sampled_from(["", "?q=1", "?"]),
    st.sampled_from(["", "#f", "#/x"]),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            url_parts.map(lambda p: p[0] + "//" + "".join(p[1:])), st.text(max_size=30), st.none()
        ),
        min_size=1,
        max_size=20,
    )
)
def test_url_keys_agree_with_per_value_reading(urls: list[str | None]) -> None:
    got = url_keys(pl.Series(urls, dtype=pl.String)).to_list()
    assert got == [_key(u) for u in urls]
