# SPDX-License-Identifier: Apache-2.0
"""write_reports end to end: every file, summary.json against the assessment, the law engine."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import Scan, build_scan
from pypdf import PdfReader

from clearance.errors import ReportError
from clearance.law import assess_table
from clearance.report import FILE_NAMES, rank_vulnerabilities, write_reports
from clearance.report.figures import compact_count, draw_heatmap
from clearance.report.matrix import matrix_frame
from clearance.report.tables import prepare_tables


def test_every_file_is_written_and_summary_agrees(small_scan: Scan, tmp_path: Path) -> None:
    signals = pa.table(
        {
            "host": ["a.example", "b.example", "a.example"],
            "standard": ["robots.txt", "robots.txt", "tdmrep"],
            "verdict": ["reserved", "not_reserved", "reserved"],
        }
    )
    config = {
        "markets": list(small_scan.markets),
        "purpose": "genai_training",
        "policy": "eu-ready-commercial",
        "rows_read": 125,
        "rows_rejected": 5,
        "as_of": dt.date(2026, 12, 1),
    }
    paths = write_reports(
        tmp_path / "scan", small_scan.facts, small_scan.assessment, signals, config
    )
    for key, name in FILE_NAMES.items():
        path = Path(getattr(paths, key))
        assert path.name == name and path.stat().st_size > 0
    assert not list((tmp_path / "scan").glob(".*.tmp")), "no temporary files left behind"
    assert len(PdfReader(paths.assessment_pdf).pages) == 1
    summary = json.loads(Path(paths.summary_json).read_text(encoding="utf-8"))
    assert summary["disclaimer"] == "Risk assessment, not legal advice."
    assert summary["kb_as_of"] == "2026-11-28" and summary["as_of"] == "2026-12-01"
    assert summary["counts"]["rows_read"] == 125 and summary["counts"]["items"] == 120
    assert summary["configuration"]["as_of"] == "2026-12-01"
    per_market = Counter((r["market"], r["exposure"]) for r in small_scan.assessment.to_pylist())
    for market, row in summary["markets"].items():
        for level in ("low", "medium", "high", "critical"):
            assert row[level] == per_market[(market, level)]
    tiers = Counter(r["tier"] for r in small_scan.assessment.to_pylist() if r["market"] == "us")
    assert {k: summary["tiers"][k] for k in tiers} == dict(tiers)
    assert len(summary["risk_matrix"]) == 4 * 6
    ranked = rank_vulnerabilities(small_scan.facts, small_scan.assessment, as_of="2026-12-01")
    assert [v["category"] for v in summary["top_vulnerabilities"]] == [
        v.category for v in ranked[:3]
    ]
    html = Path(paths.report_html).read_text(encoding="utf-8")
    assert "Opt-out signals found" in html and "tdmrep" in html


def test_law_engine_output_renders(tmp_path: Path) -> None:
    """The law engine's own table (dictionary columns, comma-joined lists) is read as is."""
    scan = build_scan(90, categories=("news_publisher", "stock_media", "shadow_library"))
    facts = scan.facts.select(
        [
            "item_id",
            "category",
            "size_bytes",
            "url",
            "piracy_source",
            "reservation",
            "license_permission",
        ]
    )
    facts = facts.append_column("purpose", pa.array(["genai_training"] * 90))
    assessment = assess_table(facts, ["us", "eu", "uk"], as_of="2026-12-01")
    paths = write_reports(tmp_path, facts, assessment, None, {"markets": ["us", "eu", "uk"]})
    matrix = matrix_frame(prepare_tables(facts, assessment, markets=["us", "eu", "uk"]))
    assert int(matrix["items"].sum()) == assessment.num_rows
    summary = json.loads(Path(paths.summary_json).read_text(encoding="utf-8"))
    top = summary["top_vulnerabilities"]
    assert top and top[0]["category"] == "shadow_library"
    assert top[0]["recommendations"][0]["action"] == "delete"
    md = Path(paths.report_md).read_text(encoding="utf-8")
    assert "Copies taken from a pirate source" in md  # rule titles, not only ids


def test_unwritable_directory_raises_report_error(small_scan: Scan, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(ReportError, match="cannot create"):
        write_reports(blocker / "scan", small_scan.facts, small_scan.assessment)


def test_heatmap_is_deterministic(small_scan: Scan, tmp_path: Path) -> None:
    matrix = matrix_frame(prepare_tables(small_scan.facts, small_scan.assessment))
    markets = list(small_scan.markets)
    for name in ("a", "b"):
        draw_heatmap(
            matrix,
            tmp_path / f"{name}.png",
            tmp_path / f"{name}.svg",
            markets=markets,
            kb_as_of="2026-11-28",
        )
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    assert (tmp_path / "a.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (tmp_path / "a.svg").read_text(encoding="utf-8")
    assert svg.count("<svg") == 1 and 'xlink:href="http' not in svg


def test_compact_count() -> None:
    assert [compact_count(n) for n in (0, 999, 1000, 12_345, 3_400_000, 2_000_000_000)] == [
        "0",
        "999",
        "1.0k",
        "12k",
        "3.4M",
        "2.0B",
    ]
