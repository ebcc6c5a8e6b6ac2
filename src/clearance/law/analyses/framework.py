# SPDX-License-Identifier: Apache-2.0
"""The shared machinery of the professional analyses: considerations as data, weighed per question.

An analysis (``data/rules/analyses/<name>.yaml``) lists its questions (a fair-use factor, a
TDM condition) and considerations: when the facts satisfy a consideration's conditions (the
grammar of ``clearance.law.conditions``) it counts for or against the use with a weight of
1-3, citing knowledge-base ids. Each question leans the way its weighted considerations
point (``unknown`` when a deciding fact is unknown and nothing else tips it); the analysis
leans the way the question-weighted sum points, with a strength, never a certainty.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from clearance.errors import FactsError, RuleError
from clearance.law.conditions import Condition, compile_conditions
from clearance.law.engine import PENDING_STATUSES, _as_of, _default_context, prepare
from clearance.law.facts import Facts
from clearance.models import DISCLAIMER, AnalysisFinding, AnalysisResult
from clearance.yamlio import load_yaml

__all__ = ["ANALYSES", "ANALYSES_ROOT", "Analysis", "load_analysis", "run_analysis"]

logger = logging.getLogger(__name__)

ANALYSES_ROOT: Final = Path(__file__).resolve().parents[2] / "data" / "rules" / "analyses"
ANALYSES: Final[tuple[str, ...]] = ("fair_use", "eu_tdm", "database_right", "personal_data")
_SIGN: Final = {"for_use": 1, "against_use": -1, "neutral": 0, "unknown": 0}
OneLine = Annotated[str, Field(min_length=3, max_length=300, pattern=r"^[^\n\r]+$")]


class Question(BaseModel):
    """One question of an analysis and how much it counts in the overall leaning."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: OneLine
    weight: int = Field(default=1, ge=1, le=3)


class Consideration(BaseModel):
    """One consideration: when it applies, which way it leans, how strongly, on what authority."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    question: str
    when: dict[str, Any] = Field(default_factory=dict)
    markets: tuple[str, ...] = ()
    leaning: Literal["for_use", "against_use", "neutral", "unknown"]
    weight: int = Field(ge=1, le=3)
    text: str = Field(min_length=10)
    citations: tuple[str, ...] = ()
    provisional: bool = False
    effective_from: dt.date | None = None
    _conditions: tuple[Condition, ...] = PrivateAttr(default=())

    @model_validator(mode="after")
    def _compile(self) -> Consideration:
        self._conditions = compile_conditions(self.when)
        if not self.citations and self.leaning != "unknown":
            raise ValueError("a consideration that leans must cite a knowledge-base id")
        return self

    def applies(self, facts: dict[str, Any], market: str, on: dt.date) -> bool:
        """Return True when the consideration applies to these facts, market and date."""
        if self.markets and market not in self.markets:
            return False
        if self.effective_from is not None and on < self.effective_from:
            return False
        return all(cond(facts) for cond in self._conditions)


class Analysis(BaseModel):
    """A professional analysis as data: its questions and considerations."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    analysis: str
    title: OneLine
    markets: tuple[str, ...] = Field(min_length=1)
    questions: tuple[Question, ...] = Field(min_length=1)
    considerations: tuple[Consideration, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Analysis:
        qids = [q.id for q in self.questions]
        if len(set(qids)) != len(qids):
            raise ValueError("question ids repeat")
        cids = [c.id for c in self.considerations]
        if len(set(cids)) != len(cids):
            raise ValueError("consideration ids repeat")
        for c in self.considerations:
            if c.question not in qids:
                raise ValueError(f"consideration {c.id!r} names unknown question {c.question!r}")
        return self


def load_analysis(name: str, root: str | Path | None = None) -> Analysis:
    """Return the analysis ``name`` from ``root`` (default: shipped); RuleError names the file."""
    path = Path(root or ANALYSES_ROOT) / f"{name}.yaml"
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError(f"cannot read analysis: {exc}".replace("\n", " "), path=path) from exc
    try:
        analysis = Analysis.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RuleError(f"{where}: {first['msg']}", path=path) from exc
    if analysis.analysis != name:
        raise RuleError(f"analysis {analysis.analysis!r} does not match its file name", path=path)
    return analysis


@functools.cache
def _shipped(name: str) -> Analysis:
    return load_analysis(name)


def _strength(score: float) -> str:
    size = abs(score)
    return "strong" if size >= 6 else "moderate" if size >= 3 else "weak"


def evaluate(analysis: Analysis, facts: dict[str, Any], market: str, on: dt.date) -> AnalysisResult:
    """Return the analysis of already prepared facts in ``market`` as of ``on``."""
    ctx = _default_context()
    found = [c for c in analysis.considerations if c.applies(facts, market, on)]
    questions: list[tuple[str, str, str, str]] = []
    total = 0.0
    unknown_questions = 0
    for q in analysis.questions:
        mine = [c for c in found if c.question == q.id]
        score = sum(_SIGN[c.leaning] * c.weight for c in mine)
        unknown = any(c.leaning == "unknown" for c in mine)
        if not mine:
            questions.append((q.id, q.title, "not_engaged", "n/a"))
            continue
        if score > 0:
            lean = "for_use"
        elif score < 0:
            lean = "against_use"
        else:
            lean = "unknown" if unknown else "neutral"
        if lean == "unknown":
            unknown_questions += 1
        questions.append((q.id, q.title, lean, _strength(score * 2) if score else "n/a"))
        total += score * q.weight
    if total > 0:
        leaning = "for_use"
    elif total < 0:
        leaning = "against_use"
    else:
        leaning = "unknown" if unknown_questions else "balanced"
    strength = _strength(total)
    if unknown_questions and strength != "weak":
        strength = "moderate" if unknown_questions == 1 else "weak"
    findings = tuple(
        AnalysisFinding(
            question=c.question, consideration=c.id, leaning=c.leaning, weight=c.weight,
            text=" ".join(c.text.split()), citations=c.citations,
            provisional=c.provisional or any(ctx.statuses.get(x) in PENDING_STATUSES
                                             for x in c.citations),
        )
        for c in found
    )  # fmt: skip
    citations = tuple(dict.fromkeys(x for f in findings for x in f.citations))
    provisional = any(f.provisional for f in findings)
    if provisional and strength == "strong":  # first-instance or pending authority: not firm
        strength = "moderate"
    open_q = f"; {unknown_questions} question(s) turn on unknown facts" if unknown_questions else ""
    summary = (
        f"{analysis.title}: leans {leaning.replace('_', ' ')} ({strength}){open_q}. "
        "A leaning, not a prediction of any court's decision."
    )
    return AnalysisResult(
        analysis=analysis.analysis, market=market, questions=tuple(questions), leaning=leaning,
        strength=strength, summary=summary, findings=findings, citations=citations,
        provisional=provisional, as_of=on.isoformat(),
        kb_as_of=ctx.kb_as_of, disclaimer=DISCLAIMER,
    )  # fmt: skip


def run_analysis(
    name: str,
    facts: Mapping[str, Any] | Facts,
    market: str | None = None,
    as_of: dt.date | str | None = None,
) -> AnalysisResult:
    """Return analysis ``name`` of one item's facts (market: the analysis's first by default).

    Raises FactsError for facts outside the vocabulary or a market the analysis does not cover.
    """
    if name not in ANALYSES:
        raise FactsError(f"unknown analysis {name!r}; analyses: {', '.join(ANALYSES)}")
    analysis = _shipped(name)
    market = (market or analysis.markets[0]).lower().strip()
    if market not in analysis.markets:
        raise FactsError(f"{name} covers markets {', '.join(analysis.markets)}, not {market!r}")
    return evaluate(analysis, prepare(facts), market, _as_of(as_of))
