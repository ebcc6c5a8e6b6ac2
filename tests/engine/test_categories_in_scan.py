# SPDX-License-Identifier: Apache-2.0
"""Categories in the flow: home-page captures become page evidence (cited in the reason),
``--categories`` overrides win in scan, assess and gate, and both are recorded."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from clearance.cli import app
from clearance.engine.gate import gate_manifest
from clearance.engine.scan import ScanConfig, assess_scan, run_scan
from clearance.report.content import _category_sources
from tests.engine.warcs import write_warc

BLOG_HOME = ('<html><head><title>Notes | Quiet Lens</title><meta name="generator" '
             'content="Blogger"><script type="application/ld+json">{"@type": "Blog"}</script>'
             '</head><body></body></html>')
SHOP_HOME = ('<html><head><meta property="og:type" content="product"><script type="application/'
             'ld+json">{"@graph": [{"@type": "Store"}]}</script></head></html>')


@pytest.fixture()
def inputs(tmp_path: Path) -> tuple[Path, Path, Path]:
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "url,crawl_date\n"
        "https://quietlens-example.org/2024/05/a.jpg,2025-05-01\n"
        "https://shop.bricks-example.net/p/1.jpg,2025-05-01\n"
        "https://nothing-known-example.com/x.jpg,2025-05-01\n"
        "https://partner-example.io/img/1.png,2025-05-01\n", encoding="utf-8")
    warc = write_warc(tmp_path / "snap.warc.gz", [
        ("https://quietlens-example.org/", "2025-04-01", 200, BLOG_HOME),
        ("https://quietlens-example.org/robots.txt", "2025-04-01", 200, "User-agent: *\n"),
        ("https://shop.bricks-example.net/", "2025-04-02", 200, SHOP_HOME),
        ("https://partner-example.io/", "2025-04-02", 200, SHOP_HOME),
    ])
    overrides = tmp_path / "mine.csv"
    overrides.write_text("domain,category,note\npartner-example.io,stock_media,licensed partner\n",
                         encoding="utf-8")
    return manifest, warc, overrides


def _by_host(path: Path) -> dict[str, tuple[str, str]]:
    frame = pl.read_parquet(path).with_columns(pl.col(pl.Categorical).cast(pl.String))
    return {h: (c, r) for h, c, r in frame.select("host", "category", "category_reason")
            .iter_rows()}


def test_scan_reads_home_pages_and_overrides(inputs: tuple[Path, Path, Path],
                                             tmp_path: Path) -> None:
    manifest, warc, overrides = inputs
    result = run_scan(ScanConfig(manifest=str(manifest), out=tmp_path / "scan", markets=("us",),
                                 snapshots=(warc,), categories=overrides, reports=False))
    got = _by_host(result.out / "facts.parquet")
    category, reason = got["quietlens-example.org"]
    assert category == "blog_personal"
    assert reason.startswith("page:") and "schema=Blog" in reason
    assert "home page https://quietlens-example.org/ captured 2025-04-01" in reason
    assert got["shop.bricks-example.net"][0] == "ecommerce"
    assert got["nothing-known-example.com"] == ("unknown", "no-evidence")
    assert got["partner-example.io"] == ("stock_media", "override:mine.csv:partner-example.io")
    saved = json.loads((result.out / "scan.json").read_text())
    assert saved["categories"] == "mine.csv"
    assert saved["category_sources"]["home_pages_read"] == 2  # the override decided the third
    assert saved["category_sources"]["overrides"] == "mine.csv"
    assert "mine.csv" in _category_sources(saved)
    # the home-page captures relied on are carried into the scan's own evidence
    assert any((result.out / "evidence").rglob("snapshot-*.warc.gz"))

    again = tmp_path / "mine2.yaml"
    again.write_text("quietlens-example.org: news_publisher\n", encoding="utf-8")
    run = assess_scan(result.out, categories=again, reports=False)
    assessed = pl.read_parquet(run.out / "assessment.parquet").with_columns(
        pl.col(pl.Categorical).cast(pl.String))
    cats = set(assessed["category"].unique().to_list())
    assert "news_publisher" in cats and "blog_personal" not in cats
    assert "stock_media" in cats  # the scan's own override stays


def test_gate_uses_home_pages_and_overrides(inputs: tuple[Path, Path, Path],
                                            tmp_path: Path) -> None:
    manifest, warc, overrides = inputs
    gate_manifest(manifest, "eu-ready-commercial", out=tmp_path / "gate", snapshots=[warc],
                  categories=overrides)
    got = _by_host(tmp_path / "gate" / "decisions.parquet")
    assert got["quietlens-example.org"][0] == "blog_personal"
    assert got["partner-example.io"][0] == "stock_media"
    summary = json.loads((tmp_path / "gate" / "gate.json").read_text())
    assert summary["category_sources"] == {"overrides": "mine.csv", "override_entries": 1,
                                           "home_pages_read": 2,
                                           "home_pages_with_statements": 2}


@pytest.mark.parametrize("command", ["scan", "gate"])
def test_a_bad_categories_file_is_a_clear_error(command: str, tmp_path: Path,
                                                inputs: tuple[Path, Path, Path]) -> None:
    manifest, _, _ = inputs
    bad = tmp_path / "bad.csv"
    bad.write_text("domain,category\nexample.org,newspaper\n", encoding="utf-8")
    args = [command, str(manifest), "--out", str(tmp_path / "o"), "--categories", str(bad)]
    if command == "gate":
        args += ["--policy", "eu-ready-commercial"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    text = "".join(result.output.split())  # the console may wrap the message anywhere
    assert "bad.csv:row2:unknowncategory'newspaper'" in text
    assert not (tmp_path / "o" / "facts.parquet").exists()
