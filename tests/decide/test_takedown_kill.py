# SPDX-License-Identifier: Apache-2.0
"""Killing ``clearance takedown add --from`` (SIGKILL) at random points loses no request it
acknowledged, leaves a sound database, and a rerun completes the batch without duplicates."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pytest

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")

REQUESTS = 3000


def _batch(path: Path) -> None:
    lines = ["request_id,kind,value,requester"]
    lines += [f"R{i:05d},domain,site{i}.example,Rightholder {i % 7}" for i in range(REQUESTS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _intake(batch: Path, ledger: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "clearance", "takedown", "add", "--from", str(batch),
         "--ledger", str(ledger), "--chunk", "20"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip


def _collect(stream: IO[bytes], lines: list[bytes]) -> None:
    lines.extend(iter(stream.readline, b""))


def _accepted(lines: list[bytes]) -> int:
    return sum(1 for line in list(lines) if line.startswith(b"accepted "))


def _stored(ledger: Path) -> set[str]:
    with sqlite3.connect(ledger) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {row[0] for row in db.execute("SELECT request_id FROM requests")}


def test_sigkill_during_batch_intake_loses_no_acknowledged_request(tmp_path: Path) -> None:
    batch, ledger = tmp_path / "batch.csv", tmp_path / "ledger.sqlite"
    _batch(batch)
    rng = random.Random(20261128)
    acknowledged: set[str] = set()
    kills = 0
    for _ in range(4):
        proc = _intake(batch, ledger)
        assert proc.stdout is not None
        lines: list[bytes] = []
        reader = threading.Thread(target=_collect, args=(proc.stdout, lines))
        reader.start()
        wanted = rng.randint(1, 400)  # kill once this many new requests were acknowledged
        deadline = time.monotonic() + 60
        while _accepted(lines) < wanted and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.05))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=30)
        reader.join(timeout=30)
        proc.stdout.close()
        for line in lines:
            if line.endswith(b"\n") and line.startswith(b"accepted "):
                acknowledged.add(line[len(b"accepted ") :].strip().decode())
        stored = _stored(ledger)
        assert acknowledged <= stored, sorted(acknowledged - stored)[:5]
    assert kills >= 1, "the intake always finished before the kill: make the batch larger"
    final = subprocess.run(
        [sys.executable, "-m", "clearance", "takedown", "add", "--from", str(batch),
         "--ledger", str(ledger)], capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert final.returncode == 0, final.stderr.decode()[-500:]
    stored = _stored(ledger)
    assert len(stored) == REQUESTS
    out = final.stdout.decode().splitlines()
    assert sum(1 for line in out if line.startswith("duplicate ")) >= len(acknowledged)
    with sqlite3.connect(ledger) as db:
        events = db.execute("SELECT COUNT(*) FROM events WHERE status = 'received'").fetchone()[0]
    assert events == REQUESTS  # one intake event per request, none doubled by the retries
