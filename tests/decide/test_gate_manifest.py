# SPDX-License-Identifier: Apache-2.0
"""``clearance gate``: split manifests in the input's format with the original rows, counts
that reconcile with the input (rejects included), exit codes per fail level, waivers, takedown
and known-work hits, and the ledger moving to ``applied``."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from clearance.cli import app
from clearance.cli.gate import EXIT_GATE_FAILED
from clearance.decide.takedown import TakedownLedger
from clearance.engine.gate import gate_manifest

runner = CliRunner()
POLICIES = Path(__file__).parent / "data" / "policies"
AS_OF = "2026-11-28"

ROWS = [
    # url, license, creator, note
    ("https://libgen.rs/book/1.pdf", "", "", "shadow library"),
    ("https://upload.wikimedia.org/a.jpg", "CC0-1.0", "", "public domain"),
    ("https://www.gettyimages.com/photos/2.jpg", "", "", "stock"),
    ("https://news.example.com/story.jpg", "All rights reserved", "Jane Doe", "creator opt-out"),
    ("https://blog.example.org/post.jpg", "CC-BY-4.0", "", "attribution"),
]


def write_csv(path: Path, bad_row: bool = True) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["url", "license", "creator", "note", "extra_col"])
        for i, row in enumerate(ROWS):
            out.writerow([*row, f"keep-{i}"])
        if bad_row:
            out.writerow(["not a url at all", "", "", "malformed", "x"])
    return path


def tiers_of(out: Path, ext: str) -> dict[str, list[dict[str, str]]]:
    found: dict[str, list[dict[str, str]]] = {}
    for tier in ("approved", "restricted", "prohibited"):
        path = out / f"{tier}.{ext}"
        if ext == "csv":
            with path.open(encoding="utf-8", newline="") as handle:
                found[tier] = list(csv.DictReader(handle))
        elif ext == "jsonl":
            found[tier] = [json.loads(line) for line in path.read_text().splitlines()]
        else:
            found[tier] = pq.read_table(path).to_pylist()
    return found


def test_csv_gate_writes_original_rows_and_reconciles(tmp_path: Path) -> None:
    manifest = write_csv(tmp_path / "m.csv")
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "gate",
            str(manifest),
            "--policy",
            "us-fair-use-reliant",
            "--out",
            str(out),
            "--as-of",
            AS_OF,
            "--json",
        ],
    )
    assert result.exit_code == EXIT_GATE_FAILED, result.output
    summary = json.loads(result.stdout)
    assert summary["rows_read"] == 6 and summary["rows_rejected"] == 1
    assert summary["reconciled"] is True
    assert summary["approved"] + summary["restricted"] + summary["prohibited"] == 5
    got = tiers_of(out, "csv")
    assert sum(len(v) for v in got.values()) == 5
    (libgen,) = [r for r in got["prohibited"] if r["note"] == "shadow library"]
    assert libgen["extra_col"] == "keep-0" and libgen["url"] == ROWS[0][0]
    assert "piracy-source" in libgen["tier_reasons"] and libgen["tier"] == "prohibited"
    assert list(libgen)[:5] == ["url", "license", "creator", "note", "extra_col"]
    rejects = (out / "rejects.jsonl").read_text().splitlines()
    assert len(rejects) == 1 and "not a url" in rejects[0]
    decisions = pq.read_table(out / "decisions.parquet")
    assert decisions.num_rows == 5 and "exposure_us" in decisions.column_names
    assert json.loads((out / "gate.json").read_text())["reconciled"] is True


def test_fail_levels(tmp_path: Path) -> None:
    manifest = write_csv(tmp_path / "m.csv", bad_row=False)
    clean = tmp_path / "clean.csv"
    lines = manifest.read_text().splitlines()
    clean.write_text("\n".join([lines[0], lines[2]]) + "\n")  # the public-domain row only
    base = ["gate", "--policy", "us-fair-use-reliant", "--as-of", AS_OF]
    assert runner.invoke(app, [*base[:1], str(manifest), *base[1:]]).exit_code == EXIT_GATE_FAILED
    assert (
        runner.invoke(app, [*base[:1], str(manifest), *base[1:], "--fail-level", "none"]).exit_code
        == 0
    )
    passed = runner.invoke(app, [*base[:1], str(clean), *base[1:]])
    assert passed.exit_code == 0 and "passed" in passed.output
    strict = runner.invoke(
        app,
        [
            *base[:1],
            str(clean),
            "--policy",
            "eu-ready-commercial",
            "--as-of",
            AS_OF,
            "--fail-level",
            "restricted",
        ],
    )
    assert strict.exit_code == EXIT_GATE_FAILED  # opt-outs unverified: restricted
    bad = runner.invoke(app, [*base[:1], str(clean), *base[1:], "--fail-level", "sometimes"])
    assert bad.exit_code == 2


def test_jsonl_lines_are_copied_verbatim_with_the_tier_keys(tmp_path: Path) -> None:
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(
        '{"url": "https://libgen.rs/x.pdf", "n": 1, "nested": {"a": [1, 2]}}\n'
        "\n"
        '{"url":"https://upload.wikimedia.org/a.jpg","license":"CC0-1.0","n":2.50}\n'
        "{broken json\n"
        '{"url": "https://example.com/t.jpg", "tier": "gold"}\n'
    )
    out = tmp_path / "out"
    summary = gate_manifest(manifest, "us-fair-use-reliant", out=out, as_of=AS_OF)
    assert (summary.rows_read, summary.rows_rejected) == (4, 1) and summary.reconciled
    got = tiers_of(out, "jsonl")
    everything = [r for rows in got.values() for r in rows]
    assert len(everything) == 3
    (libgen,) = got["prohibited"]
    assert libgen["nested"] == {"a": [1, 2]} and libgen["n"] == 1
    # one row of the file has its own "tier": the whole file gets the prefixed names
    assert libgen["clearance_tier"] == "prohibited" and "tier" not in libgen
    (wiki,) = [r for r in everything if r["url"].endswith("a.jpg")]
    assert wiki["n"] == 2.50
    raw = (out / f"{wiki['clearance_tier']}.jsonl").read_text()
    assert '{"url":"https://upload.wikimedia.org/a.jpg","license":"CC0-1.0","n":2.50,' in raw
    (own,) = [r for r in everything if r["url"].endswith("t.jpg")]
    assert own["tier"] == "gold" and own["clearance_tier"] in ("approved", "restricted")


def test_parquet_keeps_types_and_empty_tiers_get_empty_files(tmp_path: Path) -> None:
    manifest = tmp_path / "m.parquet"
    pl.DataFrame(
        {"url": ["https://upload.wikimedia.org/a.jpg"], "license": ["CC0-1.0"], "width": [640]}
    ).write_parquet(manifest)
    out = tmp_path / "out"
    summary = gate_manifest(manifest, "us-fair-use-reliant", out=out, as_of=AS_OF)
    assert summary.approved == 1
    (row,) = pq.read_table(out / "approved.parquet").to_pylist()
    assert row["width"] == 640 and row["tier_reasons"][0].startswith("default:")
    assert pq.read_table(out / "prohibited.parquet").num_rows == 0


def test_takedowns_and_known_works_prohibit_and_advance_the_ledger(tmp_path: Path) -> None:
    manifest = tmp_path / "m.csv"
    digest = hashlib.sha256(b"work").hexdigest()
    manifest.write_text(
        "url,creator,sha256,dataset_name,dataset_version\n"
        "https://upload.wikimedia.org/1.jpg,Jane Doe,,wiki,1\n"
        f"https://upload.wikimedia.org/2.jpg,,{digest},wiki,1\n"
        "https://upload.wikimedia.org/3.jpg,,,wiki,1\n"
    )
    works = tmp_path / "works.csv"
    works.write_text(f"sha256,work\n{digest},Novel X\n")
    ledger = tmp_path / "ledger.sqlite"
    with TakedownLedger(ledger) as book:
        book.add({"creator": "jane doe", "request_id": "OPT-1", "type": "opt_out"})
        book.add({"domain": "unrelated.example", "request_id": "TD-2"})
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "gate",
            str(manifest),
            "--policy",
            "us-fair-use-reliant",
            "--out",
            str(out),
            "--as-of",
            AS_OF,
            "--ledger",
            str(ledger),
            "--known-works",
            str(works),
            "--json",
        ],
    )
    summary = json.loads(result.stdout)
    assert summary["prohibited"] == 2 and summary["takedowns"] == {"OPT-1": 1}
    assert summary["known_works"]["sha256"] == 1
    reasons = [r["tier_reasons"] for r in tiers_of(out, "csv")["prohibited"]]
    assert any("builtin.takedown" in r and "OPT-1" in r for r in reasons)
    assert any("Novel X" in r for r in reasons)
    with TakedownLedger(ledger) as book:
        assert book.get("OPT-1").status == "applied"
        assert book.get("TD-2").status == "received"
        assert book.matches("OPT-1")[0]["items"] == 1


def test_waivers_file_and_expired_waivers_on_the_command_line(tmp_path: Path) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "url,dataset_name\nhttps://www.gettyimages.com/p/1.jpg,licensed-stock\n"
        "https://www.gettyimages.com/p/2.jpg,scraped\n"
    )
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "gate",
            str(manifest),
            "--policy",
            str(POLICIES / "policy_valid.yaml"),
            "--waivers",
            str(POLICIES / "waivers_extra.yaml"),
            "--out",
            str(out),
            "--as-of",
            AS_OF,
            "--fail-level",
            "none",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "expired waivers (ignored)" in result.output and "w-old" in result.output
    summary = json.loads((out / "gate.json").read_text())
    assert summary["waived"] == {"stock-media": 1}
    assert summary["expired_waivers"] == ["w-old"]


def test_policy_errors_exit_1_with_the_file_name(tmp_path: Path) -> None:
    manifest = write_csv(tmp_path / "m.csv")
    result = runner.invoke(
        app, ["gate", str(manifest), "--policy", str(POLICIES / "policy_unknown_column.yaml")]
    )
    assert result.exit_code == 1
    assert "PolicyError" in result.output and "policy_unknown_column.yaml" in result.output


DEMO_ROWS = 3000


@pytest.fixture(scope="module")
def demo_manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from clearance.demo.generate import write_manifest

    path = tmp_path_factory.mktemp("demo") / "manifest.parquet"
    write_manifest(path, rows=DEMO_ROWS, seed=7)
    return path


@pytest.mark.parametrize("policy", ["eu-ready-commercial", "us-fair-use-reliant", "research-only"])
def test_demo_counts_reconcile_under_every_shipped_policy(
    demo_manifest: Path, policy: str, tmp_path: Path
) -> None:
    summary = gate_manifest(
        demo_manifest,
        policy,
        out=tmp_path,
        as_of=AS_OF,
        markets=["us", "eu", "uk", "jp", "cn", "sg"],
    )
    assert summary.reconciled
    assert summary.approved + summary.restricted + summary.prohibited + summary.rows_rejected == (
        summary.rows_read
    )
    written = {
        t: pq.read_table(tmp_path / f"{t}.parquet").num_rows
        for t in ("approved", "restricted", "prohibited")
    }
    assert written == {
        "approved": summary.approved,
        "restricted": summary.restricted,
        "prohibited": summary.prohibited,
    }
    assert summary.rule_hits["builtin.blocklist"] > 0  # the demo has shadow-library rows


def _robots_warc(path: Path, captures: list[tuple[str, str, bytes]]) -> None:
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for uri, date, body in captures:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/plain")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    uri,
                    "response",
                    payload=io.BytesIO(body),
                    length=len(body),
                    http_headers=http,
                    warc_headers_dict={"WARC-Date": date},
                )
            )


def test_opt_outs_from_a_snapshot_reach_the_policy(tmp_path: Path) -> None:
    warc = tmp_path / "robots.warc.gz"
    _robots_warc(
        warc,
        [
            (
                "https://blocked.example/robots.txt",
                "2024-01-01T00:00:00Z",
                b"User-agent: GPTBot\nDisallow: /\n",
            ),
            (
                "https://open.example/robots.txt",
                "2024-01-01T00:00:00Z",
                b"User-agent: *\nAllow: /\n",
            ),
        ],
    )
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "url,collected_at,license\n"
        "https://blocked.example/a.jpg,2024-06-01,\n"
        "https://open.example/b.jpg,2024-06-01,\n"
    )
    out = tmp_path / "out"
    summary = gate_manifest(manifest, "eu-ready-commercial", out=out, as_of=AS_OF, snapshots=[warc])
    assert summary.rule_hits["machine-readable-opt-out"] == 1
    decisions = pq.read_table(out / "decisions.parquet").to_pylist()
    blocked, open_ = decisions
    assert (blocked["reservation"], blocked["reservation_form"]) == ("reserved", "machine_readable")
    assert blocked["tier"] == "prohibited" and open_["reservation"] == "not_reserved"
    assert not any("opt-out" in r for r in open_["tier_reasons"])
