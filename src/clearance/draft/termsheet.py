# SPDX-License-Identifier: Apache-2.0
"""The term sheet of an AI data licence: parties, content, uses, markets, positions and numbers.

A term sheet is a small YAML file counsel fills in (``clearance draft licence --example-terms``
prints a commented one). ``load_term_sheet`` validates it against the clause library - every
position names a topic and one of its three positions, every number names a variable of the
right kind - and raises ``ContractError`` naming the file and the field otherwise.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clearance.draft.library import ClauseLibrary, Variable
from clearance.draft.sources import CLAUSES_ROOT
from clearance.errors import ContractError
from clearance.law.kb import Market
from clearance.yamlio import load_yaml

__all__ = [
    "EXAMPLE_TERM_SHEET",
    "USES",
    "Content",
    "Party",
    "ScheduleRow",
    "ScheduleSpec",
    "TermSheet",
    "check_numbers",
    "check_sheet",
    "load_term_sheet",
    "read_yaml_mapping",
]

#: The uses a licence can grant, each a defined term of the agreement, in drafting order.
USES: Final[dict[str, str]] = {
    "training": "Training",
    "fine_tuning": "Fine-Tuning",
    "evaluation": "Evaluation",
    "rag": "Retrieval-Augmented Generation",
    "synthetic_data": "Synthetic Data Generation",
}
EXAMPLE_TERM_SHEET: Final = CLAUSES_ROOT / "examples" / "licence-terms.yaml"
Use = Literal["training", "fine_tuning", "evaluation", "rag", "synthetic_data"]
_NUMERIC: Final = frozenset({"money", "number", "percent", "days", "months", "years"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Party(_Model):
    """One party as it appears in the agreement's heading and signature block."""

    name: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=600)
    address: str = Field(default="", max_length=600)
    signatory: str = Field(default="", max_length=200)


class ScheduleRow(_Model):
    """One row of the licensed-content schedule written by hand."""

    source: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=600)
    items: int | None = Field(default=None, ge=0)
    modalities: str = Field(default="", max_length=200)
    licences: str = Field(default="", max_length=300)


class ScheduleSpec(_Model):
    """Where Schedule 1's table comes from: a scan folder, rows written by hand, or both."""

    scan: str | None = Field(default=None, description="Scan folder holding facts.parquet.")
    domains: tuple[str, ...] = Field(default=(), description="Keep only these domains.")
    max_rows: int = Field(default=40, ge=1, le=1000)
    rows: tuple[ScheduleRow, ...] = ()


class Content(_Model):
    """The licensed content: a one-paragraph description and the schedule's source."""

    description: str = Field(min_length=3, max_length=2000)
    delivery: str = Field(default="", max_length=2000, description="Delivery Specification.")
    schedule: ScheduleSpec = ScheduleSpec()


class TermSheet(_Model):
    """What counsel decides before drafting; everything else comes from the clause library."""

    kind: Literal["licence"] = "licence"
    reference: str = Field(default="", max_length=100)
    title: str = Field(default="", max_length=200)
    date: dt.date | None = None
    parties: dict[str, Party]
    content: Content
    uses: tuple[Use, ...] = Field(min_length=1)
    markets: tuple[Market, ...] = ()
    positions: dict[str, str] = Field(default_factory=dict)
    numbers: dict[str, int | float | str] = Field(default_factory=dict)
    base_dir: Path | None = Field(default=None, exclude=True)

    def position(self, topic: str) -> str:
        """Return the position chosen for ``topic`` (balanced unless the sheet says otherwise)."""
        return self.positions.get(topic, "balanced")


def read_yaml_mapping(path: str | Path, what: str) -> dict[str, Any]:
    """Return the YAML mapping in ``path``; raise ContractError naming the file otherwise."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ContractError(f"cannot read the {what}: {exc.strerror or exc}", path=path) from exc
    except UnicodeDecodeError as exc:
        raise ContractError(f"the {what} is not UTF-8 (byte {exc.start})", path=path) from exc
    try:
        data = load_yaml(text, unique_keys=True)
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        detail = str(exc).replace("\n", " ")
        raise ContractError(f"the {what} is not valid YAML: {detail}", path=path) from exc
    if not isinstance(data, dict):
        raise ContractError(f"the {what} must be a YAML mapping of fields", path=path)
    return data


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "term sheet"
    more = exc.error_count() - 1
    return f"{where}: {err['msg']}" + (f" (and {more} more problems)" if more else "")


def check_numbers(numbers: dict[str, Any], variables: dict[str, Variable]) -> list[str]:
    """Return problems with ``numbers`` against the library's variables (unknown, wrong kind)."""
    problems = []
    for name, value in numbers.items():
        var = variables.get(name)
        if var is None:
            near = ", ".join(sorted(variables)[:60])
            problems.append(f"numbers.{name}: no clause uses this number (known: {near})")
            continue
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if var.kind in _NUMERIC and (not numeric or value < 0):
            problems.append(f"numbers.{name}: expected a non-negative number, got {value!r}")
        elif var.kind == "choice" and value not in var.choices:
            problems.append(f"numbers.{name}: expected one of {', '.join(var.choices)}")
        elif var.kind == "text" and not isinstance(value, str):
            problems.append(f"numbers.{name}: expected text, got {value!r}")
    return problems


def check_sheet(sheet: TermSheet, library: ClauseLibrary) -> list[str]:
    """Return what is wrong with ``sheet`` against ``library`` (parties, positions, numbers)."""
    problems: list[str] = []
    for side in library.info.sides:
        if side not in sheet.parties:
            problems.append(f"parties.{side}: missing")
    for side in sheet.parties:
        if side not in library.info.sides:
            problems.append(f"parties.{side}: parties are {' and '.join(library.info.sides)}")
    for topic, position in sheet.positions.items():
        if topic not in library:
            problems.append(
                f"positions.{topic}: no such topic; known: {', '.join(t.id for t in library)}"
            )
        elif position not in library.positions:
            problems.append(
                f"positions.{topic}: {position!r} is not one of {', '.join(library.positions)}"
            )
    problems += check_numbers(sheet.numbers, library.variables())
    if len(set(sheet.uses)) != len(sheet.uses):
        problems.append("uses: a use is listed twice")
    return problems


def load_term_sheet(path: str | Path, library: ClauseLibrary) -> TermSheet:
    """Return the term sheet in ``path`` validated against ``library``; raise ContractError."""
    path = Path(path)
    raw = read_yaml_mapping(path, "term sheet")
    try:
        sheet = TermSheet.model_validate(raw)
    except ValidationError as exc:
        raise ContractError(_first_error(exc), path=path) from exc
    problems = check_sheet(sheet, library)
    if problems:
        raise ContractError("; ".join(problems[:5]), path=path)
    return sheet.model_copy(update={"base_dir": path.resolve().parent})
