# SPDX-License-Identifier: Apache-2.0
"""The shipped authorship rules validate; broken rules raise RuleError naming the file; every
combination of market, work type, contribution and detail is decided without a conflict."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from clearance.errors import RuleError
from clearance.law.authorship import (
    AUTHORSHIP_MARKETS,
    CONTRIBUTIONS,
    WORK_TYPES,
    assess_authorship,
    default_authorship_rules,
    load_authorship_rules,
)
from clearance.law.authorship.engine import _decide
from clearance.law.authorship.rules import RULES_ROOT
from clearance.law.kb import default_knowledge_base


def test_shipped_rules_load_and_cite_the_knowledge_base() -> None:
    rules = default_authorship_rules()
    kb = default_knowledge_base()
    assert len(rules.rules) >= 80
    for rule in rules.rules.values():
        assert all(c in kb for c in rule.citations + rule.see_also), rule.id
        # CCH v LSUC is filed for fair dealing; it also set Canada's originality test (reported)
        off_topic = [
            c
            for c in rule.citations
            if "authorship" not in kb.get(c).topics and c != "ca-case-cch-v-lsuc"
        ]
        assert not off_topic, (rule.id, off_topic)
    own = {r.market for r in rules.rules.values()}
    assert own == set(AUTHORSHIP_MARKETS) - {"fr"}  # fr takes the EU layer's rules


# Leaning rules test these details; modifiers (disclosure, statements) only cap or add duties.
_DETAIL = {
    "records": ("true", "false", "unknown"),
    "parameters": ("true", "false", "unknown"),
    "iterated": ("true", "false", "unknown"),
}


def test_leaning_rules_test_only_the_grid_details() -> None:
    for rule in default_authorship_rules().rules.values():
        if rule.kind == "leaning":
            assert set(rule.when) <= {"work_type", "contribution", *_DETAIL}, rule.id


def test_every_combination_is_decided_without_conflict() -> None:
    rules = default_authorship_rules()
    keys = list(_DETAIL)
    for market, work_type, contribution in itertools.product(
        AUTHORSHIP_MARKETS, WORK_TYPES, CONTRIBUTIONS
    ):
        for values in itertools.product(*(_DETAIL[k] for k in keys)):
            facts = {
                "work_type": work_type,
                "contribution": contribution,
                **dict(zip(keys, values, strict=True)),
            }
            deciding = _decide(rules.for_market(market), rules.chain(market), facts)
            where = (market, facts)
            assert deciding, f"no rule decides {where}"
            assert len({r.leaning for r in deciding}) == 1, f"conflicting rules for {where}"


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(RULES_ROOT, root)
    return root


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ("leaning: unprotectable", "leaning"),  # replaced below by an invalid leaning
        ("citations:\n- us-case-thaler-v-perlmutter", "not in the knowledge base"),
        ("when:", "unknown fact"),
        ("id: us-work-no-human", "does not match the file name"),
    ],
)
def test_broken_rule_names_the_file(tmp_path: Path, edit: str, message: str) -> None:
    root = _copy(tmp_path)
    path = root / "us" / "us-work-no-human.yaml"
    text = path.read_text(encoding="utf-8")
    broken = {
        "leaning": text.replace("leaning: unprotectable", "leaning: maybe"),
        "not in the knowledge base": text.replace(
            "- us-case-thaler-v-perlmutter", "- us-case-no-such-case"
        ),
        "unknown fact": text.replace("when:", "when:\n  mood: happy"),
        "does not match the file name": text,
    }[message]
    if message == "does not match the file name":
        path.rename(root / "us" / "us-work-renamed.yaml")
        path = root / "us" / "us-work-renamed.yaml"
    else:
        path.write_text(broken, encoding="utf-8")
    with pytest.raises(RuleError, match=message) as info:
        load_authorship_rules(root)
    assert path.name in str(info.value)


def test_rules_in_an_unknown_market_directory_are_refused(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "xx").mkdir()
    with pytest.raises(RuleError, match="not an authorship market"):
        load_authorship_rules(root)


def test_a_modifier_without_effect_is_refused(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "us" / "us-registration-undisclosed.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.split("actions:")[0], encoding="utf-8")
    with pytest.raises(RuleError, match="modifier changes nothing"):
        load_authorship_rules(root)


def test_rules_honour_effective_dates(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "us" / "us-work-no-human.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "effective_from: 2030-01-01\n", encoding="utf-8"
    )
    rules = load_authorship_rules(root)
    facts = {"work_type": "image", "human_contribution": "none"}
    before = assess_authorship(facts, "us", "2026-01-01", rules=rules)
    after = assess_authorship(facts, "us", "2030-06-01", rules=rules)
    assert before.leaning == "uncertain" and before.rule_ids == ("no-authority",)
    assert after.leaning == "unprotectable" and after.rule_ids == ("us-work-no-human",)
