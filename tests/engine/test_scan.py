# SPDX-License-Identifier: Apache-2.0
"""The main job end to end on the demo: files, one-page assessment, reconciled tiers, and a
report whose matrix and top-3 agree with assessment.parquet."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from clearance.cli import app
from clearance.demo.generate import write_manifest
from clearance.demo.snapshot import demo_snapshot_path
from clearance.engine.scan import (
    ScanConfig,
    ScanResult,
    assess_scan,
    default_policy,
    run_scan,
)

ROWS = 3000
LEVELS = ("low", "medium", "high", "critical")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    root = tmp_path_factory.mktemp("demo")
    manifest = write_manifest(root / "manifest.parquet", rows=ROWS, seed=7)
    config = ScanConfig(manifest=str(manifest), out=root / "scan",
                        markets=("us", "eu", "uk", "jp", "cn", "sg"),
                        policy="eu-ready-commercial", snapshots=(demo_snapshot_path(),))
    return run_scan(config)


def test_every_output_is_written(scanned: ScanResult) -> None:
    out = scanned.out
    for name in ("facts.parquet", "assessment.parquet", "signals.parquet", "summary.json",
                 "report.md", "report.html", "report.pdf", "assessment.pdf", "risk_matrix.png",
                 "risk_matrix.svg", "approved.parquet", "restricted.parquet",
                 "prohibited.parquet", "scan.json", "clearance-complete.json",
                 "evidence/ledger/snapshot.jsonl", "evidence/index.sqlite"):
        assert (out / name).is_file(), name
    # every file the result lists is where it says (facts and signals once lacked the folder)
    for name, path in scanned.files.items():
        assert Path(path).exists(), (name, path)
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "not legal advice" in report
    # the configuration states how categories were decided (home pages read as evidence)
    assert "Source categories: knowledge base and suffix rules; page evidence from" in report
    assert json.loads((out / "scan.json").read_text())["category_sources"]["home_pages_read"] > 0


def test_assessment_pdf_is_exactly_one_page_and_opens_report_pdf(scanned: ScanResult) -> None:
    one = PdfReader(scanned.out / "assessment.pdf")
    full = PdfReader(scanned.out / "report.pdf")
    assert len(one.pages) == 1
    assert len(full.pages) > 1
    assert one.pages[0].extract_text() == full.pages[0].extract_text()


def test_tiers_reconcile_with_the_input(scanned: ScanResult) -> None:
    assert scanned.rows_read == scanned.rows_accepted + scanned.rows_rejected == ROWS
    tiers = scanned.tiers
    assert tiers["approved"] + tiers["restricted"] + tiers["prohibited"] == scanned.rows_accepted
    for tier, n in tiers.items():
        written = pl.read_parquet(scanned.out / f"{tier}.parquet")
        assert written.height == n
        if n:
            assert set(written["tier"].unique()) == {tier}


def test_matrix_and_top3_agree_with_the_assessment(scanned: ScanResult) -> None:
    summary = json.loads((scanned.out / "summary.json").read_text(encoding="utf-8"))
    assessment = pl.read_parquet(scanned.out / "assessment.parquet").drop(
        "category", "acquisition_channel")
    facts = pl.read_parquet(scanned.out / "facts.parquet",
                            columns=["item_id", "category", "acquisition_channel"])
    # the matrix's rows: source categories, and their own rows for the licensed, synthetic
    # and user-data channels
    row = pl.when(pl.col("acquisition_channel").is_in(["licensed", "synthetic", "user_data"]))\
        .then(pl.lit("channel:") + pl.col("acquisition_channel")).otherwise(pl.col("category"))
    facts = facts.with_columns(pl.col(pl.Categorical).cast(pl.String))\
        .with_columns(row.alias("category")).drop("acquisition_channel")
    joined = assessment.join(facts, on="item_id").with_columns(pl.col(pl.Categorical)
                                                              .cast(pl.String))
    counted = joined.group_by("category", "market", "exposure").len()
    expected = {(c, m, e): n for c, m, e, n in counted.iter_rows()}
    for cell in summary["risk_matrix"]:
        for level in LEVELS:
            key = (cell["category"], cell["market"], level)
            assert cell[f"items_{level}"] == expected.get(key, 0), key
    weights = {"low": 0, "medium": 1, "high": 3, "critical": 9}
    exposure = (joined.with_columns(pl.col("exposure").replace_strict(weights,
                                                                       return_dtype=pl.Int64)
                                    .alias("w")).group_by("category").agg(pl.col("w").sum()))
    by_weight = dict(exposure.iter_rows())
    top = summary["top_vulnerabilities"]
    assert len(top) == 3
    assert all(by_weight[t["category"]] > 0 for t in top)
    assert [t["rank"] for t in top] == [1, 2, 3]
    assert top[0]["score"] >= top[1]["score"] >= top[2]["score"]


def test_reserved_then_and_now_are_both_recorded(scanned: ScanResult) -> None:
    facts = pl.read_parquet(scanned.out / "facts.parquet")
    news = facts.filter(pl.col("category") == "news_publisher")
    assert news.filter(pl.col("reservation") == "reserved").height > 0
    changed = facts.filter(pl.col("reservation") != pl.col("reservation_now")).height
    assert changed > 0
    assert facts["reservation_evidence"].drop_nulls().len() > 0


def test_assess_rejudges_saved_facts_without_the_manifest(scanned: ScanResult,
                                                          tmp_path: Path) -> None:
    copy = tmp_path / "scan"
    shutil.copytree(scanned.out, copy)
    (copy / "assessment.parquet").unlink()
    again = assess_scan(copy, markets=("us", "de", "kr"), policy="us-fair-use-reliant",
                        reports=False)
    assessment = pl.read_parquet(again.out / "assessment.parquet")
    assert again.out.parent == copy / "runs"
    assert set(assessment["market"].cast(pl.String).unique()) == {"us", "de", "kr"}
    assert sum(again.tiers.values()) == scanned.rows_accepted
    assert again.files["facts"] == str(copy / "facts.parquet")  # the scan's, not the run's


def test_scan_cli_on_a_csv(tmp_path: Path) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "url,license,crawl_date\n"
        "https://pbs.twimg.com/media/a.jpg,,2025-05-01\n"
        "https://upload.wikimedia.org/wikipedia/commons/a/ab/X.jpg,CC0,2025-05-01\n"
        "https://libgen.is/covers/1000/abc.jpg,,2025-05-01\n"
        "not a url,,\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["scan", str(manifest), "--out", str(tmp_path / "out"),
                                      "--markets", "us,eu", "--no-reports", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["rows_read"] == 4 and data["rows_rejected"] == 1
    assert sum(data["tiers"].values()) == 3
    assert data["tiers"]["prohibited"] >= 1  # the shadow-library cover
    assert (tmp_path / "out" / "approved.csv").exists()


@pytest.mark.parametrize(("purpose", "markets", "policy"), [
    ("genai_training", ("us", "eu", "uk"), "eu-ready-commercial"),
    ("genai_training", ("uk", "de"), "eu-ready-commercial"),  # de is an EU member state
    ("genai_training", ("us", "fr"), "eu-ready-commercial"),
    ("genai_training", ("us", "jp"), "us-fair-use-reliant"),
    ("genai_training", ("uk", "jp"), "eu-ready-commercial"),  # the more cautious one
    ("research", ("us",), "research-only"),
])
def test_the_default_policy_follows_purpose_and_markets(
    purpose: str, markets: tuple[str, ...], policy: str
) -> None:
    assert default_policy(purpose, markets) == policy


def test_a_scan_without_us_or_eu_judges_the_market_its_default_policy_reads(
    tmp_path: Path,
) -> None:
    """`--markets uk,de` with no --policy used to stop with a PolicyError (the default policy
    read exposure_us); the market the policy reads is now judged too, and the report says so."""
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "url,license,crawl_date\n"
        "https://upload.wikimedia.org/wikipedia/commons/a/ab/X.jpg,CC0,2025-05-01\n"
        "https://pbs.twimg.com/media/a.jpg,,2025-05-01\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["scan", str(manifest), "--out", str(out),
                                      "--markets", "uk,de", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert sum(data["tiers"].values()) == 2
    assessment = pl.read_parquet(out / "assessment.parquet")
    assert set(assessment["market"].cast(pl.String).unique()) == {"uk", "de", "eu"}
    note = ("market(s) eu judged besides --markets uk,de: the policy eu-ready-commercial "
            "reads their exposure")
    assert any(note in w for w in data["warnings"])
    assert note in (out / "report.md").read_text(encoding="utf-8")


def test_live_scan_fetches_into_evidence_and_judges(tmp_path: Path) -> None:
    from clearance.config import FetchConfig
    from clearance.fetch import StaticResolver, verify_evidence
    from tests.fetch.loopback import loopback_server

    with loopback_server(lifetime=120) as port:
        manifest = tmp_path / "m.csv"
        manifest.write_text(
            "url,crawl_date\n"
            f"http://ai-block.v.loop.test:{port}/a.jpg,2020-01-01\n"
            f"http://plain.v.loop.test:{port}/b.jpg,2020-01-01\n"
            f"http://5xx.v.loop.test:{port}/c.jpg,2020-01-01\n", encoding="utf-8")
        config = ScanConfig(
            manifest=str(manifest), out=tmp_path / "out", markets=("us", "eu"), live=True,
            presume_earlier=True, reports=False,
            fetch=FetchConfig(allow_networks=("127.0.0.0/8",), retries=1, total_timeout=2.0))
        result = run_scan(config, resolver=StaticResolver({"*.loop.test": "127.0.0.1"}))
    facts = pl.read_parquet(result.out / "facts.parquet").sort("source_row").head(2)
    assert facts["reservation_now"].to_list() == ["reserved", "not_reserved"]
    # collected before the capture: only the reservation is carried back
    assert facts["reservation"].to_list() == ["reserved", "unknown"]
    assert "robots.txt:GPTBot" in facts["reservation_standards"][0].to_list()
    # the home pages fetched with the host documents are the sites' own statements
    assert facts["category"].cast(pl.String).to_list() == ["news_publisher"] * 2
    # a host that gave no robots.txt answer is counted and named, not passed over
    evidence = json.loads((result.out / "scan.json").read_text())["evidence"]
    assert evidence["host_outcomes"] == {"ok": 2, "http_5xx": 1}
    assert any("no robots.txt answer from 1 of 3 host(s) (http_5xx 1)" in w
               for w in result.warnings)
    assert "schema=NewsMediaOrganization" in facts["category_reason"][0]
    assert f"home page http://ai-block.v.loop.test:{port}/ captured" in facts["category_reason"][0]
    assert verify_evidence(result.out / "evidence").ok


def test_demo_blogs_are_categorised_from_their_home_pages(scanned: ScanResult) -> None:
    facts = pl.read_parquet(scanned.out / "facts.parquet").with_columns(
        pl.col(pl.Categorical).cast(pl.String))
    from clearance.demo.generate import demo_hosts

    synthetic = [h for h in demo_hosts()["blogs"]
                 if not h.endswith((".wordpress.com", ".blogspot.com"))]
    blogs = facts.filter(pl.col("host").is_in(synthetic))
    assert blogs.height and set(blogs["category"]) == {"blog_personal"}
    paged = blogs.filter(pl.col("category_reason").str.starts_with("page:"))
    assert paged.height and paged["category_reason"].str.contains(r"\[home page https://").all()
    unknown_hosts = set(facts.filter(pl.col("category") == "unknown")["host"].to_list())
    assert unknown_hosts <= {None, "www.za.com"}  # no URL, or a real news host we do not list


def test_the_evidence_row_names_the_robots_outcomes_of_a_live_fetch() -> None:
    from clearance.report.trust import trust_box

    box = trust_box({"evidence": {"mode": "live", "hosts_fetched": 3,
                                  "host_outcomes": {"ok": 2, "dns_error": 1}}}, ["us"])
    row = next(r for r in box.rows if r.label == "Opt-out evidence")
    assert row.value == "live fetch of 3 hosts into evidence/ (robots.txt: dns error 1, ok 2)"
