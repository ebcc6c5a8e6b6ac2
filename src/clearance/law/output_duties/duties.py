# SPDX-License-Identifier: Apache-2.0
"""What must be done with generated outputs, market by market: the output-duties checklist.

Each duty is one YAML file under ``data/output_duties/<market>/<id>.yaml``: who must act
(provider, deployer, platform, anyone), what kind of duty (machine-readable marking, visible
label, user notice, deepfake label, consent for voice or likeness, takedown, detection tool,
prohibited content, voluntary), for which outputs, from and until when, what to do, and the
knowledge-base ids it rests on. ``output_duties(markets, as_of)`` returns the checklist with
each duty's status on that date: ``in_force``, ``upcoming`` (not yet applicable),
``proposed`` (rests on a bill or proposal) or ``unsettled`` (rests on pending litigation).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from clearance.errors import InputError, RuleError
from clearance.law.kb import KnowledgeBase, default_knowledge_base
from clearance.yamlio import load_yaml

__all__ = [
    "DUTIES_ROOT",
    "DUTY_KINDS",
    "DUTY_MARKETS",
    "DutyItem",
    "OutputDuty",
    "default_output_duties",
    "load_output_duties",
    "output_duties",
]

DUTIES_ROOT: Final = Path(__file__).resolve().parents[2] / "data" / "output_duties"
DUTY_KINDS: Final[tuple[str, ...]] = (
    "machine_readable_marking", "visible_label", "user_notice", "deepfake_label",
    "likeness_consent", "takedown", "detection_tool", "prohibited_content", "voluntary",
)  # fmt: skip
#: Markets the checklist covers; de and fr take the EU's duties as well as their own.
DUTY_MARKETS: Final[tuple[str, ...]] = (
    "us", "uk", "eu", "de", "fr", "cn", "jp", "kr", "in", "au", "ca", "ch",
)  # fmt: skip
_LAYERS: Final = {"de": "eu", "fr": "eu"}
OUTPUTS: Final[tuple[str, ...]] = ("text", "image", "audio", "video", "code")

OneLine = Annotated[str, Field(min_length=3, max_length=500, pattern=r"^[^\n\r]+$")]


class OutputDuty(BaseModel):
    """One duty attached to generated outputs in one market, with its authorities."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z]{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")]
    market: str
    duty: OneLine = Field(description="The duty, in our words.")
    kind: Literal[
        "machine_readable_marking", "visible_label", "user_notice", "deepfake_label",
        "likeness_consent", "takedown", "detection_tool", "prohibited_content", "voluntary",
    ]  # fmt: skip
    who: Literal["provider", "deployer", "platform", "any"]
    outputs: tuple[Literal["text", "image", "audio", "video", "code"], ...] = Field(min_length=1)
    from_date: dt.date = Field(alias="from", description="Applies from (inclusive).")
    to_date: dt.date | None = Field(default=None, alias="to")
    what_to_do: str = Field(min_length=20)
    citations: tuple[str, ...] = Field(min_length=1)
    see_also: tuple[str, ...] = ()
    notes: str | None = None

    @model_validator(mode="after")
    def _dates(self) -> OutputDuty:
        if self.to_date is not None and self.to_date < self.from_date:
            raise ValueError("'to' is before 'from'")
        return self


@dataclass(frozen=True, slots=True)
class DutyItem:
    """One line of the checklist: a duty and its status on the as-of date."""

    market: str
    duty_id: str
    duty: str
    kind: str
    who: str
    outputs: tuple[str, ...]
    from_date: str
    to_date: str | None
    status: str
    what_to_do: str
    authority_ids: tuple[str, ...]
    unverified: tuple[str, ...]
    notes: str | None

    def to_dict(self) -> dict[str, Any]:
        """Return the item as a JSON-ready mapping."""
        return {
            "market": self.market, "duty_id": self.duty_id, "duty": self.duty,
            "kind": self.kind, "who": self.who, "outputs": list(self.outputs),
            "from": self.from_date, "to": self.to_date, "status": self.status,
            "what_to_do": self.what_to_do, "authority_ids": list(self.authority_ids),
            "unverified": list(self.unverified), "notes": self.notes,
        }  # fmt: skip


def _read(path: Path) -> OutputDuty:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), unique_keys=True)
        duty = OutputDuty.model_validate(data)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError) as exc:
        msg = str(exc).replace("\n", " ")
        if isinstance(exc, ValidationError):
            msg = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:4])
        raise RuleError(msg, path=path) from exc
    if duty.id != path.stem or duty.market != path.parent.name:
        raise RuleError("id must equal the file name and market its directory", path=path)
    return duty


def load_output_duties(
    root: str | Path | None = None, known_ids: frozenset[str] | None = None
) -> dict[str, OutputDuty]:
    """Return every duty under ``root`` (default: shipped), checked; RuleError names the file."""
    root = Path(root) if root is not None else DUTIES_ROOT
    if known_ids is None:
        known_ids = frozenset(e.id for e in default_knowledge_base())
    duties: dict[str, OutputDuty] = {}
    for sub in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        if sub.name not in DUTY_MARKETS:
            raise RuleError(f"{sub.name!r} is not a market of the checklist", path=sub)
        for path in sorted(sub.glob("*.yaml")):
            duty = _read(path)
            missing = sorted((set(duty.citations) | set(duty.see_also)) - known_ids)
            if missing:
                raise RuleError(f"cites ids not in the knowledge base: {missing}", path=path)
            if duty.id in duties:
                raise RuleError("duplicate duty id", path=path)
            duties[duty.id] = duty
    if not duties:
        raise RuleError("no output duties found", path=root)
    return duties


@functools.cache
def default_output_duties() -> dict[str, OutputDuty]:
    """Return the shipped duties, loaded once per process."""
    return load_output_duties()


def _status(duty: OutputDuty, on: dt.date, kb: KnowledgeBase) -> str:
    entries = [kb.get(c) for c in duty.citations if c in kb]
    if entries and all(e.type == "bill" or e.status == "proposed" for e in entries):
        return "proposed"
    if on < duty.from_date:
        return "upcoming"
    if entries and all(e.status in {"pending", "appealed"} for e in entries):
        return "unsettled"
    return "in_force"


def output_duties(
    markets: str | Iterable[str] = "all",
    as_of: dt.date | str | None = None,
    *,
    outputs: Iterable[str] | None = None,
    duties: dict[str, OutputDuty] | None = None,
) -> list[DutyItem]:
    """Return the checklist of output duties for ``markets`` as of a date (default today).

    ``outputs`` narrows it to duties touching these output types (text, image, audio, video,
    code). Duties that ended before the date are left out; ones not yet applicable are kept
    as ``upcoming`` so a launch can be planned. Raises InputError for an unknown market,
    output type or date.
    """
    if isinstance(markets, str):
        wanted = (
            list(DUTY_MARKETS)
            if markets.strip() == "all"
            else [m.strip().lower() for m in markets.split(",") if m.strip()]
        )
    else:
        wanted = [m.strip().lower() for m in markets]
    bad = [m for m in wanted if m not in DUTY_MARKETS]
    if bad or not wanted:
        raise InputError(f"unknown market {bad or wanted}; one of: {', '.join(DUTY_MARKETS)}")
    kinds = set(outputs) if outputs is not None else set(OUTPUTS)
    if kinds - set(OUTPUTS):
        raise InputError(f"unknown output type {sorted(kinds - set(OUTPUTS))}; one of {OUTPUTS}")
    try:
        on = (
            as_of
            if isinstance(as_of, dt.date)
            else (dt.date.fromisoformat(str(as_of)) if as_of else dt.date.today())
        )
    except ValueError:
        raise InputError(f"as_of: expected a date YYYY-MM-DD, got {as_of!r}") from None
    kb = default_knowledge_base()
    duties = duties if duties is not None else default_output_duties()
    items: list[DutyItem] = []
    for market in wanted:
        chain = [_LAYERS[market], market] if market in _LAYERS else [market]
        for duty in (d for d in duties.values() if d.market in chain):
            if duty.to_date is not None and duty.to_date < on or not kinds & set(duty.outputs):
                continue
            unverified = tuple(c for c in duty.citations if c in kb and not kb.get(c).verified)
            items.append(DutyItem(
                market, duty.id, duty.duty, duty.kind, duty.who, duty.outputs,
                duty.from_date.isoformat(), duty.to_date.isoformat() if duty.to_date else None,
                _status(duty, on, kb), " ".join(duty.what_to_do.split()), duty.citations,
                unverified, duty.notes,
            ))  # fmt: skip
    return items
