# SPDX-License-Identifier: Apache-2.0
"""Issue 20, failure 5 and failure 8: a scan killed at any moment leaves no half-written file
and no completion marker; bad command lines end in one line, never a traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from clearance.cli import app
from clearance.demo.generate import write_manifest
from clearance.demo.snapshot import demo_snapshot_path
from clearance.engine.outdir import MARKER, read_marker

runner = CliRunner()


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_manifest(tmp_path_factory.mktemp("m") / "manifest.parquet", rows=6000, seed=3)


def _complete(path: Path) -> None:
    """Raise when a final-named output file is not whole."""
    if path.suffix == ".parquet":
        pq.read_table(path)
    elif path.suffix == ".json":
        json.loads(path.read_text(encoding="utf-8"))
    elif path.suffix == ".pdf":
        assert path.read_bytes().rstrip().endswith(b"%%EOF"), path


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.6, 1.5, 2.5, 3.5, 5.0, 7.0])
def test_a_scan_killed_at_any_moment_leaves_whole_files_and_no_marker(
    manifest: Path, tmp_path: Path, delay: float
) -> None:
    out = tmp_path / "scan"
    code = (
        "import sys; from clearance.cli import main; sys.argv = ['clearance', 'scan', "
        f"{str(manifest)!r}, '--out', {str(out)!r}, '--snapshot', "
        f"{str(demo_snapshot_path())!r}]; main()"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    finished = proc.poll() is not None
    if not finished:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    if not out.exists():
        return
    for path in out.rglob("*"):
        if path.is_file() and not path.name.endswith(".tmp") and "evidence" not in path.parts:
            _complete(path)
    # the marker is written last: a kill that lands after it (the run had in fact finished
    # between the poll and the signal) leaves a marker whose every listed file is there, whole
    marker = read_marker(out)
    if not finished and marker is not None:
        for rel, size in marker["files"].items():
            assert (out / rel).stat().st_size == size, rel
    elif not finished:
        assert not (out / MARKER).exists()
    # a folder killed before anything was written in it is empty and used as it is; one that
    # holds anything is refused without --force, and --force makes a clean run
    empty = not any(out.iterdir())
    again = runner.invoke(app, ["scan", str(manifest), "--out", str(out), "--markets", "us",
                                "--no-reports"])
    if empty:
        assert again.exit_code == 0, again.output
    else:
        assert again.exit_code == 1 and "--force" in again.output
    forced = runner.invoke(app, ["scan", str(manifest), "--out", str(out), "--markets", "us",
                                 "--no-reports", "--force"])
    assert forced.exit_code == 0, forced.output
    assert (out / MARKER).exists()
    assert not list(out.glob(".*.tmp"))


PROBES: list[tuple[list[str], int]] = [
    (["scan", "{m}", "--out", "{t}/a", "--purpose", "nope"], 2),
    (["scan", "{m}", "--out", "{t}/a", "--markets", ""], 1),
    (["scan", "{m}", "--out", "{t}/a", "--markets", "eu,zz"], 1),
    (["scan", "{m}", "--out", "{t}/a", "--as-of", "2026-13-40"], 1),
    (["scan", "{m}", "--out", "{t}/a", "--retained", "maybe"], 2),
    (["scan", "{m}", "--out", "{t}/a", "--policy", "no-such-policy"], 1),
    (["scan", "{m}", "--out", "{t}/a", "--snapshot", "{t}"], 1),
    (["scan", "{m}", "--out", "{t}/a", "--agreements", "{t}/missing.yaml"], 1),
    (["scan", "{m}", "--out", "{t}/file.txt"], 1),
    (["scan", "{t}/missing.parquet", "--out", "{t}/b"], 1),
    (["assess", "{t}/no-scan-here"], 1),
    (["gate", "{m}", "--policy", "eu-ready-commercial", "--fail-level", "sometimes"], 2),
    (["gate", "{m}", "--policy", "eu-ready-commercial", "--live"], 1),
    (["gate", "{m}", "--policy", "{t}/file.txt"], 1),
    (["law", "assess-table", "{t}/file.txt", "-o", "{t}/o.parquet"], 1),
    (["evidence", "verify", "{t}"], 1),
    (["takedown", "status", "NOPE", "confirmed", "--ledger", "{t}/l.sqlite"], 1),
]


@pytest.mark.parametrize(("argv", "code"), PROBES, ids=[" ".join(p[0][:3]) + f" #{i}"
                                                         for i, p in enumerate(PROBES)])
def test_bad_command_lines_end_in_one_line_not_a_traceback(
    manifest: Path, tmp_path: Path, argv: list[str], code: int
) -> None:
    (tmp_path / "file.txt").write_text("not what you think\n", encoding="utf-8")
    args = [a.format(m=manifest, t=tmp_path) for a in argv]
    result = runner.invoke(app, args)
    assert result.exit_code == code, (args, result.output)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
