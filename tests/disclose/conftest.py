# SPDX-License-Identifier: Apache-2.0
"""Fixtures: the demo run small (scan + disclosures), and a hand-made scan folder."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from clearance.cli import app

UTC = dt.UTC


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run `clearance demo` on 3,000 rows: the scan and Acme's disclosures."""
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(app, ["demo", "--rows", "3000", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def make_scan(root: Path, *, channel_column: str = "acquisition_channel", sizes: bool = True,
              drop: tuple[str, ...] = ()) -> Path:
    """Write a small scan folder: 8 items, 2 tiers, 3 crawled domains, signals, summary."""
    when = [dt.datetime(2025, 3, d, tzinfo=UTC) for d in range(1, 9)]
    facts = pl.DataFrame({
        "item_id": [f"i{k}" for k in range(8)],
        "registrable_domain": ["a.com", "a.com", "b.org", "c.net", None, None, "b.org", "a.com"],
        "modality": ["image"] * 6 + ["text", "image"],
        "dataset_name": ["crawl"] * 4 + ["pub", "lic", "crawl", "crawl"],
        "dataset_version": ["1"] * 8,
        channel_column: ["provider_crawl"] * 4 + ["public_dataset", "licensed",
                                                  "provider_crawl", "provider_crawl"],
        "size_bytes": ([100, 100, 500, 50, 10, 10, 20, 30] if sizes
                       else [100, None, 500, 50, 10, 10, 20, 30]),
        "collected_at": when,
        "language": [None] * 8,
        "personal_data": [None, True, False, None, False, False, None, None],
        "license_effective_id": ["CC0-1.0", "unknown", "CC-BY-4.0", "unknown", "public-domain",
                                 "unknown", "unknown", "unknown"],
        "license_permission": ["allowed", "unknown", "conditional", "unknown", "allowed",
                               "unknown", "unknown", "not_allowed"],
        "category": ["social_media"] * 8,
        "reservation": ["not_reserved", "not_reserved", "not_reserved", "reserved",
                        "unknown", "unknown", "not_reserved", "not_reserved"],
        "reservation_form": ["none", "none", "none", "machine_readable", "none", "none",
                             "none", "none"],
        "reservation_standards": [[], [], [], ["robots.txt:GPTBot"], [], [], [], []],
        "reservation_now": ["not_reserved"] * 8,
        "blocklist": [None] * 8,
        "piracy_source": [False] * 8,
        "takedown": [None] * 8,
        "access": ["lawful"] * 8,
    }).drop(list(drop))
    root.mkdir(parents=True, exist_ok=True)
    facts.write_parquet(root / "facts.parquet")
    tiers = ["approved", "restricted", "approved", "prohibited", "approved", "approved",
             "restricted", "prohibited"]
    pl.DataFrame({"item_id": [f"i{k}" for k in range(8)] * 2, "market": ["eu"] * 8 + ["us"] * 8,
                  "tier": tiers * 2}).write_parquet(root / "assessment.parquet")
    pl.DataFrame({"host": ["a.com", "c.net"], "captured_at": [when[0], when[1]],
                  "standard": ["robots.txt", "robots.txt"], "verdict": ["allowed", "reserved"]}
                 ).write_parquet(root / "signals.parquet")
    (root / "summary.json").write_text(json.dumps({
        "kb_as_of": "2026-11-28", "as_of": "2026-12-05",
        "configuration": {"policy": "eu-ready-commercial", "tool_version": "0.1.0"}}))
    return root


MINIMAL_MODEL = "provider:\n  name: Tiny Lab\nmodel:\n  name: Tiny\n  version: '0.1'\n"
