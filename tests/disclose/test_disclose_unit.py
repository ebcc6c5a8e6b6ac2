# SPDX-License-Identifier: Apache-2.0
"""Disclosures on a hand-made scan: gaps never invented, missing columns, --since, errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from clearance.cli import app
from clearance.disclose import example_model_yaml, load_model_info, write_disclosures
from clearance.disclose.digest import digest_scan
from clearance.disclose.domains import rank_domains, top_domain_count
from clearance.disclose.facts_text import size_band
from clearance.disclose.model_info import parse_model_info
from clearance.disclose.scan_files import open_scan
from clearance.disclose.sources import _shipped
from clearance.errors import InputError
from tests.disclose.conftest import MINIMAL_MODEL, make_scan

TODAY = dt.date(2026, 12, 5)


def _minimal(tmp_path: Path) -> Path:
    path = tmp_path / "MODEL.yaml"
    path.write_text(MINIMAL_MODEL)
    return path


def test_minimal_model_lists_gaps_and_invents_nothing(tmp_path: Path) -> None:
    scan = make_scan(tmp_path / "scan")
    model = load_model_info(_minimal(tmp_path))
    result = write_disclosures(scan, model, tmp_path / "out", today=TODAY)
    eu = Path(result.files["eu_summary_md"]).read_text("utf-8")
    gaps = "\n".join(result.gaps)
    for missing in ("crawler", "placed_on_eu_market", "provider.contact", "training.tiers",
                    "tokens", "illegal_content_measures", "code_of_practice_signatory",
                    "manifest's SHA-256"):
        assert missing in gaps, missing
    # no crawler name, date or contact appears that the inputs did not give
    assert "AcmeBot" not in eu and "2026-09-01" not in eu
    assert "DRAFT FOR COUNSEL'S REVIEW" in eu


def test_training_tiers_select_items_and_exclusions_are_counted(tmp_path: Path) -> None:
    files = open_scan(make_scan(tmp_path / "scan"))
    d = digest_scan(files, ["approved", "restricted"])
    assert d.items == 6 and d.items_scanned == 8 and d.excluded_total == 2
    assert d.excluded["machine_readable_reservation"] == 1
    assert d.excluded["licence_forbids"] == 1
    assert d.trained_despite["machine_readable_reservation"] == 0
    # the tier is read once per item, not once per market
    assert sum(d.by_tier.values()) == 8
    everything = digest_scan(files, None)
    assert everything.items == 8 and any("training.tiers" in g for g in everything.gaps)


def test_channel_column_is_read_first_and_missing_columns_are_gaps(tmp_path: Path) -> None:
    d = digest_scan(open_scan(make_scan(tmp_path / "a", channel_column="channel")), None)
    assert d.channel("provider_crawl") is not None
    d = digest_scan(open_scan(make_scan(tmp_path / "b", drop=("acquisition_channel",
                                                              "size_bytes"))), None)
    assert d.channel("provider_crawl") is None
    assert any("acquisition channel" in g and "Not available from the scan" in g
               for g in d.gaps)
    assert any("size of each item" in g for g in d.gaps)


def test_domain_ranking_by_bytes_or_items(tmp_path: Path) -> None:
    d = digest_scan(open_scan(make_scan(tmp_path / "a")), None)
    assert d.domains.measure == "bytes"
    assert d.domains.domains == ["b.org", "a.com", "c.net"]  # 520, 230, 50 bytes
    d = digest_scan(open_scan(make_scan(tmp_path / "b", sizes=False)), None)
    assert d.domains.measure == "items"
    assert d.domains.domains[0] == "a.com"  # 3 items


@pytest.mark.parametrize(("n", "sme", "k"), [(0, False, 0), (1, False, 1), (10, False, 1),
                                             (11, False, 2), (137, True, 7), (137, False, 14),
                                             (100_000, True, 1000), (100_000, False, 10_000)])
def test_top_domain_count(n: int, sme: bool, k: int) -> None:
    assert top_domain_count(n, sme=sme) == k


def test_rank_domains_breaks_ties_by_name() -> None:
    frame = pl.DataFrame({"registrable_domain": ["b.com", "a.com"], "size_bytes": [5, 5]})
    assert rank_domains(frame).domains == ["a.com", "b.com"]


@pytest.mark.parametrize(("modality", "value", "band"), [
    ("image", 999_999, "Less than 1 million images"),
    ("image", 1_000_000, "1 million to 1 billion images"),
    ("image", 1e9, "1 million to 1 billion images"),
    ("text", 2e13, "More than 10 trillion tokens"),
    ("audio", 9_999, "Less than 10 000 hours"),
])
def test_size_bands(modality: str, value: float, band: str) -> None:
    assert size_band(modality, value) == band


def test_since_states_what_changed(tmp_path: Path) -> None:
    model = load_model_info(_minimal(tmp_path))
    first = write_disclosures(make_scan(tmp_path / "scan1"), model, tmp_path / "v1", today=TODAY)
    assert first.changes is None
    scan2 = make_scan(tmp_path / "scan2")
    facts = pl.read_parquet(scan2 / "facts.parquet")
    facts.filter(pl.col("item_id") != "i2").write_parquet(scan2 / "facts.parquet")
    second = write_disclosures(scan2, model, tmp_path / "v2", since=tmp_path / "v1", today=TODAY)
    assert second.changes and any("Training items" in c for c in second.changes)
    assert (tmp_path / "v2" / "changes.md").is_file()
    same = write_disclosures(scan2, model, tmp_path / "v3", since=tmp_path / "v2", today=TODAY)
    assert same.changes == []
    with pytest.raises(InputError, match="neither a disclosure folder"):
        write_disclosures(scan2, model, tmp_path / "v4", since=tmp_path, today=TODAY)


def test_not_a_scan_folder(tmp_path: Path) -> None:
    model = load_model_info(_minimal(tmp_path))
    with pytest.raises(InputError, match="facts.parquet is missing"):
        write_disclosures(tmp_path, model, tmp_path / "out", today=TODAY)


def test_model_yaml_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "MODEL.yaml"
    bad.write_text(MINIMAL_MODEL + "colour: blue\n")
    with pytest.raises(InputError, match=r"MODEL\.yaml: colour"):
        load_model_info(bad)
    bad.write_text("provider: [\n")
    with pytest.raises(InputError, match="invalid YAML"):
        load_model_info(bad)
    bad.write_bytes(b"\xff\xfe")
    with pytest.raises(InputError, match="UTF-8"):
        load_model_info(bad)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_parse_model_info_never_crashes(text: str) -> None:
    try:
        parse_model_info(text)
    except InputError:
        pass


def test_example_model_is_complete_and_valid() -> None:
    info = parse_model_info(example_model_yaml())
    assert info.crawlers and info.datasets and info.provider.contact
    assert info.training.tiers == ["approved", "restricted"]


def test_shipped_sources_load() -> None:
    entries = _shipped()
    assert {"eu-template", "ab2013", "code-of-practice-copyright"} <= set(entries)
    assert all(e.url.startswith("https://") for e in entries.values())


def test_cli(tmp_path: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["disclose", "--example-model"])
    assert shown.exit_code == 0 and parse_model_info(shown.output).model.name == "Acme Image"
    assert runner.invoke(app, ["disclose"]).exit_code == 2
    bad = runner.invoke(app, ["disclose", str(tmp_path), "--model", str(_minimal(tmp_path)),
                              "--out", str(tmp_path / "o")])
    assert bad.exit_code == 1 and "facts.parquet is missing" in bad.output
    scan = make_scan(tmp_path / "scan")
    ok = runner.invoke(app, ["disclose", str(scan), "--model", str(_minimal(tmp_path)),
                             "--out", str(tmp_path / "o"), "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["gaps"]
