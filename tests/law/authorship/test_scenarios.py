# SPDX-License-Identifier: Apache-2.0
"""Scenario suite: works and inventions written from the authorities, the expected leaning per
market, the deciding rule, and the authority the expectation rests on (``cite``), which must be
among the result's citations. The suite must cover every human-contribution level for works and
for inventions in every market, and every work type somewhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from clearance.law.authorship import (
    AUTHORSHIP_MARKETS,
    CONTRIBUTIONS,
    WORK_TYPES,
    assess_authorship,
    default_authorship_rules,
)

HERE = Path(__file__).parent / "scenarios"


def _load() -> list[dict[str, Any]]:
    out = []
    for path in sorted(HERE.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for s in doc["scenarios"]:
            s.setdefault("as_of", doc["as_of"])
            s["file"] = path.name
            out.append(s)
    return out


SCENARIOS = _load()
CASES = [(s, m) for s in SCENARIOS for m in s["expect"]]


def test_scenarios_are_well_formed() -> None:
    ids = [s["id"] for s in SCENARIOS]
    assert len(ids) == len(set(ids)), "scenario ids repeat"
    assert len(CASES) >= 150
    for s in SCENARIOS:
        assert s.get("source") and s.get("why") and s.get("expect"), s["id"]
        for market, want in s["expect"].items():
            assert market in AUTHORSHIP_MARKETS, (s["id"], market)
            assert {"leaning", "reason", "cite"} <= set(want), (s["id"], market)


@pytest.mark.parametrize(("scenario", "market"), CASES, ids=[f"{s['id']}-{m}" for s, m in CASES])
def test_scenario(scenario: dict[str, Any], market: str) -> None:
    want = scenario["expect"][market]
    got = assess_authorship(scenario["facts"], market, as_of=scenario["as_of"])
    where = f"{scenario['id']} [{market}] leaning={got.leaning} rules={got.rule_ids}"
    assert got.leaning == want["leaning"], where
    assert want["reason"] in got.rule_ids, where
    if want["cite"] == "none":
        assert not got.citations, where
    else:
        assert want["cite"] in got.citations, where
    for absent in want.get("not_reasons", ()):
        assert absent not in got.rule_ids, where
    if "provisional" in want:
        assert got.provisional is want["provisional"], where
    assert got.disclaimer.startswith("Risk assessment, not legal advice")


def _covered(inventions: bool) -> set[tuple[str, str]]:
    seen = set()
    for s in SCENARIOS:
        if (s["facts"]["work_type"] == "invention") != inventions:
            continue
        contributions = s["facts"]["human_contribution"]
        for c in [contributions] if isinstance(contributions, str) else contributions:
            seen.update((m, c) for m in s["expect"])
    return seen


@pytest.mark.parametrize("inventions", [False, True], ids=["works", "inventions"])
def test_every_contribution_in_every_market_is_expected(inventions: bool) -> None:
    grid = {(m, c) for m in AUTHORSHIP_MARKETS for c in CONTRIBUTIONS}
    if inventions:  # the shortlist, rework and tool variants need not repeat in every market
        grid = {
            (m, c)
            for m, c in grid
            if c not in {"selection_and_arrangement", "substantial_modification", "ai_as_tool_only"}
        }
    missing = sorted(grid - _covered(inventions))
    assert not missing, f"no scenario expectation for {missing}"


def test_every_work_type_appears() -> None:
    assert {s["facts"]["work_type"] for s in SCENARIOS} == set(WORK_TYPES)


def test_every_rule_is_expected_somewhere() -> None:
    named = {w["reason"] for s in SCENARIOS for w in s["expect"].values()}
    missing = sorted(set(default_authorship_rules().rules) - named)
    assert not missing, f"rules no scenario names as its reason: {missing}"
