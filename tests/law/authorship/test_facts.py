# SPDX-License-Identifier: Apache-2.0
"""The facts vocabulary: valid facts parse, bad ones raise FactsError naming the key or file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.errors import FactsError
from clearance.law.authorship.facts import (
    CONTRIBUTIONS,
    EVIDENCE,
    WORK_FACT_KEYS,
    WORK_TYPES,
    WorkFacts,
    load_work_facts,
    normalize_work_facts,
    parse_work_facts,
)


def test_minimal_facts_parse_and_unknowns_stay_unknown() -> None:
    facts = parse_work_facts({"work_type": "image", "human_contribution": "prompts_only"})
    assert facts.human_contribution == ("prompts_only",)
    flat = normalize_work_facts(facts, "prompts_only")
    assert flat == {
        "work_type": "image",
        "contribution": "prompts_only",
        "disclosed_ai": "unknown",
        "iterated": "unknown",
        "parameters": "unknown",
        "records": "unknown",
        "ai_material": "true",
        "statements_ai_conceived": "unknown",
    }


def test_derived_facts() -> None:
    facts = parse_work_facts(
        {
            "work_type": "image",
            "human_contribution": ["iterative_prompting_and_selection"],
            "parameters_controlled": [],
            "evidence_kept": ["timestamps"],
            "disclosed_ai": "yes",
        }
    )
    flat = normalize_work_facts(facts, "iterative_prompting_and_selection")
    assert flat["iterated"] == "true" and flat["parameters"] == "false"
    assert flat["records"] == "false"  # timestamps alone are not a record of the process
    assert flat["disclosed_ai"] == "true"
    tool = parse_work_facts({"work_type": "text", "human_contribution": "ai_as_tool_only"})
    assert normalize_work_facts(tool, "ai_as_tool_only")["ai_material"] == "false"
    share = parse_work_facts({"work_type": "text", "human_contribution": "none", "human_share": 1})
    assert normalize_work_facts(share, "none")["ai_material"] == "false"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"human_contribution": "none"}, "work_type is required"),
        ({"work_type": "image"}, "human_contribution is required"),
        ({"work_type": "poem", "human_contribution": "none"}, "work_type: 'poem'"),
        ({"work_type": "image", "human_contribution": "vibes"}, "human_contribution: 'vibes'"),
        (
            {"work_type": "image", "human_contribution": ["none", "prompts_only"]},
            "cannot be combined",
        ),
        (
            {"work_type": "image", "human_contribution": "none", "colour": 1},
            "unknown keys ['colour']",
        ),
        ({"work_type": "image", "human_contribution": "none", "human_share": 1.5}, "human_share"),
        ({"work_type": "image", "human_contribution": "none", "iterations": -1}, "iterations"),
        ({"work_type": "image", "human_contribution": "none", "iterations": True}, "iterations"),
        (
            {"work_type": "image", "human_contribution": "none", "disclosed_ai": "maybe"},
            "disclosed_ai",
        ),
        (
            {"work_type": "image", "human_contribution": "none", "evidence_kept": ["diary"]},
            "evidence_kept",
        ),
    ],
)
def test_bad_facts_name_the_key(data: dict[str, Any], message: str) -> None:
    with pytest.raises(FactsError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_work_facts(data)


def test_load_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "work.yaml"
    bad.write_text("work_type: image\nhuman_contribution: nonsense\n", encoding="utf-8")
    with pytest.raises(FactsError, match="work.yaml: human_contribution"):
        load_work_facts(bad)
    bad.write_text("work_type: [unclosed\n", encoding="utf-8")
    with pytest.raises(FactsError, match="work.yaml: cannot read facts"):
        load_work_facts(bad)
    bad.write_text(
        "work_type: image\nwork_type: text\nhuman_contribution: none\n", encoding="utf-8"
    )
    with pytest.raises(FactsError, match="duplicate key"):
        load_work_facts(bad)
    with pytest.raises(FactsError, match="cannot read facts"):
        load_work_facts(tmp_path / "missing.yaml")


_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.lists(st.text(max_size=10), max_size=4),
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from((*WORK_FACT_KEYS, "other")), _values, max_size=8))
def test_any_mapping_parses_or_raises_facts_error(data: dict[str, Any]) -> None:
    try:
        facts = parse_work_facts(data)
    except FactsError:
        return
    assert parse_work_facts(facts.to_dict()) == facts  # a parsed value round-trips


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(WORK_TYPES),
    st.lists(st.sampled_from(CONTRIBUTIONS[1:]), min_size=1, max_size=3, unique=True),
    st.none() | st.lists(st.sampled_from(EVIDENCE), unique=True),
    st.none() | st.integers(0, 1000),
)
def test_valid_facts_normalise_for_each_contribution(
    work_type: str, contributions: list[str], evidence: list[str] | None, iterations: int | None
) -> None:
    facts = WorkFacts(
        work_type,
        tuple(contributions),
        evidence_kept=None if evidence is None else tuple(evidence),
        iterations=iterations,
    )
    assert parse_work_facts(facts) == facts
    for c in contributions:
        assert normalize_work_facts(facts, c)["contribution"] == c
    with pytest.raises(FactsError):
        normalize_work_facts(facts, "none")
