# SPDX-License-Identifier: Apache-2.0
"""resolve_license_layers: the most restrictive layer wins and the conflict names both."""

from __future__ import annotations

from clearance import resolve_license_layers
from clearance.enrich.licenses.conflicts import restrictiveness_of


def test_most_restrictive_wins_and_conflict_names_both_sources() -> None:
    found = resolve_license_layers(
        {"dataset": "MIT", "item": "CC BY-NC 4.0", "card": "apache-2.0", "repository": None}
    )
    assert (found.effective_id, found.winner, found.conflict) == ("CC-BY-NC-4.0", "item", True)
    assert ("dataset", "MIT", "item", "CC-BY-NC-4.0") in found.conflicting
    assert "item" in found.reason and "MIT" in found.reason
    assert ("repository", None) not in found.layers


def test_agreeing_layers_are_not_a_conflict() -> None:
    found = resolve_license_layers([("card", "cc-by-4.0"), ("repository", "CC BY 4.0")])
    assert (found.effective_id, found.conflict, found.conflicting) == ("CC-BY-4.0", False, ())


def test_missing_licence_beats_a_permissive_one() -> None:
    found = resolve_license_layers({"card": "MIT", "item": ""})
    assert found.effective_id == "MIT"  # an empty layer states nothing
    found = resolve_license_layers({"card": "MIT", "item": "unknown"})
    assert found.effective_id == "unknown" and found.winner == "item"


def test_no_layer_states_anything() -> None:
    found = resolve_license_layers({"item": None, "dataset": "  "})
    assert found.effective_id == "unknown" and not found.conflict


def test_ties_go_to_the_more_specific_layer() -> None:
    found = resolve_license_layers(
        {"repository": "CC-BY-SA-4.0", "dataset": "GPL-3.0-only"}, normalized=True
    )
    assert found.winner == "dataset"


def test_restrictiveness_orders_the_usual_suspects() -> None:
    order = [
        "CC0-1.0",
        "CC-BY-4.0",
        "CC-BY-SA-4.0",
        "CC-BY-ND-4.0",
        "CC-BY-NC-4.0",
        "CC-BY-NC-SA-4.0",
        "CC-BY-NC-ND-4.0",
        "all-rights-reserved",
    ]
    scores = [restrictiveness_of(lid) for lid in order]
    assert scores == sorted(scores) and len(set(scores)) == len(scores)
    assert restrictiveness_of("MIT OR CC-BY-NC-4.0") == restrictiveness_of("MIT")
    assert restrictiveness_of("MIT AND CC-BY-NC-4.0") == restrictiveness_of("CC-BY-NC-4.0")
