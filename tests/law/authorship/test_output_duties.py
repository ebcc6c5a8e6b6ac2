# SPDX-License-Identifier: Apache-2.0
"""The output-duties checklist, the regurgitation seam, and ``clearance law output-duties``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli import app
from clearance.errors import InputError, RuleError
from clearance.law.kb import default_knowledge_base
from clearance.law.output_duties import (
    DUTY_MARKETS,
    REGURGITATION_LEVELS,
    default_output_duties,
    load_output_duties,
    output_duties,
    regurgitation_exposure,
    render_duties_markdown,
)
from clearance.law.output_duties.duties import DUTIES_ROOT

runner = CliRunner()


def test_shipped_duties_cite_transparency_or_publicity_authorities() -> None:
    kb = default_knowledge_base()
    duties = default_output_duties()
    assert len(duties) >= 20
    for duty in duties.values():
        for c in duty.citations:
            assert {"transparency", "publicity", "ai_act"} & set(kb.get(c).topics), duty.id


def test_headline_duties_and_their_dates() -> None:
    items = {(i.market, i.duty_id): i for i in output_duties("eu,cn,kr", "2026-12-05")}
    assert items[("eu", "eu-art50-marking")].from_date == "2026-08-02"
    assert items[("cn", "cn-labelling-implicit")].from_date == "2025-09-01"
    assert items[("kr", "kr-ai-basic-act-marking")].from_date == "2026-01-22"
    assert all(i.status == "in_force" for i in items.values())


def test_status_follows_the_as_of_date_and_the_authority() -> None:
    before = {i.duty_id: i.status for i in output_duties("eu,us", "2026-03-01")}
    assert before["eu-art50-marking"] == "upcoming"
    assert before["us-ca-latent-disclosure"] == "upcoming"
    assert before["us-take-it-down-forgeries"] == "in_force"
    later = {i.duty_id: i.status for i in output_duties("us", "2026-12-05")}
    assert later["us-no-fakes-digital-replicas"] == "proposed"  # a bill
    assert later["us-ny-voice-publicity"] == "unsettled"  # pending litigation


def test_member_states_take_the_eu_duties_and_outputs_filter() -> None:
    de = output_duties("de", "2026-12-05")
    assert {i.duty_id for i in de} >= {"eu-art50-marking", "eu-art50-deepfake-label"}
    text_only = output_duties("all", "2026-12-05", outputs=["text"])
    assert text_only and all("text" in i.outputs for i in text_only)


def test_markdown_checklist_keeps_markets_without_duties() -> None:
    items = output_duties("uk,eu", "2026-12-05")
    md = render_duties_markdown(items, ["uk", "eu"], "2026-12-05", "2026-12-05")
    assert "### UK\n\nNo binding output duty found" in md
    assert "| [ ] | Mark synthetic audio" in md and "eu-regulation-ai-act-art50" in md
    assert "Digital Omnibus" in md


@pytest.mark.parametrize(
    ("markets", "kwargs"), [("mars", {}), ("us", {"outputs": ["smell"]}), ("us", {"as_of": "soon"})]
)
def test_bad_arguments(markets: str, kwargs: dict[str, object]) -> None:
    with pytest.raises(InputError):
        output_duties(markets, **kwargs)  # type: ignore[arg-type]


def test_broken_duty_file_is_named(tmp_path: Path) -> None:
    root = tmp_path / "duties"
    shutil.copytree(DUTIES_ROOT, root)
    path = root / "eu" / "eu-art50-marking.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("kind: machine_readable_marking", "kind: vibes"),
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match="eu-art50-marking.yaml"):
        load_output_duties(root)


def test_regurgitation_levels_map_to_exposure_and_the_memorization_fact() -> None:
    assert regurgitation_exposure("none_found", "us").exposure == "low"
    untested = regurgitation_exposure("not_tested", "us")
    assert (untested.exposure, untested.memorization) == ("medium", "unknown")
    de = regurgitation_exposure("verbatim", "de")
    assert de.exposure == "critical" and de.memorization == "true" and de.provisional
    assert "de-case-gema-v-openai" in de.citations and "eu-case-mio-konektra" in de.citations
    us = regurgitation_exposure("substantial", "us")
    assert us.exposure == "high" and "us-case-nyt-v-microsoft-openai" in us.citations
    au = regurgitation_exposure("verbatim", "au")
    assert au.citations == () and "No AI-output authority" in au.reasons[-1]
    for level in REGURGITATION_LEVELS:
        for market in DUTY_MARKETS:
            assert regurgitation_exposure(level, market).exposure in {
                "low",
                "medium",
                "high",
                "critical",
            }
    with pytest.raises(InputError):
        regurgitation_exposure("lots", "us")
    with pytest.raises(InputError):
        regurgitation_exposure("verbatim", "mars")


def test_cli_output_duties() -> None:
    res = runner.invoke(app, ["law", "output-duties", "--market", "cn", "--as-of", "2026-12-05"])
    assert res.exit_code == 0, res.output
    assert "### CN" in res.output and "cn-regulation-ai-content-labelling" in res.output
    res = runner.invoke(
        app,
        [
            "law",
            "output-duties",
            "--markets",
            "all",
            "--json",
            "--regurgitation",
            "verbatim",
            "--as-of",
            "2026-12-05",
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert {d["market"] for d in data["duties"]} >= {"eu", "de", "cn", "kr", "us", "in"}
    assert len(data["regurgitation"]) == len(DUTY_MARKETS)
    res = runner.invoke(app, ["law", "output-duties", "--regurgitation", "lots"])
    assert res.exit_code == 1 and "unknown finding level" in " ".join(res.stderr.split())
