# SPDX-License-Identifier: Apache-2.0
"""Policy documents: one fixture per failure mode, each error names the file and the culprit;
the shipped policies load, cite real knowledge-base entries, and behave as documented."""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.decide.gate import decide_tiers
from clearance.decide.policy import load_policy, load_waivers, shipped_policies
from clearance.errors import KnowledgeBaseError, PolicyError
from clearance.law.kb import default_knowledge_base

POLICIES = Path(__file__).parent / "data" / "policies"

# fixture -> words the error must contain (besides the file name)
FAILURES = {
    "policy_empty.yaml": ["empty"],
    "policy_no_rules.yaml": ["no rules"],
    "policy_duplicate_ids.yaml": ["rule 'shadow'", "more than one rule"],
    "policy_unknown_column.yaml": ["rule 'typo-rule'", "unknown column 'catgory'"],
    "policy_bad_tier.yaml": ["rule 'wrong-tier'", "approved", "prohibited"],
    "policy_bad_value.yaml": ["rule 'odd-value'", "reserved-ish"],
    "policy_bad_operator.yaml": ["rule 'wrong-op'", "at_least"],
    "policy_unknown_market.yaml": ["rule 'xx-high'", "exposure_xx"],
    "policy_duplicate_key.yaml": ["duplicate key 'tier'"],
    "policy_invalid_yaml.yaml": ["invalid YAML"],
    "policy_not_mapping.yaml": ["expected a mapping"],
    "policy_extra_field.yaml": ["rule 'extra'", "severity"],
    "policy_waiver_unknown_rule.yaml": ["waiver 'w-1'", "no rule 'stock'"],
    "policy_waiver_unwaivable.yaml": ["waiver 'w-2'", "cannot be waived"],
    "policy_waiver_builtin_takedown.yaml": ["waiver 'w-3'", "builtin.takedown"],
    "policy_waiver_incomplete.yaml": ["waiver 'w-4'", "author"],
    "policy_waiver_bad_selector.yaml": ["waiver 'w-5'", "datasett"],
    "policy_reserved_id.yaml": ["builtin.mine", "reserved"],
    "policy_bad_date.yaml": ["rule 'old'", "YYYY-MM-DD"],
}


def test_every_failure_fixture_is_listed() -> None:
    valid = {"policy_valid.yaml", "policy_expired_waiver.yaml"}
    on_disk = {p.name for p in POLICIES.glob("policy_*.yaml")} - valid
    assert on_disk == set(FAILURES)


@pytest.mark.parametrize("name", sorted(FAILURES))
def test_invalid_policy_names_file_and_culprit(name: str) -> None:
    with pytest.raises(PolicyError) as info:
        load_policy(POLICIES / name)
    error = info.value
    assert isinstance(error, KnowledgeBaseError)
    assert error.path is not None and error.path.endswith(name)
    message = str(error)
    assert name in message
    for words in FAILURES[name]:
        assert words in message, message


def test_missing_policy_lists_the_shipped_ones() -> None:
    with pytest.raises(PolicyError, match="eu-ready-commercial"):
        load_policy("no-such-policy")


def test_valid_policy_loads_with_digest_and_markets() -> None:
    policy = load_policy(POLICIES / "policy_valid.yaml")
    assert policy.id == "valid-test"
    assert [r.id for r in policy.rules] == ["shadow", "stock-media", "eu-critical", "licensed"]
    assert policy.needed_markets() == ["eu"]
    assert len(policy.digest()) == 64
    assert policy.digest() == load_policy(str(POLICIES / "policy_valid.yaml")).digest()


def test_waivers_file_is_added_and_checked(tmp_path: Path) -> None:
    policy = load_waivers(
        POLICIES / "waivers_extra.yaml", load_policy(POLICIES / "policy_valid.yaml")
    )
    assert [w.id for w in policy.waivers] == ["w-stock-licensed", "w-old", "w-file"]
    assert policy.digest() != load_policy(POLICIES / "policy_valid.yaml").digest()
    bad = tmp_path / "waivers.yaml"
    bad.write_text(
        "waivers:\n  - {id: w, rule: nope, reason: why not, author: a, expires: 2030-01-01}\n"
    )
    with pytest.raises(PolicyError, match="no rule 'nope'") as info:
        load_waivers(bad, load_policy(POLICIES / "policy_valid.yaml"))
    assert str(bad) in str(info.value)


def test_shipped_policies_load_and_match_their_file_names() -> None:
    names = shipped_policies()
    assert set(names) >= {"eu-ready-commercial", "us-fair-use-reliant", "research-only"}
    for name in names:
        policy = load_policy(name)
        assert policy.id == name
        assert policy.summary and policy.rules
        assert policy.markets, f"{name} names no market"


def test_shipped_citations_exist_in_the_law_knowledge_base() -> None:
    kb = default_knowledge_base()
    for name in shipped_policies():
        for rule in load_policy(name).rules:
            for cite in rule.citations:
                assert cite in kb, f"{name}: rule {rule.id} cites unknown {cite!r}"


def _row(**facts: object) -> dict[str, object]:
    base: dict[str, object] = {
        "category": "news_publisher",
        "piracy_source": False,
        "access": "lawful",
        "reservation": "not_reserved",
        "reservation_form": "none",
        "reservation_now": "unknown",
        "license_permission": "allowed",
        "license_position": "granted",
        "license_source": "item",
        "agreement_id": None,
        "personal_data_class": "none",
        "acquisition_channel": "public_dataset",
        "exposure_eu": "low",
        "provisional_eu": False,
        "exposure_us": "low",
        "provisional_us": False,
        "purpose": "genai_training",
        "blocklist": None,
        "known_work": None,
        "takedown": None,
        "terms_prohibit_training": None,
        "memorization": None,
        "output_competes": None,
    }
    base.update(facts)
    return base


CASES = [
    # (facts, eu-ready-commercial, us-fair-use-reliant, research-only)
    ({}, "approved", "approved", "approved"),
    (
        {"category": "shadow_library", "piracy_source": True},
        "prohibited",
        "prohibited",
        "prohibited",
    ),
    ({"access": "paywall_circumvented"}, "prohibited", "prohibited", "prohibited"),
    (
        {"reservation": "reserved", "reservation_form": "machine_readable"},
        "prohibited",
        "restricted",
        "approved",
    ),
    (
        {"reservation": "reserved", "reservation_form": "natural_language"},
        "restricted",
        "approved",
        "approved",
    ),
    ({"reservation": "unknown"}, "restricted", "approved", "approved"),
    (
        {"license_permission": "not_allowed", "license_position": "excluded"},
        "prohibited",
        "restricted",
        "restricted",
    ),
    # "all rights reserved" and no licence found are one position: judged alike
    (
        {"license_permission": "not_allowed", "license_position": "none"},
        "approved",
        "approved",
        "approved",
    ),
    (
        {"license_permission": "unknown", "license_position": "none"},
        "approved",
        "approved",
        "approved",
    ),
    # an agreement with the rightholder: an opt-out on its site yields to the licence
    (
        {"reservation": "reserved", "reservation_form": "machine_readable",
         "agreement_id": "LA-1", "license_source": "agreement"},
        "approved",
        "approved",
        "approved",
    ),
    (
        {"license_permission": "conditional", "license_position": "conditional"},
        "restricted",
        "approved",
        "approved",
    ),
    ({"exposure_eu": "critical"}, "prohibited", "approved", "restricted"),
    ({"exposure_us": "critical"}, "approved", "prohibited", "approved"),
    ({"exposure_us": "high"}, "approved", "restricted", "approved"),
    ({"personal_data_class": "biometric"}, "restricted", "restricted", "restricted"),
    ({"known_work": "list: sha256 x"}, "prohibited", "prohibited", "prohibited"),
    ({"takedown": "td-1"}, "prohibited", "prohibited", "prohibited"),
]


def test_shipped_policies_tier_documented_cases() -> None:
    rows = [_row(**facts) for facts, *_ in CASES]
    table = pl.DataFrame(rows)
    for col, name in ((1, "eu-ready-commercial"), (2, "us-fair-use-reliant")):
        tiers = decide_tiers(table, load_policy(name), as_of="2026-11-28").table["tier"]
        assert tiers.to_pylist() == [c[col] for c in CASES], name
    research = table.with_columns(pl.lit("research").alias("purpose"))
    tiers = decide_tiers(research, load_policy("research-only"), as_of="2026-11-28").table["tier"]
    assert tiers.to_pylist() == [c[3] for c in CASES]
    commercial = decide_tiers(table, load_policy("research-only"), as_of="2026-11-28")
    assert commercial.counts["prohibited"] == len(CASES)  # not a research purpose


policy_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-3, 3),
        st.text(max_size=8),
        st.sampled_from(["approved", "prohibited", "category", "shadow_library", "r1"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "tier",
                    "reason",
                    "when",
                    "rules",
                    "waivers",
                    "rule",
                    "items",
                    "author",
                    "expires",
                    "category",
                    "any",
                    "not",
                ]
            ),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "id",
                "title",
                "version",
                "summary",
                "default_tier",
                "rules",
                "waivers",
                "markets",
                "purpose",
            ]
        ),
        policy_values,
        max_size=9,
    )
)
def test_hostile_policy_documents_raise_policy_error_only(data: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.yaml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        try:
            load_policy(path)
        except PolicyError:
            pass
