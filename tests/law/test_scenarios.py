# SPDX-License-Identifier: Apache-2.0
"""Scenario tests: facts written from the sources, expected basis, exposure and reason per market.

Each scenario in ``scenarios/*.yaml`` starts from ``scenarios/_base.yaml`` (unless it says
``base: false``), overrides the facts it is about (``null`` makes a fact unknown) and states,
per market, the expected exposure, the deciding copyright basis (``none`` when no basis is
left; database and personal-data bases are judged through the exposure and the reason), a
rule id that must be among the reasons, and optionally ``provisional``, an ``obligation``
substring and ``not_reasons``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from clearance.law.engine import all_markets, assess
from clearance.law.rules import BASIS_STATUSES, default_rules

HERE = Path(__file__).parent / "scenarios"
BASE = yaml.safe_load((HERE / "_base.yaml").read_text(encoding="utf-8"))


def _load() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in sorted(HERE.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        for scenario in yaml.safe_load(path.read_text(encoding="utf-8"))["scenarios"]:
            facts = dict(BASE["facts"]) if scenario.get("base", True) else {}
            facts.update(scenario.get("facts") or {})
            scenario["facts"] = {k: v for k, v in facts.items() if v is not None}
            scenario.setdefault("as_of", BASE["as_of"])
            scenario["file"] = path.name
            out.append(scenario)
    return out


SCENARIOS = _load()


def _deciding(basis_status: tuple[tuple[str, str], ...]) -> set[str]:
    """Return the copyright bases with the best non-lost status (they decide), or {'none'}."""
    bases = default_rules().bases
    live = [(BASIS_STATUSES.index(s), b) for b, s in basis_status
            if s != "lost" and bases[b].ground == "copyright"]  # fmt: skip
    if not live:
        return {"none"}
    best = min(rank for rank, _ in live)
    return {b for rank, b in live if rank == best}


def test_there_are_at_least_sixty_scenarios() -> None:
    assert len(SCENARIOS) >= 60
    ids = [s["id"] for s in SCENARIOS]
    assert len(ids) == len(set(ids)), "scenario ids repeat"
    for scenario in SCENARIOS:
        assert scenario.get("source") and scenario.get("why"), scenario["id"]
        assert scenario.get("expect"), scenario["id"]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["id"] for s in SCENARIOS])
def test_scenario(scenario: dict[str, Any]) -> None:
    for market, want in scenario["expect"].items():
        got = assess(scenario["facts"], market, as_of=scenario["as_of"])
        where = f"{scenario['id']} [{market}] reasons={got.reasons} bases={got.basis_status}"
        assert got.exposure == want["exposure"], where
        assert want["basis"] in _deciding(got.basis_status), where
        assert want["reason"] in got.reasons, where
        for absent in want.get("not_reasons", ()):
            assert absent not in got.reasons, where
        if "provisional" in want:
            assert got.provisional is want["provisional"], where
        if "obligation" in want:
            assert any(want["obligation"] in o for o in got.obligations), where
        assert got.as_of == dt.date.fromisoformat(str(scenario["as_of"])).isoformat()
        assert got.disclaimer == "Risk assessment, not legal advice."


def test_every_rule_fires_in_some_scenario() -> None:
    fired: set[str] = set()
    for scenario in SCENARIOS:
        for market in all_markets():
            fired.update(assess(scenario["facts"], market, as_of=scenario["as_of"]).reasons)
    never = sorted(set(default_rules().rules) - fired)
    assert not never, f"rules no scenario exercises: {never}"


def test_every_rule_is_expected_somewhere() -> None:
    """Every rule is named as the expected reason of at least one scenario and market."""
    named = {w["reason"] for s in SCENARIOS for w in s["expect"].values()}
    missing = sorted(set(default_rules().rules) - named)
    assert not missing, f"rules no scenario names as its reason: {missing}"
