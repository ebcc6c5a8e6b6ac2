# SPDX-License-Identifier: Apache-2.0
"""Issue 10: a report counsel can sign. One test (or more) per problem the issue lists, on
the demo data through the CLI, as a user would run it."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from clearance.cli import app
from clearance.demo.generate import write_manifest
from clearance.demo.snapshot import demo_agreements_path, demo_snapshot_path
from clearance.engine.progress import LogProgress

ROWS = 2000
runner = CliRunner()


def _scan(out: Path, manifest: Path, *extra: str) -> dict[str, object]:
    result = runner.invoke(app, ["scan", str(manifest), "--out", str(out), "--json", *extra])
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo scan with the bundled snapshot and licence registry, as `clearance demo` runs."""
    root = tmp_path_factory.mktemp("integrity")
    manifest = write_manifest(root / "manifest.parquet", rows=ROWS, seed=11)
    _scan(root / "scan", manifest, "--policy", "eu-ready-commercial",
          "--snapshot", str(demo_snapshot_path()), "--agreements", str(demo_agreements_path()))
    return root


def _summary(scan: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((scan / "summary.json").read_text("utf-8"))
    return data


def _page1(scan: Path) -> str:
    return " ".join(PdfReader(scan / "assessment.pdf").pages[0].extract_text().split())


# -- hidden assumptions drive the headline ---------------------------------------------------


def test_page1_states_assumptions_and_how_the_headline_depends_on_them(demo: Path) -> None:
    text = _page1(demo / "scan")
    assert "Assumptions and evidence" in text
    assert "Training copies kept after training" in text
    assert "if copies are not kept after training" in text
    box = _summary(demo / "scan")["assumptions_and_evidence"]
    rows = {r["what"]: r for r in box["rows"]}  # type: ignore[index]
    retained = rows["Training copies kept after training"]
    assert retained["value"] == "yes" and retained["basis"] == "presumed (default)"
    assert "EU high-or-critical" in retained["effect"]
    for label in ("Access to items with public URLs", "Model reproduces training items",
                  "Outputs substitute for the works", "Personal data where the manifest is "
                  "silent", "General-purpose model placed on the EU market",
                  "Crawler that collected the items", "Sourcing policy"):
        assert label in rows, label


def test_retention_is_an_option_of_scan_assess_and_gate(demo: Path, tmp_path: Path) -> None:
    """The headline moves with the presumption, and the report says it was set."""
    before = _summary(demo / "scan")["markets"]["eu"]  # type: ignore[index]
    run = runner.invoke(app, ["assess", str(demo / "scan"), "--retained", "no", "--json",
                              "--out", str(tmp_path / "run")])
    assert run.exit_code == 0, run.output
    after = _summary(tmp_path / "run")
    eu = after["markets"]["eu"]  # type: ignore[index]
    assert eu["high"] + eu["critical"] < before["high"] + before["critical"]
    rows = {r["what"]: r for r in after["assumptions_and_evidence"]["rows"]}  # type: ignore[index]
    assert rows["Training copies kept after training"]["value"] == "no"
    assert rows["Training copies kept after training"]["basis"] == "set by --retained"
    gate = runner.invoke(app, ["gate", str(demo / "manifest.parquet"), "--policy",
                               "eu-ready-commercial", "--retained", "no", "--json",
                               "--fail-level", "none"])
    assert gate.exit_code == 0, gate.output
    assert json.loads(gate.stdout)["assumptions"]["retained_after_training"] is False


def test_scan_and_gate_share_one_option_set() -> None:
    import typer

    command = typer.main.get_command(app)

    def options(name: str) -> set[str]:
        cmd = command.commands[name]  # type: ignore[attr-defined]
        return {o for p in cmd.params for o in p.opts if o.startswith("--")}

    scan, gate = options("scan"), options("gate")
    # scan reports (and resumes live runs); the gate enforces and has no report to skip
    assert scan - gate == {"--no-reports", "--resume"}
    assert gate - scan == set()
    assessed = options("assess")
    for judged in ("--markets", "--policy", "--waivers", "--as-of", "--retained", "--access",
                   "--memorization", "--output-competes", "--personal-data",
                   "--gpai-eu-market", "--agreements", "--fail-level", "--force"):
        assert judged in assessed, judged


def test_a_typo_in_an_enum_option_is_refused_when_parsed(demo: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", str(demo / "manifest.parquet"), "--out",
                                 str(tmp_path / "x"), "--purpose", "training"])
    assert result.exit_code == 2
    assert "Invalid value for '--purpose'" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x").exists()  # refused before any work
    bad = runner.invoke(app, ["gate", str(demo / "manifest.parquet"), "--policy",
                              "eu-ready-commercial", "--markets", "eu,xx"])
    assert bad.exit_code == 1 and "unknown market(s) xx" in bad.output


# -- no evidence, no warning -----------------------------------------------------------------


def test_a_scan_without_evidence_warns_and_carries_the_banner(demo: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", str(demo / "manifest.parquet"), "--out",
                                 str(tmp_path / "bare")])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "no opt-out signal was read" in result.output
    text = _page1(tmp_path / "bare")
    assert "No opt-out evidence was read" in text
    box = _summary(tmp_path / "bare")["assumptions_and_evidence"]
    assert box["banner"]  # type: ignore[index]
    report = (tmp_path / "bare" / "report.md").read_text("utf-8")
    assert "No machine-readable opt-out was read" in report  # the method says what was read
    assert "the opt-out signals its site published" not in report


# -- the evidence trail can be followed --------------------------------------------------------


def test_evidence_verifies_after_the_scan_folder_is_moved(demo: Path, tmp_path: Path) -> None:
    moved = tmp_path / "elsewhere" / "scan"
    shutil.copytree(demo / "scan", moved)
    result = runner.invoke(app, ["evidence", "verify", str(moved / "evidence")])
    assert result.exit_code == 0, result.output
    assert "verified" in result.output
    for path in moved.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".md", ".html", ".jsonl"):
            text = path.read_text("utf-8", errors="replace")
            assert str(demo) not in text, path  # no absolute path of this machine
            assert "site-packages" not in text and "/src/clearance/" not in text, path


def test_evidence_show_prints_the_capture_an_item_was_judged_on(demo: Path) -> None:
    facts = pl.read_parquet(demo / "scan" / "facts.parquet")
    reserved = facts.filter(pl.col("reservation") == "reserved").row(0, named=True)
    result = runner.invoke(app, ["evidence", "show", reserved["url"], "--dir",
                                 str(demo / "scan" / "evidence"), "--json"])
    assert result.exit_code == 0, result.output
    (item,) = json.loads(result.stdout)
    assert item["reservation"] == "reserved"
    assert item["reservation_record_id"] == reserved["reservation_record_id"]
    assert item["reservation_capture_url"].endswith("/robots.txt")
    assert item["capture"]["warc"] == "snapshot-00000.warc.gz"
    assert item["reservation_excerpt"]


def test_each_item_carries_its_capture_and_the_report_its_age(demo: Path) -> None:
    assessment = pl.read_parquet(demo / "scan" / "assessment.parquet")
    for column in ("reservation_capture_at", "reservation_capture_url",
                   "reservation_record_id", "reservation_excerpt",
                   "reservation_capture_age_days", "acquisition_channel"):
        assert column in assessment.columns, column
    judged = assessment.filter(pl.col("reservation_record_id").is_not_null())
    assert judged.height > 0
    evidence = _summary(demo / "scan")["configuration"]["evidence"]  # type: ignore[index]
    assert evidence["window"] and evidence["stale"] >= 0 and evidence["median_age_days"] >= 0
    assert "more than 90 days older than collection" in _page1(demo / "scan")
    html = (demo / "scan" / "report.html").read_text("utf-8")
    assert "capture of https://" in html and "days before collection" in html


# -- licensed and synthetic sources ----------------------------------------------------------


def test_licensed_and_synthetic_collections_come_out_as_such(demo: Path) -> None:
    summary = _summary(demo / "scan")
    categories = summary["categories"]
    assert "channel:licensed" in categories and "channel:synthetic" in categories  # type: ignore[operator]
    facts = pl.read_parquet(demo / "scan" / "facts.parquet")
    licensed = facts.filter(pl.col("acquisition_channel") == "licensed")
    agreement = "LicenseRef-agreement-LA-2025-017"
    assert licensed["license_effective_id"].unique().to_list() == [agreement]
    assert licensed["license_position"].unique().to_list() == ["granted"]
    assessment = pl.read_parquet(demo / "scan" / "assessment.parquet").with_columns(
        pl.col(pl.Categorical).cast(pl.String))
    for channel in ("licensed", "synthetic"):
        part = assessment.filter(pl.col("acquisition_channel") == channel)
        assert set(part["exposure"]) == {"low"}, channel
        assert set(part["tier"]) == {"approved"}, channel
    md = (demo / "scan" / "report.md").read_text("utf-8")
    assert "Licensed (agreements and licensed collections)" in md
    assert "Synthetic (generated by the provider)" in md


def test_all_rights_reserved_and_no_licence_are_one_position(tmp_path: Path) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "url,license,crawl_date\n"
        "https://blog.example/a.jpg,All rights reserved,2025-05-01\n"
        "https://blog.example/b.jpg,,2025-05-01\n", encoding="utf-8")
    _scan(tmp_path / "out", manifest, "--markets", "us,eu", "--no-reports")
    facts = pl.read_parquet(tmp_path / "out" / "facts.parquet").sort("source_row")
    assert facts["license_position"].to_list() == ["none", "none"]
    assessment = pl.read_parquet(tmp_path / "out" / "assessment.parquet").with_columns(
        pl.col(pl.Categorical).cast(pl.String)).sort("market", "row")
    for _, part in assessment.group_by("market"):
        assert part["exposure"].n_unique() == 1 and part["tier"].n_unique() == 1


# -- citations counsel can follow ------------------------------------------------------------


def test_pdf_links_are_clickable_and_cjk_renders(demo: Path) -> None:
    reader = PdfReader(demo / "scan" / "report.pdf")
    uris = [a.get_object()["/A"]["/URI"] for page in reader.pages
            for a in page.get("/Annots") or [] if "/A" in a.get_object()]
    assert any(str(u).startswith("https://") for u in uris)
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "???" not in text
    assert "著作権" in text  # the Japanese title of the Agency for Cultural Affairs' guidance
    assert "applies from" in text and "latest step" in text  # dates say what they are


# -- argued conclusions ---------------------------------------------------------------------


def test_each_market_is_argued_with_a_bottom_line(demo: Path) -> None:
    summary = _summary(demo / "scan")
    conclusions = summary["conclusions"]
    assert [c["market"] for c in conclusions] == ["us", "eu", "uk", "jp", "cn", "sg"]  # type: ignore[union-attr]
    for c in conclusions:  # type: ignore[union-attr]
        assert c["law"] and c["citations"] and c["why"] and c["before_training"]
    text = _page1(demo / "scan")
    assert "Bottom line per market" in text and "Before training" in text
    assert summary["analyses"], "fair-use / TDM analyses per main source"
    md = (demo / "scan" / "report.md").read_text("utf-8")
    assert "Fair use (four factors)" in md and "Text and data mining" in md
    assert "Rightholders to approach first" in md


# -- nothing overwritten -----------------------------------------------------------------------


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "runs" not in p.parts}


def test_assess_leaves_the_scans_reports_byte_identical(demo: Path, tmp_path: Path) -> None:
    scan = tmp_path / "scan"
    shutil.copytree(demo / "scan", scan)
    before = _digest(scan)
    result = runner.invoke(app, ["assess", str(scan), "--markets", "us,eu,kr", "--json"])
    assert result.exit_code == 0, result.output
    assert _digest(scan) == before
    runs = list((scan / "runs").iterdir())
    assert len(runs) == 1 and (runs[0] / "assessment.pdf").exists()
    marker = json.loads((runs[0] / "clearance-complete.json").read_text("utf-8"))
    prov = marker["provenance"]
    assert prov["manifest_sha256"] and prov["kb_as_of"] and prov["tool_version"]
    assert prov["snapshots"][0]["sha256"]
    in_place = runner.invoke(app, ["assess", str(scan), "--out", str(scan)])
    assert in_place.exit_code == 1 and "--force" in in_place.output


def test_a_non_empty_out_is_refused_and_force_replaces_only_ours(demo: Path,
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    refused = runner.invoke(app, ["scan", str(demo / "manifest.parquet"), "--out", str(out)])
    assert refused.exit_code == 1 and "--force" in refused.output
    forced = runner.invoke(app, ["scan", str(demo / "manifest.parquet"), "--out", str(out),
                                 "--force"])
    assert forced.exit_code == 1 and "notes.txt" in forced.output  # never removed
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


# -- one CLI: the rest -----------------------------------------------------------------------


def test_law_assess_table_reads_a_scans_facts(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "law.parquet"
    result = runner.invoke(app, ["law", "assess-table", str(demo / "scan" / "facts.parquet"),
                                 "-o", str(out), "--markets", "eu,us"])
    assert result.exit_code == 0, result.output
    assert pl.read_parquet(out).height == 2 * ROWS


def test_the_scan_ends_by_naming_the_file_to_open_first(demo: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", str(demo / "manifest.parquet"), "--out",
                                 str(tmp_path / "o"), "--markets", "us"])
    assert result.exit_code == 0, result.output
    last = [line for line in result.stdout.splitlines() if line.strip()][-1]
    assert last.startswith("Open first:") and last.endswith("assessment.pdf")


def test_progress_off_a_terminal_is_log_lines_with_counts_and_rate(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("INFO", logger="clearance.progress")
    stage = LogProgress(interval=0.0).stage("reading", 100, "rows")
    stage.advance(40)
    stage.close()
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0] == "reading ..."
    assert "40/100 rows" in lines[1] and "rows/s" in lines[1] and "left" in lines[1]
    assert lines[-1].startswith("reading: done, 40/100 rows")


def test_bad_snapshot_values_are_refused_before_any_work(demo: Path, tmp_path: Path) -> None:
    not_warc = tmp_path / "notes.txt"
    not_warc.write_text("hello", encoding="utf-8")
    for value, words in ((tmp_path, "is a folder"), (not_warc, "not a WARC file"),
                         (tmp_path / "missing.warc.gz", "no such file")):
        out = tmp_path / f"out-{words.split()[-1]}"
        result = runner.invoke(app, ["scan", str(demo / "manifest.parquet"), "--out", str(out),
                                     "--snapshot", str(value)])
        assert result.exit_code == 1 and words in result.output, result.output
        assert "Traceback" not in result.output
        assert not out.exists() or not any(out.iterdir())  # nothing written


def test_a_file_or_unwritable_out_is_a_one_line_error(demo: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["scan", str(demo / "manifest.parquet"), "--out", str(a_file)])
    assert result.exit_code == 1 and "is not a folder" in result.output
    assert "Traceback" not in result.output


def test_unreadable_evidence_is_reported_and_strict_exits_4(tmp_path: Path) -> None:
    """Issue 20, failure 7: a record with an unreadable date is skipped alone, said in the
    report, and fails the scan under --strict."""
    from clearance.fetch.warc import record_member

    members = []
    for host, date in (("a.example", "2025-01-01T00:00:00Z"), ("b.example", "next tuesday")):
        body = b"User-agent: *\nDisallow: /\n"
        http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                + str(len(body)).encode() + b"\r\n\r\n" + body)
        member, _, _ = record_member("response", f"https://{host}/robots.txt", date, http,
                                     payload=body,
                                     content_type="application/http; msgtype=response")
        members.append(member)
    warc = tmp_path / "snap.warc.gz"
    warc.write_bytes(b"".join(members))
    manifest = tmp_path / "m.csv"
    manifest.write_text("url,crawl_date\nhttps://a.example/x.jpg,2025-06-01\n"
                        "https://b.example/y.jpg,2025-06-01\n", encoding="utf-8")
    base = ["scan", str(manifest), "--snapshot", str(warc), "--markets", "eu"]
    lenient = runner.invoke(app, [*base, "--out", str(tmp_path / "a"), "--json"])
    assert lenient.exit_code == 0, lenient.output
    data = json.loads(lenient.stdout)
    assert data["unreadable_records"] == 1
    assert any("unreadable record" in w for w in data["warnings"])
    assert any("unreadable record" in w for w in
               _summary(tmp_path / "a")["assumptions_and_evidence"]["warnings"])  # type: ignore[index]
    strict = runner.invoke(app, [*base, "--out", str(tmp_path / "b"), "--strict"])
    assert strict.exit_code == 4, strict.output
