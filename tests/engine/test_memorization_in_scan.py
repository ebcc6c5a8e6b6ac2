# SPDX-License-Identifier: Apache-2.0
"""A red team's memorisation table in the scan: the items it names take the tested value
(by item_id, else by URL), the law and the policy follow it, the rest keep the presumption,
and the report says how many items were tested instead of presumed."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from clearance.cli import app
from clearance.engine.scan import ScanConfig, assess_scan, run_scan
from clearance.redteam.findings import MEMORIZATION_SCHEMA

runner = CliRunner()


def _row(**kw: object) -> dict[str, object]:
    base = {"source": None, "item_id": None, "category": None, "license": None, "probes": 5,
            "outputs_matching": 0, "max_tokens": 0, "max_chars": 0, "memorization": None,
            "basis": ""}
    return {**base, **kw}


@pytest.fixture()
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "item_id,url,crawl_date\n"
        "a1,https://news-example.com/2024/a.html,2025-05-01\n"
        "a2,https://news-example.com/2024/b.html,2025-05-01\n"
        "a3,https://news-example.com/2024/c.html,2025-05-01\n", encoding="utf-8")
    table = tmp_path / "memorization.parquet"
    pq.write_table(pa.Table.from_pylist([
        _row(source="corpus/a.txt", item_id="a1", outputs_matching=2, max_tokens=80,
             memorization=True, basis="probe run r1: 2 of 5 outputs reproduced 80 tokens"),
        _row(source="https://news-example.com/2024/b.html", memorization=False,
             basis="probe run r1: nothing reproduced"),
        _row(source="https://news-example.com/2024/zzz.html", memorization=None),
    ], schema=MEMORIZATION_SCHEMA), table)
    return manifest, table


def _law(out: Path) -> dict[tuple[str, str], tuple[str, str, str]]:
    frame = pl.read_parquet(out / "assessment.parquet").with_columns(
        pl.col(pl.Categorical).cast(pl.String))
    return {(i, m): (e, t, c) for i, m, e, t, c in frame.select(
        "item_id", "market", "exposure", "tier", "citations").iter_rows()}


def test_tested_items_take_the_tested_value_and_the_law_follows(
        inputs: tuple[Path, Path], tmp_path: Path) -> None:
    manifest, table = inputs
    markets = ("us", "uk", "de")
    policy = "us-fair-use-reliant"  # its `memorised` rule restricts what it would approve
    plain = run_scan(ScanConfig(manifest=str(manifest), out=tmp_path / "plain",
                                markets=markets, policy=policy, reports=False))
    tested = run_scan(ScanConfig(manifest=str(manifest), out=tmp_path / "tested",
                                 markets=markets, policy=policy,
                                 memorization_tables=(table,)))
    facts = dict(pl.read_parquet(tested.out / "facts.parquet")
                 .select("item_id", "memorization").iter_rows())
    assert facts == {"a1": True, "a2": False, "a3": None}
    before, after = _law(plain.out), _law(tested.out)
    # GEMA v OpenAI: memorised works in the model are reproductions outside the TDM exception
    assert "de-case-gema-v-openai" in after["a1", "de"][2]
    assert "de-case-gema-v-openai" not in before["a1", "de"][2]
    assert after["a1", "de"][1] == "restricted" != before["a1", "de"][1]
    # the item probed without reproduction and the untested one are judged as before
    for item in ("a2", "a3"):
        for market in markets:
            assert after[item, market][:2] == before[item, market][:2]
    report = (tested.out / "report.md").read_text(encoding="utf-8")
    line = next(x for x in report.splitlines() if x.startswith("| Memorisation tested"))
    assert "2 items named by memorization.parquet" in line
    assert "1 reproduced by an output, 1 probed without reproduction" in line


def test_assess_and_gate_take_the_table_too(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    manifest, table = inputs
    plain = run_scan(ScanConfig(manifest=str(manifest), out=tmp_path / "plain",
                                markets=("us", "de"), reports=False))
    rerun = assess_scan(plain.out, out=tmp_path / "run", memorization_tables=[table],
                        reports=False)
    assert _law(rerun.out)["a1", "de"][1] == "restricted"
    gated = runner.invoke(app, ["gate", str(manifest), "--policy", "eu-ready-commercial",
                                "--markets", "us,de", "--out", str(tmp_path / "gate"),
                                "--memorization-table", str(table), "--fail-level", "none"])
    assert gated.exit_code == 0, gated.output
    decisions = pl.read_parquet(tmp_path / "gate" / "decisions.parquet")
    tiers = dict(decisions.select("item_id", pl.col("tier").cast(pl.String)).iter_rows())
    assert tiers["a1"] == "restricted"


def test_an_unreadable_table_is_named(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    manifest, _ = inputs
    bad = tmp_path / "notes.parquet"
    bad.write_text("not parquet", encoding="utf-8")
    got = runner.invoke(app, ["scan", str(manifest), "--out", str(tmp_path / "s"),
                              "--markets", "us", "--memorization-table", str(bad)])
    assert got.exit_code != 0
    assert "notes.parquet" in got.output and "Traceback" not in got.output
