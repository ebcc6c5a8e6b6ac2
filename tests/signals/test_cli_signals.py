# SPDX-License-Identifier: Apache-2.0
"""`clearance signals TARGET [--agent] [--url] [--json]` on files of every kind."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from clearance.cli import app
from tests.signals import media_fixtures as mf

runner = CliRunner()


def run_json(*args: str) -> dict:
    result = runner.invoke(app, ["signals", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_saved_response_lists_every_signal_with_evidence(tmp_path: Path) -> None:
    target = tmp_path / "page.http"
    target.write_bytes(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Robots-Tag: GPTBot: noai\r\n"
        b'tdm-reservation: 0\r\n\r\n<html><head><meta name="tdm-reservation" content="1">'
        b"</head><body><p>Our articles may not be used to train AI models.</p></body></html>"
    )
    report = run_json(str(target))
    assert report["kind"] == "http-response"
    standards = {s["standard"] for s in report["signals"]}
    assert standards == {"tdmrep", "x-robots-tag", "natural-language"}
    assert all(s["location"] and s["excerpt"] for s in report["signals"])
    res = report["resolution"]
    assert res["tdm"]["verdict"] == "reserved"  # HTML meta supersedes the header's 0
    assert [s["location"] for s in res["tdm"]["superseded"]] == ["header:tdm-reservation"]
    assert len(res["ai_training"]["other_agents"]) == 1
    with_agent = run_json(str(target), "--agent", "GPTBot")
    assert with_agent["resolution"]["ai_inference"]["verdict"] == "reserved"


def test_media_file_table_output(tmp_path: Path) -> None:
    target = tmp_path / "photo.jpg"
    target.write_bytes(
        mf.image(
            "JPEG",
            mf.dmi_attribute(mf.VOCAB + "DMI-PROHIBITED"),
            exif=mf.exif_blob("(c) 2026 Jane", "Jane Doe"),
        )
    )
    result = runner.invoke(app, ["signals", str(target)])
    assert result.exit_code == 0, result.output
    assert "xmp-iptc" in result.output and "(c) 2026 Jane" in result.output
    report = run_json(str(target))
    assert report["resolution"]["search"]["verdict"] == "reserved"
    assert {e["kind"] for e in report["evidence"]} == {"copyright", "creator"}


def test_tdmrep_json_and_ai_txt_with_url(tmp_path: Path) -> None:
    tdm = tmp_path / "tdmrep.json"
    tdm.write_text(
        '[{"location":"/img/*.jpg","tdm-reservation":0},{"location":"/","tdm-reservation":1}]'
    )
    assert (
        run_json(str(tdm), "--url", "https://x.example/img/a.jpg")["resolution"]["tdm"]["verdict"]
        == "not_reserved"
    )
    assert (
        run_json(str(tdm), "--url", "https://x.example/a.html")["resolution"]["tdm"]["verdict"]
        == "reserved"
    )
    ai = tmp_path / "ai.txt"
    ai.write_text("User-Agent: *\nDisallow: *.png\n")
    assert (
        run_json(str(ai), "--url", "https://x.example/a.png")["resolution"]["ai_training"][
            "verdict"
        ]
        == "reserved"
    )


def test_terms_of_service_text(tmp_path: Path) -> None:
    tos = tmp_path / "terms.txt"
    tos.write_text("Text- und Data-Mining ist untersagt.", encoding="utf-8")
    res = run_json(str(tos))["resolution"]["tdm"]
    assert res["verdict"] == "reserved" and res["contested"]


def test_robots_txt_comments_are_read(tmp_path: Path) -> None:
    robots = tmp_path / "robots.txt"
    robots.write_text("# No text and data mining.\nUser-agent: GPTBot\nDisallow: /\n")
    report = run_json(str(robots), "--agent", "GPTBot")
    assert any(s["standard"] == "natural-language" for s in report["signals"])
    assert report["resolution"]["tdm"]["verdict"] == "reserved"


def test_missing_target_exits_1() -> None:
    result = runner.invoke(app, ["signals", "/nonexistent/file.jpg"])
    assert result.exit_code == 1
    assert "InputError" in result.output


def test_values_from_the_document_reach_the_terminal_escaped(tmp_path: Path) -> None:
    target = tmp_path / "robots\x1b]0;pwned\x07[link=https:evil.example]x.txt"
    target.write_bytes(b"User-agent: GPTBot\nDisallow: /\n")
    result = runner.invoke(app, ["signals", str(target)], color=True)
    assert result.exit_code == 0, result.output
    assert "\x1b]0;" not in result.output and "\x07" not in result.output
    assert "\x1b]8;" not in result.output  # no hyperlink planted by markup
    unwrapped = result.output.replace("\n", "")
    assert "robots\\x1b]0;pwned\\x07[link=https:evil.example]x.txt" in unwrapped
