# SPDX-License-Identifier: Apache-2.0
"""Kill -9 a fetch run at random points, restart it, and get what an uninterrupted run gets."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clearance.fetch import verify_evidence
from clearance.fetch.index import EvidenceIndex

ROOT = Path(__file__).resolve().parents[2]
HOSTS = 600


def _start(ev: Path, port: int, workers: int, *, errors: bool = False) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fetch.resume_child",
            str(ev),
            str(port),
            str(HOSTS),
            str(workers),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if errors else subprocess.DEVNULL,
    )


def _ledger_lines(ev: Path) -> int:
    total = 0
    for path in (ev / "ledger").glob("*.jsonl") if (ev / "ledger").exists() else []:
        with open(path, "rb") as fh:
            total += sum(1 for _ in fh)
    return total


def _results(ev: Path) -> tuple[set[tuple[object, ...]], list[tuple[object, ...]]]:
    index = EvidenceIndex(ev / "index.sqlite")
    rows = index.query(
        "SELECT doc, url, kind, outcome, status, truncated, payload_digest "
        "FROM records WHERE final = 1"
    )
    index.close()
    docs = [(r["doc"], r["url"]) for r in rows]
    results = {
        (
            r["doc"],
            r["url"],
            r["outcome"],
            r["status"],
            r["truncated"],
            r["payload_digest"] if r["kind"] == "response" else None,
        )
        for r in rows
    }
    return results, docs


def _run_to_end(ev: Path, port: int, workers: int) -> str:
    proc = _start(ev, port, workers, errors=True)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode(errors="replace")[-3000:]
    return out.decode().split()[0]


@pytest.mark.parametrize("workers", [1, 2])
def test_killed_runs_resume_to_the_same_results(port: int, tmp_path: Path, workers: int) -> None:
    reference = tmp_path / "reference"
    _run_to_end(reference, port, workers)
    expected, _ = _results(reference)

    ev = tmp_path / "killed"
    rng = random.Random(5 + workers)
    kills = 0
    for _ in range(5):
        # kill at a random moment shortly after the ledger has grown by a random amount (ledger
        # writes are batched, so growth comes in steps); a run must never get to its end here
        # (the first run's ledger holds about seven lines per host)
        target = _ledger_lines(ev) + rng.randint(1, 150)
        proc = _start(ev, port, workers)
        deadline = time.monotonic() + 60
        while proc.poll() is None and _ledger_lines(ev) < target and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0.0, 0.02))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)  # the run only; workers die with their parent
            kills += 1
        proc.communicate()
    assert kills >= 2
    _run_to_end(ev, port, workers)

    got, docs = _results(ev)
    assert got == expected, (sorted(got - expected)[:5], sorted(expected - got)[:5])
    assert len(docs) == len(set(docs)), "a document was recorded twice: it was fetched again"
    report = verify_evidence(ev)
    assert report.ok, report.problems[:5]
    index = EvidenceIndex(ev / "index.sqlite")
    runs = index.query("SELECT run, finished_at FROM runs")
    index.close()
    assert len(runs) == 1 and runs[0]["finished_at"] is not None  # one run, resumed


def test_a_shard_has_one_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from clearance.errors import EvidenceError
    from clearance.fetch import store

    monkeypatch.setattr(store, "_LOCK_WAIT", 0.2)
    first = store.EvidenceStore(tmp_path, "s00", run="r", warc_max_bytes=1 << 20)
    first.open()
    second = store.EvidenceStore(tmp_path, "s00", run="r", warc_max_bytes=1 << 20)
    with pytest.raises(EvidenceError, match="being written by another process"):
        second.open()
    second.index.close()
    first.close()
    third = store.EvidenceStore(tmp_path, "s00", run="r", warc_max_bytes=1 << 20)
    third.open()  # released: the next writer gets it
    third.close()
