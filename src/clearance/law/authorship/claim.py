# SPDX-License-Identifier: Apache-2.0
"""The US claim limitation: what an application to the Copyright Office should exclude and claim.

The Office's 2023 guidance asks applicants to disclose AI-generated material that is more than
de minimis and to claim only the human-authored contribution; Zarya of the Dawn and Théâtre
D'opéra Spatial show what happens otherwise. The wording per work type is data
(``data/authorship/claim_terms.yaml``); the human material comes from the rules that fired.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clearance.errors import RuleError
from clearance.law.authorship.facts import WORK_TYPES, WorkFacts
from clearance.yamlio import load_yaml

__all__ = ["ClaimLimitation", "ClaimTerms", "build_claim_limitation", "default_claim_terms"]

TERMS_PATH: Final = Path(__file__).resolve().parents[2] / "data" / "authorship" / "claim_terms.yaml"


class ClaimTerms(BaseModel):
    """How to name excluded AI material per work type, and the authorities for the practice."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    excluded: dict[str, str] = Field(description="work type -> phrase for the excluded material")
    no_claim: str = Field(min_length=20, description="Note when nothing human can be claimed.")
    no_limitation: str = Field(min_length=20, description="Note when no AI material is left.")
    describe: str = Field(min_length=20, description="What to describe in the application.")
    undisclosed: str = Field(min_length=20, description="Warning when AI use is not disclosed.")
    citations: tuple[str, ...] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class ClaimLimitation:
    """What a US registration should exclude and claim, with the notes an applicant needs."""

    material_excluded: str | None
    new_material_included: str | None
    notes: tuple[str, ...]
    citations: tuple[str, ...]

    @property
    def text(self) -> str:
        """Return the limitation as one paragraph an applicant can adapt."""
        parts = [
            f"Material excluded: {self.material_excluded or 'none'}.",
            f"New material included: {self.new_material_included or 'nothing registrable'}.",
        ]
        return " ".join(parts + list(self.notes))

    def to_dict(self) -> dict[str, Any]:
        """Return the limitation as a JSON-ready mapping (with the assembled text)."""
        return {**asdict(self), "notes": list(self.notes), "citations": list(self.citations),
                "text": self.text}  # fmt: skip


@functools.cache
def default_claim_terms(path: Path = TERMS_PATH) -> ClaimTerms:
    """Return the shipped claim wording; raise RuleError naming the file when it is invalid."""
    try:
        terms = ClaimTerms.model_validate(load_yaml(path.read_text(encoding="utf-8"),
                                                    unique_keys=True))  # fmt: skip
    except (OSError, ValueError, ValidationError) as exc:
        raise RuleError(f"invalid claim terms: {exc}".replace("\n", " "), path=path) from exc
    missing = sorted(set(WORK_TYPES) - {"invention"} - set(terms.excluded))
    if missing:
        raise RuleError(f"no excluded-material wording for {missing}", path=path)
    return terms


def build_claim_limitation(facts: WorkFacts, included: list[str]) -> ClaimLimitation | None:
    """Return the US claim limitation for ``facts`` given the human material the rules allow.

    ``included`` holds the ``claim_include`` phrases of the rules that found something
    protectable. Returns None for an invention (patents have no such limitation).
    """
    if facts.is_invention:
        return None
    terms = default_claim_terms()
    ai_material = not (facts.human_contribution == ("ai_as_tool_only",) or facts.human_share == 1)
    notes: list[str] = []
    excluded = None
    if ai_material:
        excluded = terms.excluded[facts.work_type]
        if facts.ai_tool:
            excluded += f" (made with {facts.ai_tool})"
        notes.append(terms.describe)
        if facts.disclosed_ai is False:
            notes.append(terms.undisclosed)
    else:
        notes.append(terms.no_limitation)
        included = ["the entire work"]
    phrases = list(dict.fromkeys(included))
    if facts.human_modifications:  # name the modifications the applicant described
        phrases = [f"{p} ({facts.human_modifications})" if "modification" in p else p
                   for p in phrases]  # fmt: skip
    new_material = "; ".join(phrases) or None
    if ai_material and new_material is None:
        notes.insert(0, terms.no_claim)
    return ClaimLimitation(excluded, new_material, tuple(notes), terms.citations)
