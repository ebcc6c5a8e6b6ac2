# SPDX-License-Identifier: Apache-2.0
"""How red-team regurgitation findings change output exposure: the seam for the red team.

The red team reports, per source (or per model version), one finding level:
``not_tested``, ``none_found``, ``incidental``, ``substantial`` or ``verbatim``.
``regurgitation_exposure(level, market)`` turns it into the output exposure in that market
(low, medium, high, critical) with the authorities and what to do, and into the value of the
law engine's ``memorization`` fact, so a scan can be re-assessed with it. The mapping is data:
``data/output_duties/regurgitation.yaml``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clearance.errors import InputError, RuleError
from clearance.law.kb import default_knowledge_base
from clearance.yamlio import load_yaml

__all__ = [
    "REGURGITATION_LEVELS",
    "RegurgitationExposure",
    "regurgitation_exposure",
]

PATH: Final = Path(__file__).resolve().parents[2] / "data" / "output_duties" / "regurgitation.yaml"
REGURGITATION_LEVELS: Final[tuple[str, ...]] = (
    "not_tested", "none_found", "incidental", "substantial", "verbatim"
)  # fmt: skip
_REPRODUCING: Final = frozenset({"substantial", "verbatim"})
_LAYERS: Final = {"de": "eu", "fr": "eu"}
Exposure = Literal["low", "medium", "high", "critical"]


class _Level(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    memorization: Literal["true", "false", "unknown"]
    exposure: Exposure
    reason: str = Field(min_length=10)
    actions: tuple[str, ...] = ()


class _Market(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    citations: tuple[str, ...] = Field(min_length=1)
    reason: str = Field(min_length=10)
    substantial: Exposure | None = None
    verbatim: Exposure | None = None


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    levels: dict[str, _Level]
    markets: dict[str, _Market]


@dataclass(frozen=True, slots=True)
class RegurgitationExposure:
    """What one finding level means for output exposure in one market."""

    level: str
    market: str
    exposure: str
    memorization: str
    provisional: bool
    reasons: tuple[str, ...]
    citations: tuple[str, ...]
    actions: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the exposure as a JSON-ready mapping."""
        return {
            "level": self.level, "market": self.market, "exposure": self.exposure,
            "memorization": self.memorization, "provisional": self.provisional,
            "reasons": list(self.reasons), "citations": list(self.citations),
            "actions": list(self.actions),
        }  # fmt: skip


@functools.cache
def _table(path: Path = PATH) -> _Table:
    try:
        table = _Table.model_validate(load_yaml(path.read_text(encoding="utf-8"),
                                                unique_keys=True))  # fmt: skip
    except (OSError, ValueError, ValidationError) as exc:
        raise RuleError(str(exc).replace("\n", " "), path=path) from exc
    if set(table.levels) != set(REGURGITATION_LEVELS):
        raise RuleError(f"levels must be exactly {REGURGITATION_LEVELS}", path=path)
    kb = default_knowledge_base()
    missing = sorted({c for m in table.markets.values() for c in m.citations} - {e.id for e in kb})
    if missing:
        raise RuleError(f"cites ids not in the knowledge base: {missing}", path=path)
    return table


def regurgitation_exposure(level: str, market: str) -> RegurgitationExposure:
    """Return the output exposure in ``market`` for a red-team finding ``level``.

    For ``substantial`` and ``verbatim`` the market's authorities apply (DE and FR also take
    the EU's); ``provisional`` is true when any of them is pending or under appeal. Raises
    InputError for an unknown level.
    """
    if level not in REGURGITATION_LEVELS:
        known = ", ".join(REGURGITATION_LEVELS)
        raise InputError(f"unknown finding level {level!r}; one of {known}")
    m = market.strip().lower()
    from clearance.law.output_duties.duties import DUTY_MARKETS

    if m not in DUTY_MARKETS:
        raise InputError(f"unknown market {market!r}; one of: {', '.join(DUTY_MARKETS)}")
    table = _table()
    base = table.levels[level]
    exposure, reasons = base.exposure, [base.reason]
    citations: list[str] = []
    if level in _REPRODUCING:
        for key in ([_LAYERS[m]] if m in _LAYERS else []) + [m]:
            spec = table.markets.get(key)
            if spec is None:
                continue
            reasons.append(spec.reason)
            citations.extend(spec.citations)
            override = getattr(spec, level)
            if override is not None:
                exposure = override
        if not citations:
            reasons.append("No AI-output authority for this market is in the knowledge base; "
                           "ordinary infringement law applies.")  # fmt: skip
    kb = default_knowledge_base()
    provisional = any(c in kb and kb.get(c).status in {"pending", "appealed"} for c in citations)
    return RegurgitationExposure(level, m, exposure, base.memorization, provisional,
                                 tuple(reasons), tuple(dict.fromkeys(citations)),
                                 base.actions)  # fmt: skip
