# SPDX-License-Identifier: Apache-2.0
"""The facts vocabulary for one AI-assisted work (or invention), and how it is read and checked.

A facts file is a YAML or JSON mapping; ``docs/authorship.md`` documents every key. Two keys
are required: ``work_type`` and ``human_contribution`` (one value or a list, for a work made
in several ways). Everything else is optional detail; an absent detail is *unknown* and the
rules never read an unknown in the applicant's favour. ``normalize_work_facts`` returns the
flat mapping of strings the rule conditions compare (booleans as ``"true"``/``"false"``,
missing as ``"unknown"``), so a typo is an error naming the key, never a silent miss.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Final

import yaml

from clearance.errors import FactsError
from clearance.yamlio import load_yaml

__all__ = [
    "CONTRIBUTIONS",
    "DERIVED_FACTS",
    "EVIDENCE",
    "PROCESS_RECORDS",
    "UNKNOWN",
    "WORK_FACT_KEYS",
    "WORK_TYPES",
    "WorkFacts",
    "load_work_facts",
    "normalize_work_facts",
    "parse_work_facts",
]

UNKNOWN: Final = "unknown"
WORK_TYPES: Final[tuple[str, ...]] = ("text", "image", "music", "code", "audiovisual", "invention")
#: From least to most human involvement in the expression (or, for inventions, the conception).
CONTRIBUTIONS: Final[tuple[str, ...]] = (
    "none",
    "prompts_only",
    "iterative_prompting_and_selection",
    "own_work_as_input",
    "selection_and_arrangement",
    "substantial_modification",
    "ai_as_tool_only",
)
#: What can be kept to prove the process; the first six are records of the creative process.
EVIDENCE: Final[tuple[str, ...]] = (
    "prompts",
    "seeds_and_parameters",
    "intermediate_outputs",
    "raw_ai_output",
    "edit_history",
    "lab_notebook",
    "timestamps",
    "selection_rationale",
    "own_input_work",
)
PROCESS_RECORDS: Final = frozenset(EVIDENCE[:6])
#: Keys a facts file may hold.
WORK_FACT_KEYS: Final[tuple[str, ...]] = (
    "title", "work_type", "human_contribution", "disclosed_ai", "ai_tool", "iterations",
    "parameters_controlled", "human_share", "human_modifications", "evidence_kept",
    "statements_ai_conceived",
)  # fmt: skip
#: What rule conditions may test, with their values (``unknown`` is always allowed too).
DERIVED_FACTS: Final[dict[str, tuple[str, ...]]] = {
    "work_type": WORK_TYPES,
    "contribution": CONTRIBUTIONS,
    "disclosed_ai": ("true", "false"),
    "iterated": ("true", "false"),
    "parameters": ("true", "false"),
    "records": ("true", "false"),
    "ai_material": ("true", "false"),
    "statements_ai_conceived": ("true", "false"),
}


@dataclass(frozen=True, slots=True)
class WorkFacts:
    """What is known about one work: its type, how a human contributed, and optional detail."""

    work_type: str = field(metadata={"help": "text, image, music, code, audiovisual, invention"})
    human_contribution: tuple[str, ...] = field(
        metadata={"help": "one or more of CONTRIBUTIONS; 'none' stands alone"}
    )
    title: str | None = field(default=None, metadata={"help": "name of the work, for the memo"})
    disclosed_ai: bool | None = field(
        default=None, metadata={"help": "AI use disclosed (or to be disclosed) in registration"}
    )
    ai_tool: str | None = field(default=None, metadata={"help": "AI system used, e.g. a model"})
    iterations: int | None = field(default=None, metadata={"help": "generations or prompt rounds"})
    parameters_controlled: tuple[str, ...] | None = field(
        default=None, metadata={"help": "settings the human chose (seed, strength, ...); [] none"}
    )
    human_share: float | None = field(
        default=None, metadata={"help": "share of the final work authored by a human, 0 to 1"}
    )
    human_modifications: str | None = field(
        default=None, metadata={"help": "what the human changed, in words (used in claim text)"}
    )
    evidence_kept: tuple[str, ...] | None = field(
        default=None, metadata={"help": "records kept, from EVIDENCE; [] means none"}
    )
    statements_ai_conceived: bool | None = field(
        default=None, metadata={"help": "inventions: anyone has said the AI conceived it"}
    )

    @property
    def is_invention(self) -> bool:
        """Return True when the facts describe an invention rather than a work."""
        return self.work_type == "invention"

    def to_dict(self) -> dict[str, Any]:
        """Return the facts that are set, as a plain JSON-ready mapping."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                out[f.name] = list(value) if isinstance(value, tuple) else value
        return out


def _choice(key: str, value: Any, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value.strip() not in allowed:
        raise FactsError(f"{key}: {value!r} is not one of {', '.join(allowed)}")
    return value.strip()


def _strings(key: str, value: Any, allowed: tuple[str, ...] | None) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise FactsError(f"{key}: expected a list of strings, got {value!r}")
    out: list[str] = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise FactsError(f"{key}: expected non-empty strings, got {item!r}")
        text = item.strip()
        if allowed is not None and text not in allowed:
            raise FactsError(f"{key}: {text!r} is not one of {', '.join(allowed)}")
        if text not in out:
            out.append(text)
    return tuple(out)


def _bool(key: str, value: Any) -> bool | None:
    if value is None or value == UNKNOWN:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false", "yes", "no"}:
        return value.strip().lower() in {"true", "yes"}
    raise FactsError(f"{key}: expected true, false or unknown, got {value!r}")


def _text(key: str, value: Any, limit: int = 500) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise FactsError(f"{key}: expected text of at most {limit} characters, got {value!r:.60}")
    return value.strip() or None


def _iterations(value: Any) -> int | None:
    if value is None or value == UNKNOWN:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000_000:
        raise FactsError(f"iterations: expected a whole number from 0, got {value!r}")
    return value


def _share(value: Any) -> float | None:
    if value is None or value == UNKNOWN:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FactsError(f"human_share: expected a number from 0 to 1, got {value!r}")
    share = float(value)
    if math.isnan(share) or not 0.0 <= share <= 1.0:
        raise FactsError(f"human_share: expected a number from 0 to 1, got {value!r}")
    return share


def parse_work_facts(data: Mapping[str, Any] | WorkFacts) -> WorkFacts:
    """Return validated ``WorkFacts`` from a mapping; raise FactsError naming the bad key."""
    if isinstance(data, WorkFacts):
        data = data.to_dict()
    if not isinstance(data, Mapping):
        raise FactsError("expected a mapping of fact -> value")
    extra = sorted(str(k) for k in set(data) - set(WORK_FACT_KEYS))
    if extra:
        raise FactsError(f"unknown keys {extra}; known keys: {', '.join(WORK_FACT_KEYS)}")
    for required in ("work_type", "human_contribution"):
        if data.get(required) in (None, "", []):
            raise FactsError(f"{required} is required")
    contributions = _strings("human_contribution", data["human_contribution"], CONTRIBUTIONS)
    if not contributions:
        raise FactsError("human_contribution: give at least one value")
    if "none" in contributions and len(contributions) > 1:
        raise FactsError("human_contribution: 'none' cannot be combined with other values")
    params = data.get("parameters_controlled")
    evidence = data.get("evidence_kept")
    return WorkFacts(
        work_type=_choice("work_type", data["work_type"], WORK_TYPES),
        human_contribution=contributions,
        title=_text("title", data.get("title"), 200),
        disclosed_ai=_bool("disclosed_ai", data.get("disclosed_ai")),
        ai_tool=_text("ai_tool", data.get("ai_tool"), 200),
        iterations=_iterations(data.get("iterations")),
        parameters_controlled=None if params is None else _strings("parameters_controlled",
                                                                   params, None),
        human_share=_share(data.get("human_share")),
        human_modifications=_text("human_modifications", data.get("human_modifications")),
        evidence_kept=None if evidence is None else _strings("evidence_kept", evidence, EVIDENCE),
        statements_ai_conceived=_bool(
            "statements_ai_conceived", data.get("statements_ai_conceived")
        ),
    )  # fmt: skip


def _tri(value: bool | None) -> str:
    return UNKNOWN if value is None else ("true" if value else "false")


def normalize_work_facts(facts: WorkFacts, contribution: str) -> dict[str, str]:
    """Return the flat mapping rule conditions read, judging ``contribution`` (one of the work's).

    ``iterated`` is true for iterative prompting or more than one iteration; ``records`` is
    true when any process record (prompts, parameters, intermediate or raw outputs, edit
    history, lab notebook) was kept; ``ai_material`` is false only when AI served as a tool
    alone or the human share is 1.
    """
    if contribution not in facts.human_contribution:
        raise FactsError(f"contribution {contribution!r} is not among the work's")
    iterated: bool | None = None
    if contribution == "iterative_prompting_and_selection":
        iterated = True
    elif facts.iterations is not None:
        iterated = facts.iterations > 1
    params = None if facts.parameters_controlled is None else bool(facts.parameters_controlled)
    records = None
    if facts.evidence_kept is not None:
        records = bool(PROCESS_RECORDS & set(facts.evidence_kept))
    ai_material: bool | None = True
    if facts.human_contribution == ("ai_as_tool_only",) or facts.human_share == 1.0:
        ai_material = False
    return {
        "work_type": facts.work_type,
        "contribution": contribution,
        "disclosed_ai": _tri(facts.disclosed_ai),
        "iterated": _tri(iterated),
        "parameters": _tri(params),
        "records": _tri(records),
        "ai_material": _tri(ai_material),
        "statements_ai_conceived": _tri(facts.statements_ai_conceived),
    }


def load_work_facts(path: str | Path) -> WorkFacts:
    """Return the validated facts in a YAML or JSON file; raise FactsError naming the file."""
    path = Path(path)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), unique_keys=True)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError, RecursionError) as exc:
        raise FactsError(f"{path}: cannot read facts: {exc}".replace("\n", " ")) from exc
    if not isinstance(data, dict):
        raise FactsError(f"{path}: expected a mapping of fact -> value")
    try:
        return parse_work_facts(data)
    except FactsError as exc:
        raise FactsError(f"{path}: {exc.message}") from exc
