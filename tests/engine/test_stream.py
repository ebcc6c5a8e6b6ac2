# SPDX-License-Identifier: Apache-2.0
"""The streaming engine: results that do not depend on batches or workers, bounded seams.

One scan of the demo in a single batch in this process is the reference; the same scan cut
into small batches judged by two worker processes must write the same facts, assessment
rows, signals, split manifests and report numbers. The gate and assess modes likewise.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from clearance.demo.generate import write_manifest
from clearance.demo.snapshot import demo_snapshot_path
from clearance.engine.gate import gate_manifest
from clearance.engine.scan import ScanConfig, ScanResult, assess_scan, run_scan
from clearance.fetch.snapshot import Snapshot

ROWS = 1200
AS_OF = dt.date(2026, 11, 28)
TABLES = ("facts.parquet", "signals.parquet", "approved.parquet", "restricted.parquet",
          "prohibited.parquet")
SUMMARY = ("counts", "markets", "tiers", "tiers_by_category", "risk_matrix", "ranking",
           "top_vulnerabilities", "sensitivity", "grounds", "analyses", "rightholders",
           "conclusions", "next_steps")


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ScanResult]:
    root = tmp_path_factory.mktemp("stream")
    manifest = write_manifest(root / "manifest.parquet", rows=ROWS, seed=5)
    # row groups of 400 rows: the workers read them in parallel, in slices of the batch size
    pq.write_table(pq.read_table(manifest), manifest, row_group_size=400)
    out = {}
    for name, batch, workers in (("one", 1 << 16, 1), ("many", 250, 2)):
        out[name] = run_scan(ScanConfig(
            manifest=str(manifest), out=root / name, snapshots=(demo_snapshot_path(),),
            as_of=AS_OF, policy="eu-ready-commercial", batch_rows=batch, workers=workers))
    return out


def _assessment(path: Path) -> pl.DataFrame:
    frame = pl.read_parquet(path).with_columns(pl.col(pl.Categorical).cast(pl.String))
    return frame.sort("item_id", "market")


def test_batches_and_workers_change_nothing(scans: dict[str, ScanResult]) -> None:
    one, many = scans["one"].out, scans["many"].out
    for name in TABLES:
        assert pl.read_parquet(one / name).equals(pl.read_parquet(many / name)), name
    assert _assessment(one / "assessment.parquet").equals(
        _assessment(many / "assessment.parquet"))
    mine = json.loads((one / "summary.json").read_text(encoding="utf-8"))
    theirs = json.loads((many / "summary.json").read_text(encoding="utf-8"))
    for key in SUMMARY:
        assert mine[key] == theirs[key], key
    assert (one / "report.md").read_text(encoding="utf-8").replace("/one", "") == \
        (many / "report.md").read_text(encoding="utf-8").replace("/many", "")


def test_tables_are_written_batch_by_batch(scans: dict[str, ScanResult]) -> None:
    facts = pq.ParquetFile(scans["many"].out / "facts.parquet")
    assert facts.metadata.num_row_groups >= 2  # one row group per batch
    assessment = pq.ParquetFile(scans["many"].out / "assessment.parquet")
    rows = assessment.read(columns=["row"]).column("row").to_pylist()
    assert sorted(set(rows)) == list(range(facts.metadata.num_rows))  # rows index the facts
    assert not (scans["many"].out / ".work").exists()  # the spilled batches are gone


def test_each_item_names_the_capture_it_was_judged_on(scans: dict[str, ScanResult]) -> None:
    """The record id of an item's reservation is a capture taken at the item's capture date
    (an epoch with the same documents as an earlier one still names its own captures)."""
    snap = Snapshot.from_paths([demo_snapshot_path()])
    taken = {e.record_id: e.when for entries in snap.captures.values() for e in entries}
    facts = pl.read_parquet(scans["many"].out / "facts.parquet").filter(
        pl.col("reservation_record_id").is_not_null() & pl.col("reservation_capture_at")
        .is_not_null())
    assert facts.height
    for record, at in facts.select("reservation_record_id", "reservation_capture_at").rows():
        assert taken[record] == at


def test_assess_and_gate_do_not_depend_on_batches(
    scans: dict[str, ScanResult], tmp_path: Path
) -> None:
    runs = {}
    for name, workers in (("one", 1), ("many", 2)):
        runs[name] = assess_scan(scans[name].out, out=tmp_path / f"assess-{name}",
                                 markets="us,eu", as_of=AS_OF, workers=workers,
                                 assumptions={"retained_after_training": False})
    assert runs["one"].tiers == runs["many"].tiers
    assert _assessment(runs["one"].out / "assessment.parquet").equals(
        _assessment(runs["many"].out / "assessment.parquet"))
    manifest = scans["one"].out.parent / "manifest.parquet"
    gates = {}
    for name, batch, workers in (("one", 1 << 16, 1), ("many", 300, 2)):
        gates[name] = gate_manifest(str(manifest), "eu-ready-commercial",
                                    out=tmp_path / f"gate-{name}", as_of=AS_OF,
                                    snapshots=[demo_snapshot_path()], batch_rows=batch,
                                    workers=workers)
    one, many = gates["one"], gates["many"]
    assert (one.approved, one.restricted, one.prohibited) == \
        (many.approved, many.restricted, many.prohibited)
    assert one.rule_hits == many.rule_hits and one.reconciled
    assert one.approved + one.restricted + one.prohibited == scans["one"].rows_accepted
    for name in ("decisions.parquet", "approved.parquet", "prohibited.parquet"):
        assert pl.read_parquet(tmp_path / "gate-one" / name).equals(
            pl.read_parquet(tmp_path / "gate-many" / name)), name


def test_decide_never_imports_the_engine() -> None:
    """decide/ applies policy to judgments; the engine strings the steps (one direction)."""
    code = ("import sys, clearance.decide, clearance.decide.decision_table, "
            "clearance.decide.split, clearance.decide.gate; "
            "print(sorted(m for m in sys.modules if m.startswith('clearance.engine')))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.strip()
    assert found == "[]"
    root = Path(__file__).parents[2] / "src" / "clearance" / "decide"
    for path in root.rglob("*.py"):
        assert "clearance.engine" not in path.read_text(encoding="utf-8"), path


def test_scan_help_documents_the_engine_options() -> None:
    from typer.testing import CliRunner

    from clearance.cli import app

    for command in ("scan", "gate"):
        shown = CliRunner().invoke(app, [command, "--help"], terminal_width=200).output
        for option in ("--engine", "--workers", "--ray-address", "--batch-rows"):
            assert option in shown, (command, option)
        assert "clearance[ray]" in shown
