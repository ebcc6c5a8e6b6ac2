# SPDX-License-Identifier: Apache-2.0
"""license_permits: verdicts, conditions and reasons per AI use."""

from __future__ import annotations

import pytest

from clearance import license_permits
from clearance.enrich.licenses.schema import CONDITIONS, USES
from clearance.enrich.licenses.vocabulary import Vocabulary
from clearance.errors import InputError

NEVER_ALLOWED = ["unknown", "all-rights-reserved", "tos-prohibits-ml", "NotARealLicence-9"]


@pytest.mark.parametrize("lid", NEVER_ALLOWED)
@pytest.mark.parametrize("use", USES)
def test_no_licence_is_never_permission(lid: str, use: str) -> None:
    assert license_permits(lid, use).verdict in ("unknown", "not_allowed")


def test_every_entry_and_use_gives_a_valid_answer(vocab: Vocabulary) -> None:
    for entry in vocab:
        for use in USES:
            p = license_permits(entry.id, use)
            assert p.verdict in ("allowed", "conditional", "not_allowed", "unknown")
            assert set(p.conditions) <= set(CONDITIONS), (entry.id, p.conditions)
            assert p.reasons, (entry.id, use)
            if p.verdict == "conditional":
                assert p.conditions or p.reasons


@pytest.mark.parametrize(
    "lid",
    ["CC-BY-NC-4.0", "CC-BY-NC-SA-3.0", "CC-BY-NC-ND-2.0", "LicenseRef-clearance-research-only"],
)
@pytest.mark.parametrize("use", ["commercial_training", "genai_training", "fine_tuning"])
def test_non_commercial_blocks_commercial_uses(lid: str, use: str) -> None:
    p = license_permits(lid, use)
    assert p.verdict == "not_allowed" and "commercial" in " ".join(p.reasons)


def test_non_commercial_research_is_conditional() -> None:
    p = license_permits("CC-BY-NC-SA-4.0", "research_training")
    assert p.verdict == "conditional"
    assert {"non_commercial_only", "share_alike", "attribution"} <= set(p.conditions)


def test_share_alike_and_no_derivatives_conditions() -> None:
    sa = license_permits("CC-BY-SA-4.0", "commercial_training")
    assert (sa.verdict, set(sa.conditions)) == ("conditional", {"attribution", "share_alike"})
    nd = license_permits("CC-BY-ND-4.0", "commercial_training")
    assert nd.verdict == "conditional" and "no_derivatives_shared" in nd.conditions
    assert license_permits("CC-BY-ND-4.0", "weights_release").verdict == "not_allowed"


def test_public_domain_and_cc0_are_allowed() -> None:
    for lid in ("CC0-1.0", "public-domain", "PDDL-1.0"):
        assert license_permits(lid, "weights_release").verdict == "allowed"


def test_model_terms_carry_their_conditions() -> None:
    assert (
        "no_competing_models"
        in license_permits("LicenseRef-clearance-openai-terms", "commercial_training").conditions
    )
    llama = license_permits("LicenseRef-clearance-llama-3.1", "weights_release")
    assert {"model_naming", "mau_threshold"} <= set(llama.conditions)
    assert llama.verified is True
    assert license_permits("LicenseRef-clearance-gemma", "fine_tuning").verified is False


def test_expressions_or_takes_the_best_and_takes_the_worst() -> None:
    either = license_permits("CC-BY-NC-4.0 OR MIT", "commercial_training")
    assert either.verdict == "conditional" and either.conditions == ("attribution",)
    both = license_permits("CC-BY-NC-4.0 AND MIT", "commercial_training")
    assert both.verdict == "not_allowed"
    assert license_permits("MIT AND unknown", "research_training").verdict == "unknown"


def test_ports_use_their_base_licence() -> None:
    assert license_permits("CC-BY-NC-SA-3.0-DE", "commercial_training").verdict == "not_allowed"


def test_unknown_use_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown use"):
        license_permits("MIT", "world_domination")
