# SPDX-License-Identifier: Apache-2.0
"""The questionnaire asks in order, explains why, re-asks bad answers and fails clearly."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.errors import FactsError
from clearance.law.authorship.questionnaire import ask_work_facts, default_questions


def _io(lines: list[str]) -> tuple[Callable[[], str | None], list[str]]:
    feed: Iterator[str] = iter(lines)
    shown: list[str] = []
    return (lambda: next(feed, None)), shown


def test_every_question_says_why() -> None:
    questions = default_questions()
    assert [q.key for q in questions][:3] == ["title", "work_type", "human_contribution"]
    assert all(len(q.why) > 10 for q in questions)


def test_invention_skips_work_only_questions() -> None:
    read, shown = _io(["Catalyst", "6", "3", "", "", "", "6", "yes"])
    facts = ask_work_facts(read, shown.append)
    assert facts.is_invention and facts.statements_ai_conceived is True
    assert facts.evidence_kept == ("lab_notebook",)
    text = "\n".join(shown)
    assert "human_share" not in text and "What did the human modify" not in text
    assert "Why it matters" in text


def test_bad_answers_are_asked_again() -> None:
    read, shown = _io(["", "9", "2", "0", "3", "", "", "", "", "", "", "maybe", "yes"])
    facts = ask_work_facts(read, shown.append)
    assert facts.work_type == "image"
    assert facts.human_contribution == ("iterative_prompting_and_selection",)
    assert facts.disclosed_ai is True
    assert sum("Not understood" in s for s in shown) == 3


def test_three_bad_answers_fail() -> None:
    read, shown = _io(["", "x", "y", "z"])
    with pytest.raises(FactsError, match="work_type: no valid answer after 3 tries"):
        ask_work_facts(read, shown.append)


def test_required_answer_left_empty_fails() -> None:
    read, shown = _io(["", "", "", ""])
    with pytest.raises(FactsError, match="work_type"):
        ask_work_facts(read, shown.append)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=15), max_size=14))
def test_any_input_gives_facts_or_a_facts_error(lines: list[str]) -> None:
    read, shown = _io(lines)
    try:
        facts = ask_work_facts(read, shown.append)
    except FactsError:
        return
    assert facts.work_type and facts.human_contribution
