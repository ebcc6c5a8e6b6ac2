# SPDX-License-Identifier: Apache-2.0
"""The interactive questionnaire: asks for the facts in order and says why each one matters.

The questions are data (``data/authorship/questions.yaml``), checked against the facts
vocabulary when loaded. ``ask_work_facts`` reads answers through the ``read`` callable (one
line each, e.g. from standard input) and writes prompts through ``write``, so it is tested by
feeding lines. A bad answer is explained and asked again, up to three times.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from clearance.errors import FactsError, RuleError
from clearance.law.authorship.facts import (
    CONTRIBUTIONS,
    EVIDENCE,
    WORK_FACT_KEYS,
    WORK_TYPES,
    WorkFacts,
    parse_work_facts,
)
from clearance.yamlio import load_yaml

__all__ = ["Question", "ask_work_facts", "default_questions"]

PATH: Final = Path(__file__).resolve().parents[2] / "data" / "authorship" / "questions.yaml"
_TRIES: Final = 3
_VOCAB: Final = {"work_type": WORK_TYPES, "human_contribution": CONTRIBUTIONS,
                 "evidence_kept": EVIDENCE}  # fmt: skip


class Question(BaseModel):
    """One question: the fact it fills, how to read the answer, and why it matters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    kind: Literal["text", "choice", "multi", "integer", "number", "list", "boolean"]
    ask: str = Field(min_length=5)
    why: str = Field(min_length=10)
    optional: bool = False
    only_for: Literal["works", "inventions"] | None = None
    choices: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known(self) -> Question:
        if self.key not in WORK_FACT_KEYS:
            raise ValueError(f"{self.key!r} is not a fact key")
        if (self.kind in {"choice", "multi"}) != bool(self.choices):
            raise ValueError(f"{self.key}: choices go with kind choice or multi only")
        if self.key in _VOCAB and tuple(self.choices) != _VOCAB[self.key]:
            raise ValueError(f"{self.key}: choices must be exactly {_VOCAB[self.key]}, in order")
        return self


@functools.cache
def default_questions(path: Path = PATH) -> tuple[Question, ...]:
    """Return the shipped questions in order; raise RuleError naming the file if invalid."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), unique_keys=True)
        questions = tuple(Question.model_validate(q) for q in data["questions"])
    except (OSError, ValueError, KeyError, TypeError, ValidationError) as exc:
        raise RuleError(f"invalid questionnaire: {exc}".replace("\n", " "), path=path) from exc
    asked = [q.key for q in questions]
    if sorted(asked) != sorted(WORK_FACT_KEYS):
        raise RuleError(f"questions must cover every fact key once: {asked}", path=path)
    return questions


def _answer(q: Question, line: str) -> Any:
    text = line.strip()
    if q.kind == "text":
        return text
    if q.kind == "integer":
        if not text.isdigit():
            raise ValueError("give a whole number")
        return int(text)
    if q.kind == "number":
        return float(text)
    if q.kind == "boolean":
        if text.lower() not in {"yes", "no", "y", "n", "true", "false"}:
            raise ValueError("answer yes or no")
        return text.lower() in {"yes", "y", "true"}
    if q.kind == "list":
        return [] if text.lower() == "none" else [p.strip() for p in text.split(",") if p.strip()]
    keys = list(q.choices)
    if q.kind == "multi" and text.lower() == "none" and q.key == "evidence_kept":
        return []
    picked = []
    for part in text.replace(" ", "").split(","):
        if not part.isdigit() or not 1 <= int(part) <= len(keys):
            raise ValueError(f"give a number from 1 to {len(keys)}")
        picked.append(keys[int(part) - 1])
    if q.kind == "choice":
        if len(picked) != 1:
            raise ValueError("give exactly one number")
        return picked[0]
    return picked


def ask_work_facts(read: Callable[[], str | None], write: Callable[[str], None]) -> WorkFacts:
    """Ask every question in order and return the validated facts.

    ``read`` returns the next answer line (None at end of input); ``write`` shows text.
    Raises FactsError when the input ends early or an answer stays invalid after three tries.
    """
    answers: dict[str, Any] = {}
    questions = default_questions()
    write("Answer each question; press Enter to skip an optional one (it stays unknown).")
    for n, q in enumerate(questions, 1):
        invention = answers.get("work_type") == "invention"
        if q.only_for == ("works" if invention else "inventions"):
            continue
        write(f"\n{n}. {q.ask}\n   Why it matters: {' '.join(q.why.split())}")
        for i, (key, label) in enumerate(q.choices.items(), 1):
            write(f"   {i}. {key}: {label}")
        for attempt in range(1, _TRIES + 1):
            line = read()
            if line is None:
                raise FactsError(f"the questionnaire ended before question {n} ({q.key})")
            if not line.strip():
                if q.optional:
                    break
                write("   This answer is required.")
                continue
            try:
                value = _answer(q, line)
                parse_work_facts(
                    {"work_type": "text", "human_contribution": "none", **answers, q.key: value}
                )  # fmt: skip  (checks this answer now)
            except (ValueError, FactsError) as exc:
                write(f"   Not understood: {exc}")
                if attempt == _TRIES:
                    raise FactsError(f"{q.key}: no valid answer after {_TRIES} tries") from exc
                continue
            answers[q.key] = value
            break
        else:
            raise FactsError(f"{q.key}: no valid answer after {_TRIES} tries")
    return parse_work_facts(answers)
