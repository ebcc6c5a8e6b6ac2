# SPDX-License-Identifier: Apache-2.0
"""Tamper tests: any edited, deleted, inserted or reordered record or ledger entry is caught."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli import app
from clearance.fetch import StaticResolver, verify_evidence
from clearance.fetch.ledger import entry_hash
from tests.fetch.helpers import fetch


@pytest.fixture(scope="module")
def pristine(port: int, resolver: StaticResolver, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("evidence")
    fetch(port, resolver, ["plain", "ai-block", "rsl", "404", "reset"], root)
    return root


@pytest.fixture()
def ev(pristine: Path, tmp_path: Path) -> Path:
    target = tmp_path / "ev"
    shutil.copytree(pristine, target)
    return target


def _entries(ev: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (ev / "ledger" / "s00.jsonl").read_text().splitlines()]


def _warc(ev: Path) -> Path:
    return ev / "warc" / "s00-00000.warc.gz"


def _span(entry: dict[str, object]) -> tuple[int, int]:
    pos, length = int(str(entry["pos"])), int(str(entry["length"]))
    return pos, pos + length


def test_pristine_evidence_verifies(ev: Path) -> None:
    report = verify_evidence(ev)
    assert report.ok, report.problems
    assert report.records == len(_entries(ev)) > 20
    assert CliRunner().invoke(app, ["evidence", "verify", str(ev)]).exit_code == 0


def test_edited_record(ev: Path) -> None:
    entry = _entries(ev)[5]
    start, end = _span(entry)
    data = bytearray(_warc(ev).read_bytes())
    data[(start + end) // 2] ^= 0x01
    _warc(ev).write_bytes(bytes(data))
    report = verify_evidence(ev)
    assert not report.ok and any("line 6" in p for p in report.problems)


def test_deleted_record(ev: Path) -> None:
    start, end = _span(_entries(ev)[7])
    data = _warc(ev).read_bytes()
    _warc(ev).write_bytes(data[:start] + data[end:])
    assert not verify_evidence(ev).ok


def test_inserted_record(ev: Path) -> None:
    entries = _entries(ev)
    start, end = _span(entries[3])
    data = _warc(ev).read_bytes()
    at = _span(entries[8])[0]
    _warc(ev).write_bytes(data[:at] + data[start:end] + data[at:])  # a valid record, copied
    assert not verify_evidence(ev).ok


def test_appended_record(ev: Path) -> None:
    start, end = _span(_entries(ev)[4])
    data = _warc(ev).read_bytes()
    _warc(ev).write_bytes(data + data[start:end])
    report = verify_evidence(ev)
    assert not report.ok and any("after the last ledgered record" in p for p in report.problems)


def test_reordered_records(ev: Path) -> None:
    entries = _entries(ev)
    a0, a1 = _span(entries[5])
    b0, b1 = _span(entries[6])
    data = _warc(ev).read_bytes()
    _warc(ev).write_bytes(data[:a0] + data[b0:b1] + data[a0:a1] + data[b1:])
    assert not verify_evidence(ev).ok


def _write_ledger(ev: Path, entries: list[dict[str, object]]) -> None:
    text = "".join(json.dumps(e, sort_keys=True, separators=(",", ":")) + "\n" for e in entries)
    (ev / "ledger" / "s00.jsonl").write_text(text)


def test_edited_ledger_entry_even_with_its_hash_recomputed(ev: Path) -> None:
    entries = _entries(ev)
    entries[9]["status"] = 200 if entries[9].get("status") != 200 else 404
    _write_ledger(ev, entries)
    assert any("entry edited" in p for p in verify_evidence(ev).problems)
    entries[9]["hash"] = entry_hash(entries[9])  # a forger recomputes the entry's own hash
    _write_ledger(ev, entries)
    assert any("does not link" in p for p in verify_evidence(ev).problems)


def test_deleted_ledger_entry(ev: Path) -> None:
    entries = _entries(ev)
    del entries[10]
    _write_ledger(ev, entries)
    assert not verify_evidence(ev).ok


def test_reordered_ledger_entries(ev: Path) -> None:
    entries = _entries(ev)
    entries[11], entries[12] = entries[12], entries[11]
    _write_ledger(ev, entries)
    assert not verify_evidence(ev).ok


def test_tail_cut_from_ledger_and_warc_is_caught_by_the_index(ev: Path) -> None:
    entries = _entries(ev)
    keep = entries[:-3]
    _write_ledger(ev, keep)
    end = _span(keep[-1])[1]
    _warc(ev).write_bytes(_warc(ev).read_bytes()[:end])
    report = verify_evidence(ev)
    assert any("deleted from the end" in p for p in report.problems)


def test_missing_or_foreign_warc_file(ev: Path) -> None:
    shutil.copy(_warc(ev), ev / "warc" / "s00-00099.warc.gz")
    assert any("no ledger entry refers" in p for p in verify_evidence(ev).problems)
    _warc(ev).unlink()
    assert any("missing" in p for p in verify_evidence(ev).problems)


def test_cli_exits_non_zero_on_tamper(ev: Path) -> None:
    data = bytearray(_warc(ev).read_bytes())
    data[-10] ^= 0xFF
    _warc(ev).write_bytes(bytes(data))
    result = CliRunner().invoke(app, ["evidence", "verify", str(ev)])
    assert result.exit_code == 1
    assert "TAMPER" in result.output


def test_cli_show_prints_what_was_seen(ev: Path, port: int) -> None:
    target = f"http://ai-block.v.loop.test:{port}/robots.txt"
    result = CliRunner().invoke(app, ["evidence", "show", target, "--dir", str(ev)])
    assert result.exit_code == 0, result.output
    assert "ok 200" in result.output and "GPTBot" in result.output
    result = CliRunner().invoke(app, ["evidence", "show", target, "-d", str(ev), "--json"])
    rows = json.loads(result.stdout)
    assert rows[0]["status"] == 200 and rows[0]["payload_digest"].startswith("sha1:")
