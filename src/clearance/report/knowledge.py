# SPDX-License-Identifier: Apache-2.0
"""The report's knowledge files: salience links, recommendations and the method text.

They live under ``data/report/`` as YAML, are validated with pydantic, and any problem raises
``KnowledgeBaseError`` naming the file. ``default_report_knowledge()`` loads the shipped set
once per process; ``load_report_knowledge(root)`` loads another directory (tests, users).
"""

from __future__ import annotations

import functools
import string
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from clearance.enrich.categories import category_ids
from clearance.errors import KnowledgeBaseError
from clearance.yamlio import load_yaml

__all__ = [
    "ACTIONS",
    "DRIVERS",
    "EXPOSURE_LEVELS",
    "OUTCOME_DRIVERS",
    "MethodSection",
    "Recommendation",
    "ReportKnowledge",
    "SalienceLink",
    "SalienceTable",
    "default_report_knowledge",
    "load_report_knowledge",
]

EXPOSURE_LEVELS: Final[tuple[str, ...]] = ("low", "medium", "high", "critical")
#: The actions a recommendation may take (the issue's list).
ACTIONS: Final[tuple[str, ...]] = (
    "cease_scraping",
    "seek_licences",
    "filter",
    "honour_opt_outs",
    "delete",
    "document",
)
#: The drivers measured per category and over the dataset (report/drivers.py computes them).
DRIVERS: Final[tuple[str, ...]] = (
    "piracy",
    "takedown",
    "reserved",
    "reserved_since",
    "natural_language_reservation",
    "terms_prohibit",
    "licence_not_allowed",
    "licence_unknown",
    "licence_conditional",
    "personal_data",
    "sensitive_personal_data",
    "prohibited",
    "restricted",
    "provisional",
    "high_exposure",
)
#: Drivers that are outcomes of the assessment rather than causes; pages show causes first.
OUTCOME_DRIVERS: Final = frozenset({"prohibited", "restricted", "provisional", "high_exposure"})
_PLACEHOLDERS: Final = frozenset({"label", "items", "markets", "driver_items", "driver_share"})
_ROOT_PLACEHOLDERS: Final = frozenset({"kb_as_of", "as_of", "evidence", "presumed"})

Text = Annotated[str, Field(min_length=3, max_length=1200)]
Id = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")]


def _check_placeholders(text: str, allowed: frozenset[str]) -> None:
    for _, name, _, _ in string.Formatter().parse(text):
        if name is not None and name not in allowed:
            raise ValueError(f"unknown placeholder {{{name}}}; allowed: {sorted(allowed)}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SalienceLink(_Strict):
    """One authority that makes a source category salient, with our editorial importance."""

    id: str = Field(description="Id of a law knowledge-base entry (a case or settlement).")
    importance: int = Field(ge=1, le=3, description="3 lead case, 2 on point, 1 indirect.")
    why: Text = Field(description="Why it bears on the category, in our own words.")


class SalienceTable(_Strict):
    """The salience file: weights of the formula and the authorities per category."""

    status_weights: dict[str, float]
    half_life_years: float = Field(gt=0)
    min_recency: float = Field(ge=0, le=1)
    unverified_factor: float = Field(ge=0, le=1)
    categories: dict[str, tuple[SalienceLink, ...]]

    @model_validator(mode="after")
    def _unique(self) -> SalienceTable:
        for category, links in self.categories.items():
            ids = [link.id for link in links]
            if len(ids) != len(set(ids)):
                raise ValueError(f"category {category!r} lists an authority twice")
        return self


class Condition(_Strict):
    """When a recommendation or next step applies; every condition given must hold."""

    categories: tuple[str, ...] | None = None
    driver: Literal[DRIVERS] | None = None  # type: ignore[valid-type]
    min_share: float = Field(default=0.0, ge=0, lt=1)
    min_exposure: Literal["low", "medium", "high", "critical"] | None = None


class Recommendation(_Strict):
    """One recommendation (or next step): an action, when it applies, and its text."""

    id: Id
    action: Literal[ACTIONS] | None = None  # type: ignore[valid-type]
    priority: int = Field(ge=0, le=1000)
    when: Condition
    text: Text

    @model_validator(mode="after")
    def _placeholders(self) -> Recommendation:
        _check_placeholders(self.text, _PLACEHOLDERS)
        return self


class _RecommendationFile(_Strict):
    actions: dict[str, str]
    drivers: dict[str, str]
    recommendations: tuple[Recommendation, ...] = Field(min_length=1)
    next_steps: tuple[Recommendation, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> _RecommendationFile:
        if set(self.actions) != set(ACTIONS):
            raise ValueError(f"actions must name exactly {list(ACTIONS)}")
        if set(self.drivers) != set(DRIVERS):
            raise ValueError(f"drivers must name exactly {list(DRIVERS)}")
        for group in (self.recommendations, self.next_steps):
            ids = [r.id for r in group]
            if len(ids) != len(set(ids)):
                raise ValueError("recommendation ids repeat")
        if any(r.action is None for r in self.recommendations):
            raise ValueError("every recommendation needs an action")
        if not any(r.when == Condition() for r in self.recommendations):
            raise ValueError("one recommendation must apply always (when: {}) as the fallback")
        return self


class MethodSection(_Strict):
    """One paragraph of the "Method and limits" annex."""

    title: Annotated[str, Field(min_length=3, max_length=80)]
    text: Text

    @model_validator(mode="after")
    def _placeholders(self) -> MethodSection:
        _check_placeholders(self.text, _ROOT_PLACEHOLDERS)
        return self


class _MethodFile(_Strict):
    sections: tuple[MethodSection, ...] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class ReportKnowledge:
    """The three report knowledge files, validated."""

    salience: SalienceTable
    actions: dict[str, str]
    drivers: dict[str, str]
    recommendations: tuple[Recommendation, ...]
    next_steps: tuple[Recommendation, ...]
    method: tuple[MethodSection, ...]


def _read(path: Path | Any, model: type[BaseModel]) -> Any:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeBaseError(f"cannot read: {exc}", path=str(path)) from exc
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"invalid YAML: {exc}".replace("\n", " "), path=str(path)) from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errs = exc.errors()
        parts = [f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in errs[:4]]
        raise KnowledgeBaseError("; ".join(parts), path=str(path)) from exc


def load_report_knowledge(root: str | Path | Any) -> ReportKnowledge:
    """Return the report knowledge in ``root``; raise KnowledgeBaseError naming a bad file."""
    base = Path(root) if isinstance(root, str) else root
    salience: SalienceTable = _read(base.joinpath("salience.yaml"), SalienceTable)
    recs: _RecommendationFile = _read(base.joinpath("recommendations.yaml"), _RecommendationFile)
    method: _MethodFile = _read(base.joinpath("method.yaml"), _MethodFile)
    known = set(category_ids())
    named = set(salience.categories) | {
        c for r in recs.recommendations for c in (r.when.categories or ())
    }
    if named - known:
        bad = sorted(named - known)
        raise KnowledgeBaseError(f"unknown category ids {bad}", path=str(base))
    if any(r.when.categories for r in recs.next_steps):
        raise KnowledgeBaseError(
            "next steps apply to the whole dataset: no categories condition",
            path=str(base.joinpath("recommendations.yaml")),
        )
    return ReportKnowledge(
        salience=salience,
        actions=dict(recs.actions),
        drivers=dict(recs.drivers),
        recommendations=tuple(sorted(recs.recommendations, key=lambda r: (-r.priority, r.id))),
        next_steps=tuple(sorted(recs.next_steps, key=lambda r: (-r.priority, r.id))),
        method=method.sections,
    )


@functools.cache
def default_report_knowledge() -> ReportKnowledge:
    """Return the shipped report knowledge (``data/report/``), loaded once per process."""
    return load_report_knowledge(resources.files("clearance").joinpath("data/report"))
