# SPDX-License-Identifier: Apache-2.0
"""Reporting thresholds: the presets in ``data/redteam/thresholds.yaml`` and custom ones.

A span is reported when it reaches every threshold set: ``min_tokens`` aligned tokens and/or
``min_chars`` characters of the output. Each preset names its source and when it was checked.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from clearance.errors import InputError, KnowledgeBaseError
from clearance.yamlio import load_yaml

__all__ = ["Preset", "Threshold", "default_threshold", "load_presets", "resolve_threshold"]


class Preset(BaseModel):
    """One named threshold with the source it rests on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9]+$")
    default: bool = False
    min_tokens: int | None = Field(default=None, ge=1)
    min_chars: int | None = Field(default=None, ge=1)
    label: str
    rationale: str
    sources: tuple[str, ...] = Field(min_length=1)
    checked: dt.date
    verified: bool
    notes: str | None = None

    @model_validator(mode="after")
    def _some_threshold(self) -> Preset:
        if self.min_tokens is None and self.min_chars is None:
            raise ValueError("a preset sets min_tokens, min_chars or both")
        return self


@dataclass(frozen=True, slots=True)
class Threshold:
    """What a span must reach to be reported."""

    min_tokens: int | None = 50
    min_chars: int | None = None
    preset: str | None = "tokens50"

    def reached(self, tokens: int, chars: int) -> bool:
        """Return True when a span of ``tokens`` aligned tokens and ``chars`` characters counts."""
        if self.min_tokens is not None and tokens < self.min_tokens:
            return False
        return not (self.min_chars is not None and chars < self.min_chars)

    def describe(self) -> str:
        """Return the threshold in words, e.g. '>= 50 tokens'."""
        parts = []
        if self.min_tokens is not None:
            parts.append(f">= {self.min_tokens} tokens")
        if self.min_chars is not None:
            parts.append(f">= {self.min_chars} characters")
        return " and ".join(parts) + (f" (preset {self.preset})" if self.preset else "")


@functools.cache
def load_presets() -> tuple[Preset, ...]:
    """Return the shipped presets; raise KnowledgeBaseError naming the file when invalid."""
    ref = resources.files("clearance") / "data" / "redteam" / "thresholds.yaml"
    try:
        data = load_yaml(ref.read_text(encoding="utf-8"), unique_keys=True)
        presets = tuple(Preset.model_validate(d) for d in data)
    except (ValidationError, TypeError, ValueError) as exc:
        raise KnowledgeBaseError(str(exc).replace("\n", " "), path=str(ref)) from exc
    ids = [p.id for p in presets]
    if len(set(ids)) != len(ids) or sum(p.default for p in presets) != 1:
        raise KnowledgeBaseError("preset ids must be unique and exactly one the default",
                                 path=str(ref))
    return presets


def default_threshold() -> Threshold:
    """Return the default preset as a Threshold."""
    p = next(p for p in load_presets() if p.default)
    return Threshold(p.min_tokens, p.min_chars, p.id)


def resolve_threshold(preset: str | None = None, min_tokens: int | None = None,
                      min_chars: int | None = None) -> Threshold:
    """Return the threshold of a preset, overridden by explicit ``min_tokens``/``min_chars``."""
    if preset is None and (min_tokens is not None or min_chars is not None):
        base = Threshold(None, None, None)
    elif preset is None:
        base = default_threshold()
    else:
        found = {p.id: p for p in load_presets()}.get(preset)
        if found is None:
            raise InputError(f"unknown threshold preset {preset!r}; presets: "
                             + ", ".join(p.id for p in load_presets()))
        base = Threshold(found.min_tokens, found.min_chars, found.id)
    for name, value in (("min-tokens", min_tokens), ("min-chars", min_chars)):
        if value is not None and value < 1:
            raise InputError(f"--{name} must be at least 1, got {value}")
    if min_tokens is None and min_chars is None:
        return base
    return Threshold(min_tokens if min_tokens is not None else base.min_tokens,
                     min_chars if min_chars is not None else base.min_chars, None)
