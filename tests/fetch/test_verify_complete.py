# SPDX-License-Identifier: Apache-2.0
"""Complete evidence verification and a snapshot reader that skips what it cannot trust
(issue 20, failures 6 and 7).

Every file under an evidence folder is in the ledger or reported; index rows are compared with
the ledger; a missing index is reported; the snapshot reader reads only ledgered files of an
evidence folder; a bad record is counted and skipped, never the rest of its file.
"""

from __future__ import annotations

import gzip
import io
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from clearance.errors import EvidenceError, TamperError
from clearance.fetch import Snapshot, StaticResolver, verify_evidence
from clearance.fetch.history import url_history
from clearance.signals.robots import parse_robots
from tests.fetch.helpers import fetch, url
from tests.fuzzing import budget

BLOCK = b"User-agent: GPTBot\nDisallow: /\n"


@pytest.fixture(scope="module")
def pristine(port: int, resolver: StaticResolver, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("evidence")
    fetch(port, resolver, ["plain", "ai-block", "404"], root)
    return root


@pytest.fixture()
def ev(pristine: Path, tmp_path: Path) -> Path:
    target = tmp_path / "ev"
    shutil.copytree(pristine, target)
    return target


def _response(writer: WARCWriter, uri: str, date: str, body: bytes) -> None:
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/plain")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            uri,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": date},
        )
    )


def _warc(path: Path, captures: list[tuple[str, str, bytes]], *, gz: bool = True) -> Path:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for uri, date, body in captures:
            _response(writer, uri, date, body)
    return path


def _allowed(snap: Snapshot, host: str) -> bool | None:
    capture = snap.lookup(host, "robots.txt", None)
    if capture is None:
        return None
    return parse_robots(capture.body).allowed("GPTBot", "/x")


# ---- failure 6: files, index, missing index ---------------------------------------------


def test_a_forged_uncompressed_warc_is_reported_and_never_read(ev: Path, port: int) -> None:
    host = f"ai-block.v.loop.test:{port}"
    assert _allowed(Snapshot.from_paths([ev]), host) is False
    later = datetime.now(UTC).replace(year=datetime.now(UTC).year + 1)
    later_text = later.strftime("%Y-%m-%dT%H:%M:%SZ")
    forged = ev / "warc" / "s00-00001.warc"  # a name a later capture file could have
    _warc(forged, [(url(port, "ai-block"), later_text, b"User-agent: *\nAllow: /\n")], gz=False)
    report = verify_evidence(ev)
    assert not report.ok
    assert any("warc/s00-00001.warc: WARC file that no ledger entry refers to" in p
               for p in report.problems)
    assert report.unlisted_files == ["warc/s00-00001.warc"]
    snap = Snapshot.from_paths([ev])
    assert _allowed(snap, host) is False  # the forged "Allow" is not read
    assert snap.skipped_files == 1
    snap = Snapshot.from_paths(sorted((ev / "warc").iterdir()))  # files named one by one
    assert _allowed(snap, host) is False and snap.skipped_files == 1


def test_forged_files_deeper_in_the_folder_are_reported_and_skipped(ev: Path, port: int) -> None:
    (ev / "warc" / "more").mkdir()
    deeper = ev / "warc" / "more" / "s00-00000.warc.gz"
    _warc(deeper, [(url(port, "ai-block"), "2099-01-01T00:00:00Z", b"")])
    (ev / "notes.txt").write_text("hello")
    report = verify_evidence(ev)
    assert sorted(report.unlisted_files) == ["notes.txt", "warc/more/s00-00000.warc.gz"]
    assert Snapshot.from_paths([ev]).skipped_files == 1


def test_records_appended_after_the_ledgered_end_are_skipped(ev: Path, port: int) -> None:
    host = f"ai-block.v.loop.test:{port}"
    path = next((ev / "warc").glob("*.warc.gz"))
    extra = io.BytesIO()
    _response(WARCWriter(extra, gzip=True), url(port, "ai-block"), "2099-01-01T00:00:00Z",
              b"User-agent: *\nAllow: /\n")
    path.write_bytes(path.read_bytes() + extra.getvalue())
    assert any("after the last ledgered record" in p for p in verify_evidence(ev).problems)
    snap = Snapshot.from_paths([ev])
    assert _allowed(snap, host) is False and snap.skipped_records == 1


def _index(ev: Path) -> sqlite3.Connection:
    return sqlite3.connect(ev / "index.sqlite", isolation_level=None)


def test_an_edited_index_outcome_is_caught(ev: Path, port: int) -> None:
    target = url(port, "ai-block")
    assert url_history(ev, target)  # shown while index and ledger agree
    db = _index(ev)
    db.execute("UPDATE records SET outcome = 'not_found' WHERE url = ? AND final = 1", (target,))
    db.close()
    report = verify_evidence(ev)
    assert any("differs from the ledger in outcome" in p and "'not_found' in the index" in p
               for p in report.problems), report.problems
    with pytest.raises(TamperError, match="differs from the ledger"):
        url_history(ev, target)


def test_index_rows_added_or_removed_are_caught(ev: Path) -> None:
    db = _index(ev)
    db.execute("DELETE FROM records WHERE seq = 3")
    db.execute(
        "INSERT INTO records (shard, seq, url, final, outcome) VALUES ('s07', 0, 'x', 1, 'ok')"
    )
    db.close()
    problems = verify_evidence(ev).problems
    assert any("no index row s00#3" in p for p in problems)
    assert any("chain 's07', which has no ledger file" in p for p in problems)


def test_a_missing_index_is_reported(ev: Path) -> None:
    (ev / "index.sqlite").unlink()
    for sidecar in ("-wal", "-shm"):
        (ev / f"index.sqlite{sidecar}").unlink(missing_ok=True)
    report = verify_evidence(ev)
    assert not report.ok and report.problems[0].startswith("index.sqlite is missing")


def test_an_unreadable_index_is_reported(ev: Path) -> None:
    (ev / "index.sqlite").write_bytes(b"not a database" * 100)
    for sidecar in ("-wal", "-shm"):
        (ev / f"index.sqlite{sidecar}").unlink(missing_ok=True)
    assert any("index.sqlite unreadable" in p for p in verify_evidence(ev).problems)


def test_pristine_evidence_compares_every_index_row(ev: Path) -> None:
    report = verify_evidence(ev)
    assert report.ok, report.problems
    assert report.index_rows == report.records > 10
    assert report.unreadable_records == 0 and report.unlisted_files == []


# ---- failure 7: one bad record costs that record only ------------------------------------

HOSTS = [f"http://h{i}.example/robots.txt" for i in range(5)]


def test_a_record_with_an_unreadable_date_is_skipped_alone(tmp_path: Path) -> None:
    dates = ["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", "next tuesday",
             "2024-01-04T00:00:00Z", "2024-01-05T00:00:00Z"]
    for gz in (True, False):
        path = _warc(tmp_path / f"crawl{int(gz)}.warc", list(zip(HOSTS, dates, [BLOCK] * 5,
                                                                  strict=True)), gz=gz)
        snap = Snapshot.from_paths([path])
        verdicts = [_allowed(snap, f"h{i}.example") for i in range(5)]
        assert verdicts == [False, False, None, False, False]  # h2 unknown, never "allowed"
        assert snap.unreadable_records == 1
        assert snap.problems["record with an unreadable WARC-Date"] == 1


def test_a_damaged_gzip_member_costs_that_record_only(tmp_path: Path) -> None:
    members = []
    for i, host in enumerate(HOSTS):
        buffer = io.BytesIO()
        _response(WARCWriter(buffer, gzip=True), host, f"2024-01-0{i + 1}T00:00:00Z", BLOCK)
        members.append(buffer.getvalue())
    damaged = bytearray(members[1])
    damaged[len(damaged) // 2 : len(damaged) // 2 + 8] = b"\xff" * 8
    members[1] = bytes(damaged)
    path = tmp_path / "damaged.warc.gz"
    path.write_bytes(b"".join(members) + b"trailing junk")
    snap = Snapshot.from_paths([path])
    assert [_allowed(snap, f"h{i}.example") for i in range(5)] == [False, None, False, False, False]
    assert snap.unreadable_records == 2  # the damaged member, the trailing junk


def test_garbage_between_uncompressed_records_costs_nothing_else(tmp_path: Path) -> None:
    path = _warc(tmp_path / "plain.warc", [(h, "2024-01-01T00:00:00Z", BLOCK) for h in HOSTS],
                 gz=False)
    data = path.read_bytes()
    cut = data.index(b"WARC/1.", 10)
    path.write_bytes(data[:cut] + b"\x00garbage\r\n\r\n" + data[cut:])
    snap = Snapshot.from_paths([path])
    assert all(_allowed(snap, f"h{i}.example") is False for i in range(5))
    assert snap.unreadable_records == 1


def test_a_non_warc_snapshot_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "robots.txt"
    path.write_bytes(b"User-agent: *\nDisallow: /\n")
    with pytest.raises(EvidenceError, match=r"robots.txt: not a WARC file \(ISO 28500"):
        Snapshot.from_paths([path])
    zipped = tmp_path / "manifest.csv.gz"
    zipped.write_bytes(gzip.compress(b"url\nhttps://a.example/\n"))
    with pytest.raises(EvidenceError, match="not a WARC file"):
        Snapshot.from_paths([zipped])
    (tmp_path / "d").mkdir()
    shutil.copy(path, tmp_path / "d" / "fake.warc")
    assert Snapshot.from_paths([tmp_path / "d"]).skipped_files == 1  # inside a directory


@budget(60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.integers(0, 4),
    st.integers(0, 10_000),
    st.binary(min_size=1, max_size=16),
    st.sampled_from(["replace", "insert", "delete"]),
)
@example(1, 3, b"\x04", "replace")  # gzip FEXTRA flag set: fastwarc stopped without an error
@example(0, 0, b"WARC/", "replace")  # the first bytes now say "uncompressed"
def test_damage_to_one_member_never_costs_another(
    tmp_path: Path, which: int, where: int, junk: bytes, how: str
) -> None:
    members = []
    for i, host in enumerate(HOSTS):
        buffer = io.BytesIO()
        _response(WARCWriter(buffer, gzip=True), host, f"2024-01-0{i + 1}T00:00:00Z", BLOCK)
        members.append(buffer.getvalue())
    bad = bytearray(members[which])
    at = where % len(bad)
    if how == "replace":
        bad[at : at + len(junk)] = junk
    elif how == "insert":
        bad[at:at] = junk
    else:
        del bad[at : at + len(junk)]
    members[which] = bytes(bad)
    path = tmp_path / "fuzz.warc.gz"
    path.write_bytes(b"".join(members))
    try:
        snap = Snapshot.from_paths([path])
    except EvidenceError:
        assert which == 0  # the first member no longer opens like a WARC file
        return
    for i in range(5):
        if i != which:
            assert _allowed(snap, f"h{i}.example") is False, (i, which, at, how)
